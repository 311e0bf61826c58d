/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 4, mutations (docs/architecture.md): each makes one kind of change
 * to a chain read and locked by layer 3, and none calls another. A
 * transaction (layer 5) plans (plan.c), then calls one of them; if an
 * in-place one fails, it may fall back to the rebuild. rebuild.c,
 * append.c, relocate.c, vacate.c, remove.c, collect.c.
 */
#ifndef XDPCHAIN_MUTATE_H
#define XDPCHAIN_MUTATE_H

#include "model/model.h"

struct xc_state; /* store/store.h */

/* ---- rebuild.c ---- */
/* A new dispatcher for the programs e[0..n) of the running chain (their
 * descriptions; e has room for XDPCHAIN_MAX_SLOTS) and the attaches of
 * c[0..nc) (staged: slot kind and description), swapped in for the
 * running one (its link updated, or for a netlink-attached chain a
 * netlink replace), attached anew, or put in place of an adopted program. */
XDPCHAIN_HIDDEN int xc_rebuild(struct xc_state *st, struct xc_entry *e, unsigned int n,
			       struct xc_change *c, unsigned int nc, const struct xc_build *b);

/* ---- append.c ---- */
/* Load prog and append it at the first spare position (m: its
 * description, completed); xc_plan_can_append() said it may. */
XDPCHAIN_HIDDEN int xc_append(struct xc_state *st, struct xdpchain_prog *prog,
			      struct xdpchain_slot_meta *m);

/* ---- relocate.c ---- */
/* Write the chain s[0..k) (xc_plan_relocate(): in run order) into the
 * running dispatcher's spare positions from its live end on and commit
 * it (docs/protocol.md, section 6c); s[joins] (joins >= 0) is prog, to be
 * loaded, its description m completed. */
XDPCHAIN_HIDDEN int xc_relocate(struct xc_state *st, struct xdpchain_prog *prog,
				struct xdpchain_slot_meta *m, struct xdpchain_slot_meta *s,
				unsigned int k, int joins);

/* ---- vacate.c ---- */
/* Take program st->chain.meta.slots[idx] out of the packet path in place. */
XDPCHAIN_HIDDEN int xc_vacate(struct xc_state *st, unsigned int idx);

/* ---- remove.c ---- */
/* Detach the chain (if one runs) and remove all its state. */
XDPCHAIN_HIDDEN int xc_remove_all(struct xc_state *st);

/* ---- collect.c: state no running chain uses ---- */
typedef void (*xc_collected_fn)(const char *path, const char *why, void *ctx);
/* Collect the state of interface ifindex of the caller's namespace (ino),
 * or (ifindex 0) of all its interfaces and of namespaces that are gone;
 * vanished_only: only interfaces that are gone, never waiting for a lock.
 * fn (may be NULL) hears of everything removed. Returns how many. */
XDPCHAIN_HIDDEN int xc_collect(const char *root, __u64 ino, int ifindex, bool vanished_only,
			       xc_collected_fn fn, void *ctx);
/* After a transaction on skip_ifindex: collect the state of other
 * interfaces of the namespace that are gone (never waits for a lock); up
 * to 16 of their directories, a sample where there are more. */
XDPCHAIN_HIDDEN void xc_collect_vanished(const char *root, __u64 netns_ino, int skip_ifindex);

#endif
