/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A minimal test harness: CHECK() counts failures, check_report() prints
 * the totals and sets the exit status for meson. Helpers shared by the
 * tests of lib/ internals follow, when lib/internal.h was included first. */
#ifndef XDPCHAIN_TEST_CHECK_H
#define XDPCHAIN_TEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>

static int check_failures, check_total;

#define CHECK(cond)                                                            \
	do {                                                                   \
		check_total++;                                                 \
		if (!(cond)) {                                                 \
			check_failures++;                                      \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, \
				__LINE__, #cond);                              \
		}                                                              \
	} while (0)

static inline int check_report(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_total, check_failures);
	return check_failures ? 1 : 0;
}

/* Reads all of path into *buf (malloc'd): its size, or 0 on error (the
 * tests that read this build's BPF objects). */
static inline size_t check_slurp(const char *path, void **buf)
{
	FILE *f = fopen(path, "rb");
	long size;

	*buf = NULL;
	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
	    !(*buf = malloc((size_t)size)) || fread(*buf, 1, (size_t)size, f) != (size_t)size)
		size = 0;
	fclose(f);
	return (size_t)size;
}

#ifdef XDPCHAIN_MODEL_H
#include <string.h>
/* A tail-call slot with the default continue-on set (test_meta.c,
 * test_order.c). */
static inline struct xdpchain_slot_meta slot(__u32 id, int prio, const char *name, __u8 tag0)
{
	struct xdpchain_slot_meta s;

	memset(&s, 0, sizeof(s));
	s.prog_id = id;
	s.priority = prio;
	s.kind = XDPCHAIN_SLOT_TAILCALL;
	s.continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	s.tag[0] = tag0;
	snprintf(s.name, sizeof(s.name), "%s", name);
	return s;
}
#endif
#endif
