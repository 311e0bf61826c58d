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

int main(void)
{
	test_exact();
	test_parts();
	return check_report("test_pinname");
}
