# SPDX-License-Identifier: GPL-2.0
# Common settings for the daxfile harness. Sourced, never executed.
#
# Every cache lives outside the repository, keyed by version, so that a
# fresh clone reuses it:
#   DAXFILE_CACHE   default ${XDG_CACHE_HOME:-$HOME/.cache}/daxfile
#   DAXFILE_MIRROR  Debian mirror; default: the host's own apt configuration

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HARNESS=$TOP/harness
BUILD=${DAXFILE_BUILD:-$TOP/build}
CACHE=${DAXFILE_CACHE:-${XDG_CACHE_HOME:-${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}/.cache}/daxfile}
SUITE=trixie
BASE_PKG=linux-source-7.3
KTREE=$BUILD/linux

# Packages of the toolchain root.  Changing this list changes the root's key,
# so the next run builds a new root.
ROOT_PKGS="rustc rust-src rustfmt rust-clippy bindgen clang lld llvm libclang-dev
make flex bison bc libelf-dev libssl-dev python3 cpio kmod git perl gcc libc6-dev
qemu-system-x86 qemu-system-arm qemu-system-data busybox-static e2fsprogs xfsprogs rsync xz-utils
patch diffutils file ca-certificates ccache b4 python3-matplotlib python3-ply python3-git"
ROOT_KEY=$(printf '%s\n' "$SUITE" $ROOT_PKGS | sha256sum | cut -c1-12)
ROOT=$CACHE/root-$SUITE-$ROOT_KEY

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*" >&2; }

# The Debian mirror: $DAXFILE_MIRROR, else the first non-security URI of the
# host's apt sources (deb822 or one-line format).
debian_mirror() {
	if [ -n "${DAXFILE_MIRROR:-}" ]; then
		echo "$DAXFILE_MIRROR"
		return
	fi
	local m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' |
		grep -v security | head -n1 || true)
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /:\/\//) { print $i; break } }' |
			grep -v security | head -n1 || true)
	fi
	[ -n "$m" ] || die "no Debian mirror found in /etc/apt; set DAXFILE_MIRROR"
	echo "$m"
}

# Run a command inside the toolchain root, in a private mount namespace,
# with the repository and the cache visible at their own paths and without
# /dev/kvm unless KVM was proven to work (see harness/kvm-probe).
in_root() {
	[ -f "$ROOT/.daxfile-ready" ] || "$HARNESS/toolchain" >&2
	local kvm=${DAXFILE_KVM:-$(cat "$CACHE/kvm-ok" 2>/dev/null || echo no)}
	DAXFILE_KVM_EFFECTIVE=$kvm unshare --mount --propagation private \
		"$HARNESS/enter-root" "$ROOT" "$TOP" "$CACHE" "$kvm" "$@"
}

# Files of the repository that are ours, not kernel-layout copies of the series.
OWN_RE='^(harness|patches|results|\.ci)/|^(README\.md|Makefile|\.gitignore)$'
