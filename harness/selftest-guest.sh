#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the guest: both daxfile selftests, one after the other.
/daxfile/daxfile_test
r1=$?
DAXFILE_TOOL=/daxfile/daxfile /daxfile/daxfile_tool.sh
r2=$?
[ $r1 = 0 ] && [ $r2 = 0 ]
