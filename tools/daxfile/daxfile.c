// SPDX-License-Identifier: GPL-2.0
/*
 * daxfile: make and manage static-dax files (daxctl(2)).
 *
 *   daxfile create PATH SIZE [--align A]   allocate PATH with written zeroes
 *   daxfile enable PATH [--align A]        make PATH static-dax
 *   daxfile disable PATH                   return PATH to normal
 *   daxfile status PATH [--json]           static or not, DAX or not, extents
 *   daxfile list [--json]                  the static-dax files (/proc/daxfiles)
 *   daxfile enable --all [TABLE]           make the files of TABLE static-dax
 *   daxfile disable --all                  return every static-dax file to normal
 *
 * Named daxfile, not daxctl, so as not to clash with ndctl's daxctl(1).
 */
#define _GNU_SOURCE
#include <ctype.h>
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
#include <linux/version.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

/* Exit codes, see usage(). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_UNALIGNED = 3,
	/* Internal: /proc/daxfiles had lines that did not parse; exits as EXIT_FAIL. */
	EXIT_UNPARSED = 4,
};

static const char *prog = "daxfile";
static const char *daxfiles = "/proc/daxfiles";
static const char *daxtab = "/etc/daxtab";

static void print_help(FILE *out)
{
	fprintf(out,
		"Usage: %s create PATH SIZE [--align A]\n"
		"       %s enable PATH [--align A]\n"
		"       %s enable --all [TABLE]\n"
		"       %s disable PATH\n"
		"       %s disable --all\n"
		"       %s status PATH [--json]\n"
		"       %s list [--json]\n"
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
		"  status   show whether PATH is static-dax and DAX, its extents, and\n"
		"           the align it was made static-dax with\n"
		"  list     show the static-dax files, which keep their filesystems\n"
		"           from being unmounted (from /proc/daxfiles)\n"
		"\n"
		"  --all    enable: every file of TABLE (default /etc/daxtab), one\n"
		"           \"PATH [A]\" a line, a word starting with '#' starts a\n"
		"           comment, \\040 is a space;\n"
		"           disable: every file that list shows.  Goes on past a\n"
		"           failure and reports each file.\n"
		"  --json   print JSON instead of text\n"
		"  -V, --version  print the kernel version whose headers the tool\n"
		"           was built with, and exit\n"
		"  -h, --help     print this help and exit\n"
		"\n"
		"SIZE and A take K, M, G and T suffixes (powers of 1024); A defaults\n"
		"to the page size and must be a power of two no smaller than it.\n"
		"The state does not survive a reboot: run enable --all at boot, after\n"
		"the filesystems are mounted.\n"
		"\n"
		"Exit status: 0 success; 1 the operation failed (the message names\n"
		"the errno), for --all: for at least one file or line; 2 the command\n"
		"line is wrong; 3 create made the file, but its extents do not meet\n"
		"the alignment, so enable with it would fail.\n",
		prog, prog, prog, prog, prog, prog, prog);
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

/* Makes @path static-dax with @align, already parsed by parse_align(). */
static int enable_one(const char *path, uint64_t align)
{
	if (daxctl(path, DAXCTL_F_STATIC, (int)align))
		return fail(errno, "enable", path, enable_hint(errno));
	printf("%s: static-dax\n", path);
	return EXIT_OK;
}

static int cmd_enable(const char *path, const char *align_arg)
{
	uint64_t align;
	int ret;

	ret = parse_align(align_arg ? align_arg : "0", &align);
	if (ret)
		return ret;
	return enable_one(path, align);
}

static int cmd_disable(const char *path)
{
	if (daxctl(path, 0, 0))
		return fail(errno, "disable", path, errno == EPERM ? enable_hint(EPERM) : NULL);
	printf("%s: not static-dax\n", path);
	return EXIT_OK;
}

/* Undoes octal escapes (\ooo), as /proc/daxfiles and TABLE use them, in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d = (s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0');
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

/* One line of /proc/daxfiles. */
struct daxfile {
	char *path;
	unsigned long long size, align, extents, ino;
	unsigned int major, minor;
	int disabled;		/* by disable --all */
};

static void free_daxfiles(struct daxfile *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i].path);
	free(list);
}

/*
 * Parses one line of /proc/daxfiles: tab-separated fields, of which the
 * first six are known; later kernels may add more.  Returns 0 or -1.
 */
