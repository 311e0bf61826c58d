// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The run config that BPF objects declare with <xdpchain/prog.h> (or in
 * libxdp's spelling), read back through the public API from the objects
 * this build compiled: the macros must produce what the reader expects.
 * Usage: test_prog_config BPF_DIR TEST_BPF_DIR */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "check.h"

#define V(x) XDPCHAIN_VERDICT_BIT(x)
enum { ABORTED, DROP, PASS, TX, REDIRECT };

struct expect {
	int dir;          /* 0: BPF_DIR (examples), 1: TEST_BPF_DIR */
	const char *file;
	const char *prog; /* NULL: the first XDP program */
	int priority;     /* as declared in the source */
	__u32 cont;
};

static const struct expect cases[] = {
	/* XDPCHAIN_PROG_CONFIG(): continue-on tx and drop, pass final. */
	{ 1, "test_declared.o", NULL, 7, V(TX) | V(DROP) },
	/* struct { __uint(...) } XDP_RUN_CONFIG(): libxdp's spelling. */
	{ 1, "test_runcfg.o", NULL, 5, V(PASS) | V(DROP) },
	/* The examples. */
	{ 0, "xdp_count.o", NULL, 10, V(PASS) },
	{ 0, "xdp_firewall.o", NULL, 20, V(PASS) },
	{ 0, "xdp_reflect.o", NULL, 30, V(PASS) },
	/* No declaration: the defaults. */
	{ 1, "test_progs.o", "t_pass_a", XDPCHAIN_DEFAULT_PRIORITY, XDPCHAIN_DEFAULT_CONTINUE },
};

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 3) {
		fprintf(stderr, "usage: %s BPF_DIR TEST_BPF_DIR\n", argv[0]);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct expect *c = &cases[i];
		XDPCHAIN_OPTS(xdpchain_open_opts, oo, .prog_name = c->prog);
		struct xdpchain_prog *p;

		snprintf(path, sizeof(path), "%s/%s", argv[1 + c->dir], c->file);
		p = xdpchain_prog__open_file(path, &oo);
		CHECK(p != NULL);
		if (!p) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			continue;
		}
		if (xdpchain_prog__priority(p) != c->priority ||
		    xdpchain_prog__continue_on(p) != c->cont)
			fprintf(stderr, "%s: priority %d continue-on 0x%x, declared %d 0x%x\n",
				path, xdpchain_prog__priority(p),
				xdpchain_prog__continue_on(p), c->priority, c->cont);
		CHECK(xdpchain_prog__priority(p) == c->priority);
		CHECK(xdpchain_prog__continue_on(p) == c->cont);
		/* The command line (or a library user) still wins. */
		CHECK(xdpchain_prog__set_priority(p, 99) == 0 && xdpchain_prog__priority(p) == 99);
		xdpchain_prog__close(p);
	}
	return check_report("test_prog_config");
}
