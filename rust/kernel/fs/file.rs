// SPDX-License-Identifier: GPL-2.0

// Copyright (C) 2024 Google LLC.

//! Files and file descriptors.
//!
//! C headers: [`include/linux/fs.h`](srctree/include/linux/fs.h) and
//! [`include/linux/file.h`](srctree/include/linux/file.h)

use crate::{
    bindings,
    cred::Credential,
    error::{
        code::*,
        from_err_ptr,
        to_result,
        Error,
        Result, //
    },
    ffi::{
        c_int,
        c_void, //
    },
    fmt,
    fs::{
        Extent,
        Filename,
        Inode,
        InvalidateLockGuard, //
    },
    str::CStrExt,
    sync::aref::{
        ARef,
        AlwaysRefCounted, //
    },
    types::{
        NotThreadSafe,
        Opaque, //
    },
};
use core::ptr;

/// Primitive type representing the offset within a [`File`].
///
/// Type alias for `bindings::loff_t`.
pub type Offset = bindings::loff_t;

/// Flags associated with a [`File`].
pub mod flags {
    /// File is opened in append mode.
    pub const O_APPEND: u32 = bindings::O_APPEND;

    /// Signal-driven I/O is enabled.
    pub const O_ASYNC: u32 = bindings::FASYNC;

    /// Close-on-exec flag is set.
    pub const O_CLOEXEC: u32 = bindings::O_CLOEXEC;

    /// File was created if it didn't already exist.
    pub const O_CREAT: u32 = bindings::O_CREAT;

    /// Direct I/O is enabled for this file.
    pub const O_DIRECT: u32 = bindings::O_DIRECT;

    /// File must be a directory.
    pub const O_DIRECTORY: u32 = bindings::O_DIRECTORY;

    /// Like [`O_SYNC`] except metadata is not synced.
    pub const O_DSYNC: u32 = bindings::O_DSYNC;

    /// Ensure that this file is created with the `open(2)` call.
    pub const O_EXCL: u32 = bindings::O_EXCL;

    /// Large file size enabled (`off64_t` over `off_t`).
    pub const O_LARGEFILE: u32 = bindings::O_LARGEFILE;

    /// Do not update the file last access time.
    pub const O_NOATIME: u32 = bindings::O_NOATIME;

    /// File should not be used as process's controlling terminal.
    pub const O_NOCTTY: u32 = bindings::O_NOCTTY;

    /// If basename of path is a symbolic link, fail open.
    pub const O_NOFOLLOW: u32 = bindings::O_NOFOLLOW;

    /// File is using nonblocking I/O.
    pub const O_NONBLOCK: u32 = bindings::O_NONBLOCK;

    /// File is using nonblocking I/O.
    ///
    /// This is effectively the same flag as [`O_NONBLOCK`] on all architectures
    /// except SPARC64.
    pub const O_NDELAY: u32 = bindings::O_NDELAY;

    /// Used to obtain a path file descriptor.
    pub const O_PATH: u32 = bindings::O_PATH;

    /// Write operations on this file will flush data and metadata.
    pub const O_SYNC: u32 = bindings::O_SYNC;

    /// This file is an unnamed temporary regular file.
    pub const O_TMPFILE: u32 = bindings::O_TMPFILE;

    /// File should be truncated to length 0.
    pub const O_TRUNC: u32 = bindings::O_TRUNC;

    /// Bitmask for access mode flags.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::fs::file;
    /// # fn do_something() {}
    /// # let flags = 0;
    /// if (flags & file::flags::O_ACCMODE) == file::flags::O_RDONLY {
    ///     do_something();
    /// }
    /// ```
    pub const O_ACCMODE: u32 = bindings::O_ACCMODE;

    /// File is read only.
    pub const O_RDONLY: u32 = bindings::O_RDONLY;

    /// File is write only.
    pub const O_WRONLY: u32 = bindings::O_WRONLY;

    /// File can be both read and written.
    pub const O_RDWR: u32 = bindings::O_RDWR;
}

