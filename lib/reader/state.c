// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * The state's lifecycle, and the chain's commit points (layer 3).
 *
 * st->chain has one writer, this layer (docs/architecture.md): the
 * mutations of layer 4 change what runs in the kernel and then tell the
 * reader so here, rather than patching the fields themselves, so that
 * the reader's view (base, meta, pos, the descriptors) is kept consistent
 * in one place. st->store is layer 2's; a state is both, so making and
 * freeing one is done here, above both.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store/store.h"
#include "reader/reader.h"

struct xc_state *xc_state_new(void)
{
	struct xc_state *st = calloc(1, sizeof(*st));

	if (!st)
		return xc_err_ptr(-ENOMEM);
	xc_store_init(st);
	xc_state_forget(st);
	return st;
}

void xc_state_free(struct xc_state *st)
{
	if (!st)
		return;
	xc_state_unlock(st);
	free(st);
}

void xc_state_forget(struct xc_state *st)
{
	memset(&st->chain, 0, sizeof(st->chain));
	st->chain.link_fd = st->chain.disp_fd = -1;
}

void xc_state_close(struct xc_state *st)
{
	if (st->chain.link_fd >= 0)
		close(st->chain.link_fd);
	if (st->chain.disp_fd >= 0)
		close(st->chain.disp_fd);
	st->chain.link_fd = st->chain.disp_fd = -1;
	st->chain.have = false;
	st->chain.moved = false;
}

void xc_state_unlock(struct xc_state *st)
{
	xc_state_close(st);
	xc_store_unlock(st);
}

void xc_state_linked(struct xc_state *st, int link_fd)
{
	if (st->chain.link_fd >= 0 && st->chain.link_fd != link_fd)
		close(st->chain.link_fd);
	st->chain.link_fd = link_fd;
}

void xc_state_swapped(struct xc_state *st, int disp_fd, const struct xdpchain_meta *meta)
{
	if (st->chain.disp_fd >= 0)
		close(st->chain.disp_fd);
	st->chain.disp_fd = fcntl_dupfd(disp_fd);
	xc_state_adopt(st, meta);
	st->chain.have = true;
}

void xc_state_appended(struct xc_state *st, unsigned int pos,
		       const struct xdpchain_slot_meta *m)
{
	st->chain.base.slots[pos] = *m;
	st->chain.base.nr_progs++;
	st->chain.base.nr_spare--;
	xc_state_effective(st);
}

void xc_state_relocated(struct xc_state *st, unsigned int start,
			const struct xdpchain_slot_meta *s, unsigned int k)
{
	struct xdpchain_meta *b = &st->chain.base;
	/* Absolute positions: base slot i is at off + i. */
	unsigned int total = st->chain.off + b->nr_progs + b->nr_spare;
	unsigned int shift = start - st->chain.off, i;

	for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++)
		b->slot_btf_id[i] = i + shift < XDPCHAIN_MAX_SLOTS ? b->slot_btf_id[i + shift] : 0;
	memset(b->slots, 0, sizeof(b->slots));
	memcpy(b->slots, s, k * sizeof(*s));
	b->nr_progs = k;
	b->nr_spare = total - start - k;
	st->chain.off = start;
	st->chain.disp_nr = 0;
	xc_state_effective(st);
}

void xc_state_removed(struct xc_state *st)
{
	xc_state_close(st);
	st->chain.alien_id = 0;
}
