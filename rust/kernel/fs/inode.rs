// SPDX-License-Identifier: GPL-2.0

//! Inodes.
//!
//! C header: [`include/linux/fs.h`](srctree/include/linux/fs.h)

use crate::{
    bindings,
    types::{
        NotThreadSafe,
        Opaque, //
    },
    uapi, //
};
use core::ptr;

/// Wraps the kernel's `struct inode`.
///
/// An `&Inode` is obtained from something that pins the inode and its filesystem, such as the
/// [`File`] it was reached through.
///
/// There is deliberately no owned `Inode` reference (no `AlwaysRefCounted` with `ihold()` and
/// `iput()`): an inode reference does not keep its filesystem mounted, and an inode still
/// referenced when its superblock shuts down has `i_sb` and `i_mapping` poisoned. Code that needs
/// to keep an inode keeps the [`File`] (or a path) that leads to it, which pins the mount too.
///
/// [`File`]: super::File
///
/// # Invariants
///
/// Instances of this type are only created through references that keep the underlying
/// `struct inode` alive with a nonzero reference count (`i_count`), and its superblock active,
/// for the lifetime of the reference.
///
/// # Examples
///
/// ```
/// use kernel::fs::{file::OpenFlags, File, Filename};
///
/// // The root directory of the calling task, looked up without being opened.
/// let root = File::open(&Filename::from_kernel(c"/")?, OpenFlags::PATH, 0)?;
/// let inode = root.inode();
/// assert!(inode.is_dir());
/// assert!(!inode.is_reg());
/// assert!(inode.nlink() >= 2);
/// {
///     let guard = inode.lock();
///     assert_eq!(guard.inode().ino(), inode.ino());
///     let invalidate = guard.lock_invalidate();
///     assert_eq!(invalidate.inode().dev(), inode.dev());
/// } // Both locks are released here, the invalidate lock first.
/// # Ok::<(), Error>(())
/// ```
#[repr(transparent)]
pub struct Inode(Opaque<bindings::inode>);

// SAFETY: The methods of `Inode` read fields under the rules of the C side (`READ_ONCE`
// semantics or `i_size_read`) or take its locks (`inode_lock()`), whose guards cannot leave the
// task, so an `&Inode` may be used from any thread.
unsafe impl Sync for Inode {}

impl Inode {
    /// Creates a reference to an [`Inode`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that, for the lifetime `'a`, `ptr` points to a valid `struct inode`
    /// on which the caller holds a reference (its `i_count` is nonzero) and whose superblock stays
    /// active, as for the inode of an open file.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::inode) -> &'a Inode {
        // SAFETY: The caller guarantees that the pointer is valid for `'a`; `Inode` is
        // `repr(transparent)` over `struct inode`, so the cast is fine.
        //
        // INVARIANT: The caller guarantees that the inode stays referenced, and its superblock
        // active, for `'a`.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner `struct inode`.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::inode {
        self.0.get()
    }

    /// Returns the inode number, `i_ino`.
    #[inline]
    pub fn ino(&self) -> u64 {
        // SAFETY: By the type invariant the inode is valid; `i_ino` is set when the inode is
        // created and does not change while it is in use.
        unsafe { (*self.as_ptr()).i_ino }
    }

    /// Returns the device number of the filesystem the inode is on, `i_sb->s_dev`, in the
    /// kernel's encoding: the major number above the low [`MINORBITS`] bits, the minor in them.
    ///
    /// [`MINORBITS`]: bindings::MINORBITS
    #[inline]
    pub fn dev(&self) -> u32 {
        // SAFETY: By the type invariant the inode is valid and its superblock active. `i_sb` is set
        // when the inode is created; `s_dev` is set before the superblock has inodes and does not
        // change.
        unsafe { (*(*self.as_ptr()).i_sb).s_dev }
    }

    /// Returns the mode (file type and permission bits), `i_mode`.
    #[inline]
    pub fn mode(&self) -> u16 {
        // SAFETY: By the type invariant the inode is valid. `i_mode` may change under us (chmod),
        // so read it once and volatile, as `READ_ONCE()` does.
        unsafe { ptr::read_volatile(&raw const (*self.as_ptr()).i_mode) }
    }

    /// Returns whether this is a regular file (`S_ISREG()`).
    #[inline]
    pub fn is_reg(&self) -> bool {
        u32::from(self.mode()) & uapi::S_IFMT == uapi::S_IFREG
    }

    /// Returns whether this is a directory (`S_ISDIR()`).
    #[inline]
    pub fn is_dir(&self) -> bool {
        u32::from(self.mode()) & uapi::S_IFMT == uapi::S_IFDIR
    }

    /// Returns the inode flags, `i_flags` (the `S_*` bits such as `S_DAX`).
    #[inline]
    pub fn flags(&self) -> u32 {
        // SAFETY: By the type invariant the inode is valid. `i_flags` may change under us (most
        // writers use `inode_set_flags()`, some a plain read-modify-write under the inode lock),
        // so read it once and volatile, as `READ_ONCE()` does: either value may be seen.
        unsafe { ptr::read_volatile(&raw const (*self.as_ptr()).i_flags) }
    }

    /// Returns whether file data is accessed directly, bypassing the page cache (`IS_DAX()`).
    #[inline]
    pub fn is_dax(&self) -> bool {
        self.flags() & bindings::S_DAX != 0
    }

    /// Returns whether the block map of this file is frozen by `daxctl(2)` (`S_DAXFILE`).
    #[inline]
    pub fn is_daxfile(&self) -> bool {
        self.flags() & bindings::S_DAXFILE != 0
    }

    /// Returns whether this is an active swap file or a static-dax file (`S_SWAPFILE`): the VFS
    /// refuses every change of its block map.
    #[inline]
    pub fn is_swapfile(&self) -> bool {
        self.flags() & bindings::S_SWAPFILE != 0
    }

    /// Returns the number of hard links, `i_nlink`.
    ///
    /// It can change at any time. Local filesystems change it under the inode lock (link,
    /// unlink, rename); network filesystems may refresh it without.
    #[inline]
    pub fn nlink(&self) -> u32 {
        // SAFETY: By the type invariant the inode is valid. `i_nlink` may change under us, and is
        // read locklessly elsewhere with `READ_ONCE()`; read it once and volatile. Both members of
        // the union are `unsigned int`.
        unsafe { ptr::read_volatile(&raw const (*self.as_ptr()).__bindgen_anon_1.i_nlink) }
    }

    /// Returns the file size in bytes, as `i_size_read()`.
    #[inline]
    pub fn size(&self) -> i64 {
        // SAFETY: By the type invariant the inode is valid.
        unsafe { bindings::i_size_read(self.as_ptr()) }
    }

    /// Returns the base-2 logarithm of the block size, `i_blkbits`.
    #[inline]
    pub fn blkbits(&self) -> u32 {
        // SAFETY: By the type invariant the inode is valid; `i_blkbits` is set when the inode is
        // created and does not change while it is in use.
        u32::from(unsafe { (*self.as_ptr()).i_blkbits })
    }

    /// Takes the inode lock (`i_rwsem`) for writing, as `inode_lock()`.
    ///
    /// The lock is released when the returned guard is dropped. This may sleep.
    #[inline]
    pub fn lock(&self) -> InodeLockGuard<'_> {
        // SAFETY: By the type invariant the inode is valid.
        unsafe { bindings::inode_lock(self.as_ptr()) };
        // INVARIANT: We just took the lock.
        InodeLockGuard {
            inode: self,
            _not_send: NotThreadSafe,
        }
    }
}

