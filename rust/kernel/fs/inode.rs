// SPDX-License-Identifier: GPL-2.0

//! Inodes.
//!
//! C header: [`include/linux/fs.h`](srctree/include/linux/fs.h)

use crate::{
    bindings,
    error::{to_result, Result},
    types::{NotThreadSafe, Opaque},
};
use core::ptr;

/// Wraps the kernel's `struct inode`.
///
/// An `&Inode` is obtained from something that pins the inode, such as the [`File`] it was
/// reached through; it never owns a reference of its own.
///
/// [`File`]: super::File
///
/// # Invariants
///
/// Instances of this type are only created through references that keep the underlying
/// `struct inode` alive for the lifetime of the reference.
#[repr(transparent)]
pub struct Inode(Opaque<bindings::inode>);

// SAFETY: The methods of `Inode` only read fields under the rules of the C side (`READ_ONCE`
// semantics or `i_size_read`), or call functions that do their own locking, so an `&Inode` may be
// used from any thread.
unsafe impl Sync for Inode {}

impl Inode {
    /// Creates a reference to an [`Inode`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` points to a valid `struct inode` that stays alive for the
    /// lifetime `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::inode) -> &'a Inode {
        // SAFETY: The caller guarantees that the pointer is valid for `'a`; `Inode` is
        // `repr(transparent)` over `struct inode`, so the cast is fine.
        //
        // INVARIANT: The caller guarantees that the inode outlives the reference.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner `struct inode`.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::inode {
        self.0.get()
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
        u32::from(self.mode()) & bindings::S_IFMT == bindings::S_IFREG
    }

    /// Returns the inode flags, `i_flags` (the `S_*` bits such as `S_DAX`).
    #[inline]
    pub fn flags(&self) -> u32 {
        // SAFETY: By the type invariant the inode is valid. `i_flags` is updated atomically by
        // `inode_set_flags()`, so read it once and volatile, as `READ_ONCE()` does.
        unsafe { ptr::read_volatile(&raw const (*self.as_ptr()).i_flags) }
    }

    /// Returns whether file data is accessed directly, bypassing the page cache (`IS_DAX()`).
    #[inline]
    pub fn is_dax(&self) -> bool {
        self.flags() & bindings::S_DAX != 0
    }

    /// Atomically replaces the `i_flags` bits in `mask` with `flags`, as `inode_set_flags()`.
    ///
    /// `flags` must be a subset of `mask`. Callers that test and then change a flag must
    /// serialise against each other, for example by holding the inode lock.
    #[inline]
    pub fn set_flags(&self, flags: u32, mask: u32) {
        // SAFETY: By the type invariant the inode is valid; `inode_set_flags` updates `i_flags`
        // with an atomic compare-and-exchange.
        unsafe { bindings::inode_set_flags(self.as_ptr(), flags, mask) }
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

    /// Maps file block `block` to the block of the device that holds it, as `bmap()`.
    ///
    /// Blocks are counted in units of the inode's block size, see [`Inode::blkbits`]. A hole
    /// reads as block 0, and so does anything else the filesystem's `->bmap` cannot report as
    /// mapped: an unwritten extent, inline data, a reflinked inode on XFS, or an error. Fails
    /// with `EINVAL` if the filesystem has no `->bmap`.
    ///
    /// This may sleep, and some filesystems (ext4) take the inode lock shared inside: never call
    /// it while holding the inode lock.
    #[cfg(CONFIG_BLOCK)]
    #[inline]
    pub fn bmap(&self, block: u64) -> Result<u64> {
        let mut sector: bindings::sector_t = block;
        // SAFETY: By the type invariant the inode is valid, and `sector` is a valid location for
        // the result.
        to_result(unsafe { bindings::bmap(self.as_ptr(), &mut sector) })?;
        Ok(sector)
    }
}

/// A held inode lock (`i_rwsem`, taken for writing); see [`Inode::lock`].
///
/// # Invariants
///
/// The lock of `inode` is held by the current task for as long as this guard exists.
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
}

impl Drop for InodeLockGuard<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariant we hold the lock, and it is released exactly once here.
        unsafe { bindings::inode_unlock(self.inode.as_ptr()) };
    }
}
