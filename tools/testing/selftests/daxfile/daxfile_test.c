// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for daxctl(2): static-dax files.
 *
 * Needs root and a DAX filesystem: $DAXFILE_MNT (default /mnt/dax) must be
 * an ext4 or XFS filesystem mounted with -o dax on $DAXFILE_DEV (default
 * /dev/pmem0).  Where the two differ (reflink, exchange-range), a test
 * says what each must answer.  Some tests need more: a second DAX
 * filesystem on a DAX device that is not synchronous (virtio-pmem) at
 * $DAXFILE_ASYNC_MNT (default /mnt/async-dax), userfaultfd, fault injection
 * (fail-nth and its knobs in debugfs), a writable bad-block list of the
 * pmem disk.  Tests that need what is not there SKIP and say why.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/stat.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#include "../kselftest_harness.h"

#include <linux/daxfile.h>
#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif

#ifndef XFS_SUPER_MAGIC
#define XFS_SUPER_MAGIC 0x58465342
#endif

#define SZ_1M 0x100000UL
#define SZ_2M 0x200000UL

static long daxctl(const char *path, int flags, int align)
{
	return syscall(__NR_daxctl, path, flags, align);
}

static const char *dax_mnt(void)
{
	const char *m = getenv("DAXFILE_MNT");

	return m ? m : "/mnt/dax";
}

static const char *dax_dev(void)
{
	const char *d = getenv("DAXFILE_DEV");

	return d ? d : "/dev/pmem0";
}

/* Returns 1 if the DAX filesystem under test is XFS, which has reflink. */
static int dax_fs_is_xfs(void)
{
	struct statfs sfs;

	return !statfs(dax_mnt(), &sfs) && sfs.f_type == XFS_SUPER_MAGIC;
}

/* Creates @path with @size bytes of written zeroes: no holes, no unwritten extents. */
static int make_written(const char *path, size_t size)
{
	static char buf[1 << 16];
	size_t done;
	int fd;

	fd = open(path, O_RDWR | O_CREAT, 0644);
	if (fd < 0)
		return -1;
	for (done = 0; done < size; done += sizeof(buf)) {
		size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);

		if (pwrite(fd, buf, n, done) != (ssize_t)n) {
			close(fd);
			return -1;
		}
	}
	if (fsync(fd)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/*
 * Creates @path with @size bytes the way a static-dax file should be made:
 * one fallocate() for the whole file, so that the allocator can place it
 * on stripe boundaries, then zeroes written over it, so that no extent is
 * left unwritten.
 */
static int make_preallocated(const char *path, size_t size)
{
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	if (fallocate(fd, 0, 0, size)) {
		close(fd);
		return -1;
	}
	if (close(fd))
		return -1;
	return make_written(path, size);
}

/* Returns 1 if @path is DAX per statx(), 0 if not, -1 on error. */
static int is_dax(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return -1;
	return !!(stx.stx_attributes & STATX_ATTR_DAX);
}

/*
 * Returns 1 if every @align-sized chunk of @path is one physically
 * contiguous, @align-aligned extent run per FIEMAP, 0 if not, -1 on error.
 */
static int extents_aligned(const char *path, unsigned long align)
{
	struct fiemap *fm;
	unsigned int i;
	int fd, ret = 1;
	struct stat st;

	fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st))
		return -1;
	fm = calloc(1, sizeof(*fm) + 256 * sizeof(struct fiemap_extent));
	if (!fm) {
		close(fd);
		return -1;
	}
	fm->fm_length = st.st_size;
	fm->fm_flags = FIEMAP_FLAG_SYNC;
	fm->fm_extent_count = 256;
	if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
		ret = -1;
		goto out;
	}
	for (i = 0; i < fm->fm_mapped_extents; i++) {
		struct fiemap_extent *e = &fm->fm_extents[i];

		/* Within an extent blocks are contiguous; its ends must meet chunk ends. */
		if (e->fe_flags & FIEMAP_EXTENT_UNWRITTEN ||
		    e->fe_logical % align || e->fe_physical % align ||
		    (e->fe_length % align && !(e->fe_flags & FIEMAP_EXTENT_LAST)))
			ret = 0;
	}
out:
	free(fm);
	close(fd);
	return ret;
}

/* Clears the extent size hint a new file inherited, if any; returns 0 or -1. */
static int no_extsize_hint(int fd)
{
	struct fsxattr fsx;

	if (ioctl(fd, FS_IOC_FSGETXATTR, &fsx))
		return errno == ENOTTY || errno == EOPNOTSUPP ? 0 : -1;
	if (!(fsx.fsx_xflags & FS_XFLAG_EXTSIZE))
		return 0;
	fsx.fsx_xflags &= ~FS_XFLAG_EXTSIZE;
	fsx.fsx_extsize = 0;
	return ioctl(fd, FS_IOC_FSSETXATTR, &fsx);
}

/* Runs @fn in a child process; returns its exit status, or -1. */
static int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(fn(arg));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Drops CAP_LINUX_IMMUTABLE from the effective and permitted sets. */
static int drop_cap_linux_immutable(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[0].effective &= ~(1U << CAP_LINUX_IMMUTABLE);
	data[0].permitted &= ~(1U << CAP_LINUX_IMMUTABLE);
	return syscall(SYS_capset, &hdr, data);
}

/* One line of /proc/daxfiles. */
struct daxfiles_line {
	char path[PATH_MAX];
	unsigned long long size, align, extents, ino;
	unsigned int major, minor;
};

/* Undoes the octal escapes (\ooo) of seq_file_path() in place. */
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

/*
 * Reads /proc/daxfiles: checks its header, counts the lines whose path
 * starts with @prefix (if not NULL) into *@count, and copies the line of
 * the inode @st names (if not NULL) into @out.  Returns how many lines name
 * that inode (1 if listed, 0 if not), or -1 if the file is missing or a
 * line does not parse.
 */
static int read_daxfiles(const char *prefix, const struct stat *st,
			 struct daxfiles_line *out, int *count)
{
	static const char header[] = "Filename\tSize\tAlign\tExtents\tDevice\tInode\n";
	struct daxfiles_line l;
	char line[PATH_MAX * 4 + 128];
	int found = 0, ok = 1;
	FILE *f;

	if (count)
		*count = 0;
	f = fopen("/proc/daxfiles", "r");
	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f) || strcmp(line, header))
		ok = 0;
	while (ok && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%4095s %llu %llu %llu %u:%u %llu", l.path, &l.size,
			   &l.align, &l.extents, &l.major, &l.minor, &l.ino) != 7) {
			ok = 0;
			break;
		}
		unescape(l.path);
		if (count && prefix && !strncmp(l.path, prefix, strlen(prefix)))
			(*count)++;
		if (st && l.ino == st->st_ino && l.major == major(st->st_dev) &&
		    l.minor == minor(st->st_dev)) {
			if (out)
				*out = l;
			found++;
		}
	}
	fclose(f);
	return ok ? found : -1;
}

FIXTURE(daxfile) {
	char dir[PATH_MAX / 2];
	char file[PATH_MAX];	/* 4 MiB, written */
	char other[PATH_MAX];	/* scratch name */
};

FIXTURE_SETUP(daxfile)
{
	snprintf(self->dir, sizeof(self->dir), "%s/daxfile.XXXXXX", dax_mnt());
	if (!mkdtemp(self->dir))
		SKIP(return, "no directory in %s (%s): is a DAX filesystem mounted?",
		     dax_mnt(), strerror(errno));
	snprintf(self->file, sizeof(self->file), "%s/file", self->dir);
	snprintf(self->other, sizeof(self->other), "%s/other", self->dir);
	ASSERT_EQ(0, make_written(self->file, 4 * SZ_1M));
	if (is_dax(self->file) != 1)
		SKIP(return, "%s is not DAX (STATX_ATTR_DAX clear): mount -o dax", dax_mnt());
	/* A kernel with daxctl() copies the path in, and faults on NULL. */
	if (daxctl(NULL, DAXCTL_F_GET, 0) != -1 || errno != EFAULT)
		SKIP(return, "daxctl() (syscall %d) is not in this kernel", __NR_daxctl);
}

FIXTURE_TEARDOWN(daxfile)
{
	char path[PATH_MAX + 256];
	struct dirent *d;
	DIR *dir;

	/* A test that failed half way may have left a bind mount. */
	snprintf(path, sizeof(path), "%s.bind", self->dir);
	umount2(path, MNT_DETACH);
	rmdir(path);
	/* Return everything to normal so that it can be removed. */
	dir = opendir(self->dir);
	while (dir && (d = readdir(dir))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", self->dir, d->d_name);
		swapoff(path);
		daxctl(path, 0, 0);
		unlink(path);
	}
	if (dir)
		closedir(dir);
	rmdir(self->dir);
}

