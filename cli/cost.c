// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Per-program cost figures (cost.h). */
#include <stdio.h>
#include "cost.h"
#include "json.h"

struct prog_cost cost_of(const struct xdpchain_prog_stats *s, __u64 chain_ns)
{
	struct prog_cost p = { 0 };

	/* No timed packet yet (or none since the last reading, for top):
	 * unknown, which is not "free". */
	if (!s->timed || !s->packets)
		return p;
	p.known = true;
	p.ns_per_pkt = (double)s->time_ns / (double)s->packets;
	p.share = chain_ns ? (double)s->time_ns / (double)chain_ns : 0.0;
	return p;
}

__u64 cost_chain_ns(const struct xdpchain_chain *c)
{
	__u64 sum = 0;

	for (unsigned int i = 0; i < xdpchain_chain__nr_progs(c); i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		struct xdpchain_prog_stats s = { .sz = sizeof(s) };

		if (e && !xdpchain_entry__stats(e, &s))
			sum += s.time_ns;
	}
	return sum;
}

void cost_fmt(const struct prog_cost *p, char *ns, size_t ns_len, char *pct, size_t pct_len)
{
	if (!p->known) {
		snprintf(ns, ns_len, "-");
		snprintf(pct, pct_len, "-");
		return;
	}
	snprintf(ns, ns_len, "%.1f", p->ns_per_pkt);
	snprintf(pct, pct_len, "%.1f%%", p->share * 100.0);
}

void cost_json(struct json_writer *w, const struct prog_cost *p)
{
	if (p->known) {
		json_kv_double(w, "ns_per_packet", p->ns_per_pkt);
		json_kv_double(w, "time_share", p->share);
	} else {
		json_kv_null(w, "ns_per_packet");
		json_kv_null(w, "time_share");
	}
}
