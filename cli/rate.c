// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Counter rates and the --delay parser of xdpchain top (see rate.h). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include "rate.h"

double rate_per_sec(uint64_t prev, uint64_t cur, uint64_t dt_ns)
{
	uint64_t delta = cur >= prev ? cur - prev : cur;

	if (!dt_ns)
		return 0;
	return (double)delta * 1e9 / (double)dt_ns;
}

/* Digits only, at most one '.', at least one digit: parsed by hand so
 * that strtod()'s extras (signs, exponents, hex, "inf") are not accepted. */
int parse_seconds(const char *str, uint64_t *ns)
{
	uint64_t whole = 0, frac = 0, scale = 1000000000ull;
	bool dot = false, digits = false, nonzero_tail = false;

	if (!str || !*str)
		return -EINVAL;
	for (const char *p = str; *p; p++) {
		if (*p == '.') {
			if (dot)
				return -EINVAL;
			dot = true;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -EINVAL;
		digits = true;
		if (!dot) {
			whole = whole * 10 + (uint64_t)(*p - '0');
			if (whole > RATE_MAX_DELAY_S)
				return -ERANGE;
		} else if (scale > 1) {
			scale /= 10;
			frac += (uint64_t)(*p - '0') * scale;
		} else if (*p != '0') {
			nonzero_tail = true; /* below a nanosecond */
		}
	}
	if (!digits)
		return -EINVAL;
	*ns = whole * 1000000000ull + frac;
	if (*ns > (uint64_t)RATE_MAX_DELAY_S * 1000000000ull)
		return -ERANGE;
	if (!*ns) {
		if (!nonzero_tail)
			return -ERANGE;
		*ns = 1;
	}
	return 0;
}
