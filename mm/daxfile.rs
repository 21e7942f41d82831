// SPDX-License-Identifier: GPL-2.0

//! daxfile: static-dax files, the logic behind `daxctl(2)`.
//!
//! A static-dax file is a regular file on a DAX filesystem whose block map is frozen: every byte
//! in `[0, i_size)` is in an allocated, written extent of a DAX device whose CPU cache flushes make
//! stores durable, each `align`-sized chunk is physically contiguous and starts on an `align`
//! boundary of physical memory, the block map is committed, and nothing may change it (truncate,
//! hole punch, fallocate, reflink, unlink, ...) until the file is returned to normal. Data writes
//! stay allowed.
//!
//! The freeze reuses `S_SWAPFILE`, which every map-changing path already refuses, and adds
//! `S_DAXFILE`, which the data-write paths check to let static files through. An `O_PATH` file of
//! the inode, opened by the enabling call, is kept in [`DAXFILES`] until the file is disabled,
//! which pins the inode and keeps its filesystem from being unmounted without holding write
//! access. `/proc/daxfiles` lists them, with the align and the number of extents the enable found,
//! so that an administrator can see what keeps a filesystem busy.
//!
//! # Locking
//!
//! Lock order: the inode's `i_rwsem`, its mapping's `invalidate_lock`, then [`DAXFILES`]. An
//! enable holds `i_rwsem` and the invalidate lock from its checks to its commit, like `swapon`'s
//! `setup_swap_extents()` holds `i_rwsem`: writes, truncates and fallocates wait on `i_rwsem`, and
//! page faults, which may allocate blocks or convert unwritten extents, wait on the invalidate
//! lock. Within that section it commits the file's metadata (`vfs_fsync()`), reads the block map
//! through the filesystem's `->report_extents`, and sets the flags and the list entry, whose
//! memory was reserved before any lock was taken: nothing can fail after a successful walk. A
//! disable takes `i_rwsem` too, so it waits for an enable in flight. A reader of `/proc/daxfiles`
//! takes only [`DAXFILES`], and the last reference of a disabled file is put outside of it.
//!
//! C header: [`include/linux/daxfile.h`](srctree/include/linux/daxfile.h)

use kernel::{
    bindings,
    capability::Capability,
    dax,
    error::code::*,
    ffi::{
        c_char,
        c_int,
        c_long, //
    },
    fs::{
        file::OpenFlags,
        Extent,
        ExtentType,
        File,
        Filename,
        Inode,
        InodeLockGuard,
        InvalidateLockGuard, //
    },
    page::{
        PAGE_SHIFT,
        PAGE_SIZE, //
    },
    prelude::*,
    sync::{
        aref::ARef,
        SetOnce, //
    },
    uaccess::UserPtr,
    uapi, //
};

/// The prefix of this crate's `pr_*!` messages; there is no `module!` to define it.
const __LOG_PREFIX: &[u8] = b"daxfile\0";

/// Report the state of the file instead of changing it.
const F_GET: u32 = uapi::DAXCTL_F_GET;
/// Reserved for a per-file DAX toggle; always rejected.
const F_DAX: u32 = uapi::DAXCTL_F_DAX;
/// Make the file static-dax; without it, return the file to normal.
const F_STATIC: u32 = uapi::DAXCTL_F_STATIC;
/// The flags `daxctl()` knows.
const F_VALID: u32 = F_GET | F_DAX | F_STATIC;

/// A static-dax file, as the list keeps it.
struct Entry {
    /// An `O_PATH` file of the inode, opened by the enabling call; it pins the inode and the
    /// mount.
    file: ARef<File>,
    /// The chunk size the enable checked, in bytes.
    align: u64,
    /// The number of physically contiguous extents the enable found, for `/proc/daxfiles`.
    #[cfg(CONFIG_PROC_FS)]
    extents: u64,
}

/// The static-dax files.
///
/// # Invariants
///
/// `files.capacity() >= files.len() + reserved`.
struct Daxfiles {
    files: KVec<Entry>,
    /// Slots promised to enables in flight, see [`Reservation`].
    reserved: usize,
}

impl Daxfiles {
    /// Returns the index of the entry of `inode`, if it has one.
    fn position(&self, inode: &Inode) -> Option<usize> {
        self.files
            .iter()
            .position(|e| core::ptr::eq(e.file.inode().as_ptr(), inode.as_ptr()))
    }
}

kernel::sync::global_lock! {
    // SAFETY: Initialised once, by `daxfile_init()`. Its users, `daxctl()` and the reader of
    // `/proc/daxfiles`, check `READY` first (acquire), and `daxfile_init()` populates `READY`
    // (release) only after the initialisation.
    unsafe(uninit) static DAXFILES: Mutex<Daxfiles> = Daxfiles {
        files: KVec::new(),
        reserved: 0,
    };
}

/// Populated by the one call of [`daxfile_init`] that initialises [`DAXFILES`].
static CLAIMED: SetOnce<()> = SetOnce::new();
/// Populated once [`DAXFILES`] is initialised.
static READY: SetOnce<()> = SetOnce::new();

/// `/proc/daxfiles`, kept for good once made: daxfile is built in, never unloaded.
#[cfg(CONFIG_PROC_FS)]
static PROC_DAXFILES: SetOnce<kernel::proc::SingleFile<proc_daxfiles::Show>> = SetOnce::new();

/// Initialises the list of static-dax files and makes `/proc/daxfiles`; `mm/daxfile_shim.c` calls
/// it from a `core_initcall()`, before any user space runs. Only the first call does anything.
#[export]
pub extern "C" fn daxfile_init() {
    if CLAIMED.populate(()) {
        // SAFETY: Only the one caller that populated `CLAIMED` gets here, so this runs once, and
        // nothing uses the lock before `READY` is populated below.
        unsafe { DAXFILES.init() };
        READY.populate(());
        // Without it, `daxctl()` still works; only the listing is missing.
        #[cfg(CONFIG_PROC_FS)]
        match kernel::proc::SingleFile::new(c"daxfiles", 0o444) {
            Ok(file) => {
                PROC_DAXFILES.populate(file);
            }
            Err(e) => pr_warn!("no /proc/daxfiles: {:?}\n", e),
        }
    }
}

/// `/proc/daxfiles`.
#[cfg(CONFIG_PROC_FS)]
mod proc_daxfiles {
    use super::{
        DAXFILES,
        READY, //
    };
    use kernel::{
        bindings,
        prelude::*,
        proc::SingleShow,
        seq_file::SeqFile,
        seq_print, //
    };

