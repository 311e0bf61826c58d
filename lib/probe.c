// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Does this kernel (and this process's privileges) allow freplace?
 * Answered once per process by loading a tiny EXT program against an empty
 * dispatcher; "auto" then means freplace or tail calls. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "internal.h"
#include "xdpchain_probe.skel.h"

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int probe_result;

/* A refused EXT load is an expected answer, not a warning: libbpf's
 * messages during the probe become our debug messages. */
static int probe_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level != LIBBPF_DEBUG)
		xc_vlog(XDPCHAIN_DEBUG, fmt, args);
	return 0;
}

static void probe_run(void)
{
	struct xdpchain_dispatcher *d;
	struct xdpchain_probe *p = NULL;
	struct xdpchain_meta meta;
	libbpf_print_fn_t old;
	int err;

	xc_meta_init_probe(&meta);
	old = libbpf_set_print(probe_print);
	d = xc_disp_load(&meta);
	if (!d) {
		err = -errno;
		goto out;
	}
	/* The same load path as a chained program's (ext_load.c), so the
	 * answer holds for this process's privileges too. */
	xc_ext_init();
	p = xdpchain_probe__open();
	if (!p) {
		err = -errno;
		goto out;
	}
	err = xc_disp_slot_btf_id(d, 0);
	if (err > 0)
		err = xc_ext_load(p->obj, p->progs.xdpchain_probe, xc_disp_prog_fd(d), 0,
				  (__u32)err, false);
	else if (!err)
		err = -ENOENT;
out:
	libbpf_set_print(old);
	xdpchain_probe__destroy(p);
	xc_disp_free(d);
	probe_result = err;
	xc_debug("freplace probe: %s\n", err ? strerror(-err) : "supported");
}

int xc_probe_freplace(void)
{
	pthread_once(&probe_once, probe_run);
	return probe_result;
}

enum xdpchain_backend xdpchain_probe_backend(void)
{
	return xc_probe_freplace() ? XDPCHAIN_BACKEND_TAILCALL : XDPCHAIN_BACKEND_FREPLACE;
}