TEST_F(daxfile, get_on_new_dax_file_is_zero)
{
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, get_missing_path_is_enoent)
{
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_GET, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(daxfile, get_empty_path_is_enoent)
{
	EXPECT_EQ(-1, daxctl("", DAXCTL_F_GET, 0));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(daxfile, get_bad_pointer_is_efault)
{
	EXPECT_EQ(-1, daxctl((const char *)1, DAXCTL_F_GET, 0));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(daxfile, get_overlong_path_is_enametoolong)
{
	char *path = malloc(PATH_MAX + 2);

	ASSERT_NE(NULL, path);
	memset(path, 'a', PATH_MAX + 1);
	path[PATH_MAX + 1] = '\0';
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_GET, 0));
	EXPECT_EQ(ENAMETOOLONG, errno);
	free(path);
}

TEST_F(daxfile, symlink_loop_is_eloop)
{
	/* other -> other.2 -> other: no end to follow. */
	char other2[PATH_MAX + 8];

	snprintf(other2, sizeof(other2), "%s.2", self->other);
	ASSERT_EQ(0, symlink(other2, self->other));
	ASSERT_EQ(0, symlink(self->other, other2));
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_GET, 0));
	EXPECT_EQ(ELOOP, errno);
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(ELOOP, errno);
	unlink(other2);
}

TEST_F(daxfile, path_through_a_file_is_enotdir)
{
	char path[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s/x", self->file);
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_GET, 0));
	EXPECT_EQ(ENOTDIR, errno);
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(ENOTDIR, errno);
}

TEST_F(daxfile, unknown_flags_are_einval)
{
	EXPECT_EQ(-1, daxctl(self->file, 1 << 3, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, daxctl(self->file, -1, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(daxfile, dax_flag_is_reserved)
{
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_DAX, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_DAX | DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(daxfile, unused_arguments_are_einval)
{
	/* GET takes no other flag and no align; a disable takes no align. */
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_GET | DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_GET, 4096));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, daxctl(self->file, 0, 4096));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, enable_get_disable_round_trip)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
	ASSERT_EQ(0, daxctl(self->file, 0, 0));
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, enable_static_file_again_is_zero)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, enable_again_with_other_align_is_ebusy)
{
	ASSERT_EQ(0, make_preallocated(self->other, 2 * SZ_2M));
	ASSERT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, 0));
	/* The layout was checked for 4 KiB chunks only. */
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, SZ_2M));
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, 4096));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->other, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, disable_normal_file_is_zero)
{
	EXPECT_EQ(0, daxctl(self->file, 0, 0));
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, get_through_hard_link_and_symlink)
{
	char sym[PATH_MAX];

	snprintf(sym, sizeof(sym), "%s/sym", self->dir);
	ASSERT_EQ(0, link(self->file, self->other));
	ASSERT_EQ(0, symlink("file", sym));
	ASSERT_EQ(0, daxctl(sym, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->other, DAXCTL_F_GET, 0));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
	/* Disabling through another name finds the same entry. */
	EXPECT_EQ(0, daxctl(self->other, 0, 0));
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	unlink(sym);
}

TEST_F(daxfile, align_not_power_of_two_is_einval)
{
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 3 * 4096));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(daxfile, align_below_page_size_is_einval)
{
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 512));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(daxfile, align_negative_is_einval)
{
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, -4096));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, align_larger_than_file_is_einval)
{
	/* 4 MiB file, 8 MiB chunks. */
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 8 << 20));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, enable_directory_is_eisdir)
{
	EXPECT_EQ(-1, daxctl(self->dir, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EISDIR, errno);
}

TEST_F(daxfile, fifo_is_einval_and_never_opened)
{
	struct timespec ts = { .tv_nsec = 200 * 1000 * 1000 };
	int status, fd;
	pid_t pid;

	ASSERT_EQ(0, mkfifo(self->other, 0600));
	/* A reader blocks in open() until somebody opens the FIFO for writing. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(open(self->other, O_RDONLY) < 0);
	nanosleep(&ts, NULL);
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, daxctl(self->other, 0, 0));
	EXPECT_EQ(EINVAL, errno);
	nanosleep(&ts, NULL);
	/* daxctl() looked the FIFO up without opening it: the reader still waits. */
	EXPECT_EQ(0, waitpid(pid, &status, WNOHANG));
	fd = open(self->other, O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(fd);
}

TEST_F(daxfile, immutable_or_append_only_file_is_eperm)
{
	int flags, fd, attr;

	fd = open(self->file, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, FS_IOC_GETFLAGS, &flags));
	for (attr = 0; attr < 2; attr++) {
		int set = flags | (attr ? FS_APPEND_FL : FS_IMMUTABLE_FL);

		/* Enabling opens the file for writing, which these refuse. */
		ASSERT_EQ(0, ioctl(fd, FS_IOC_SETFLAGS, &set));
		EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 0));
		EXPECT_EQ(EPERM, errno);
		ASSERT_EQ(0, ioctl(fd, FS_IOC_SETFLAGS, &flags));
	}
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	close(fd);
}

TEST_F(daxfile, read_only_mount_is_erofs)
{
	char ro[PATH_MAX], path[PATH_MAX + 16];

	snprintf(ro, sizeof(ro), "%s/ro", self->dir);
	ASSERT_EQ(0, mkdir(ro, 0700));
	/* A read-only bind mount of the test directory. */
	ASSERT_EQ(0, mount(self->dir, ro, NULL, MS_BIND, NULL));
	ASSERT_EQ(0, mount(NULL, ro, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL));
	snprintf(path, sizeof(path), "%s/file", ro);
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EROFS, errno);
	EXPECT_EQ(0, daxctl(path, DAXCTL_F_GET, 0));
	EXPECT_EQ(0, umount(ro));
	rmdir(ro);
}

TEST_F(daxfile, running_executable_is_etxtbsy)
{
	struct timespec ts = { .tv_nsec = 300 * 1000 * 1000 };
	char buf[1 << 16];
	int in, out, status;
	ssize_t n;
	pid_t pid;

	/* A copy of sleep(1) on the DAX filesystem, running. */
	in = open("/bin/sleep", O_RDONLY);
	if (in < 0)
		SKIP(return, "no /bin/sleep to run");
	out = open(self->other, O_WRONLY | O_CREAT | O_TRUNC, 0755);
	ASSERT_LE(0, out);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ASSERT_EQ(n, write(out, buf, n));
	close(in);
	close(out);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(self->other, "sleep", "5", (char *)NULL);
		_exit(127);
	}
	nanosleep(&ts, NULL);
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG));
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(ETXTBSY, errno);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
}

TEST_F(daxfile, lease_holder_gives_ewouldblock)
{
	int fd;

	/* A read lease: an open for writing must break it, and does not wait. */
	signal(SIGIO, SIG_IGN);
	fd = open(self->file, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETLEASE, F_RDLCK));
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, fcntl(fd, F_SETLEASE, F_UNLCK));
	close(fd);
	signal(SIGIO, SIG_DFL);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

/* In a child: the file table is full for a task without CAP_SYS_ADMIN. */
static int enfile_child(void *path)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	char old[64];
	int fd, n, ok;

	/* Opened first: restoring the limit needs a file too. */
	fd = open("/proc/sys/fs/file-max", O_RDWR);
	if (fd < 0)
		return 2;
	n = read(fd, old, sizeof(old));
	if (n <= 0 || syscall(SYS_capget, &hdr, data))
		return 2;
	data[0].effective &= ~(1U << CAP_SYS_ADMIN);
	if (syscall(SYS_capset, &hdr, data) || pwrite(fd, "1\n", 2, 0) != 2)
		return 2;
	ok = daxctl(path, DAXCTL_F_STATIC, 0) == -1 && errno == ENFILE;
	if (pwrite(fd, old, n, 0) != n)
		return 3;
	return ok ? 0 : 1;
}

