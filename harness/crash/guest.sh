#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest of harness/crash/run, on an nvdimm whose backing
# file outlives QEMU.
#
#   guest.sh setup        one-time: turn the label-less nvdimm namespace
#                         into fsdax (a pfn info block, as "ndctl
#                         create-namespace -m fsdax" writes), make ext4,
#                         create a 64 MiB written log file
#   guest.sh run ACKED    after a kill -9 of QEMU: replay the journal,
#                         fsck (must be clean), check that the log holds
#                         every record acknowledged before the kill, make
#                         the log static and append until killed again
#   guest.sh verify ACKED the same checks, without appending
dev=/dev/pmem0 mnt=/mnt/dax log=/mnt/dax/pmemlog
phase=$1 acked=${2:-0}

fail() { echo "crash: FAILED: $*"; exit 1; }

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
	mkfs.ext4 -q -F -b 4096 -E stride=512,stripe_width=512 $dev || fail mkfs
	mount -t ext4 -o dax $dev $mnt || fail "mount -o dax"
	dd if=/dev/zero of=$log bs=1M count=64 conv=fsync 2>/dev/null || fail "create $log"
	/daxfile/daxfile status $log || fail "daxfile status"
	/daxfile/daxfile status $log | grep -q ", DAX," || fail "$log is not DAX"
	umount $mnt || fail umount
	echo "crash: setup done"
	exit 0
fi

# After an unclean stop: mounting replays the journal, then the whole
# filesystem is checked read-only.
mount -t ext4 -o dax $dev $mnt || fail "mount after the kill"
umount $mnt || fail "umount after the journal replay"
e2fsck -fn $dev >/tmp/fsck.log 2>&1 || { cat /tmp/fsck.log; fail "fsck is not clean"; }
echo "crash: fsck clean"
mount -t ext4 -o dax $dev $mnt || fail "mount -o dax"
/daxfile/pmemlog verify $log "$acked" || fail "log check (acknowledged: $acked)"
[ "$phase" = verify ] && { umount $mnt; exit 0; }
/daxfile/daxfile enable $log || fail "daxfile enable"
echo "crash: appending"
# Each "ack N" is printed after record N and the count covering it were
# flushed and fenced: the host kills QEMU after some of them.
/daxfile/pmemlog append $log 1000000000 crash
fail "pmemlog stopped before the kill"