    /// The bytes of a path written as octal escapes (`\ooo`): the control characters, space,
    /// DEL and the backslash, so that a path is one field of printable bytes.
    const PATH_ESCAPES: &CStr = c"\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f\x10\
        \x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f \x7f\\";

    /// The contents of `/proc/daxfiles`: a header line, then one line per static-dax file with
    /// its path (see [`PATH_ESCAPES`]), size and align in bytes, the number of physically
    /// contiguous extents, the device number of its filesystem as `major:minor` and its inode
    /// number, separated by tabs.
    ///
    /// Readable by everyone, like `/proc/swaps`: it tells what keeps a filesystem busy.
    pub(super) struct Show;

    impl SingleShow for Show {
        fn show(m: &SeqFile) -> Result {
            seq_print!(m, "Filename\tSize\tAlign\tExtents\tDevice\tInode\n");
            // The file is made after the list is initialised; checked anyway, as for every
            // user of the lock.
            if READY.as_ref().is_none() {
                return Ok(());
            }
            let list = DAXFILES.lock();
            for entry in &list.files {
                let inode = entry.file.inode();
                let dev = inode.dev();
                m.file_path(&entry.file, PATH_ESCAPES);
                seq_print!(
                    m,
                    "\t{}\t{}\t{}\t{}:{}\t{}\n",
                    inode.size(),
                    entry.align,
                    entry.extents,
                    dev >> bindings::MINORBITS,
                    dev & ((1 << bindings::MINORBITS) - 1),
                    inode.ino()
                );
            }
            Ok(())
        }
    }
}

/// A slot of [`DAXFILES`] promised to one enable, so that adding its entry cannot fail.
///
/// Made before any inode lock is taken; dropping it unused gives the slot back.
#[must_use = "the slot is given back as soon as the reservation is dropped"]
struct Reservation(());

impl Reservation {
    /// Reserves a slot; fails with `ENOMEM`.
    fn new() -> Result<Self> {
        let mut list = DAXFILES.lock();
        let wanted = list.reserved.checked_add(1).ok_or(ENOMEM)?;
        list.files.reserve(wanted, GFP_KERNEL)?;
        // INVARIANT: `reserve()` made room for `len + reserved + 1` entries.
        list.reserved = wanted;
        Ok(Reservation(()))
    }

    /// Adds `entry` to the list in the reserved slot.
    fn commit(self, entry: Entry) {
        let mut list = DAXFILES.lock();
        // INVARIANT: One reserved slot becomes one entry; `Drop` must not give it back.
        list.reserved -= 1;
        core::mem::forget(self);
        if list.files.push_within_capacity(entry).is_err() {
            // Unreachable by the invariant of `Daxfiles`.
            pr_err!("no room for a reserved list entry\n");
        }
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        // INVARIANT: Giving a slot back keeps the capacity bound.
        DAXFILES.lock().reserved -= 1;
    }
}

/// What one `daxctl()` call asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Request {
    /// Report whether the file is static-dax.
    Get,
    /// Make the file static-dax, with chunks of `align` bytes.
    Enable { align: u64 },
    /// Return the file to normal.
    Disable,
}

/// Decodes the `flags` and `align` arguments of `daxctl()`.
///
/// Unknown flags and `DAXCTL_F_DAX` are `EINVAL`, and so are arguments a request does not use,
/// so that they can be given a meaning later: `DAXCTL_F_GET` with another flag or a non-zero
/// `align`, and a disable with a non-zero `align`. An enable's `align` is validated by
/// [`align_bytes`].
fn parse_request(flags: c_int, align: c_int, page_size: usize) -> Result<Request> {
    // Reinterpret the bits: a negative `flags` has unknown high bits and is refused below.
    let flags = flags as u32;
    if flags & !F_VALID != 0 || flags & F_DAX != 0 {
        return Err(EINVAL);
    }
    if flags & F_STATIC != 0 && flags & F_GET == 0 {
        return Ok(Request::Enable {
            align: align_bytes(align, page_size)?,
        });
    }
    if align != 0 || flags & F_STATIC != 0 {
        return Err(EINVAL);
    }
    Ok(if flags & F_GET != 0 {
        Request::Get
    } else {
        Request::Disable
    })
}

/// Returns the chunk size in bytes that `align` asks for.
///
/// 0 means `page_size`; anything else must be a power of two of at least `page_size`.
fn align_bytes(align: c_int, page_size: usize) -> Result<u64> {
    let page_size = page_size as u64;
    if align == 0 {
        return Ok(page_size);
    }
    let align = u64::try_from(align).map_err(|_| EINVAL)?;
    if !align.is_power_of_two() || align < page_size {
        return Err(EINVAL);
    }
    Ok(align)
}

/// What the walk needs to know of one extent, as the filesystem reported it.
#[derive(Clone, Copy, Debug)]
struct ExtentInfo {
    /// File offset of the first byte.
    offset: i64,
    /// Length in bytes.
    length: u64,
    /// What the extent is backed by.
    kind: ExtentType,
    /// Metadata needed to reach the extent is not committed.
    dirty: bool,
    /// The blocks are shared with another file.
    shared: bool,
    /// Byte offset into the DAX device.
    addr: u64,
    /// Identifies the DAX device (its address), `None` if the extent has none.
    device: Option<usize>,
    /// A CPU cache flush makes stores to the device durable.
    synchronous: bool,
}

impl ExtentInfo {
    fn new(extent: &Extent) -> Self {
        let dev = extent.dax_device();
        ExtentInfo {
            offset: extent.offset(),
            length: extent.length(),
            kind: extent.extent_type(),
            dirty: extent.is_dirty(),
            shared: extent.is_shared(),
            addr: extent.addr(),
            device: dev.map(|d| d.as_ptr() as usize),
            synchronous: dev.is_some_and(|d| d.is_synchronous()),
        }
    }
}

/// The part of an extent the walk still has to place in physical memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    /// File offset of the first byte.
    offset: u64,
    /// Length in bytes, a non-zero multiple of the page size.
    length: u64,
    /// Byte offset into the DAX device of the first byte.
    addr: u64,
}

/// What a successful walk found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Summary {
    /// Physically contiguous extents.
    extents: u64,
}

/// Returns `x` modulo `pow2`, a power of two: a mask, which cannot divide by zero.
fn rem_pow2(x: u64, pow2: u64) -> u64 {
    x & pow2.wrapping_sub(1)
}

