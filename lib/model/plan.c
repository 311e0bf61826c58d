// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Planning a transaction (layer 0): the checks and choices that need only
 * the chain's description and the changes, made before anything is loaded
 * or changed. The transaction (txn.c) stages the attaches, asks this file,
 * and then makes one mutation (layer 4).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "model/model.h"

int xc_entries_sort(struct xc_entry *e, unsigned int n)
{
	return xc_order_array(e, n, sizeof(*e), offsetof(struct xc_entry, m));
}

int xc_entries_find(const struct xc_entry *e, unsigned int n, __u32 id)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].m.prog_id == id)
			return (int)i;
	return -1;
}

static bool id_in(const __u32 *ids, unsigned int n, __u32 id)
{
	for (unsigned int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Detaching e[idx]: the programs placed relative to it are named and the
 * detach refused, or (force) they lose their placement. */
static int detach_anchor(struct xc_entry *e, unsigned int n, int idx, bool force,
			 const char *ifname, struct xc_plan *plan)
{
	__u32 id = e[idx].m.prog_id;
	unsigned int deps = 0;

	for (unsigned int i = 0; i < n; i++) {
		if (!e[i].m.anchor || e[i].m.anchor_id != id)
			continue;
		deps++;
		if (!force) {
			xc_warn("%s (%u) on %s runs %s %s (%u): detach it first, or force the "
				"detach (it then keeps its own priority)\n", e[i].m.name,
				e[i].m.prog_id, ifname,
				e[i].m.anchor == XDPCHAIN_ANCHOR_AFTER ? "after" : "before",
				e[idx].m.name, id);
			continue;
		}
		xc_info("%s (%u) on %s loses its place relative to %s (%u)\n", e[i].m.name,
			e[i].m.prog_id, ifname, e[idx].m.name, id);
		e[i].m.anchor = XDPCHAIN_ANCHOR_NONE;
		e[i].m.anchor_id = 0;
		plan->only_removed = false;
	}
	return deps && !force ? -ENOTEMPTY : 0;
}

/* Whether prog joins with one of the attaches of c. */
static bool joins(const struct xc_change *c, unsigned int nc, const struct xdpchain_prog *prog)
{
	for (unsigned int i = 0; i < nc; i++)
		if (c[i].kind == XC_ATTACH && c[i].prog == prog)
			return true;
	return false;
}

/* After the changes: an anchor must be in the chain. A program whose
 * anchor left with its exited owner keeps its own priority; a joining one
 * names an anchor that must be there. */
static int check_anchors(struct xc_entry *e, unsigned int n, const struct xc_change *c,
			 unsigned int nc, const char *ifname, struct xc_plan *plan)
{
	for (unsigned int i = 0; i < n; i++) {
		/* anchor_id 0: a program that joins now (XC_PLACE). */
		if (!e[i].m.anchor || !e[i].m.anchor_id ||
		    xc_entries_find(e, n, e[i].m.anchor_id) >= 0)
			continue;
		xc_info("%s (%u) on %s loses its place relative to program %u, which left\n",
			e[i].m.name, e[i].m.prog_id, ifname, e[i].m.anchor_id);
		e[i].m.anchor = XDPCHAIN_ANCHOR_NONE;
		e[i].m.anchor_id = 0;
		plan->changed = true;
		plan->only_removed = false;
	}
	for (unsigned int i = 0; i < nc; i++) {
		if ((c[i].kind != XC_ATTACH && c[i].kind != XC_PLACE) || !c[i].anchor)
			continue;
		if (c[i].anchor_prog) {
			if (joins(c, nc, c[i].anchor_prog))
				continue;
			xc_warn("%s: cannot place it %s %s, which neither is in the chain on %s "
				"nor joins it in this change\n",
				c[i].kind == XC_ATTACH ? c[i].prog->name : "a program",
				c[i].anchor == XDPCHAIN_ANCHOR_AFTER ? "after" : "before",
				c[i].anchor_prog->name, ifname);
			return -ENOENT;
		}
		if (xc_entries_find(e, n, c[i].anchor_id) >= 0)
			continue;
		xc_warn("%s: cannot run %s program %u on %s: it is not in the chain (an anchor "
			"must be there before the change, or join with it)\n",
			c[i].kind == XC_ATTACH ? c[i].prog->name : "a program",
			c[i].anchor == XDPCHAIN_ANCHOR_AFTER ? "after" : "before",
			c[i].anchor_id, ifname);
		return -ENOENT;
	}
	return 0;
}

int xc_plan_changes(struct xc_entry *e, unsigned int *n, const struct xc_change *c,
		    unsigned int nc, const __u32 *dead, unsigned int ndead, bool stats,
		    bool force, const char *ifname, struct xc_plan *plan)
{
	unsigned int i, j;
	int idx, err;

	plan->nattach = 0;
	plan->changed = ndead > 0;
	plan->only_removed = true;
	plan->stats = stats;
	for (i = 0; i < nc; i++) {
		switch (c[i].kind) {
		case XC_STATS:
			/* Already so: no change (the counters go on). */
			if (plan->stats == c[i].stats)
				break;
			plan->stats = c[i].stats;
			plan->changed = true;
			plan->only_removed = false;
			break;
		case XC_DETACH_ALL:
			/* Placements on the programs that leave go with them. */
			*n = 0;
			plan->changed = true;
			break;
		case XC_PLACE:
			idx = xc_entries_find(e, *n, c[i].id);
			if (idx < 0 || c[i].id == c[i].anchor_id ||
			    (c[i].anchor_prog && c[i].anchor_prog->id == c[i].id && c[i].id)) {
				xc_warn(idx < 0 ? "no program with id %u in the chain on %s\n"
						: "program %u cannot be placed relative to itself (%s)\n",
					c[i].id, ifname);
				return idx < 0 ? -ENOENT : -EINVAL;
			}
			if (e[idx].m.anchor == c[i].anchor && e[idx].m.anchor_id == c[i].anchor_id &&
			    !c[i].anchor_prog)
				break;
			e[idx].m.anchor = c[i].anchor;
			e[idx].m.anchor_id = c[i].anchor_prog ? 0 : c[i].anchor_id;
			plan->changed = true;
			plan->only_removed = false;
			break;
		case XC_DETACH:
		case XC_UPDATE:
			idx = xc_entries_find(e, *n, c[i].id);
			if (idx < 0 && c[i].kind == XC_DETACH && id_in(dead, ndead, c[i].id))
				continue; /* leaving anyway */
			if (idx < 0) {
				xc_warn("no program with id %u in the chain on %s\n", c[i].id,
					ifname);
				return -ENOENT;
			}
			if (c[i].kind == XC_DETACH) {
				err = detach_anchor(e, *n, idx, force, ifname, plan);
				if (err)
					return err;
				memmove(&e[idx], &e[idx + 1],
					(*n - (unsigned int)idx - 1) * sizeof(*e));
				(*n)--;
				plan->changed = true;
			} else if (e[idx].m.priority != c[i].priority ||
				   e[idx].m.continue_on != c[i].continue_on) {
				e[idx].m.priority = c[i].priority;
				e[idx].m.continue_on = c[i].continue_on;
				plan->changed = true;
				plan->only_removed = false;
			}
			break;
		case XC_ADOPT: /* xc_plan_adopt() makes it an attach first */
			if (c[i].replaced)
				break; /* a dispatcher: its programs join (XC_ATTACH) */
			xc_warn("an adoption is planned as the attach of its program\n");
			return -EINVAL;
		case XC_ATTACH:
			if (c[i].prog->from_fd && xc_entries_find(e, *n, c[i].prog->id) >= 0) {
				xc_warn("program %u is already in the chain on %s\n",
					c[i].prog->id, ifname);
				return -EEXIST;
			}
			for (j = 0; j < i; j++)
				if (c[j].kind == XC_ATTACH && c[j].prog == c[i].prog) {
					xc_warn("%s is queued twice\n", c[i].prog->name);
					return -EINVAL;
				}
			plan->nattach++;
			plan->changed = true;
			plan->only_removed = false;
			break;
		}
	}
	return check_anchors(e, *n, c, nc, ifname, plan);
}

static bool is_observer(const struct xc_entry *e, unsigned int n, const struct xc_change *c,
			unsigned int nc, __u32 id, const struct xdpchain_prog *prog)
{
	int idx = id ? xc_entries_find(e, n, id) : -1;

	if (idx >= 0)
		return e[idx].m.flags & XDPCHAIN_SLOT_F_OBSERVER;
	for (unsigned int i = 0; i < nc; i++)
		if (c[i].kind == XC_ATTACH && (c[i].prog == prog || (id && c[i].prog->id == id)))
			return c[i].m.flags & XDPCHAIN_SLOT_F_OBSERVER;
	return false;
}

/* Observers run after every program: none is placed relative to a
 * program, nor a program relative to one. */
static bool roles_mixed(const struct xc_entry *e, unsigned int n, const struct xc_change *c,
			unsigned int nc, const char *ifname)
{
	for (unsigned int i = 0; i < n + nc; i++) {
		const struct xdpchain_slot_meta *m = i < n ? &e[i].m : &c[i - n].m;
		const struct xdpchain_prog *anchor_prog = i < n ? NULL : c[i - n].anchor_prog;
		bool obs;

		if (i >= n && c[i - n].kind != XC_ATTACH)
			continue;
		if (!m->anchor || (!m->anchor_id && !anchor_prog))
			continue;
		obs = !!(m->flags & XDPCHAIN_SLOT_F_OBSERVER);
		if (obs == is_observer(e, n, c, nc, m->anchor_id, anchor_prog))
			continue;
		xc_warn("%s: cannot place %s %s program %u on %s: observers run after every "
			"program, so an observer is placed only relative to another observer\n",
			m->name[0] ? m->name : "a program", obs ? "an observer" : "a program",
			m->anchor == XDPCHAIN_ANCHOR_AFTER ? "after" : "before", m->anchor_id,
			ifname);
		return true;
	}
	return false;
}

/*
 * Programs with tail calls of their own share the kernel's budget of tail
 * calls per packet with the chain's tail-call slots. How many they make
 * is theirs to decide (a loop can take all), so no chain with them is
 * known to fit: say what is left for them when one joins or is there,
 * and what happens to a packet that runs out (the dispatcher aborts it,
 * protocol.md "Verdicts"). Not for freplace slots: they take none.
 */
static void warn_own_tails(const struct xc_entry *e, unsigned int n, const struct xc_change *c,
			   unsigned int nc, unsigned int tails, const char *ifname)
{
	const char *name = NULL;
	unsigned int own = 0, i;

	for (i = 0; i < n; i++)
		if (e[i].m.kind == XDPCHAIN_SLOT_TAILCALL &&
		    (e[i].m.flags & XDPCHAIN_SLOT_F_TAILCALLS)) {
			own++;
			name = e[i].m.name;
		}
	for (i = 0; i < nc; i++)
		if (c[i].kind == XC_ATTACH && c[i].slot_kind == XDPCHAIN_SLOT_TAILCALL &&
		    (c[i].m.flags & XDPCHAIN_SLOT_F_TAILCALLS)) {
			own++;
			name = c[i].m.name;
		}
	if (!own)
		return;
	xc_warn("on %s, %u tail-call program%s (%s%s) may make tail calls of %s own: the "
		"chain's %u tail-call programs leave %s %u of the kernel's %u tail calls per "
		"packet (%u before Linux 5.17); a packet that runs out is aborted, not passed, "
		"and counted ('xdpchain status')\n", ifname, own, own == 1 ? "" : "s", name,
		own == 1 ? "" : ", ...", own == 1 ? "its" : "their", tails,
		own == 1 ? "it" : "them", XDPCHAIN_TAILCALL_BUDGET - tails,
		XDPCHAIN_TAILCALL_BUDGET, XDPCHAIN_TAILCALL_BUDGET - 1 - tails);
}

int xc_plan_limits(const struct xc_entry *e, unsigned int n, const struct xc_change *c,
		   unsigned int nc, unsigned int nattach, const char *ifname)
{
	unsigned int tails = 0, obs = 0, i;

	if (n + nattach > XDPCHAIN_MAX_SLOTS) {
		xc_warn("the chain on %s is full: %d programs is the maximum\n", ifname,
			XDPCHAIN_MAX_SLOTS);
		return -E2BIG;
	}
	for (i = 0; i < n; i++) {
		tails += e[i].m.kind == XDPCHAIN_SLOT_TAILCALL;
		obs += !!(e[i].m.flags & XDPCHAIN_SLOT_F_OBSERVER);
	}
	for (i = 0; i < nc; i++) {
		tails += c[i].kind == XC_ATTACH && c[i].slot_kind == XDPCHAIN_SLOT_TAILCALL;
		obs += c[i].kind == XC_ATTACH && (c[i].m.flags & XDPCHAIN_SLOT_F_OBSERVER);
	}
	if (obs > XDPCHAIN_MAX_OBSERVERS) {
		xc_warn("the chain on %s would have %u observers; %d is the maximum\n", ifname,
			obs, XDPCHAIN_MAX_OBSERVERS);
		return -E2BIG;
	}
	if (roles_mixed(e, n, c, nc, ifname))
		return -EINVAL;
	if (tails > XDPCHAIN_MAX_TAILCALL_SLOTS) {
		xc_warn("the chain on %s would have %u tail-call programs; %d is the most "
			"the kernel can run per packet (its tail-call limit); the "
			"freplace backend runs up to %d\n", ifname, tails,
			XDPCHAIN_MAX_TAILCALL_SLOTS, XDPCHAIN_MAX_SLOTS);
		return -E2BIG;
	}
	if (nattach)
		warn_own_tails(e, n, c, nc, tails, ifname);
	return 0;
}

/* Multi-buffer: the chain is frags-aware only if every program is. A
 * tail-call program must have exactly the dispatcher's frags flag (the
 * kernel checks), and libbpf loads an "xdp.frags" program frags-aware
 * whatever we ask, so every tail-call slot must agree with the new chain's
 * flag. freplace programs get the flag we set. */
int xc_plan_frags(const struct xc_entry *e, unsigned int n, struct xc_change *c,
		  unsigned int nc, const char *ifname)
{
	bool chain_frags = n || nc;
	unsigned int i;

	for (i = 0; i < n; i++)
		chain_frags = chain_frags && (e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	for (i = 0; i < nc; i++)
		if (c[i].kind == XC_ATTACH)
			chain_frags = chain_frags && c[i].prog->frags;
	for (i = 0; i < nc; i++) {
		struct xdpchain_prog *prog = c[i].prog;

		if (c[i].kind != XC_ATTACH)
			continue;
		if (c[i].slot_kind == XDPCHAIN_SLOT_FREPLACE) {
			if (prog->frags && chain_frags)
				c[i].m.flags |= XDPCHAIN_SLOT_F_FRAGS;
			continue;
		}
		if (prog->frags)
			c[i].m.flags |= XDPCHAIN_SLOT_F_FRAGS;
		if (prog->frags != chain_frags)
			goto bad;
	}
	for (i = 0; i < n; i++) {
		if (e[i].m.kind == XDPCHAIN_SLOT_TAILCALL &&
		    !!(e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS) != chain_frags) {
			/* Name the program that makes the chain disagree. */
			for (unsigned int j = 0; j < nc; j++)
				if (c[j].kind == XC_ATTACH) {
					i = j;
					goto bad;
				}
			xc_warn("tail-call program %s (%u) %s multi-buffer packets and the chain "
				"on %s would %sbe frags-aware\n", e[i].m.name, e[i].m.prog_id,
				chain_frags ? "does not support" : "supports", ifname,
				chain_frags ? "" : "not ");
			return -EINVAL;
		}
	}
	return 0;
bad:
	xc_warn("%s %s multi-buffer packets (SEC(\"xdp%s\")), the chain on %s "
		"would %sbe frags-aware, and a tail-call program must match the "
		"chain; use the freplace backend or programs that agree\n",
		c[i].prog->name, c[i].prog->frags ? "supports" : "does not support",
		c[i].prog->frags ? ".frags" : "", ifname, chain_frags ? "" : "not ");
	return -EINVAL;
}

bool xc_plan_chain_frags(const struct xc_entry *e, unsigned int n, const struct xc_change *c)
{
	bool frags = c ? !!(c->m.flags & XDPCHAIN_SLOT_F_FRAGS) : n > 0;

	for (unsigned int i = 0; i < n; i++)
		frags = frags && (e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	return frags;
}

/*
 * A transaction that only removes one program (detach, or an owner that
 * exited) empties its slot in place (vacate.c) instead of building a new
 * dispatcher: no verification, no link update, no wait for packets in
 * flight. Only when the dispatcher would stay what a rebuild makes of the
 * chain but for the vacancy (same frags and counter flags), and while at
 * most a quarter of its slots are vacant: each vacant slot still costs a
 * call per packet, and the next rebuild compacts them.
 */
int xc_plan_in_place(const struct xc_running *run, const struct xc_entry *e, unsigned int n,
		     const struct xc_plan *plan, bool stats_on)
{
	const struct xdpchain_meta *base = run->base, *meta = run->meta;
	unsigned int i, j = 0, base_n;
	bool frags = true;
	int gone = -1;

	if (!base || !meta || !run->pos || !plan->only_removed || !n ||
	    n + 1 != meta->nr_progs)
		return -1;
	base_n = base->nr_progs;
	if (base_n - n > base_n / 4 || (stats_on && !(meta->flags & XDPCHAIN_META_F_STATS)))
		return -1;
	/* Not from a chain with observers: the dispatcher tells them the last
	 * program decided when every program continued, which holds only
	 * while no slot is empty; and the last observer leaving takes the
	 * chain back to a build without them. */
	if (base->flags & XDPCHAIN_META_F_OBSERVE)
		return -1;
	for (i = 0; i < n; i++)
		frags = frags && (e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	if (frags != !!(base->flags & XDPCHAIN_META_F_FRAGS))
		return -1;
	for (i = 0; i < meta->nr_progs; i++) {
		if (j < n && e[j].m.prog_id == meta->slots[i].prog_id)
			j++;
		else if (gone < 0)
			gone = (int)i;
		else
			return -1;
	}
	if (j != n)
		return -1;
	/* The last of the dispatcher's own tail-call positions, while nothing
	 * is appended after it, runs from the main function of the plain
	 * build, where an empty entry aborts the packet and a stub's empty
	 * value would be the verdict (vacate.c): a rebuild. */
	if (meta->slots[gone].kind == XDPCHAIN_SLOT_TAILCALL &&
	    run->pos[gone] + 1u == run->disp_nr && base_n == run->disp_nr &&
	    !(base->flags & (XDPCHAIN_META_F_STATS | XDPCHAIN_META_F_TRACE)))
		return -1;
	return gone;
}

bool xc_plan_can_append(const struct xdpchain_meta *b, const struct xdpchain_slot_meta *m,
			__u32 id, bool frags)
{
	const struct xdpchain_slot_meta *last;

	if (!b || !b->nr_spare || !b->nr_progs ||
	    frags != !!(b->flags & XDPCHAIN_META_F_FRAGS) || m->anchor)
		return false;
	/* An observer needs the instrumented build: a new dispatcher. */
	if (m->flags & XDPCHAIN_SLOT_F_OBSERVER)
		return false;
	/* The extension-only build's slots cannot tail-call. */
	if (m->kind == XDPCHAIN_SLOT_TAILCALL && (b->flags & XDPCHAIN_META_F_EXT_ONLY))
		return false;
	/* A placement relative to an anchor changes where programs sort:
	 * not worth a special case for appends. */
	for (unsigned int i = 0; i < b->nr_progs; i++)
		if (b->slots[i].anchor)
			return false;
	last = &b->slots[b->nr_progs - 1];
	/* A program loaded before (id known) may still have a vacant
	 * position of its own here: a program appears once per dispatcher. */
	for (unsigned int i = 0; id && i < b->nr_progs; i++)
		if (b->slots[i].prog_id == id)
			return false;
	/* Sorting last by priority and name alone: the program's tag, the
	 * next key, is known only once it is loaded. Compared with the last
	 * position in use, vacant or not, as positions stay in order. */
	if (m->priority != last->priority)
		return m->priority > last->priority;
	return strncmp(m->name, last->name, sizeof(m->name)) > 0;
}

int xc_plan_adopt(struct xc_change *c, unsigned int nc, bool have, __u32 running_id,
		  const char *ifname)
{
	/* A chain made of what ran: nothing else may join in the same
	 * revision (the swap must name that program, and only it); a
	 * dispatcher's programs (already loaded extensions) are what ran. */
	if (!nc || c->kind != XC_ADOPT || !c->prog || !c->prog->from_fd) {
		xc_warn("an adoption is a transaction of its own\n");
		return -EINVAL;
	}
	for (unsigned int i = 1; i < nc; i++)
		if (c[i].kind != XC_ATTACH || !c[i].prog->from_fd || !c[i].prog->loaded_ext) {
			xc_warn("an adoption is a transaction of its own\n");
			return -EINVAL;
		}
	if (have) {
		xc_warn("%s runs an xdpchain chain already: nothing to adopt\n", ifname);
		return -EEXIST;
	}
	if (!running_id) {
		xc_warn("%s runs no XDP program: nothing to adopt\n", ifname);
		return -ENOENT;
	}
	if (running_id != c->prog->id) {
		xc_warn("%s runs program %u now, not %u: it changed meanwhile\n", ifname,
			running_id, c->prog->id);
		return -ESTALE;
	}
	if (nc > 1)
		c->replaced = true; /* its programs join, the swap replaces it */
	else
		c->kind = XC_ATTACH;
	return 0;
}
