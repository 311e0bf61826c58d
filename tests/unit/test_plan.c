// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/plan.c: what a transaction will do, decided on descriptions alone. */
#include <stdlib.h>
#include <string.h>
#include "model/model.h"
#include "check.h"

static int quiet(enum xdpchain_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static struct xc_entry entry(__u32 id, int priority, const char *name, __u8 kind, bool frags)
{
	struct xc_entry e;

	memset(&e, 0, sizeof(e));
	e.fd = -1;
	e.m.prog_id = id;
	e.m.priority = priority;
	e.m.kind = kind;
	e.m.flags = frags ? XDPCHAIN_SLOT_F_FRAGS : 0;
	e.m.continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	snprintf(e.m.name, sizeof(e.m.name), "%s", name);
	return e;
}

static struct xdpchain_prog prog(const char *name, bool frags, bool from_fd, __u32 id)
{
	struct xdpchain_prog p;

	memset(&p, 0, sizeof(p));
	p.name = (char *)name;
	p.fd = from_fd ? 100 : -1;
	p.id = id;
	p.from_fd = from_fd;
	p.frags = frags;
	return p;
}

static struct xc_change attach(struct xdpchain_prog *p, enum xdpchain_slot_kind kind)
{
	struct xc_change c = { .kind = XC_ATTACH, .prog = p, .slot_kind = kind };

	c.m.kind = (__u8)kind;
	snprintf(c.m.name, sizeof(c.m.name), "%s", p->name);
	return c;
}

static void test_changes(void)
{
	struct xc_entry e[8];
	struct xdpchain_prog a = prog("a", false, false, 0), fd5 = prog("five", false, true, 5);
	struct xc_change c[3];
	struct xc_plan plan;
	__u32 dead[1] = { 9 };
	unsigned int n;

	/* A detach takes the program out, keeping the others in order. */
	n = 3;
	e[0] = entry(5, 10, "x", XDPCHAIN_SLOT_FREPLACE, false);
	e[1] = entry(6, 20, "y", XDPCHAIN_SLOT_FREPLACE, false);
	e[2] = entry(7, 30, "z", XDPCHAIN_SLOT_TAILCALL, false);
	c[0] = (struct xc_change){ .kind = XC_DETACH, .id = 6 };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(n == 2 && e[0].m.prog_id == 5 && e[1].m.prog_id == 7);
	CHECK(plan.changed && plan.only_removed && plan.nattach == 0);

	/* Unknown id: refused, unless its owner exited (dropped already). */
	c[0].id = 42;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -ENOENT);
	c[0].id = 9;
	CHECK(xc_plan_changes(e, &n, c, 1, dead, 1, false, false, "v0", &plan) == 0);
	CHECK(n == 2 && plan.changed && plan.only_removed);
	CHECK(xc_plan_changes(e, &n, c, 0, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(!plan.changed);

	/* An update to what it already is changes nothing. */
	c[0] = (struct xc_change){ .kind = XC_UPDATE, .id = 5, .priority = 10,
				   .continue_on = XDPCHAIN_DEFAULT_CONTINUE };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(!plan.changed);
	c[0].priority = 40;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(plan.changed && !plan.only_removed && e[0].m.priority == 40);
	c[0].kind = XC_UPDATE;
	c[0].id = 6; /* detached above */
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -ENOENT);

	/* Attaches: counted; the same handle twice, or a loaded program
	 * that is in the chain already, refused. */
	c[0] = attach(&a, XDPCHAIN_SLOT_FREPLACE);
	c[1] = (struct xc_change){ .kind = XC_DETACH, .id = 7 };
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(plan.nattach == 1 && plan.changed && !plan.only_removed && n == 1);
	c[1] = attach(&a, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == -EINVAL);
	c[0] = attach(&fd5, XDPCHAIN_SLOT_TAILCALL);
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -EEXIST);
	/* ... but it may join once it left in the same transaction. */
	c[0] = (struct xc_change){ .kind = XC_DETACH, .id = 5 };
	c[1] = attach(&fd5, XDPCHAIN_SLOT_TAILCALL);
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == 0 && n == 0);
}

/* Switching the counters changes the chain's flags, not its programs;
 * detaching all empties it. */
