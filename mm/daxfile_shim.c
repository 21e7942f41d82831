// SPDX-License-Identifier: GPL-2.0
/*
 * daxctl(2): the system call entry of daxfile, and the initcall that sets up
 * its list of static-dax files (Rust has no initcall for built-in code but
 * module!, which would make this look like a module).  Everything else is in
 * Rust, see mm/daxfile.rs and Documentation/filesystems/daxfile.rst.
 */
#include <linux/daxfile.h>
#include <linux/init.h>
#include <linux/syscalls.h>

SYSCALL_DEFINE3(daxctl, const char __user *, path, int, flags, int, align)
{
	return daxfile_ctl(path, flags, align);
}

static int __init daxfile_setup(void)
{
	daxfile_init();
	return 0;
}
core_initcall(daxfile_setup);
