#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest with nothing mounted (harness/guest --fs none): the
# alignment daxctl() checks is that of the physical address a DAX fault
# maps, not of the block number on the filesystem's device.
#
# /dev/pmem0 (whose memory starts at 4 GiB) gets two partitions: p1 starts
# 1 MiB into it, p2 at 258 MiB.  On each, ext4 striped at 2 MiB places a
# 16 MiB file on 2 MiB boundaries of the partition, as FIEMAP shows.  On
# p1 those are 1 MiB past 2 MiB boundaries of memory, so align = 2 MiB
# must fail with EINVAL (where block numbers alone would pass) and align =
# 1 MiB must succeed; on p2, align = 2 MiB must succeed.
dev=/dev/pmem0
fail=0

le32() {
	v=$1
	for _ in 1 2 3 4; do
		# shellcheck disable=SC2059
		printf "\\$(printf %03o $((v & 255)))"
		v=$((v >> 8))
	done
}
# An MBR partition entry of type 0x83: LBA start and length in sectors.
entry() {
	printf '\000\376\377\377\203\376\377\377'
	le32 "$1"
	le32 "$2"
}
{
	dd if=/dev/zero bs=446 count=1 2>/dev/null
	entry 2048 524288
	entry 528384 524288
	dd if=/dev/zero bs=32 count=1 2>/dev/null
	printf '\125\252'
} >/tmp/mbr
[ "$(wc -c </tmp/mbr)" = 512 ] || { echo "partition: bad MBR image"; exit 1; }
dd if=/tmp/mbr of=$dev bs=512 count=1 conv=notrunc 2>/dev/null
blockdev --rereadpt $dev || { echo "partition: cannot reread the partition table"; exit 1; }
sleep 1
for p in 1 2; do
	[ -b ${dev}p$p ] || { echo "partition: no ${dev}p$p"; exit 1; }
	echo "partition: ${dev}p$p starts at sector $(cat /sys/block/pmem0/pmem0p$p/start)"
	mkdir -p /mnt/p$p
	mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 ${dev}p$p &&
		mount -t ext4 -o dax ${dev}p$p /mnt/p$p || { echo "partition: ext4 -o dax on p$p failed"; exit 1; }
	# Exit 0: FIEMAP (partition-relative) says every 2 MiB chunk is aligned.
	daxfile create /mnt/p$p/f 16M --align 2M || { echo "partition: p$p: file not on 2 MiB boundaries of the partition"; fail=1; }
done

expect() {
	want=$1 path=$2 align=$3
	out=$(daxfile enable "$path" --align "$align" 2>&1)
	echo "$out"
	case $want in
	ok) echo "$out" | grep -q ": static-dax$" ;;
	*) echo "$out" | grep -q "($want)" ;;
	esac || { echo "partition: enable $path --align $align: wanted $want"; fail=1; }
}
expect EINVAL /mnt/p1/f 2M
daxfile status /mnt/p1/f | grep -q "not static-dax" || { echo "partition: p1 file is static"; fail=1; }
expect ok /mnt/p1/f 1M
daxfile disable /mnt/p1/f >/dev/null || fail=1
expect ok /mnt/p2/f 2M
daxfile disable /mnt/p2/f >/dev/null || fail=1
umount /mnt/p1 && umount /mnt/p2 || fail=1
[ $fail = 0 ] && echo "partition: physical alignment checked: p1 (1 MiB in) EINVAL for 2 MiB, 0 for 1 MiB; p2 (258 MiB in) 0 for 2 MiB"
exit $fail