static int parse_daxfile(char *line, struct daxfile *d)
{
	char *field[6], *end, c;
	int i;

	line[strcspn(line, "\n")] = '\0';
	for (i = 0; i < 6; i++) {
		field[i] = strsep(&line, "\t");
		if (!field[i] || !*field[i] || (i && !isdigit((unsigned char)*field[i])))
			return -1;
	}
	errno = 0;
	d->size = strtoull(field[1], &end, 10);
	if (*end)
		return -1;
	d->align = strtoull(field[2], &end, 10);
	if (*end)
		return -1;
	d->extents = strtoull(field[3], &end, 10);
	if (*end)
		return -1;
	d->ino = strtoull(field[5], &end, 10);
	if (*end || errno || sscanf(field[4], "%u:%u%c", &d->major, &d->minor, &c) != 2)
		return -1;
	d->disabled = 0;
	d->path = strdup(field[0]);
	if (!d->path)
		return -1;
	unescape(d->path);
	return 0;
}

/*
 * Reads /proc/daxfiles into a new array of *@n entries, and the number of
 * lines that did not parse (skipped) into *@bad.  Returns the array (NULL
 * with *@n = 0 if there are none), or NULL with errno set on error
 * (ENOENT: a kernel without it; EPROTO: not the header it should have).
 */
static struct daxfile *read_daxfiles(size_t *n, size_t *bad)
{
	static const char header[] = "Filename\tSize\tAlign\tExtents\tDevice\tInode";
	struct daxfile *list = NULL, *l;
	size_t cap = 0, len = 0;
	char *line = NULL;
	FILE *f;

	*n = *bad = 0;
	f = fopen(daxfiles, "r");
	if (!f)
		return NULL;
	if (getline(&line, &len, f) < 0 || strncmp(line, header, strlen(header)) ||
	    !strchr("\t\n", line[strlen(header)])) {
		errno = EPROTO;
		goto err;
	}
	while (getline(&line, &len, f) >= 0) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			l = realloc(list, cap * sizeof(*list));
			if (!l)
				goto err;
			list = l;
		}
		if (parse_daxfile(line, &list[*n]))
			(*bad)++;
		else
			(*n)++;
	}
	free(line);
	fclose(f);
	errno = 0;
	return list;
err:
	free(line);
	fclose(f);
	free_daxfiles(list, *n);
	*n = 0;
	return NULL;
}

/* Reads /proc/daxfiles or says why not; returns 0 or EXIT_FAIL. */
static int load_daxfiles(struct daxfile **list, size_t *n)
{
	size_t bad;

	*list = read_daxfiles(n, &bad);
	if (!*list && errno)
		return fail(errno, "read", daxfiles,
			    errno == ENOENT ? "this kernel has no daxctl(2), or no procfs" :
			    errno == EPROTO ? "unexpected header" : NULL);
	if (bad) {
		fprintf(stderr, "%s: %s: %zu line%s did not parse, skipped\n", prog, daxfiles,
			bad, bad == 1 ? "" : "s");
		return EXIT_UNPARSED;
	}
	return EXIT_OK;
}

/* Returns the length of the valid UTF-8 sequence at @s, or 0 if it is not one. */
static int utf8_len(const unsigned char *s)
{
	int n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/*
 * Prints @s as a JSON string.  A byte that is not part of valid UTF-8 (a
 * file name is any bytes) becomes U+FFFD: device and inode identify the
 * file exactly.
 */
static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p) {
		int n = utf8_len(p);

		if (!n) {
			fputs("\\ufffd", stdout);
			p++;
		} else if (*p == '"' || *p == '\\') {
			printf("\\%c", *p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			printf("\\u%04x", *p++);
		} else {
			fwrite(p, 1, n, stdout);
			p += n;
		}
	}
	putchar('"');
}

static void json_daxfile(const struct daxfile *d)
{
	printf("{\"filename\": ");
	json_string(d->path);
	printf(", \"size\": %llu, \"align\": %llu, \"extents\": %llu",
	       d->size, d->align, d->extents);
	printf(", \"device\": \"%u:%u\", \"inode\": %llu}", d->major, d->minor, d->ino);
}

/* Copies @s to @buf with the bytes that would break a line or a column escaped. */
static const char *escape_path(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = *s;

		if (c <= ' ' || c == '\\' || c == 0x7f)
			o += snprintf(buf + o, len - o, "\\%03o", c);
		else
			buf[o++] = c;
	}
	buf[o] = '\0';
	return buf;
}

