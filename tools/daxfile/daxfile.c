// SPDX-License-Identifier: GPL-2.0
/*
 * daxfile: make and manage static-dax files (daxctl(2)).
 *
 *   daxfile create PATH SIZE [--align A]   allocate PATH with written zeroes
 *   daxfile enable PATH [--align A]        make PATH static-dax
 *   daxfile disable PATH                   return PATH to normal
 *   daxfile status PATH                    static or not, DAX or not, extents
 *
 * Named daxfile, not daxctl, so as not to clash with ndctl's daxctl(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/daxfile.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

/* Exit codes, see usage(). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_UNALIGNED = 3,
};

static const char *prog = "daxfile";

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: %s create PATH SIZE [--align A]\n"
		"       %s enable PATH [--align A]\n"
		"       %s disable PATH\n"
		"       %s status PATH\n"
		"\n"
		"Manage static-dax files: files on a DAX filesystem whose block map\n"
		"is frozen, so that stores through mmap() are made durable by a CPU\n"
		"cache flush alone (see Documentation/filesystems/daxfile.rst).\n"
		"\n"
		"  create   make PATH (new) of SIZE bytes with every block allocated\n"
		"           and written, and report whether its extents meet A\n"
		"  enable   make PATH static-dax, with A-sized contiguous, A-aligned\n"
		"           chunks (needs CAP_LINUX_IMMUTABLE)\n"
		"  disable  return PATH to normal (needs CAP_LINUX_IMMUTABLE)\n"
		"  status   show whether PATH is static-dax and DAX, and its extents\n"
		"\n"
		"SIZE and A take K, M, G and T suffixes (powers of 1024); A defaults\n"
		"to the page size and must be a power of two no smaller than it.\n"
		"\n"
		"Exit status: 0 success; 1 the operation failed (the message names\n"
		"the errno); 2 the command line is wrong; 3 create made the file, but\n"
		"its extents do not meet the alignment, so enable with it would fail.\n",
		prog, prog, prog, prog);
}

static int fail(int err, const char *what, const char *path, const char *hint)
{
	fprintf(stderr, "%s: %s %s: %s (%s)%s%s\n", prog, what, path, strerror(err),
		strerrorname_np(err) ? strerrorname_np(err) : "?",
		hint ? ": " : "", hint ? hint : "");
	return EXIT_FAIL;
}

static long daxctl(const char *path, int flags, int align)
{
	return syscall(__NR_daxctl, path, flags, align);
}

/* Parses "4096", "64K", "2M", "1G", "1T"; returns 0 on success. */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	int shift = 0;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	case 't': case 'T':
		shift = 40;
		end++;
		break;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B' && shift)
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int i = -1;

	while (v >= 1024 && !(v % 1024) && i < 3) {
		v /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%llu", (unsigned long long)v);
	else
		snprintf(buf, len, "%llu%c", (unsigned long long)v, units[i]);
	return buf;
}

/* Parses --align; 0 means the page size.  Returns 0 or EXIT_USAGE. */
static int parse_align(const char *s, uint64_t *align)
{
	long page = sysconf(_SC_PAGESIZE);

	if (parse_size(s, align) || *align > INT32_MAX ||
	    (*align && (*align < (uint64_t)page || (*align & (*align - 1))))) {
		fprintf(stderr,
			"%s: bad alignment '%s': use 0 or a power of two from %ldK to 1G, e.g. 2M\n",
			prog, s, page / 1024);
		return EXIT_USAGE;
	}
	if (!*align)
		*align = page;
	return 0;
}

struct extents {
	unsigned int count;
	unsigned int unwritten;
	uint64_t mapped;	/* bytes */
	uint64_t aligned;	/* largest chunk size every extent boundary meets */
};

/*
 * Reads @fd's extents with FIEMAP.  A chunk size A is met when every extent
 * starts at a logical and physical offset that is a multiple of A and, except
 * the last, has a length that is a multiple of A: then every A-sized chunk of
 * the file is one contiguous, A-aligned piece of the device.  Extents that
 * FIEMAP reports separately but that are physically adjacent count as one.
 */
