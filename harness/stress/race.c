// SPDX-License-Identifier: GPL-2.0
/*
 * race: hammer daxctl() while other threads try to change the same files,
 * in the guest.
 *
 *   race DIR SECONDS
 *
 * Two 4 MiB files on the DAX filesystem.  For SECONDS, threads:
 *  - enable/disable/GET both files in a loop; after every enable that
 *    succeeds, with the file's map changes held off, a file that GET says
 *    is static must have no hole (SEEK_HOLE finds only EOF) and the size
 *    the map-change threads last left it at;
 *  - truncate to the same size, punch a hole and fill it again,
 *    fallocate past EOF and shrink back, append a byte and shrink back,
 *    rename away and back, unlink a hard link;
 *  - grow the file with ftruncate() and shrink it back, or grow it and
 *    fill the new tail (a new size at which it can become static), to be
 *    shrunk back later;
 *  - punch holes of 1 to 16 pages and refill them with pwrite() or with
 *    stores through a MAP_SHARED mapping (allocating page faults);
 *  - store a per-page sequence number through a MAP_SHARED mapping of
 *    the first half of each file (holes are punched only in the second
 *    half, and the file never shrinks below 4 MiB, so the mapping stays
 *    valid) and read it back;
 *  - write anywhere below 4 MiB through a second live MAP_SHARED mapping
 *    and with 1-byte pwrite()s: data writes inside EOF, which a static
 *    file takes and an enable in flight only delays, so any error of
 *    pwrite() (ETXTBSY above all) or a SIGBUS is an error.  The stores
 *    fault again after every enable (its fsync write-protects the pages
 *    it cleans) and after every punch, so faults race enable too;
 *  - read /proc/daxfiles: the header, then lines that parse, each naming
 *    one of the two files (by inode and device) at most once, with a size
 *    that is a page multiple of at least 4 MiB, a 4 KiB align and at
 *    least one extent.
 * Map changes that leave a file unable to become static (a hole, an
 * unwritten block, a size that is not a page multiple) must leave GET
 * saying "not static" until they are undone, and the undo must succeed at
 * once: since an enable holds i_rwsem and the invalidate lock from its
 * checks to its commit, there is no walk in flight that could refuse it.
 * Every call must end in success or a documented errno.  Afterwards GET
 * must agree with behaviour (truncate refused iff static), every value
 * stored through the mappings and by pwrite() in the first half must be
 * intact, and after disabling both files the filesystem must unmount
 * (nothing left pinned).
 * Prints "race: N seconds, N daxctl calls (N enables, N succeeded, N
 * checked static), N map changes attempted (N growing truncates, N hole
 * punches), N stores, N live writes (N mapped, N pwrite), N /proc/daxfiles
 * reads (N lines); N errors" and
 * exits 1 on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/daxfile.h>
#include <linux/falloc.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define SIZE (4UL << 20)
#define PAGE 4096UL
#define NFILES 2
/* Where in each page the writers store: store_thread owns word 0. */
#define W_WORD 8	/* the mapped stores' word */
#define B_BYTE 128	/* the pwrite()s' byte */
#define MAX_PUNCH 16	/* pages */

static char path[NFILES][4096], away[NFILES][4096], link_path[NFILES][4096];
/*
 * Map changes to one file are serialised among the change threads: each
 * leaves the file in a state that cannot become static (a hole, an
 * unwritten block, a size that is not a page multiple) until it undoes
 * it.  Two of them interleaved could build a state that can (append a
 * byte, then fallocate past it: every block written, size a page
 * multiple), and an enable would then rightly refuse the undo.  The race
 * under test is daxctl() against map changes, not map changes against
 * each other.
 *
 * Holding change_lock[f] therefore freezes the layout of file f as far as
 * this program goes: the live writers only write below 4 MiB, inside EOF,
 * where they can fill a hole but never make one.  Under it, size_now[f] is
 * the size the change threads last left the file at, every block written.
 */
static pthread_mutex_t change_lock[NFILES] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static off_t size_now[NFILES] = { SIZE, SIZE };
static atomic_int stop;
static atomic_long n_proc_reads, n_proc_lines;
static ino_t inos[NFILES];
static dev_t fs_dev;
static atomic_long n_daxctl, n_enable, n_enable_ok, n_checked, n_changes, n_grows, n_punches,
	n_stores, n_mstores, n_pwrites, n_errors;

/* Counts an error; prints the first MAX_PRINTED, so that a flood stays short. */
#define MAX_PRINTED 50

