#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest of harness/crash/run, on an nvdimm whose backing
# file outlives QEMU (see there for what the test shows and what not).
#
#   guest.sh setup
#       one-time: turn the label-less nvdimm namespace into fsdax (a pfn
#       info block, as "ndctl create-namespace -m fsdax" writes) and make
#       ext4 on it, inode tables and journal written now (no lazy init
#       thread journaling behind the test's back)
#   guest.sh run static|control NAME [CHECK...]
#       after a kill -9 of QEMU: replay the journal, fsck (must be clean),
#       check each CHECK; then create the new file NAME with plain write()s
#       and no fsync, make it static with "daxfile enable" (static) or not
#       (control), and append records through a MAP_SHARED mapping with
#       clwb + sfence, printing "ack N", until QEMU is killed
#   guest.sh verify [CHECK...]
#       the same checks, nothing created
#
# A CHECK is NAME:ACKED, a file of an earlier run and the number of
# records acknowledged in it before the kill.  Each gets one line:
#   crash: NAME kept (...)   the file is there, its ACKED records intact
#   crash: NAME lost (...)   the file is gone, or short, or records are
#                            missing or corrupt
dev=/dev/pmem0 mnt=/mnt/dax size_mib=16
phase=$1

fail() { echo "crash: FAILED: $*"; exit 1; }
now() { cut -d' ' -f1 /proc/uptime; }

if [ "$phase" = setup ]; then
	nd=/sys/bus/nd
	ns=$(basename "$(readlink -f /sys/block/pmem0/device)")
	region=$(basename "$(dirname "$(readlink -f $nd/devices/"$ns")")")
	[ -n "$ns" ] && [ -n "$region" ] || fail "no nvdimm namespace behind $dev"
	pfn=$(cat $nd/devices/"$region"/pfn_seed)
	echo "$ns" >$nd/drivers/nd_pmem/unbind || fail "unbind $ns"
	echo 5e3d5e3d-da7f-11e0-8000-000000000001 >$nd/devices/"$pfn"/uuid &&
		echo pmem >$nd/devices/"$pfn"/mode &&
		echo "$ns" >$nd/devices/"$pfn"/namespace &&
		echo "$pfn" >$nd/drivers/nd_pmem/bind || fail "fsdax conversion of $ns through $pfn"
	sleep 1
	[ -b $dev ] || fail "no $dev after the fsdax conversion"
	echo "crash: $ns is fsdax through $pfn"
	mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512,lazy_itable_init=0,lazy_journal_init=0 $dev ||
		fail mkfs
	mount -t ext4 -o dax $dev $mnt || fail "mount -o dax"
	umount $mnt || fail umount
	echo "crash: setup done"
	exit 0
fi

# After an unclean stop: mounting replays the journal, then the whole
# filesystem is checked read-only.
mount -t ext4 -o dax $dev $mnt || fail "mount after the kill"
# What ext4 said about the replay (KERN_INFO: not on the console).
dmesg | grep -E 'EXT4-fs \(pmem0\): (recovery|orphan)' | sed 's/^\[[ 0-9.]*\] */crash: kernel: /'
umount $mnt || fail "umount after the journal replay"
e2fsck -fn $dev >/tmp/fsck.log 2>&1 || { cat /tmp/fsck.log; fail "fsck is not clean"; }
echo "crash: fsck clean"
mount -t ext4 -o dax $dev $mnt || fail "mount -o dax"

# busybox sh has "local": the checks must not touch the run's own names.
check() {
	local name=${1%%:*} acked=${1#*:} f bytes out
	f=$mnt/$name
	if [ ! -e "$f" ]; then
		echo "crash: $name lost (the file is gone; $acked records had been acknowledged)"
		return
	fi
	bytes=$(wc -c <"$f")
	if [ "$bytes" != $((size_mib << 20)) ]; then
		echo "crash: $name lost (the file has $bytes bytes, not $((size_mib << 20)); $acked records had been acknowledged)"
		return
	fi
	if out=$(/daxfile/pmemlog verify "$f" "$acked" 2>&1); then
		echo "crash: $name kept ($out)"
	else
		echo "crash: $name lost ($out)"
	fi
}

if [ "$phase" = verify ]; then
	shift
	for c in "$@"; do check "$c"; done
	umount $mnt
	exit 0
fi
[ "$phase" = run ] || fail "unknown phase '$phase'"
kind=$2 name=$3
shift 3
case $kind in static|control) ;; *) fail "unknown kind '$kind'" ;; esac
for c in "$@"; do check "$c"; done

f=$mnt/$name
[ ! -e "$f" ] || fail "$f exists already"
# Commit what the checks dirtied (atime, a log header): no transaction is
# running now, so the next one starts with the new file and, with the
# default commit interval, nothing commits it for 5 s.  From here on
# nothing syncs: no fsync, no sync, no umount.
sync
echo "crash: creating $name ($kind) at uptime $(now)"
dd if=/dev/zero of="$f" bs=1M count=$size_mib 2>/dev/null || fail "write $f"
if [ "$kind" = static ]; then
	/daxfile/daxfile enable "$f" || fail "daxfile enable $f"
fi
echo "crash: appending to $name at uptime $(now)"
# Each "ack N" is printed after record N and the count covering it were
# flushed (clwb) and fenced (sfence): the host kills QEMU after some.
/daxfile/pmemlog append "$f" 1000000000 "$name"
fail "pmemlog stopped before the kill"
