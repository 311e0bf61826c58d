// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The run config that BPF objects declare with <xdpchain/prog.h> (or in
 * libxdp's spelling), read back through the public API from the objects
 * this build compiled: the macros must produce what the reader expects,
 * and what is set through the API overrides it (overrides()).
 * Usage: test_prog_config BPF_DIR TEST_BPF_DIR */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * The command line wins over the declaration. The declaration is applied
 * once, when the object is opened; xdpchain attach then sets only the
 * options given (--priority, --continue-on: cli/cmd_attach.c), as
 * cmd_apply.c and library users do. So, for p opened from path:
 *  - setting the priority changes it and keeps the declared continue-on
 *    set, and setting the continue-on set keeps the priority that was set
 *    (neither setter resets the other field or re-applies the declaration);
 *  - a continue-on set with a bit beyond XDPCHAIN_VERDICTS_ALL is refused
 *    and leaves both values as they were;
 *  - the declaration stays in the object: opening the same file again, or
 *    its bytes from memory, gives the declared values, while p keeps the
 *    ones set on it.
 * The values set differ from the declared ones and from the defaults.
 */
static void overrides(struct xdpchain_prog *p, const struct expect *c, const char *path)
{
	XDPCHAIN_OPTS(xdpchain_open_opts, oo, .prog_name = c->prog, .obj_name = c->file);
	const int prio = c->priority + 1000;
	const __u32 cont = XDPCHAIN_VERDICTS_ALL & ~c->cont;
	struct xdpchain_prog *again;
	void *buf;
	size_t size;

	/* The premise (a new case could break it). */
	CHECK(prio != XDPCHAIN_DEFAULT_PRIORITY && cont != c->cont &&
	      cont != XDPCHAIN_DEFAULT_CONTINUE);
	CHECK(xdpchain_prog__set_priority(p, prio) == 0);
	CHECK(xdpchain_prog__priority(p) == prio);
	CHECK(xdpchain_prog__continue_on(p) == c->cont);
	CHECK(xdpchain_prog__set_continue_on(p, cont) == 0);
	CHECK(xdpchain_prog__continue_on(p) == cont);
	CHECK(xdpchain_prog__priority(p) == prio);

	CHECK(xdpchain_prog__set_continue_on(p, c->cont | (XDPCHAIN_VERDICTS_ALL + 1)) == -EINVAL);
	CHECK(xdpchain_prog__set_continue_on(p, c->cont | (1u << 31)) == -EINVAL);
	CHECK(xdpchain_prog__continue_on(p) == cont);
	CHECK(xdpchain_prog__priority(p) == prio);

	again = xdpchain_prog__open_file(path, &oo);
	CHECK(again != NULL);
	if (again) {
		CHECK(xdpchain_prog__priority(again) == c->priority);
		CHECK(xdpchain_prog__continue_on(again) == c->cont);
		xdpchain_prog__close(again);
	}
	size = check_slurp(path, &buf);
	CHECK(size > 0);
	again = size ? xdpchain_prog__open_mem(buf, size, &oo) : NULL;
	CHECK(again != NULL);
	if (again) {
		CHECK(xdpchain_prog__priority(again) == c->priority);
		CHECK(xdpchain_prog__continue_on(again) == c->cont);
		xdpchain_prog__close(again);
	}
	free(buf);
	CHECK(xdpchain_prog__priority(p) == prio);
	CHECK(xdpchain_prog__continue_on(p) == cont);
}

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
		overrides(p, c, path);
		xdpchain_prog__close(p);
	}
	return check_report("test_prog_config");
}
