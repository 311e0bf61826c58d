// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/relocation.c: which transactions a relocation in place makes
 * (docs/protocol.md, section 6c) and the chain it writes, in run order. */
#include <stdlib.h>
#include <string.h>
#include "model/model.h"
#include "check.h"

static struct xdpchain_meta *base;
static struct xc_entry e[XDPCHAIN_MAX_SLOTS];
static struct xdpchain_slot_meta out[XDPCHAIN_MAX_SLOTS];
static struct xdpchain_prog joiner;

/* The running chain: n freplace programs p0, p1, ... (ids 1, 2, ...,
 * priorities 0, 10, ...) in a dispatcher with spare positions. */
static void running(unsigned int n, unsigned int spare)
{
	xc_meta_init(base, 5, 7, XDPCHAIN_MODE_NATIVE, 1);
	base->nr_progs = n;
	base->nr_spare = spare;
	for (unsigned int i = 0; i < n; i++) {
		struct xdpchain_slot_meta *s = &base->slots[i];

		memset(s, 0, sizeof(*s));
		s->prog_id = i + 1;
		s->priority = (int)(i * 10);
		s->kind = XDPCHAIN_SLOT_FREPLACE;
		s->continue_on = XDPCHAIN_DEFAULT_CONTINUE;
		snprintf(s->name, sizeof(s->name), "p%u", i);
	}
}

static struct xc_change attach(const char *name, int prio, __u8 kind)
{
	struct xc_change c;

	memset(&c, 0, sizeof(c));
	memset(&joiner, 0, sizeof(joiner));
	joiner.name = (char *)name;
	joiner.fd = -1;
	c.kind = XC_ATTACH;
	c.prog = &joiner;
	c.slot_kind = kind;
	c.m.priority = prio;
	c.m.kind = kind;
	c.m.continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	snprintf(c.m.name, sizeof(c.m.name), "%s", name);
	return c;
}

/* Plan changes c[0..nc) on the running chain and ask for a relocation:
 * its length, or -1; the run order of ids in order (the joiner: 0). */
static int plan(struct xc_change *c, unsigned int nc, bool stats, bool frags, int *joins,
		char *order, size_t len)
{
	struct xc_running run = { base, base, NULL, base->nr_progs };
	struct xc_plan p;
	unsigned int n = base->nr_progs;
	int k;

	for (unsigned int i = 0; i < n; i++) {
		e[i].m = base->slots[i];
		e[i].fd = -1;
	}
	if (xc_plan_changes(e, &n, c, nc, NULL, 0, false, false, "veth0", &p))
		return -2;
	p.stats = p.stats || stats;
	k = xc_plan_relocate(&run, e, n, c, nc, &p, frags, out, joins);
	order[0] = 0;
	for (int i = 0; i < k; i++)
		snprintf(order + strlen(order), len - strlen(order), "%s%u", i ? " " : "",
			 out[i].prog_id);
	return k;
}

static void test_insert(void)
{
	struct xc_change c;
	char order[128];
	int joins;

	running(3, 8);
	/* Anywhere, by priority: between p0 and p1. */
	c = attach("q", 5, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 4);
	CHECK(!strcmp(order, "1 0 2 3") && joins == 1);
	CHECK(!strcmp(out[1].name, "q") && out[3].prog_id == 3);
	/* Placed after p0 whatever its priority. */
	c = attach("r", 99, XDPCHAIN_SLOT_TAILCALL);
	c.anchor = XDPCHAIN_ANCHOR_AFTER;
	c.anchor_id = 1;
	c.m.anchor = XDPCHAIN_ANCHOR_AFTER;
	c.m.anchor_id = 1;
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 4);
	CHECK(!strcmp(order, "1 0 2 3") && joins == 1);
	/* Last: an append would do, a relocation can too. */
	c = attach("z", 30, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 4 && joins == 3);
	/* The same priority and name as a program of the chain: the tag
	 * decides, unknown before the load. */
	c = attach("p1", 10, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == -1 && joins == -1);
	c = attach("p1", 11, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 4);
	/* An observer needs a build without spares. */
	c = attach("o", 5, XDPCHAIN_SLOT_FREPLACE);
	c.m.flags = XDPCHAIN_SLOT_F_OBSERVER;
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == -1);
	/* A tail-call program into the extension-only build. */
	base->flags |= XDPCHAIN_META_F_EXT_ONLY;
	c = attach("t", 5, XDPCHAIN_SLOT_TAILCALL);
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == -1);
	c = attach("t", 5, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 4);
	base->flags &= ~XDPCHAIN_META_F_EXT_ONLY;
}