/// The static-dax policy, as a pure function of the extents of a file fed to it in file order.
///
/// [`Walk::extent`] checks what the filesystem says of an extent and returns the span of it that
/// is inside the file and not yet seen; the caller resolves that span to physical addresses
/// (the DAX device may map it in several pieces) and feeds each piece to [`Walk::segment`], which
/// checks contiguity and alignment. [`Walk::finish`] checks that the whole file was covered.
#[derive(Debug)]
struct Walk {
    /// File size in bytes.
    size: u64,
    /// Chunk size in bytes, a power of two of at least the page size, dividing `size`.
    align: u64,
    /// The page size, a power of two.
    page_size: u64,
    /// File offset of the first byte not yet placed.
    next: u64,
    /// Physical address the byte at `next` must have to continue the current extent.
    phys_next: Option<u64>,
    /// The DAX device of the first extent.
    device: Option<usize>,
    summary: Summary,
}

impl Walk {
    /// Starts the walk of a file of `size` bytes with `align`-byte chunks.
    ///
    /// `EINVAL` unless `align` and `page_size` are powers of two, `align` at least `page_size`,
    /// and `size` a non-zero multiple of `align`.
    fn new(size: i64, align: u64, page_size: u64) -> Result<Self> {
        let size = u64::try_from(size).map_err(|_| EINVAL)?;
        if !align.is_power_of_two()
            || !page_size.is_power_of_two()
            || align < page_size
            || size == 0
            || rem_pow2(size, align) != 0
        {
            return Err(EINVAL);
        }
        Ok(Walk {
            size,
            align,
            page_size,
            next: 0,
            phys_next: None,
            device: None,
            summary: Summary { extents: 0 },
        })
    }

    /// Checks one extent and returns the span of it that the walk must place next, or `None` if
    /// nothing of it is inside the file and not yet seen.
    ///
    /// `EINVAL` for anything but a written extent (a hole, an unwritten, delalloc or inline
    /// extent), shared blocks, an extent on another device or not on a DAX device at all, and an
    /// extent that leaves a gap or is not page aligned; `EOPNOTSUPP` if the DAX device is not
    /// synchronous; `EAGAIN` for an extent whose metadata is not committed.
    fn extent(&mut self, e: &ExtentInfo) -> Result<Option<Span>> {
        let offset = u64::try_from(e.offset).map_err(|_| EINVAL)?;
        let end = offset.checked_add(e.length).ok_or(EINVAL)?.min(self.size);
        if end <= self.next {
            return Ok(None);
        }
        if offset > self.next || e.kind != ExtentType::Mapped || e.shared {
            return Err(EINVAL);
        }
        let device = e.device.ok_or(EINVAL)?;
        if *self.device.get_or_insert(device) != device {
            return Err(EINVAL);
        }
        if !e.synchronous {
            return Err(EOPNOTSUPP);
        }
        // Committed metadata is refused for good, uncommitted only for now.
        if e.dirty {
            return Err(EAGAIN);
        }
        // The part before `next` was seen in an earlier extent.
        let skip = self.next - offset;
        let addr = e.addr.checked_add(skip).ok_or(EINVAL)?;
        let length = end - self.next;
        if rem_pow2(addr, self.page_size) != 0 || rem_pow2(length, self.page_size) != 0 {
            return Err(EINVAL);
        }
        Ok(Some(Span {
            offset: self.next,
            length,
            addr,
        }))
    }

    /// Places `length` bytes of the file from `offset` on at physical address `phys`.
    ///
    /// `EINVAL` if a chunk of `align` bytes would not be physically contiguous, or would not start
    /// on an `align` boundary of physical memory.
    fn segment(&mut self, offset: u64, length: u64, phys: u64) -> Result {
        let end = offset.checked_add(length).ok_or(EINVAL)?;
        let phys_end = phys.checked_add(length).ok_or(EINVAL)?;
        if offset != self.next || length == 0 || end > self.size {
            return Err(EINVAL);
        }
        let continues = self.phys_next == Some(phys);
        // A piece that starts inside a chunk must continue it physically.
        if rem_pow2(offset, self.align) != 0 && !continues {
            return Err(EINVAL);
        }
        // Within a piece, file and physical addresses advance together, so every chunk that
        // starts in it is aligned if and only if the offsets agree modulo `align`.
        // `offset` and `align` are at most `size <= i64::MAX` (`align` divides it): no overflow.
        let first_chunk = (offset + self.align - 1) & !(self.align - 1);
        if first_chunk < end && rem_pow2(phys, self.align) != rem_pow2(offset, self.align) {
            return Err(EINVAL);
        }
        if !continues {
            self.summary.extents += 1;
        }
        self.next = end;
        self.phys_next = Some(phys_end);
        Ok(())
    }

    /// Ends the walk: `EINVAL` unless every byte of the file was placed.
    fn finish(self) -> Result<Summary> {
        if self.next != self.size {
            return Err(EINVAL);
        }
        Ok(self.summary)
    }
}

/// Checks the block map of `file`, whose mapping `guard` locks (under the inode lock), against
/// the static-dax policy for `align`-byte chunks, and returns what it found.
///
/// The caller has committed the file's metadata.
fn walk_file(file: &File, guard: &InvalidateLockGuard<'_>, align: u64) -> Result<Summary> {
    let size = file.inode().size();
    let mut walk = Walk::new(size, align, PAGE_SIZE as u64)?;
    let task = current!();
    file.report_extents(guard, 0, size, |extent| {
        if task.fatal_signal_pending() {
            return Err(EINTR);
        }
        let Some(mut span) = walk.extent(&ExtentInfo::new(extent))? else {
            return Ok(());
        };
        // `Walk::extent` returned a span only for an extent with a DAX device.
        let dev: &dax::Device = extent.dax_device().ok_or(EINVAL)?;
        while span.length > 0 {
            let pgoff = usize::try_from(span.addr >> PAGE_SHIFT).map_err(|_| EINVAL)?;
            let pages = usize::try_from(span.length >> PAGE_SHIFT).unwrap_or(usize::MAX);
            // A media error (`EHWPOISON`) or a device going away: the file cannot be mapped.
            let (pfn, avail) = dev.pfn(pgoff, pages).map_err(|_| EIO)?;
            let bytes = (avail as u64).checked_mul(PAGE_SIZE as u64).ok_or(EINVAL)?;
            let bytes = bytes.min(span.length);
            walk.segment(span.offset, bytes, (pfn as u64) << PAGE_SHIFT)?;
            span.offset += bytes;
            span.addr += bytes;
            span.length -= bytes;
        }
        Ok(())
    })?;
    walk.finish()
}

