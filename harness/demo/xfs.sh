#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest on XFS -o dax: XFS has no ->bmap for DAX files, so
# daxctl(DAXCTL_F_STATIC) must fail with EOPNOTSUPP and leave the file
# as it was.
mnt=${DAXFILE_MNT:-/mnt/dax}
fail=0
grep " $mnt xfs " /proc/mounts || { echo "xfs: not mounted"; exit 1; }
daxfile create "$mnt/f" 16M || fail=1
daxfile status "$mnt/f" | grep -q "not static-dax, DAX" || { echo "xfs: file is not DAX"; fail=1; }
out=$(daxfile enable "$mnt/f" 2>&1)
echo "$out"
echo "$out" | grep -q "(EOPNOTSUPP)" || { echo "xfs: enable did not fail with EOPNOTSUPP"; fail=1; }
truncate -s 4M "$mnt/f" || { echo "xfs: the failed enable left the file frozen"; fail=1; }
rm "$mnt/f" || fail=1
[ $fail = 0 ] && echo "xfs: EOPNOTSUPP as documented, file left as it was"
exit $fail
