// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Planning a relocation (layer 0): whether a transaction's new chain can
 * be written whole into the running dispatcher's spare positions and
 * committed with one store (relocate.c, docs/protocol.md section 6c),
 * instead of a new dispatcher, whose swap makes the driver reconfigure
 * the interface (virtio_net pauses every queue). Pure: the chain's
 * description and the changes only.
 */
#include <string.h>
#include "model/model.h"

/* The change is the one kind a relocation makes: one program joins, or
 * one program's priority, continue-on set or placement changes. */
static bool one_change(const struct xc_change *c, unsigned int nc, const struct xc_plan *plan)
{
	if (nc != 1 || !plan->changed || plan->stats)
		return false;
	switch (c->kind) {
	case XC_ATTACH:
		/* An anchor joining with it would be a second change. */
		return plan->nattach == 1 && !c->anchor_prog;
	case XC_UPDATE:
	case XC_PLACE:
		return !plan->nattach;
	default:
		return false;
	}
}

/* The running dispatcher can take a relocated chain: spare positions (a
 * plain or extension-only build, no counters or observers), and not a
 * chain of one running in place of the main function (whose positions
 * never run while that link exists: section 2). */
static bool relocatable(const struct xdpchain_meta *base, bool frags)
{
	return base->nr_spare &&
	       !(base->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE |
				XDPCHAIN_META_F_OBSERVE)) &&
	       !xc_meta_whole(base) && frags == !!(base->flags & XDPCHAIN_META_F_FRAGS);
}

/* The joining program m can run at a spare position of base, and sorts
 * where its priority and name alone say: its tag, the next key, is known
 * only once it is loaded, against the position it is loaded for. */
static bool joiner_fits(const struct xdpchain_meta *base, const struct xc_entry *e,
			unsigned int n, const struct xdpchain_slot_meta *m)
{
	if (m->flags & XDPCHAIN_SLOT_F_OBSERVER)
		return false;
	if (m->kind == XDPCHAIN_SLOT_TAILCALL && (base->flags & XDPCHAIN_META_F_EXT_ONLY))
		return false;
	for (unsigned int i = 0; i < n; i++)
		if (e[i].m.priority == m->priority && !strncmp(e[i].m.name, m->name, sizeof(m->name)))
			return false;
	return true;
}

int xc_plan_relocate(const struct xc_running *run, const struct xc_entry *e, unsigned int n,
		     const struct xc_change *c, unsigned int nc, const struct xc_plan *plan,
		     bool frags, struct xdpchain_slot_meta *out, int *joins)
{
	const struct xdpchain_meta *base = run->base;
	unsigned int k, i;

	*joins = -1;
	if (!base || !run->meta || !one_change(c, nc, plan) || !relocatable(base, frags))
		return -1;
	/* Every running program stays (one leaving is a vacancy, 6a). */
	if (n != run->meta->nr_progs)
		return -1;
	if (c->kind == XC_ATTACH && !joiner_fits(base, e, n, &c->m))
		return -1;
	k = n + (c->kind == XC_ATTACH);
	if (k > base->nr_spare)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = e[i].m;
	if (c->kind == XC_ATTACH) {
		out[n] = c->m;
		out[n].prog_id = 0; /* known once loaded: relocate.c */
	}
	if (xc_slots_sort(out, k))
		return -1; /* placements in a loop: the rebuild says so */
	for (i = 0; c->kind == XC_ATTACH && i < k; i++)
		if (!out[i].prog_id)
			*joins = (int)i;
	return (int)k;
}