/// The inode flags of a static-dax file: `S_SWAPFILE`, which makes the VFS refuse every change of
/// the block map, and `S_DAXFILE`, which lets data writes through.
const STATIC_FLAGS: u32 = bindings::S_SWAPFILE | bindings::S_DAXFILE;

/// Sets or clears [`STATIC_FLAGS`] on the inode `guard` locks.
fn set_static_flags(guard: &InodeLockGuard<'_>, on: bool) {
    // SAFETY: The inode is valid and locked by `guard`. Every writer of `S_SWAPFILE` and
    // `S_DAXFILE` (swapon, swapoff, daxctl) holds the inode lock, and the callers checked under it
    // that the inode is not a swap file: setting makes it static, clearing undoes only that.
    // `inode_set_flags()` changes only the bits of the mask, atomically.
    unsafe {
        bindings::inode_set_flags(
            guard.inode().as_ptr(),
            if on { STATIC_FLAGS } else { 0 },
            STATIC_FLAGS,
        )
    };
}

/// Makes `file` static-dax and keeps `found`, an `O_PATH` file of the same inode, in the list;
/// see the module documentation for the protocol.
fn enable(found: &ARef<File>, file: &File, align: u64) -> Result<c_long> {
    let inode = file.inode();
    // `daxctl()` has refused anything but a regular file.
    if !inode.is_dax() {
        return Err(EINVAL);
    }
    // Before any lock: a filesystem without `->report_extents` may take the locks held below in
    // its `->fsync` (FUSE does).
    if !file.can_report_extents() {
        return Err(EOPNOTSUPP);
    }
    // Before any lock: from here on, adding the list entry cannot fail.
    let reservation = Reservation::new()?;

    let guard = inode.lock();
    if inode.is_daxfile() {
        // Already static: only a repeat of the same request succeeds.
        let list = DAXFILES.lock();
        let same = list
            .position(inode)
            .is_some_and(|i| list.files[i].align == align);
        return if same { Ok(0) } else { Err(EBUSY) };
    }
    // A swap file.
    if inode.is_swapfile() {
        return Err(EBUSY);
    }
    // Nobody could find the file again to disable it. Unlink drops the link count of a local
    // filesystem's inode under the inode lock and refuses `S_SWAPFILE` files, so the answer holds
    // until the commit.
    if inode.nlink() == 0 {
        return Err(ENOENT);
    }
    let invalidate = guard.lock_invalidate();
    // Commit the block map first, so that what the walk sees survives a crash. A full fsync,
    // not a datasync: XFS reports an inode as dirty (`IOMAP_F_DIRTY`) until its log item is
    // unpinned, which a datasync leaves undone while a timestamp change is pending. A timestamp
    // updated by a write fault that had started before the locks can still leave it dirty: one
    // more commit, then `EAGAIN`.
    file.fsync(false)?;
    let summary = match walk_file(file, &invalidate, align) {
        Err(e) if e == EAGAIN => {
            file.fsync(false)?;
            walk_file(file, &invalidate, align)?
        }
        walked => walked?,
    };
    set_static_flags(&guard, true);
    reservation.commit(Entry {
        file: found.clone(),
        align,
        #[cfg(CONFIG_PROC_FS)]
        extents: summary.extents,
    });
    pr_debug!(
        "inode {} static: {} bytes in {} extents, align {}\n",
        inode.ino(),
        inode.size(),
        summary.extents,
        align
    );
    Ok(0)
}

/// Makes the static-dax file of `found` normal again and drops the reference the list held.
fn disable(found: &File) -> Result<c_long> {
    let inode = found.inode();
    let entry = {
        let guard = inode.lock();
        if !inode.is_daxfile() {
            return Ok(0);
        }
        set_static_flags(&guard, false);
        let mut list = DAXFILES.lock();
        list.position(inode).and_then(|i| list.files.remove(i).ok())
    };
    // Enable adds the entry together with `S_DAXFILE`, under the same locks.
    if entry.is_none() {
        pr_warn!("static-dax inode had no list entry\n");
    }
    // The last reference is put here, outside of both locks.
    drop(entry);
    Ok(0)
}

/// The body of `daxctl()`.
fn daxctl(path: UserPtr, flags: c_int, align: c_int) -> Result<c_long> {
    // Only if the initcall was skipped (`initcall_blacklist=`): the facility is off.
    if READY.as_ref().is_none() {
        return Err(ENOSYS);
    }
    let request = parse_request(flags, align, PAGE_SIZE)?;
    if request != Request::Get && !Capability::LINUX_IMMUTABLE.capable() {
        return Err(EPERM);
    }
    let name = Filename::from_user(path)?;
    // Look the path up without opening what it names: GET reports an inode flag, as `statx()`
    // reports attributes, and a device node or a FIFO must never be opened for writing, which
    // would run its driver's `->open` (think of a watchdog). The list keeps this `O_PATH` file:
    // it pins the inode and the mount without holding write access to either.
    let found = File::open(&name, OpenFlags::PATH, 0)?;
    drop(name);
    let inode = found.inode();
    if request == Request::Get {
        return Ok(if inode.is_daxfile() {
            // Lossless: a small flag value.
            F_STATIC as c_long
        } else {
            0
        });
    }
    // A directory fails with `EISDIR`, as in the 2017 RFC, where it was opened for writing.
    if inode.is_dir() {
        return Err(EISDIR);
    }
    if !inode.is_reg() {
        return Err(EINVAL);
    }
    let Request::Enable { align } = request else {
        return disable(&found);
    };
    // Enabling opens the file for writing, to commit it: the caller must be allowed to, and a
    // file that is being executed (`ETXTBSY`), immutable or append-only (`EPERM`) or on a
    // read-only mount (`EROFS`) is refused. The same inode as the lookup found, whatever happened
    // to the path since. `O_NONBLOCK`: a conflicting lease gives `EWOULDBLOCK` instead of a wait.
    let file = found.reopen(OpenFlags::RDWR | OpenFlags::NONBLOCK | OpenFlags::LARGEFILE)?;
    enable(&found, &file, align)
}

