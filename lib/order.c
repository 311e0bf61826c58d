// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Run order: lower priority first; ties broken by things that do not
 * depend on attach order (name, then program tag), so that whichever
 * application starts first, the chain is the same. */
#include <stdlib.h>
#include <string.h>
#include "model.h"

int xc_slot_cmp(const struct xdpchain_slot_meta *a, const struct xdpchain_slot_meta *b)
{
	int c;

	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	c = strncmp(a->name, b->name, sizeof(a->name));
	if (c)
		return c < 0 ? -1 : 1;
	c = memcmp(a->tag, b->tag, sizeof(a->tag));
	if (c)
		return c < 0 ? -1 : 1;
	/* The same code twice: its configuration decides, then the owner.
	 * Only two identical programs with identical settings compare by id,
	 * and those are interchangeable. */
	if (a->continue_on != b->continue_on)
		return a->continue_on < b->continue_on ? -1 : 1;
	c = strncmp(a->owner, b->owner, sizeof(a->owner));
	if (c)
		return c < 0 ? -1 : 1;
	if (a->prog_id != b->prog_id)
		return a->prog_id < b->prog_id ? -1 : 1;
	return 0;
}

static int slot_qsort_cmp(const void *a, const void *b)
{
	return xc_slot_cmp(a, b);
}

void xc_slots_sort(struct xdpchain_slot_meta *slots, unsigned int n)
{
	qsort(slots, n, sizeof(*slots), slot_qsort_cmp);
}
