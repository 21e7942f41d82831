// SPDX-License-Identifier: GPL-2.0

//! Path names for the VFS, copied in from user space or from kernel memory.
//!
//! C header: [`include/linux/fs.h`](srctree/include/linux/fs.h)

use crate::{
    bindings,
    error::{
        code::ENOMEM,
        from_err_ptr,
        Result, //
    },
    str::{
        CStr,
        CStrExt, //
    },
    uaccess::UserPtr, //
};
use core::ptr::NonNull;

/// An owned `struct filename`: a path name copied in from user space by `getname()`.
///
/// Path walks inside the kernel take a `struct filename` rather than a user pointer, so that the
/// name is copied, length-checked and seen by audit exactly once. Dropping a [`Filename`] calls
/// `putname()`.
///
/// A [`Filename`] is neither `Send` nor `Sync`: audit takes references to it through a plain
/// `int` (`refcnt`), which only the task that made it may touch.
///
/// # Invariants
///
/// `self.0` points to a valid `struct filename` returned by `getname()` or `getname_kernel()`,
/// and this object owns the reference that it returned.
///
/// # Examples
///
/// ```
/// use kernel::fs::{file::OpenFlags, File, Filename};
///
/// let name = Filename::from_kernel(c"/")?;
/// let root = File::open(&name, OpenFlags::PATH, 0)?;
/// assert!(root.inode().is_dir());
///
/// let missing = Filename::from_kernel(c"/no/such/file")?;
/// assert_eq!(File::open(&missing, OpenFlags::PATH, 0).err(), Some(ENOENT));
/// # Ok::<(), Error>(())
/// ```
pub struct Filename(NonNull<bindings::filename>);

impl Filename {
    /// Copies a NUL-terminated path name from user space, as `getname()` does.
    ///
    /// Fails with `EFAULT` if `path` cannot be read, `ENAMETOOLONG` if the name does not fit in
    /// `PATH_MAX` bytes, `ENOENT` if it is empty and `ENOMEM` if no memory is available.
    pub fn from_user(path: UserPtr) -> Result<Self> {
        // SAFETY: `getname` takes any user space address; it validates the address while copying
        // from it.
        let ptr = from_err_ptr(unsafe { bindings::getname(path.as_const_ptr().cast()) })?;
        // `getname` returns either a valid pointer or an error pointer, never NULL.
        let ptr = NonNull::new(ptr).ok_or(ENOMEM)?;
        // INVARIANT: `ptr` is a valid `struct filename` whose reference we now own.
        Ok(Self(ptr))
    }

    /// Copies a path name from kernel memory, as `getname_kernel()` does.
    ///
    /// Unlike [`Filename::from_user`], an empty name is accepted. Fails with `ENAMETOOLONG` if the
    /// name does not fit in `PATH_MAX` bytes and `ENOMEM` if no memory is available.
    #[inline]
    pub fn from_kernel(name: &CStr) -> Result<Self> {
        // SAFETY: `name` is a valid NUL-terminated string for the duration of the call;
        // `getname_kernel` copies it.
        let ptr = from_err_ptr(unsafe { bindings::getname_kernel(name.as_char_ptr()) })?;
        // `getname_kernel` returns either a valid pointer or an error pointer, never NULL.
        let ptr = NonNull::new(ptr).ok_or(ENOMEM)?;
        // INVARIANT: `ptr` is a valid `struct filename` whose reference we now own.
        Ok(Self(ptr))
    }

    /// Returns a raw pointer to the inner `struct filename`.
    ///
    /// The pointer is valid for as long as `self` is.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::filename {
        self.0.as_ptr()
    }
}

impl Drop for Filename {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant, `self.0` is a valid `struct filename` whose reference we
        // own; it is not used again after this call.
        unsafe { bindings::putname(self.0.as_ptr()) };
    }
}