/// The `daxctl()` system call, called by `SYSCALL_DEFINE3(daxctl)` in `mm/daxfile_shim.c`.
///
/// Returns `DAXCTL_F_STATIC` or 0 for `DAXCTL_F_GET`, 0 when the state was set, or a negative
/// errno.
///
/// # Safety
///
/// Must be called in process context. `path` is a user space pointer, which need not be valid.
#[export]
pub unsafe extern "C" fn daxfile_ctl(path: *const c_char, flags: c_int, align: c_int) -> c_long {
    match daxctl(UserPtr::from_ptr(path.cast_mut().cast()), flags, align) {
        Ok(ret) => ret,
        // Lossless: `c_long` is at least as wide as `c_int` on every architecture.
        Err(err) => err.to_errno() as c_long,
    }
}

#[cfg(CONFIG_DAXFILE_KUNIT_TEST)]
#[kunit_tests(daxfile)]
mod tests {
    use super::*;
    use kernel::{
        error::{
            from_err_ptr,
            to_result, //
        },
        str::CStrExt, //
    };

    const PAGE: usize = 4096;
    const SZ_2M: u64 = 2 << 20;

    #[test]
    fn align_zero_is_page_size() {
        assert_eq!(align_bytes(0, PAGE), Ok(4096));
    }

    #[test]
    fn align_powers_of_two_accepted() {
        assert_eq!(align_bytes(4096, PAGE), Ok(4096));
        assert_eq!(align_bytes(2 << 20, PAGE), Ok(SZ_2M));
        assert_eq!(align_bytes(1 << 30, PAGE), Ok(1 << 30));
    }

    #[test]
    fn align_below_page_size_rejected() {
        assert_eq!(align_bytes(1, PAGE), Err(EINVAL));
        assert_eq!(align_bytes(512, PAGE), Err(EINVAL));
        assert_eq!(align_bytes(2048, PAGE), Err(EINVAL));
    }

    #[test]
    fn align_not_power_of_two_rejected() {
        assert_eq!(align_bytes(4096 * 3, PAGE), Err(EINVAL));
        assert_eq!(align_bytes(3 << 20, PAGE), Err(EINVAL));
        assert_eq!(align_bytes(c_int::MAX, PAGE), Err(EINVAL));
    }

    #[test]
    fn align_negative_rejected() {
        assert_eq!(align_bytes(-4096, PAGE), Err(EINVAL));
        assert_eq!(align_bytes(c_int::MIN, PAGE), Err(EINVAL));
    }

    #[test]
    fn flags_unknown_bits_rejected() {
        assert_eq!(parse_request(1 << 3, 0, PAGE), Err(EINVAL));
        assert_eq!(parse_request(-1, 0, PAGE), Err(EINVAL));
        assert_eq!(parse_request(c_int::MIN, 0, PAGE), Err(EINVAL));
    }

    #[test]
    fn flags_dax_is_reserved() {
        assert_eq!(parse_request(F_DAX as c_int, 0, PAGE), Err(EINVAL));
        assert_eq!(
            parse_request((F_DAX | F_GET) as c_int, 0, PAGE),
            Err(EINVAL)
        );
        assert_eq!(
            parse_request((F_DAX | F_STATIC) as c_int, 0, PAGE),
            Err(EINVAL)
        );
    }

    #[test]
    fn flags_decoded() {
        assert_eq!(parse_request(F_GET as c_int, 0, PAGE), Ok(Request::Get));
        assert_eq!(
            parse_request(F_STATIC as c_int, 0, PAGE),
            Ok(Request::Enable { align: 4096 })
        );
        assert_eq!(parse_request(0, 0, PAGE), Ok(Request::Disable));
    }

    #[test]
    fn flags_unused_arguments_rejected() {
        // GET takes no other flag and no align; a disable takes no align.
        assert_eq!(
            parse_request((F_GET | F_STATIC) as c_int, 0, PAGE),
            Err(EINVAL)
        );
        assert_eq!(parse_request(F_GET as c_int, 4096, PAGE), Err(EINVAL));
        assert_eq!(parse_request(F_GET as c_int, -1, PAGE), Err(EINVAL));
        assert_eq!(parse_request(0, 4096, PAGE), Err(EINVAL));
        assert_eq!(parse_request(0, 2 << 20, PAGE), Err(EINVAL));
    }

    #[test]
    fn flags_bad_align_rejected_for_enable_and_disable() {
        assert_eq!(parse_request(F_STATIC as c_int, 4095, PAGE), Err(EINVAL));
        assert_eq!(parse_request(0, -4096, PAGE), Err(EINVAL));
    }

    const SZ_1M: u64 = 1 << 20;
    /// Where the synthetic DAX device starts in physical memory: 4 GiB, as `memmap=1G!4G`.
    const BASE: u64 = 4 << 30;
    const DEV: usize = 0x1000;

    /// A written, committed extent of device `DEV`, which is synchronous.
    fn mapped(offset: u64, length: u64, addr: u64) -> ExtentInfo {
        ExtentInfo {
            offset: offset as i64,
            length,
            kind: ExtentType::Mapped,
            dirty: false,
            shared: false,
            addr,
            device: Some(DEV),
            synchronous: true,
        }
    }

    /// Walks `extents` for a file of `size` bytes; the device maps its byte `a` at physical
    /// address `base + a`, in pieces of at most `piece` bytes, the piece after each multiple of
    /// `gap_every` bytes of the device (if non-zero) being moved up by `align` (so
    /// discontiguous).
    fn run_pieces(
        size: u64,
        align: u64,
        base: u64,
        piece: u64,
        gap_every: u64,
        extents: &[ExtentInfo],
    ) -> Result<Summary> {
        let mut walk = Walk::new(size as i64, align, PAGE as u64)?;
        for e in extents {
            let Some(mut span) = walk.extent(e)? else {
                continue;
            };
            while span.length > 0 {
                let n = span.length.min(piece);
                let shift = span.addr.checked_div(gap_every).map_or(0, |n| n * align);
                walk.segment(span.offset, n, base + span.addr + shift)?;
                span.offset += n;
                span.addr += n;
                span.length -= n;
            }
        }
        walk.finish()
    }

    fn run(size: u64, align: u64, base: u64, extents: &[ExtentInfo]) -> Result<Summary> {
        run_pieces(size, align, base, u64::MAX, 0, extents)
    }

    fn one(extents: u64) -> Result<Summary> {
        Ok(Summary { extents })
    }

    #[test]
    fn walk_one_written_extent() {
        assert_eq!(
            run(8 * SZ_1M, SZ_2M, BASE, &[mapped(0, 8 * SZ_1M, 0)]),
            one(1)
        );
    }

