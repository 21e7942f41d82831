// SPDX-License-Identifier: GPL-2.0

//! daxfile: static-dax files, the logic behind `daxctl(2)`.
//!
//! A static-dax file is a regular file on a DAX filesystem whose block map is frozen: every block
//! in `[0, i_size)` is allocated and written, each `align`-sized chunk is physically contiguous and
//! aligned, and nothing may change that (truncate, hole punch, fallocate, reflink, unlink, ...)
//! until the file is returned to normal. Data writes stay allowed, so a program can `mmap()` the
//! file and make stores durable with a CPU cache flush alone: no fault ever needs filesystem
//! metadata to be written first.
//!
//! The freeze reuses `S_SWAPFILE`, which every map-changing path already refuses, and adds
//! `S_DAXFILE`, which the data-write paths check to let static files through. The `struct file`
//! opened by the enabling call is kept in [`DAXFILES`] until the file is disabled, which pins the
//! inode and keeps its filesystem from being unmounted.
//!
//! # Locking
//!
//! Lock order: the inode's `i_rwsem`, then [`DAXFILES`]. `bmap()` is called with neither held:
//! ext4's `->bmap` takes `i_rwsem` shared. An enable claims the inode with `S_SWAPFILE` under
//! `i_rwsem` (map-changing operations are refused from then on), walks the block map unlocked,
//! and then, under `i_rwsem` again, either commits (`S_DAXFILE` plus the list entry) or rolls
//! the claim back. While a walk is in flight the inode has `S_SWAPFILE` without `S_DAXFILE`: a
//! second enable gets `EBUSY`, a disable and `DAXCTL_F_GET` see a file that is not static.
//!
//! C header: [`include/linux/daxfile.h`](srctree/include/linux/daxfile.h)

use kernel::{
    bindings,
    capability::Capability,
    error::code::*,
    ffi::{c_char, c_int, c_long},
    fs::{file::flags, File, Filename, Inode},
    page::PAGE_SIZE,
    prelude::*,
    sync::aref::ARef,
    task::{self, Task},
    uaccess::UserPtr,
};

module! {
    type: Daxfile,
    name: "daxfile",
    authors: ["daxfile developers"],
    description: "daxctl(2): static-dax files",
    license: "GPL",
}

/// Report the state of the file instead of changing it.
const F_GET: u32 = bindings::DAXCTL_F_GET;
/// Reserved for a per-file DAX toggle; always rejected.
const F_DAX: u32 = bindings::DAXCTL_F_DAX;
/// Make the file static-dax; without it, return the file to normal.
const F_STATIC: u32 = bindings::DAXCTL_F_STATIC;
/// The flags `daxctl()` knows.
const F_VALID: u32 = F_GET | F_DAX | F_STATIC;

/// The inode flag that a static-dax file has besides `S_SWAPFILE`.
const S_DAXFILE: u32 = bindings::S_DAXFILE;
/// The inode flag that makes the VFS refuse every change of the block map.
const S_SWAPFILE: u32 = bindings::S_SWAPFILE;

/// How many blocks the walk maps between two calls of [`BlockMap::resched`].
const RESCHED_BLOCKS: u64 = 1024;

