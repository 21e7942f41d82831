/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
#ifndef _UAPI_LINUX_DAXFILE_H
#define _UAPI_LINUX_DAXFILE_H

/*
 * Flags for daxctl(2), see Documentation/filesystems/daxfile.rst.
 *
 * DAXCTL_F_GET:    report the state of the file: daxctl() returns
 *                  DAXCTL_F_STATIC if the file is static-dax, else 0.
 * DAXCTL_F_DAX:    reserved for a per-file DAX toggle; refused with EINVAL.
 * DAXCTL_F_STATIC: make the file static-dax.  Without DAXCTL_F_GET and
 *                  DAXCTL_F_STATIC, daxctl() returns the file to normal.
 */
#define DAXCTL_F_GET	(1 << 0)
#define DAXCTL_F_DAX	(1 << 1)
#define DAXCTL_F_STATIC	(1 << 2)

#endif /* _UAPI_LINUX_DAXFILE_H */