/// How [`File::open`] and [`File::reopen`] open a file: a set of the `O_*` flags of `open(2)`.
///
/// One access mode ([`OpenFlags::RDONLY`], which is 0, [`OpenFlags::WRONLY`] or
/// [`OpenFlags::RDWR`]; combining the last two gives the special mode 3 of `open(2)`, for ioctls
/// only) combined with `|` with any of the other flags. `O_CLOEXEC` is not offered: it applies to
/// a file descriptor, and these files are in no descriptor table.
///
/// # Examples
///
/// ```
/// use kernel::fs::file::{flags, OpenFlags};
///
/// let f = OpenFlags::RDWR | OpenFlags::NONBLOCK;
/// assert_eq!(f.bits(), flags::O_RDWR | flags::O_NONBLOCK);
/// assert_eq!(OpenFlags::RDONLY.bits(), 0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenFlags(u32);

impl OpenFlags {
    /// `O_RDONLY`: open for reading only.
    pub const RDONLY: Self = Self(flags::O_RDONLY);
    /// `O_WRONLY`: open for writing only.
    pub const WRONLY: Self = Self(flags::O_WRONLY);
    /// `O_RDWR`: open for reading and writing.
    pub const RDWR: Self = Self(flags::O_RDWR);
    /// `O_CREAT`: create the file if it does not exist, with the mode given to [`File::open`].
    pub const CREAT: Self = Self(flags::O_CREAT);
    /// `O_EXCL`: with [`OpenFlags::CREAT`], fail with `EEXIST` if the file exists.
    pub const EXCL: Self = Self(flags::O_EXCL);
    /// `O_TRUNC`: truncate a regular file opened for writing to length 0.
    pub const TRUNC: Self = Self(flags::O_TRUNC);
    /// `O_TMPFILE`: create an unnamed regular file in the directory named (with
    /// [`OpenFlags::WRONLY`] or [`OpenFlags::RDWR`]); it is freed on its last close.
    pub const TMPFILE: Self = Self(flags::O_TMPFILE);
    /// `O_DIRECTORY`: fail with `ENOTDIR` unless the name is a directory.
    pub const DIRECTORY: Self = Self(flags::O_DIRECTORY);
    /// `O_NOCTTY`: do not make a terminal that is opened the calling task's controlling terminal.
    pub const NOCTTY: Self = Self(flags::O_NOCTTY);
    /// `O_NOFOLLOW`: fail with `ELOOP` if the last component of the name is a symbolic link.
    pub const NOFOLLOW: Self = Self(flags::O_NOFOLLOW);
    /// `O_NONBLOCK`: do not wait in the open (a conflicting lease gives `EWOULDBLOCK`). The flag
    /// stays in the file's `f_flags`, so reads and writes through it do not wait either.
    pub const NONBLOCK: Self = Self(flags::O_NONBLOCK);
    /// `O_LARGEFILE`: allow files whose size does not fit in 31 bits. Unlike `open(2)` on a
    /// 64-bit kernel, [`File::open`] does not add it: without it such a file fails with
    /// `EOVERFLOW`. `O_PATH` opens ignore it.
    pub const LARGEFILE: Self = Self(flags::O_LARGEFILE);
    /// `O_PATH`: look the name up without opening what it names: no `->open` runs, and the file
    /// allows neither reads nor writes.
    pub const PATH: Self = Self(flags::O_PATH);

    /// Returns the flags as the `O_*` bits of `open(2)`.
    #[inline]
    pub const fn bits(self) -> u32 {
        self.0
    }
}

impl core::ops::BitOr for OpenFlags {
    type Output = Self;