TEST_F(daxfile, full_file_table_is_enfile)
{
	/* 0: ENFILE; 1: another answer; 2: could not set up; 3: not restored. */
	EXPECT_EQ(0, in_child(enfile_child, self->file));
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, get_on_directory_is_zero)
{
	EXPECT_EQ(0, daxctl(self->dir, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, enable_non_dax_file_is_einval)
{
	char tmp[] = "/tmp/daxfile-tmpfs.XXXXXX";
	int fd = mkstemp(tmp);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, make_written(tmp, SZ_1M));
	ASSERT_EQ(0, is_dax(tmp));
	EXPECT_EQ(-1, daxctl(tmp, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
	unlink(tmp);
}

TEST_F(daxfile, enable_file_with_hole_is_einval)
{
	static const char blk[4096];
	int fd = open(self->other, O_RDWR | O_CREAT, 0644);

	ASSERT_LE(0, fd);
	/*
	 * One block written at 0 of a 4 MiB file: the rest is a hole, except
	 * where an extent size hint (XFS, 2 MiB here) allocated (and, for
	 * DAX, zeroed) a whole extent around the block.
	 */
	ASSERT_EQ(4096, pwrite(fd, blk, sizeof(blk), 0));
	ASSERT_EQ(0, ftruncate(fd, 4 * SZ_1M));
	ASSERT_EQ(0, fsync(fd));
	ASSERT_GT(4 * SZ_1M, lseek(fd, 0, SEEK_HOLE));
	close(fd);
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, daxctl(self->other, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, enable_fallocated_unwritten_file_is_einval)
{
	int fd = open(self->other, O_RDWR | O_CREAT, 0644);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fallocate(fd, 0, 0, SZ_1M));	/* unwritten extents */
	close(fd);
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(daxfile, enable_empty_file_is_einval)
{
	int fd = open(self->other, O_RDWR | O_CREAT, 0644);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(daxfile, enable_missing_file_is_enoent)
{
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(ENOENT, errno);
}

/*
 * A file that lost its last link while the call ran gets ENOENT: nobody could
 * find it again to return it to normal.  Reached deterministically through
 * /proc/self/fd, which leads to an open file whatever its links.
 */
TEST_F(daxfile, enable_of_unlinked_file_is_enoent)
{
	char path[64];
	int fd;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	fd = open(self->other, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, unlink(self->other));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, daxctl(path, DAXCTL_F_GET, 0));
	close(fd);
}

TEST_F(daxfile, enable_bad_pointer_is_efault)
{
	EXPECT_EQ(-1, daxctl((const char *)-4096L, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EFAULT, errno);
}

/*
 * Returns the system call number @pid is blocked in, per /proc/@pid/syscall,
 * or -1 if it is running or not in one.
 */
static long blocked_in_syscall(pid_t pid)
{
	char path[64], buf[64] = "";
	long nr = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0 && buf[0] >= '0' && buf[0] <= '9')
		nr = strtol(buf, NULL, 10);
	close(fd);
	return nr;
}

struct blocked_write {
	int fd;
	void *buf;
	ssize_t ret;
};

static void *blocked_write_fn(void *arg)
{
	struct blocked_write *w = arg;

	w->ret = pwrite(w->fd, w->buf, getpagesize(), 0);
	return NULL;
}

/*
 * Runs daxctl(@path, DAXCTL_F_STATIC, 0) in a child while a write(2) to the
 * file holds the file's i_rwsem: the write's source page is missing in a
 * userfaultfd range, so the write waits in its copy from user space, under
 * the lock, until the page is supplied.  Once the child waits for the lock
 * inside daxctl(), it is sent SIGKILL if @kill_it; then the page is
 * supplied, the write finishes and the child takes the lock.  Returns the
 * child's wait status, -1 on a setup failure, -2 without userfaultfd; *@why
 * says what went wrong.
 */
static int enable_behind_blocked_write(const char *path, int kill_it, const char **why)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_zeropage zero = { 0 };
	struct blocked_write w = { .fd = -1 };
	struct pollfd pfd = { .events = POLLIN };
	struct uffd_msg msg;
	int uffd, go[2], i, wstatus, status = -1, started = 0;
	long page = getpagesize();
	pthread_t writer;
	pid_t pid;

	*why = NULL;
	if (pipe(go)) {
		*why = "pipe";
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		*why = "fork";
		close(go[0]);
		close(go[1]);
		return -1;
	}
	if (pid == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(100);
		_exit(daxctl(path, DAXCTL_F_STATIC, 0) ? errno : 0);
	}
	close(go[0]);
	uffd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		status = -2;
		*why = "userfaultfd() is not available (CONFIG_USERFAULTFD=n?)";
		goto out_child;
	}
	w.buf = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w.fd = open(path, O_RDWR);
	reg.range.start = (unsigned long)w.buf;
	reg.range.len = page;
	if (w.buf == MAP_FAILED || w.fd < 0 || ioctl(uffd, UFFDIO_API, &api) ||
	    ioctl(uffd, UFFDIO_REGISTER, &reg)) {
		*why = "userfaultfd setup";
		goto out_uffd;
	}
	if (pthread_create(&writer, NULL, blocked_write_fn, &w)) {
		*why = "pthread_create";
		goto out_uffd;
	}
	started = 1;
	/* The write faulted on its source page: it holds i_rwsem now. */
	pfd.fd = uffd;
	if (poll(&pfd, 1, 30000) != 1 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		*why = "the write did not fault on its userfaultfd page";
		goto out_resolve;
	}
	if (write(go[1], "x", 1) != 1) {
		*why = "could not start the child";
		goto out_resolve;
	}
	/* Blocked in daxctl(): waiting for i_rwsem, which the write holds. */
	for (i = 0; i < 3000 && blocked_in_syscall(pid) != __NR_daxctl; i++)
		usleep(10000);
	if (i == 3000) {
		*why = "the child did not block in daxctl()";
		goto out_resolve;
	}
	if (kill_it && kill(pid, SIGKILL)) {
		*why = "kill";
		goto out_resolve;
	}
	status = 0;
out_resolve:
	zero.range = reg.range;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zero)) {
		if (!*why)
			*why = "UFFDIO_ZEROPAGE";
		/* Releasing the userfaultfd fails the stalled copy instead. */
		close(uffd);
		uffd = -1;
	}
	if (started) {
		pthread_join(writer, NULL);
		if (w.ret != page && !*why)
			*why = "the blocked write(2) did not complete";
	}
out_uffd:
	if (w.fd >= 0)
		close(w.fd);
	if (w.buf != MAP_FAILED)
		munmap(w.buf, page);
	if (uffd >= 0)
		close(uffd);
out_child:
	close(go[1]);
	if (*why)
		kill(pid, SIGKILL);
	if (waitpid(pid, &wstatus, 0) != pid && !*why)
		*why = "waitpid";
	if (*why)
		return status == -2 ? -2 : -1;
	return wstatus;
}

/*
 * A caller killed while daxctl() runs leaves the file as it was: the walk
 * of the block map stops at a fatal signal (EINTR, which the killed caller
 * never sees).  The kill lands while the caller waits for i_rwsem, which a
 * write(2) stalled on a userfaultfd page holds, so the caller then runs the
 * whole call with SIGKILL pending.  The control: the same caller, not
 * killed, makes the file static.
 */
TEST_F(daxfile, killed_caller_leaves_file_normal)
{
	const char *why;
	int status;

	status = enable_behind_blocked_write(self->file, 0, &why);
	if (status == -2)
		SKIP(return, "%s", why);
	ASSERT_LE(0, status) TH_LOG("control: %s", why);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("control: enable failed: %s",
						 strerror(WEXITSTATUS(status)));
	ASSERT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
	ASSERT_EQ(0, daxctl(self->file, 0, 0));

	status = enable_behind_blocked_write(self->file, 1, &why);
	ASSERT_LE(0, status) TH_LOG("%s", why);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	/* Not frozen either: the block map may change again. */
	EXPECT_EQ(0, truncate(self->file, 2 * SZ_1M));
}

/*
 * Finds the bad-block list of the disk @dev is on, and the first sector of
 * @dev on that disk.  Returns 0, or -1 if there is none.
 */
static int disk_badblocks(const char *dev, char *bb, size_t len, unsigned long long *start)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char path[PATH_MAX];
	FILE *f;

	*start = 0;
	snprintf(path, sizeof(path), "/sys/class/block/%s/start", name);
	f = fopen(path, "r");
	if (f) {
		/* A partition: the list is its disk's. */
		if (fscanf(f, "%llu", start) != 1)
			*start = 0;
		fclose(f);
		snprintf(bb, len, "/sys/class/block/%s/../badblocks", name);
	} else {
		snprintf(bb, len, "/sys/class/block/%s/badblocks", name);
	}
	return access(bb, W_OK) ? -1 : 0;
}

/* The first byte of @path's first extent on its device, or -1. */
static long long first_physical(const char *path)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe;
	} m = { .fm = { .fm_length = ~0ULL, .fm_flags = FIEMAP_FLAG_SYNC, .fm_extent_count = 1 } };
	int fd = open(path, O_RDONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = ioctl(fd, FS_IOC_FIEMAP, &m.fm);
	close(fd);
	if (ret || m.fm.fm_mapped_extents != 1 || m.fe.fe_logical)
		return -1;
	return m.fe.fe_physical;
}

/*
 * A media error in the file, as the pmem driver's bad-block list records a
 * found one: dax_direct_access() refuses the page, so enable gives EIO and
 * changes nothing.  A page-aligned write(2) over it (DAX's recovery write)
 * clears the error, after which enable succeeds.
 */
