/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* A minimal test harness: CHECK() counts failures, TEST_MAIN prints the
 * totals and sets the exit status for meson. */
#ifndef XDPCHAIN_TEST_CHECK_H
#define XDPCHAIN_TEST_CHECK_H
#include <stdio.h>

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
#endif