static int read_extents(int fd, uint64_t size, struct extents *ext)
{
	const unsigned int batch = 512;
	uint64_t start = 0, run_log = 0, run_phys = 0, run_len = 0;
	struct fiemap *fm;
	int first = 1, last = 0;

	memset(ext, 0, sizeof(*ext));
	ext->aligned = 1ULL << 30;
	fm = calloc(1, sizeof(*fm) + batch * sizeof(struct fiemap_extent));
	if (!fm)
		return -1;
	while (!last && start < size) {
		unsigned int i;

		memset(fm, 0, sizeof(*fm));
		fm->fm_start = start;
		fm->fm_length = size - start;
		fm->fm_flags = FIEMAP_FLAG_SYNC;
		fm->fm_extent_count = batch;
		if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
			free(fm);
			return -1;
		}
		if (!fm->fm_mapped_extents)
			break;
		for (i = 0; i < fm->fm_mapped_extents; i++) {
			struct fiemap_extent *e = &fm->fm_extents[i];

			ext->count++;
			ext->mapped += e->fe_length;
			if (e->fe_flags & FIEMAP_EXTENT_UNWRITTEN)
				ext->unwritten++;
			if (!first && e->fe_logical == run_log + run_len &&
			    e->fe_physical == run_phys + run_len) {
				run_len += e->fe_length;
			} else {
				if (!first) {
					while (ext->aligned > 1 &&
					       ((run_log | run_phys | run_len) % ext->aligned))
						ext->aligned >>= 1;
				}
				first = 0;
				run_log = e->fe_logical;
				run_phys = e->fe_physical;
				run_len = e->fe_length;
			}
			if (e->fe_flags & FIEMAP_EXTENT_LAST)
				last = 1;
			start = e->fe_logical + e->fe_length;
		}
	}
	/* The last run's length need not be a multiple. */
	if (!first) {
		while (ext->aligned > 1 && ((run_log | run_phys) % ext->aligned))
			ext->aligned >>= 1;
	} else {
		ext->aligned = 0;
	}
	free(fm);
	return 0;
}

static int cmd_create(const char *path, const char *size_arg, const char *align_arg)
{
	static char zeroes[1 << 20];
	uint64_t size, align, done;
	struct extents ext;
	char b1[32], b2[32];
	int fd, ret;

	if (parse_size(size_arg, &size) || !size) {
		fprintf(stderr,
			"%s: bad size '%s': use a positive number, optionally with K, M, G or T\n",
			prog, size_arg);
		return EXIT_USAGE;
	}
	ret = parse_align(align_arg ? align_arg : "0", &align);
	if (ret)
		return ret;
	if (size % align) {
		fprintf(stderr, "%s: size %s is not a multiple of the alignment %s\n",
			prog, human(size, b1, sizeof(b1)), human(align, b2, sizeof(b2)));
		return EXIT_USAGE;
	}
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return fail(errno, "create", path,
			    errno == EEXIST ? "remove it first, or pick another name" : NULL);
	/* One allocation for the whole file lets the allocator align it. */
	if (fallocate(fd, 0, 0, size)) {
		ret = fail(errno, "allocate", path,
			   errno == ENOSPC ? "the filesystem is too full" : NULL);
		goto out_unlink;
	}
	/* Writing converts unwritten extents to written ones. */
	for (done = 0; done < size; done += sizeof(zeroes)) {
		size_t n = size - done < sizeof(zeroes) ? size - done : sizeof(zeroes);

		if (pwrite(fd, zeroes, n, done) != (ssize_t)n) {
			ret = fail(errno ? errno : EIO, "write", path, NULL);
			goto out_unlink;
		}
	}
	if (fsync(fd)) {
		ret = fail(errno, "fsync", path, NULL);
		goto out_unlink;
	}
	if (read_extents(fd, size, &ext)) {
		ret = fail(errno, "FIEMAP", path, NULL);
		close(fd);
		return ret;
	}
	close(fd);
	printf("%s: %s in %u extent%s, %u unwritten; extents aligned to %s: %s\n",
	       path, human(size, b1, sizeof(b1)), ext.count, ext.count == 1 ? "" : "s",
	       ext.unwritten, human(align, b2, sizeof(b2)),
	       ext.aligned >= align && !ext.unwritten ? "yes" : "no");
	return ext.aligned >= align && !ext.unwritten ? EXIT_OK : EXIT_UNALIGNED;

out_unlink:
	close(fd);
	unlink(path);
	return ret;
}