TEST_F(daxfile, enable_over_media_error_is_eio)
{
	static char zero[1 << 16];
	long page = getpagesize();
	unsigned long long start, sector;
	char bb[PATH_MAX], list[256] = "";
	long long phys;
	int fd, bbfd;

	if (disk_badblocks(dax_dev(), bb, sizeof(bb), &start))
		SKIP(return, "no writable bad-block list for %s", dax_dev());
	phys = first_physical(self->file);
	ASSERT_LE(0, phys);
	sector = start + phys / 512;
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	bbfd = open(bb, O_RDWR);
	ASSERT_LE(0, bbfd);
	ASSERT_GE((long)sizeof(zero), page);
	/* One page: a recovery write must cover whole pages. */
	ASSERT_LT(0, dprintf(bbfd, "%llu %ld\n", sector, page / 512));
	/* From here on, EXPECT only: the write below must always clear the page. */
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EIO, errno);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	EXPECT_EQ(page, pwrite(fd, zero, page, 0));
	EXPECT_EQ(0, pread(bbfd, list, sizeof(list) - 1, 0)) TH_LOG("still bad: %s", list);
	close(bbfd);
	close(fd);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
}

/* Where a fault-injection attribute of debugfs is, and what it was. */
struct fault_knob {
	const char *file;
	const char *value;
	char old[16];
};

static struct fault_knob fault_knobs[] = {
	/* Fail sleeping and order-0 allocations too, without a stack dump each. */
	{ .file = "failslab/ignore-gfp-wait", .value = "N" },
	{ .file = "failslab/verbose", .value = "0" },
	{ .file = "fail_page_alloc/ignore-gfp-wait", .value = "N" },
	{ .file = "fail_page_alloc/min-order", .value = "0" },
	{ .file = "fail_page_alloc/verbose", .value = "0" },
	{ .file = "fail_usercopy/verbose", .value = "0" },
};

/* Sets (@set) or restores the knobs; returns 0 or -1. */
static int fault_knobs_apply(int set)
{
	char path[128];
	unsigned int i;
	int fd, n, ret = 0;

	for (i = 0; i < ARRAY_SIZE(fault_knobs); i++) {
		struct fault_knob *k = &fault_knobs[i];
		const char *v = set ? k->value : k->old;

		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", k->file);
		/* Some of these files cannot seek: one open to read, one to write. */
		if (set) {
			fd = open(path, O_RDONLY);
			if (fd < 0)
				return -1;
			n = read(fd, k->old, sizeof(k->old) - 1);
			k->old[n > 0 ? n : 0] = '\0';
			close(fd);
		}
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, v, strlen(v)) < 0)
			ret = -1;
		if (fd >= 0)
			close(fd);
	}
	return ret;
}

/* Arms the @n-th fault site of this thread (0 disarms); returns 0 or -1. */
static int fail_nth_arm(int fd, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(fd, buf, len, 0) == len)
		return 0;
	/*
	 * Disarming copies from user space, a fault site itself: when the
	 * call left one site to go, this copy used it up.
	 */
	return !n && errno == EFAULT && pwrite(fd, buf, len, 0) == len ? 0 : -1;
}

/* Returns 1 if the armed fault fired, 0 if not, -1 on error. */
static int fail_nth_fired(int fd)
{
	char buf[16] = "";

	/* EFAULT: one site was left, and this read's copy out used it. */
	if (pread(fd, buf, sizeof(buf) - 1, 0) < 0)
		return errno == EFAULT ? 0 : -1;
	return atoi(buf) == 0;
}

/*
 * Out of memory: every fault site an enable reaches (each slab and page
 * allocation, and each user copy) is failed in turn through
 * /proc/thread-self/fail-nth.  A failed allocation gives ENOMEM, a failed
 * copy of the path EFAULT, and neither changes the file; a site whose
 * failure the kernel tolerates lets the call succeed.  At least one site
 * must give ENOMEM, and the count ends when the call runs out of sites.
 */
TEST_F(daxfile, enable_with_each_allocation_failed_is_enomem)
{
	int fd, n, fired, e, enomem = 0, efault = 0, tolerated = 0, other = 0;
	long r;

	fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fd < 0)
		SKIP(return, "no /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION=n?)");
	if (fault_knobs_apply(1)) {
		fault_knobs_apply(0);
		close(fd);
		SKIP(return, "no fault-injection knobs in /sys/kernel/debug (%s)",
		     "CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS?");
	}
	for (n = 1; n < 10000; n++) {
		if (fail_nth_arm(fd, n)) {
			other++;
			TH_LOG("cannot arm site %d: %s", n, strerror(errno));
			break;
		}
		r = daxctl(self->file, DAXCTL_F_STATIC, 0);
		e = errno;
		fired = fail_nth_fired(fd);
		if (fail_nth_arm(fd, 0) || fired < 0) {
			other++;
			TH_LOG("cannot read or disarm fail-nth at site %d", n);
			break;
		}
		if (!fired) {
			/* Fewer than n sites: the call ran uninjected. */
			EXPECT_EQ(0, r) TH_LOG("uninjected enable: %s", strerror(e));
			break;
		}
		if (r == 0) {
			tolerated++;
			EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
			EXPECT_EQ(0, daxctl(self->file, 0, 0));
			continue;
		}
		if (e == ENOMEM) {
			enomem++;
		} else if (e == EFAULT) {
			efault++;
		} else {
			other++;
			TH_LOG("site %d: %s", n, strerror(e));
		}
		EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	}
	EXPECT_EQ(0, fault_knobs_apply(0));
	close(fd);
	TH_LOG("%d sites failed in turn: %d ENOMEM, %d EFAULT, %d tolerated, %d other",
	       n - 1, enomem, efault, tolerated, other);
	EXPECT_GT(10000, n);
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
	EXPECT_LT(0, enomem);
	EXPECT_EQ(0, other);
}

/* Returns 1 if the kernel command line skips daxctl()'s initcall, 0 if not, -1 on error. */
static int daxfile_initcall_skipped(void)
{
	char cmdline[4096], *tok, *save, *name, *save2;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, cmdline, sizeof(cmdline) - 1);
	close(fd);
	if (n < 0)
		return -1;
	cmdline[n] = '\0';
	for (tok = strtok_r(cmdline, "\n ", &save); tok; tok = strtok_r(NULL, "\n ", &save)) {
		if (strncmp(tok, "initcall_blacklist=", 19))
			continue;
		name = strtok_r(tok + 19, ",", &save2);
		for (; name; name = strtok_r(NULL, ",", &save2))
			if (!strcmp(name, "daxfile_setup"))
				return 1;
	}
	return 0;
}

/*
 * A boot that skips daxctl()'s initcall (initcall_blacklist=daxfile_setup)
 * never sets up the list of static-dax files: every call, GET included,
 * fails as a system call the kernel does not have (the errno of syscall
 * number -1), and the file is left as it was.  Needs that boot, so it skips
 * on any other, where the other tests run (and skip on this one).
 */
TEST(skipped_initcall_is_enosys)
{
	char path[PATH_MAX];
	int no_syscall;

	if (daxfile_initcall_skipped() != 1)
		SKIP(return, "daxctl() is on: boot with initcall_blacklist=daxfile_setup");
	ASSERT_EQ(-1, syscall(-1));
	no_syscall = errno;
	snprintf(path, sizeof(path), "%s/daxfile-enosys.%d", dax_mnt(), getpid());
	ASSERT_EQ(0, make_written(path, SZ_1M));
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_GET, 0));
	EXPECT_EQ(no_syscall, errno);
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(no_syscall, errno);
	EXPECT_EQ(-1, daxctl(path, 0, 0));
	EXPECT_EQ(no_syscall, errno);
	EXPECT_EQ(0, truncate(path, 4096));
	EXPECT_EQ(0, unlink(path));
}

/*
 * A DAX device that is not synchronous (virtio-pmem: there only fsync()
 * makes stores durable) cannot hold static-dax files: enable gives
 * EOPNOTSUPP and changes nothing.  Needs a second DAX filesystem, on such a
 * device, mounted at $DAXFILE_ASYNC_MNT (default /mnt/async-dax).
 */
