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
 *    The flush is clwb, else clflushopt, else clflush.
 * 2. First-touch write fault cost: touch every 4 KiB page of a fresh
 *    64 MiB mapping, with 4 KiB mappings (MADV_NOHUGEPAGE) and with 2 MiB
 *    ones (2 MiB-aligned address, MADV_HUGEPAGE), of a MAP_SYNC mapping
 *    of a fallocated file, of a MAP_SYNC mapping of a written file and of
 *    a static-dax file: time per fault and per page, faults counted.
 * 3. Activation cost: daxctl(DAXCTL_F_STATIC) on files of 64 MiB, 256 MiB,
 *    1 GiB and 2 GiB, contiguous and fragmented, against a FIBMAP ioctl
 *    loop over the same file (the bare bmap cost the walk pays) and a
 *    FIEMAP walk (the extent-level lower bound); median of 3 each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include <sys/syscall.h>

#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

#define SZ_2M (2UL << 20)
#define MIB (1UL << 20)

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
		for (off = 0; off < size; off += sizeof(buf))
			if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
				die("pwrite");
	}
	if (fsync(fd))
		die("fsync");
	close(fd);
}

/*
 * A fragmented written file: written contiguously, then every other
 * 64 KiB chunk is punched out, a filler file takes the freed blocks, the
 * chunks are written again (elsewhere) and the filler is removed.
 */
static void make_fragmented(const char *path, size_t size)
{
	static char buf[64 << 10];
	const char *filler = path_of("filler");
	size_t off;
	int fd, gd;

	make_file(path, size, 1);
	fd = open(path, O_RDWR);
	gd = open(filler, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || gd < 0)
		die("open");
	for (off = 0; off < size; off += 2 * sizeof(buf))
		if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, sizeof(buf)))
			die("punch");
	for (off = 0; off < size / 2; off += sizeof(buf))
		if (pwrite(gd, buf, sizeof(buf), off) != sizeof(buf))
			die("filler");
	for (off = 0; off < size; off += 2 * sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
			die("refill");
	fsync(fd);
	close(fd);
	close(gd);
	unlink(filler);
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
		if (fd >= 0)
			close(fd);
		if (map)
			munmap(map, len);
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

static uint64_t fibmap_loop(const char *path, size_t size)
{
	int fd = open(path, O_RDONLY), blk;
	uint64_t t0 = now_ns();
	size_t b;

	if (fd < 0)
		die(path);
	for (b = 0; b < size / 4096; b++) {
		blk = b;
		if (ioctl(fd, FIBMAP, &blk) || !blk)
			die("FIBMAP");
	}
	t0 = now_ns() - t0;
	close(fd);
	return t0;
}

static uint64_t fiemap_walk(const char *path, long *extents)
{
	static char buf[sizeof(struct fiemap) + 512 * sizeof(struct fiemap_extent)];
	struct fiemap *fm = (struct fiemap *)buf;
	int fd = open(path, O_RDONLY), done = 0;
	uint64_t start = 0, t0 = now_ns();

	if (fd < 0)
		die(path);
	*extents = 0;
	while (!done) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = start;
		fm->fm_length = ~0ULL - start;
		fm->fm_extent_count = 512;
		if (ioctl(fd, FS_IOC_FIEMAP, fm))
			die("FIEMAP");
		if (!fm->fm_mapped_extents)
			break;
		*extents += fm->fm_mapped_extents;
		struct fiemap_extent *e = &fm->fm_extents[fm->fm_mapped_extents - 1];

		start = e->fe_logical + e->fe_length;
		done = e->fe_flags & FIEMAP_EXTENT_LAST;
	}
	t0 = now_ns() - t0;
	close(fd);
	return t0;
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t v[3] = { a, b, c };

	qsort(v, 3, sizeof(v[0]), cmp_u64);
	return v[1];
}

static void activation(size_t div)
{
	static const size_t sizes[] = { 64 * MIB, 256 * MIB, 1024 * MIB, 2048 * MIB };
	int s, frag, r;

	for (frag = 0; frag <= 1; frag++) {
		for (s = 0; s < 4; s++) {
			char *p = path_of("activate");
			uint64_t en[3], fib[3], fie[3];
			size_t size = sizes[s] / div;
			long extents = 0;

			if (frag)
				make_fragmented(p, size);
			else
				make_file(p, size, 1);
			for (r = 0; r < 3; r++) {
				uint64_t t0;

				fib[r] = fibmap_loop(p, size);
				fie[r] = fiemap_walk(p, &extents);
				t0 = now_ns();
				if (daxctl(p, DAXCTL_F_STATIC, 0))
					die("daxctl static (activation)");
				en[r] = now_ns() - t0;
				if (daxctl(p, 0, 0))
					die("daxctl disable (activation)");
			}
			printf("BENCH activate layout=%s size=%zu blocks=%zu extents=%ld enable_ns=%llu fibmap_ns=%llu fiemap_ns=%llu\n",
			       frag ? "fragmented" : "contiguous", size, size / 4096, extents,
			       (unsigned long long)median3(en[0], en[1], en[2]),
			       (unsigned long long)median3(fib[0], fib[1], fib[2]),
			       (unsigned long long)median3(fie[0], fie[1], fie[2]));
			fflush(stdout);
			unlink(p);
		}
	}
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
	persistence(n, 64);
	persistence(n, 4096);
	fflush(stdout);
	faults();
	fflush(stdout);
	activation(argc == 4 ? strtoul(argv[3], NULL, 0) : 1);
	printf("BENCH done\n");
	return 0;
}
