// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Hex packet bytes (see hex.h). */
#include <errno.h>
#include <stdbool.h>
#include "hex.h"

static int digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':' || c == '-';
}

int hex_parse(const char *str, uint8_t *buf, size_t cap, size_t *len, size_t *bad_off)
{
	size_t i = 0, n = 0, half_at = 0;
	bool half = false; /* one digit of a byte read */
	int hi = 0, d;

	*len = 0;
	*bad_off = 0;
	if (!str)
		return -EINVAL;
	if (str[0] == '0' && (str[1] == 'x' || str[1] == 'X'))
		i = 2;
	for (; str[i]; i++) {
		if (separator(str[i])) {
			if (half) {
				*bad_off = half_at;
				return -EINVAL; /* "f f": a byte split by a separator */
			}
			continue;
		}
		d = digit(str[i]);
		if (d < 0) {
			*bad_off = i;
			return -EINVAL;
		}
		if (!half) {
			hi = d;
			half = true;
			half_at = i;
			continue;
		}
		if (n >= cap) {
			*bad_off = i;
			return -E2BIG;
		}
		buf[n++] = (uint8_t)(hi << 4 | d);
		half = false;
	}
	if (half) {
		*bad_off = half_at;
		return -EINVAL;
	}
	if (!n) {
		*bad_off = i;
		return -EINVAL;
	}
	*len = n;
	return 0;
}
