// SPDX-License-Identifier: GPL-2.0

//! Seq file bindings.
//!
//! C header: [`include/linux/seq_file.h`](srctree/include/linux/seq_file.h)

use crate::{
    bindings,
    fmt,
    fs::File,
    str::{
        CStr,
        CStrExt as _, //
    },
    types::{
        NotThreadSafe,
        Opaque, //
    }, //
};

/// A utility for generating the contents of a seq file.
#[repr(transparent)]
pub struct SeqFile {
    inner: Opaque<bindings::seq_file>,
    _not_send: NotThreadSafe,
}

impl SeqFile {
    /// Creates a new [`SeqFile`] from a raw pointer.
    ///
    /// # Safety
    ///
    /// The caller must ensure that for the duration of `'a` the following is satisfied:
    /// * The pointer points at a valid `struct seq_file`.
    /// * The `struct seq_file` is not accessed from any other thread.
    pub unsafe fn from_raw<'a>(ptr: *mut bindings::seq_file) -> &'a SeqFile {
        // SAFETY: The caller ensures that the reference is valid for 'a. There's no way to trigger
        // a data race by using the `&SeqFile` since this is the only thread accessing the seq_file.
        //
        // CAST: The layout of `struct seq_file` and `SeqFile` is compatible.
        unsafe { &*ptr.cast() }
    }

    /// Used by the [`seq_print`] macro.
    #[inline]
    pub fn call_printf(&self, args: fmt::Arguments<'_>) {
        // SAFETY: Passing a void pointer to `Arguments` is valid for `%pA`.
        unsafe {
            bindings::seq_printf(
                self.inner.get(),
                c"%pA".as_char_ptr(),
                core::ptr::from_ref(&args).cast::<crate::ffi::c_void>(),
            );
        }
    }

    /// Writes the path of `file`, as `d_path()` gives it, with every byte found in `esc` written
    /// as an octal escape (`\ooo`).
    ///
    /// A path that cannot be reached from the reader's root, such as one under a lazily unmounted
    /// tree, is written as `d_path()` makes it. Pass at least `c" \t\n\\"` to keep the path one
    /// whitespace-separated field, as `/proc/swaps` does.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::{fs::File, seq_file::SeqFile, seq_print};
    ///
    /// /// Writes one line of a table of files.
    /// fn show_file(m: &SeqFile, file: &File) {
    ///     m.file_path(file, c" \t\n\\");
    ///     seq_print!(m, "\t{}\n", file.inode().size());
    /// }
    /// ```
    #[inline]
    pub fn file_path(&self, file: &File, esc: &CStr) {
        // SAFETY: `self.inner` is a valid `struct seq_file` that only this thread accesses, by the
        // contract of `from_raw()`. `file` is a valid file, which pins its path for the call, and
        // `esc` is NUL-terminated. A path too long for the buffer is handled by the seq_file core
        // as for `seq_printf()`, so the return value carries nothing to act on.
        unsafe { bindings::seq_file_path(self.inner.get(), file.as_ptr(), esc.as_char_ptr()) };
    }
}

/// Write to a [`SeqFile`] with the ordinary Rust formatting syntax.
#[macro_export]
macro_rules! seq_print {
    ($m:expr, $($arg:tt)+) => (
        $m.call_printf($crate::prelude::fmt!($($arg)+))
    );
}
pub use seq_print;
