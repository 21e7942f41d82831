// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: random daxctl() calls against every kind of file, in the guest.
 *
 *   fuzz DIR CALLS SEED
 *
 * DIR is on the DAX filesystem.  Each call takes random flags (including
 * INT_MIN, INT_MAX, -1 and single bits), a random align (INT_MIN, INT_MAX,
 * 0, 1, odd numbers, powers of two, negative powers) and a random path:
 * a directory, FIFO, socket, symlink (good, dangling, looping), device
 * node, /proc file, tmpfs file, sparse, unwritten, empty and good DAX files,
 * an unmapped or kernel pointer, an unterminated string at the end of a
 * mapping, an overlong path, "".  Every result must be one of the errnos
 * daxctl(2) documents, the success values must make sense, and the
 * final state of the good files must agree with DAXCTL_F_GET.  Prints
 * "fuzz: N calls, N distinct (errno, path kind) outcomes" and exits 1 on any
 * undocumented result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/daxfile.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

static uint64_t rng;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int make_file(const char *path, size_t size, int written)
{
	static char buf[1 << 16];
	size_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	if (!written && size && fallocate(fd, 0, 0, size))
		return -1;
	for (off = 0; written && off < size; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
			return -1;
	fsync(fd);
	return close(fd);
}

enum kind { K_GOOD, K_GOOD2, K_DIR, K_FIFO, K_SOCK, K_SYMLINK, K_DANGLING, K_LOOP,
	K_DEVNULL, K_PROC, K_TMPFS, K_SPARSE, K_UNWRITTEN, K_EMPTY, K_MISSING,
	K_EMPTYSTR, K_LONG, K_UNMAPPED, K_KERNEL, K_UNTERMINATED, K_NULL, NKINDS };

static const char *const kind_name[NKINDS] = {
	"good", "good2", "dir", "fifo", "socket", "symlink", "dangling", "loop",
	"devnull", "proc", "tmpfs", "sparse", "unwritten", "empty", "missing",
	"emptystr", "long", "unmapped", "kernel", "unterminated", "null",
};

/*
 * The errnos daxctl(2) documents, its own and those of opening the path,
 * but ENOSYS, which only a boot that skipped daxfile's initcall gives.
 */
static int documented(int e)
{
	switch (e) {
	case EINVAL: case EPERM: case EISDIR: case EBUSY: case EOPNOTSUPP:
	case EINTR: case ENOENT: case EFAULT: case ENAMETOOLONG: case ENOMEM:
	case EACCES: case ELOOP: case ENOTDIR: case ETXTBSY: case EROFS:
	case EIO: case EWOULDBLOCK: case ENFILE:
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const int special[] = { INT_MIN, INT_MAX, -1, 0, 1, 3, 4095, 4096,
		8192, 12288, 1 << 21, 3 << 20, 1 << 30, -4096, INT_MIN + 4096, 511, 2 };
	static unsigned int seen[NKINDS][160];
	char path[NKINDS][PATH_MAX], *longpath, *unterminated, *page;
	const char *dir;
	long calls, i, distinct = 0, bad = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: fuzz DIR CALLS SEED\n");
		return 2;
	}
	dir = argv[1];
	calls = atol(argv[2]);
	rng = strtoull(argv[3], NULL, 0) | 1;

	for (i = 0; i < NKINDS; i++)
		snprintf(path[i], PATH_MAX, "%s/fuzz-%s", dir, kind_name[i]);
	if (make_file(path[K_GOOD], 1 << 20, 1) || make_file(path[K_GOOD2], 4 << 20, 1) ||
	    make_file(path[K_UNWRITTEN], 1 << 20, 0) || make_file(path[K_EMPTY], 0, 1)) {
		perror("make files");
		return 2;
	}
	if (make_file(path[K_SPARSE], 0, 1) || truncate(path[K_SPARSE], 1 << 20)) {
		perror("sparse file");
		return 2;
	}
	mkdir(path[K_DIR], 0755);
	mkfifo(path[K_FIFO], 0644);
	mknod(path[K_SOCK], S_IFSOCK | 0644, 0);
	symlink("fuzz-good", path[K_SYMLINK]);
	symlink("fuzz-nothing-here", path[K_DANGLING]);
	symlink("fuzz-loop", path[K_LOOP]);
	unlink(path[K_MISSING]);
	strcpy(path[K_DEVNULL], "/dev/null");
	strcpy(path[K_PROC], "/proc/self/status");
	strcpy(path[K_TMPFS], "/tmp/fuzz-tmpfs");
	make_file(path[K_TMPFS], 1 << 16, 1);

	longpath = malloc(PATH_MAX + 16);
	memset(longpath, 'a', PATH_MAX + 15);
	longpath[PATH_MAX + 15] = '\0';
	/* A name that runs into an unmapped page, with no NUL. */
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(page + 4096, 4096);
	memset(page, 'b', 4096);
	unterminated = page + 4096 - 8;

	for (i = 0; i < calls; i++) {
		int k = rnd() % NKINDS, flags, align, e;
		const char *p = path[k];
		long ret;

		switch (rnd() % 4) {
		case 0:
			flags = special[rnd() % (sizeof(special) / sizeof(special[0]))];
			break;
		case 1:
			flags = 1 << (rnd() % 32);
			break;
		default:
			flags = (int[]){ DAXCTL_F_GET, DAXCTL_F_STATIC, 0 }[rnd() % 3];
		}
		align = rnd() % 3 ? special[rnd() % (sizeof(special) / sizeof(special[0]))]
				  : (int)rnd();
		switch (k) {
		case K_EMPTYSTR: p = ""; break;
		case K_LONG: p = longpath; break;
		case K_UNMAPPED: p = (const char *)page + 4096; break;
		case K_KERNEL: p = (const char *)0xffffffff81000000UL; break;
		case K_UNTERMINATED: p = unterminated; break;
		case K_NULL: p = NULL; break;
		}
		errno = 0;
		ret = syscall(__NR_daxctl, p, flags, align);
		e = ret < 0 ? errno : 0;
		if (ret < 0 && !documented(e)) {
			printf("fuzz: UNDOCUMENTED errno %d (%s) for %s flags %#x align %d\n",
			       e, strerror(e), kind_name[k], flags, align);
			bad++;
		} else if (ret > 0 && (ret != DAXCTL_F_STATIC || !(flags & DAXCTL_F_GET))) {
			printf("fuzz: BAD RESULT %ld for %s flags %#x\n", ret, kind_name[k], flags);
			bad++;
		} else if (ret == 0 && (flags & DAXCTL_F_STATIC) && !(flags & DAXCTL_F_GET) &&
			   k != K_GOOD && k != K_GOOD2 && k != K_SYMLINK) {
			printf("fuzz: %s was made static (flags %#x align %d)\n",
			       kind_name[k], flags, align);
			bad++;
		}
		if (!seen[k][e < 160 ? e : 159]++)
			distinct++;
	}
	/* The good files: GET must agree with behaviour, then clean up. */
	for (i = K_GOOD; i <= K_GOOD2; i++) {
		long st = syscall(__NR_daxctl, path[i], DAXCTL_F_GET, 0);
		int refused = truncate(path[i], 4096) && errno == ETXTBSY;

		if ((st == DAXCTL_F_STATIC) != refused) {
			printf("fuzz: %s: GET says %ld but truncate %s\n", kind_name[i], st,
			       refused ? "was refused" : "worked");
			bad++;
		}
		syscall(__NR_daxctl, path[i], 0, 0);
	}
	for (i = 0; i < NKINDS; i++) {
		if (i == K_DIR)
			rmdir(path[i]);
		else if (i != K_DEVNULL && i != K_PROC)
			unlink(path[i]);
	}
	printf("fuzz: %ld calls, %ld distinct (path kind, errno) outcomes, %ld undocumented\n",
	       calls, distinct, bad);
	return bad ? 1 : 0;
}
