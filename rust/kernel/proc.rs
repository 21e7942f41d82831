// SPDX-License-Identifier: GPL-2.0

//! Files in `/proc`.
//!
//! C header: [`include/linux/proc_fs.h`](srctree/include/linux/proc_fs.h)

use crate::{
    bindings,
    error::from_result,
    ffi::{
        c_int,
        c_void, //
    },
    prelude::*,
    seq_file::SeqFile,
};
use core::{
    marker::PhantomData,
    ptr::{
        self,
        NonNull, //
    },
};

/// The contents of a [`SingleFile`], made in one go for each read.
pub trait SingleShow {
    /// Writes the whole contents of the file to `m`.
    ///
    /// Called for a read from the start of the file, and again with a larger buffer if the
    /// output did not fit. An error is returned to the reader.
    fn show(m: &SeqFile) -> Result;
}

/// A file in `/proc` whose contents [`SingleShow::show`] makes, as `proc_create_single()` does.
///
/// Dropping it removes the file, after waiting for readers inside `T::show()` to return: it must
/// not be dropped from `T::show()`, nor while holding a lock that `T::show()` takes. Code in a
/// loadable module must drop it before the module is unloaded (keep it in the module's data, not
/// in a `static`, and do not leak it): `/proc` holds no reference to the module, so a file left
/// behind would call into freed code.
///
/// # Invariants
///
/// `entry` is an entry in the `/proc` root made by `proc_create_single_data()` with
/// `show_callback::<T>` as its show function, and not yet removed.
///
/// # Examples
///
/// ```
/// use kernel::{
///     proc::{
///         SingleFile,
///         SingleShow, //
///     },
///     seq_file::SeqFile,
///     seq_print,
/// };
///
/// struct Answer;
///
/// impl SingleShow for Answer {
///     fn show(m: &SeqFile) -> Result {
///         seq_print!(m, "42\n");
///         Ok(())
///     }
/// }
///
/// // `/proc/rust_doctest_answer` exists until `file` is dropped.
/// let file = SingleFile::<Answer>::new(c"rust_doctest_answer", 0o444)?;
/// drop(file);
///
/// // A name `/proc` keeps for other uses, or that is not one path component, is refused.
/// assert_eq!(SingleFile::<Answer>::new(c"1", 0).err(), Some(EINVAL));
/// assert_eq!(SingleFile::<Answer>::new(c"a/b", 0).err(), Some(EINVAL));
/// assert_eq!(SingleFile::<Answer>::new(c"", 0).err(), Some(EINVAL));
/// // So are modes other than permission bits, and write permission: there is no `write()`.
/// assert_eq!(SingleFile::<Answer>::new(c"answer", 0o40444).err(), Some(EINVAL));
/// assert_eq!(SingleFile::<Answer>::new(c"answer", 0o644).err(), Some(EINVAL));
/// # Ok::<(), Error>(())
/// ```
#[must_use = "the file is removed when the `SingleFile` is dropped"]
pub struct SingleFile<T: SingleShow> {
    entry: NonNull<bindings::proc_dir_entry>,
    _show: PhantomData<T>,
}

// SAFETY: A `SingleFile` only holds the entry to remove it, and `proc_remove()` may be called from
// any thread.
unsafe impl<T: SingleShow> Send for SingleFile<T> {}

// SAFETY: No method of `SingleFile` takes `&self`: an `&SingleFile` gives access to nothing.
unsafe impl<T: SingleShow> Sync for SingleFile<T> {}

/// Returns whether `name` may name a new entry of the `/proc` root.
///
/// `/proc` warns about, and refuses, a name that is empty, longer than `NAME_MAX`, `.` or `..`,
/// or all digits (a process); one with a `/` would be looked up as a path.
fn valid_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() <= bindings::NAME_MAX as usize
        && name != b"."
        && name != b".."
        && !name.contains(&b'/')
        && !name.iter().all(u8::is_ascii_digit)
}

impl<T: SingleShow> SingleFile<T> {
    /// Creates `/proc/<name>` with the permission bits `mode`.
    ///
    /// `mode` may only hold read permissions (`0o444` at most); 0 means readable by everyone.
    /// Fails with `EINVAL` for any other `mode` and for a name that is empty, longer than
    /// `NAME_MAX` bytes, `.`, `..`, all digits or has a `/`; and with `ENOMEM` otherwise, which
    /// includes a name that already exists: as for the C function, the kernel log then has a
    /// warning with a backtrace.
    pub fn new(name: &CStr, mode: u16) -> Result<Self> {
        if !valid_name(name.to_bytes()) || mode & !0o444 != 0 {
            return Err(EINVAL);
        }
        // SAFETY: `name` is NUL-terminated and copied by the callee. A NULL parent is the `/proc`
        // root. `show_callback::<T>` is a show function that needs no data.
        let entry = unsafe {
            bindings::proc_create_single_data(
                name.as_char_ptr(),
                mode,
                ptr::null_mut(),
                Some(show_callback::<T>),
                ptr::null_mut(),
            )
        };
        // INVARIANT: A non-NULL return is the new entry, made with `show_callback::<T>`.
        Ok(SingleFile {
            entry: NonNull::new(entry).ok_or(ENOMEM)?,
            _show: PhantomData,
        })
    }
}

impl<T: SingleShow> Drop for SingleFile<T> {
    fn drop(&mut self) {
        // SAFETY: By the type invariant the entry exists and was not removed, and it is removed
        // only here. `proc_remove()` waits for calls of `show_callback::<T>` in progress and
        // makes sure that no new call starts.
        unsafe { bindings::proc_remove(self.entry.as_ptr()) };
    }
}

/// The show function of a [`SingleFile<T>`].
///
/// # Safety
///
/// `m` points to a valid `struct seq_file` that no other thread accesses until this returns, as
/// `seq_read_iter()` guarantees by holding its lock.
unsafe extern "C" fn show_callback<T: SingleShow>(
    m: *mut bindings::seq_file,
    _v: *mut c_void,
) -> c_int {
    // SAFETY: By the safety requirements of this function, `m` is valid and used only by this
    // thread until this returns, which outlives the reference.
    let m = unsafe { SeqFile::from_raw(m) };
    from_result(|| {
        T::show(m)?;
        Ok(0)
    })
}
