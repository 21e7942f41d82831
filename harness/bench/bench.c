// SPDX-License-Identifier: GPL-2.0
/*
 * bench: what static-dax buys, measured side by side in one run, in the
 * guest (harness/bench/run).
 *
 *   bench DIR N [DIV]
 *
 * DIV divides the activation file sizes (default 1), for a quick trial.
 * DIR is on ext4 -o dax.  Prints one "BENCH key=value..." line per
 * measurement, for harness/bench/report, and a readable line after it.
 *
 * 1. Persistence latency of N sequential updates of 64 B and of 4 KiB,
 *    each timed alone (clock_gettime around it): median and p99 of
 *      pwrite_fdatasync  pwrite() + fdatasync() on a written file
 *      msync             store into MAP_SHARED + msync(MS_SYNC)
 *      map_sync          MAP_SYNC mapping of a fallocated (unwritten)
 *                        file, as pools are usually made: store + flush
 *                        + sfence; first writes fault and convert blocks
 *      static            a static-dax file (written, made static with
 *                        2 MiB chunks), fresh mapping: store + flush +
 *                        sfence, its first-touch faults included
 *      floor             the same loop on a mapping already faulted in
 *    and, first, the clock_gettime() pair that brackets each of them.
 *    The flush is clwb, else clflushopt, else clflush.  Then, for
 *    pwrite_fdatasync and static, the same N updates again between two
 *    clock reads (a fresh mapping for static, so its first-touch faults
 *    count again): the mean time per update without the clock pair,
 *    which costs about as much as a static-dax update itself.
 * 2. First-touch write fault cost: touch every 4 KiB page of a fresh
 *    64 MiB mapping, with 4 KiB mappings (MADV_NOHUGEPAGE) and with 2 MiB
 *    ones (2 MiB-aligned address, MADV_HUGEPAGE), of a MAP_SYNC mapping
 *    of a fallocated file, of a MAP_SYNC mapping of a written file and of
 *    a static-dax file: time per fault and per page, faults counted.
 * 3. Activation cost, like for like: daxctl(DAXCTL_F_STATIC) against one
 *    FS_IOC_FIEMAP of the whole file (no FIEMAP_FLAG_SYNC), both on the
 *    same written and fsynced file with the caches in the same state, in
 *    alternating order, median of 9 each: contiguous files of 64 MiB,
 *    256 MiB, 1 GiB and 2 GiB, and files of 64 MiB and 256 MiB made of
 *    256 to 4096 extents (make_fragmented()), one file at a time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../demo/flush.h"
#include <linux/daxfile.h>
#include <linux/falloc.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

#define SZ_2M (2UL << 20)
#define MIB (1UL << 20)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *dir;

static void die(const char *what)
{
	printf("bench: FAILED: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long daxctl(const char *p, int flags, int align)
{
	return syscall(__NR_daxctl, p, flags, align);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static char *path_of(const char *name)
{
	static char buf[8][4096];
	static int i;
	char *p = buf[i++ % 8];

	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

/* A file of @size bytes: written with zeroes, or fallocated (unwritten). */
static void make_file(const char *path, size_t size, int written)
{
	static char buf[1 << 20];
	size_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		die(path);
	if (!written) {
		if (fallocate(fd, 0, 0, size))
			die("fallocate");
	} else {
		for (off = 0; off < size; off += sizeof(buf)) {
			size_t len = size - off < sizeof(buf) ? size - off : sizeof(buf);

			if (pwrite(fd, buf, len, off) != (ssize_t)len)
				die("pwrite");
		}
	}
	if (fsync(fd))
		die("fsync");
	close(fd);
}

