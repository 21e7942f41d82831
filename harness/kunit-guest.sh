#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the debug guest: print the results of the daxfile KUnit
# suite, which ran at boot, between markers for harness/kunit --guest.
r=/sys/kernel/debug/kunit/daxfile/results
[ -r $r ] || { echo "kunit: no $r (CONFIG_DAXFILE_KUNIT_TEST, CONFIG_KUNIT_DEBUGFS?)"; exit 1; }
echo DAXFILE-KUNIT-BEGIN
cat $r
echo DAXFILE-KUNIT-END
