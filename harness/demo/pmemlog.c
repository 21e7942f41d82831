// SPDX-License-Identifier: GPL-2.0
/*
 * pmemlog: a tiny persistent append-only log on a static-dax file, made
 * durable with CPU cache flushes only (clwb, else clflushopt, else clflush,
 * then sfence): no msync(), no fsync().
 *
 *   pmemlog append FILE COUNT [TEXT]  append COUNT records, print each
 *                                     acknowledged sequence number as "ack N"
 *   pmemlog verify FILE [ACKED]       check every record; with ACKED, check
 *                                     that records 1..ACKED are all present
 *
 * Layout: a 64-byte header (magic, record count) and 64-byte records
 * (sequence number, checksum, text).  A record is written and flushed
 * before the count that covers it, so a crash never exposes a torn record.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC 0x676f6c6d656d70ULL	/* "pmemlog" */
#define LINE 64

struct header {
	uint64_t magic;
	uint64_t count;
	uint8_t pad[LINE - 16];
};

struct record {
	uint64_t seq;
	uint64_t sum;
	char text[LINE - 16];
};

enum flush_kind { CLWB, CLFLUSHOPT, CLFLUSH };
static enum flush_kind kind = CLFLUSH;

static void pick_flush(void)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		if (b & (1U << 24))
			kind = CLWB;
		else if (b & (1U << 23))
			kind = CLFLUSHOPT;
	}
}

static const char *flush_name(void)
{
	return kind == CLWB ? "clwb" : kind == CLFLUSHOPT ? "clflushopt" : "clflush";
}

/* Writes back the cache lines of [p, p + len) and orders them before later stores. */
static void persist(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(LINE - 1);

	for (; a < (uintptr_t)p + len; a += LINE) {
		switch (kind) {
		case CLWB:
			asm volatile(".byte 0x66, 0x0f, 0xae, 0x30" :: "a"(a) : "memory");
			break;
		case CLFLUSHOPT:
			asm volatile(".byte 0x66, 0x0f, 0xae, 0x38" :: "a"(a) : "memory");
			break;
		default:
			asm volatile("clflush (%0)" :: "r"(a) : "memory");
		}
	}
	asm volatile("sfence" ::: "memory");
}

static uint64_t checksum(const struct record *r)
{
	uint64_t h = 1469598103934665603ULL ^ r->seq;
	size_t i;

	for (i = 0; i < sizeof(r->text); i++)
		h = (h ^ (uint8_t)r->text[i]) * 1099511628211ULL;
	return h;
}

static void *map(const char *path, size_t *len)
{
	struct stat st;
	void *p;
	int fd;

	fd = open(path, O_RDWR);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		exit(1);
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	close(fd);
	*len = st.st_size;
	return p;
}

int main(int argc, char **argv)
{
	struct header *h;
	struct record *recs;
	uint64_t i, n, cap;
	size_t len;

	if (argc < 3) {
		fprintf(stderr, "usage: pmemlog append FILE COUNT [TEXT] | verify FILE [ACKED]\n");
		return 2;
	}
	pick_flush();
	h = map(argv[2], &len);
	recs = (struct record *)(h + 1);
	cap = len / LINE - 1;
	if (h->magic != MAGIC) {
		memset(h, 0, sizeof(*h));
		h->magic = MAGIC;
		persist(h, sizeof(*h));
	}
	if (!strcmp(argv[1], "append") && argc >= 4) {
		const char *text = argc > 4 ? argv[4] : "record";

		n = strtoull(argv[3], NULL, 0);
		printf("appending %llu records with %s + sfence, no msync\n",
		       (unsigned long long)n, flush_name());
		for (i = 0; i < n; i++) {
			uint64_t seq = h->count + 1;
			struct record *r;

			if (h->count >= cap) {
				fprintf(stderr, "log full at %llu records\n", (unsigned long long)h->count);
				return 1;
			}
			r = &recs[h->count];
			memset(r, 0, sizeof(*r));
			r->seq = seq;
			snprintf(r->text, sizeof(r->text), "%s %llu", text, (unsigned long long)seq);
			r->sum = checksum(r);
			persist(r, sizeof(*r));
			h->count = seq;
			persist(&h->count, sizeof(h->count));
			printf("ack %llu\n", (unsigned long long)seq);
		}
		fflush(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "verify")) {
		uint64_t acked = argc > 3 ? strtoull(argv[3], NULL, 0) : 0;

		for (i = 0; i < h->count; i++) {
			if (recs[i].seq != i + 1 || recs[i].sum != checksum(&recs[i])) {
				printf("record %llu is corrupt\n", (unsigned long long)i + 1);
				return 1;
			}
		}
		printf("%llu records, all intact", (unsigned long long)h->count);
		if (acked && h->count < acked) {
			printf("; %llu acknowledged records are MISSING\n",
			       (unsigned long long)(acked - h->count));
			return 1;
		}
		printf("%s\n", acked ? "; every acknowledged record is present" : "");
		return 0;
	}
	fprintf(stderr, "pmemlog: unknown command '%s'\n", argv[1]);
	return 2;
}