    #[inline]
    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// Wraps the kernel's `struct file`. Thread safe.
///
/// This represents an open file rather than a file on a filesystem. Processes generally reference
/// open files using file descriptors. However, file descriptors are not the same as files. A file
/// descriptor is just an integer that corresponds to a file, and a single file may be referenced
/// by multiple file descriptors.
///
/// # Refcounting
///
/// Instances of this type are reference-counted. The reference count is incremented by the
/// `fget`/`get_file` functions and decremented by `fput`. The Rust type `ARef<File>` represents a
/// pointer that owns a reference count on the file.
///
/// Whenever a process opens a file descriptor (fd), it stores a pointer to the file in its fd
/// table (`struct files_struct`). This pointer owns a reference count to the file, ensuring the
/// file isn't prematurely deleted while the file descriptor is open. In Rust terminology, the
/// pointers in `struct files_struct` are `ARef<File>` pointers.
///
/// ## Light refcounts
///
/// Whenever a process has an fd to a file, it may use something called a "light refcount" as a
/// performance optimization. Light refcounts are acquired by calling `fdget` and released with
/// `fdput`. The idea behind light refcounts is that if the fd is not closed between the calls to
/// `fdget` and `fdput`, then the refcount cannot hit zero during that time, as the `struct
/// files_struct` holds a reference until the fd is closed. This means that it's safe to access the
/// file even if `fdget` does not increment the refcount.
///
/// The requirement that the fd is not closed during a light refcount applies globally across all
/// threads - not just on the thread using the light refcount. For this reason, light refcounts are
/// only used when the `struct files_struct` is not shared with other threads, since this ensures
/// that other unrelated threads cannot suddenly start using the fd and close it. Therefore,
/// calling `fdget` on a shared `struct files_struct` creates a normal refcount instead of a light
/// refcount.
///
/// Light reference counts must be released with `fdput` before the system call returns to
/// userspace. This means that if you wait until the current system call returns to userspace, then
/// all light refcounts that existed at the time have gone away.
///
/// ### The file position
///
/// Each `struct file` has a position integer, which is protected by the `f_pos_lock` mutex.
/// However, if the `struct file` is not shared, then the kernel may avoid taking the lock as a
/// performance optimization.
///
/// The condition for avoiding the `f_pos_lock` mutex is different from the condition for using
/// `fdget`. With `fdget`, you may avoid incrementing the refcount as long as the current fd table
/// is not shared; it is okay if there are other fd tables that also reference the same `struct
/// file`. However, `fdget_pos` can only avoid taking the `f_pos_lock` if the entire `struct file`
/// is not shared, as different processes with an fd to the same `struct file` share the same
/// position.
///
/// To represent files that are not thread safe due to this optimization, the [`LocalFile`] type is
/// used.
///
/// ## Rust references
///
/// The reference type `&File` is similar to light refcounts:
///
/// * `&File` references don't own a reference count. They can only exist as long as the reference
///   count stays positive, and can only be created when there is some mechanism in place to ensure
///   this.
///
/// * The Rust borrow-checker normally ensures this by enforcing that the `ARef<File>` from which
///   a `&File` is created outlives the `&File`.
///
/// * Using the unsafe [`File::from_raw_file`] means that it is up to the caller to ensure that the
///   `&File` only exists while the reference count is positive.
///
/// * You can think of `fdget` as using an fd to look up an `ARef<File>` in the `struct
///   files_struct` and create an `&File` from it. The "fd cannot be closed" rule is like the Rust
///   rule "the `ARef<File>` must outlive the `&File`".
///
/// # Invariants
///
/// * All instances of this type are refcounted using the `f_count` field.
/// * There must not be any active calls to `fdget_pos` on this file that did not take the
///   `f_pos_lock` mutex.
#[repr(transparent)]
pub struct File {
    inner: Opaque<bindings::file>,
}

// SAFETY: This file is known to not have any active `fdget_pos` calls that did not take the
// `f_pos_lock` mutex, so it is safe to transfer it between threads.
unsafe impl Send for File {}

// SAFETY: This file is known to not have any active `fdget_pos` calls that did not take the
// `f_pos_lock` mutex, so it is safe to access its methods from several threads in parallel.
unsafe impl Sync for File {}

// SAFETY: The type invariants guarantee that `File` is always ref-counted. This implementation
// makes `ARef<File>` own a normal refcount.
unsafe impl AlwaysRefCounted for File {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::get_file(self.as_ptr()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: ptr::NonNull<File>) {
        // SAFETY: To call this method, the caller passes us ownership of a normal refcount, so we
        // may drop it. The cast is okay since `File` has the same representation as `struct file`.
        unsafe { bindings::fput(obj.cast().as_ptr()) }
    }
}

/// Wraps the kernel's `struct file`. Not thread safe.
///
/// This type represents a file that is not known to be safe to transfer across thread boundaries.
/// To obtain a thread-safe [`File`], use the [`assume_no_fdget_pos`] conversion.
///
/// See the documentation for [`File`] for more information.
///
/// # Invariants
///
/// * All instances of this type are refcounted using the `f_count` field.
/// * If there is an active call to `fdget_pos` that did not take the `f_pos_lock` mutex, then it
///   must be on the same thread as this file.
///
/// [`assume_no_fdget_pos`]: LocalFile::assume_no_fdget_pos
#[repr(transparent)]
pub struct LocalFile {
    inner: Opaque<bindings::file>,
}

// SAFETY: The type invariants guarantee that `LocalFile` is always ref-counted. This implementation
// makes `ARef<LocalFile>` own a normal refcount.
unsafe impl AlwaysRefCounted for LocalFile {
    #[inline]
    fn inc_ref(&self) {
        // SAFETY: The existence of a shared reference means that the refcount is nonzero.
        unsafe { bindings::get_file(self.as_ptr()) };
    }