static const char *enable_hint(int err)
{
	switch (err) {
	case EPERM:
		return "needs CAP_LINUX_IMMUTABLE (run as root, outside a user namespace)";
	case EINVAL:
		return "not DAX; or holes, unwritten, shared or misaligned blocks (daxfile status)";
	case EISDIR:
		return "a directory cannot be static-dax";
	case EBUSY:
		return "it is a swap file, or already static-dax with another alignment";
	case EOPNOTSUPP:
		return "not a synchronous DAX device (virtio-pmem?), or not ext4 or XFS";
	case EIO:
		return "the DAX device cannot map part of the file (a media error?)";
	case ENOENT:
		return "no such file";
	default:
		return NULL;
	}
}

static int cmd_enable(const char *path, const char *align_arg)
{
	uint64_t align;
	int ret;

	ret = parse_align(align_arg ? align_arg : "0", &align);
	if (ret)
		return ret;
	if (daxctl(path, DAXCTL_F_STATIC, (int)align))
		return fail(errno, "enable", path, enable_hint(errno));
	printf("%s: static-dax\n", path);
	return EXIT_OK;
}

static int cmd_disable(const char *path)
{
	if (daxctl(path, 0, 0))
		return fail(errno, "disable", path, errno == EPERM ? enable_hint(EPERM) : NULL);
	printf("%s: not static-dax\n", path);
	return EXIT_OK;
}

static int cmd_status(const char *path)
{
	struct extents ext;
	struct statx stx;
	char b1[32], b2[32];
	long state;
	int fd;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return fail(errno, "status", path, NULL);
	state = daxctl(path, DAXCTL_F_GET, 0);
	if (state < 0)
		return fail(errno, "status", path, NULL);
	printf("%s: %s, %s, %s\n", path,
	       state & DAXCTL_F_STATIC ? "static-dax" : "not static-dax",
	       stx.stx_attributes & STATX_ATTR_DAX ? "DAX" : "not DAX",
	       human(stx.stx_size, b1, sizeof(b1)));
	if (!S_ISREG(stx.stx_mode))
		return EXIT_OK;
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return EXIT_OK;	/* no read permission: extents unknown */
	if (read_extents(fd, stx.stx_size, &ext) == 0) {
		printf("  extents: %u, unwritten: %u, mapped: %s of %s, chunks aligned to: %s\n",
		       ext.count, ext.unwritten, human(ext.mapped, b1, sizeof(b1)),
		       human(stx.stx_size, b2, sizeof(b2)),
		       ext.aligned ? human(ext.aligned, b1, sizeof(b1)) : "-");
	}
	close(fd);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *align = NULL, *cmd;
	int c;

	/* Options may come before or after the command and its operands. */
	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			align = optarg;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_OK;
		default:
			print_help(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind++];
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "create") && argc == 2)
		return cmd_create(argv[0], argv[1], align);
	if (!strcmp(cmd, "enable") && argc == 1)
		return cmd_enable(argv[0], align);
	if (!strcmp(cmd, "disable") && argc == 1 && !align)
		return cmd_disable(argv[0]);
	if (!strcmp(cmd, "status") && argc == 1 && !align)
		return cmd_status(argv[0]);
	if (!strcmp(cmd, "help")) {
		print_help(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "%s: bad command line for '%s'\n", prog, cmd);
	print_help(stderr);
	return EXIT_USAGE;
}
