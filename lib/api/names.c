// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The parsers and formatters of verdicts, verdict sets, modes, backends
 * and priorities (layer 5, pure: unit-tested and fuzzed): those of the
 * API, and the command line's (api/internal.h). */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api/api.h"

int xc_verdict_parse(const char *name)
{
	int v;

	if (!name)
		return xc_err(-EINVAL);
	v = xc_verdict_lookup(name, strlen(name));
	return v < 0 ? xc_err(-EINVAL) : v;
}

int xc_verdicts_parse(const char *str, __u32 *mask, const char **bad, size_t *bad_len)
{
	const char *p = str;
	__u32 m = 0;

	if (bad)
		*bad = NULL;
	if (bad_len)
		*bad_len = 0;
	if (!str || !mask)
		return xc_err(-EINVAL);
	if (!strcasecmp(str, "all")) {
		*mask = XDPCHAIN_VERDICTS_ALL;
		return 0;
	}
	if (!strcasecmp(str, "none")) {
		*mask = 0;
		return 0;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		int v = xc_verdict_lookup(p, len);

		if (v < 0) {
			if (bad)
				*bad = p;
			if (bad_len)
				*bad_len = len;
			return xc_err(-EINVAL);
		}
		m |= XDPCHAIN_VERDICT_BIT(v);
		if (!p[len])
			break;
		p += len + 1;
	}
	*mask = m;
	return 0;
}

int xdpchain_verdicts_format(__u32 mask, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int i;
	int n;

	if (!buf && len)
		return xc_err(-EINVAL);
	if (len)
		buf[0] = '\0';
	if (!(mask & XDPCHAIN_VERDICTS_ALL))
		return snprintf(buf, len, "none");
	for (i = 0; xc_verdict_name((int)i); i++) {
		if (!(mask & XDPCHAIN_VERDICT_BIT(i)))
			continue;
		n = snprintf(used < len ? buf + used : NULL, used < len ? len - used : 0,
			     "%s%s", used ? "," : "", xc_verdict_name((int)i));
		used += (size_t)n;
	}
	return (int)used;
}

const char *xdpchain_mode_str(enum xdpchain_mode mode)
{
	return xc_mode_str(mode);
}

int xdpchain_mode_parse(const char *str, enum xdpchain_mode *mode)
{
	/* iproute2's words: xdpdrv/native, xdpgeneric/skb, xdpoffload/hw. */
	static const struct {
		const char *word;
		enum xdpchain_mode mode;
	} words[] = {
		{ "native", XDPCHAIN_MODE_NATIVE }, { "drv", XDPCHAIN_MODE_NATIVE },
		{ "skb", XDPCHAIN_MODE_SKB },       { "generic", XDPCHAIN_MODE_SKB },
		{ "hw", XDPCHAIN_MODE_HW },         { "offload", XDPCHAIN_MODE_HW },
	};
	unsigned int i;

	if (!str || !mode)
		return xc_err(-EINVAL);
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcmp(str, words[i].word)) {
			*mode = words[i].mode;
			return 0;
		}
	}
	return xc_err(-EINVAL);
}

const char *xdpchain_backend_str(enum xdpchain_backend backend)
{
	switch (backend) {
	case XDPCHAIN_BACKEND_AUTO:
		return "auto";
	case XDPCHAIN_BACKEND_FREPLACE:
		return "freplace";
	case XDPCHAIN_BACKEND_TAILCALL:
		return "tailcall";
	case XDPCHAIN_BACKEND_MIXED:
		return "mixed";
	}
	return "unknown";
}

int xdpchain_backend_parse(const char *str, enum xdpchain_backend *backend)
{
	if (!str || !backend)
		return xc_err(-EINVAL);
	if (!strcmp(str, "auto"))
		*backend = XDPCHAIN_BACKEND_AUTO;
	else if (!strcmp(str, "freplace"))
		*backend = XDPCHAIN_BACKEND_FREPLACE;
	else if (!strcmp(str, "tailcall") || !strcmp(str, "tail-call"))
		*backend = XDPCHAIN_BACKEND_TAILCALL;
	else
		return xc_err(-EINVAL);
	return 0;
}

int xc_priority_parse(const char *str, int *priority)
{
	const char *p = str;
	char *end;
	long long v;

	if (!str || !priority)
		return xc_err(-EINVAL);
	if (*p == '-' || *p == '+')
		p++;
	/* Only plain decimal digits: no spaces, no hex, no empty string. */
	if (!*p)
		return xc_err(-EINVAL);
	for (; *p; p++)
		if (!isdigit((unsigned char)*p))
			return xc_err(-EINVAL);
	errno = 0;
	v = strtoll(str, &end, 10);
	if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
		return xc_err(-ERANGE);
	*priority = (int)v;
	return 0;
}