    #[inline]
    unsafe fn dec_ref(obj: ptr::NonNull<LocalFile>) {
        // SAFETY: To call this method, the caller passes us ownership of a normal refcount, so we
        // may drop it. The cast is okay since `LocalFile` has the same representation as
        // `struct file`.
        unsafe { bindings::fput(obj.cast().as_ptr()) }
    }
}

impl LocalFile {
    /// Constructs a new `struct file` wrapper from a file descriptor.
    ///
    /// The file descriptor belongs to the current process, and there might be active local calls
    /// to `fdget_pos` on the same file.
    ///
    /// To obtain an `ARef<File>`, use the [`assume_no_fdget_pos`] function to convert.
    ///
    /// [`assume_no_fdget_pos`]: LocalFile::assume_no_fdget_pos
    #[inline]
    pub fn fget(fd: u32) -> Result<ARef<LocalFile>, BadFdError> {
        // SAFETY: FFI call, there are no requirements on `fd`.
        let ptr = ptr::NonNull::new(unsafe { bindings::fget(fd) }).ok_or(BadFdError)?;

        // SAFETY: `bindings::fget` created a refcount, and we pass ownership of it to the `ARef`.
        //
        // INVARIANT: This file is in the fd table on this thread, so either all `fdget_pos` calls
        // are on this thread, or the file is shared, in which case `fdget_pos` calls took the
        // `f_pos_lock` mutex.
        Ok(unsafe { ARef::from_raw(ptr.cast()) })
    }

    /// Creates a reference to a [`LocalFile`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// * The caller must ensure that `ptr` points at a valid file and that the file's refcount is
    ///   positive for the duration of `'a`.
    /// * The caller must ensure that if there is an active call to `fdget_pos` that did not take
    ///   the `f_pos_lock` mutex, then that call is on the current thread.
    #[inline]
    pub unsafe fn from_raw_file<'a>(ptr: *const bindings::file) -> &'a LocalFile {
        // SAFETY: The caller guarantees that the pointer is not dangling and stays valid for the
        // duration of `'a`. The cast is okay because `LocalFile` is `repr(transparent)`.
        //
        // INVARIANT: The caller guarantees that there are no problematic `fdget_pos` calls.
        unsafe { &*ptr.cast() }
    }

