// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Reading a libxdp dispatcher for status through libxdp's public API
 * (libxdp(3)): libxdp knows its own layout and where it pins its
 * programs. Nothing here changes a chain: libxdp only takes its lock file
 * while it reads, in its directory (the xdp directory of $LIBXDP_BPFFS,
 * default /sys/fs/bpf), which it creates if missing. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <xdp/libxdp.h>
#include "libxdp.h"
#include "api/internal.h"

/* libxdp warns on stderr when it cannot read its pins; status says it
 * in its own words. */
static int quiet(enum libxdp_print_level level, const char *fmt, va_list args)
{
	(void)level;
	(void)fmt;
	(void)args;
	return 0;
}

static void fill_prog(struct libxdp_prog *p, const struct xdp_program *prog, unsigned int slot)
{
	p->id = xdp_program__id(prog);
	p->slot = slot;
	p->priority = xdp_program__run_prio(prog);
	snprintf(p->name, sizeof(p->name), "%s", xdp_program__name(prog) ?: "?");
	p->actions = 0;
	for (unsigned int a = XDP_ABORTED; a <= XDP_REDIRECT; a++)
		if (xdp_program__chain_call_enabled(prog, a))
			p->actions |= 1u << a;
}

/* libxdpchain's reader (protocol.md 7a): for a layout the system's
 * libxdp refuses, which it reads by the names in the config's BTF. */
static int view_by_xdpchain(int ifindex, __u32 disp_id, struct libxdp_view *v, char *why,
			    size_t why_len)
{
	struct xc_libxdp_view x;
	int err;

	err = xc_libxdp_view(ifindex, disp_id, &x, why, why_len);
	if (err)
		return err;
	v->frags = x.frags;
	v->progs_read = true;
	v->layout = x.version;
	for (unsigned int i = 0; i < x.nr && i < LIBXDP_MAX_SLOTS; i++) {
		v->progs[i].id = x.progs[i].id;
		snprintf(v->progs[i].name, sizeof(v->progs[i].name), "%s", x.progs[i].name);
		v->progs[i].slot = i;
		v->progs[i].priority = x.progs[i].priority;
		v->progs[i].actions = x.progs[i].actions;
		v->nr_progs++;
	}
	return 0;
}

int libxdp_view_read(int ifindex, __u32 disp_id, struct libxdp_view *v, char *why,
		     size_t why_len)
{
	libxdp_print_fn_t old = libxdp_set_print(quiet);
	struct xdp_program *main_prog, *prog = NULL;
	struct xdp_multiprog *mp;
	int err = 0;

	memset(v, 0, sizeof(*v));
	v->dispatcher_id = disp_id;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = (int)libxdp_get_error(mp);
	if (err) {
		libxdp_set_print(old);
		/* libxdp refuses a dispatcher newer than it knows
		 * (EOPNOTSUPP) and says nothing else of it. */
		return view_by_xdpchain(ifindex, disp_id, v, why, why_len) ? err : 0;
	}
	main_prog = xdp_multiprog__main_prog(mp);
	if (!main_prog || xdp_program__id(main_prog) != disp_id ||
	    strcmp(xdp_program__name(main_prog) ?: "", LIBXDP_DISPATCHER_NAME)) {
		err = -EMEDIUMTYPE; /* replaced meanwhile, or not libxdp's */
		goto out;
	}
	v->frags = xdp_multiprog__xdp_frags_support(mp);
	/* "Legacy" is a lone program; a dispatcher that libxdp calls so is
	 * one whose pinned programs it could not read. */
	v->progs_read = !xdp_multiprog__is_legacy(mp);
	if (!v->progs_read)
		goto out;
	while ((prog = xdp_multiprog__next_prog(prog, mp)) && v->nr_progs < LIBXDP_MAX_SLOTS) {
		fill_prog(&v->progs[v->nr_progs], prog, v->nr_progs);
		v->nr_progs++;
	}
out:
	xdp_multiprog__close(mp);
	libxdp_set_print(old);
	return err;
}
