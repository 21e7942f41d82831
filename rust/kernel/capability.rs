// SPDX-License-Identifier: GPL-2.0

//! POSIX capabilities.
//!
//! C header: [`include/linux/capability.h`](srctree/include/linux/capability.h)

use crate::bindings;

/// A POSIX capability, one of the `CAP_*` values of `include/uapi/linux/capability.h`.
///
/// # Examples
///
/// ```
/// use kernel::capability::Capability;
///
/// // Only ask the question; whether the KUnit task has it depends on the test setup.
/// let _ = Capability::LINUX_IMMUTABLE.capable();
/// assert_ne!(Capability::LINUX_IMMUTABLE, Capability::SYS_ADMIN);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capability(u32);

impl Capability {
    /// `CAP_LINUX_IMMUTABLE`: set the immutable and append-only attributes of files.
    pub const LINUX_IMMUTABLE: Self = Self(bindings::CAP_LINUX_IMMUTABLE);

    /// `CAP_SYS_ADMIN`: a range of system administration operations.
    pub const SYS_ADMIN: Self = Self(bindings::CAP_SYS_ADMIN);

    /// Returns whether the current task has this capability in the initial user namespace, as
    /// `capable()`.
    ///
    /// Like `capable()`, a successful check sets `PF_SUPERPRIV` on the task, so ask only when the
    /// capability is really needed.
    #[inline]
    pub fn capable(self) -> bool {
        // SAFETY: `capable` may be called from any process context with any capability number;
        // `self.0` is a valid one by construction. The cast is lossless: capability numbers are
        // below 64.
        unsafe { bindings::capable(self.0 as i32) }
    }
}
