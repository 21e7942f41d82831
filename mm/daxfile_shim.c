// SPDX-License-Identifier: GPL-2.0
/*
 * daxctl(2): the system call entry of daxfile.  Everything else is in Rust,
 * see mm/daxfile.rs and Documentation/filesystems/daxfile.rst.
 */
#include <linux/daxfile.h>
#include <linux/syscalls.h>

SYSCALL_DEFINE3(daxctl, const char __user *, path, int, flags, int, align)
{
	return daxfile_ctl(path, flags, align);
}