    /// Assume that there are no active `fdget_pos` calls that prevent us from sharing this file.
    ///
    /// This makes it safe to transfer this file to other threads. No checks are performed, and
    /// using it incorrectly may lead to a data race on the file position if the file is shared
    /// with another thread.
    ///
    /// This method is intended to be used together with [`LocalFile::fget`] when the caller knows
    /// statically that there are no `fdget_pos` calls on the current thread. For example, you
    /// might use it when calling `fget` from an ioctl, since ioctls usually do not touch the file
    /// position.
    ///
    /// # Safety
    ///
    /// There must not be any active `fdget_pos` calls on the current thread.
    #[inline]
    pub unsafe fn assume_no_fdget_pos(me: ARef<LocalFile>) -> ARef<File> {
        // INVARIANT: There are no `fdget_pos` calls on the current thread, and by the type
        // invariants, if there is a `fdget_pos` call on another thread, then it took the
        // `f_pos_lock` mutex.
        //
        // SAFETY: `LocalFile` and `File` have the same layout.
        unsafe { ARef::from_raw(ARef::into_raw(me).cast()) }
    }

    /// Returns a raw pointer to the inner C struct.
    #[inline]
    pub fn as_ptr(&self) -> *mut bindings::file {
        self.inner.get()
    }

    /// Returns the credentials of the task that originally opened the file.
    pub fn cred(&self) -> &Credential {
        // SAFETY: It's okay to read the `f_cred` field without synchronization because `f_cred` is
        // never changed after initialization of the file.
        let ptr = unsafe { (*self.as_ptr()).f_cred };

        // SAFETY: The signature of this function ensures that the caller will only access the
        // returned credential while the file is still valid, and the C side ensures that the
        // credential stays valid at least as long as the file.
        unsafe { Credential::from_ptr(ptr) }
    }

    /// Returns the flags associated with the file.
    ///
    /// The flags are a combination of the constants in [`flags`].
    #[inline]
    pub fn flags(&self) -> u32 {
        // This `read_volatile` is intended to correspond to a READ_ONCE call.
        //
        // SAFETY: The file is valid because the shared reference guarantees a nonzero refcount.
        //
        // FIXME(read_once): Replace with `read_once` when available on the Rust side.
        unsafe { core::ptr::addr_of!((*self.as_ptr()).f_flags).read_volatile() }
    }

    /// Returns the inode of this file, as `file_inode()`.
    #[inline]
    pub fn inode(&self) -> &Inode {
        // SAFETY: The file is valid because the shared reference guarantees a nonzero refcount,
        // and `f_inode` is set at open time and never changes.
        let inode = unsafe { (*self.as_ptr()).f_inode };
        // SAFETY: An open file holds a reference to its dentry, which pins the inode, and to its
        // mount, which keeps the superblock active, for as long as the file, and so the returned
        // reference, lives.
        unsafe { Inode::from_raw(inode) }
    }

    /// Writes the file's dirty data and the metadata needed to read it back to stable storage, as
    /// `vfs_fsync()`.
    ///
    /// With `datasync`, metadata that is not needed to read the data (timestamps) may stay
    /// uncommitted, as with `fdatasync(2)`. This may sleep, and takes filesystem locks: never call
    /// it with a lock that the filesystem's `->fsync` takes itself.
    #[inline]
    pub fn fsync(&self, datasync: bool) -> Result {
        // SAFETY: The file is valid because the shared reference guarantees a nonzero refcount.
        to_result(unsafe { bindings::vfs_fsync(self.as_ptr(), i32::from(datasync)) })
    }

    /// Returns whether this is a regular file whose filesystem can report its extents, see
    /// [`LocalFile::report_extents`].
    #[inline]
    pub fn can_report_extents(&self) -> bool {
        self.regular_file_aops()
            .is_some_and(|ops| ops.report_extents.is_some())
    }

    /// Returns the address space operations of this file if it is a regular file, whose
    /// `f_mapping` is its inode's `i_mapping`, the mapping whose invalidate lock
    /// [`LocalFile::report_extents`] takes as proof.
    #[inline]
    fn regular_file_aops(&self) -> Option<&bindings::address_space_operations> {
        let inode = self.inode();
        if !inode.is_reg() {
            return None;
        }
        // SAFETY: By the type invariant of `Inode` the inode is valid. Its `i_mapping` is set when
        // the inode is set up, and the mapping's `a_ops`, a table the filesystem never changes,
        // stay while the inode is in use (a per-file DAX change takes effect only when the inode
        // is next read in).
        Some(unsafe { &*(*(*inode.as_ptr()).i_mapping).a_ops })
    }