static void __attribute__((format(printf, 1, 2))) bug(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (atomic_fetch_add(&n_errors, 1) >= MAX_PRINTED)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("race: %s\n", line);
}

static void error(const char *what, int e)
{
	bug("%s: unexpected %s", what, strerrorname_np(e) ?: "?");
}

static long daxctl(const char *p, int flags, int align)
{
	return syscall(__NR_daxctl, p, flags, align);
}

/*
 * A SIGBUS on a mapping is an error: the file never shrinks below the
 * mappings, and a static file's stores need no block allocation.  The
 * threads that touch a mapping arm a jump back; anyone else ends the run.
 */
static __thread sigjmp_buf bus_jmp;
static __thread int bus_armed;
static __thread void *bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	static const char msg[] = "race: SIGBUS outside a writer\n";
	ssize_t ignored;

	(void)sig, (void)uc;
	if (bus_armed) {
		bus_addr = si->si_addr;
		siglongjmp(bus_jmp, 1);
	}
	ignored = write(1, msg, sizeof(msg) - 1);
	(void)ignored;
	_exit(1);
}

/* After a jump back: count it; false when the thread should give up. */
static int sigbus_seen(const char *who, int f)
{
	bug("%s: SIGBUS at %p (%s)", who, bus_addr, path[f]);
	return atomic_load(&n_errors) < 100;
}

/* Opens file f where it is (see rename below); with its change lock held. */
static int open_locked(int f, int flags, const char **p)
{
	int fd;

	*p = path[f];
	fd = open(*p, flags);
	if (fd < 0 && errno == ENOENT) {
		*p = away[f];
		fd = open(*p, flags);
	}
	return fd;
}

/*
 * With change_lock[f] held: if GET says file f is static, its layout must
 * be one an enable could accept (no hole, which includes no unwritten
 * block) at the size the change threads left it.  The layout cannot change
 * under the lock but for holes being filled, so the order does not matter.
 */
static void check_static(int f, const char *what)
{
	const char *p;
	struct stat sb;
	off_t hole;
	long st;
	int fd = open_locked(f, O_RDONLY, &p);

	if (fd < 0) {
		error(what, errno);
		return;
	}
	st = daxctl(p, DAXCTL_F_GET, 0);
	if (st < 0) {
		error(what, errno);
	} else if (st == DAXCTL_F_STATIC) {
		hole = lseek(fd, 0, SEEK_HOLE);
		if (fstat(fd, &sb)) {
			error(what, errno);
		} else if (hole != sb.st_size) {
			bug("%s: %s: static, yet a hole at %ld (size %ld)", p, what,
			    (long)hole, (long)sb.st_size);
		} else if (sb.st_size != size_now[f]) {
			bug("%s: %s: static at size %ld, but the map changes left it at %ld", p,
			    what, (long)sb.st_size, (long)size_now[f]);
		} else {
			atomic_fetch_add(&n_checked, 1);
		}
	}
	close(fd);
}

/*
 * With change_lock[f] held, after a map change left file f unable to
 * become static: GET must say it is not, or the change went through on a
 * static file (or an enable accepted that layout).
 */
static void check_not_static(int f, const char *what)
{
	long st = daxctl(path[f], DAXCTL_F_GET, 0);

	if (st < 0)
		error(what, errno);
	else if (st == DAXCTL_F_STATIC)
		bug("%s: %s succeeded, yet GET says static", path[f], what);
}

static void *ctl_thread(void *arg)
{
	unsigned int seed = (uintptr_t)arg;

	while (!atomic_load(&stop)) {
		int f = rand_r(&seed) % NFILES, op = rand_r(&seed) % 3;
		long r;

		if (op == 0) {
			r = daxctl(path[f], DAXCTL_F_STATIC, 0);
			atomic_fetch_add(&n_enable, 1);
			/*
			 * Holes from a punch, a rename in flight.  No EBUSY: an
			 * enable runs in one critical section, so no other is
			 * ever seen half done, and a repeat succeeds.
			 */
			if (r && errno != EINVAL && errno != ENOENT)
				error("enable", errno);
			if (r == 0) {
				atomic_fetch_add(&n_enable_ok, 1);
				pthread_mutex_lock(&change_lock[f]);
				check_static(f, "check after enable");
				pthread_mutex_unlock(&change_lock[f]);
			}
		} else if (op == 1) {
			r = daxctl(path[f], 0, 0);
			/*
			 * Made static under its temporary name (see rename
			 * below): disable it there, so that it can come back.
			 */
			if (r && errno == ENOENT)
				r = daxctl(away[f], 0, 0);
			if (r && errno != ENOENT)
				error("disable", errno);
		} else {
			r = daxctl(path[f], DAXCTL_F_GET, 0);
			if (r < 0 && errno != ENOENT)
				error("get", errno);
			else if (r > 0 && r != DAXCTL_F_STATIC)
				error("get value", 0);
		}
		atomic_fetch_add(&n_daxctl, 1);
	}
	return NULL;
}