static void test_stats_and_all(void)
{
	struct xc_entry e[8];
	struct xc_change c[1];
	struct xc_plan plan;
	__u32 dead[1] = { 9 };
	unsigned int n = 2;

	e[0] = entry(5, 10, "x", XDPCHAIN_SLOT_FREPLACE, false);
	e[1] = entry(6, 20, "y", XDPCHAIN_SLOT_TAILCALL, false);
	c[0] = (struct xc_change){ .kind = XC_STATS, .stats = true };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(plan.changed && !plan.only_removed && plan.stats && n == 2);
	/* Already so: nothing to do, and the counters go on ... */
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, true, false, "v0", &plan) == 0);
	CHECK(!plan.changed && plan.stats);
	/* ... but a program whose owner exited still leaves with it, and
	 * may leave in place. */
	CHECK(xc_plan_changes(e, &n, c, 1, dead, 1, true, false, "v0", &plan) == 0);
	CHECK(plan.changed && plan.only_removed && plan.stats);
	c[0].stats = false;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, true, false, "v0", &plan) == 0);
	CHECK(plan.changed && !plan.only_removed && !plan.stats);

	/* Every program leaves, placements on them with them; the counter
	 * flag stays the chain's. */
	e[1].m.anchor = XDPCHAIN_ANCHOR_AFTER;
	e[1].m.anchor_id = 5;
	c[0] = (struct xc_change){ .kind = XC_DETACH_ALL };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, true, false, "v0", &plan) == 0);
	CHECK(n == 0 && plan.changed && plan.nattach == 0 && plan.stats);
}

/* Relative placement: an anchor must be in the chain; detaching one that
 * others are placed on is refused unless forced, which drops their
 * placement; one that left with its owner drops it too. */
static void test_anchors(void)
{
	struct xc_entry e[8];
	struct xdpchain_prog a = prog("a", false, false, 0);
	struct xc_change c[2];
	struct xc_plan plan;
	__u32 dead[1] = { 5 };
	unsigned int n;

#define CHAIN()                                                                \
	do {                                                                   \
		n = 3;                                                         \
		e[0] = entry(5, 10, "x", XDPCHAIN_SLOT_FREPLACE, false);       \
		e[1] = entry(6, 20, "y", XDPCHAIN_SLOT_FREPLACE, false);       \
		e[2] = entry(7, 30, "z", XDPCHAIN_SLOT_TAILCALL, false);       \
		e[2].m.anchor = XDPCHAIN_ANCHOR_AFTER; /* z after x */         \
		e[2].m.anchor_id = 5;                                          \
	} while (0)
	CHAIN();
	c[0] = attach(&a, XDPCHAIN_SLOT_FREPLACE);
	c[0].anchor = c[0].m.anchor = XDPCHAIN_ANCHOR_BEFORE;
	c[0].anchor_id = c[0].m.anchor_id = 6;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	c[0].anchor_id = c[0].m.anchor_id = 42;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -ENOENT);
	/* Its anchor detached by the same transaction, in either order. */
	c[0].anchor_id = c[0].m.anchor_id = 6;
	c[1] = (struct xc_change){ .kind = XC_DETACH, .id = 6 };
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == -ENOENT);
	CHAIN();
	c[1] = c[0];
	c[0] = (struct xc_change){ .kind = XC_DETACH, .id = 6 };
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == -ENOENT);
	/* Detaching x, z's anchor. */
	CHAIN();
	c[0] = (struct xc_change){ .kind = XC_DETACH, .id = 5 };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -ENOTEMPTY);
	CHECK(n == 3);
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, true, "v0", &plan) == 0);
	CHECK(n == 2 && e[1].m.prog_id == 7 && !e[1].m.anchor && !e[1].m.anchor_id);
	CHECK(plan.changed && !plan.only_removed); /* z's description changed */
	/* Detaching z, which depends on x, is a plain removal. */
	CHAIN();
	c[0] = (struct xc_change){ .kind = XC_DETACH, .id = 7 };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(n == 2 && plan.only_removed);
	/* x left with its owner: z keeps running, by its own priority. */
	CHAIN();
	memmove(&e[0], &e[1], 2 * sizeof(e[0]));
	n = 2;
	CHECK(xc_plan_changes(e, &n, c, 0, dead, 1, false, false, "v0", &plan) == 0);
	CHECK(!e[1].m.anchor && plan.changed && !plan.only_removed);
	/* A placement on a program that joins in the same change; a new
	 * placement (XC_PLACE) for z, by id or on a joining program. */
	CHAIN();
	c[0] = attach(&a, XDPCHAIN_SLOT_FREPLACE);
	c[1] = (struct xc_change){ .kind = XC_PLACE, .id = 6, .anchor = XDPCHAIN_ANCHOR_AFTER,
				   .anchor_prog = &a };
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(e[1].m.anchor == XDPCHAIN_ANCHOR_AFTER && !e[1].m.anchor_id && !plan.only_removed);
	CHECK(xc_plan_changes(e, &n, &c[1], 1, NULL, 0, false, false, "v0", &plan) == -ENOENT);
	CHAIN();
	c[0] = (struct xc_change){ .kind = XC_PLACE, .id = 7, .anchor = XDPCHAIN_ANCHOR_BEFORE,
				   .anchor_id = 6 };
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == 0);
	CHECK(e[2].m.anchor == XDPCHAIN_ANCHOR_BEFORE && e[2].m.anchor_id == 6);
	/* ... which frees x: its detach needs no force now. */
	CHAIN();
	c[1] = (struct xc_change){ .kind = XC_DETACH, .id = 5 };
	CHECK(xc_plan_changes(e, &n, c, 2, NULL, 0, false, false, "v0", &plan) == 0 && n == 2);
	CHAIN();
	c[0].anchor_id = 42;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -ENOENT);
	c[0].anchor_id = 7;
	CHECK(xc_plan_changes(e, &n, c, 1, NULL, 0, false, false, "v0", &plan) == -EINVAL);
