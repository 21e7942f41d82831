#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The make run story, run inside the guest: ext4 or XFS -o dax is mounted
# at $DAXFILE_MNT on emulated pmem; daxfile and pmemlog are in /daxfile.
mnt=${DAXFILE_MNT:-/mnt/dax}
log=$mnt/log
fails=0
say() { printf '\n### %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
expect_ok() { run "$@" || { echo "!!! unexpected failure"; fails=$((fails + 1)); }; }
expect_fail() {
	if run "$@"; then echo "!!! unexpectedly succeeded"; fails=$((fails + 1)); else echo "(refused, as it should be)"; fi
}

say "The DAX filesystem"
grep " $mnt " /proc/mounts
say "Create a 64 MiB file with written, 2 MiB-aligned blocks"
expect_ok daxfile create "$log" 64M --align 2M
expect_ok daxfile status "$log"
say "Make it static-dax with 2 MiB chunks"
expect_ok daxfile enable "$log" --align 2M
expect_ok daxfile status "$log"
say "Append 1000 records through mmap, made durable with cache flushes only"
pmemlog append "$log" 1000 "demo" | tail -n 3 || fails=$((fails + 1))
expect_ok pmemlog verify "$log" 1000
say "The block map is frozen: shrinking, punching, removing are refused"
expect_fail truncate -s 1M "$log"
expect_fail fallocate -o 0 -l 128M "$log"
expect_fail rm "$log"
expect_fail mv "$log" "$mnt/elsewhere"
say "While it is static, the filesystem cannot be unmounted"
expect_fail umount "$mnt"
say "No process holds the file, the kernel does: daxfile list (/proc/daxfiles) says which"
expect_ok daxfile list
expect_ok cat /proc/daxfiles
expect_ok daxfile list --json
say "The state does not survive a reboot; a table makes the files static again"
expect_ok daxfile disable --all
printf '# path align (/etc/daxtab by default)\n%s 2M\n' "$log" >/tmp/daxtab
expect_ok cat /tmp/daxtab
expect_ok daxfile enable --all /tmp/daxtab
expect_ok daxfile list
expect_ok pmemlog verify "$log" 1000
say "Return it to normal: now truncate works"
expect_ok daxfile disable "$log"
expect_ok truncate -s 1M "$log"
expect_ok daxfile status "$log"
say "Errors name the errno and what to do"
run daxfile enable "$log" --align 3M
run daxfile enable "$mnt"
truncate -s 8M "$mnt/sparse"
run daxfile enable "$mnt/sparse"
echo
if [ $fails = 0 ]; then echo "demo: every step behaved as expected"; else echo "demo: $fails steps misbehaved"; fi
exit $fails