    /// Reports the block map of bytes `[pos, pos + len)` of the file to `actor`, extent by extent
    /// in file order, through the filesystem's `->report_extents`.
    ///
    /// `guard` must be the invalidate lock of the mapping of this file's inode, which is only
    /// taken under the inode lock: holding both keeps the block map from changing during the walk
    /// (writes and truncates take the inode lock, page faults that allocate take the invalidate
    /// lock). The walk stops at the first error of `actor` or of the filesystem and returns it. An
    /// empty range reports nothing. Fails with `EINVAL` if `guard` locks another inode or the
    /// range is negative or overflows, and with `EOPNOTSUPP` if this is not a regular file or its
    /// filesystem cannot report extents for it (only DAX files on ext4 and XFS can today).
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::fs::{file::OpenFlags, File, Filename};
    ///
    /// let name = Filename::from_kernel(c"/")?;
    /// let dir = File::open(&name, OpenFlags::RDONLY | OpenFlags::DIRECTORY, 0)?;
    /// dir.fsync(false)?;
    /// // Only regular files have their extents reported.
    /// assert!(!dir.can_report_extents());
    /// let guard = dir.inode().lock();
    /// let invalidate = guard.lock_invalidate();
    /// assert_eq!(dir.report_extents(&invalidate, 0, 4096, |_| Ok(())), Err(EOPNOTSUPP));
    /// // A range that overflows is refused before the filesystem is asked.
    /// assert_eq!(dir.report_extents(&invalidate, i64::MAX, 1, |_| Ok(())), Err(EINVAL));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn report_extents<F>(
        &self,
        guard: &InvalidateLockGuard<'_>,
        pos: Offset,
        len: Offset,
        mut actor: F,
    ) -> Result
    where
        F: FnMut(&Extent) -> Result,
    {
        /// Calls the closure behind `data` with the extent `iomap`.
        ///
        /// # Safety
        ///
        /// `iomap` must be valid as [`Extent::from_raw`] requires, for the duration of the call,
        /// and `data` must point to an `F` that is not otherwise in use.
        unsafe extern "C" fn trampoline<F>(
            iomap: *const bindings::iomap,
            data: *mut c_void,
        ) -> c_int
        where
            F: FnMut(&Extent) -> Result,
        {
            // SAFETY: The caller guarantees that `data` points to an `F` nobody else uses now.
            let actor = unsafe { &mut *data.cast::<F>() };
            // SAFETY: The caller guarantees that `iomap` is valid for this call.
            let extent = unsafe { Extent::from_raw(iomap) };
            match actor(extent) {
                Ok(()) => 0,
                Err(e) => e.to_errno(),
            }
        }

        if !ptr::eq(guard.inode(), self.inode()) || pos < 0 || len < 0 {
            return Err(EINVAL);
        }
        pos.checked_add(len).ok_or(EINVAL)?;
        if len == 0 {
            return Ok(());
        }
        let report = self
            .regular_file_aops()
            .and_then(|ops| ops.report_extents)
            .ok_or(EOPNOTSUPP)?;
        // SAFETY: The file is valid, and the caller holds its inode lock and its mapping's
        // invalidate lock (`guard`, taken only under the inode lock), as `->report_extents`
        // requires. The filesystem calls `trampoline::<F>` with iomaps that are valid for the
        // duration of the call, whose `dax_dev` is the filesystem's and outlives the walk, and
        // with `data`, which points to `actor`, borrowed mutably here for the whole walk.
        to_result(unsafe {
            report(
                self.as_ptr(),
                pos,
                len,
                Some(trampoline::<F>),
                (&raw mut actor).cast(),
            )
        })
    }
}