#undef CHAIN
}

static void test_limits(void)
{
	struct xc_entry *e = calloc(XDPCHAIN_MAX_SLOTS, sizeof(*e));
	struct xdpchain_prog a = prog("a", false, false, 0);
	struct xc_change c[1];
	unsigned int i;

	for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++)
		e[i] = entry(i + 1, (int)i, "p", XDPCHAIN_SLOT_FREPLACE, false);
	c[0] = attach(&a, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_SLOTS - 1, c, 1, 1, "v0") == 0);
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_SLOTS, c, 1, 1, "v0") == -E2BIG);
	/* Tail-call programs: the kernel's tail-call limit per packet. */
	for (i = 0; i < XDPCHAIN_MAX_TAILCALL_SLOTS; i++)
		e[i].m.kind = XDPCHAIN_SLOT_TAILCALL;
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_TAILCALL_SLOTS, c, 1, 1, "v0") == 0);
	c[0].slot_kind = XDPCHAIN_SLOT_TAILCALL;
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_TAILCALL_SLOTS, c, 1, 1, "v0") == -E2BIG);
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_TAILCALL_SLOTS - 1, c, 1, 1, "v0") == 0);
	/* Observers: at most XDPCHAIN_MAX_OBSERVERS. */
	for (i = 0; i < XDPCHAIN_MAX_OBSERVERS; i++)
		e[i].m.flags = XDPCHAIN_SLOT_F_OBSERVER;
	c[0].slot_kind = XDPCHAIN_SLOT_FREPLACE;
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == 0);
	c[0].m.flags = XDPCHAIN_SLOT_F_OBSERVER;
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == -E2BIG);
	/* Placed relative to each other: only in the same role. */
	e[0].m.flags = 0;
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == 0);
	c[0].m.anchor = XDPCHAIN_ANCHOR_AFTER;
	c[0].m.anchor_id = e[1].m.prog_id; /* an observer */
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == 0);
	c[0].m.anchor_id = e[0].m.prog_id; /* a program */
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == -EINVAL);
	c[0].m.flags = 0; /* a program after a program */
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == 0);
	c[0].m.anchor_id = e[1].m.prog_id; /* a program after an observer */
	CHECK(xc_plan_limits(e, XDPCHAIN_MAX_OBSERVERS + 2, c, 1, 1, "v0") == -EINVAL);
	free(e);
}

