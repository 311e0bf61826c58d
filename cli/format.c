// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Output helpers (see format.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* the parsers the API does not export */
#include "format.h"
#include "json.h"

void json_verdicts(struct json_writer *w, __u32 mask)
{
	const char *name;

	json_start_array(w);
	for (int v = 0; (name = xc_verdict_name(v)); v++)
		if (mask & XDPCHAIN_VERDICT_BIT(v))
			json_str(w, name);
	json_end_array(w);
}

void fmt_verdicts(__u32 mask, char *buf, size_t len)
{
	if (xdpchain_verdicts_format(mask, buf, len) < 0 && len)
		snprintf(buf, len, "?");
}

const char *fmt_verdict(int v, char *buf, size_t len)
{
	const char *name = xc_verdict_name(v);

	if (name)
		return name;
	snprintf(buf, len, "%d", v);
	return buf;
}

void fmt_time(__u64 ns, char *buf, size_t len)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	if (!len)
		return;
	if (!ns) {
		snprintf(buf, len, "-");
		return;
	}
	if (!localtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, len, "?");
}

void fmt_append(char *buf, size_t size, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	/* Full already: only whether there was more to say. */
	r = *n < size - 1 ? vsnprintf(buf + *n, size - *n, fmt, ap) : vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (r <= 0) {
		buf[*n] = '\0';
		return;
	}
	if (*n + (size_t)r < size) {
		*n += (size_t)r;
		return;
	}
	*n = size - 1;
	memcpy(buf + size - 4, "...", 4);
}
