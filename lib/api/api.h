/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 5, the API (docs/architecture.md): the only files that define
 * exported symbols (libxdpchain.map). txn.c runs every change, as a
 * transaction, for attach.c; query.c builds the snapshots that trace.c
 * uses too. The other API files are prog_api.c, gc.c, names.c and
 * library.c.
 */
#ifndef XDPCHAIN_API_H
#define XDPCHAIN_API_H

#include "model/model.h"

struct xc_state; /* store/store.h */
/* What the xdpchain command uses beyond the API (never exported). */
#include "api/internal.h"

/* ---- txn.c: the one change path ---- */
/* Whether the running chain counts verdicts (and so the next revision
 * does too unless switched off). */
XDPCHAIN_HIDDEN bool xc_chain_stats(const struct xc_state *st);
/* A whole transaction on ifindex: lock, read, stage, plan, apply (one
 * mutation), clean up. Changes c[0..nc) apply in order as one new
 * revision; with no effective change (and no owner that exited), nothing
 * happens. Without attaches it needs a chain (-ENOENT, said why).
 * *revision (may be NULL): the revision that runs after it. */
XDPCHAIN_HIDDEN int xc_txn_run(int ifindex, const struct xc_params *p, struct xc_change *c,
			       unsigned int nc, __u64 *revision);

/* ---- adopt_stage.c (adopt.c starts the transaction) ---- */
/* Under the lock, for a transaction whose change c[0] is an adoption
 * (XC_ADOPT): check what runs and make the change the attach of that
 * program (xc_plan_adopt()), which b commits by a netlink replace. */
XDPCHAIN_HIDDEN int xc_adopt_stage(struct xc_state *st, struct xc_change *c, unsigned int nc,
				   struct xc_build *b);

/* ---- query.c ---- */
/* A snapshot of the chain st read (st->chain.have), with its counters if
 * with_stats and it counts. */
XDPCHAIN_HIDDEN struct xdpchain_chain *xc_chain_new(struct xc_state *st, bool with_stats);

#endif
