// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: opening a program from ELF bytes, as "xdpchain attach
 * FILE" and every library user does with files they did not write:
 * xdpchain_prog__open_mem() = libbpf's ELF/BTF parsing, then ours
 * (program choice, section names, BTF function lookup, run config).
 * Nothing is loaded into the kernel. libbpf itself is not instrumented
 * (Debian's shared library), so coverage guides only our side; crashes
 * inside libbpf are still caught. */
#include <bpf/libbpf.h>
#include "fuzz.h"
#include "model/model.h" /* xc_log_set_print(): library.c is not compiled in */

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	struct xdpchain_prog *p;
	const char *name;

	if (!init) {
		libbpf_set_print(quiet_libbpf);
		xc_log_set_print(fuzz_quiet_print);
		init = true;
	}
	p = xdpchain_prog__open_mem(data, size, NULL);
	if (!p)
		return 0;
	name = xdpchain_prog__name(p);
	FUZZ_ASSERT(name && strlen(name) < 64);
	FUZZ_ASSERT(!(xdpchain_prog__continue_on(p) & ~XDPCHAIN_VERDICTS_ALL));
	(void)xdpchain_prog__priority(p);
	(void)xdpchain_prog__frags(p);
	FUZZ_ASSERT(xdpchain_prog__id(p) == 0); /* opened, never loaded */
	xdpchain_prog__close(p);
	return 0;
}