static void test_update_place(void)
{
	struct xc_change c;
	char order[128];
	int joins;

	running(3, 8);
	memset(&c, 0, sizeof(c));
	c.kind = XC_UPDATE;
	c.id = 3;
	c.priority = -5;
	c.continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 3);
	CHECK(!strcmp(order, "3 1 2") && joins == -1 && out[0].priority == -5);
	/* Only the continue-on set: the same order, written anew. */
	c.priority = 20;
	c.continue_on = XDPCHAIN_VERDICTS_ALL;
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 3);
	CHECK(!strcmp(order, "1 2 3") && out[2].continue_on == XDPCHAIN_VERDICTS_ALL);
	/* Nothing changes: nothing to do, no relocation. */
	c.continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == -1);
	/* A placement. */
	memset(&c, 0, sizeof(c));
	c.kind = XC_PLACE;
	c.id = 1;
	c.anchor = XDPCHAIN_ANCHOR_AFTER;
	c.anchor_id = 3;
	CHECK(plan(&c, 1, false, false, &joins, order, sizeof(order)) == 3);
	CHECK(!strcmp(order, "2 3 1") && out[2].anchor_id == 3);
}

static void test_refused(void)
{
	struct xc_change c[2];
	char order[128];
	int joins;

	/* Room for the whole chain: 4 programs in 3 spare positions, no. */
	running(3, 3);
	c[0] = attach("q", 5, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(c, 1, false, false, &joins, order, sizeof(order)) == -1);
	running(3, 4);
	CHECK(plan(c, 1, false, false, &joins, order, sizeof(order)) == 4);
	/* Two changes at once. */
	c[1] = c[0];
	memset(&c[1], 0, sizeof(c[1]));
	c[1].kind = XC_UPDATE;
	c[1].id = 2;
	c[1].priority = 50;
	CHECK(plan(c, 2, false, false, &joins, order, sizeof(order)) == -1);
	/* A detach is a vacancy (6a) or a rebuild. */
	memset(c, 0, sizeof(c[0]));
	c[0].kind = XC_DETACH;
	c[0].id = 2;
	CHECK(plan(c, 1, false, false, &joins, order, sizeof(order)) == -1);
	/* Counters switched on; a dispatcher that counts or has observers
	 * (no spares there anyway); another frags flag. */
	c[0] = attach("q", 5, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(c, 1, true, false, &joins, order, sizeof(order)) == -1);
	CHECK(plan(c, 1, false, true, &joins, order, sizeof(order)) == -1);
	base->flags |= XDPCHAIN_META_F_FRAGS;
	CHECK(plan(c, 1, false, true, &joins, order, sizeof(order)) == 4);
	base->flags = XDPCHAIN_META_F_STATS;
	CHECK(plan(c, 1, false, false, &joins, order, sizeof(order)) == -1);
	/* A chain of one freplace program runs in place of the main
	 * function: its spare position would never run. */
	running(1, 4);
	c[0] = attach("q", 5, XDPCHAIN_SLOT_FREPLACE);
	CHECK(plan(c, 1, false, false, &joins, order, sizeof(order)) == -1);
	/* No spare positions, no chain. */
	running(3, 0);
	CHECK(plan(c, 1, false, false, &joins, order, sizeof(order)) == -1);
	{
		struct xc_running none = { NULL, NULL, NULL, 0 };
		struct xc_plan p = { .nattach = 1, .changed = true };

		CHECK(xc_plan_relocate(&none, e, 0, c, 1, &p, false, out, &joins) == -1);
	}
}

int main(void)
{
	base = calloc(1, sizeof(*base));
	if (!base)
		return 2;
	test_insert();
	test_update_place();
	test_refused();
	free(base);
	return check_report("test_relocation");
}
