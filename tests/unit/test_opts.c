// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/opts.c: size-versioned options structs (xc_opts_valid(), and the
 * XC_OPTS_VALID()/XC_OPTS_GET() macros of model.h built on it). A caller
 * built against an older header passes a smaller struct, one built against
 * a newer header a larger one, fine while the fields we do not know are
 * zero. */
#include <stdarg.h>
#include <string.h>
#include "model/model.h"
#include "check.h"

static int warnings;
static char last[256];

static int capture(enum xdpchain_print_level level, const char *fmt, va_list ap)
{
	if (level == XDPCHAIN_WARN)
		warnings++;
	vsnprintf(last, sizeof(last), fmt, ap);
	return 0;
}

/* A struct of a newer header: xdpchain_query_opts and one more field. */
struct newer_query_opts {
	size_t sz;
	const char *bpffs_root;
	long future;
};

static void test_valid(void)
{
	struct newer_query_opts n;
	unsigned char big[64];
	size_t known = offsetofend(struct xdpchain_query_opts, bpffs_root);

	/* No options at all: the defaults. */
	warnings = 0;
	CHECK(xc_opts_valid(NULL, known, "t"));
	CHECK(warnings == 0);

	/* Exactly the struct we know, with anything in its fields. */
	memset(&n, 0, sizeof(n));
	n.sz = known;
	n.bpffs_root = "/x";
	CHECK(xc_opts_valid(&n, known, "t") && warnings == 0);
	/* Smaller (an older header): its fields are read with fallbacks. */
	n.sz = sizeof(size_t);
	CHECK(xc_opts_valid(&n, known, "t") && warnings == 0);
	/* Larger, the unknown field zero: fine; non-zero: refused, with
	 * the type's name and the offset of the first non-zero byte. */
	n.sz = sizeof(n);
	CHECK(xc_opts_valid(&n, known, "t") && warnings == 0);
	n.future = 1;
	last[0] = 0;
	CHECK(!xc_opts_valid(&n, known, "xdpchain_query_opts"));
	CHECK(warnings == 1 && strstr(last, "xdpchain_query_opts") &&
	      strstr(last, "offset 16"));
	/* Bytes past sz are not the caller's: never read. */
	n.sz = known;
	CHECK(xc_opts_valid(&n, known, "t"));

	/* Every byte between the known size and sz counts, the last one
	 * too. */
	memset(big, 0, sizeof(big));
	*(size_t *)big = sizeof(big);
	CHECK(xc_opts_valid(big, 16, "t"));
	big[sizeof(big) - 1] = 1;
	warnings = 0;
	CHECK(!xc_opts_valid(big, 16, "t") && warnings == 1 && strstr(last, "offset 63"));
	big[sizeof(big) - 1] = 0;
	big[16] = 0x80;
	CHECK(!xc_opts_valid(big, 16, "t") && strstr(last, "offset 16"));
	big[16] = 0;
	big[15] = 0xff; /* a known field */
	CHECK(xc_opts_valid(big, 16, "t"));

	/* sz too small to be one: refused (zeroed by mistake). */
	memset(&n, 0, sizeof(n));
	warnings = 0;
	CHECK(!xc_opts_valid(&n, known, "t") && warnings == 1 && strstr(last, "too small"));
	n.sz = sizeof(size_t) - 1;
	CHECK(!xc_opts_valid(&n, known, "t"));
}

static void test_macros(void)
{
	struct xdpchain_query_opts q = { .sz = sizeof(q), .bpffs_root = "/r" };
	struct xdpchain_query_opts *qp = &q, *none = NULL;

	CHECK(XC_OPTS_VALID(qp, xdpchain_query_opts));
	CHECK(!strcmp(XC_OPTS_GET(qp, bpffs_root, "/d"), "/r"));
	CHECK(!strcmp(XC_OPTS_GET(none, bpffs_root, "/d"), "/d"));
	/* An older caller's struct ends before the field: the fallback. */
	q.sz = sizeof(size_t);
	CHECK(!strcmp(XC_OPTS_GET(qp, bpffs_root, "/d"), "/d"));
	CHECK(XC_OPTS_VALID(qp, xdpchain_query_opts));
}

int main(void)
{
	xc_log_set_print(capture);
	test_valid();
	test_macros();
	return check_report("test_opts");
}