/// A held inode lock (`i_rwsem`, taken for writing); see [`Inode::lock`].
///
/// # Invariants
///
/// The lock of `inode` is held by the current task for as long as this guard exists.
#[must_use = "the inode lock is released as soon as the guard is dropped"]
pub struct InodeLockGuard<'a> {
    inode: &'a Inode,
    // A rw_semaphore must be released by the task that took it.
    _not_send: NotThreadSafe,
}

impl InodeLockGuard<'_> {
    /// Returns the locked inode.
    #[inline]
    pub fn inode(&self) -> &Inode {
        self.inode
    }

    /// Takes the invalidate lock of the inode's mapping for writing, as
    /// `filemap_invalidate_lock()`.
    ///
    /// Page faults take it shared before they allocate blocks or convert unwritten extents, so
    /// holding it with the inode lock keeps the block map from changing. This may sleep.
    #[inline]
    pub fn lock_invalidate(&self) -> InvalidateLockGuard<'_> {
        // SAFETY: By the type invariant the inode is valid, and so is its `i_mapping`. The
        // invalidate lock nests inside the inode lock, which we hold.
        unsafe { bindings::filemap_invalidate_lock((*self.inode.as_ptr()).i_mapping) };
        // INVARIANT: We just took the lock.
        InvalidateLockGuard {
            inode: self.inode,
            _not_send: NotThreadSafe,
        }
    }
}

impl Drop for InodeLockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold the lock, and it is released exactly once here.
        unsafe { bindings::inode_unlock(self.inode.as_ptr()) };
    }
}

/// A held invalidate lock of an inode's mapping (taken for writing), under a held inode lock; see
/// [`InodeLockGuard::lock_invalidate`].
///
/// # Invariants
///
/// The invalidate lock of `inode`'s mapping is held by the current task for as long as this
/// guard exists.
#[must_use = "the invalidate lock is released as soon as the guard is dropped"]
pub struct InvalidateLockGuard<'a> {
    inode: &'a Inode,
    // A rw_semaphore must be released by the task that took it.
    _not_send: NotThreadSafe,
}

impl InvalidateLockGuard<'_> {
    /// Returns the inode whose mapping is locked.
    #[inline]
    pub fn inode(&self) -> &Inode {
        self.inode
    }
}

impl Drop for InvalidateLockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold the lock, and it is released exactly once here.
        unsafe { bindings::filemap_invalidate_unlock((*self.inode.as_ptr()).i_mapping) };
    }
}
