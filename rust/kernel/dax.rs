// SPDX-License-Identifier: GPL-2.0

//! DAX devices: memory that a filesystem maps straight into user space.
//!
//! C header: [`include/linux/dax.h`](srctree/include/linux/dax.h)

use crate::{
    bindings,
    error::{
        code::EIO,
        to_result,
        Result, //
    },
    ffi::{
        c_long,
        c_ulong, //
    },
    types::Opaque, //
};
use core::ptr;

/// Wraps the kernel's `struct dax_device`.
///
/// An `&Device` is borrowed from something that holds the device, such as the filesystem that an
/// extent report came from (see [`Extent::dax_device`]); it never owns a reference of its own.
///
/// [`Extent::dax_device`]: crate::fs::Extent::dax_device
///
/// # Invariants
///
/// Instances of this type are only created through references that keep the underlying
/// `struct dax_device` allocated for the lifetime of the reference.
///
/// # Examples
///
/// A device made here, whose driver maps page `n` at pfn `0x1000 + n` and has four pages; a
/// filesystem's comes with each extent it reports ([`Extent::dax_device`]).
///
/// ```
/// use kernel::{
///     bindings,
///     dax::Device,
///     error::from_err_ptr,
///     ffi::{
///         c_int,
///         c_long,
///         c_ulong,
///         c_void, //
///     },
///     prelude::*, //
/// };
///
/// /// # Safety
/// ///
/// /// `pfn` must be NULL or valid for a write, as the callers of `dax_direct_access()` pass it.
/// unsafe extern "C" fn direct_access(
///     _dev: *mut bindings::dax_device,
///     pgoff: c_ulong,
///     nr_pages: c_long,
///     _mode: bindings::dax_access_mode,
///     _kaddr: *mut *mut c_void,
///     pfn: *mut c_ulong,
/// ) -> c_long {
///     if !pfn.is_null() {
///         // SAFETY: The caller passes NULL or a valid location for the pfn.
///         unsafe { *pfn = 0x1000 + pgoff };
///     }
///     nr_pages.min(4 - pgoff.min(4) as c_long)
/// }
///
/// extern "C" fn zero_page_range(
///     _dev: *mut bindings::dax_device,
///     _pgoff: c_ulong,
///     _nr_pages: usize,
/// ) -> c_int {
///     0
/// }
///
/// static OPS: bindings::dax_operations = bindings::dax_operations {
///     direct_access: Some(direct_access),
///     zero_page_range: Some(zero_page_range),
///     recovery_write: None,
/// };
///
/// // SAFETY: `OPS` lives forever and has the `zero_page_range` that `alloc_dax()` requires.
/// let ptr = match from_err_ptr(unsafe { bindings::alloc_dax(core::ptr::null_mut(), &OPS) }) {
///     // A CPU whose data cache is virtually aliased: no DAX with kernel mappings.
///     Err(e) if e == EOPNOTSUPP => return Ok(()),
///     r => r?,
/// };
/// {
///     // SAFETY: `alloc_dax()` returned a device that stays allocated until `put_dax()` below,
///     // after this block, where `dev` ends.
///     let dev = unsafe { Device::from_raw(ptr) };
///     assert_eq!(dev.pfn(1, 8), Ok((0x1001, 3)));
///     assert_eq!(dev.pfn(0, 0), Err(EIO));
///     assert_eq!(dev.pfn(4, 1), Err(ERANGE));
///     // SAFETY: The device is valid, and nothing else uses it.
///     unsafe { bindings::set_dax_synchronous(ptr) };
///     assert!(dev.is_synchronous());
///     // SAFETY: The device is valid, and nothing else uses it; once dead, it refuses access.
///     unsafe { bindings::kill_dax(ptr) };
///     assert_eq!(dev.pfn(0, 1), Err(ENXIO));
/// }
/// // SAFETY: The reference `alloc_dax()` returned; nothing uses the device after this.
/// unsafe { bindings::put_dax(ptr) };
/// # Ok::<(), Error>(())
/// ```
#[repr(transparent)]
pub struct Device(Opaque<bindings::dax_device>);

// SAFETY: The methods of `Device` call C functions that may be called from any thread on a device
// that stays allocated; they do their own locking.
unsafe impl Sync for Device {}

impl Device {
    /// Creates a reference to a [`Device`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `ptr` points to a `struct dax_device` that stays allocated for
    /// the lifetime `'a`.
    #[inline]
    pub unsafe fn from_raw<'a>(ptr: *const bindings::dax_device) -> &'a Device {
        // SAFETY: The caller guarantees that the pointer is valid for `'a`; `Device` is
        // `repr(transparent)` over `struct dax_device`, so the cast is fine.
        //
        // INVARIANT: The caller guarantees that the device outlives the reference.
        unsafe { &*ptr.cast() }
    }

    /// Returns a raw pointer to the inner `struct dax_device`.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::dax_device {
        self.0.get()
    }

    /// Returns whether a CPU cache flush makes stores to this device durable, as
    /// `dax_synchronous()`.
    ///
    /// It is `false` for a device whose writes must also be flushed by its driver, such as
    /// virtio-pmem, where only `fsync()` makes data durable.
    #[inline]
    pub fn is_synchronous(&self) -> bool {
        // SAFETY: By the type invariant the device is allocated; `dax_synchronous` only reads
        // its flags.
        unsafe { bindings::dax_synchronous(self.as_ptr()) }
    }

    /// Returns the page frame number of page `pgoff` of the device and how many pages from there
    /// on are physically contiguous with it, at most `nr_pages`, as `dax_direct_access()`.
    ///
    /// Fails with `EIO` if `nr_pages` is 0 and with the driver's error, for example `EHWPOISON`
    /// when the range has a known media error or `ENXIO` once the device is going away.
    pub fn pfn(&self, pgoff: usize, nr_pages: usize) -> Result<(usize, usize)> {
        let nr_pages = c_long::try_from(nr_pages).unwrap_or(c_long::MAX);
        if nr_pages == 0 {
            return Err(EIO);
        }
        let mut pfn: c_ulong = 0;
        // SAFETY: `dax_read_lock` may be called from any context that may sleep; it returns the
        // SRCU index that `dax_read_unlock` takes.
        let id = unsafe { bindings::dax_read_lock() };
        // SAFETY: By the type invariant the device is allocated, and the DAX read lock is held as
        // `dax_direct_access` requires (it checks that the device is still alive). `kaddr` may be
        // NULL, and `pfn` is a valid location for the result.
        let ret = unsafe {
            bindings::dax_direct_access(
                self.as_ptr(),
                pgoff,
                nr_pages,
                bindings::dax_access_mode_DAX_ACCESS,
                ptr::null_mut(),
                &mut pfn,
            )
        };
        // SAFETY: `id` is the index our `dax_read_lock` call returned.
        unsafe { bindings::dax_read_unlock(id) };
        to_result(i32::try_from(ret.min(0)).unwrap_or(EIO.to_errno()))?;
        // A driver never reports more than it was asked for, nor 0 pages with success; keep to
        // the request whatever it says.
        let avail = usize::try_from(ret.min(nr_pages)).map_err(|_| EIO)?;
        if avail == 0 {
            return Err(EIO);
        }
        Ok((pfn as usize, avail))
    }
}