TEST_F(daxfile, enable_on_non_synchronous_dax_is_eopnotsupp)
{
	const char *mnt = getenv("DAXFILE_ASYNC_MNT") ?: "/mnt/async-dax";
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/daxfile-async.%d", mnt, getpid());
	if (make_written(path, 4 * SZ_1M)) {
		unlink(path);
		SKIP(return, "cannot write in %s: mount DAX on virtio-pmem there", mnt);
	}
	if (is_dax(path) != 1) {
		unlink(path);
		SKIP(return, "%s is not a DAX filesystem", mnt);
	}
	EXPECT_EQ(-1, daxctl(path, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, daxctl(path, DAXCTL_F_GET, 0));
	EXPECT_EQ(0, truncate(path, SZ_1M));
	/* Were it static, the list would keep that filesystem mounted. */
	daxctl(path, 0, 0);
	EXPECT_EQ(0, unlink(path));
}

static int enable_without_cap(void *path)
{
	if (drop_cap_linux_immutable())
		return 100;
	if (daxctl(path, DAXCTL_F_STATIC, 0) != -1)
		return 101;
	if (errno != EPERM)
		return 102;
	/* GET needs no capability. */
	if (daxctl(path, DAXCTL_F_GET, 0) != 0)
		return 103;
	return 0;
}

TEST_F(daxfile, enable_without_cap_linux_immutable_is_eperm)
{
	EXPECT_EQ(0, in_child(enable_without_cap, self->file));
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

static int disable_without_cap(void *path)
{
	if (drop_cap_linux_immutable())
		return 100;
	if (daxctl(path, 0, 0) != -1)
		return 101;
	if (errno != EPERM)
		return 102;
	if (daxctl(path, DAXCTL_F_GET, 0) != DAXCTL_F_STATIC)
		return 103;
	return 0;
}

TEST_F(daxfile, disable_without_cap_linux_immutable_is_eperm)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(0, in_child(disable_without_cap, self->file));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
}

static int enable_in_userns(void *path)
{
	if (unshare(CLONE_NEWUSER))
		return errno == EINVAL || errno == EPERM ? 99 : 100;
	/* Full capabilities in the new namespace, none in the initial one. */
	if (daxctl(path, DAXCTL_F_STATIC, 0) != -1)
		return 101;
	if (errno != EPERM)
		return 102;
	return 0;
}

TEST_F(daxfile, enable_as_root_in_user_namespace_is_eperm)
{
	int ret = in_child(enable_in_userns, self->file);

	if (ret == 99)
		SKIP(return, "unshare(CLONE_NEWUSER) is not available (CONFIG_USER_NS=n?)");
	EXPECT_EQ(0, ret);
}

static int enable_as_nobody(void *path)
{
	if (setgid(65534) || setuid(65534))
		return 100;
	if (daxctl(path, DAXCTL_F_STATIC, 0) != -1)
		return 101;
	return errno == EPERM ? 0 : 102;
}

TEST_F(daxfile, enable_as_unprivileged_user_is_eperm)
{
	EXPECT_EQ(0, in_child(enable_as_nobody, self->file));
}

/*
 * Becomes uid and gid nobody, so that file permissions apply, keeping
 * CAP_LINUX_IMMUTABLE and no other capability.
 */
static int become_nobody_with_cap_linux_immutable(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (prctl(PR_SET_KEEPCAPS, 1) || setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return -1;
	data[0].effective = 1U << CAP_LINUX_IMMUTABLE;
	data[0].permitted = 1U << CAP_LINUX_IMMUTABLE;
	return syscall(SYS_capset, &hdr, data);
}

struct swapped {
	const char *link;	/* the name the caller passes */
	const char *mine;	/* a file the caller may open for writing */
	const char *secret;	/* root's, mode 0600 */
};

/* Points @sw->link at the two files in turn, atomically, until killed. */
static void swap_symlink_forever(const struct swapped *sw, const char *tmp)
{
	for (unsigned long i = 0;; i++) {
		unlink(tmp);
		if (symlink(i & 1 ? sw->secret : sw->mine, tmp) == 0)
			rename(tmp, sw->link);
	}
}

static int enable_through_swapped_symlink(void *arg)
{
	const struct swapped *sw = arg;
	int i, enabled = 0, refused = 0, dir = 0;

	if (become_nobody_with_cap_linux_immutable())
		return 100;
	for (i = 0; i < 400; i++) {
		if (daxctl(sw->link, DAXCTL_F_STATIC, 0) == 0) {
			/* The file it opened is the one it acted on. */
			if (daxctl(sw->mine, DAXCTL_F_GET, 0) != DAXCTL_F_STATIC)
				return 101;
			if (daxctl(sw->mine, 0, 0))
				return 102;
			enabled++;
		} else if (errno == EACCES) {
			refused++;
		} else if (errno == EISDIR) {
			/*
			 * Seen now and then on ext4 while the link is being
			 * replaced: the path walk resolved it to its
			 * directory (the only way to EISDIR here), which
			 * daxctl() refuses before opening anything.
			 */
			dir++;
		} else {
			return 103;
		}
		if (daxctl(sw->secret, DAXCTL_F_GET, 0) != 0)
			return 104;
	}
	printf("# %d enabled through the symlink, %d refused with EACCES, %d EISDIR\n",
	       enabled, refused, dir);
	/* Both outcomes seen: the swap really raced the calls. */
	return enabled && refused ? 0 : 105;
}

TEST_F(daxfile, swapped_symlink_cannot_reach_unopenable_file)
{
	char link_path[PATH_MAX], tmp[PATH_MAX];
	struct swapped sw = { .link = link_path, .mine = self->other, .secret = self->file };
	pid_t swapper;

	snprintf(link_path, sizeof(link_path), "%s/link", self->dir);
	snprintf(tmp, sizeof(tmp), "%s/link.tmp", self->dir);
	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	ASSERT_EQ(0, chown(self->other, 65534, 65534));
	ASSERT_EQ(0, chmod(self->other, 0600));
	ASSERT_EQ(0, chmod(self->file, 0600));
	ASSERT_EQ(0, chmod(self->dir, 0755));
	ASSERT_EQ(0, symlink(self->other, link_path));
	swapper = fork();
	ASSERT_LE(0, swapper);
	if (swapper == 0)
		swap_symlink_forever(&sw, tmp);
	EXPECT_EQ(0, in_child(enable_through_swapped_symlink, &sw));
	kill(swapper, SIGKILL);
	waitpid(swapper, NULL, 0);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	unlink(link_path);
	unlink(tmp);
}

static int get_as_nobody(void *path)
{
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 100;
	if (daxctl(path, DAXCTL_F_GET, 0) == DAXCTL_F_STATIC)
		return 0;
	return errno == EACCES ? 1 : 101;
}

TEST_F(daxfile, get_needs_search_permission_only)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	ASSERT_EQ(0, chmod(self->file, 0600));
	/* Like statx(): a file it cannot read, in a directory it can search. */
	ASSERT_EQ(0, chmod(self->dir, 0711));
	EXPECT_EQ(0, in_child(get_as_nobody, self->file));
	/* Not through a directory it cannot search. */
	ASSERT_EQ(0, chmod(self->dir, 0700));
	EXPECT_EQ(1, in_child(get_as_nobody, self->file));
}

TEST_F(daxfile, ftruncate_is_etxtbsy)
{
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ftruncate(fd, SZ_1M));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(-1, ftruncate(fd, 8 * SZ_1M));
	EXPECT_EQ(ETXTBSY, errno);
	close(fd);
}

TEST_F(daxfile, shrinking_truncate_is_etxtbsy)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, truncate(self->file, SZ_1M));
	EXPECT_EQ(ETXTBSY, errno);
}

TEST_F(daxfile, growing_truncate_is_etxtbsy)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, truncate(self->file, 8 * SZ_1M));
	EXPECT_EQ(ETXTBSY, errno);
}

TEST_F(daxfile, hole_punch_is_etxtbsy)
{
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 4096));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(-1, fallocate(fd, 0, 0, 8 * SZ_1M));
	EXPECT_EQ(ETXTBSY, errno);
	close(fd);
}

TEST_F(daxfile, other_fallocate_modes_are_etxtbsy)
{
	static const int modes[] = {
		FALLOC_FL_ZERO_RANGE,
		FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
		FALLOC_FL_COLLAPSE_RANGE,
		FALLOC_FL_INSERT_RANGE,
		FALLOC_FL_KEEP_SIZE,
	};
	unsigned int i;
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		EXPECT_EQ(-1, fallocate(fd, modes[i], SZ_1M, SZ_1M));
		EXPECT_EQ(ETXTBSY, errno) {
			TH_LOG("fallocate mode %#x", modes[i]);
		}
	}
	close(fd);
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, clone_into_static_file_is_refused)
{
	int src, dst;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	src = open(self->other, O_RDONLY);
	dst = open(self->file, O_RDWR);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	EXPECT_EQ(-1, ioctl(dst, FICLONE, src));
	/* ext4 has no reflink; on XFS, S_SWAPFILE refuses it. */
	EXPECT_EQ(dax_fs_is_xfs() ? ETXTBSY : EOPNOTSUPP, errno);
	close(src);
	close(dst);
}

TEST_F(daxfile, clone_from_static_file_is_refused)
{
	int src, dst;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	src = open(self->file, O_RDONLY);
	dst = open(self->other, O_RDWR);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	/* Sharing the blocks would make the next write to them copy-on-write. */
	EXPECT_EQ(-1, ioctl(dst, FICLONE, src));
	EXPECT_EQ(dax_fs_is_xfs() ? ETXTBSY : EOPNOTSUPP, errno);
	close(src);
	close(dst);
}

TEST_F(daxfile, dedupe_with_static_file_is_refused)
{
	struct {
		struct file_dedupe_range r;
		struct file_dedupe_range_info info;
	} d;
	int a, b, i;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	a = open(self->file, O_RDWR);
	b = open(self->other, O_RDWR);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* Both directions: the static file as source, then as destination. */
	for (i = 0; i < 2; i++) {
		memset(&d, 0, sizeof(d));
		d.r.src_length = SZ_1M;
		d.r.dest_count = 1;
		d.info.dest_fd = i ? a : b;
		errno = 0;
		if (ioctl(i ? b : a, FIDEDUPERANGE, &d) == 0) {
			/* Per-destination errors come back in the info record. */
			EXPECT_EQ(-ETXTBSY, d.info.status);
		} else {
			EXPECT_EQ(dax_fs_is_xfs() ? ETXTBSY : EOPNOTSUPP, errno);
		}
	}
	close(a);
	close(b);
}