static int cmd_list(int json)
{
	static char esc[PATH_MAX * 4 + 8];
	struct daxfile *list;
	char b1[32], b2[32];
	size_t i, n;
	int ret;

	ret = load_daxfiles(&list, &n);
	if (ret == EXIT_FAIL)
		return EXIT_FAIL;
	if (json) {
		printf("{\"daxfiles\": [");
		for (i = 0; i < n; i++) {
			printf(i ? ",\n   " : "\n   ");
			json_daxfile(&list[i]);
		}
		printf("%s]}\n", n ? "\n" : "");
	} else {
		printf("%-40s %8s %6s %7s %s\n", "FILENAME", "SIZE", "ALIGN", "EXTENTS", "DEVICE");
		for (i = 0; i < n; i++)
			printf("%-40s %8s %6s %7llu %u:%u\n",
			       escape_path(list[i].path, esc, sizeof(esc)),
			       human(list[i].size, b1, sizeof(b1)),
			       human(list[i].align, b2, sizeof(b2)), list[i].extents,
			       list[i].major, list[i].minor);
	}
	free_daxfiles(list, n);
	return ret == EXIT_OK ? EXIT_OK : EXIT_FAIL;
}

/* Finds the line of the file @st describes; returns it, or NULL. */
static const struct daxfile *find_daxfile(const struct daxfile *list, size_t n,
					  dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].ino == ino && list[i].major == major(dev) &&
		    list[i].minor == minor(dev))
			return &list[i];
	return NULL;
}

/*
 * enable --all: every "PATH [ALIGN]" line of @table.  Goes on past a bad
 * line or a failed enable, and reports each.
 */
