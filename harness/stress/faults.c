// SPDX-License-Identifier: GPL-2.0
/*
 * faults: make every fault-injection site that daxctl() reaches fail in
 * turn, in the debug guest.
 *
 *   faults DIR
 *
 * For each of enable, disable and GET on a good 4 MiB file in DIR (on
 * the DAX filesystem), and N = 1, 2, ...: write N to
 * /proc/thread-self/fail-nth, make the call, read fail-nth back.  The
 * kernel fails the N-th fault site the task reaches (failslab: every slab
 * allocation, fail_page_alloc: every page allocation, fail_usercopy:
 * every user copy; fail_function is not used: nothing is armed there),
 * so N walks every allocation and user copy of the call.  When the read-back value
 * is not 0 the call reached fewer than N sites: that operation is done.
 *
 * Each injected call must fail with ENOMEM or EFAULT and change
 * nothing (GET and truncate agree the file is as before), or succeed
 * with the effect asked for (a site whose failure the kernel tolerates).
 * Enable is injected with 0 to 64 other files static: the global list
 * allocates only when it is full, so some of those counts reach the
 * allocation of the list entry, whose failure must be a clean ENOMEM.
 * Not every count does: when a site before it fails and the call succeeds
 * anyway, that call grows the list uninjected.  So the counts go up to
 * 64, where the list grows at lengths 16, 32 and 64 as well, and one of
 * them must be seen.
 *
 * The caller then scans for leaks (kmemleak) and the guest harness fails
 * on any splat.  Prints "faults: N sites injected ..." and exits 1 on any
 * error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/daxfile.h>
#include <sys/syscall.h>

#define SIZE (4UL << 20)

static int errors;

static long daxctl(const char *p, int flags, int align)
{
	return syscall(__NR_daxctl, p, flags, align);
}

static int make_file(const char *path, size_t size)
{
	static char buf[4096];
	size_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return -1;
	for (off = 0; off < size; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), off) != sizeof(buf))
			return -1;
	fsync(fd);
	return close(fd);
}

/* Arms the N-th fault site of this thread; 0 disarms. */
static int fail_nth_fd = -1;

static void arm(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	/*
	 * Disarming copies from user space, itself a fault site: if the
	 * call left exactly one site to go, that copy fails (EFAULT) and
	 * the count is used up, so writing again succeeds.
	 */
	if (pwrite(fail_nth_fd, buf, len, 0) != len &&
	    (n || errno != EFAULT || pwrite(fail_nth_fd, buf, len, 0) != len)) {
		perror("faults: write fail-nth");
		exit(2);
	}
}

/* Returns the sites still to pass before the fault: 0 once it fired. */
static int remaining(void)
{
	char buf[16] = "";

	/*
	 * The value is formatted before the copy to user space, which is a
	 * fault site too: EFAULT here means one site was left, and it fired
	 * in this read, not in the call.
	 */
	if (pread(fail_nth_fd, buf, sizeof(buf) - 1, 0) < 0) {
		if (errno == EFAULT)
			return 1;
		perror("faults: read fail-nth");
		exit(2);
	}
	return atoi(buf);
}

/* Whether the file is static, by GET and by what truncate says. */
static int is_static(const char *path)
{
	long get = daxctl(path, DAXCTL_F_GET, 0);
	int refused = truncate(path, SIZE) && errno == ETXTBSY;

	if ((get == DAXCTL_F_STATIC) != refused) {
		printf("faults: %s: GET says %ld but truncate was %s\n", path, get,
		       refused ? "refused" : "allowed");
		errors++;
	}
	return get == DAXCTL_F_STATIC;
}

enum op { ENABLE, DISABLE, GET };
static const char *const op_name[] = { "enable", "disable", "get" };

/* Counts of outcomes per operation: [op][0] successes, [op][errno]. */
static int outcome[3][4096];

