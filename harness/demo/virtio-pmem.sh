#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside a guest whose /dev/pmem0 is a virtio-pmem device (harness/guest
# --virtio-pmem): DAX-capable, but not synchronous, so a CPU cache flush
# does not make stores durable there.  On ext4 and on XFS mounted -o dax,
# daxctl(DAXCTL_F_STATIC) must fail with EOPNOTSUPP and change nothing.
dev=/dev/pmem0 mnt=/mnt/dax
fail=0

check() {
	fs=$1 f=$mnt/f
	case $fs in
	ext4) mkfs.ext4 -q -F -b 4096 $dev && mount -t ext4 -o dax $dev $mnt ;;
	xfs) mkfs.xfs -q -f $dev && mount -t xfs -o dax $dev $mnt ;;
	esac || { echo "virtio-pmem: $fs: mkfs or mount -o dax failed"; return 1; }
	grep " $mnt $fs " /proc/mounts | grep -q dax || { echo "virtio-pmem: $fs: not mounted -o dax"; return 1; }
	daxfile create "$f" 16M || return 1
	daxfile status "$f" | grep -q "not static-dax, DAX" || { echo "virtio-pmem: $fs: the file is not DAX"; return 1; }
	out=$(daxfile enable "$f" 2>&1)
	echo "$out"
	echo "$out" | grep -q "(EOPNOTSUPP)" || { echo "virtio-pmem: $fs: enable did not fail with EOPNOTSUPP"; return 1; }
	daxfile status "$f" | grep -q "not static-dax" || { echo "virtio-pmem: $fs: the file became static"; return 1; }
	truncate -s 4M "$f" || { echo "virtio-pmem: $fs: the failed enable left the file frozen"; return 1; }
	rm "$f" && umount $mnt || return 1
	echo "virtio-pmem: $fs: EOPNOTSUPP, file left as it was"
}

[ -e /sys/bus/virtio/drivers/virtio_pmem ] || { echo "virtio-pmem: no virtio_pmem driver"; exit 1; }
ls -l /sys/block/pmem0/device 2>/dev/null
check ext4 || fail=1
check xfs || fail=1
exit $fail
