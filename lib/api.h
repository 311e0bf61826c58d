/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 5, the API (docs/architecture.md): the only files that define
 * exported symbols (libxdpchain.map). txn.c runs transactions for
 * attach.c; query.c builds the snapshots that trace.c uses too. The other
 * API files are prog_api.c, gc.c, names.c and library.c.
 */
#ifndef XDPCHAIN_API_H
#define XDPCHAIN_API_H

#include "mutate.h"

/* ---- txn.c ---- */
/* Whether the running chain counts verdicts (and so the next revision
 * does too unless switched off). */
XDPCHAIN_HIDDEN bool xc_chain_stats(const struct xc_state *st);
/* Lock the interface's state and check the caller's expected revision.
 * On success the lock is held; on -ESTALE too (the caller unlocks), and
 * on -EPROTONOSUPPORT: the chain is of another protocol version
 * (st->other_version), refused unless any_version (detach --all). */
XDPCHAIN_HIDDEN int xc_txn_begin(struct xc_state *st, int ifindex, const char *root,
				 bool create, bool rev_set, __u64 rev, bool any_version);
/* Say that st's chain is of another protocol version and what to do:
 * -EPROTONOSUPPORT. */
XDPCHAIN_HIDDEN int xc_refuse_version(const struct xc_state *st);
/* Under the lock: apply changes c[0..nc) to the running chain, in order,
 * as one new revision; with no effective change, nothing happens. */
XDPCHAIN_HIDDEN int xc_txn_apply(struct xc_state *st, const struct xc_params *p,
				 struct xc_change *c, unsigned int nc);
/* A whole transaction on ifindex: lock, apply, clean up; *revision (may
 * be NULL): the revision that runs after it. */
XDPCHAIN_HIDDEN int xc_txn_run(int ifindex, const struct xc_params *p, struct xc_change *c,
			       unsigned int nc, __u64 *revision);

/* ---- query.c ---- */
/* A snapshot of the chain st read (st->have), with its counters if
 * with_stats and it counts. */
XDPCHAIN_HIDDEN struct xdpchain_chain *xc_chain_new(struct xc_state *st, bool with_stats);

#endif
