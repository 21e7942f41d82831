#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: fuzz, race stress, fault injection, then a
# kmemleak scan.  Prints "stress: ok NAME" or "stress: FAILED NAME" for
# each part.
mnt=${DAXFILE_MNT:-/mnt/dax}
calls=${FUZZ_CALLS:-10000}
seconds=${RACE_SECONDS:-20}
dbg=/sys/kernel/debug
rc=0
part() {
	name=$1
	shift
	if "$@"; then
		echo "stress: ok $name"
	else
		echo "stress: FAILED $name"
		rc=1
	fi
}
echo clear >$dbg/kmemleak || { echo "stress: FAILED no kmemleak"; exit 1; }
part fuzz /daxfile/fuzz "$mnt" "$calls" 0x5eed
part race /daxfile/race "$mnt" "$seconds"
# fail-nth injects into every site of these, whatever their probability;
# let them fail sleeping and order-0 allocations too, and quietly: a
# stack dump per injected fault would read as a splat.
for a in failslab fail_page_alloc fail_usercopy; do
	[ -d $dbg/$a ] || { echo "stress: no $dbg/$a (CONFIG_FAULT_INJECTION_DEBUG_FS?)"; rc=1; continue; }
	echo 0 >$dbg/$a/verbose
	[ -f $dbg/$a/ignore-gfp-wait ] && echo N >$dbg/$a/ignore-gfp-wait
	[ -f $dbg/$a/min-order ] && echo 0 >$dbg/$a/min-order
done
part faults /daxfile/faults "$mnt"
sleep 6
echo scan >$dbg/kmemleak
echo scan >$dbg/kmemleak
leaks=$(grep -c "^unreferenced object" $dbg/kmemleak)
cat $dbg/kmemleak
echo "stress: kmemleak: $leaks unreferenced objects after fuzz, race and faults"
part kmemleak [ "$leaks" = 0 ]
exit $rc