TEST_F(daxfile, reflinked_file_is_einval)
{
	int src, dst;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	src = open(self->other, O_RDONLY);
	dst = open(self->file, O_RDWR);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	if (!dax_fs_is_xfs()) {
		/* No filesystem here can share blocks: nothing to refuse. */
		EXPECT_EQ(-1, ioctl(dst, FICLONE, src));
		EXPECT_EQ(EOPNOTSUPP, errno);
	} else {
		/* Shared blocks: the next write to them would move them. */
		ASSERT_EQ(0, ioctl(dst, FICLONE, src));
		EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 0));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, 0));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	}
	close(src);
	close(dst);
}

/* XFS_IOC_EXCHANGE_RANGE, from XFS's own header (not installed as uapi). */
struct xfs_exchange_range {
	__s32 file1_fd;
	__u32 pad;
	__u64 file1_offset;
	__u64 file2_offset;
	__u64 length;
	__u64 flags;
};

#define XFS_IOC_EXCHANGE_RANGE _IOW('X', 129, struct xfs_exchange_range)

TEST_F(daxfile, exchange_range_with_static_file_is_refused)
{
	struct xfs_exchange_range x;
	int a, b, i;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	a = open(self->file, O_RDWR);
	b = open(self->other, O_RDWR);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* The static file as file1, then as file2. */
	for (i = 0; i < 2; i++) {
		memset(&x, 0, sizeof(x));
		x.file1_fd = i ? b : a;
		x.length = SZ_1M;
		EXPECT_EQ(-1, ioctl(i ? a : b, XFS_IOC_EXCHANGE_RANGE, &x));
		/*
		 * ext4 does not know the ioctl; XFS needs the exchange-range
		 * feature (mkfs.xfs -i exchange=1) to get as far as the check.
		 */
		if (dax_fs_is_xfs() && errno == EOPNOTSUPP)
			SKIP(break, "no exchange-range on this XFS (mkfs.xfs -i exchange=1)");
		EXPECT_EQ(dax_fs_is_xfs() ? ETXTBSY : ENOTTY, errno);
	}
	close(a);
	close(b);
}

/* Returns the physical address FIEMAP gives for byte @off of @fd, or 0. */
static unsigned long long physical_at(int fd, unsigned long long off)
{
	struct {
		struct fiemap fm;
		struct fiemap_extent fe;
	} f;

	memset(&f, 0, sizeof(f));
	f.fm.fm_start = off;
	f.fm.fm_length = 4096;
	f.fm.fm_extent_count = 1;
	if (ioctl(fd, FS_IOC_FIEMAP, &f) || f.fm.fm_mapped_extents != 1)
		return 0;
	return f.fe.fe_physical + (off - f.fe.fe_logical);
}

TEST_F(daxfile, xfs_cow_fork_blocks_are_refused)
{
	static const char blk[4096] = { 1 };
	unsigned long long before;
	int src, dst;

	ASSERT_EQ(0, make_written(self->other, 4 * SZ_1M));
	src = open(self->other, O_RDONLY);
	dst = open(self->file, O_RDWR);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	if (!dax_fs_is_xfs()) {
		/* ext4 has neither reflink nor a copy-on-write fork. */
		EXPECT_EQ(-1, ioctl(dst, FICLONE, src));
		EXPECT_EQ(EOPNOTSUPP, errno);
		close(src);
		close(dst);
		return;
	}
	/*
	 * Share the blocks, write one (copy-on-write, which preallocates
	 * around it in the COW fork), then drop the clone: nothing is shared
	 * any more, but the COW fork may still hold blocks, where the next
	 * write near the first would go.
	 */
	ASSERT_EQ(0, ioctl(dst, FICLONE, src));
	ASSERT_EQ(4096, pwrite(dst, blk, sizeof(blk), 0));
	close(src);
	ASSERT_EQ(0, unlink(self->other));
	ASSERT_EQ(0, fsync(dst));
	before = physical_at(dst, 8192);
	ASSERT_NE(0, before);
	if (daxctl(self->file, DAXCTL_F_STATIC, 0) == 0) {
		/* Accepted: then a write must not move a block. */
		TH_LOG("accepted: no blocks left in the COW fork");
		ASSERT_EQ(4096, pwrite(dst, blk, sizeof(blk), 8192));
		EXPECT_EQ(before, physical_at(dst, 8192));
	} else {
		TH_LOG("refused: blocks in the COW fork");
		EXPECT_EQ(EINVAL, errno);
	}
	close(dst);
}

TEST_F(daxfile, copy_file_range_out_of_static_file_works)
{
	loff_t off_in = 0, off_out = 0;
	int src, dst;

	ASSERT_EQ(0, make_written(self->other, SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	src = open(self->file, O_RDONLY);
	dst = open(self->other, O_RDWR);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	EXPECT_EQ(4096, copy_file_range(src, &off_in, dst, &off_out, 4096, 0));
	close(src);
	close(dst);
}

TEST_F(daxfile, copy_file_range_into_static_file_is_etxtbsy)
{
	loff_t off_in = 0, off_out = 0;
	int src, dst;

	ASSERT_EQ(0, make_written(self->other, SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	src = open(self->other, O_RDONLY);
	dst = open(self->file, O_RDWR);
	ASSERT_LE(0, src);
	ASSERT_LE(0, dst);
	EXPECT_EQ(-1, copy_file_range(src, &off_in, dst, &off_out, 4096, 0));
	EXPECT_EQ(ETXTBSY, errno);
	close(src);
	close(dst);
}

TEST_F(daxfile, unlink_is_eperm)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, unlink(self->file));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(daxfile, rename_is_eperm)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, rename(self->file, self->other));
	EXPECT_EQ(EPERM, errno);
	/* Nor may another file replace it. */
	ASSERT_EQ(0, make_written(self->other, 4096));
	EXPECT_EQ(-1, rename(self->other, self->file));
	EXPECT_EQ(EPERM, errno);
}

TEST_F(daxfile, swapon_is_ebusy)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, swapon(self->file, 0));
	EXPECT_EQ(EBUSY, errno);
}

/* Turn a written file into a swap area: a version 1 header in its first page. */
static int make_swap_header(const char *path, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int hdr[3] = { 1, size / page - 1, 0 };
	int fd = open(path, O_WRONLY);
	int ret = 0;

	if (fd < 0)
		return -1;
	/* version, last_page, nr_badpages after the 1024 boot bytes. */
	if (pwrite(fd, hdr, sizeof(hdr), 1024) != sizeof(hdr) ||
	    pwrite(fd, "SWAPSPACE2", 10, page - 10) != 10 || fsync(fd))
		ret = -1;
	close(fd);
	return ret;
}

/*
 * daxctl() answers EBUSY for a swap file, but no swap file can be DAX:
 * swapon() reads the header through ->read_folio, which DAX files lack.
 * Check that premise, since the errno table relies on it.
 */
TEST_F(daxfile, swapon_of_dax_file_is_einval)
{
	ASSERT_EQ(0, make_swap_header(self->file, 4 * SZ_1M));
	EXPECT_EQ(-1, swapon(self->file, 0));
	EXPECT_EQ(EINVAL, errno);
	/* A DAX file with a swap header is just a DAX file. */
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
}

TEST_F(daxfile, align_1g_on_small_file_is_einval)
{
	/* The 4 MiB file cannot hold one 1 GiB chunk. */
	EXPECT_EQ(-1, daxctl(self->file, DAXCTL_F_STATIC, 1 << 30));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
}

TEST_F(daxfile, shared_mapping_store_persists_without_msync)
{
	static const char msg[] = "stored through a static-dax mapping";
	char *p;
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	p = mmap(NULL, 4 * SZ_1M, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memcpy(p + SZ_1M + 100, msg, sizeof(msg));
	ASSERT_EQ(0, munmap(p, 4 * SZ_1M));
	p = mmap(NULL, 4 * SZ_1M, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, memcmp(p + SZ_1M + 100, msg, sizeof(msg)));
	munmap(p, 4 * SZ_1M);
	close(fd);
}

TEST_F(daxfile, map_sync_mapping_is_allowed)
{
	char *p;
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	p = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	p[0] = 'x';
	EXPECT_EQ('x', p[0]);
	munmap(p, SZ_2M);
	close(fd);
}

TEST_F(daxfile, pwrite_inside_eof_works)
{
	char buf[8] = { 0 };
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	EXPECT_EQ(5, pwrite(fd, "hello", 5, 4 * SZ_1M - 5));
	EXPECT_EQ(5, pread(fd, buf, 5, 4 * SZ_1M - 5));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	close(fd);
}

TEST_F(daxfile, pwrite_past_eof_is_etxtbsy)
{
	struct stat st;
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_RDWR);
	ASSERT_LE(0, fd);
	/* Straddling EOF is refused whole. */
	EXPECT_EQ(-1, pwrite(fd, "hello", 5, 4 * SZ_1M - 2));
	EXPECT_EQ(ETXTBSY, errno);
	EXPECT_EQ(-1, pwrite(fd, "hello", 5, 4 * SZ_1M));
	EXPECT_EQ(ETXTBSY, errno);
	ASSERT_EQ(0, fstat(fd, &st));
	EXPECT_EQ(4 * SZ_1M, st.st_size);
	close(fd);
}

