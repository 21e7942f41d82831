#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest with nothing mounted (harness/guest --fs none
# --rt-pmem MIB): XFS with its realtime device on a second pmem.  A
# realtime file's blocks are on the realtime device, whose DAX device the
# extents carry: daxctl() checks them there, as for any file.
#
# 1. Realtime device /dev/pmem1: a 4 MiB realtime file of written zeroes
#    becomes static with align = 2 MiB, is listed in /proc/daxfiles,
#    refuses truncate, and returns to normal.
# 2. Data device /dev/pmem0p1, a partition 1 MiB into pmem0, realtime
#    device all of /dev/pmem1: align = 2 MiB succeeds, so the data
#    device's offset is not applied to the realtime file.
# 3. Realtime device /dev/pmem1p1, a partition 1 MiB into pmem1: the file
#    is on 2 MiB boundaries of the partition (FIEMAP), 1 MiB past those of
#    memory, so align = 2 MiB must fail with EINVAL and 1 MiB succeed:
#    the alignment is that of the realtime device's memory, not of the
#    block numbers.
fail=0
say() { echo "xfs-rt: $*"; }
bad() { say "$*"; fail=1; }

le32() {
	v=$1
	for _ in 1 2 3 4; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
	done
}

# mkrt RTDEV [DATADEV]: XFS on DATADEV (default /dev/pmem0) with RTDEV as
# its realtime device, mounted -o dax at /mnt/rt, and /mnt/rt/f a 4 MiB
# realtime file of written zeroes.
mkrt() {
	data=${2:-/dev/pmem0}
	mkfs.xfs -q -f -r rtdev="$1" "$data" &&
		mount -t xfs -o dax,rtdev="$1" "$data" /mnt/rt &&
		xfs_io -f -c "chattr +r" -c "pwrite -q -S 0 0 4m" -c fsync /mnt/rt/f ||
		{ bad "XFS with realtime device $1 failed"; return 1; }
	xfs_io -c lsattr /mnt/rt/f | grep -q "^r" || { bad "/mnt/rt/f is not a realtime file"; return 1; }
	daxfile status /mnt/rt/f | grep -q ": not static-dax, DAX," || { bad "/mnt/rt/f is not DAX"; return 1; }
}

expect() {
	want=$1 align=$2
	out=$(daxfile enable /mnt/rt/f --align "$align" 2>&1)
	echo "$out"
	case $want in
	ok) echo "$out" | grep -q ": static-dax$" ;;
	*) echo "$out" | grep -q "($want)" ;;
	esac || bad "enable --align $align on $rt: wanted $want"
}

mkdir -p /mnt/rt
rt=/dev/pmem1
if mkrt $rt; then
	expect ok 2M
	grep -q "^/mnt/rt/f	4194304	2097152	" /proc/daxfiles || bad "not in /proc/daxfiles"
	truncate -s 1M /mnt/rt/f 2>/dev/null && bad "truncate of the static realtime file worked"
	daxfile disable /mnt/rt/f >/dev/null || bad "disable failed"
	truncate -s 1M /mnt/rt/f || bad "truncate after disable failed"
	umount /mnt/rt || bad "umount failed"
fi

# partition DEV SECTORS: one partition, 1 MiB into DEV, of SECTORS.
partition() {
	{
		dd if=/dev/zero bs=446 count=1 2>/dev/null
		printf '\000\376\377\377\203\376\377\377'
		le32 2048
		le32 "$2"
		dd if=/dev/zero bs=48 count=1 2>/dev/null
		printf '\125\252'
	} >/tmp/mbr
	dd if=/tmp/mbr of="$1" bs=512 count=1 conv=notrunc 2>/dev/null
	blockdev --rereadpt "$1" || bad "cannot reread the partition table of $1"
	sleep 1
	[ -b "${1}p1" ] || bad "no ${1}p1"
}

partition /dev/pmem0 1048576
rt=/dev/pmem1
if mkrt $rt /dev/pmem0p1; then
	expect ok 2M
	daxfile disable /mnt/rt/f >/dev/null || bad "disable failed"
	umount /mnt/rt || bad "umount failed"
fi

partition /dev/pmem1 262144
rt=/dev/pmem1p1
if [ -b $rt ] && mkrt $rt /dev/pmem0p1; then
	# FIEMAP (device-relative) must say 2 MiB boundaries, or the test
	# cannot tell physical from relative alignment.
	chunks=$(daxfile status --json /mnt/rt/f | sed -n 's/.*"chunks_aligned_to": \([0-9]*\).*/\1/p')
	[ "${chunks:-0}" -ge 2097152 ] || bad "the realtime file is not on 2 MiB boundaries of $rt"
	expect EINVAL 2M
	daxfile status /mnt/rt/f | grep -q ": not static-dax" || bad "static after EINVAL"
	expect ok 1M
	daxfile disable /mnt/rt/f >/dev/null || bad "disable failed"
	umount /mnt/rt || bad "umount failed"
else
	bad "no $rt"
fi
[ $fail = 0 ] && say "a realtime file: static with 2 MiB on pmem1, also with the data device 1 MiB into pmem0; with the realtime device 1 MiB into pmem1, EINVAL for 2 MiB, 0 for 1 MiB"
exit $fail
