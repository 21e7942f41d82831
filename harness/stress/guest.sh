#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: fuzz, race stress, then a kmemleak scan.
mnt=${DAXFILE_MNT:-/mnt/dax}
calls=${FUZZ_CALLS:-10000}
seconds=${RACE_SECONDS:-20}
rc=0
echo clear >/sys/kernel/debug/kmemleak || { echo "stress: no kmemleak"; exit 1; }
/daxfile/fuzz "$mnt" "$calls" 0x5eed || rc=1
/daxfile/race "$mnt" "$seconds" || rc=1
sleep 6
echo scan >/sys/kernel/debug/kmemleak
echo scan >/sys/kernel/debug/kmemleak
leaks=$(grep -c "^unreferenced object" /sys/kernel/debug/kmemleak)
cat /sys/kernel/debug/kmemleak
echo "stress: kmemleak: $leaks unreferenced objects after fuzz and race"
[ "$leaks" = 0 ] || rc=1
exit $rc