/*
 * An undo step: the file cannot have become static since the change it
 * undoes (it has a hole or an unwritten or extra block until the undo
 * succeeds), and an enable in flight holds i_rwsem, which the undo waits
 * for, so it must succeed at once.  (Before enable held its locks across
 * the walk, the walk claimed the inode and the undo had to be retried.)
 */
#define UNDO(what, expr) do {						\
	if (!(expr))							\
		error(what, errno);					\
} while (0)

static int ok_refusal(int e)
{
	return e == ETXTBSY || e == EPERM || e == ENOENT;
}

static void *change_thread(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	static const char zero[PAGE];

	while (!atomic_load(&stop)) {
		int f = rand_r(&seed) % NFILES, fd;
		/* The second half only: the first half holds the stores. */
		off_t off = SIZE / 2 + (rand_r(&seed) % (SIZE / 2 / PAGE)) * PAGE, size;

		atomic_fetch_add(&n_changes, 1);
		pthread_mutex_lock(&change_lock[f]);
		size = size_now[f];
		/* Back from its temporary name, once no longer static there. */
		if (rename(away[f], path[f]) && errno != ENOENT && errno != EPERM)
			error("rename back later", errno);
		switch (rand_r(&seed) % 5) {
		case 0:
			if (truncate(path[f], size) && !ok_refusal(errno))
				error("truncate", errno);
			break;
		case 1:
			fd = open(path[f], O_RDWR);
			if (fd < 0) {
				if (errno != ENOENT)
					error("open", errno);
				break;
			}
			if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, PAGE) == 0) {
				/* Fill it again, so the file can become static later. */
				UNDO("refill", pwrite(fd, zero, PAGE, off) == PAGE);
			} else if (!ok_refusal(errno)) {
				error("punch", errno);
			}
			if (fallocate(fd, 0, size, PAGE) == 0) {
				check_not_static(f, "fallocate past EOF");
				UNDO("shrink back", ftruncate(fd, size) == 0);
			} else if (!ok_refusal(errno)) {
				error("fallocate", errno);
			}
			close(fd);
			break;
		case 2:
			if (rename(path[f], away[f]) == 0) {
				/*
				 * An enable that opened the file before the rename
				 * may make it static under its new name: then it
				 * stays there until disabled by that name, which
				 * the disabling threads try when the file is not
				 * found, and comes back at a later change.
				 */
				if (rename(away[f], path[f]) && errno != EPERM)
					error("rename back", errno);
			} else if (!ok_refusal(errno)) {
				error("rename", errno);
			}
			break;
		case 3:
			if (link(path[f], link_path[f]) == 0) {
				if (unlink(link_path[f]) && errno != EPERM)
					error("unlink link", errno);
				/* A static file's links cannot be removed: retry later. */
			} else if (errno != EEXIST && errno != ENOENT) {
				error("link", errno);
			}
			break;
		default:
			fd = open(path[f], O_WRONLY | O_APPEND);
			if (fd >= 0) {
				if (write(fd, "x", 1) == 1) {
					check_not_static(f, "append");
					UNDO("append undo", ftruncate(fd, size) == 0);
				} else if (errno != ETXTBSY && errno != EPERM) {
					error("append", errno);
				}
				close(fd);
			}
		}
		pthread_mutex_unlock(&change_lock[f]);
	}
	return NULL;
}

/*
 * Growing truncates.  From the 4 MiB size: grow by 1 byte to 64 KiB and
 * shrink back (a hole, and maybe a size that is not a page multiple:
 * never static in between), or grow by 1 to 16 pages and fill the new
 * tail, which leaves a file that may become static at its new size.  From
 * such a size: shrink back to 4 MiB, refused while static.  The file never
 * goes below 4 MiB, so the mappings stay valid.
 */
