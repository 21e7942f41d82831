// SPDX-License-Identifier: GPL-2.0

//! Extents of a file's block map, as a filesystem reports them through iomap.
//!
//! C header: [`include/linux/iomap.h`](srctree/include/linux/iomap.h)

use crate::{
    bindings,
    types::Opaque, //
};

/// What an [`Extent`] of a file is backed by, `iomap->type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtentType {
    /// No blocks are allocated (`IOMAP_HOLE`).
    Hole,
    /// Blocks are reserved but not yet allocated (`IOMAP_DELALLOC`).
    Delalloc,
    /// Blocks are allocated and written (`IOMAP_MAPPED`).
    Mapped,
    /// Blocks are allocated but read as zeroes until written (`IOMAP_UNWRITTEN`).
    Unwritten,
    /// The data is stored in the inode itself (`IOMAP_INLINE`).
    Inline,
    /// A type this abstraction does not know.
    Other,
}

/// One extent of a file's block map: a `struct iomap` as a filesystem's report ops fill it in.
///
/// Extents are only lent to the callback of [`File::report_extents`], for the duration of one
/// call.
///
/// [`File::report_extents`]: super::LocalFile::report_extents
///
/// # Invariants
///
/// Instances of this type are only created through references to a `struct iomap` that is
/// initialised, and not changed, for the lifetime of the reference.
///
/// # Examples
///
/// An extent as a filesystem would report a written one whose metadata is not committed yet:
///
/// ```
/// use kernel::bindings;
/// use kernel::fs::{Extent, ExtentType};
///
/// // SAFETY: `struct iomap` is made of integers and pointers, for which all zeroes is valid.
/// let mut raw: bindings::iomap = unsafe { core::mem::zeroed() };
/// raw.offset = 4096;
/// raw.length = 8192;
/// raw.addr = 1 << 21;
/// raw.type_ = bindings::IOMAP_MAPPED as u16;
/// raw.flags = bindings::IOMAP_F_DIRTY as u16;
/// // SAFETY: `raw` is initialised, nothing changes it while `extent` lives, and its `dax_dev`
/// // is NULL.
/// let extent = unsafe { Extent::from_raw(&raw) };
/// assert_eq!((extent.offset(), extent.length(), extent.addr()), (4096, 8192, 1 << 21));
/// assert_eq!(extent.extent_type(), ExtentType::Mapped);
/// assert!(extent.is_dirty());
/// assert!(!extent.is_shared());
/// #[cfg(CONFIG_DAX = "y")]
/// assert!(extent.dax_device().is_none());
/// ```
#[repr(transparent)]
pub struct Extent(Opaque<bindings::iomap>);

impl Extent {
    /// Creates a reference to an [`Extent`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` points to an initialised `struct iomap` that nothing
    /// changes for the lifetime `'a`, and whose `dax_dev`, if it is not NULL, stays allocated
    /// for `'a` too.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::iomap) -> &'a Extent {
        // SAFETY: The caller guarantees that the pointer is valid for `'a`; `Extent` is
        // `repr(transparent)` over `struct iomap`, so the cast is fine.
        //
        // INVARIANT: The caller guarantees that the iomap stays unchanged for `'a`.
        unsafe { &*ptr.cast() }
    }

    fn raw(&self) -> &bindings::iomap {
        // SAFETY: By the type invariant the iomap is initialised and nothing changes it while
        // `self` is borrowed.
        unsafe { &*self.0.get() }
    }

    /// Returns the offset in the file of the first byte of the extent, `iomap->offset`.
    #[inline]
    pub fn offset(&self) -> i64 {
        self.raw().offset
    }

    /// Returns the length of the extent in bytes, `iomap->length`.
    #[inline]
    pub fn length(&self) -> u64 {
        self.raw().length
    }

    /// Returns the device address of the first byte of the extent, `iomap->addr`.
    ///
    /// For a DAX file it is the offset into the [`dax::Device`] that a DAX fault maps; it is
    /// meaningless for holes, delalloc and inline extents.
    ///
    /// [`dax::Device`]: crate::dax::Device
    #[inline]
    pub fn addr(&self) -> u64 {
        self.raw().addr
    }

    /// Returns what the extent is backed by.
    #[inline]
    pub fn extent_type(&self) -> ExtentType {
        match u32::from(self.raw().type_) {
            bindings::IOMAP_HOLE => ExtentType::Hole,
            bindings::IOMAP_DELALLOC => ExtentType::Delalloc,
            bindings::IOMAP_MAPPED => ExtentType::Mapped,
            bindings::IOMAP_UNWRITTEN => ExtentType::Unwritten,
            bindings::IOMAP_INLINE => ExtentType::Inline,
            _ => ExtentType::Other,
        }
    }

    /// Returns whether metadata needed to reach this extent after a crash is not yet committed
    /// (`IOMAP_F_DIRTY`).
    #[inline]
    pub fn is_dirty(&self) -> bool {
        u32::from(self.raw().flags) & bindings::IOMAP_F_DIRTY != 0
    }

    /// Returns whether the extent's blocks are shared with another file (`IOMAP_F_SHARED`), so
    /// that the next write to them must copy them first.
    #[inline]
    pub fn is_shared(&self) -> bool {
        u32::from(self.raw().flags) & bindings::IOMAP_F_SHARED != 0
    }

    /// Returns the DAX device that holds the extent, if the extent was reported for DAX access.
    #[cfg(CONFIG_DAX = "y")]
    #[inline]
    pub fn dax_device(&self) -> Option<&crate::dax::Device> {
        let dev = self.raw().dax_dev;
        if dev.is_null() {
            return None;
        }
        // SAFETY: By the type invariant, a non-NULL `dax_dev` stays allocated for as long as
        // `self` is borrowed.
        Some(unsafe { crate::dax::Device::from_raw(dev) })
    }
}
