// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Adoption (layer 5): the XDP program another loader attached through
 * netlink becomes the first program of a new chain without a reload. It
 * is a transaction of one change (txn.c), XC_ADOPT, which the planner
 * turns into the attach of that program (plan.c) and the rebuild commits
 * by a netlink replace of it (rebuild.c): docs/protocol.md, "Adoption".
 * libxdp's dispatcher is not adopted itself: its programs (extensions,
 * loaded already) join freplace slots, linked as they are, in the same
 * transaction, and libxdp's pins go once our dispatcher replaced it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "api/api.h"

/* A handle of the program that runs on ifindex now (checked again under
 * the lock: xc_plan_adopt()). */
static struct xdpchain_prog *running_prog(int ifindex, int *err)
{
	char ifname[IF_NAMESIZE];
	struct xdpchain_prog *prog;
	__u32 id;
	int fd;

	*err = xc_xdp_prog_id(ifindex, &id, NULL);
	if (*err) {
		xc_warn("cannot query XDP on %s: %s\n", xc_ifname(ifindex, ifname),
			strerror(-*err));
		return NULL;
	}
	if (!id) {
		xc_warn("%s runs no XDP program: nothing to adopt\n", xc_ifname(ifindex, ifname));
		*err = -ENOENT;
		return NULL;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0) {
		*err = -errno;
		xc_warn("cannot get program %u on %s: %s\n", id, xc_ifname(ifindex, ifname),
			strerror(-*err));
		return NULL;
	}
	prog = xdpchain_prog__from_fd(fd);
	*err = prog ? 0 : -errno;
	close(fd);
	return prog;
}

/* A handle of libxdp's component program lp, an extension loaded
 * already, with the run settings libxdp's dispatcher gave it. */
static struct xdpchain_prog *ext_prog(const struct xc_libxdp_prog *lp)
{
	struct xdpchain_prog *p = xc_prog_new();

	if (!p)
		return NULL;
	p->fd = fcntl_dupfd(lp->fd);
	p->name = strdup(lp->name);
	if (p->fd < 0 || !p->name) {
		xdpchain_prog__close(p);
		return NULL;
	}
	p->from_fd = true;
	p->loaded_ext = true;
	p->id = lp->id;
	p->priority = (int)lp->priority;
	p->continue_on = lp->actions & XDPCHAIN_VERDICTS_ALL;
	p->frags = p->loaded_frags = lp->frags;
	return p;
}

/* The changes of a libxdp dispatcher's adoption: c[0] the dispatcher
 * (replaced), c[1..] its programs in run order. libxdp orders equal
 * priorities by its own rules: each such program is placed after the one
 * before it, so that the order stays what it was. */
static int libxdp_changes(const struct xc_libxdp *x, struct xc_change *c)
{
	for (unsigned int i = 0; i < x->nr; i++) {
		struct xc_change *ci = &c[i + 1];

		ci->kind = XC_ATTACH;
		ci->prog = ext_prog(&x->progs[i]);
		if (!ci->prog)
			return -ENOMEM;
		if (i && x->progs[i].priority == x->progs[i - 1].priority) {
			ci->anchor = XDPCHAIN_ANCHOR_AFTER;
			ci->anchor_prog = c[i].prog;
		}
	}
	return 0;
}

/* libxdp's dispatcher disp: under libxdp's lock, its programs join a new
 * chain whose dispatcher replaces it, then libxdp's pins go. */
static int adopt_libxdp(int ifindex, struct xdpchain_prog *disp, const char *lroot,
			struct xc_params *p)
{
	char ifname[IF_NAMESIZE], why[300];
	struct xc_change *c = NULL;
	struct xc_libxdp x;
	__u32 running = 0;
	int lock, err, uerr;

	xc_ifname(ifindex, ifname);
	lock = xc_libxdp_lock(lroot, why, sizeof(why));
	if (lock < 0) {
		xc_warn("%s: cannot adopt libxdp's dispatcher %u: %s\n", ifname, disp->id, why);
		return lock;
	}
	/* libxdp changes its chain under this lock only: what runs now is
	 * what its pins describe (the swap checks it once more). */
	err = xc_xdp_prog_id(ifindex, &running, NULL);
	if (!err && running != disp->id) {
		xc_warn("%s runs program %u now, not %u: it changed meanwhile\n", ifname,
			running, disp->id);
		err = -ESTALE;
	}
	if (err)
		goto out_unlock;
	err = xc_libxdp_read(lroot, ifindex, disp->fd, disp->id, &x, why, sizeof(why));
	if (err) {
		xc_warn("%s: cannot adopt libxdp's dispatcher %u: %s\n", ifname, disp->id, why);
		goto out_unlock;
	}
	c = calloc(x.nr + 1, sizeof(*c));
	err = c ? 0 : -ENOMEM;
	if (!err) {
		c[0].kind = XC_ADOPT;
		c[0].prog = disp;
		err = libxdp_changes(&x, c);
	}
	if (!err)
		err = xc_txn_run(ifindex, p, c, x.nr + 1, NULL);
	if (!err) {
		/* Our chain runs: libxdp's pins now only hold links to a
		 * dispatcher that runs nowhere (a stale view for libxdp). */
		uerr = xc_libxdp_unpin(lroot, ifindex, disp->id);
		if (uerr)
			xc_warn("%s: the chain runs, but libxdp's pins of dispatcher %u under "
				"%s/xdp could not all be removed: %s\n", ifname, disp->id,
				xc_libxdp_root(lroot), strerror(-uerr));
	}
	for (unsigned int i = 1; c && i <= x.nr; i++)
		xdpchain_prog__close(c[i].prog);
	free(c);
	xc_libxdp_close(&x);
out_unlock:
	xc_libxdp_unlock(lock);
	return err;
}

int xdpchain_adopt(int ifindex, const struct xdpchain_adopt_opts *opts)
{
	struct xc_change c = { .kind = XC_ADOPT };
	struct xc_params p = { .backend = XDPCHAIN_BACKEND_TAILCALL };
	__u32 continue_on;
	bool prio_set;
	int err;

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_adopt_opts))
		return xc_err(-EINVAL);
	continue_on = XC_OPTS_GET(opts, continue_on, 0);
	if (continue_on & ~XDPCHAIN_VERDICTS_ALL)
		return xc_err(-EINVAL);
	p.root = XC_OPTS_GET(opts, bpffs_root, NULL);
	c.prog = running_prog(ifindex, &err);
	if (!c.prog)
		return xc_err(err);
	prio_set = XC_OPTS_GET(opts, priority_set, false);
	if (!strcmp(c.prog->name, "xdp_dispatcher")) {
		if (prio_set || continue_on) {
			xc_warn("the programs of libxdp's dispatcher keep their own priorities "
				"and chain-call actions: no priority or continue-on set is "
				"given for them\n");
			err = -EINVAL;
		} else {
			p.backend = XDPCHAIN_BACKEND_AUTO; /* extensions: freplace slots */
			err = adopt_libxdp(ifindex, c.prog, XC_OPTS_GET(opts, libxdp_bpffs, NULL), &p);
		}
		xdpchain_prog__close(c.prog);
		return xc_err(err);
	}
	c.prog->priority = prio_set ? XC_OPTS_GET(opts, priority, 0) : XDPCHAIN_ADOPT_PRIORITY;
	if (continue_on)
		c.prog->continue_on = continue_on;
	err = xc_txn_run(ifindex, &p, &c, 1, NULL);
	xdpchain_prog__close(c.prog);
	return xc_err(err);
}
