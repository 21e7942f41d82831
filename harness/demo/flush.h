/* SPDX-License-Identifier: GPL-2.0 */
/*
 * flush.h: making stores to a DAX mapping durable from user space, for
 * pmemlog.c and the benchmark: clwb, else clflushopt, else clflush, over
 * every cache line of a range, then sfence.  Call pick_flush() first.
 */
#ifndef DAXFILE_FLUSH_H
#define DAXFILE_FLUSH_H

#include <cpuid.h>
#include <stddef.h>
#include <stdint.h>

#define FLUSH_LINE 64UL

enum flush_kind { CLWB, CLFLUSHOPT, CLFLUSH };
static enum flush_kind flush_kind = CLFLUSH;

static void pick_flush(void)
{
	unsigned int a, b, c, d;

	if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		if (b & (1U << 24))
			flush_kind = CLWB;
		else if (b & (1U << 23))
			flush_kind = CLFLUSHOPT;
	}
}

static const char *flush_name(void)
{
	return flush_kind == CLWB ? "clwb" : flush_kind == CLFLUSHOPT ? "clflushopt" : "clflush";
}

/* Writes back the cache lines of [p, p + len) and orders them before later stores. */
static inline void persist(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(FLUSH_LINE - 1);

	for (; a < (uintptr_t)p + len; a += FLUSH_LINE) {
		switch (flush_kind) {
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

#endif