static void *grow_thread(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	static char zero[MAX_PUNCH * PAGE];

	while (!atomic_load(&stop)) {
		int f = rand_r(&seed) % NFILES, fd;
		off_t size, grow;

		atomic_fetch_add(&n_changes, 1);
		atomic_fetch_add(&n_grows, 1);
		pthread_mutex_lock(&change_lock[f]);
		size = size_now[f];
		fd = open(path[f], O_RDWR);
		if (fd < 0) {
			if (errno != ENOENT)
				error("open", errno);
		} else if (size != (off_t)SIZE) {
			if (ftruncate(fd, SIZE) == 0)
				size_now[f] = SIZE;
			else if (errno != ETXTBSY)
				error("shrink to 4 MiB", errno);
		} else if (rand_r(&seed) % 2) {
			grow = 1 + rand_r(&seed) % (16 * PAGE);
			if (ftruncate(fd, size + grow) == 0) {
				check_not_static(f, "growing ftruncate");
				UNDO("shrink after grow", ftruncate(fd, size) == 0);
			} else if (errno != ETXTBSY) {
				error("growing ftruncate", errno);
			}
		} else {
			grow = (1 + rand_r(&seed) % MAX_PUNCH) * PAGE;
			if (ftruncate(fd, size + grow) == 0) {
				check_not_static(f, "growing ftruncate before a fill");
				/* A data write inside the new EOF. */
				UNDO("fill the grown tail", pwrite(fd, zero, grow, size) == grow);
				size_now[f] = size + grow;
			} else if (errno != ETXTBSY) {
				error("growing ftruncate", errno);
			}
		}
		if (fd >= 0)
			close(fd);
		pthread_mutex_unlock(&change_lock[f]);
	}
	return NULL;
}

static char *wmaps[NFILES];

/* Zeroes [p, p + len) of a mapping; -1 on a SIGBUS. */
static int __attribute__((noinline)) mapped_fill(char *p, size_t len)
{
	int ret = 0;

	bus_armed = 1;
	if (sigsetjmp(bus_jmp, 0))
		ret = -1;
	else
		memset(p, 0, len);
	bus_armed = 0;
	return ret;
}

/*
 * Hole punches in the second half, refilled by pwrite() or through the
 * writers' mapping (page faults that allocate).  The live writers may fill
 * part of the hole first, even all of it, and an enable may then make the
 * file static before the refill: that is fine, and the refill, a data
 * write inside EOF, must still succeed.
 */
static void *punch_thread(void *arg)
{
	unsigned int seed = (uintptr_t)arg;
	static const char zero[MAX_PUNCH * PAGE];

	while (!atomic_load(&stop)) {
		int f, fd;
		off_t off, len;

		f = rand_r(&seed) % NFILES;
		len = (1 + rand_r(&seed) % MAX_PUNCH) * PAGE;
		off = SIZE / 2 + (rand_r(&seed) % (SIZE / 2 / PAGE - MAX_PUNCH)) * PAGE;
		atomic_fetch_add(&n_changes, 1);
		atomic_fetch_add(&n_punches, 1);
		pthread_mutex_lock(&change_lock[f]);
		fd = open(path[f], O_RDWR);
		if (fd < 0) {
			if (errno != ENOENT)
				error("open", errno);
		} else if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len) == 0) {
			/* Static now only if the writers filled the hole. */
			check_static(f, "check after punch");
			if (rand_r(&seed) % 2)
				UNDO("refill", pwrite(fd, zero, len, off) == len);
			else if (mapped_fill(wmaps[f] + off, len))
				sigbus_seen("mapped refill", f);
		} else if (!ok_refusal(errno)) {
			error("punch", errno);
		}
		if (fd >= 0)
			close(fd);
		pthread_mutex_unlock(&change_lock[f]);
	}
	return NULL;
}

static uint64_t *maps[NFILES];
static uint64_t last[NFILES][SIZE / PAGE];

static void *store_thread(void *arg)
{
	static __thread volatile uint64_t seq;
	int f = (uintptr_t)arg;

	bus_armed = 1;
	if (sigsetjmp(bus_jmp, 0) && !sigbus_seen("store", f))
		return NULL;
	while (!atomic_load(&stop)) {
		size_t pg = seq % (SIZE / 2 / PAGE);
		volatile uint64_t *p = &maps[f][pg * (PAGE / sizeof(uint64_t))];

		*p = ++seq;
		if (*p != seq)
			error("store readback", 0);
		last[f][pg] = seq;
		atomic_fetch_add(&n_stores, 1);
	}
	return NULL;
}