/* Returns 1 while the N-th site was reached (and failed), 0 when done. */
static int inject(const char *path, enum op op, int n)
{
	int was_static = op == DISABLE, now, fired, e;
	long r;

	if (is_static(path) != was_static) {
		if (daxctl(path, was_static ? DAXCTL_F_STATIC : 0, 0)) {
			printf("faults: cannot reset %s: %s\n", path, strerror(errno));
			errors++;
			return 0;
		}
	}
	arm(n);
	r = daxctl(path, op == ENABLE ? DAXCTL_F_STATIC : op == GET ? DAXCTL_F_GET : 0, 0);
	e = errno;
	fired = remaining() == 0;
	arm(0);
	now = is_static(path);
	if (r < 0) {
		switch (e) {
		/*
		 * What a failed allocation or user copy may give, and all that
		 * the README claims; any other errno is shown and fails the run.
		 */
		case ENOMEM: case EFAULT:
			break;
		default:
			printf("faults: %s, site %d: undocumented %s\n", op_name[op], n,
			       strerrorname_np(e) ?: "?");
			errors++;
		}
		if (!fired) {
			printf("faults: %s failed (%s) with no fault injected\n", op_name[op],
			       strerrorname_np(e) ?: "?");
			errors++;
		}
		if (now != was_static) {
			printf("faults: %s, site %d: failed with %s but changed the state\n",
			       op_name[op], n, strerrorname_np(e) ?: "?");
			errors++;
		}
		outcome[op][e < 4096 ? e : 0]++;
	} else {
		int want = op == ENABLE ? 1 : op == DISABLE ? 0 : was_static;

		if (now != want || (op == GET && r != (was_static ? DAXCTL_F_STATIC : 0))) {
			printf("faults: %s, site %d: returned %ld but the file is %s\n",
			       op_name[op], n, r, now ? "static" : "not static");
			errors++;
		}
		outcome[op][0]++;
	}
	return fired;
}

/* Injects every site of @op in turn; returns the number of sites. */
static int inject_all(const char *path, enum op op)
{
	int n;

	for (n = 1; inject(path, op, n); n++) {
		if (n > 10000) {
			printf("faults: %s: more than 10000 sites?\n", op_name[op]);
			errors++;
			break;
		}
	}
	return n - 1;
}

static void report(enum op op, int sites, const char *extra)
{
	int e;

	printf("faults: %s: %d sites injected%s, %d calls succeeded anyway", op_name[op],
	       sites, extra, outcome[op][0]);
	for (e = 1; e < 4096; e++)
		if (outcome[op][e])
			printf(", %d %s", outcome[op][e], strerrorname_np(e) ?: "?");
	printf("\n");
	if (!sites) {
		printf("faults: %s reached no fault site: is injection configured?\n", op_name[op]);
		errors++;
	}
}

#define OTHERS 64

int main(int argc, char **argv)
{
	char path[4096], other[OTHERS][4096], extra[128];
	int total = 0, sites, min = 0, max = 0, k;

	if (argc != 2) {
		fprintf(stderr, "usage: faults DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/faults", argv[1]);
	if (make_file(path, SIZE))
		return 2;
	for (k = 0; k < OTHERS; k++) {
		snprintf(other[k], sizeof(other[k]), "%s/faults.%d", argv[1], k);
		if (make_file(other[k], 4096))
			return 2;
	}
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (fail_nth_fd < 0) {
		perror("faults: /proc/thread-self/fail-nth (CONFIG_FAULT_INJECTION?)");
		return 2;
	}
	for (k = 0; k <= OTHERS; k++) {
		/*
		 * The file under test is static after the last round: make it
		 * normal first, so that this push lands at length k - 1 and the
		 * injected one at length k; a list that grows at length 4, 8 or
		 * 16 then grows inside an injected call.
		 */
		if (daxctl(path, 0, 0))
			errors++;
		if (k && daxctl(other[k - 1], DAXCTL_F_STATIC, 0)) {
			printf("faults: cannot enable %s: %s\n", other[k - 1], strerror(errno));
			errors++;
		}
		sites = inject_all(path, ENABLE);
		/* The final call, with no fault left to fire, succeeded. */
		outcome[ENABLE][0]--;
		min = k ? (sites < min ? sites : min) : sites;
		max = k ? (sites > max ? sites : max) : sites;
		total += sites;
	}
	snprintf(extra, sizeof(extra), " (%d to %d per call, with 0 to %d other files static)",
		 min, max, OTHERS);
	report(ENABLE, total, extra);
	if (max == min) {
		printf("faults: enable never reached the allocation of a list entry\n");
		errors++;
	}
	sites = inject_all(path, DISABLE);
	outcome[DISABLE][0]--;
	report(DISABLE, sites, "");
	total += sites;
	sites = inject_all(path, GET);
	outcome[GET][0]--;
	report(GET, sites, "");
	total += sites;
	daxctl(path, 0, 0);
	unlink(path);
	for (k = 0; k < OTHERS; k++) {
		daxctl(other[k], 0, 0);
		unlink(other[k]);
	}
	printf("faults: %d sites injected in enable, disable and GET; %d errors\n", total, errors);
	return errors ? 1 : 0;
}