static void test_frags(void)
{
	struct xc_entry e[2];
	struct xdpchain_prog f = prog("f", true, false, 0), nf = prog("nf", false, false, 0);
	struct xc_change c[2];

	/* freplace: a frags program is frags-aware only in a frags chain. */
	e[0] = entry(1, 1, "x", XDPCHAIN_SLOT_FREPLACE, true);
	c[0] = attach(&f, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_frags(e, 1, c, 1, "v0") == 0);
	CHECK(c[0].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	CHECK(xc_plan_chain_frags(e, 1, &c[0]));
	e[0] = entry(1, 1, "x", XDPCHAIN_SLOT_FREPLACE, false);
	c[0] = attach(&f, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_frags(e, 1, c, 1, "v0") == 0);
	CHECK(!(c[0].m.flags & XDPCHAIN_SLOT_F_FRAGS));
	CHECK(!xc_plan_chain_frags(e, 1, &c[0]));

	/* A tail-call program must match the chain's flag. */
	c[0] = attach(&f, XDPCHAIN_SLOT_TAILCALL);
	CHECK(xc_plan_frags(e, 1, c, 1, "v0") == -EINVAL);
	e[0] = entry(1, 1, "x", XDPCHAIN_SLOT_FREPLACE, true);
	c[0] = attach(&f, XDPCHAIN_SLOT_TAILCALL);
	CHECK(xc_plan_frags(e, 1, c, 1, "v0") == 0);
	CHECK(c[0].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	/* A frags tail-call program already in the chain, and a program
	 * without frags joins: the chain would lose its flag. */
	e[0] = entry(1, 1, "x", XDPCHAIN_SLOT_TAILCALL, true);
	c[0] = attach(&nf, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_frags(e, 1, c, 1, "v0") == -EINVAL);
	/* Nothing joins: the running programs agree with themselves. */
	e[1] = entry(2, 2, "y", XDPCHAIN_SLOT_TAILCALL, true);
	CHECK(xc_plan_frags(e, 2, c, 0, "v0") == 0);
}

/* A version 4 dispatcher with n positions in use, each its own program. */
static void running_meta(struct xdpchain_meta *m, unsigned int n)
{
	xc_meta_init(m, 5, 7, XDPCHAIN_MODE_NATIVE, 1);
	m->nr_progs = n;
	for (unsigned int i = 0; i < n; i++) {
		m->slots[i] = entry(i + 1, (int)(i * 10), "p", XDPCHAIN_SLOT_FREPLACE, false).m;
		snprintf(m->slots[i].name, sizeof(m->slots[i].name), "p%u", i);
	}
}

static void test_in_place(void)
{
	struct xdpchain_meta *base = calloc(1, sizeof(*base)), *meta = calloc(1, sizeof(*meta));
	static const __u8 pos[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	struct xc_running run = { base, meta, pos, 8 };
	struct xc_plan plan = { .changed = true, .only_removed = true };
	struct xc_entry e[8];
	unsigned int i;

	running_meta(base, 8);
	*meta = *base;
	/* Remove the program at index 3 of 8: in place, index 3. */
	for (i = 0; i < 7; i++)
		e[i].m = meta->slots[i < 3 ? i : i + 1];
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == 3);
	/* Not when something else changes, or counters are switched on. */
	plan.only_removed = false;
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == -1);
	plan.only_removed = true;
	CHECK(xc_plan_in_place(&run, e, 7, &plan, true) == -1);
	meta->flags |= XDPCHAIN_META_F_STATS;
	base->flags |= XDPCHAIN_META_F_STATS;
	CHECK(xc_plan_in_place(&run, e, 7, &plan, true) == 3);
	/* Not two at once, not the last program, not from no chain. */
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == -1);
	CHECK(xc_plan_in_place(&run, e, 0, &plan, false) == -1);
	run.base = run.meta = NULL;
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == -1);
	run.base = base;
	run.meta = meta;
	/* Not with another frags flag than the dispatcher's. */
	base->flags |= XDPCHAIN_META_F_FRAGS;
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == -1);
	base->flags &= ~XDPCHAIN_META_F_FRAGS;
	/* At most a quarter of the dispatcher's slots vacant: one is already
	 * (meta runs 7 of base's 8), a second would be 2 of 8: yes; a third
	 * 3 of 8: no. */
	meta->nr_progs = 7;
	for (i = 0; i < 7; i++)
		meta->slots[i] = base->slots[i + 1];
	for (i = 0; i < 6; i++)
		e[i].m = meta->slots[i + 1];
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == 0);
	meta->nr_progs = 6;
	for (i = 0; i < 5; i++)
		e[i].m = meta->slots[i + 1];
	CHECK(xc_plan_in_place(&run, e, 5, &plan, false) == -1);
	/* Nothing leaves a chain with observers in place (an observer, or a
	 * program: the dispatcher relies on no slot being empty). */
	meta->nr_progs = 7;
	for (i = 0; i < 7; i++)
		meta->slots[i] = base->slots[i + 1];
	for (i = 0; i < 6; i++)
		e[i].m = meta->slots[i];
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == 6);
	base->flags |= XDPCHAIN_META_F_OBSERVE;
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == -1);
	base->flags &= ~XDPCHAIN_META_F_OBSERVE;
	/* The entries must be the running programs minus one. */
	meta->nr_progs = 7;
	for (i = 0; i < 6; i++)
		e[i].m = meta->slots[i];
	e[5].m.prog_id = 99;
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == -1);
	/* Without the position map, nothing in place. */
	e[5].m = meta->slots[5];
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == 6);
	run.pos = NULL;
	CHECK(xc_plan_in_place(&run, e, 6, &plan, false) == -1);
	run.pos = pos;
	/* The plain build's last own position, a tail-call slot with
	 * nothing appended, is entered from the main function: a rebuild
	 * (issue 24); not once something is appended after it, nor with
	 * counters (the slot functions count a fall-through). */
	running_meta(base, 8);
	*meta = *base;
	meta->slots[7].kind = XDPCHAIN_SLOT_TAILCALL;
	for (i = 0; i < 7; i++)
		e[i].m = meta->slots[i];
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == -1);
	run.disp_nr = 7; /* position 7 appended */
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == 7);
	run.disp_nr = 8;
	base->flags |= XDPCHAIN_META_F_STATS;
	meta->flags |= XDPCHAIN_META_F_STATS;
	CHECK(xc_plan_in_place(&run, e, 7, &plan, true) == 7);
	base->flags &= ~XDPCHAIN_META_F_STATS;
	meta->flags &= ~XDPCHAIN_META_F_STATS;
	/* A tail-call slot before the last: in place. */
	meta->slots[7].kind = XDPCHAIN_SLOT_FREPLACE;
	meta->slots[2].kind = XDPCHAIN_SLOT_TAILCALL;
	for (i = 0; i < 7; i++)
		e[i].m = meta->slots[i < 2 ? i : i + 1];
	CHECK(xc_plan_in_place(&run, e, 7, &plan, false) == 2);
	free(base);
	free(meta);
}

