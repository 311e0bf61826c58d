// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Does this kernel (and this process's privileges) allow freplace?
 * Answered once per process by loading a tiny EXT program against an empty
 * dispatcher; "auto" then means freplace or tail calls, and each program
 * joins through the slot kind chosen here (xc_pick_kind()). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "kobj/kobj.h"
#include "xdpchain_probe.skel.h"

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static pthread_once_t gcall_once = PTHREAD_ONCE_INIT;
static int probe_result, gcall_result;

/* A refused EXT load is an expected answer, not a warning: libbpf's
 * messages during the probe become our debug messages. */
static int probe_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level != LIBBPF_DEBUG)
		xc_vlog(XDPCHAIN_DEBUG, fmt, args);
	return 0;
}

/* Loads one program of the probe object as EXT, the other not at all. */
static int probe_ext(bool gcall)
{
	struct xdpchain_probe *p = NULL;
	struct bpf_program *prog = NULL;
	libbpf_print_fn_t old;
	__u32 btf_id;
	int err, target;

	old = libbpf_set_print(probe_print);
	/* The same load path and target as a chained program's (ext_load.c,
	 * ext_target.c), so the answer holds for this process's privileges
	 * too, and the target loaded here serves the program next. */
	xc_ext_init();
	target = xc_ext_target(false, &btf_id);
	if (target >= 0)
		p = xdpchain_probe__open();
	if (p) {
		prog = gcall ? p->progs.xdpchain_probe_gcall : p->progs.xdpchain_probe;
		bpf_program__set_autoload(gcall ? p->progs.xdpchain_probe
						: p->progs.xdpchain_probe_gcall, false);
	}
	if (target < 0 || !p)
		err = -errno;
	else
		err = xc_ext_load(p->obj, prog, target, btf_id, false);
	libbpf_set_print(old);
	xdpchain_probe__destroy(p);
	return err;
}

static void probe_run(void)
{
	probe_result = probe_ext(false);
	xc_debug("freplace probe: %s\n", probe_result ? strerror(-probe_result) : "supported");
}

static void gcall_run(void)
{
	gcall_result = probe_ext(true);
	xc_debug("freplace probe, global function with a context argument: %s\n",
		 gcall_result ? strerror(-gcall_result) : "supported");
}

int xc_probe_freplace(void)
{
	pthread_once(&probe_once, probe_run);
	return probe_result;
}

int xc_probe_ext_global_calls(void)
{
	pthread_once(&gcall_once, gcall_run);
	return gcall_result;
}

enum xdpchain_slot_kind xc_pick_kind(const struct xdpchain_prog *prog,
				     enum xdpchain_backend backend, bool say, int *err)
{
	int probe;

	*err = 0;
	/* An extension loaded already (a libxdp dispatcher's program being
	 * adopted) can only be linked to a slot function: a program array
	 * does not take it. */
	if (prog->from_fd && prog->loaded_ext) {
		if (backend == XDPCHAIN_BACKEND_TAILCALL) {
			xc_warn("%s: already loaded as an extension (freplace) program, it "
				"cannot join through a tail-call slot\n", prog->name);
			*err = -EOPNOTSUPP;
		}
		return XDPCHAIN_SLOT_FREPLACE;
	}
	if (backend == XDPCHAIN_BACKEND_TAILCALL)
		return XDPCHAIN_SLOT_TAILCALL;
	/* A program array takes only programs of its first user's type, and
	 * an extension's array no XDP program (Linux 6.1 and later): its own
	 * stages could not join it. As a tail-call program it stays XDP. */
	if (prog->own_tails) {
		if (backend == XDPCHAIN_BACKEND_FREPLACE) {
			xc_warn("%s: its object has program arrays (tail calls of its own), "
				"which the kernel does not let an extension (freplace) program "
				"fill with XDP programs; use --backend auto or tailcall\n",
				prog->name);
			*err = -EOPNOTSUPP;
		} else if (say) {
			xc_info("%s: tail calls of its own: joins through a tail-call slot\n",
				prog->name);
		}
		return XDPCHAIN_SLOT_TAILCALL;
	}
	if (prog->from_fd || !prog->has_btf) {
		if (backend == XDPCHAIN_BACKEND_FREPLACE) {
			xc_warn("%s: %s, so it can only join through a tail-call slot "
				"(use --backend auto or tailcall)\n", prog->name,
				prog->from_fd ? "already loaded as an XDP program"
					      : "has no BTF (built without clang -g), so it "
						"cannot be an EXT (freplace) program");
			*err = -EOPNOTSUPP;
		}
		return XDPCHAIN_SLOT_TAILCALL;
	}
	probe = xc_probe_freplace();
	/* Linux 5.10: the verifier does not take an extension's context
	 * argument for the program type's in a global function ("Caller
	 * passes invalid args"). Which program calls which function is known
	 * only at load, so "auto" decides by the object; an explicit
	 * freplace is tried, and its failure explained (prog.c). */
	if (!probe && backend != XDPCHAIN_BACKEND_FREPLACE && prog->global_calls &&
	    xc_probe_ext_global_calls()) {
		if (say)
			xc_info("%s: its object has global functions taking the packet "
				"context, which this kernel refuses in an extension: joins "
				"through a tail-call slot\n", prog->name);
		return XDPCHAIN_SLOT_TAILCALL;
	}
	if (!probe)
		return XDPCHAIN_SLOT_FREPLACE;
	if (backend == XDPCHAIN_BACKEND_FREPLACE) {
		xc_warn("this kernel refuses freplace (EXT) programs: %s; "
			"use --backend tailcall or auto\n", strerror(-probe));
		/* A missing capability (EXT needs CAP_PERFMON) is reported as
		 * such, so that the caller can name it. */
		*err = probe == -EPERM || probe == -EACCES ? probe : -EOPNOTSUPP;
	}
	return XDPCHAIN_SLOT_TAILCALL;
}
