// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * A program built against the INSTALLED libxdpchain, with nothing but
 * "pkg-config --cflags --libs libxdpchain" (tests/pkg/install.sh): if the
 * installed header, the .pc file or the library's symbols are broken, it
 * does not compile, link or run.
 *   consumer VERSION [OBJECT PRIORITY CONTINUE_ON]
 * checks the library's version, the pure helpers and, given a BPF object
 * compiled against the installed <xdpchain/prog.h>, its declared run
 * config. Needs no privileges.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpchain/xdpchain.h>

static int failures;

#define EXPECT(cond)                                                       \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "consumer: failed: %s\n", #cond);  \
			failures++;                                        \
		}                                                          \
	} while (0)

static int quiet(enum xdpchain_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

int main(int argc, char **argv)
{
	enum xdpchain_backend be;
	enum xdpchain_mode mode;
	char buf[64];
	__u32 mask;

	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: consumer VERSION [OBJECT PRIORITY CONTINUE_ON]\n");
		return 2;
	}
	printf("libxdpchain %s\n", xdpchain_version());
	/* The release, or between releases the release "+" its commit. */
	EXPECT(!strncmp(xdpchain_version(), argv[1], strlen(argv[1])) &&
	       (!xdpchain_version()[strlen(argv[1])] || xdpchain_version()[strlen(argv[1])] == '+'));

	mask = XDPCHAIN_VERDICT_BIT(1) | XDPCHAIN_VERDICT_BIT(2);
	EXPECT(xdpchain_verdicts_format(mask, buf, sizeof(buf)) == 9 && !strcmp(buf, "drop,pass"));
	EXPECT(xdpchain_mode_parse("colour", &mode) == -EINVAL);
	EXPECT(errno == EINVAL);
	EXPECT(!strcmp(xdpchain_backend_str(XDPCHAIN_BACKEND_TAILCALL), "tailcall"));
	EXPECT(xdpchain_backend_parse("freplace", &be) == 0 && be == XDPCHAIN_BACKEND_FREPLACE);
	EXPECT(xdpchain_mode_parse("generic", &mode) == 0 && mode == XDPCHAIN_MODE_SKB);
	EXPECT(!strcmp(xdpchain_mode_str(XDPCHAIN_MODE_NATIVE), "native"));

	if (argc == 5) {
		/* An options struct as the header defines it. */
		XDPCHAIN_OPTS(xdpchain_open_opts, oo, .obj_name = "consumer");
		struct xdpchain_prog *p;
		int want_prio = atoi(argv[3]);

		p = xdpchain_prog__open_file(argv[2], &oo);
		EXPECT(p != NULL);
		if (p) {
			xdpchain_verdicts_format(xdpchain_prog__continue_on(p), buf, sizeof(buf));
			printf("%s: program %s, priority %d, continue on %s\n", argv[2],
			       xdpchain_prog__name(p), xdpchain_prog__priority(p), buf);
			EXPECT(xdpchain_prog__priority(p) == want_prio);
			EXPECT(!strcmp(buf, argv[4]));
			xdpchain_prog__close(p);
		}
		/* A bad file fails with a message through the log callback. */
		xdpchain_set_print(quiet);
		EXPECT(xdpchain_prog__open_file("/nonexistent.o", NULL) == NULL && errno == ENOENT);
	}
	if (failures)
		fprintf(stderr, "consumer: %d checks failed\n", failures);
	return failures ? 1 : 0;
}
