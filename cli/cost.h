/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Per-program cost, as status, top and metrics show it: the average time
 * per packet and the share of the chain's time, from the run time the
 * dispatcher measures with the counters (xdpchain_prog_stats.time_ns). */
#ifndef XDPCHAIN_CLI_COST_H
#define XDPCHAIN_CLI_COST_H

#include <stdbool.h>
#include <xdpchain/xdpchain.h>

struct prog_cost {
	bool known;        /* some packet was timed: the figures below mean something */
	double ns_per_pkt; /* time_ns / packets */
	double share;      /* time_ns / chain_ns, 0..1 (0 if chain_ns is 0) */
};

/* The figures of one program whose counters are s, in a chain whose
 * programs took chain_ns in all (the sum of their time_ns). */
struct prog_cost cost_of(const struct xdpchain_prog_stats *s, __u64 chain_ns);

/* The sum of the time_ns of c's programs (0 without counters). */
__u64 cost_chain_ns(const struct xdpchain_chain *c);

/* "123.4" and "12.3%" for text tables, "-" when not known. */
void cost_fmt(const struct prog_cost *p, char *ns, size_t ns_len, char *pct, size_t pct_len);

struct json_writer;
/* "ns_per_packet" and "time_share" into the open object, null when not
 * known (status -j, top -j: one shape). */
void cost_json(struct json_writer *w, const struct prog_cost *p);

#endif
