// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: the library's parsers of user strings (command-line
 * arguments, configuration files, run-config member names): verdicts,
 * verdict sets, priorities, modes, backends, owner labels. Input: one
 * string. Whatever parses must print and parse back to the same value. */
#include <limits.h>
#include "fuzz.h"
#include "model/model.h"
#include "api/internal.h"

static void verdicts(const char *s)
{
	const char *bad = (const char *)1;
	size_t bad_len = (size_t)-1;
	char buf[64], small[64];
	__u32 mask = 0xdead, again;
	int n, k;

	if (xc_verdicts_parse(s, &mask, &bad, &bad_len)) {
		/* The bad word is inside the string. */
		FUZZ_ASSERT(bad >= s && bad + bad_len <= s + strlen(s));
		FUZZ_ASSERT(mask == 0xdead);
		return;
	}
	FUZZ_ASSERT(!bad && !bad_len);
	FUZZ_ASSERT(!(mask & ~XDPCHAIN_VERDICTS_ALL));
	n = xdpchain_verdicts_format(mask, buf, sizeof(buf));
	FUZZ_ASSERT(n > 0 && (size_t)n < sizeof(buf) && (size_t)n == strlen(buf));
	FUZZ_ASSERT(!xc_verdicts_parse(buf, &again, NULL, NULL) && again == mask);
	/* Every smaller buffer gets a terminated prefix and the same length. */
	for (k = 0; k <= n; k++) {
		memset(small, 'x', sizeof(small));
		FUZZ_ASSERT(xdpchain_verdicts_format(mask, k ? small : NULL, (size_t)k) == n);
		if (k) {
			FUZZ_ASSERT(strlen(small) == (size_t)k - 1);
			FUZZ_ASSERT(!strncmp(small, buf, (size_t)k - 1));
		}
	}
}

static void priority(const char *s)
{
	char buf[16];
	int p, again;

	if (xc_priority_parse(s, &p))
		return;
	snprintf(buf, sizeof(buf), "%d", p);
	FUZZ_ASSERT(!xc_priority_parse(buf, &again) && again == p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum xdpchain_backend backend, again_b;
	enum xdpchain_mode mode, again_m;
	char *s = fuzz_cstr(data, size);
	int v;

	if (!s)
		return 0;
	v = xc_verdict_parse(s);
	if (v >= 0) {
		FUZZ_ASSERT(xc_verdict_name(v));
		FUZZ_ASSERT(xc_verdict_parse(xc_verdict_name(v)) == v);
	}
	verdicts(s);
	priority(s);
	if (!xdpchain_mode_parse(s, &mode)) {
		FUZZ_ASSERT(!xdpchain_mode_parse(xdpchain_mode_str(mode), &again_m));
		FUZZ_ASSERT(again_m == mode);
	}
	if (!xdpchain_backend_parse(s, &backend)) {
		FUZZ_ASSERT(!xdpchain_backend_parse(xdpchain_backend_str(backend), &again_b));
		FUZZ_ASSERT(again_b == backend);
	}
	if (!xc_owner_valid(s))
		FUZZ_ASSERT(strlen(s) < XDPCHAIN_OWNER_LEN);
	free(s);
	return 0;
}
