// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/pinname.c: the numbers in pin and directory names are read back
 * exactly as %u/%llu wrote them, and nothing else is taken for one. */
#include <string.h>
#include "model/model.h"
#include "check.h"

static void test_exact(void)
{
	unsigned long long v = 7;

	CHECK(xc_name_is_num("if-3", "if-", &v) && v == 3);
	CHECK(xc_name_is_num("ns-4026531840", "ns-", &v) && v == 4026531840ull);
	CHECK(xc_name_is_num("meta-0", "meta-", &v) && v == 0);
	CHECK(xc_name_is_num("live-18446744073709551615", "live-", &v) &&
	      v == 18446744073709551615ull);
	/* Not written by any writer: a sign, a blank, a leading zero, no
	 * digit, a tail, another prefix, a value that wraps. */
	v = 7;
	CHECK(!xc_name_is_num("if--1", "if-", &v));
	CHECK(!xc_name_is_num("if-+1", "if-", &v));
	CHECK(!xc_name_is_num("if- 3", "if-", &v));
	CHECK(!xc_name_is_num("if-03", "if-", &v));
	CHECK(!xc_name_is_num("if-", "if-", &v));
	CHECK(!xc_name_is_num("if-3x", "if-", &v));
	CHECK(!xc_name_is_num("if-3 ", "if-", &v));
	CHECK(!xc_name_is_num("ns-3", "if-", &v));
	CHECK(!xc_name_is_num("live-18446744073709551616", "live-", &v));
	CHECK(v == 7);
}

static void test_parts(void)
{
	unsigned long long rev, id;
	const char *p;

	p = xc_name_num("link-12-4294967295", "link-", ULLONG_MAX, &rev);
	CHECK(p && !strcmp(p, "-4294967295") && rev == 12);
	p = xc_name_num(p, "-", UINT_MAX, &id);
	CHECK(p && !*p && id == 4294967295ull);
	/* A bound: an id past 32 bits is no id. */
	CHECK(!xc_name_num("4294967296", "", UINT_MAX, &id));
	CHECK(xc_name_num("2147483647", "", INT_MAX, &id) && id == 2147483647ull);
	CHECK(!xc_name_num("2147483648", "", INT_MAX, &id));
	/* The two-number names, whole, and nothing else. */
	rev = id = 7;
	CHECK(xc_name_is_pair("tails-5-9", "tails-", UINT_MAX, &rev, &id) && rev == 5 && id == 9);
	CHECK(!xc_name_is_pair("link-5-9x", "link-", ULLONG_MAX, &rev, &id));
	CHECK(!xc_name_is_pair("link-5--9", "link-", ULLONG_MAX, &rev, &id));
	CHECK(!xc_name_is_pair("link-5", "link-", ULLONG_MAX, &rev, &id));
	CHECK(!xc_name_is_pair("tails-4294967296-1", "tails-", UINT_MAX, &rev, &id));
	CHECK(rev == 5 && id == 9);
	/* NULL in, NULL out: the second part of a name whose first failed. */
	CHECK(!xc_name_num(NULL, "-", UINT_MAX, &id));
}

/* Link pins: xc_link_pin_parse() and xc_link_pin_at() read back what
 * xc_link_pin_name() writes, for the dispatcher's own positions and
 * spare ones. */
static void test_link_pins(void)
{
	unsigned long long rev = 1, id = 1, pos = 1;
	char buf[64];

	CHECK(!xc_link_pin_name(buf, sizeof(buf), 42, 7, 1, 3) && !strcmp(buf, "link-42-7"));
	CHECK(xc_link_pin_parse(buf, &rev, &id, &pos) && rev == 42 && id == 7 && pos == ULLONG_MAX);
	CHECK(xc_link_pin_at(pos, 1, 3) && xc_link_pin_at(pos, 2, 3) && !xc_link_pin_at(pos, 3, 3));
	CHECK(!xc_link_pin_name(buf, sizeof(buf), 42, 7, 5, 3) && !strcmp(buf, "link-42-7-5"));
	CHECK(xc_link_pin_parse(buf, &rev, &id, &pos) && rev == 42 && id == 7 && pos == 5);
	CHECK(xc_link_pin_at(pos, 5, 3) && !xc_link_pin_at(pos, 4, 3));
	/* A position below own is never named by position. */
	CHECK(!xc_link_pin_at(2, 2, 3));
	CHECK(xc_link_pin_name(buf, 8, 42, 7, 5, 3) == -ENAMETOOLONG);
	rev = id = pos = 9;
	CHECK(!xc_link_pin_parse("link-42-7-5-1", &rev, &id, &pos));
	CHECK(!xc_link_pin_parse("link-42", &rev, &id, &pos));
	CHECK(!xc_link_pin_parse("tails-42-7", &rev, &id, &pos));
	CHECK(rev == 9 && id == 9 && pos == 9);
}

int main(void)
{
	test_exact();
	test_parts();
	test_link_pins();
	return check_report("test_pinname");
}
