// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/api/names.c, through the public API: verdicts and verdict sets, mode
 * and backend words, priorities. */
#include <errno.h>
#include <string.h>
#include "xdpchain/xdpchain.h"
#include "api/internal.h" /* the parsers the API does not export */
#include "check.h"

static void test_verdicts(void)
{
	const char *bad;
	size_t bad_len;
	__u32 m = 0xdead;
	char buf[64];

	CHECK(xc_verdicts_parse("pass", &m, NULL, NULL) == 0 && m == (1u << 2));
	CHECK(xc_verdicts_parse("pass,drop", &m, NULL, NULL) == 0 && m == ((1u << 2) | (1u << 1)));
	CHECK(xc_verdicts_parse("XDP_TX,redirect,ABORTED", &m, NULL, NULL) == 0 &&
	      m == ((1u << 3) | (1u << 4) | 1u));
	CHECK(xc_verdicts_parse("all", &m, NULL, NULL) == 0 && m == 0x1f);
	CHECK(xc_verdicts_parse("none", &m, NULL, NULL) == 0 && m == 0);
	m = 7;
	CHECK(xc_verdicts_parse("pass,pas", &m, &bad, &bad_len) == -EINVAL);
	CHECK(errno == EINVAL && m == 7);
	CHECK(bad && bad_len == 3 && !strncmp(bad, "pas", 3));
	CHECK(xc_verdicts_parse("", &m, NULL, NULL) == -EINVAL);
	CHECK(xc_verdicts_parse("pass,", &m, NULL, NULL) == -EINVAL);
	CHECK(xc_verdicts_parse(",pass", &m, NULL, NULL) == -EINVAL);
	CHECK(xc_verdicts_parse("xdp_", &m, NULL, NULL) == -EINVAL);
	CHECK(xc_verdicts_parse("5", &m, NULL, NULL) == -EINVAL);

	CHECK(xdpchain_verdicts_format((1u << 2) | (1u << 1), buf, sizeof(buf)) == 9);
	CHECK(!strcmp(buf, "drop,pass"));
	CHECK(xdpchain_verdicts_format(0, buf, sizeof(buf)) == 4 && !strcmp(buf, "none"));
	/* Bits outside the known actions are not printed as actions. */
	CHECK(xdpchain_verdicts_format(1u << 31, buf, sizeof(buf)) == 4);
	/* Truncation reports the needed length, like snprintf. */
	CHECK(xdpchain_verdicts_format(0x1f, buf, 5) == 29 && strlen(buf) == 4);
	CHECK(!strcmp(xc_verdict_name(4), "redirect"));
	CHECK(xc_verdict_name(5) == NULL && xc_verdict_name(-1) == NULL);
	CHECK(xc_verdict_parse("drop") == 1 && xc_verdict_parse("nope") < 0);
}

static void test_words(void)
{
	enum xdpchain_mode mode;
	enum xdpchain_backend be;

	CHECK(!xdpchain_mode_parse("native", &mode) && mode == XDPCHAIN_MODE_NATIVE);
	CHECK(!xdpchain_mode_parse("drv", &mode) && mode == XDPCHAIN_MODE_NATIVE);
	CHECK(!xdpchain_mode_parse("skb", &mode) && mode == XDPCHAIN_MODE_SKB);
	CHECK(!xdpchain_mode_parse("generic", &mode) && mode == XDPCHAIN_MODE_SKB);
	CHECK(!xdpchain_mode_parse("hw", &mode) && mode == XDPCHAIN_MODE_HW);
	CHECK(xdpchain_mode_parse("Native", &mode) == -EINVAL);
	CHECK(!strcmp(xdpchain_mode_str(XDPCHAIN_MODE_SKB), "skb"));
	CHECK(!xdpchain_backend_parse("auto", &be) && be == XDPCHAIN_BACKEND_AUTO);
	CHECK(!xdpchain_backend_parse("freplace", &be) && be == XDPCHAIN_BACKEND_FREPLACE);
	CHECK(!xdpchain_backend_parse("tailcall", &be) && be == XDPCHAIN_BACKEND_TAILCALL);
	CHECK(xdpchain_backend_parse("mixed", &be) == -EINVAL);
	CHECK(!strcmp(xdpchain_backend_str(XDPCHAIN_BACKEND_MIXED), "mixed"));
}

static void test_priority(void)
{
	int p = 99;

	CHECK(!xc_priority_parse("0", &p) && p == 0);
	CHECK(!xc_priority_parse("-5", &p) && p == -5);
	CHECK(!xc_priority_parse("2147483647", &p) && p == 2147483647);
	CHECK(!xc_priority_parse("-2147483648", &p) && p == -2147483647 - 1);
	p = 99;
	CHECK(xc_priority_parse("2147483648", &p) == -ERANGE && p == 99);
	CHECK(xc_priority_parse("99999999999999999999999", &p) == -ERANGE);
	CHECK(xc_priority_parse("", &p) == -EINVAL);
	CHECK(xc_priority_parse("-", &p) == -EINVAL);
	CHECK(xc_priority_parse("1 ", &p) == -EINVAL);
	CHECK(xc_priority_parse(" 1", &p) == -EINVAL);
	CHECK(xc_priority_parse("0x10", &p) == -EINVAL);
	CHECK(xc_priority_parse("12x", &p) == -EINVAL);
	CHECK(p == 99);
}

int main(void)
{
	test_verdicts();
	test_words();
	test_priority();
	return check_report("test_names");
}
