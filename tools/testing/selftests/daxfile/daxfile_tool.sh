#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Tests of tools/daxfile: exit codes, messages and output.  Needs root, the
# daxfile binary ($DAXFILE_TOOL, else the one the Makefile built beside
# this script, else daxfile in $PATH) and a DAX mount at $DAXFILE_MNT
# (default /mnt/dax).

here=$(dirname "$0")
if [ -n "$DAXFILE_TOOL" ]; then
	tool=$DAXFILE_TOOL
elif [ -x "$here/daxfile" ]; then
	tool=$here/daxfile
else
	tool=daxfile
fi
mnt=${DAXFILE_MNT:-/mnt/dax}
# Patterns below match bytes, whatever the caller's locale.
export LC_ALL=C
n=0
failed=0
skipped=0
plan=43

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
# The bind mount first: rm -rf must never run through it into $mnt.
trap 'umount -l "$dir/bind" 2>/dev/null
	for f in "$dir"/*; do "$tool" disable "$f" >/dev/null 2>&1; done
	rm -rf "$dir" "$out"' EXIT
# The --all tests act on every static-dax file: only on a system with none.
if [ "$(wc -l </proc/daxfiles 2>/dev/null)" != 1 ]; then
	rm -rf "$dir" "$out"
	trap - EXIT
	skip_all "static-dax files exist, or no /proc/daxfiles"
fi

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
check version_names_linux 0 '^daxfile from Linux [0-9]*\.[0-9]*\.[0-9]*$' -- "$tool" --version
check short_version_option 0 '^daxfile from Linux ' -- "$tool" -V
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

# /proc/daxfiles through the tool.  No other static-dax file may exist.
check list_without_static_files_is_header_only 0 "^FILENAME" -- \
	sh -c "'$tool' list && [ \$('$tool' list | wc -l) = 1 ]"
check list_json_without_static_files_is_empty 0 '^{"daxfiles": \[\]}$' -- "$tool" list --json
"$tool" enable "$dir/f" >/dev/null
check list_shows_static_file 0 "^$dir/f  *4M  *4K  *[0-9]" -- "$tool" list
want="\"filename\": \"$dir/f\", \"size\": 4194304, \"align\": 4096, \"extents\": [1-9]"
check list_json_shows_static_file 0 "$want" -- "$tool" list --json
check status_shows_align 0 "align: 4K, contiguous extents found by enable: [1-9]" -- \
	"$tool" status "$dir/f"
check status_json_shows_align 0 '"static": true, "dax": true, "size": 4194304, "align": 4096' -- \
	"$tool" status "$dir/f" --json
want='"static": false, "dax": true, "size": [0-9]*, "fiemap": {"extents"'
check status_json_of_normal_file_has_no_align 0 "$want" -- "$tool" status "$dir/sparse" --json
check list_with_operand_is_usage 2 "bad command line" -- "$tool" list "$dir/f"
check disable_all_with_operand_is_usage 2 "bad command line" -- "$tool" disable --all "$dir/f"
check enable_all_with_align_is_usage 2 "bad command line" -- "$tool" enable --all --align 2M

# enable --all: a table with good, bad and missing entries goes on past
# each failure, and fails.
"$tool" create "$dir/g h" 64K >/dev/null
"$tool" create "$dir/i" 64K >/dev/null
cat >"$dir/tab" <<EOT
# static-dax files, PATH [ALIGN]
$dir/g\\040h	4K	# a space in the name, escaped

$dir/missing
$dir/i 3M
$dir/sparse
$dir/i 0 extra
$dir/i
EOT
check enable_all_reports_each_failure 1 "4 failed" -- "$tool" enable --all "$dir/tab"
check enable_all_went_past_failures 0 "" -- \
	sh -c "'$tool' status '$dir/g h' | grep -q ': static-dax' &&
		'$tool' status '$dir/i' | grep -q ': static-dax'"
check enable_all_names_bad_lines 1 "tab:7: want" -- "$tool" enable --all "$dir/tab"
check enable_all_names_missing_file 1 "enable $dir/missing: .*(ENOENT)" -- \
	"$tool" enable --all "$dir/tab"
# A '#' inside a word is part of the path; CRLF line ends are taken.
"$tool" create "$dir/k#1" 64K >/dev/null
printf '%s\r\n' "$dir/i" "$dir/g\\040h 4K # comment" "$dir/k#1" >"$dir/good"
check enable_all_good_table_is_zero 0 "3 files static-dax, 0 failed" -- \
	"$tool" enable --all "$dir/good"
check enable_all_missing_table_is_enoent 1 "(ENOENT)" -- \
	"$tool" enable --all "$dir/notab"
# Without TABLE, /etc/daxtab: seen through its absence, changing nothing.
if [ -e /etc/daxtab ]; then
	n=$((n + 1))
	echo "ok $n enable_all_defaults_to_etc_daxtab # SKIP /etc/daxtab exists"
	skipped=1
else
	check enable_all_defaults_to_etc_daxtab 1 "read /etc/daxtab: .*(ENOENT)" -- \
		"$tool" enable --all
fi
check list_shows_escaped_name 0 "^$dir/g\\\\040h " -- "$tool" list
check disable_all_returns_every_file 0 "4 files returned to normal, 0 failed" -- \
	"$tool" disable --all
check list_after_disable_all_is_empty 0 '^{"daxfiles": \[\]}$' -- "$tool" list --json

# A file name that is not UTF-8: valid JSON all the same.
bad=$(printf '%s/n\377' "$dir")
"$tool" create "$bad" 64K >/dev/null && "$tool" enable "$bad" >/dev/null
check list_json_replaces_invalid_utf8 0 "\"filename\": \"$dir/n\\\\ufffd\"" -- "$tool" list --json
check list_text_shows_non_utf8_name 0 "^$dir/n.  " -- "$tool" list
"$tool" disable "$bad" >/dev/null

# A file enabled through a mount that was then lazily unmounted: its path
# leads nowhere, so disable --all refuses it; a disable by another name works.
mkdir "$dir/bind" && mount --bind "$mnt" "$dir/bind" &&
	"$tool" enable "$dir/bind/${dir##*/}/i" >/dev/null && umount -l "$dir/bind"
check disable_all_refuses_unreachable_path 1 "no longer leads to the file" -- "$tool" disable --all
check disable_by_other_name_after_lazy_umount 0 '^{"daxfiles": \[\]}$' -- \
	sh -c "'$tool' disable '$dir/i' >/dev/null && '$tool' list --json"

tmpf=/tmp/daxfile-tool-tmpfs
echo data >"$tmpf"
check status_of_tmpfs_file_is_not_dax 0 "not static-dax, not DAX" -- "$tool" status "$tmpf"
rm -f "$tmpf" "$dir/huge"

echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ $n = $plan ] || { echo "# ran $n of $plan tests"; exit 1; }
[ $failed = 0 ]
