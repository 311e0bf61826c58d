/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Layer 3, the chain reader (docs/architecture.md): from the pinned link
 * to the dispatcher, its metadata, its live end (appended programs) and
 * its vacant slots, to the chain that runs. reader.c, effective.c.
 */
#ifndef XDPCHAIN_READER_H
#define XDPCHAIN_READER_H

#include "model/model.h"

struct xc_state;     /* store/store.h */
struct xc_gc_report; /* store/store.h */

/* ---- state.c: a state's lifecycle, and what a mutation tells the reader ---- */
XDPCHAIN_HIDDEN struct xc_state *xc_state_new(void);
/* Unlock, close and free (NULL: nothing). */
XDPCHAIN_HIDDEN void xc_state_free(struct xc_state *st);
/* st->chain holds nothing (descriptors not closed: a reset). */
XDPCHAIN_HIDDEN void xc_state_forget(struct xc_state *st);
/* Close the chain's descriptors (st->chain.have becomes false). */
XDPCHAIN_HIDDEN void xc_state_close(struct xc_state *st);
/* The same, and drop the lock. */
XDPCHAIN_HIDDEN void xc_state_unlock(struct xc_state *st);
/* The dispatcher link link_fd (pinned) is the chain's from now on. */
XDPCHAIN_HIDDEN void xc_state_linked(struct xc_state *st, int link_fd);
/* The dispatcher disp_fd (a copy is kept) with metadata meta runs. */
XDPCHAIN_HIDDEN void xc_state_swapped(struct xc_state *st, int disp_fd,
				      const struct xdpchain_meta *meta);
/* Program m was appended at base position pos, and runs. */
XDPCHAIN_HIDDEN void xc_state_appended(struct xc_state *st, unsigned int pos,
				       const struct xdpchain_slot_meta *m);
/* The relocated chain s[0..k) runs at positions start .. start + k - 1
 * (docs/protocol.md, section 6c). */
XDPCHAIN_HIDDEN void xc_state_relocated(struct xc_state *st, unsigned int start,
					const struct xdpchain_slot_meta *s, unsigned int k);
/* The chain was removed (its link detached, or another version's). */
XDPCHAIN_HIDDEN void xc_state_removed(struct xc_state *st);

/* ---- handsoff.c: directories left alone (each returns 0) ---- */
/* The pinned link runs a dispatcher of ours of another protocol version. */
XDPCHAIN_HIDDEN int xc_read_other_version(struct xc_state *st, __u32 prog_id);
/* The pinned link runs prog_id on our interface, no valid chain of ours. */
XDPCHAIN_HIDDEN int xc_read_alien(struct xc_state *st, __u32 prog_id, const char *why);
/* The pinned link is attached to an interface of another namespace. */
XDPCHAIN_HIDDEN int xc_read_moved(struct xc_state *st, __u32 prog_id, __u32 link_id,
				  __u32 link_ifindex);
/* An adopted chain that the interface does not run: collected (its pins
 * orphans) unless its dispatcher runs in another namespace (or may). */
XDPCHAIN_HIDDEN int xc_read_netlink_gone(struct xc_state *st);

/* ---- reader.c ---- */
/* Read the running chain without locking (status, trace). */
XDPCHAIN_HIDDEN int xc_state_read(struct xc_state *st, int ifindex, const char *opt_root);
/* Take the per-interface lock, read and validate the running chain and
 * collect orphans (rep, may be NULL, hears of each). create: make the
 * directory if missing; nonblock: fail with -EWOULDBLOCK rather than wait
 * (gc). */
XDPCHAIN_HIDDEN int xc_state_lock(struct xc_state *st, int ifindex, const char *opt_root,
				  bool create, bool nonblock, struct xc_gc_report *rep);
/* ---- leftover.c ---- */
/* An adopted chain: remove libxdp's pins that a crashed adoption of its
 * dispatcher left (docs/protocol.md, 7a); rep (may be NULL) hears of
 * each. */
XDPCHAIN_HIDDEN void xc_state_libxdp_left(struct xc_state *st, struct xc_gc_report *rep);

/* The running dispatcher's live map (its .bss): a new fd or -errno. */
XDPCHAIN_HIDDEN int xc_live_map(struct xc_state *st);
/* The running dispatcher's live map, mapped for a writer (xc_live_munmap()
 * it); NULL with *err, reported. */
XDPCHAIN_HIDDEN struct xdpchain_live *xc_live_open(struct xc_state *st, int *err);
/* Packets the running dispatcher aborted for want of tail calls
 * (xdpchain_live.nr_exhausted): 0 or -errno. */
XDPCHAIN_HIDDEN int xc_state_exhausted(struct xc_state *st, __u64 *n);

/* ---- effective.c ---- */
/* st->chain.meta and st->chain.pos from st->chain.base and the kernel's state. */
XDPCHAIN_HIDDEN void xc_state_effective(struct xc_state *st);
/* How many of the running dispatcher's slots are vacant. */
XDPCHAIN_HIDDEN unsigned int xc_state_vacant(const struct xc_state *st);
/* meta (just swapped in, no vacancy) is what runs. */
XDPCHAIN_HIDDEN void xc_state_adopt(struct xc_state *st, const struct xdpchain_meta *meta);
/* The chain st read, as planning sees it (NULL, NULL: none). */
XDPCHAIN_HIDDEN struct xc_running xc_state_running(const struct xc_state *st);

#endif
