// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Run order: lower priority first; ties broken by things that do not
 * depend on attach order (name, then program tag), so that whichever
 * application starts first, the chain is the same. A program placed
 * relative to another (its anchor) runs right before or right after it,
 * whatever its own priority (docs/protocol.md, "Run order"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "model/model.h"

int xc_slot_cmp(const struct xdpchain_slot_meta *a, const struct xdpchain_slot_meta *b)
{
	bool oa = a->flags & XDPCHAIN_SLOT_F_OBSERVER, ob = b->flags & XDPCHAIN_SLOT_F_OBSERVER;
	int c;

	/* Observers run after the chain decided: after every program. */
	if (oa != ob)
		return oa ? 1 : -1;
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

static int ptr_cmp(const void *a, const void *b)
{
	return xc_slot_cmp(*(const struct xdpchain_slot_meta *const *)a,
			   *(const struct xdpchain_slot_meta *const *)b);
}

static bool has_anchor(const struct xdpchain_slot_meta *const *s, unsigned int n, __u32 id)
{
	for (unsigned int i = 0; i < n; i++)
		if (s[i]->prog_id == id)
			return true;
	return false;
}

/* Emit s[i] with the programs placed relative to it, recursively: those
 * placed before it (in key order, each with its own), it, then those
 * placed after it. A tree is at most n deep. */
static void emit(const struct xdpchain_slot_meta *const *s, unsigned int n, unsigned int i,
		 unsigned int *perm, unsigned int *k, bool *done)
{
	__u32 id = s[i]->prog_id;

	done[i] = true;
	for (unsigned int j = 0; j < n; j++)
		if (!done[j] && s[j]->anchor == XDPCHAIN_ANCHOR_BEFORE && s[j]->anchor_id == id)
			emit(s, n, j, perm, k, done);
	perm[(*k)++] = i;
	for (unsigned int j = 0; j < n; j++)
		if (!done[j] && s[j]->anchor == XDPCHAIN_ANCHOR_AFTER && s[j]->anchor_id == id)
			emit(s, n, j, perm, k, done);
}

int xc_order(const struct xdpchain_slot_meta **s, unsigned int n, unsigned int *perm)
{
	bool done[XDPCHAIN_MAX_SLOTS] = {};
	unsigned int i, k = 0;
	int err = 0;

	if (n > XDPCHAIN_MAX_SLOTS)
		return -E2BIG;
	qsort(s, n, sizeof(*s), ptr_cmp);
	/* The roots: programs without an anchor (or whose anchor is not
	 * among these: validation refuses that in a chain), in key order. */
	for (i = 0; i < n; i++)
		if (!done[i] && (s[i]->anchor == XDPCHAIN_ANCHOR_NONE ||
				 !has_anchor(s, n, s[i]->anchor_id)))
			emit(s, n, i, perm, &k, done);
	/* Anchors in a loop: never reached from a root. */
	for (i = 0; i < n; i++) {
		if (!done[i]) {
			perm[k++] = i;
			err = -ELOOP;
		}
	}
	return err;
}

int xc_order_array(void *base, unsigned int n, size_t size, size_t meta_off)
{
	const struct xdpchain_slot_meta *p[XDPCHAIN_MAX_SLOTS];
	unsigned int perm[XDPCHAIN_MAX_SLOTS];
	char *tmp;
	int err;

	if (n > XDPCHAIN_MAX_SLOTS)
		return -E2BIG;
	tmp = malloc(n * size + 1); /* up to 14 KB: not on the stack */
	if (!tmp)
		return -ENOMEM;
	memcpy(tmp, base, n * size);
	for (unsigned int i = 0; i < n; i++)
		p[i] = (const struct xdpchain_slot_meta *)(tmp + i * size + meta_off);
	err = xc_order(p, n, perm);
	/* p[k] points into tmp: its element is the one holding it. */
	for (unsigned int i = 0; i < n; i++)
		memcpy((char *)base + i * size, (const char *)p[perm[i]] - meta_off, size);
	free(tmp);
	return err;
}

int xc_slots_sort(struct xdpchain_slot_meta *slots, unsigned int n)
{
	return xc_order_array(slots, n, sizeof(*slots), 0);
}
