/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_DAXFILE_H
#define _LINUX_DAXFILE_H

#include <linux/compiler_types.h>
#include <uapi/linux/daxfile.h>

/* Implemented in Rust, mm/daxfile.rs; called by mm/daxfile_shim.c. */
long daxfile_ctl(const char __user *path, int flags, int align);
void daxfile_init(void);

#endif /* _LINUX_DAXFILE_H */