static void *map_file(const char *path, size_t size, int flags, int fixed_align)
{
	int fd = open(path, O_RDWR);
	void *hint = NULL, *p;

	if (fd < 0)
		die(path);
	if (fixed_align) {
		/* Reserve, then map at a 2 MiB boundary inside the reservation. */
		char *r = mmap(NULL, size + SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (r == MAP_FAILED)
			die("reserve");
		hint = (void *)(((uintptr_t)r + SZ_2M - 1) & ~(SZ_2M - 1));
		flags |= MAP_FIXED;
	}
	p = mmap(hint, size, PROT_READ | PROT_WRITE, flags, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	close(fd);
	return p;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t *samples;

static void report_latency(const char *method, size_t size, long n)
{
	qsort(samples, n, sizeof(*samples), cmp_u64);
	printf("BENCH persist method=%s size=%zu n=%ld median_ns=%llu p99_ns=%llu\n", method, size,
	       n, (unsigned long long)samples[n / 2], (unsigned long long)samples[n * 99 / 100]);
}

/* The timing itself: the clock_gettime() pair around nothing, N times. */
static void clock_pair(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		samples[i] = now_ns() - t0;
	}
	qsort(samples, n, sizeof(*samples), cmp_u64);
	printf("BENCH clock n=%ld median_ns=%llu p99_ns=%llu\n", n,
	       (unsigned long long)samples[n / 2], (unsigned long long)samples[n * 99 / 100]);
}

enum method { PWRITE_FDATASYNC, MSYNC, MAP_SYNC_M, STATIC, FLOOR };
static const char *const method_name[] = {
	"pwrite_fdatasync", "msync", "map_sync", "static", "floor",
};

static void persistence(long n, size_t size)
{
	size_t len = ((n * size + SZ_2M - 1) / SZ_2M) * SZ_2M;
	char *plain = path_of("plain"), *unwr = path_of("unwritten"), *stat_ = path_of("static");
	static char src[4096];
	enum method m;
	long i;

	make_file(plain, len, 1);
	make_file(unwr, len, 0);
	make_file(stat_, len, 1);
	if (daxctl(stat_, DAXCTL_F_STATIC, SZ_2M)) {
		printf("bench: note: 2 MiB chunks refused (%s), static with 4 KiB chunks\n",
		       strerror(errno));
		if (daxctl(stat_, DAXCTL_F_STATIC, 0))
			die("daxctl static");
	}
	for (m = PWRITE_FDATASYNC; m <= FLOOR; m++) {
		char *map = NULL;
		int fd = -1;

		memset(src, m + 1, sizeof(src));
		if (m == PWRITE_FDATASYNC)
			fd = open(plain, O_RDWR);
		else if (m == MSYNC)
			map = map_file(plain, len, MAP_SHARED, 1);
		else if (m == MAP_SYNC_M)
			map = map_file(unwr, len, MAP_SHARED_VALIDATE | MAP_SYNC, 1);
		else
			map = map_file(stat_, len, MAP_SHARED, 1);
		if (m == FLOOR)
			for (i = 0; i < (long)len; i += 4096)
				((volatile char *)map)[i] = 0;
		for (i = 0; i < n; i++) {
			char *dst = map + i * size;
			uint64_t t0 = now_ns();

			switch (m) {
			case PWRITE_FDATASYNC:
				if (pwrite(fd, src, size, i * size) != (ssize_t)size || fdatasync(fd))
					die("pwrite + fdatasync");
				break;
			case MSYNC:
				memcpy(dst, src, size);
				if (msync((void *)((uintptr_t)dst & ~4095UL),
					  ((uintptr_t)dst & 4095) + size, MS_SYNC))
					die("msync");
				break;
			default:
				memcpy(dst, src, size);
				persist(dst, size);
			}
			samples[i] = now_ns() - t0;
		}
		report_latency(method_name[m], size, n);
		if (map)
			munmap(map, len);
		if (m == PWRITE_FDATASYNC || m == STATIC) {
			uint64_t t0;

			map = m == STATIC ? map_file(stat_, len, MAP_SHARED, 1) : NULL;
			t0 = now_ns();
			for (i = 0; i < n; i++) {
				if (m == PWRITE_FDATASYNC) {
					if (pwrite(fd, src, size, i * size) != (ssize_t)size ||
					    fdatasync(fd))
						die("pwrite + fdatasync");
				} else {
					memcpy(map + i * size, src, size);
					persist(map + i * size, size);
				}
			}
			t0 = now_ns() - t0;
			printf("BENCH batch method=%s size=%zu n=%ld total_ns=%llu\n",
			       method_name[m], size, n, (unsigned long long)t0);
			if (map)
				munmap(map, len);
		}
		if (fd >= 0)
			close(fd);
	}
	if (daxctl(stat_, 0, 0))
		die("daxctl disable");
	unlink(plain);
	unlink(unwr);
	unlink(stat_);
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

static void faults(void)
{
	const size_t len = 64 * MIB;
	static const char *const kinds[] = { "map_sync_unwritten", "map_sync_written", "static" };
	int k, huge;

	for (huge = 0; huge <= 1; huge++) {
		for (k = 0; k < 3; k++) {
			char *p = path_of("faults");
			volatile char *map;
			uint64_t t0, t;
			long f0, f;
			size_t off;

			make_file(p, len, k != 0);
			if (k == 2 && daxctl(p, DAXCTL_F_STATIC, huge ? SZ_2M : 0))
				die("daxctl static (faults)");
			map = map_file(p, len, k == 2 ? MAP_SHARED : MAP_SHARED_VALIDATE | MAP_SYNC, 1);
			if (madvise((void *)map, len, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
				die("madvise");
			f0 = minflt();
			t0 = now_ns();
			for (off = 0; off < len; off += 4096)
				map[off] = 1;
			t = now_ns() - t0;
			f = minflt() - f0;
			printf("BENCH fault kind=%s mapping=%s pages=%zu faults=%ld ns_per_fault=%llu ns_per_page=%llu\n",
			       kinds[k], huge ? "2M" : "4K", len / 4096, f,
			       (unsigned long long)(f ? t / f : 0), (unsigned long long)(t / (len / 4096)));
			munmap((void *)map, len);
			if (k == 2)
				daxctl(p, 0, 0);
			unlink(p);
		}
	}
}

/*
 * A written, committed file of @size bytes made of @n extents: a file of
 * @n pieces of @size / @n bytes with a 4 KiB spacer after each piece but
 * the last is written and fsynced (ext4 lays it out in a few extents),
 * then every spacer is collapsed out (FALLOC_FL_COLLAPSE_RANGE), last
 * first.  Collapsing frees the spacer's block and shifts the file's later
 * extents down in the file without moving them on the device, so each
 * piece ends physically apart from the next: @n extents, plus one for
 * each seam of the original layout that falls inside a piece.  The caller
 * measures the real count with FIEMAP.
 */
static void make_fragmented(const char *path, size_t size, long n)
{
	const size_t piece = size / n, gap = 4096;
	int fd;
	long i;

	make_file(path, n * piece + (n - 1) * gap, 1);
	fd = open(path, O_RDWR);
	if (fd < 0)
		die(path);
	for (i = n - 2; i >= 0; i--)
		if (fallocate(fd, FALLOC_FL_COLLAPSE_RANGE, i * (piece + gap) + piece, gap))
			die("collapse");
	if (fsync(fd))
		die("fsync");
	close(fd);
}

/*
 * Context switches of this thread: involuntary ones (preempted, also at a
 * cond_resched()) count 1, voluntary ones (it slept) count 1 << 16.
 */
static long switches(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nivcsw + (ru.ru_nvcsw << 16);
}

/* The switches during the last fiemap_walk() or enable_timed(), outside its timing. */
static long last_switches;

#define FIEMAP_SLOTS 65536
static struct fiemap *fm;

/*
 * One FIEMAP of the whole file into enough slots, no FIEMAP_FLAG_SYNC:
 * open, ioctl, close, timed together, as daxctl() looks the path up and
 * opens the file too.  Returns the time; *extents gets the extent count.
 */
static uint64_t fiemap_walk(const char *path, long *extents)
{
	long sw = switches();
	uint64_t t0 = now_ns(), t;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		die(path);
	memset(fm, 0, sizeof(*fm));
	fm->fm_start = 0;
	fm->fm_length = FIEMAP_MAX_OFFSET;
	fm->fm_extent_count = FIEMAP_SLOTS;
	if (ioctl(fd, FS_IOC_FIEMAP, fm))
		die("FIEMAP");
	close(fd);
	t = now_ns() - t0;
	last_switches = switches() - sw;
	if (!fm->fm_mapped_extents || fm->fm_mapped_extents >= FIEMAP_SLOTS ||
	    !(fm->fm_extents[fm->fm_mapped_extents - 1].fe_flags & FIEMAP_EXTENT_LAST)) {
		errno = ERANGE;
		die("FIEMAP: not the whole file in one call");
	}
	*extents = fm->fm_mapped_extents;
	return t;
}

static uint64_t enable_timed(const char *path)
{
	long sw = switches();
	uint64_t t0 = now_ns(), t;

	if (daxctl(path, DAXCTL_F_STATIC, 0))
		die("daxctl static (activation)");
	t = now_ns() - t0;
	last_switches = switches() - sw;
	if (daxctl(path, 0, 0))
		die("daxctl disable (activation)");
	return t;
}

/* Commits of the DAX filesystem's journal so far (jbd2's info file), or -1. */
static long journal_commits(void)
{
	glob_t g;
	long c = -1;
	FILE *f;

	if (glob("/proc/fs/jbd2/pmem0-*/info", 0, NULL, &g))
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	if (f) {
		if (fscanf(f, "%ld", &c) != 1)
			c = -1;
		fclose(f);
	}
	globfree(&g);
	return c;
}

static void need_space(size_t bytes)
{
	struct statvfs sv;

	if (statvfs(dir, &sv))
		die("statvfs");
	if ((uint64_t)sv.f_bavail * sv.f_frsize < bytes + 64 * MIB) {
		printf("bench: %zu MiB needed, %llu MiB free on %s\n", bytes >> 20,
		       (unsigned long long)sv.f_bavail * sv.f_frsize >> 20, dir);
		errno = ENOSPC;
		die("activation file");
	}
}

static char *join(const uint64_t *v, int n)
{
	static char buf[512];
	int i, o = 0;

	for (i = 0; i < n; i++)
		o += snprintf(buf + o, sizeof(buf) - o, "%s%llu", i ? "," : "",
			      (unsigned long long)v[i]);
	return buf;
}

#define REPS 9

/*
 * Enable (daxctl(DAXCTL_F_STATIC), align 0 = 4 KiB chunks; the disable
 * after it is not timed) against a FIEMAP walk of the same written and
 * committed file, REPS times, enable first in odd repetitions and FIEMAP
 * first in even ones, after one untimed enable/disable and FIEMAP that
 * bring the caches (dentry, inode, ext4's extent status tree) to the
 * state every timed call then finds.  Prints the medians, every
 * repetition with the context switches the calling thread made in it
 * (preempted, or slept),
 * and how many journal commits happened during them (none expected: the
 * file is committed, so enable's fsync finds nothing).
 */
static void measure(const char *layout, const char *p, size_t size, long want)
{
	uint64_t en[REPS], fie[REPS], en_s[REPS], fie_s[REPS], en_sw[REPS], fie_sw[REPS];
	long extents, e, c0, c1;
	int r;

	fiemap_walk(p, &extents);
	enable_timed(p);
	c0 = journal_commits();
	for (r = 0; r < REPS; r++) {
		if (r % 2 == 0) {	/* repetition r + 1 is odd */
			en[r] = enable_timed(p);
			en_sw[r] = last_switches;
			fie[r] = fiemap_walk(p, &e);
			fie_sw[r] = last_switches;
		} else {
			fie[r] = fiemap_walk(p, &e);
			fie_sw[r] = last_switches;
			en[r] = enable_timed(p);
			en_sw[r] = last_switches;
		}
		if (e != extents) {
			errno = EINVAL;
			die("extent count changed between repetitions");
		}
	}
	c1 = journal_commits();
	memcpy(en_s, en, sizeof(en));
	memcpy(fie_s, fie, sizeof(fie));
	qsort(en_s, REPS, sizeof(en_s[0]), cmp_u64);
	qsort(fie_s, REPS, sizeof(fie_s[0]), cmp_u64);
	printf("BENCH activate layout=%s size=%zu pieces=%ld extents=%ld reps=%d", layout, size,
	       want, extents, REPS);
	printf(" enable_ns=%llu fiemap_ns=%llu commits=%ld", (unsigned long long)en_s[REPS / 2],
	       (unsigned long long)fie_s[REPS / 2], c0 < 0 || c1 < 0 ? -1 : c1 - c0);
	printf(" enable_reps=%s", join(en, REPS));
	printf(" fiemap_reps=%s", join(fie, REPS));
	for (r = 0; r < REPS; r++) {
		en_s[r] = en_sw[r] & 0xffff;
		fie_s[r] = fie_sw[r] & 0xffff;
		en_sw[r] >>= 16;
		fie_sw[r] >>= 16;
	}
	printf(" enable_preempted=%s", join(en_s, REPS));
	printf(" enable_slept=%s", join(en_sw, REPS));
	printf(" fiemap_preempted=%s", join(fie_s, REPS));
	printf(" fiemap_slept=%s\n", join(fie_sw, REPS));
	fflush(stdout);
}

static void activation(size_t div)
{
	static const size_t sizes[] = { 64 * MIB, 256 * MIB, 1024 * MIB, 2048 * MIB };
	static const size_t frag_sizes[] = { 64 * MIB, 256 * MIB };
	static const long pieces[] = { 256, 512, 1024, 2048, 4096 };
	char *p = path_of("activate");
	unsigned int s, k;

	fm = malloc(sizeof(*fm) + FIEMAP_SLOTS * sizeof(struct fiemap_extent));
	if (!fm)
		die("malloc");
	/* Fault the buffer in now, not inside a timed FIEMAP. */
	memset(fm, 0, sizeof(*fm) + FIEMAP_SLOTS * sizeof(struct fiemap_extent));
	/* Contiguous: written in 1 MiB pwrite()s and fsynced; one file at a time. */
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		size_t size = sizes[s] / div;

		need_space(size);
		make_file(p, size, 1);
		measure("contiguous", p, size, 1);
		unlink(p);
	}
	/* Fragmented: a given number of extents, two sizes. */
	for (s = 0; s < ARRAY_SIZE(frag_sizes); s++) {
		for (k = 0; k < ARRAY_SIZE(pieces); k++) {
			size_t size = frag_sizes[s] / div;

			if (size / pieces[k] < 4096 || size % (pieces[k] * 4096)) {
				printf("bench: note: %zu bytes in %ld pieces skipped\n", size, pieces[k]);
				continue;
			}
			need_space(size + pieces[k] * 4096);
			make_fragmented(p, size, pieces[k]);
			measure("fragmented", p, size, pieces[k]);
			unlink(p);
		}
	}
	free(fm);
}

int main(int argc, char **argv)
{
	long n;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: bench DIR N [DIV]\n");
		return 2;
	}
	dir = argv[1];
	n = atol(argv[2]);
	pick_flush();
	samples = calloc(n, sizeof(*samples));
	if (!samples)
		die("calloc");
	printf("BENCH info flush=%s n=%ld\n", flush_name(), n);
	clock_pair(n);
	persistence(n, 64);
	persistence(n, 4096);
	fflush(stdout);
	faults();
	fflush(stdout);
	activation(argc == 4 ? strtoul(argv[3], NULL, 0) : 1);
	printf("BENCH done\n");
	return 0;
}
