#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside a guest booted with initcall_blacklist=daxfile_setup: the
# list of static-dax files was never initialised, so every daxctl() call,
# GET included, must fail with ENOSYS and nothing may touch the list.
f=${DAXFILE_MNT:-/mnt/dax}/f
grep -q "initcall_blacklist=daxfile_setup" /proc/cmdline || { echo "no-initcall: not blacklisted"; exit 1; }
daxfile create "$f" 4M >/dev/null || exit 1
fail=0
for cmd in "status $f" "enable $f" "disable $f"; do
	# shellcheck disable=SC2086
	out=$(daxfile $cmd 2>&1)
	echo "$out"
	echo "$out" | grep -q "(ENOSYS)" || { echo "no-initcall: daxfile $cmd: wanted ENOSYS"; fail=1; }
done
truncate -s 1M "$f" || { echo "no-initcall: the file was frozen"; fail=1; }
# The kselftest case for this boot (it skips on every other).
out=$(/daxfile/daxfile_test -t skipped_initcall_is_enosys 2>&1)
echo "$out"
echo "$out" | grep -q "^ok 1 global.skipped_initcall_is_enosys$" &&
	echo "$out" | grep -q "^# PASSED: 1 / 1 tests passed" ||
	{ echo "no-initcall: the kselftest case skipped_initcall_is_enosys did not pass"; fail=1; }
[ $fail = 0 ] && echo "no-initcall: ENOSYS for GET, enable and disable; the file left as it was; kselftest skipped_initcall_is_enosys passed"
exit $fail