static int cmd_enable_all(const char *table)
{
	unsigned int lineno = 0, done = 0, failed = 0;
	char line[PATH_MAX * 4 + 64];
	FILE *f;

	f = fopen(table, "r");
	if (!f)
		return fail(errno, "read", table, NULL);
	while (fgets(line, sizeof(line), f)) {
		char *path, *align_arg, *extra, *save;
		uint64_t align;

		lineno++;
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "%s: %s:%u: line too long\n", prog, table, lineno);
			failed++;
			while (fgets(line, sizeof(line), f) && !strchr(line, '\n'))
				;
			continue;
		}
		/* A word that starts with '#' starts a comment. */
		path = strtok_r(line, " \t\r\n", &save);
		if (!path || *path == '#')
			continue;
		align_arg = strtok_r(NULL, " \t\r\n", &save);
		if (align_arg && *align_arg == '#')
			align_arg = NULL;
		extra = align_arg ? strtok_r(NULL, " \t\r\n", &save) : NULL;
		if (extra && *extra != '#') {
			fprintf(stderr, "%s: %s:%u: want \"PATH [ALIGN]\", got more\n",
				prog, table, lineno);
			failed++;
			continue;
		}
		if (parse_align(align_arg ? align_arg : "0", &align)) {
			fprintf(stderr, "%s: %s:%u: (the line is skipped)\n", prog, table, lineno);
			failed++;
			continue;
		}
		unescape(path);
		if (enable_one(path, align) != EXIT_OK)
			failed++;
		else
			done++;
	}
	fclose(f);
	printf("%s: %u file%s static-dax, %u failed\n", table, done, done == 1 ? "" : "s",
	       failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/*
 * disable --all: every file /proc/daxfiles lists, if its path still leads
 * to it; then checks that none of them is listed any more.
 */
static int cmd_disable_all(void)
{
	unsigned int done = 0, failed = 0;
	struct daxfile *list, *after;
	size_t i, n, n_after;
	struct stat st;
	int ret;

	ret = load_daxfiles(&list, &n);
	if (ret == EXIT_FAIL)
		return EXIT_FAIL;
	/* Lines that did not parse name files this cannot disable. */
	if (ret)
		failed++;
	for (i = 0; i < n; i++) {
		const char *path = list[i].path;

		/* A path in a lazily unmounted tree may lead elsewhere, or nowhere. */
		if (stat(path, &st) || st.st_ino != list[i].ino ||
		    major(st.st_dev) != list[i].major || minor(st.st_dev) != list[i].minor) {
			fprintf(stderr,
				"%s: disable %s: the path no longer leads to the file (device %u:%u, inode %llu): lazily unmounted or over-mounted?\n",
				prog, path, list[i].major, list[i].minor, list[i].ino);
			failed++;
		} else if (cmd_disable(path) != EXIT_OK) {
			failed++;
		} else {
			list[i].disabled = 1;
			done++;
		}
	}
	/* The path may have led to another file by the time it was disabled. */
	if (done && load_daxfiles(&after, &n_after) == EXIT_FAIL) {
		failed += done;
		done = 0;
	} else if (done) {
		for (i = 0; i < n; i++) {
			if (list[i].disabled &&
			    find_daxfile(after, n_after, makedev(list[i].major, list[i].minor),
					 list[i].ino)) {
				fprintf(stderr, "%s: disable %s: still static-dax\n", prog,
					list[i].path);
				failed++;
				done--;
			}
		}
		free_daxfiles(after, n_after);
	}
	free_daxfiles(list, n);
	printf("%u file%s returned to normal, %u failed\n", done, done == 1 ? "" : "s", failed);
	return failed ? EXIT_FAIL : EXIT_OK;
}

static int cmd_status(const char *path, int json)
{
	const struct daxfile *entry = NULL;
	struct daxfile *list = NULL;
	int fd, have_ext = 0;
	struct extents ext;
	struct statx stx;
	char b1[32], b2[32], b3[32];
	size_t n = 0, bad;
	long state;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return fail(errno, "status", path, NULL);
	state = daxctl(path, DAXCTL_F_GET, 0);
	if (state < 0)
		return fail(errno, "status", path, NULL);
	/* The align is in /proc/daxfiles only; without it, it is not shown. */
	if (state & DAXCTL_F_STATIC) {
		list = read_daxfiles(&n, &bad);
		entry = find_daxfile(list, n, makedev(stx.stx_dev_major, stx.stx_dev_minor),
				     stx.stx_ino);
	}
	if (S_ISREG(stx.stx_mode)) {
		fd = open(path, O_RDONLY);
		/* No read permission: extents unknown. */
		if (fd >= 0) {
			have_ext = !read_extents(fd, stx.stx_size, &ext);
			close(fd);
		}
	}
	if (json) {
		printf("{\"filename\": ");
		json_string(path);
		printf(", \"static\": %s, \"dax\": %s, \"size\": %llu",
		       state & DAXCTL_F_STATIC ? "true" : "false",
		       stx.stx_attributes & STATX_ATTR_DAX ? "true" : "false",
		       (unsigned long long)stx.stx_size);
		if (entry)
			printf(", \"align\": %llu, \"extents\": %llu", entry->align,
			       entry->extents);
		if (have_ext) {
			printf(", \"fiemap\": {\"extents\": %u, \"unwritten\": %u",
			       ext.count, ext.unwritten);
			printf(", \"mapped\": %llu, \"chunks_aligned_to\": %llu}",
			       (unsigned long long)ext.mapped, (unsigned long long)ext.aligned);
		}
		printf("}\n");
		free_daxfiles(list, n);
		return EXIT_OK;
	}
	printf("%s: %s, %s, %s\n", path,
	       state & DAXCTL_F_STATIC ? "static-dax" : "not static-dax",
	       stx.stx_attributes & STATX_ATTR_DAX ? "DAX" : "not DAX",
	       human(stx.stx_size, b1, sizeof(b1)));
	if (entry)
		printf("  align: %s, contiguous extents found by enable: %llu\n",
		       human(entry->align, b1, sizeof(b1)), entry->extents);
	if (have_ext)
		printf("  extents: %u, unwritten: %u, mapped: %s of %s, chunks aligned to: %s\n",
		       ext.count, ext.unwritten, human(ext.mapped, b1, sizeof(b1)),
		       human(stx.stx_size, b2, sizeof(b2)),
		       ext.aligned ? human(ext.aligned, b3, sizeof(b3)) : "-");
	free_daxfiles(list, n);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "align", required_argument, NULL, 'a' },
		{ "all", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *align = NULL, *cmd;
	int c, all = 0, json = 0;

	/* Options may come before or after the command and its operands. */
	while ((c = getopt_long(argc, argv, "a:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			align = optarg;
			break;
		case 'A':
			all = 1;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			print_help(stdout);
			return EXIT_OK;
		case 'V':
			/* daxctl(2) and /proc/daxfiles as of these uapi headers. */
			printf("%s from Linux %d.%d.%d\n", prog, LINUX_VERSION_MAJOR,
			       LINUX_VERSION_PATCHLEVEL, LINUX_VERSION_SUBLEVEL);
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

	if (!strcmp(cmd, "create") && argc == 2 && !all && !json)
		return cmd_create(argv[0], argv[1], align);
	if (!strcmp(cmd, "enable") && argc == 1 && !all && !json)
		return cmd_enable(argv[0], align);
	if (!strcmp(cmd, "enable") && argc <= 1 && all && !align && !json)
		return cmd_enable_all(argc ? argv[0] : daxtab);
	if (!strcmp(cmd, "disable") && argc == 1 && !all && !align && !json)
		return cmd_disable(argv[0]);
	if (!strcmp(cmd, "disable") && argc == 0 && all && !align && !json)
		return cmd_disable_all();
	if (!strcmp(cmd, "status") && argc == 1 && !all && !align)
		return cmd_status(argv[0], json);
	if (!strcmp(cmd, "list") && argc == 0 && !all && !align)
		return cmd_list(json);
	if (!strcmp(cmd, "help")) {
		print_help(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "%s: bad command line for '%s'\n", prog, cmd);
	print_help(stderr);
	return EXIT_USAGE;
}