kernel::sync::global_lock! {
    // SAFETY: Initialised by `Daxfile::init()`, an initcall, before user space can call
    // `daxctl()`, the only user.
    unsafe(uninit) static DAXFILES: Mutex<KVec<ARef<File>>> = KVec::new();
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
/// Unknown flags and `DAXCTL_F_DAX` are `EINVAL`. `DAXCTL_F_GET` wins over `DAXCTL_F_STATIC` and
/// ignores `align`; otherwise `align` is validated by [`align_bytes`].
fn parse_request(flags: c_int, align: c_int, page_size: usize) -> Result<Request> {
    // Reinterpret the bits: a negative `flags` has unknown high bits and is refused below.
    let flags = flags as u32;
    if flags & !F_VALID != 0 || flags & F_DAX != 0 {
        return Err(EINVAL);
    }
    if flags & F_GET != 0 {
        return Ok(Request::Get);
    }
    let align = align_bytes(align, page_size)?;
    Ok(if flags & F_STATIC != 0 {
        Request::Enable { align }
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

/// A file's block map, as far as the walk needs it.
trait BlockMap {
    /// Returns the device block that holds file block `block`, or 0 if the block is not mapped
    /// and written (a hole, an unwritten extent, inline data).
    fn bmap(&mut self, block: u64) -> Result<u64>;

    /// Returns whether the walk must stop because the calling task is being killed.
    fn fatal_signal_pending(&self) -> bool;

    /// Called every [`RESCHED_BLOCKS`] blocks, to let other tasks run.
    fn resched(&mut self);
}

/// Checks that a file of `size` bytes with blocks of `1 << blkbits` bytes is static-dax capable
/// for `align`-byte chunks, asking `map` for each block.
///
/// Every block in `[0, size)` must be mapped, `size` must be a non-zero multiple of `align`, and
/// the blocks of each chunk must be physically contiguous, starting on an `align` boundary of the
/// device. Returns `EINVAL` when the layout does not qualify, `EINTR` on a fatal signal, and any
/// error of `map` as it is.
fn check_layout(map: &mut impl BlockMap, size: i64, blkbits: u32, align: u64) -> Result {
    let size = u64::try_from(size).map_err(|_| EINVAL)?;
    let block_size = 1u64.checked_shl(blkbits).ok_or(EINVAL)?;
    if size == 0 || size % align != 0 || align < block_size {
        return Err(EINVAL);
    }
    let per_chunk = align >> blkbits;
    let mut block = 0;
    for _ in 0..size / align {
        let mut first = 0;
        for i in 0..per_chunk {
            if map.fatal_signal_pending() {
                return Err(EINTR);
            }
            let phys = map.bmap(block)?;
            if phys == 0 {
                return Err(EINVAL);
            }
            if i == 0 {
                // The chunk starts at byte `phys << blkbits` of the device, which is a multiple
                // of `align = per_chunk << blkbits` exactly when `phys` is one of `per_chunk`.
                if phys % per_chunk != 0 {
                    return Err(EINVAL);
                }
                first = phys;
            } else if phys != first + i {
                // No overflow: `first` is a multiple of `per_chunk` and `i < per_chunk`.
                return Err(EINVAL);
            }
            block += 1;
            if block % RESCHED_BLOCKS == 0 {
                map.resched();
            }
        }
    }
    Ok(())
}

/// The block map of a real inode, read through `bmap()`.
struct InodeMap<'a> {
    inode: &'a Inode,
    task: &'a Task,
}

impl BlockMap for InodeMap<'_> {
    fn bmap(&mut self, block: u64) -> Result<u64> {
        // `bmap()` fails only when the filesystem has no `->bmap` (XFS in DAX mode).
        self.inode.bmap(block).map_err(|_| EOPNOTSUPP)
    }

    fn fatal_signal_pending(&self) -> bool {
        self.task.fatal_signal_pending()
    }

    fn resched(&mut self) {
        task::cond_resched();
    }
}

/// Makes the file static-dax; see the module documentation for the protocol.
fn enable(file: &ARef<File>, align: u64) -> Result<c_long> {
    let inode = file.inode();
    if !inode.is_reg() || !inode.is_dax() {
        return Err(EINVAL);
    }

    {
        let _guard = inode.lock();
        if inode.flags() & S_DAXFILE != 0 {
            return Ok(0);
        }
        // A swap file, or another enable walking this file right now.
        if inode.flags() & S_SWAPFILE != 0 {
            return Err(EBUSY);
        }
        // Nobody could find the file again to disable it. Unlink takes `i_rwsem` and refuses
        // `S_SWAPFILE` files, so the answer holds once the claim below is made.
        if file.is_unlinked() {
            return Err(ENOENT);
        }
        inode.set_flags(S_SWAPFILE, S_SWAPFILE);
    }

    let mut map = InodeMap {
        inode,
        task: current!(),
    };
    let walked = check_layout(&mut map, inode.size(), inode.blkbits(), align);

    let _guard = inode.lock();
    let committed = walked.and_then(|()| {
        let mut list = DAXFILES.lock();
        list.push(file.clone(), GFP_KERNEL)?;
        inode.set_flags(S_DAXFILE, S_DAXFILE);
        Ok(())
    });
    if committed.is_err() {
        inode.set_flags(0, S_SWAPFILE);
    }
    committed.map(|()| 0)
}

/// Returns a static-dax file to normal and drops the reference the list held.
fn disable(file: &File) -> Result<c_long> {
    let inode = file.inode();
    let entry = {
        let _guard = inode.lock();
        if inode.flags() & S_DAXFILE == 0 {
            return Ok(0);
        }
        let mut list = DAXFILES.lock();
        let pos = list
            .iter()
            .position(|f| core::ptr::eq(f.inode().as_ptr(), inode.as_ptr()));
        inode.set_flags(0, S_DAXFILE | S_SWAPFILE);
        pos.and_then(|i| list.remove(i).ok())
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
    let request = parse_request(flags, align, PAGE_SIZE)?;
    if request != Request::Get && !Capability::LINUX_IMMUTABLE.capable() {
        return Err(EPERM);
    }
    let name = Filename::from_user(path)?;
    // GET reports an inode flag, as `statx()` reports attributes: looking the path up is enough.
    // Changing the state opens for writing, so a directory fails with `EISDIR`, as in the 2017
    // RFC. `O_NONBLOCK` keeps the open of a FIFO or a device node from blocking.
    let open_flags = match request {
        Request::Get => flags::O_PATH,
        _ => flags::O_RDWR | flags::O_NONBLOCK | flags::O_NOCTTY,
    };
    let file = File::open(&name, open_flags | flags::O_LARGEFILE, 0)?;
    drop(name);

    match request {
        Request::Get => Ok(if file.inode().flags() & S_DAXFILE != 0 {
            // Lossless: a small flag value.
            F_STATIC as c_long
        } else {
            0
        }),
        Request::Enable { align } => enable(&file, align),
        Request::Disable => disable(&file),
    }
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

/// Initialises the list of static-dax files at boot.
struct Daxfile;

impl kernel::Module for Daxfile {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: Called exactly once, by the initcall, before user space runs.
        unsafe { DAXFILES.init() };
        Ok(Daxfile)
    }
}

#[cfg(CONFIG_DAXFILE_KUNIT_TEST)]
#[kunit_tests(daxfile)]
mod tests {
    use super::*;

    const PAGE: usize = 4096;
    const SZ_2M: u64 = 2 << 20;

    /// A synthetic block map: file block `b` is at device block `phys(b)`.
    struct Synthetic {
        /// `(first file block, first device block, length)`; blocks not covered are holes.
        extents: &'static [(u64, u64, u64)],
        /// Fail the lookup of this file block with this error.
        fail: Option<(u64, Error)>,
        /// Report a fatal signal before this file block is looked up.
        signal_at: Option<u64>,
        looked_up: u64,
        rescheds: u64,
    }

    impl Synthetic {
        fn new(extents: &'static [(u64, u64, u64)]) -> Self {
            Synthetic {
                extents,
                fail: None,
                signal_at: None,
                looked_up: 0,
                rescheds: 0,
            }
        }
    }

    impl BlockMap for Synthetic {
        fn bmap(&mut self, block: u64) -> Result<u64> {
            self.looked_up += 1;
            if let Some((b, err)) = self.fail {
                if b == block {
                    return Err(err);
                }
            }
            Ok(self
                .extents
                .iter()
                .find(|&&(start, _, len)| block >= start && block < start + len)
                .map_or(0, |&(start, phys, _)| phys + (block - start)))
        }

        fn fatal_signal_pending(&self) -> bool {
            self.signal_at == Some(self.looked_up)
        }

        fn resched(&mut self) {
            self.rescheds += 1;
        }
    }

    /// Walks `map` for a file of `size` bytes with 4 KiB blocks.
    fn walk(map: &mut Synthetic, size: i64, align: u64) -> Result {
        check_layout(map, size, 12, align)
    }

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
        // GET wins over STATIC and does not look at align.
        assert_eq!(
            parse_request((F_GET | F_STATIC) as c_int, -1, PAGE),
            Ok(Request::Get)
        );
        assert_eq!(
            parse_request(F_STATIC as c_int, 0, PAGE),
            Ok(Request::Enable { align: 4096 })
        );
        assert_eq!(parse_request(0, 0, PAGE), Ok(Request::Disable));
    }

    #[test]
    fn flags_bad_align_rejected_for_enable_and_disable() {
        assert_eq!(parse_request(F_STATIC as c_int, 4095, PAGE), Err(EINVAL));
        assert_eq!(parse_request(0, -4096, PAGE), Err(EINVAL));
    }

    #[test]
    fn walk_contiguous_4k() {
        let mut map = Synthetic::new(&[(0, 1000, 16)]);
        assert_eq!(walk(&mut map, 16 * 4096, 4096), Ok(()));
        assert_eq!(map.looked_up, 16);
    }

    #[test]
    fn walk_scattered_blocks_ok_for_4k() {
        // With page-sized chunks every block is its own chunk: no contiguity is needed.
        let mut map = Synthetic::new(&[(0, 7, 1), (1, 3, 1), (2, 900, 2)]);
        assert_eq!(walk(&mut map, 4 * 4096, 4096), Ok(()));
    }

    #[test]
    fn walk_contiguous_2m() {
        // Two 2 MiB chunks, 512 blocks each, at device blocks 512 and 4096: both aligned.
        let mut map = Synthetic::new(&[(0, 512, 512), (512, 4096, 512)]);
        assert_eq!(walk(&mut map, 2 * SZ_2M as i64, SZ_2M), Ok(()));
        assert_eq!(map.looked_up, 1024);
    }

    #[test]
    fn walk_hole_at_start() {
        let mut map = Synthetic::new(&[(1, 1001, 15)]);
        assert_eq!(walk(&mut map, 16 * 4096, 4096), Err(EINVAL));
        assert_eq!(map.looked_up, 1);
    }

    #[test]
    fn walk_hole_in_middle() {
        let mut map = Synthetic::new(&[(0, 1000, 7), (8, 1008, 8)]);
        assert_eq!(walk(&mut map, 16 * 4096, 4096), Err(EINVAL));
        assert_eq!(map.looked_up, 8);
    }

    #[test]
    fn walk_hole_at_end() {
        let mut map = Synthetic::new(&[(0, 1000, 15)]);
        assert_eq!(walk(&mut map, 16 * 4096, 4096), Err(EINVAL));
        assert_eq!(map.looked_up, 16);
    }

    #[test]
    fn walk_hole_inside_2m_chunk() {
        let mut map = Synthetic::new(&[(0, 512, 100), (101, 613, 411)]);
        assert_eq!(walk(&mut map, SZ_2M as i64, SZ_2M), Err(EINVAL));
    }

    #[test]
    fn walk_misaligned_physical_start() {
        // Contiguous, but the chunk starts 4 KiB past a 2 MiB boundary.
        let mut map = Synthetic::new(&[(0, 513, 512)]);
        assert_eq!(walk(&mut map, SZ_2M as i64, SZ_2M), Err(EINVAL));
        assert_eq!(map.looked_up, 1);
    }

    #[test]
    fn walk_misaligned_second_chunk() {
        let mut map = Synthetic::new(&[(0, 512, 512), (512, 2048 + 8, 512)]);
        assert_eq!(walk(&mut map, 2 * SZ_2M as i64, SZ_2M), Err(EINVAL));
        assert_eq!(map.looked_up, 513);
    }

    #[test]
    fn walk_discontiguous_inside_2m_chunk() {
        // Aligned start, but the second half of the chunk is elsewhere on the device.
        let mut map = Synthetic::new(&[(0, 1024, 256), (256, 8192 + 256, 256)]);
        assert_eq!(walk(&mut map, SZ_2M as i64, SZ_2M), Err(EINVAL));
        assert_eq!(map.looked_up, 257);
    }

    #[test]
    fn walk_partial_last_chunk() {
        // 3 MiB is mapped and aligned, but not a multiple of 2 MiB.
        let mut map = Synthetic::new(&[(0, 512, 768)]);
        assert_eq!(walk(&mut map, 3 << 20, SZ_2M), Err(EINVAL));
        assert_eq!(map.looked_up, 0);
    }

    #[test]
    fn walk_size_not_block_multiple() {
        let mut map = Synthetic::new(&[(0, 1000, 2)]);
        assert_eq!(walk(&mut map, 4096 + 100, 4096), Err(EINVAL));
    }

    #[test]
    fn walk_zero_length() {
        let mut map = Synthetic::new(&[]);
        assert_eq!(walk(&mut map, 0, 4096), Err(EINVAL));
        assert_eq!(map.looked_up, 0);
    }

    #[test]
    fn walk_negative_size() {
        let mut map = Synthetic::new(&[]);
        assert_eq!(walk(&mut map, -4096, 4096), Err(EINVAL));
    }

    #[test]
    fn walk_align_bigger_than_file() {
        let mut map = Synthetic::new(&[(0, 512, 16)]);
        assert_eq!(walk(&mut map, 16 * 4096, SZ_2M), Err(EINVAL));
        assert_eq!(map.looked_up, 0);
    }

    #[test]
    fn walk_align_smaller_than_block() {
        // 64 KiB blocks with 4 KiB chunks cannot work.
        let mut map = Synthetic::new(&[(0, 16, 4)]);
        assert_eq!(check_layout(&mut map, 4 << 16, 16, 4096), Err(EINVAL));
    }

    #[test]
    fn walk_bmap_error_propagates() {
        let mut map = Synthetic::new(&[(0, 1000, 16)]);
        map.fail = Some((5, EOPNOTSUPP));
        assert_eq!(walk(&mut map, 16 * 4096, 4096), Err(EOPNOTSUPP));
        assert_eq!(map.looked_up, 6);
    }

    #[test]
    fn walk_fatal_signal_interrupts() {
        let mut map = Synthetic::new(&[(0, 1000, 16)]);
        map.signal_at = Some(3);
        assert_eq!(walk(&mut map, 16 * 4096, 4096), Err(EINTR));
        assert_eq!(map.looked_up, 3);
    }

    #[test]
    fn walk_reschedules_on_long_files() {
        let mut map = Synthetic::new(&[(0, 1 << 20, 4096)]);
        assert_eq!(walk(&mut map, 4096 * 4096, 4096), Ok(()));
        assert_eq!(map.rescheds, 4096 / RESCHED_BLOCKS);
    }
}
