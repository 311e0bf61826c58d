/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput()
 * and is linked either with libFuzzer (clang -fsanitize=fuzzer) or with
 * replay.c, which runs it once on every corpus and regression file. */
#ifndef XDPCHAIN_FUZZ_H
#define XDPCHAIN_FUZZ_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpchain/xdpchain.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property the code under test must keep: a violation is a finding
 * just like a crash, so abort() where libFuzzer and the replay see it. */
#define FUZZ_ASSERT(cond)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: property violated: %s\n",     \
				__FILE__, __LINE__, #cond);                    \
			abort();                                               \
		}                                                              \
	} while (0)

/* Input as a C string (stops at the first NUL byte, as argv or a file
 * name would). Returns NULL if out of memory; free() it. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/* Library warnings on bad input are expected: keep the run quiet. */
static inline int fuzz_quiet_print(enum xdpchain_print_level level, const char *fmt,
				   va_list args)
{
	return 0;
}

#endif
