// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The CLI's output helpers (cli/format.c): fmt_append(), which builds the
 * lists of messages such as attach's rollback ("detached it again from
 * IF1, IF2, ..."), must stay inside its buffer however many items come. */
#include <string.h>
#include "check.h"
#include "format.h"

static void test_append(void)
{
	char buf[16];
	size_t n = 0;

	buf[0] = '\0';
	fmt_append(buf, sizeof(buf), &n, "%s", "abc");
	fmt_append(buf, sizeof(buf), &n, ", %s", "de");
	CHECK(n == 7 && !strcmp(buf, "abc, de"));
	/* Exactly full: no cut. */
	fmt_append(buf, sizeof(buf), &n, "%s", "12345678");
	CHECK(n == 15 && !strcmp(buf, "abc, de12345678"));
	/* One more byte: cut, marked, and n stays at the end of buf (a
	 * plain n += snprintf() went to 16 here, and past it after). */
	fmt_append(buf, sizeof(buf), &n, "%s", "x");
	CHECK(n == 15 && !strcmp(buf, "abc, de12345..."));
	for (int i = 0; i < 100; i++)
		fmt_append(buf, sizeof(buf), &n, ", %s", "veth-long-name");
	CHECK(n == 15 && strlen(buf) == 15 && !strcmp(buf + 12, "..."));
	/* A long first item. */
	n = 0;
	fmt_append(buf, sizeof(buf), &n, "%s", "a-name-longer-than-the-buffer");
	CHECK(n == 15 && !strcmp(buf, "a-name-longe..."));
}

int main(void)
{
	test_append();
	return check_report("cli_format");
}
