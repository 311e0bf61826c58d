// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The demo's messages: its errors, and which of libbpf's it shows. */
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "demo.h"

void demo_error(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: " DEMO_NAME ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Warnings (the verifier's log among them); not libbpf's info and debug
 * chatter, which would break up the story. */
static int libbpf_print_cb(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, args);
}

void demo_log_init(void)
{
	libbpf_set_print(libbpf_print_cb);
}
