// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * An adoption's step inside its transaction (layer 5): under the lock,
 * check what runs and make the change the attach of that program
 * (docs/protocol.md, "Adoption"). Apart from adopt.c, which starts the
 * transaction (xc_txn_run()), so that the transaction and the adoption
 * do not call each other (no call loop between files).
 */
#include <stdio.h>
#include <string.h>
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
	err = xc_xdp_adoptable(st->store.ifindex, running, mode, c->replaced, why, sizeof(why));
	if (err) {
		c->kind = XC_ADOPT; /* (not staged after all) */
		c->replaced = false;
		xc_warn("%s: cannot adopt: %s\n", ifname, why);
		return err;
	}
	b->mode = mode;
	b->adopt_id = running;
	b->adopt_fd = c->prog->fd;
	if (c->replaced)
		xc_info("%s: adopting the %u program(s) of libxdp's dispatcher %u, %s mode\n",
			ifname, nc - 1, running, xc_mode_str(mode));
	else
		xc_info("%s: adopting program %u (%s), %s mode\n", ifname, running,
			c->prog->name, xc_mode_str(mode));
	return 0;
}
