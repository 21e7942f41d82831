#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest (ext4 -o dax on /dev/pmem0 at $DAXFILE_MNT): media
# errors, as the pmem driver's bad-block list records them.
#
# A 4 MiB file is made static and returned to normal (the control: its
# blocks are fine).  Then one page of it, 1 MiB in, is marked bad in
# /sys/block/pmem0/badblocks, as a found media error would be:
#  1. dax_direct_access() refuses that range, so enable must fail with
#     EIO and leave the file normal;
#  2. a page-aligned write(2) over the page (DAX's recovery write) clears
#     the error, and enable then succeeds;
#  3. the page is marked bad again while the file is static: the same
#     write must work on the static file, clear the error and leave the
#     file static (Documentation/filesystems/daxfile.rst, Limitations).
mnt=${DAXFILE_MNT:-/mnt/dax}
f=$mnt/poisoned
bb=/sys/block/pmem0/badblocks
fail=0
say() { echo "media-error: $*"; }
bad() { say "$*"; fail=1; }
is_static() { daxfile status "$f" | grep -q ": static-dax,"; }
recover() {
	dd if=/dev/zero of="$f" bs=4096 seek=256 count=1 conv=notrunc 2>/dev/null ||
		bad "$1: the page-aligned write over the bad page failed"
	[ -z "$(cat $bb)" ] || bad "$1: the write left '$(cat $bb)' in $bb"
}

daxfile create "$f" 4M >/dev/null || { say "cannot create $f"; exit 1; }
daxfile enable "$f" >/dev/null && daxfile disable "$f" >/dev/null ||
	bad "the control enable (no media error yet) failed"
# The first extent's first sector, in 512-byte units of /dev/pmem0.
start=$(xfs_io -r -c fiemap "$f" | sed -n 's/^[[:space:]]*0: \[0\.\.[0-9]*\]: \([0-9]*\)\.\..*/\1/p')
[ -n "$start" ] || { say "no FIEMAP extent for $f"; exit 1; }
sector=$((start + 2048))

echo "$sector 8" >$bb || { say "cannot write $bb"; exit 1; }
grep -q "^$sector 8$" $bb || bad "$bb does not list sector $sector"
out=$(daxfile enable "$f" 2>&1)
echo "$out"
echo "$out" | grep -q "(EIO)" || bad "enable with a bad page: wanted EIO"
is_static && bad "the file became static"

recover "normal file"
daxfile enable "$f" || bad "enable after the recovery write failed"

echo "$sector 8" >$bb
recover "static file"
is_static || bad "the file is not static after the recovery write"
daxfile disable "$f" >/dev/null || bad "disable failed"
[ $fail = 0 ] && say "EIO while sector $sector (1 MiB into the file) was bad; a page-aligned write cleared it, on a normal and on a static file"
exit $fail