static void test_can_append(void)
{
	struct xdpchain_meta *b = calloc(1, sizeof(*b));
	struct xdpchain_slot_meta m;

	running_meta(b, 3); /* priorities 0, 10, 20; names p0..p2 */
	b->nr_spare = 5;
	m = entry(0, 30, "q", XDPCHAIN_SLOT_FREPLACE, false).m;
	CHECK(xc_plan_can_append(b, &m, 0, false));
	/* An observer needs the instrumented dispatcher. */
	m.flags = XDPCHAIN_SLOT_F_OBSERVER;
	CHECK(!xc_plan_can_append(b, &m, 0, false));
	m.flags = 0;
	m.priority = 10;
	CHECK(!xc_plan_can_append(b, &m, 0, false));
	/* Equal priority: by name, after the last one only. */
	m.priority = 20;
	snprintf(m.name, sizeof(m.name), "p3");
	CHECK(xc_plan_can_append(b, &m, 0, false));
	snprintf(m.name, sizeof(m.name), "p1");
	CHECK(!xc_plan_can_append(b, &m, 0, false));
	m.priority = 30;
	/* A loaded program that has a position here already: no. */
	CHECK(!xc_plan_can_append(b, &m, 2, false));
	CHECK(xc_plan_can_append(b, &m, 77, false));
	/* Another frags flag, no spares, no chain. */
	CHECK(!xc_plan_can_append(b, &m, 0, true));
	b->nr_spare = 0;
	CHECK(!xc_plan_can_append(b, &m, 0, false));
	b->nr_spare = 5;
	/* The extension-only build takes freplace programs only. */
	b->flags |= XDPCHAIN_META_F_EXT_ONLY;
	CHECK(xc_plan_can_append(b, &m, 0, false));
	m.kind = XDPCHAIN_SLOT_TAILCALL;
	CHECK(!xc_plan_can_append(b, &m, 0, false));
	b->flags &= ~XDPCHAIN_META_F_EXT_ONLY;
	CHECK(xc_plan_can_append(b, &m, 0, false));
	m.kind = XDPCHAIN_SLOT_FREPLACE;
	CHECK(!xc_plan_can_append(NULL, &m, 0, false));
	b->nr_progs = 0;
	CHECK(!xc_plan_can_append(b, &m, 0, false));
	free(b);
}

