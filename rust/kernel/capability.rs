// SPDX-License-Identifier: GPL-2.0

//! POSIX capabilities.
//!
//! C header: [`include/linux/capability.h`](srctree/include/linux/capability.h)

use crate::{
    bindings,
    static_assert,
    uapi, //
};

/// A POSIX capability, one of the `CAP_*` values of `include/uapi/linux/capability.h`.
///
/// # Invariants
///
/// `self.0` is a valid capability number (`cap_valid()`): at most `CAP_LAST_CAP`. Values are
/// only made by the constants of this type, so no caller can pass `capable()` a number it
/// would `BUG()` on.
///
/// # Examples
///
/// ```
/// use kernel::capability::Capability;
///
/// // Only ask the question; whether the KUnit task has it depends on the test setup.
/// let _ = Capability::LINUX_IMMUTABLE.capable();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capability(u32);

impl Capability {
    /// `CAP_LINUX_IMMUTABLE`: set the immutable and append-only attributes of files.
    // INVARIANT: `CAP_LINUX_IMMUTABLE` is a valid capability number (checked at build time below).
    pub const LINUX_IMMUTABLE: Self = Self(uapi::CAP_LINUX_IMMUTABLE);

    /// Returns whether the current task has this capability in the initial user namespace, as
    /// `capable()`.
    ///
    /// Like `capable()`, a successful check sets `PF_SUPERPRIV` on the task, so ask only when the
    /// capability is really needed.
    #[inline]
    pub fn capable(self) -> bool {
        // SAFETY: `capable` may be called from any process context. By the type invariant
        // `self.0` is a valid capability number, as `capable` requires (it calls `BUG()` for
        // any other), and it is at most `CAP_LAST_CAP`, so the cast to `int` is lossless.
        unsafe { bindings::capable(self.0 as i32) }
    }
}

static_assert!(uapi::CAP_LINUX_IMMUTABLE <= uapi::CAP_LAST_CAP);