TEST_F(daxfile, append_write_is_etxtbsy)
{
	int fd;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	fd = open(self->file, O_WRONLY | O_APPEND);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, write(fd, "x", 1));
	EXPECT_EQ(ETXTBSY, errno);
	close(fd);
}

TEST_F(daxfile, umount_is_ebusy_until_disabled)
{
	const char *fstype;
	char cwd[PATH_MAX];

	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(0, chdir("/"));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, umount(dax_mnt()));
	EXPECT_EQ(EBUSY, errno);
	ASSERT_EQ(0, daxctl(self->file, 0, 0));
	/* Nothing else holds the filesystem: it unmounts now, and comes back. */
	EXPECT_EQ(0, umount(dax_mnt()));
	fstype = getenv("DAXFILE_FS") ? getenv("DAXFILE_FS") : "ext4";
	ASSERT_EQ(0, mount(dax_dev(), dax_mnt(), fstype, 0, "dax"));
	ASSERT_EQ(0, chdir(cwd));
	EXPECT_EQ(1, is_dax(self->file));
}

TEST_F(daxfile, proc_daxfiles_lists_static_file)
{
	struct daxfiles_line l;
	char real[PATH_MAX];
	struct stat st;

	ASSERT_EQ(0, make_preallocated(self->other, 2 * SZ_2M));
	ASSERT_EQ(0, stat(self->other, &st));
	ASSERT_NE(NULL, realpath(self->other, real));
	ASSERT_EQ(0, read_daxfiles(NULL, &st, &l, NULL)) {
		TH_LOG("/proc/daxfiles is missing, malformed or lists a normal file");
	}
	if (extents_aligned(self->other, SZ_2M) != 1)
		SKIP(return, "the filesystem did not allocate 2 MiB aligned extents");
	ASSERT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, SZ_2M));
	ASSERT_EQ(1, read_daxfiles(NULL, &st, &l, NULL));
	EXPECT_STREQ(real, l.path);
	EXPECT_EQ(2 * SZ_2M, l.size);
	EXPECT_EQ(SZ_2M, l.align);
	/* At most one extent per chunk; FIEMAP may split where the walk does not. */
	EXPECT_LE(1, l.extents);
	EXPECT_GE(2, l.extents);
}

TEST_F(daxfile, proc_daxfiles_shows_default_align_as_page_size)
{
	struct daxfiles_line l;
	struct stat st;

	ASSERT_EQ(0, stat(self->file, &st));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	ASSERT_EQ(1, read_daxfiles(NULL, &st, &l, NULL));
	EXPECT_EQ(sysconf(_SC_PAGESIZE), l.align);
	EXPECT_EQ(4 * SZ_1M, l.size);
}

TEST_F(daxfile, proc_daxfiles_drops_disabled_file)
{
	struct stat st;

	ASSERT_EQ(0, stat(self->file, &st));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	ASSERT_EQ(1, read_daxfiles(NULL, &st, NULL, NULL));
	ASSERT_EQ(0, daxctl(self->file, 0, 0));
	EXPECT_EQ(0, read_daxfiles(NULL, &st, NULL, NULL));
}

TEST_F(daxfile, proc_daxfiles_keeps_file_after_refused_unlink)
{
	struct daxfiles_line l;
	char real[PATH_MAX];
	struct stat st;

	ASSERT_EQ(0, stat(self->file, &st));
	ASSERT_NE(NULL, realpath(self->file, real));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, unlink(self->file));
	EXPECT_EQ(EPERM, errno);
	ASSERT_EQ(1, read_daxfiles(NULL, &st, &l, NULL));
	EXPECT_STREQ(real, l.path);
}

TEST_F(daxfile, proc_daxfiles_escapes_whitespace)
{
	char name[PATH_MAX], real[PATH_MAX], raw[PATH_MAX * 4];
	struct daxfiles_line l;
	struct stat st;
	FILE *f;

	snprintf(name, sizeof(name), "%s/a b\tc\\d\ne\001f\177g", self->dir);
	ASSERT_EQ(0, make_written(name, 64 * 1024));
	ASSERT_EQ(0, stat(name, &st));
	ASSERT_NE(NULL, realpath(name, real));
	ASSERT_EQ(0, daxctl(name, DAXCTL_F_STATIC, 0));
	/* One path field, which the octal escapes give back exactly. */
	EXPECT_EQ(1, read_daxfiles(NULL, &st, &l, NULL));
	EXPECT_STREQ(real, l.path);
	f = fopen("/proc/daxfiles", "r");
	ASSERT_NE(NULL, f);
	raw[fread(raw, 1, sizeof(raw) - 1, f)] = '\0';
	fclose(f);
	EXPECT_NE(NULL, strstr(raw, "a\\040b\\011c\\134d\\012e\\001f\\177g\t"));
	EXPECT_EQ(0, daxctl(name, 0, 0));
	EXPECT_EQ(0, unlink(name));
}

/*
 * 64 files with 200-byte names: about 17 KiB of output, more than the
 * first buffer seq_file tries, so that show() runs again with a larger one.
 */
TEST_F(daxfile, proc_daxfiles_lists_64_files)
{
	char names[64][PATH_MAX / 2 + 256];
	char real[PATH_MAX], prefix[PATH_MAX + 2];
	struct stat st;
	int i, count;

	ASSERT_NE(NULL, realpath(self->dir, real));
	snprintf(prefix, sizeof(prefix), "%s/", real);
	for (i = 0; i < 64; i++) {
		snprintf(names[i], sizeof(names[i]), "%s/f%02d-%0197d", self->dir, i, 0);
		ASSERT_EQ(0, make_written(names[i], 64 * 1024));
		ASSERT_EQ(0, daxctl(names[i], DAXCTL_F_STATIC, 0));
	}
	ASSERT_LE(0, read_daxfiles(prefix, NULL, NULL, &count));
	EXPECT_EQ(64, count);
	/* Each file has its own line. */
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(0, stat(names[i], &st));
		EXPECT_EQ(1, read_daxfiles(NULL, &st, NULL, NULL));
	}
	for (i = 0; i < 64; i++) {
		EXPECT_EQ(0, daxctl(names[i], 0, 0));
		EXPECT_EQ(0, unlink(names[i]));
	}
	ASSERT_LE(0, read_daxfiles(prefix, NULL, NULL, &count));
	EXPECT_EQ(0, count);
}

static int read_daxfiles_unprivileged(void *arg)
{
	const struct stat *st = arg;

	if (setgid(65534) || setuid(65534))
		return 2;
	return read_daxfiles(NULL, st, NULL, NULL) == 1 ? 0 : 1;
}

TEST_F(daxfile, proc_daxfiles_readable_by_everyone)
{
	struct stat st;

	ASSERT_EQ(0, stat(self->file, &st));
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(0, in_child(read_daxfiles_unprivileged, &st));
}

TEST_F(daxfile, proc_daxfiles_shows_lazily_unmounted_file)
{
	char bind[PATH_MAX / 2 + 8], cwd[PATH_MAX], want[PATH_MAX + 16];
	struct daxfiles_line l;
	struct stat st;

	ASSERT_NE(NULL, getcwd(cwd, sizeof(cwd)));
	ASSERT_EQ(0, chdir("/"));
	ASSERT_EQ(0, stat(self->file, &st));
	snprintf(bind, sizeof(bind), "%s.bind", self->dir);
	ASSERT_EQ(0, mkdir(bind, 0700));
	ASSERT_EQ(0, mount(dax_mnt(), bind, NULL, MS_BIND, NULL));
	snprintf(want, sizeof(want), "%s/%s/file", bind, strrchr(self->dir, '/') + 1);
	ASSERT_EQ(0, daxctl(want, DAXCTL_F_STATIC, 0));
	ASSERT_EQ(1, read_daxfiles(NULL, &st, &l, NULL));
	EXPECT_STREQ(want, l.path);
	/* Detached, the mount is reachable from no root: d_path() gives the path in it. */
	ASSERT_EQ(0, umount2(bind, MNT_DETACH));
	ASSERT_EQ(1, read_daxfiles(NULL, &st, &l, NULL));
	snprintf(want, sizeof(want), "/%s/file", strrchr(self->dir, '/') + 1);
	EXPECT_STREQ(want, l.path);
	/* The list finds the inode through any name: the entry goes, and the mount with it. */
	EXPECT_EQ(0, daxctl(self->file, 0, 0));
	EXPECT_EQ(0, read_daxfiles(NULL, &st, NULL, NULL));
	EXPECT_EQ(0, rmdir(bind));
	ASSERT_EQ(0, chdir(cwd));
}

