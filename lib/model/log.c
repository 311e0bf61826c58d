// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The library's log callback, as libbpf's: warnings to stderr by default. */
#include <stdio.h>
#include "model/model.h"

static int default_print(enum xdpchain_print_level level, const char *fmt, va_list args)
{
	if (level != XDPCHAIN_WARN)
		return 0;
	fputs("libxdpchain: ", stderr);
	return vfprintf(stderr, fmt, args);
}

static xdpchain_print_fn_t print_fn = default_print;

/* Atomic: threads may log while another sets the callback. */
xdpchain_print_fn_t xc_log_set_print(xdpchain_print_fn_t fn)
{
	return __atomic_exchange_n(&print_fn, fn, __ATOMIC_ACQ_REL);
}

void xc_vlog(enum xdpchain_print_level level, const char *fmt, va_list args)
{
	xdpchain_print_fn_t fn = __atomic_load_n(&print_fn, __ATOMIC_ACQUIRE);
	int saved = errno; /* logging must not clobber errno */

	if (fn)
		fn(level, fmt, args);
	errno = saved;
}

void xc_log(enum xdpchain_print_level level, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	xc_vlog(level, fmt, args);
	va_end(args);
}
