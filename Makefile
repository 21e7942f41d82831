# SPDX-License-Identifier: GPL-2.0
# daxfile: the daxctl() syscall patch series and its harness.
# The kernel work happens in build/linux (base + patches/); see README.md.

SHELL := /bin/bash
H := harness

.PHONY: help run check kunit selftest lint consistency series tree toolchain base \
	guest-kernel tools stress crash b4 bench check-commits check-arm64 shell vm clean distclean

help:
	@echo "make run          boot a guest with emulated pmem and show daxfile at work"
	@echo "make check        all tests: series consistency, Rust KUnit, selftests in the guest"
	@echo "make kunit        kunit.py run of the daxfile Rust KUnit suite"
	@echo "make selftest     tools/testing/selftests/daxfile in a DAX guest"
	@echo "make stress       fuzz, race and fault-inject daxctl() in the debug guest, then kmemleak"
	@echo "make crash        kill -9 QEMU right after enable of a never-fsynced file: records kept; a control loses them"
	@echo "make bench        persistence, fault and activation costs as ratios; results/bench.md, .png"
	@echo "make b4           b4's preflight checks and b4 prep --check on the series, offline"
	@echo "make check-commits  build every commit of the series on its own, then W=1 (also in make lint)"
	@echo "make check-arm64  cross-build for arm64 (LLVM=1), boot it, call daxctl() as arm64 and arm32"
	@echo "make lint         checkpatch --strict, rustfmtcheck, CLIPPY=1 + WERROR, rustdoc, b4, check-commits"
	@echo "make consistency  patches/ applies to the base and matches the kernel-layout files"
	@echo "make series       export build/linux commits to patches/ and the kernel-layout copies"
	@echo "make tree         (re)assemble build/linux = base + patches/"
	@echo "make shell        interactive guest shell, ext4 -o dax mounted at /mnt/dax"
	@echo "make vm EXEC=F    run F (static binary or script) in the guest, return its status"

toolchain:
	@$(H)/toolchain

base: toolchain
	@$(H)/base

tree: toolchain
	@$(H)/tree

series:
	@$(H)/series

consistency: toolchain
	@$(H)/consistency

kunit: toolchain
	@$(H)/kunit

guest-kernel: tree
	@$(H)/guest-kernel

selftest: toolchain
	@$(H)/selftest

lint: toolchain
	@$(H)/lint

stress: toolchain
	@$(H)/stress/run

crash: toolchain
	@$(H)/crash/run

bench: toolchain
	@$(H)/bench/run

b4: toolchain
	@$(H)/b4check

check-commits: toolchain
	@$(H)/check-commits

check-arm64: toolchain
	@$(H)/check-arm64

tools: guest-kernel
	@$(H)/tools

check: toolchain
	@$(H)/check

run: toolchain
	@$(H)/run

shell: tools
	@$(H)/guest --shell --add build/tools/daxfile --add build/tools/pmemlog

vm: tools
	@test -n "$(EXEC)" || { echo "usage: make vm EXEC=FILE [ARGS=...]"; exit 2; }
	@$(H)/guest \
		--add build/tools/daxfile --add build/tools/pmemlog $(EXEC) $(ARGS)

clean:
	rm -rf build

distclean: clean
	@echo "caches in $${DAXFILE_CACHE:-$${XDG_CACHE_HOME:-$$HOME/.cache}/daxfile} are kept; remove by hand"