    #[test]
    fn walk_hole_is_einval() {
        let hole = ExtentInfo {
            kind: ExtentType::Hole,
            ..mapped(4 * SZ_1M, 4 * SZ_1M, 0)
        };
        let file = [mapped(0, 4 * SZ_1M, 0), hole];
        assert_eq!(run(8 * SZ_1M, PAGE as u64, BASE, &file), Err(EINVAL));
    }

    #[test]
    fn walk_unwritten_delalloc_inline_other_are_einval() {
        for kind in [
            ExtentType::Unwritten,
            ExtentType::Delalloc,
            ExtentType::Inline,
            ExtentType::Other,
        ] {
            let e = ExtentInfo {
                kind,
                ..mapped(0, SZ_2M, 0)
            };
            assert_eq!(run(SZ_2M, PAGE as u64, BASE, &[e]), Err(EINVAL));
        }
    }

    #[test]
    fn walk_uncommitted_metadata_is_eagain() {
        let e = ExtentInfo {
            dirty: true,
            ..mapped(0, SZ_2M, 0)
        };
        assert_eq!(run(SZ_2M, PAGE as u64, BASE, &[e]), Err(EAGAIN));
        // A refusal for good wins over one for now.
        let e = ExtentInfo {
            dirty: true,
            shared: true,
            ..mapped(0, SZ_2M, 0)
        };
        assert_eq!(run(SZ_2M, PAGE as u64, BASE, &[e]), Err(EINVAL));
    }

    #[test]
    fn walk_shared_blocks_are_einval() {
        let shared = ExtentInfo {
            shared: true,
            ..mapped(SZ_2M, SZ_2M, SZ_2M)
        };
        let file = [mapped(0, SZ_2M, 0), shared];
        assert_eq!(run(2 * SZ_2M, PAGE as u64, BASE, &file), Err(EINVAL));
    }

    #[test]
    fn walk_other_device_is_einval() {
        let other = ExtentInfo {
            device: Some(DEV + 1),
            ..mapped(SZ_2M, SZ_2M, SZ_2M)
        };
        let file = [mapped(0, SZ_2M, 0), other];
        assert_eq!(run(2 * SZ_2M, PAGE as u64, BASE, &file), Err(EINVAL));
    }

    #[test]
    fn walk_no_dax_device_is_einval() {
        let e = ExtentInfo {
            device: None,
            synchronous: false,
            ..mapped(0, SZ_2M, 0)
        };
        assert_eq!(run(SZ_2M, PAGE as u64, BASE, &[e]), Err(EINVAL));
    }

    #[test]
    fn walk_not_synchronous_is_eopnotsupp() {
        let e = ExtentInfo {
            synchronous: false,
            ..mapped(0, SZ_2M, 0)
        };
        assert_eq!(run(SZ_2M, PAGE as u64, BASE, &[e]), Err(EOPNOTSUPP));
    }

    #[test]
    fn walk_gap_between_extents_is_einval() {
        let file = [
            mapped(0, 4 * SZ_1M, 0),
            mapped(6 * SZ_1M, 2 * SZ_1M, 6 * SZ_1M),
        ];
        assert_eq!(run(8 * SZ_1M, PAGE as u64, BASE, &file), Err(EINVAL));
    }

    #[test]
    fn walk_missing_tail_is_einval() {
        assert_eq!(
            run(8 * SZ_1M, PAGE as u64, BASE, &[mapped(0, 6 * SZ_1M, 0)]),
            Err(EINVAL)
        );
    }

    #[test]
    fn walk_alignment_is_physical() {
        // A partition that starts 1 MiB into the device: every block is 2 MiB aligned on the
        // partition, none in physical memory.
        let file = [mapped(0, 8 * SZ_1M, SZ_1M)];
        assert_eq!(run(8 * SZ_1M, SZ_2M, BASE, &file), Err(EINVAL));
        assert_eq!(run(8 * SZ_1M, SZ_1M, BASE, &file), one(1));
        // The same file on a device that starts 1 MiB past a 2 MiB boundary is aligned.
        assert_eq!(run(8 * SZ_1M, SZ_2M, BASE + SZ_1M, &file), one(1));
    }

    #[test]
    fn walk_merges_contiguous_extents_inside_a_chunk() {
        // Two extents split in the middle of a chunk, physically adjacent: one extent.
        let file = [mapped(0, SZ_1M, 0), mapped(SZ_1M, 3 * SZ_1M, SZ_1M)];
        assert_eq!(run(4 * SZ_1M, SZ_2M, BASE, &file), one(1));
    }

    #[test]
    fn walk_split_chunk_is_einval() {
        // The second half of the first chunk is elsewhere on the device.
        let file = [mapped(0, SZ_1M, 0), mapped(SZ_1M, 3 * SZ_1M, 9 * SZ_1M)];
        assert_eq!(run(4 * SZ_1M, SZ_2M, BASE, &file), Err(EINVAL));
        // With 1 MiB chunks, the same layout qualifies.
        assert_eq!(run(4 * SZ_1M, SZ_1M, BASE, &file), one(2));
    }

    #[test]
    fn walk_extents_at_chunk_boundaries_need_not_be_adjacent() {
        let file = [mapped(0, SZ_2M, 8 * SZ_2M), mapped(SZ_2M, SZ_2M, 2 * SZ_2M)];
        assert_eq!(run(2 * SZ_2M, SZ_2M, BASE, &file), one(2));
    }

    #[test]
    fn walk_misaligned_second_extent_is_einval() {
        let file = [mapped(0, SZ_2M, 0), mapped(SZ_2M, SZ_2M, 5 * SZ_1M)];
        assert_eq!(run(2 * SZ_2M, SZ_2M, BASE, &file), Err(EINVAL));
    }

    #[test]
    fn walk_device_pieces_contiguous_merge() {
        // The device maps the extent in 64 KiB pieces, contiguously.
        assert_eq!(
            run_pieces(
                4 * SZ_1M,
                SZ_2M,
                BASE,
                64 << 10,
                0,
                &[mapped(0, 4 * SZ_1M, 0)]
            ),
            one(1)
        );
    }

    #[test]
    fn walk_device_pieces_discontiguous_inside_chunk_is_einval() {
        // Physically discontiguous after every 1 MiB of the device: inside each 2 MiB chunk.
        let file = [mapped(0, 4 * SZ_1M, 0)];
        assert_eq!(
            run_pieces(4 * SZ_1M, SZ_2M, BASE, SZ_1M, SZ_1M, &file),
            Err(EINVAL)
        );
        // At 2 MiB boundaries, each piece stays aligned: two extents.
        assert_eq!(
            run_pieces(4 * SZ_1M, SZ_2M, BASE, SZ_2M, SZ_2M, &file),
            one(2)
        );
    }