impl File {
    /// Opens the file at `name`, as `file_open_name()`.
    ///
    /// `mode` is the permission bits of a file created with [`OpenFlags::CREAT`] or
    /// [`OpenFlags::TMPFILE`], less the current task's umask. Permission checks are those of the
    /// current task. The returned file is not installed in any file descriptor table.
    pub fn open(name: &Filename, flags: OpenFlags, mode: u16) -> Result<ARef<File>> {
        // SAFETY: `name` is a valid `struct filename`. The `flags` argument of `file_open_name` is
        // an `int` carrying the same bit pattern as the `O_*` constants.
        let ptr = from_err_ptr(unsafe {
            bindings::file_open_name(name.as_ptr(), flags.bits() as i32, mode)
        })?;
        // `file_open_name` returns either a valid file or an error pointer, never NULL.
        let ptr = ptr::NonNull::new(ptr).ok_or(ENOMEM)?;
        // SAFETY: `file_open_name` returned a new reference, and we pass ownership of it to the
        // `ARef`.
        //
        // INVARIANT: The file is in no file descriptor table, so there is no `fdget_pos` on it.
        Ok(unsafe { ARef::from_raw(ptr.cast()) })
    }

    /// Opens the file that `self` refers to again, with the `O_*` flags `flags`, as
    /// `open_by_handle_at()` does: the same inode, reached through this file's path, with every
    /// permission check of `open(2)`.
    ///
    /// Meant for a file opened with `O_PATH`, which looks a path up without opening what it
    /// names: the caller can check what it is before a real open runs a driver's `->open`, and
    /// a rename or a symlink swapped meanwhile cannot make the second open reach another file.
    /// The same inode is opened only without [`OpenFlags::CREAT`] and [`OpenFlags::TMPFILE`]:
    /// `TMPFILE` on a directory creates a new file in it.
    /// The returned file is not installed in any file descriptor table.
    ///
    /// # Examples
    ///
    /// ```
    /// use kernel::fs::{file::OpenFlags, File, Filename};
    ///
    /// let root = File::open(&Filename::from_kernel(c"/")?, OpenFlags::PATH, 0)?;
    /// // The `O_PATH` file allows no I/O; opened again, the same directory does.
    /// let dir = root.reopen(OpenFlags::RDONLY | OpenFlags::DIRECTORY)?;
    /// assert!(core::ptr::eq(dir.inode(), root.inode()));
    /// // Every check of `open(2)` applies: a directory cannot be opened for writing.
    /// assert_eq!(root.reopen(OpenFlags::RDWR).err(), Some(EISDIR));
    /// # Ok::<(), Error>(())
    /// ```
    #[inline]
    pub fn reopen(&self, flags: OpenFlags) -> Result<ARef<File>> {
        // SAFETY: The file is valid because the shared reference guarantees a nonzero refcount,
        // and its `f_path` is set at open time and never changes. The empty name, a static
        // NUL-terminated string, resolves to that path itself. The `flags` argument is an `int`
        // carrying the same bit pattern as the `O_*` constants.
        let ptr = from_err_ptr(unsafe {
            bindings::file_open_root(
                &raw const (*self.as_ptr()).__bindgen_anon_1.f_path,
                c"".as_char_ptr(),
                flags.bits() as i32,
                0,
            )
        })?;
        // `file_open_root` returns either a valid file or an error pointer, never NULL.
        let ptr = ptr::NonNull::new(ptr).ok_or(ENOMEM)?;
        // SAFETY: `file_open_root` returned a new reference, and we pass ownership of it to the
        // `ARef`.
        //
        // INVARIANT: The file is in no file descriptor table, so there is no `fdget_pos` on it.
        Ok(unsafe { ARef::from_raw(ptr.cast()) })
    }

    /// Creates a reference to a [`File`] from a valid pointer.
    ///
    /// # Safety
    ///
    /// * The caller must ensure that `ptr` points at a valid file and that the file's refcount is
    ///   positive for the duration of `'a`.
    /// * The caller must ensure that if there are active `fdget_pos` calls on this file, then they
    ///   took the `f_pos_lock` mutex.
    #[inline]
    pub unsafe fn from_raw_file<'a>(ptr: *const bindings::file) -> &'a File {
        // SAFETY: The caller guarantees that the pointer is not dangling and stays valid for the
        // duration of `'a`. The cast is okay because `File` is `repr(transparent)`.
        //
        // INVARIANT: The caller guarantees that there are no problematic `fdget_pos` calls.
        unsafe { &*ptr.cast() }
    }
}

