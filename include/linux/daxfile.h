/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_DAXFILE_H
#define _LINUX_DAXFILE_H

#include <linux/compiler_types.h>
#include <uapi/linux/daxfile.h>

/* Implemented in Rust, mm/daxfile.rs; called by the daxctl() syscall. */
long daxfile_ctl(const char __user *path, int flags, int align);

#endif /* _LINUX_DAXFILE_H */