    #[test]
    fn walk_overlapping_and_overlong_extents_are_clipped() {
        // The second report starts inside the first, and the last runs past EOF.
        let file = [
            mapped(0, 4 * SZ_1M, 0),
            mapped(2 * SZ_1M, 64 * SZ_1M, 2 * SZ_1M),
        ];
        assert_eq!(run(8 * SZ_1M, SZ_2M, BASE, &file), one(1));
        // An extent entirely seen already is skipped.
        let file = [mapped(0, 8 * SZ_1M, 0), mapped(0, SZ_1M, 0)];
        assert_eq!(run(8 * SZ_1M, SZ_2M, BASE, &file), one(1));
    }

    #[test]
    fn walk_unaligned_device_address_is_einval() {
        assert_eq!(
            run(SZ_2M, PAGE as u64, BASE, &[mapped(0, SZ_2M, 512)]),
            Err(EINVAL)
        );
    }

    #[test]
    fn walk_bad_sizes_are_einval() {
        let e = [mapped(0, 8 * SZ_1M, 0)];
        assert_eq!(run(0, PAGE as u64, BASE, &e), Err(EINVAL));
        assert_eq!(run(3 * SZ_1M, SZ_2M, BASE, &e), Err(EINVAL));
        assert_eq!(run(4096 + 100, PAGE as u64, BASE, &e), Err(EINVAL));
        assert_eq!(
            Walk::new(-4096, PAGE as u64, PAGE as u64).err(),
            Some(EINVAL)
        );
        assert_eq!(
            Walk::new(i64::MIN, PAGE as u64, PAGE as u64).err(),
            Some(EINVAL)
        );
    }

    #[test]
    fn walk_align_not_power_of_two_is_einval() {
        // `align_bytes` never gives one, but the walk does not rely on it.
        let p = PAGE as u64;
        assert_eq!(Walk::new(SZ_2M as i64, 3 * p, p).err(), Some(EINVAL));
        assert_eq!(Walk::new(SZ_2M as i64, 0, 0).err(), Some(EINVAL));
        assert_eq!(Walk::new(SZ_2M as i64, SZ_2M, 3 * p).err(), Some(EINVAL));
    }

    #[test]
    fn walk_negative_offset_is_einval() {
        let e = ExtentInfo {
            offset: -4096,
            ..mapped(0, SZ_2M, 0)
        };
        assert_eq!(run(SZ_2M, PAGE as u64, BASE, &[e]), Err(EINVAL));
    }

    #[test]
    fn walk_huge_file_without_overflow() {
        // A 4 EiB file in one extent, and in 1 GiB chunks.
        let size = 1u64 << 62;
        assert_eq!(run(size, 1 << 30, 0, &[mapped(0, u64::MAX, 0)]), one(1));
        // A device address near the top of the address space overflows: refused, no panic.
        assert_eq!(
            run(SZ_2M, PAGE as u64, 0, &[mapped(0, SZ_2M, u64::MAX - 4095)]),
            Err(EINVAL)
        );
        let mut walk = Walk::new(size as i64, 1 << 30, PAGE as u64).unwrap();
        assert_eq!(walk.segment(0, size, u64::MAX - (1 << 30) + 1), Err(EINVAL));
    }

    #[test]
    fn walk_segment_out_of_order_is_einval() {
        let mut walk = Walk::new(SZ_2M as i64, PAGE as u64, PAGE as u64).unwrap();
        assert_eq!(walk.segment(PAGE as u64, PAGE as u64, BASE), Err(EINVAL));
        assert_eq!(walk.segment(0, 0, BASE), Err(EINVAL));
        assert_eq!(walk.segment(0, 2 * SZ_2M, BASE), Err(EINVAL));
    }

    // The cases below run on real kernel objects: an unlinked shmem file, as tmpfs makes them for
    // the kernel's own use, the root directory the test's kernel thread sees (an empty, read-only
    // nullfs in which nothing can be created), and files made by path on a tmpfs of the test's
    // own.

    /// An unlinked regular file of 8 KiB on the kernel's internal tmpfs mount; nothing is left
    /// behind, it is freed after its last close.
    fn shmem_file() -> Result<ARef<File>> {
        // SAFETY: The name is a NUL-terminated string that is copied; no VMA flags.
        let ptr = from_err_ptr(unsafe {
            bindings::shmem_kernel_file_setup(
                c"daxfile-kunit".as_char_ptr(),
                8192,
                bindings::vma_flags_t::default(),
            )
        })?;
        let ptr = core::ptr::NonNull::new(ptr).ok_or(ENOMEM)?;
        // SAFETY: `shmem_kernel_file_setup` returned a new reference to a file that is in no file
        // descriptor table, whose ownership passes to the `ARef`.
        Ok(unsafe { ARef::from_raw(ptr.cast()) })
    }

    #[test]
    fn inode_and_locks_of_a_shmem_file() -> Result {
        let file = shmem_file()?;
        let inode = file.inode();
        assert!(inode.is_reg());
        assert!(!inode.is_dir());
        assert_eq!(inode.nlink(), 0);
        assert_eq!(inode.size(), 8192);
        assert!(!inode.is_dax());
        assert!(!inode.is_daxfile());
        assert!(!inode.is_swapfile());
        {
            let guard = inode.lock();
            let invalidate = guard.lock_invalidate();
            assert!(core::ptr::eq(invalidate.inode(), file.inode()));
            // No `->report_extents` in tmpfs: refused before the filesystem is asked.
            assert!(!file.can_report_extents());
            assert_eq!(
                file.report_extents(&invalidate, 0, 1, |_| Ok(())),
                Err(EOPNOTSUPP)
            );
            // An empty range reports nothing and succeeds.
            assert_eq!(file.report_extents(&invalidate, 0, 0, |_| Ok(())), Ok(()));
        }
        // Both locks were released: taking the inode lock again does not wait.
        drop(inode.lock());
        file.fsync(false)?;
        Ok(())
    }

    #[test]
    fn report_extents_refuses_a_lock_of_another_inode() -> Result {
        let (a, b) = (shmem_file()?, shmem_file()?);
        let guard = b.inode().lock();
        let invalidate = guard.lock_invalidate();
        assert_eq!(a.report_extents(&invalidate, 0, 1, |_| Ok(())), Err(EINVAL));
        Ok(())
    }