static void test_sort_find(void)
{
	struct xc_entry e[3];

	e[0] = entry(1, 30, "c", XDPCHAIN_SLOT_FREPLACE, false);
	e[1] = entry(2, 10, "b", XDPCHAIN_SLOT_FREPLACE, false);
	e[2] = entry(3, 10, "a", XDPCHAIN_SLOT_FREPLACE, false);
	xc_entries_sort(e, 3);
	CHECK(e[0].m.prog_id == 3 && e[1].m.prog_id == 2 && e[2].m.prog_id == 1);
	CHECK(xc_entries_find(e, 3, 2) == 1);
	CHECK(xc_entries_find(e, 3, 4) == -1);
}

/* An adoption: alone, on no chain, of the program still running; it
 * becomes that program's attach. */
static void test_adopt(void)
{
	struct xdpchain_prog p = prog("fw", false, true, 42), q = prog("other", false, false, 0);
	struct xc_change c[2];

	c[0] = attach(&p, XDPCHAIN_SLOT_TAILCALL);
	c[0].kind = XC_ADOPT;
	c[1] = attach(&q, XDPCHAIN_SLOT_TAILCALL);
	CHECK(xc_plan_adopt(c, 2, false, 42, "xt0") == -EINVAL);
	CHECK(xc_plan_adopt(c, 1, true, 42, "xt0") == -EEXIST);
	CHECK(xc_plan_adopt(c, 1, false, 0, "xt0") == -ENOENT);
	CHECK(xc_plan_adopt(c, 1, false, 43, "xt0") == -ESTALE);
	CHECK(c[0].kind == XC_ADOPT);
	/* Only a program that runs already (a handle of its fd) is adopted. */
	c[1].kind = XC_ADOPT;
	CHECK(xc_plan_adopt(&c[1], 1, false, 42, "xt0") == -EINVAL);
	CHECK(xc_plan_adopt(c, 1, false, 42, "xt0") == 0);
	CHECK(c[0].kind == XC_ATTACH && c[0].prog == &p);
	/* Once an attach, it is no adoption any more. */
	CHECK(xc_plan_adopt(c, 1, false, 42, "xt0") == -EINVAL);
}

/* libxdp's dispatcher: it is replaced, and its programs (extensions
 * loaded already) are what joins; nothing else may. */
static void test_adopt_dispatcher(void)
{
	struct xdpchain_prog d = prog("xdp_dispatcher", false, true, 40);
	struct xdpchain_prog f = prog("filter", false, true, 41), g = prog("other", false, true, 42);
	struct xdpchain_prog x = prog("fresh", false, false, 0);
	struct xc_change c[3];
	struct xc_entry e[4];
	struct xc_plan plan;
	unsigned int n = 0;

	f.loaded_ext = g.loaded_ext = true;
	c[0] = attach(&d, XDPCHAIN_SLOT_TAILCALL);
	c[0].kind = XC_ADOPT;
	c[1] = attach(&f, XDPCHAIN_SLOT_FREPLACE);
	c[2] = attach(&x, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_adopt(c, 3, false, 40, "xt0") == -EINVAL); /* a program to load */
	g.loaded_ext = false;
	c[2] = attach(&g, XDPCHAIN_SLOT_FREPLACE);
	CHECK(xc_plan_adopt(c, 3, false, 40, "xt0") == -EINVAL); /* an XDP program */
	g.loaded_ext = true;
	CHECK(xc_plan_adopt(c, 3, false, 41, "xt0") == -ESTALE);
	CHECK(!c[0].replaced);
	CHECK(xc_plan_adopt(c, 3, false, 40, "xt0") == 0);
	CHECK(c[0].kind == XC_ADOPT && c[0].replaced);
	/* The plan: the two programs join, the dispatcher does not. */
	CHECK(xc_plan_changes(e, &n, c, 3, NULL, 0, false, false, "xt0", &plan) == 0);
	CHECK(plan.nattach == 2 && plan.changed && n == 0);
	/* Not marked replaced: an adoption is not planned as such. */
	c[0].replaced = false;
	CHECK(xc_plan_changes(e, &n, c, 3, NULL, 0, false, false, "xt0", &plan) == -EINVAL);
}

int main(void)
{
	xc_log_set_print(quiet);
	test_changes();
	test_stats_and_all();
	test_anchors();
	test_limits();
	test_frags();
	test_in_place();
	test_can_append();
	test_sort_find();
	test_adopt();
	test_adopt_dispatcher();
	return check_report("test_plan");
}