TEST_F(daxfile, truncate_works_after_disable)
{
	struct stat st;

	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	EXPECT_EQ(-1, truncate(self->file, SZ_1M));
	ASSERT_EQ(0, daxctl(self->file, 0, 0));
	EXPECT_EQ(0, truncate(self->file, SZ_1M));
	ASSERT_EQ(0, stat(self->file, &st));
	EXPECT_EQ(SZ_1M, st.st_size);
	EXPECT_EQ(0, unlink(self->file));
}

TEST_F(daxfile, align_2m_on_aligned_file_succeeds)
{
	int aligned;

	ASSERT_EQ(0, make_preallocated(self->other, 4 * SZ_2M));
	aligned = extents_aligned(self->other, SZ_2M);
	ASSERT_LE(0, aligned);
	if (!aligned)
		SKIP(return, "the file is not on 2 MiB boundaries (mkfs.ext4 -E stride=512)");
	EXPECT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, SZ_2M));
	EXPECT_EQ(DAXCTL_F_STATIC, daxctl(self->other, DAXCTL_F_GET, 0));
}

/* Writes @val to the tracefs file @name; returns 0 or -1. */
static int trace_write(const char *name, const char *val)
{
	char path[PATH_MAX];
	int fd, ret;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", name);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * Counts the dax_pmd_fault_done events of inode @ino in the trace buffer
 * that ended with a PMD mapping (NOPAGE) and that fell back to PTEs.
 */
static int count_pmd_faults(unsigned long ino, int *mapped, int *fallback)
{
	char line[1024], tag[64];
	FILE *f;

	f = fopen("/sys/kernel/tracing/trace", "r");
	if (!f)
		return -1;
	snprintf(tag, sizeof(tag), " ino %#lx ", ino);
	*mapped = *fallback = 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "dax_pmd_fault_done:") || !strstr(line, tag))
			continue;
		if (strstr(line, "FALLBACK"))
			(*fallback)++;
		else if (strstr(line, "NOPAGE"))
			(*mapped)++;
	}
	fclose(f);
	return 0;
}

TEST_F(daxfile, align_2m_maps_each_chunk_with_one_pmd_fault)
{
	int fd, i, mapped, fallback;
	struct stat st;
	char *res, *p;

	ASSERT_EQ(0, make_preallocated(self->other, 4 * SZ_2M));
	ASSERT_EQ(1, extents_aligned(self->other, SZ_2M));
	ASSERT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, SZ_2M));
	if (access("/sys/kernel/tracing/trace", F_OK))
		mount("nodev", "/sys/kernel/tracing", "tracefs", 0, NULL);
	if (trace_write("events/fs_dax/dax_pmd_fault_done/enable", "1"))
		SKIP(return, "no fs_dax tracepoints (CONFIG_FS_DAX and tracefs needed)");
	fd = open(self->other, O_RDWR);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fstat(fd, &st));
	/* A 2 MiB-aligned address: reserve more, then map the file over it. */
	res = mmap(NULL, 5 * SZ_2M, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, res);
	p = (char *)(((unsigned long)res + SZ_2M - 1) & ~(SZ_2M - 1));
	ASSERT_EQ(p, mmap(p, 4 * SZ_2M, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0));
	ASSERT_EQ(0, trace_write("trace", ""));
	ASSERT_EQ(0, trace_write("tracing_on", "1"));
	/* Touch each 2 MiB chunk once, with a store. */
	for (i = 0; i < 4; i++)
		p[i * SZ_2M + 4096 * i] = 1;
	ASSERT_EQ(0, trace_write("tracing_on", "0"));
	trace_write("events/fs_dax/dax_pmd_fault_done/enable", "0");
	ASSERT_EQ(0, count_pmd_faults(st.st_ino, &mapped, &fallback));
	EXPECT_EQ(4, mapped);
	EXPECT_EQ(0, fallback);
	munmap(res, 5 * SZ_2M);
	close(fd);
}

/* Monotonic seconds, to log how long the slowest tests take. */
static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * 1024 small writes, no fsync: 0.7 s (ext4) and 3.1 s (XFS) on a KASAN
 * kernel under QEMU TCG on an idle host, 18.3 s (ext4) beside another
 * make check's kernel builds: too close to the default 30 s, so 120.
 */
TEST_F_TIMEOUT(daxfile, align_2m_on_fragmented_file_is_einval, 120)
{
	double start = seconds();
	char third[PATH_MAX];
	int a, b, i;

	/* Interleave the blocks of two files so that neither is contiguous. */
	snprintf(third, sizeof(third), "%s/third", self->dir);
	a = open(self->other, O_RDWR | O_CREAT, 0644);
	b = open(third, O_RDWR | O_CREAT, 0644);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* No extent size hint (XFS): it would allocate 2 MiB at a time. */
	ASSERT_EQ(0, no_extsize_hint(a));
	ASSERT_EQ(0, no_extsize_hint(b));
	/*
	 * DAX writes allocate blocks as they go (no delayed allocation), so
	 * alternating 4 KiB writes interleave the files without an fsync.
	 */
	for (i = 0; i < 512; i++) {
		static const char blk[4096];

		ASSERT_EQ(4096, pwrite(a, blk, 4096, i * 4096L));
		ASSERT_EQ(4096, pwrite(b, blk, 4096, i * 4096L));
	}
	close(a);
	close(b);
	unlink(third);
	ASSERT_EQ(0, extents_aligned(self->other, SZ_2M));
	EXPECT_EQ(-1, daxctl(self->other, DAXCTL_F_STATIC, SZ_2M));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, daxctl(self->other, DAXCTL_F_GET, 0));
	/* Page-sized chunks ask nothing of contiguity. */
	EXPECT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, 0));
	TH_LOG("took %.1f s (timeout 120 s)", seconds() - start);
}

TEST_F(daxfile, disabled_file_is_writable_and_removable)
{
	ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
	ASSERT_EQ(0, daxctl(self->file, 0, 0));
	EXPECT_EQ(0, make_written(self->file, SZ_1M));
	EXPECT_EQ(0, rename(self->file, self->other));
	EXPECT_EQ(0, unlink(self->other));
}

TEST_F(daxfile, enable_disable_cycles_leave_no_state)
{
	int i;

	for (i = 0; i < 200; i++) {
		ASSERT_EQ(0, daxctl(self->file, DAXCTL_F_STATIC, 0));
		ASSERT_EQ(0, daxctl(self->file, 0, 0));
	}
	EXPECT_EQ(0, daxctl(self->file, DAXCTL_F_GET, 0));
	EXPECT_EQ(0, unlink(self->file));
}

static int kmemleak_cmd(const char *cmd)
{
	int fd = open("/sys/kernel/debug/kmemleak", O_RDWR);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, cmd, strlen(cmd));
	close(fd);
	return n == (ssize_t)strlen(cmd) ? 0 : -1;
}

/*
 * 1000 cycles, a 6 s wait and two kmemleak scans took 14.4 s (ext4) and 14.6 s
 * (XFS) on a KASAN kernel under QEMU TCG on an idle host, and 41.6 s beside a
 * kernel build: more than the default 30 s; 120 s is 8 times the idle time.
 */
TEST_F_TIMEOUT(daxfile, no_leak_after_1000_cycles, 120)
{
	double start = seconds();
	char report[4096];
	ssize_t n;
	int fd, i;

	if (kmemleak_cmd("clear"))
		SKIP(return, "no /sys/kernel/debug/kmemleak (CONFIG_DEBUG_KMEMLEAK, debugfs)");
	ASSERT_EQ(0, make_written(self->other, 64 * 1024));
	for (i = 0; i < 1000; i++) {
		ASSERT_EQ(0, daxctl(self->other, DAXCTL_F_STATIC, 0));
		ASSERT_EQ(0, daxctl(self->other, 0, 0));
	}
	/* Objects must be older than kmemleak's minimum age to be reported. */
	sleep(6);
	ASSERT_EQ(0, kmemleak_cmd("scan"));
	ASSERT_EQ(0, kmemleak_cmd("scan"));
	fd = open("/sys/kernel/debug/kmemleak", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, report, sizeof(report) - 1);
	close(fd);
	ASSERT_LE(0, n);
	report[n > 0 ? n : 0] = '\0';
	EXPECT_EQ(0, n) {
		TH_LOG("kmemleak: %s", report);
	}
	TH_LOG("took %.1f s (timeout 120 s)", seconds() - start);
}

TEST_HARNESS_MAIN
