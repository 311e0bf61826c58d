// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/verdict.c: the names of verdicts (xc_verdict_name(), the order of
 * enum xdp_action, which the continue-on bits and the stats follow),
 * their lookup by word (xc_verdict_lookup(), used by the API's parsers
 * and the run config reader) and the names of modes (xc_mode_str()). */
#include <string.h>
#include <linux/bpf.h>
#include "model/model.h"
#include "check.h"

/* The word s whole, as the parsers pass it (no terminator needed). */
static int lookup(const char *s)
{
	return xc_verdict_lookup(s, strlen(s));
}

static void test_names(void)
{
	/* Index i is XDP action i: the dispatcher counts and tests bit i. */
	CHECK(!strcmp(xc_verdict_name(XDP_ABORTED), "aborted"));
	CHECK(!strcmp(xc_verdict_name(XDP_DROP), "drop"));
	CHECK(!strcmp(xc_verdict_name(XDP_PASS), "pass"));
	CHECK(!strcmp(xc_verdict_name(XDP_TX), "tx"));
	CHECK(!strcmp(xc_verdict_name(XDP_REDIRECT), "redirect"));
	CHECK(xc_verdict_name(XDP_REDIRECT + 1) == NULL);
	CHECK(xc_verdict_name(-1) == NULL);
	CHECK(xc_verdict_name(0x7fffffff) == NULL);
}

static void test_lookup(void)
{
	int v;

	/* Every name finds its own index, bare or as XDP_<NAME>. */
	for (v = 0; xc_verdict_name(v); v++) {
		char word[32];

		CHECK(lookup(xc_verdict_name(v)) == v);
		snprintf(word, sizeof(word), "XDP_%s", xc_verdict_name(v));
		CHECK(lookup(word) == v);
	}
	CHECK(v == 5);
	/* Case does not matter, in the prefix either. */
	CHECK(lookup("DROP") == XDP_DROP && lookup("Pass") == XDP_PASS);
	CHECK(lookup("xdp_tx") == XDP_TX && lookup("Xdp_Redirect") == XDP_REDIRECT);
	/* Only len bytes count: the parsers pass one item of a list. */
	CHECK(xc_verdict_lookup("pass,drop", 4) == XDP_PASS);
	CHECK(xc_verdict_lookup("drop,pass", 4) == XDP_DROP);
	/* A prefix or an extension of a name is no name. */
	CHECK(xc_verdict_lookup("pass", 3) == -1);
	CHECK(lookup("passs") == -1 && lookup("dro") == -1 && lookup("t") == -1);
	/* The prefix alone, twice, or without its underscore. */
	CHECK(lookup("xdp_") == -1 && lookup("XDP_XDP_DROP") == -1 && lookup("XDPDROP") == -1);
	/* "xdp" shorter than the prefix is compared as a name (no read past
	 * len). */
	CHECK(xc_verdict_lookup("xdp_drop", 3) == -1);
	CHECK(lookup("") == -1 && xc_verdict_lookup("drop", 0) == -1);
	CHECK(lookup("0") == -1 && lookup(" drop") == -1);
}

static void test_modes(void)
{
	CHECK(!strcmp(xc_mode_str(XDPCHAIN_MODE_UNSPEC), "unspec"));
	CHECK(!strcmp(xc_mode_str(XDPCHAIN_MODE_NATIVE), "native"));
	CHECK(!strcmp(xc_mode_str(XDPCHAIN_MODE_SKB), "skb"));
	CHECK(!strcmp(xc_mode_str(XDPCHAIN_MODE_HW), "hw"));
	CHECK(!strcmp(xc_mode_str((enum xdpchain_mode)(XDPCHAIN_MODE_HW + 1)), "unknown"));
	CHECK(!strcmp(xc_mode_str((enum xdpchain_mode)-1), "unknown"));
}

int main(void)
{
	test_names();
	test_lookup();
	test_modes();
	return check_report("test_verdict");
}
