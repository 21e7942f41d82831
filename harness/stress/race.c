// SPDX-License-Identifier: GPL-2.0
/*
 * race: hammer daxctl() while other threads try to change the same files,
 * in the guest.
 *
 *   race DIR SECONDS
 *
 * Two 4 MiB files on the DAX filesystem.  For SECONDS, threads:
 *  - enable/disable/GET both files in a loop;
 *  - truncate to the same size, punch a hole and fill it again,
 *    fallocate past EOF and shrink back, append a byte and shrink back,
 *    rename away and back, unlink a hard link;
 *  - store a per-page sequence number through a MAP_SHARED mapping of
 *    the first half of each file (holes are punched only in the second
 *    half, and the file never shrinks, so the mapping stays valid) and
 *    read it back.
 * Every call must end in success or a documented errno.  Afterwards GET
 * must agree with behaviour (truncate refused iff static), every value
 * stored through the mappings must be intact, and after disabling both
 * files the filesystem must unmount (nothing left pinned).
 * Prints "race: N seconds, N daxctl calls (N enables), N map changes
 * attempted, N stores; N errors" and exits 1 on any error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

#define SIZE (4UL << 20)
#define PAGE 4096UL
#define NFILES 2

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
 */
static pthread_mutex_t change_lock[NFILES] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static atomic_int stop;
static atomic_long n_daxctl, n_enable, n_changes, n_stores, n_errors;

static void error(const char *what, int e)
{
	printf("race: %s: unexpected %s\n", what, strerrorname_np(e) ?: "?");
	atomic_fetch_add(&n_errors, 1);
}

static long daxctl(const char *p, int flags, int align)
{
	return syscall(__NR_daxctl, p, flags, align);
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
			/* Holes from a punch, a rename in flight, a walk in flight. */
			if (r && errno != EINVAL && errno != ENOENT && errno != EBUSY)
				error("enable", errno);
		} else if (op == 1) {
			r = daxctl(path[f], 0, 0);
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
 * Retries an undo step that an enable's walk may refuse for a moment: the
 * walk claims the inode, so map changes and data writes fail until it
 * ends.  The file cannot become static meanwhile, since it has a hole or
 * an unwritten or extra block until the undo succeeds.
 */
#define RETRY(what, expr) do {						\
	int tries_ = 0;							\
	while (!(expr)) {						\
		if ((errno != ETXTBSY && errno != EPERM) || ++tries_ > 100000) { \
			error(what, errno);				\
			break;						\
		}							\
		usleep(50);						\
	}								\
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
		off_t off = SIZE / 2 + (rand_r(&seed) % (SIZE / 2 / PAGE)) * PAGE;

		atomic_fetch_add(&n_changes, 1);
		pthread_mutex_lock(&change_lock[f]);
		switch (rand_r(&seed) % 5) {
		case 0:
			if (truncate(path[f], SIZE) && !ok_refusal(errno))
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
				RETRY("refill", pwrite(fd, zero, PAGE, off) == PAGE);
			} else if (!ok_refusal(errno)) {
				error("punch", errno);
			}
			if (fallocate(fd, 0, SIZE, PAGE) == 0) {
				RETRY("shrink back", ftruncate(fd, SIZE) == 0);
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
				 * stays there until disabled by that name.
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
				if (write(fd, "x", 1) == 1)
					RETRY("append undo", ftruncate(fd, SIZE) == 0);
				close(fd);
			}
		}
		pthread_mutex_unlock(&change_lock[f]);
	}
	return NULL;
}

static uint64_t *maps[NFILES];
static uint64_t last[NFILES][SIZE / PAGE];

static void *store_thread(void *arg)
{
	int f = (uintptr_t)arg;
	uint64_t seq = 0;

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
	pthread_t th[8];
	int i, n = 0, f, seconds;

	if (argc != 3) {
		fprintf(stderr, "usage: race DIR SECONDS\n");
		return 2;
	}
	seconds = atoi(argv[2]);
	for (f = 0; f < NFILES; f++) {
		int fd;

		snprintf(path[f], sizeof(path[f]), "%s/race%d", argv[1], f);
		snprintf(away[f], sizeof(away[f]), "%s/race%d.away", argv[1], f);
		snprintf(link_path[f], sizeof(link_path[f]), "%s/race%d.link", argv[1], f);
		if (make_file(path[f]))
			return 2;
		fd = open(path[f], O_RDWR);
		maps[f] = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (maps[f] == MAP_FAILED)
			return 2;
	}
	for (i = 0; i < 3; i++)
		pthread_create(&th[n++], NULL, ctl_thread, (void *)(uintptr_t)(i + 1));
	for (i = 0; i < 2; i++)
		pthread_create(&th[n++], NULL, change_thread, (void *)(uintptr_t)(i + 11));
	for (f = 0; f < NFILES; f++)
		pthread_create(&th[n++], NULL, store_thread, (void *)(uintptr_t)f);
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
			printf("race: %s: GET says %ld, truncate %s\n", path[f], st,
			       refused ? "refused" : "allowed");
			atomic_fetch_add(&n_errors, 1);
		}
		for (pg = 0; pg < SIZE / PAGE; pg++) {
			if (last[f][pg] && maps[f][pg * (PAGE / sizeof(uint64_t))] != last[f][pg]) {
				printf("race: %s page %zu lost a store\n", path[f], pg);
				atomic_fetch_add(&n_errors, 1);
				break;
			}
		}
		munmap(maps[f], SIZE);
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
	printf("race: %d seconds, %ld daxctl calls (%ld enables), %ld map changes attempted, %ld stores; %ld errors\n",
	       seconds, atomic_load(&n_daxctl), atomic_load(&n_enable), atomic_load(&n_changes),
	       atomic_load(&n_stores), atomic_load(&n_errors));
	return atomic_load(&n_errors) ? 1 : 0;
}
