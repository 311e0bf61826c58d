// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/owner.c: owner-bound slots (XDPCHAIN_SLOT_F_UNTIL_EXIT) identify their
 * process by its start time, parsed from /proc/PID/stat (xc_stat_parse()). */
#include <string.h>
#include "kobj.h"
#include "check.h"

static void test_stat_parse(void)
{
	/* /proc/PID/stat: comm may hold spaces and ')'. Field 22 is the
	 * start time. */
	const char *ok = "1234 (a b) c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 "
			 "20 0 1 0 98765 1000 100 18446744073709551615";
	const char *zombie = "7 (x) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0";
	char state = 0;
	__u64 start = 0;

	CHECK(xc_stat_parse(ok, strlen(ok), &state, &start) == 0);
	CHECK(state == 'S' && start == 98765);
	CHECK(xc_stat_parse(zombie, strlen(zombie), &state, &start) == 0);
	CHECK(state == 'Z' && start == 55);
	CHECK(xc_stat_parse("1 (x) S 1 2", 11, &state, &start) == -EINVAL);
	CHECK(xc_stat_parse("no parenthesis", 14, &state, &start) == -EINVAL);
	CHECK(xc_stat_parse("", 0, &state, &start) == -EINVAL);
	/* Truncated in the middle of field 22: only the digits read count. */
	CHECK(xc_stat_parse(ok, 64, &state, &start) == -EINVAL);
	const char *big = "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 "
			  "99999999999999999999999 0";
	CHECK(xc_stat_parse(big, strlen(big), &state, &start) == -ERANGE);
}

int main(void)
{
	test_stat_parse();
	return check_report("test_owner");
}
