// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Adoption (layer 5): the XDP program another loader attached through
 * netlink becomes the first program of a new chain without a reload. It
 * is a transaction of one change (txn.c), XC_ADOPT, which the planner
 * turns into the attach of that program (plan.c) and the rebuild commits
 * by a netlink replace of it (rebuild.c): docs/protocol.md, "Adoption".
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "api/api.h"

int xc_adopt_stage(struct xc_state *st, struct xc_change *c, unsigned int nc,
		   struct xc_build *b)
{
	char ifname[IF_NAMESIZE], why[200];
	enum xdpchain_mode mode;
	__u32 running = 0;
	int err;

	xc_ifname(st->store.ifindex, ifname);
	/* A pin that keeps something attached which is not our chain: the
	 * caller must look at it first (as for an attach). */
	if (st->chain.alien_id && !st->chain.away_link) {
		xc_warn("%s: %s/dispatcher keeps program %u attached, which is not a valid "
			"xdpchain chain (%s); refusing to touch it\n", ifname, st->store.dir,
			st->chain.alien_id, st->chain.alien_why);
		return -EEXIST;
	}
	err = xc_xdp_prog_id(st->store.ifindex, &running, &mode);
	if (err) {
		xc_warn("cannot query XDP on %s: %s\n", ifname, strerror(-err));
		return err;
	}
	err = xc_plan_adopt(c, nc, st->chain.have, running, ifname);
	if (err)
		return err;
	err = xc_xdp_adoptable(st->store.ifindex, running, mode, why, sizeof(why));
	if (err) {
		c->kind = XC_ADOPT; /* (not staged after all) */
		xc_warn("%s: cannot adopt: %s\n", ifname, why);
		return err;
	}
	b->mode = mode;
	b->adopt_id = running;
	b->adopt_fd = c->prog->fd;
	xc_info("%s: adopting program %u (%s), %s mode\n", ifname, running, c->prog->name,
		xc_mode_str(mode));
	return 0;
}

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

int xdpchain_adopt(int ifindex, const struct xdpchain_adopt_opts *opts)
{
	struct xc_change c = { .kind = XC_ADOPT };
	struct xc_params p = { .backend = XDPCHAIN_BACKEND_TAILCALL };
	__u32 continue_on;
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
	c.prog->priority = XC_OPTS_GET(opts, priority_set, false) ? XC_OPTS_GET(opts, priority, 0)
								    : XDPCHAIN_ADOPT_PRIORITY;
	if (continue_on)
		c.prog->continue_on = continue_on;
	err = xc_txn_run(ifindex, &p, &c, 1, NULL);
	xdpchain_prog__close(c.prog);
	return xc_err(err);
}
