// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of make check-arm64's guest, built with nolibc twice: for arm64,
 * where daxctl() goes through the generic table (scripts/syscall.tbl),
 * and for 32-bit arm, run by the arm64 kernel through its compat table
 * (arch/arm64/tools/syscall_32.tbl).  Each build takes __NR_daxctl from
 * the uapi headers of its architecture, so a number that is missing or
 * differs between a table and its header fails to build or fails here.
 *
 * The guest has no DAX filesystem: what is checked is that the number
 * reaches daxctl() (its own errnos for each kind of bad call, not ENOSYS)
 * and that the number after it is still free (ENOSYS).  The arm64 binary then runs the 32-bit one,
 * prints a result line and powers the guest off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/daxfile.h>
#include <linux/reboot.h>

#ifndef __NR_daxctl
#error "__NR_daxctl is missing from this architecture's uapi headers"
#endif

#ifdef __aarch64__
#define ABI "arm64"
#else
#define ABI "arm32"
#endif

static int failed;

/* check(WHAT, RET, ERR): daxctl() returned RET, or -1 with errno ERR. */
static void check(const char *what, long got, long ret, int err)
{
	int e = got < 0 ? errno : 0;

	if (got == ret && (ret != -1 || e == err)) {
		printf("%s: ok: %s\n", ABI, what);
		return;
	}
	printf("%s: FAIL: %s: got %ld errno %d, want %ld errno %d\n",
	       ABI, what, got, e, ret, err);
	failed++;
}

static long daxctl(const char *path, int flags, int align)
{
	return syscall(__NR_daxctl, path, flags, align);
}

static int run_tests(const char *self)
{
	const char *plain = "/plain-" ABI;
	static const char data[4096];
	int fd;

	printf("%s: __NR_daxctl = %d\n", ABI, __NR_daxctl);
	fd = open(plain, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data)) {
		printf("%s: FAIL: cannot write %s: errno %d\n", ABI, plain, errno);
		return ++failed;
	}
	close(fd);
	check("GET of a file that is not static returns 0",
	      daxctl(self, DAXCTL_F_GET, 0), 0, 0);
	check("unknown flags: EINVAL", daxctl(self, 1 << 7, 0), -1, EINVAL);
	check("DAXCTL_F_DAX is reserved: EINVAL",
	      daxctl(self, DAXCTL_F_DAX, 0), -1, EINVAL);
	check("align not a power of two: EINVAL",
	      daxctl(self, DAXCTL_F_STATIC, 3 * 4096), -1, EINVAL);
	check("missing path: ENOENT",
	      daxctl("/no/such/file", DAXCTL_F_GET, 0), -1, ENOENT);
	check("path not mapped: EFAULT",
	      daxctl((const char *)8, DAXCTL_F_GET, 0), -1, EFAULT);
	check("a file on a filesystem without DAX: EINVAL",
	      daxctl(plain, DAXCTL_F_STATIC, 0), -1, EINVAL);
	check("a directory: EISDIR", daxctl("/", DAXCTL_F_STATIC, 0), -1,
	      EISDIR);
	check("a running executable cannot be opened for writing: ETXTBSY",
	      daxctl(self, DAXCTL_F_STATIC, 0), -1, ETXTBSY);
	check("the number after daxctl() is free: ENOSYS",
	      syscall(__NR_daxctl + 1, 0, 0, 0), -1, ENOSYS);
	return failed;
}

int main(int argc, char **argv)
{
	char *compat_argv[] = { "/compat", NULL };
	char *envp[] = { NULL };
	int status = -1;
	pid_t pid;

	run_tests(argv[0]);
	if (getpid() != 1)
		return failed ? 1 : 0;

	pid = fork();
	if (pid == 0) {
		execve("/compat", compat_argv, envp);
		printf("arm32: FAIL: execve /compat: errno %d\n", errno);
		exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		printf("arm32: FAIL: the compat binary failed (status %d)\n",
		       status);
		failed++;
	}
	printf("check-arm64: %s\n", failed ? "FAILED" : "all passed");
	reboot(LINUX_REBOOT_CMD_POWER_OFF);
	return 0;
}
