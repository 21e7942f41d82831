#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug guest: print the results of the daxfile KUnit
# suite, which ran at boot, between markers for harness/kunit --guest.
# Two suites, daxfile and the kernel crate's doctests, as one KTAP document:
# each debugfs file is a document with one suite; keep its suite lines and
# number the suites' result lines 1 and 2.
d=/sys/kernel/debug/kunit
for s in daxfile rust_doctests_kernel; do
	[ -r $d/$s/results ] || { echo "kunit: no $d/$s/results (CONFIG_DAXFILE_KUNIT_TEST, CONFIG_RUST_KERNEL_DOCTESTS, CONFIG_KUNIT_DEBUGFS, kunit.filter_glob?)"; exit 1; }
done
echo DAXFILE-KUNIT-BEGIN
echo "KTAP version 1"
echo "1..2"
n=0
for s in daxfile rust_doctests_kernel; do
	n=$((n + 1))
	sed -e '1,2d' -e '/^# Totals:/d' -e "s/^\(not ok\|ok\) 1 $s\$/\1 $n $s/" $d/$s/results
done
echo DAXFILE-KUNIT-END
