/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 3, the chain reader (docs/architecture.md): from the pinned link
 * to the dispatcher, its metadata, its live end (appended programs) and
 * its vacant slots, to the chain that runs. reader.c, effective.c.
 */
#ifndef XDPCHAIN_READER_H
#define XDPCHAIN_READER_H

#include "store/store.h"

/* ---- reader.c ---- */
/* Read the running chain without locking (status, trace). */
XDPCHAIN_HIDDEN int xc_state_read(struct xc_state *st, int ifindex, const char *opt_root);
/* Take the per-interface lock, read and validate the running chain and
 * collect orphans (rep, may be NULL, hears of each). create: make the
 * directory if missing; nonblock: fail with -EWOULDBLOCK rather than wait
 * (gc). */
XDPCHAIN_HIDDEN int xc_state_lock(struct xc_state *st, int ifindex, const char *opt_root,
				  bool create, bool nonblock, struct xc_gc_report *rep);
/* The running dispatcher's live map (its .bss): a new fd or -errno. */
XDPCHAIN_HIDDEN int xc_live_map(struct xc_state *st);
/* Packets the running dispatcher aborted for want of tail calls
 * (xdpchain_live.nr_exhausted): 0 or -errno. */
XDPCHAIN_HIDDEN int xc_state_exhausted(struct xc_state *st, __u64 *n);

/* ---- effective.c ---- */
/* st->meta and st->pos from st->base and the kernel's state. */
XDPCHAIN_HIDDEN void xc_state_effective(struct xc_state *st);
/* How many of the running dispatcher's slots are vacant. */
XDPCHAIN_HIDDEN unsigned int xc_state_vacant(const struct xc_state *st);
/* meta (just swapped in, no vacancy) is what runs. */
XDPCHAIN_HIDDEN void xc_state_adopt(struct xc_state *st, const struct xdpchain_meta *meta);
/* The chain st read, as planning sees it (NULL, NULL: none). */
XDPCHAIN_HIDDEN struct xc_running xc_state_running(const struct xc_state *st);

#endif
