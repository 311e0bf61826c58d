/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * xdpchain dump's view of the chain it captures from: the names of the
 * programs that decide (also of one that joined a moment ago, and of one
 * that just left, whose packets may still be in the ring buffer), and
 * whether the chain, the interface and the dump's own observer are still
 * there.
 */
#ifndef XDPCHAIN_CLI_DUMP_CHAIN_H
#define XDPCHAIN_CLI_DUMP_CHAIN_H

#include <stdbool.h>
#include <linux/types.h>

struct xdpchain_chain;
struct xdpchain_entry;

/* Unknown ids already looked for, each looked for again only after
 * DUMP_NAME_RETRY_NS: a burst of packets from a program the chain does
 * not list (one that left before the previous read) costs one read per
 * id, not one per packet. */
#define DUMP_NAME_TRIES 8
#define DUMP_NAME_RETRY_NS 200000000ull

struct dump_chain {
	int ifindex;
	const char *root;            /* -r, or NULL */
	struct xdpchain_chain *cur;  /* the last read */
	struct xdpchain_chain *prev; /* the one before: programs that left */
	struct {
		__u32 id;
		__u64 at;            /* monotonic ns */
	} tried[DUMP_NAME_TRIES];
	unsigned int next_try;
};

/* What the periodic check found. */
enum dump_chain_state {
	DUMP_CHAIN_OK,
	DUMP_CHAIN_UNREAD,     /* a read failed (a writer swapping the dispatcher?): go on */
	DUMP_CHAIN_GONE,       /* no chain any more (detach --all, ...) */
	DUMP_CHAIN_IFACE_GONE, /* the interface is not in this namespace any more */
	DUMP_CHAIN_SELF_GONE,  /* the chain runs without our observer */
};

/* First read: 0 or -errno (-ENOENT: no chain). */
int dump_chain_init(struct dump_chain *dc, int ifindex, const char *root);
void dump_chain_free(struct dump_chain *dc);

/* Program id's entry in the chain, reading the chain again for an id it
 * does not list (rate-limited per id, see above); NULL if still unknown. */
const struct xdpchain_entry *dump_chain_entry(struct dump_chain *dc, __u32 id);
/* Its name: "?" if unknown, "-" for id 0 (no program decided). */
const char *dump_chain_name(struct dump_chain *dc, __u32 id);

/* Read the chain again and say whether capturing can go on; *err gets the
 * failed read's -errno for DUMP_CHAIN_UNREAD. A read that finds no chain
 * is confirmed by a few more before DUMP_CHAIN_GONE (a reader racing a
 * busy writer can, rarely, miss a chain that runs). */
enum dump_chain_state dump_chain_check(struct dump_chain *dc, __u32 self_id, int *err);

#endif