    #[test]
    fn enable_refuses_a_file_that_is_not_dax() -> Result {
        let file = shmem_file()?;
        assert_eq!(enable(&file, &file, PAGE as u64), Err(EINVAL));
        assert!(!file.inode().is_daxfile());
        assert!(!file.inode().is_swapfile());
        // Disabling a normal file succeeds and changes nothing, as the system call does.
        assert_eq!(disable(&file), Ok(0));
        assert!(!file.inode().is_swapfile());
        Ok(())
    }

    #[test]
    fn open_and_reopen_on_real_files() -> Result {
        let missing = Filename::from_kernel(c"/no/such/file")?;
        assert_eq!(File::open(&missing, OpenFlags::PATH, 0).err(), Some(ENOENT));
        let root = File::open(&Filename::from_kernel(c"/")?, OpenFlags::PATH, 0)?;
        assert!(root.inode().is_dir());
        let dir = root.reopen(OpenFlags::RDONLY | OpenFlags::DIRECTORY)?;
        assert!(core::ptr::eq(dir.inode(), root.inode()));
        assert_eq!(root.reopen(OpenFlags::RDWR).err(), Some(EISDIR));
        // What `daxctl()` does: an `O_PATH` file, then a real open of the same inode through its
        // path, even of an unlinked file.
        let file = shmem_file()?;
        let found = file.reopen(OpenFlags::PATH)?;
        let again = found.reopen(OpenFlags::RDWR)?;
        assert!(core::ptr::eq(again.inode(), file.inode()));
        Ok(())
    }

    /// A tmpfs mounted for the test alone, made the working directory of the test's kernel thread,
    /// whose `fs_struct` is unshared first so that no other kernel thread sees the change.
    ///
    /// The thread exits after the test, which frees its `fs_struct` and so drops the working
    /// directory; dropping this drops the mount's long-term reference. A failed assertion ends
    /// the thread without running `Drop`, so a failing test leaks the mount.
    struct TmpfsCwd(*mut bindings::vfsmount);

    impl TmpfsCwd {
        fn new() -> Result<Self> {
            // SAFETY: Called from the test's kernel thread; it gets its own copy of its real
            // `fs_struct` (not an override), which is freed when it exits.
            to_result(unsafe { bindings::unshare_fs_struct() })?;
            // SAFETY: The name is a NUL-terminated string.
            let ty = unsafe { bindings::get_fs_type(c"tmpfs".as_char_ptr()) };
            if ty.is_null() {
                return Err(ENODEV);
            }
            // SAFETY: `ty` is a filesystem type that `get_fs_type` took a reference to.
            let mnt = unsafe { bindings::kern_mount(ty) };
            // SAFETY: The reference `get_fs_type` took; a mount holds its own.
            unsafe { bindings::put_filesystem(ty) };
            let mnt = from_err_ptr(mnt)?;
            // SAFETY: `kern_mount` returned a valid mount, which holds its root dentry.
            let dentry = unsafe { (*mnt).mnt_root };
            let root = bindings::path { mnt, dentry };
            // SAFETY: The current task's `fs_struct` is the one it unshared above (no override is
            // in effect in a KUnit case), and `root` is a valid path; `set_fs_pwd` takes its own
            // references to it.
            unsafe { bindings::set_fs_pwd((*current!().as_ptr()).fs, &root) };
            Ok(Self(mnt))
        }
    }

    impl Drop for TmpfsCwd {
        fn drop(&mut self) {
            // SAFETY: `self.0` is the mount `kern_mount` returned, released once, here. The
            // working directory and files still open on it hold references of their own, which
            // keep it alive until the thread exits and their last `fput`.
            unsafe { bindings::kern_unmount(self.0) };
        }
    }

    #[test]
    fn open_by_path_on_a_tmpfs_file() -> Result {
        let _cwd = TmpfsCwd::new()?;
        let name = Filename::from_kernel(c"file")?;
        let create = OpenFlags::RDWR | OpenFlags::CREAT | OpenFlags::EXCL;
        let created = File::open(&name, create, 0o600)?;
        let inode = created.inode();
        assert!(inode.is_reg());
        assert_eq!(inode.nlink(), 1);
        assert_eq!(inode.size(), 0);
        assert_eq!(File::open(&name, create, 0o600).err(), Some(EEXIST));
        // What `daxctl()` does: an `O_PATH` lookup, then a real open of what it found.
        let found = File::open(&name, OpenFlags::PATH, 0)?;
        assert!(core::ptr::eq(found.inode(), inode));
        let file = found.reopen(OpenFlags::RDWR)?;
        assert!(core::ptr::eq(file.inode(), inode));
        assert_eq!(enable(&found, &file, PAGE as u64), Err(EINVAL));
        assert!(!inode.is_daxfile());
        {
            let guard = file.inode().lock();
            assert!(core::ptr::eq(guard.inode(), inode));
            assert!(!file.can_report_extents());
        }
        // The directory it is in, by a relative path.
        let dir = File::open(
            &Filename::from_kernel(c".")?,
            OpenFlags::RDONLY | OpenFlags::DIRECTORY,
            0,
        )?;
        assert!(dir.inode().is_dir());
        assert_eq!(dir.reopen(OpenFlags::RDWR).err(), Some(EISDIR));
        assert_eq!(
            File::open(&Filename::from_kernel(c"file/x")?, OpenFlags::PATH, 0).err(),
            Some(ENOTDIR)
        );
        Ok(())
    }

    #[test]
    fn filename_from_kernel_length_limit() -> Result {
        let path_max = bindings::PATH_MAX as usize;
        // `PATH_MAX` bytes with the NUL fit; one more does not.
        let mut name = KVec::new();
        name.extend_with(path_max - 1, b'a', GFP_KERNEL)?;
        name.push(0, GFP_KERNEL)?;
        let fits = CStr::from_bytes_with_nul(&name).map_err(|_| EINVAL)?;
        assert!(Filename::from_kernel(fits).is_ok());
        let mut name = KVec::new();
        name.extend_with(path_max, b'a', GFP_KERNEL)?;
        name.push(0, GFP_KERNEL)?;
        let too_long = CStr::from_bytes_with_nul(&name).map_err(|_| EINVAL)?;
        assert_eq!(Filename::from_kernel(too_long).err(), Some(ENAMETOOLONG));
        Ok(())
    }
}