/*
 * Live writers, one per file, anywhere below 4 MiB: stores through their
 * own mapping and 1-byte pwrite()s.  What they write in the first half,
 * where nothing punches, is checked at the end.  (No MADV_DONTNEED to make
 * the stores fault more: on 7.3 fsdax it races truncate's
 * dax_break_layout() into a WARNING or an endless wait, without daxctl().)
 */
static int wfds[NFILES];
static uint64_t wlast[NFILES][SIZE / PAGE];
static uint16_t blast[NFILES][SIZE / PAGE];	/* byte + 1; 0: never written */

static void *writer_thread(void *arg)
{
	static __thread unsigned int seed;
	static __thread volatile uint64_t seq;
	int f = (uintptr_t)arg;

	seed = 31 + f;
	bus_armed = 1;
	if (sigsetjmp(bus_jmp, 0) && !sigbus_seen("live writer", f))
		return NULL;
	while (!atomic_load(&stop)) {
		size_t pg = rand_r(&seed) % (SIZE / PAGE);
		int first_half = pg < SIZE / 2 / PAGE;

		if (++seq % 2) {
			volatile uint64_t *w = (uint64_t *)(wmaps[f] + pg * PAGE) + W_WORD;

			*w = seq;
			if (first_half) {
				if (*w != seq)
					error("mapped store readback", 0);
				wlast[f][pg] = seq;
			}
			atomic_fetch_add(&n_mstores, 1);
		} else {
			unsigned char b = seq >> 1;
			ssize_t r = pwrite(wfds[f], &b, 1, pg * PAGE + B_BYTE);

			if (r != 1)
				error("pwrite inside EOF", r < 0 ? errno : 0);
			else if (first_half)
				blast[f][pg] = b + 1;
			atomic_fetch_add(&n_pwrites, 1);
		}
	}
	return NULL;
}

/*
 * Reads /proc/daxfiles while the other threads run.  A static file's size
 * cannot change, so the size it shows is one its file could have had; only
 * sizes that are page multiples can become static.
 */
static void *proc_thread(void *arg)
{
	static const char header[] = "Filename\tSize\tAlign\tExtents\tDevice\tInode\n";
	char line[8192], p[4096];
	(void)arg;

	while (!atomic_load(&stop)) {
		unsigned long long size, align, extents, ino;
		unsigned int maj, mn, seen = 0;
		FILE *fp = fopen("/proc/daxfiles", "r");

		if (!fp) {
			error("open /proc/daxfiles", errno);
			break;
		}
		if (!fgets(line, sizeof(line), fp) || strcmp(line, header))
			bug("/proc/daxfiles: bad header");
		while (fgets(line, sizeof(line), fp)) {
			int f;

			atomic_fetch_add(&n_proc_lines, 1);
			if (sscanf(line, "%4095s %llu %llu %llu %u:%u %llu", p, &size, &align,
				   &extents, &maj, &mn, &ino) != 7) {
				bug("/proc/daxfiles: bad line: %s", line);
				continue;
			}
			for (f = 0; f < NFILES && inos[f] != ino; f++)
				;
			if (f == NFILES || maj != major(fs_dev) || mn != minor(fs_dev))
				bug("/proc/daxfiles: a file not ours: %s", line);
			else if (seen & (1U << f))
				bug("/proc/daxfiles: listed twice: %s", line);
			else if (size % PAGE || size < SIZE || align != PAGE || !extents)
				bug("/proc/daxfiles: bad size, align or extents: %s", line);
			else
				seen |= 1U << f;
		}
		fclose(fp);
		atomic_fetch_add(&n_proc_reads, 1);
	}
	return NULL;
}