// Make LocalFile methods available on File.
impl core::ops::Deref for File {
    type Target = LocalFile;
    #[inline]
    fn deref(&self) -> &LocalFile {
        // SAFETY: The caller provides a `&File`, and since it is a reference, it must point at a
        // valid file for the desired duration.
        //
        // By the type invariants, there are no `fdget_pos` calls that did not take the
        // `f_pos_lock` mutex.
        unsafe { LocalFile::from_raw_file(core::ptr::from_ref(self).cast()) }
    }
}

/// A file descriptor reservation.
///
/// This allows the creation of a file descriptor in two steps: first, we reserve a slot for it,
/// then we commit or drop the reservation. The first step may fail (e.g., the current process ran
/// out of available slots), but commit and drop never fail (and are mutually exclusive).
///
/// Dropping the reservation happens in the destructor of this type.
///
/// # Invariants
///
/// The fd stored in this struct must correspond to a reserved file descriptor of the current task.
pub struct FileDescriptorReservation {
    fd: u32,
    /// Prevent values of this type from being moved to a different task.
    ///
    /// The `fd_install` and `put_unused_fd` functions assume that the value of `current` is
    /// unchanged since the call to `get_unused_fd_flags`. By adding this marker to this type, we
    /// prevent it from being moved across task boundaries, which ensures that `current` does not
    /// change while this value exists.
    _not_send: NotThreadSafe,
}

impl FileDescriptorReservation {
    /// Creates a new file descriptor reservation.
    #[inline]
    pub fn get_unused_fd_flags(flags: u32) -> Result<Self> {
        // SAFETY: FFI call, there are no safety requirements on `flags`.
        let fd: i32 = unsafe { bindings::get_unused_fd_flags(flags) };
        to_result(fd)?;

        Ok(Self {
            fd: fd as u32,
            _not_send: NotThreadSafe,
        })
    }

    /// Returns the file descriptor number that was reserved.
    #[inline]
    pub fn reserved_fd(&self) -> u32 {
        self.fd
    }

    /// Commits the reservation.
    ///
    /// The previously reserved file descriptor is bound to `file`. This method consumes the
    /// [`FileDescriptorReservation`], so it will not be usable after this call.
    #[inline]
    pub fn fd_install(self, file: ARef<File>) {
        // SAFETY: `self.fd` was previously returned by `get_unused_fd_flags`. We have not yet used
        // the fd, so it is still valid, and `current` still refers to the same task, as this type
        // cannot be moved across task boundaries.
        //
        // Furthermore, the file pointer is guaranteed to own a refcount by its type invariants,
        // and we take ownership of that refcount by not running the destructor below.
        // Additionally, the file is known to not have any non-shared `fdget_pos` calls, so even if
        // this process starts using the file position, this will not result in a data race on the
        // file position.
        unsafe { bindings::fd_install(self.fd, file.as_ptr()) };

        // `fd_install` consumes both the file descriptor and the file reference, so we cannot run
        // the destructors.
        core::mem::forget(self);
        core::mem::forget(file);
    }
}

impl Drop for FileDescriptorReservation {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: By the type invariants of this type, `self.fd` was previously returned by
        // `get_unused_fd_flags`. We have not yet used the fd, so it is still valid, and `current`
        // still refers to the same task, as this type cannot be moved across task boundaries.
        unsafe { bindings::put_unused_fd(self.fd) };
    }
}

/// Represents the [`EBADF`] error code.
///
/// Used for methods that can only fail with [`EBADF`].
#[derive(Copy, Clone, Eq, PartialEq)]
pub struct BadFdError;

impl From<BadFdError> for Error {
    #[inline]
    fn from(_: BadFdError) -> Error {
        EBADF
    }
}

impl fmt::Debug for BadFdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("EBADF")
    }
}
