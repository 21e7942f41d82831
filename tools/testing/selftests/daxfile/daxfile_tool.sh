#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of tools/daxfile: exit codes and error messages.  Needs root, the
# daxfile binary ($DAXFILE_TOOL, else daxfile in $PATH) and a DAX mount at
# $DAXFILE_MNT (default /mnt/dax).

tool=${DAXFILE_TOOL:-daxfile}
mnt=${DAXFILE_MNT:-/mnt/dax}
n=0
failed=0
plan=17

echo "TAP version 13"
echo "1..$plan"

skip_all() {
	echo "# SKIP $1"
	i=0
	while [ $i -lt $plan ]; do
		i=$((i + 1))
		echo "ok $i # SKIP $1"
	done
	exit 4
}

command -v "$tool" >/dev/null 2>&1 || skip_all "no daxfile binary (set DAXFILE_TOOL)"
[ "$(id -u)" = 0 ] || skip_all "needs root"
dir=$(mktemp -d "$mnt/daxfile-tool.XXXXXX" 2>/dev/null) || skip_all "no DAX mount at $mnt"
out=$(mktemp)
trap '"$tool" disable "$dir/f" >/dev/null 2>&1; rm -rf "$dir" "$out"' EXIT

# check NAME WANT_EXIT [PATTERN] -- CMD...: runs CMD, compares its exit
# status and (if given) greps its output for PATTERN.
check() {
	name=$1 want=$2 pat=$3
	shift 4
	"$@" >"$out" 2>&1
	got=$?
	n=$((n + 1))
	if [ "$got" = "$want" ] && { [ -z "$pat" ] || grep -q -- "$pat" "$out"; }; then
		echo "ok $n $name"
	else
		echo "not ok $n $name # exit $got, wanted $want${pat:+ and '$pat'}"
		sed 's/^/#   /' "$out"
		failed=$((failed + 1))
	fi
}

check no_arguments_is_usage 2 "Usage:" -- "$tool"
check help_goes_to_stdout 0 "Exit status" -- "$tool" --help
check unknown_command_is_usage 2 "bad command line" -- "$tool" frobnicate "$dir/f"
check bad_size_is_usage 2 "bad size" -- "$tool" create "$dir/f" 12Q
check zero_size_is_usage 2 "bad size" -- "$tool" create "$dir/f" 0
check size_not_multiple_of_align 2 "not a multiple" -- "$tool" create "$dir/f" 3M --align 2M
check bad_align_is_usage 2 "bad alignment" -- "$tool" enable "$dir/f" --align 3M
check create_makes_written_file 0 "0 unwritten" -- "$tool" create "$dir/f" 4M
check create_existing_is_eexist 1 "(EEXIST)" -- "$tool" create "$dir/f" 4M
check create_too_large_is_enospc 1 "(ENOSPC)" -- "$tool" create "$dir/huge" 64G
check enable_directory_is_eisdir 1 "(EISDIR)" -- "$tool" enable "$dir"
truncate -s 1M "$dir/sparse"
check enable_sparse_file_is_einval 1 "(EINVAL)" -- "$tool" enable "$dir/sparse"
check enable_missing_file_is_enoent 1 "(ENOENT)" -- "$tool" enable "$dir/missing"
check enable_in_user_namespace_is_eperm 1 "(EPERM)" -- unshare -U "$tool" enable "$dir/f"
check enable_then_status_is_static 0 ": static-dax" -- \
	sh -c "'$tool' enable '$dir/f' && '$tool' status '$dir/f'"
check disable_then_status_is_not_static 0 "not static-dax, DAX" -- \
	sh -c "'$tool' disable '$dir/f' && '$tool' status '$dir/f'"
tmpf=/tmp/daxfile-tool-tmpfs
echo data >"$tmpf"
check status_of_tmpfs_file_is_not_dax 0 "not static-dax, not DAX" -- "$tool" status "$tmpf"
rm -f "$tmpf" "$dir/huge"

echo "# Totals: pass:$((n - failed)) fail:$failed xfail:0 xpass:0 skip:0 error:0"
[ $n = $plan ] || { echo "# ran $n of $plan tests"; exit 1; }
[ $failed = 0 ]
