#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: the daxfile kselftests as "make install" put them
# in /kselftest, through the upstream runner (run_kselftest.sh, which
# enforces the timeout of daxfile/settings), one program at a time so
# that each one's wall time is logged.
cd /kselftest || exit 1
# Without it the runner runs the programs with no timeout at all.
[ -x /usr/bin/timeout ] || { echo "no /usr/bin/timeout in the guest"; exit 1; }
rc=0
for t in daxfile_test daxfile_tool.sh; do
	start=$(date +%s)
	./run_kselftest.sh -t "daxfile:$t" || rc=1
	echo "# daxfile:$t took $(($(date +%s) - start)) s"
done
exit $rc
