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
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flush.h"

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