static int make_file(const char *p)
{
	static char buf[1 << 16];
	size_t off;
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (off = 0; off < SIZE; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
			return -1;
	fsync(fd);
	return close(fd);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO | SA_NODEFER };
	pthread_t th[16];
	int i, n = 0, f, seconds;

	if (argc != 3) {
		fprintf(stderr, "usage: race DIR SECONDS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	seconds = atoi(argv[2]);
	if (sigaction(SIGBUS, &sa, NULL))
		return 2;
	for (f = 0; f < NFILES; f++) {
		int fd;

		snprintf(path[f], sizeof(path[f]), "%s/race%d", argv[1], f);
		snprintf(away[f], sizeof(away[f]), "%s/race%d.away", argv[1], f);
		snprintf(link_path[f], sizeof(link_path[f]), "%s/race%d.link", argv[1], f);
		if (make_file(path[f]))
			return 2;
		fd = open(path[f], O_RDWR);
		{
			struct stat st;

			if (fd < 0 || fstat(fd, &st))
				return 2;
			inos[f] = st.st_ino;
			fs_dev = st.st_dev;
		}
		maps[f] = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		wmaps[f] = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		wfds[f] = fd;
		if (fd < 0 || maps[f] == MAP_FAILED || wmaps[f] == MAP_FAILED)
			return 2;
	}
	for (i = 0; i < 3; i++)
		pthread_create(&th[n++], NULL, ctl_thread, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < 2; i++)
		pthread_create(&th[n++], NULL, change_thread, (void *)(uintptr_t)(i + 11));
	pthread_create(&th[n++], NULL, grow_thread, (void *)(uintptr_t)21);
	pthread_create(&th[n++], NULL, punch_thread, (void *)(uintptr_t)22);
	pthread_create(&th[n++], NULL, proc_thread, NULL);
	for (f = 0; f < NFILES; f++) {
		pthread_create(&th[n++], NULL, store_thread, (void *)(uintptr_t)f);
		pthread_create(&th[n++], NULL, writer_thread, (void *)(uintptr_t)f);
	}
	sleep(seconds);
	atomic_store(&stop, 1);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);

	for (f = 0; f < NFILES; f++) {
		long st;
		int refused;
		size_t pg;

		/* A file made static under its temporary name: disable it there. */
		if (access(away[f], F_OK) == 0) {
			if (daxctl(away[f], 0, 0))
				error("disable renamed", errno);
			if (rename(away[f], path[f]))
				error("rename renamed back", errno);
		}
		st = daxctl(path[f], DAXCTL_F_GET, 0);
		refused = truncate(path[f], SIZE) && errno == ETXTBSY;
		if ((st == DAXCTL_F_STATIC) != refused) {
			bug("%s: GET says %ld, truncate %s", path[f], st,
			    refused ? "refused" : "allowed");
		}
		for (pg = 0; pg < SIZE / PAGE; pg++) {
			if (last[f][pg] && maps[f][pg * (PAGE / sizeof(uint64_t))] != last[f][pg]) {
				bug("%s page %zu lost a store", path[f], pg);
				break;
			}
		}
		for (pg = 0; pg < SIZE / 2 / PAGE; pg++) {
			const char *page = (char *)maps[f] + pg * PAGE;

			if ((wlast[f][pg] && ((uint64_t *)page)[W_WORD] != wlast[f][pg]) ||
			    (blast[f][pg] && (unsigned char)page[B_BYTE] != blast[f][pg] - 1)) {
				bug("%s page %zu lost a live write", path[f], pg);
				break;
			}
		}
		munmap(maps[f], SIZE);
		munmap(wmaps[f], SIZE);
		close(wfds[f]);
		if (daxctl(path[f], 0, 0))
			error("final disable", errno);
		unlink(link_path[f]);
		unlink(path[f]);
	}
	/* Nothing may stay pinned: the filesystem unmounts. */
	if (chdir("/") || umount(argv[1]))
		error("umount after disable", errno);
	else if (mount("/dev/pmem0", argv[1], "ext4", 0, "dax"))
		error("remount", errno);
	if (atomic_load(&n_errors) > MAX_PRINTED)
		printf("race: %ld more errors not printed\n", atomic_load(&n_errors) - MAX_PRINTED);
	printf("race: %d seconds, %ld daxctl calls (%ld enables, %ld succeeded, %ld checked static), "
	       "%ld map changes attempted (%ld growing truncates, %ld hole punches), %ld stores, "
	       "%ld live writes (%ld mapped, %ld pwrite), %ld /proc/daxfiles reads (%ld lines); "
	       "%ld errors\n",
	       seconds, atomic_load(&n_daxctl), atomic_load(&n_enable), atomic_load(&n_enable_ok),
	       atomic_load(&n_checked), atomic_load(&n_changes), atomic_load(&n_grows),
	       atomic_load(&n_punches), atomic_load(&n_stores),
	       atomic_load(&n_mstores) + atomic_load(&n_pwrites), atomic_load(&n_mstores),
	       atomic_load(&n_pwrites), atomic_load(&n_proc_reads), atomic_load(&n_proc_lines),
	       atomic_load(&n_errors));
	return atomic_load(&n_errors) ? 1 : 0;
}
