// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/order.c: the run order of a chain's slots (xc_slot_cmp(),
 * xc_slots_sort()): lower priority first, then name, tag, continue-on set
 * and owner; the program id (attach order) only between identical
 * programs with identical settings. */
#include <errno.h>
#include <stddef.h>
#include "model/model.h"
#include "check.h"

static void test_order(void)
{
	struct xdpchain_slot_meta s[5];
	struct xdpchain_slot_meta a, b;

	s[0] = slot(5, 20, "b", 1);
	s[1] = slot(4, 10, "z", 1);
	s[2] = slot(3, 20, "a", 9);
	s[3] = slot(2, 20, "a", 2);
	s[4] = slot(1, -3, "q", 0);
	xc_slots_sort(s, 5);
	CHECK(s[0].prog_id == 1); /* negative priority first */
	CHECK(s[1].prog_id == 4);
	CHECK(s[2].prog_id == 2); /* same priority, same name: tag decides */
	CHECK(s[3].prog_id == 3);
	CHECK(s[4].prog_id == 5);

	/* Attach order (ids) never decides between different programs. */
	a = slot(100, 7, "fw", 1);
	b = slot(1, 7, "lb", 1);
	CHECK(xc_slot_cmp(&a, &b) < 0 && xc_slot_cmp(&b, &a) > 0);
	/* Identical code and settings: id is the last resort. */
	a = slot(100, 7, "fw", 1);
	b = slot(1, 7, "fw", 1);
	CHECK(xc_slot_cmp(&b, &a) < 0);
	snprintf(b.owner, sizeof(b.owner), "zz");
	CHECK(xc_slot_cmp(&a, &b) < 0);
	CHECK(xc_slot_cmp(&a, &a) == 0);
	/* Extreme priorities do not overflow a subtraction. */
	a = slot(1, -2147483647 - 1, "x", 0);
	b = slot(2, 2147483647, "x", 0);
	CHECK(xc_slot_cmp(&a, &b) < 0);
	/* Observers after every program, whatever the priorities; among
	 * themselves, the usual keys. */
	a.flags = XDPCHAIN_SLOT_F_OBSERVER;
	CHECK(xc_slot_cmp(&a, &b) > 0 && xc_slot_cmp(&b, &a) < 0);
	b.flags = XDPCHAIN_SLOT_F_OBSERVER;
	CHECK(xc_slot_cmp(&a, &b) < 0);
}

static struct xdpchain_slot_meta anchored(__u32 id, int prio, const char *name, __u8 where,
					  __u32 anchor)
{
	struct xdpchain_slot_meta s = slot(id, prio, name, 0);

	s.anchor = where;
	s.anchor_id = anchor;
	return s;
}

/* The ids of s[0..n) in order, as "1 2 3". */
static const char *ids(const struct xdpchain_slot_meta *s, unsigned int n)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u", i ? " " : "",
					s[i].prog_id);
	return buf;
}

#define ORDER(want, ...)                                                       \
	do {                                                                   \
		struct xdpchain_slot_meta v[] = { __VA_ARGS__ };               \
		unsigned int n_ = sizeof(v) / sizeof(v[0]);                    \
		CHECK(xc_slots_sort(v, n_) == 0);                              \
		CHECK(!strcmp(ids(v, n_), want));                              \
		if (strcmp(ids(v, n_), want))                                  \
			fprintf(stderr, "  order %s, want %s\n", ids(v, n_), want); \
	} while (0)

/* Placement relative to an anchor: the anchor's place, whatever the
 * program's own priority; several on one anchor in key order; chains of
 * anchors; the roots keep the key order around them. */
static void test_anchors(void)
{
	enum { B = XDPCHAIN_ANCHOR_BEFORE, A = XDPCHAIN_ANCHOR_AFTER };
	struct xdpchain_slot_meta loop[2];

	/* a(10) b(20); c(99) after a: a c b. */
	ORDER("1 3 2", slot(1, 10, "a", 0), slot(2, 20, "b", 0), anchored(3, 99, "c", A, 1));
	/* d(-5) before b: a d b (not first, although its priority is lowest). */
	ORDER("1 4 2", slot(1, 10, "a", 0), slot(2, 20, "b", 0), anchored(4, -5, "d", B, 2));
	/* Two after a, in their own key order, each right after a's group. */
	ORDER("1 5 3 2", slot(1, 10, "a", 0), slot(2, 20, "b", 0), anchored(3, 99, "c", A, 1),
	      anchored(5, 1, "e", A, 1));
	/* A chain of anchors: f after c after a; g before c. */
	ORDER("1 7 3 6 2", slot(1, 10, "a", 0), slot(2, 20, "b", 0), anchored(3, 99, "c", A, 1),
	      anchored(6, 0, "f", A, 3), anchored(7, 0, "g", B, 3));
	/* A program joining between keeps clear of a's group. */
	ORDER("1 3 8 2", slot(1, 10, "a", 0), slot(2, 20, "b", 0), anchored(3, 99, "c", A, 1),
	      slot(8, 15, "h", 0));
	/* A loop is reported, nothing is lost. */
	loop[0] = anchored(1, 1, "x", A, 2);
	loop[1] = anchored(2, 2, "y", A, 1);
	CHECK(xc_slots_sort(loop, 2) == -ELOOP);
	CHECK(loop[0].prog_id + loop[1].prog_id == 3);
}

/* Ties between the same code: continue-on set, then owner, then id. */
static void test_ties(void)
{
	struct xdpchain_slot_meta a = slot(9, 5, "fw", 3), b = slot(1, 5, "fw", 3);

	a.continue_on = 0x4;
	b.continue_on = 0x6;
	CHECK(xc_slot_cmp(&a, &b) < 0 && xc_slot_cmp(&b, &a) > 0);
	/* The continue-on set before the owner. */
	snprintf(a.owner, sizeof(a.owner), "z");
	CHECK(xc_slot_cmp(&a, &b) < 0);
	b.continue_on = a.continue_on;
	CHECK(xc_slot_cmp(&a, &b) > 0);
	/* The priority before the name, the name before the tag. */
	b = slot(1, 4, "zz", 9);
	a = slot(2, 5, "aa", 0);
	CHECK(xc_slot_cmp(&b, &a) < 0);
	b.priority = 5;
	CHECK(xc_slot_cmp(&a, &b) < 0);
}

/* Sorting a larger element holding the slot at an offset (the
 * transaction's entries), and the size limit. */
static void test_order_array(void)
{
	struct wrapped {
		int before;
		struct xdpchain_slot_meta m;
		char after[3];
	} w[3];
	const struct xdpchain_slot_meta *p[XDPCHAIN_MAX_SLOTS + 1];
	unsigned int perm[XDPCHAIN_MAX_SLOTS + 1];

	memset(w, 0, sizeof(w));
	for (int i = 0; i < 3; i++) {
		w[i].before = 100 + i;
		w[i].m = slot((__u32)(i + 1), 30 - 10 * i, "p", 0);
		snprintf(w[i].after, sizeof(w[i].after), "%c", 'a' + i);
	}
	CHECK(xc_order_array(w, 3, sizeof(w[0]), offsetof(struct wrapped, m)) == 0);
	/* Whole elements moved: priorities 10, 20, 30. */
	CHECK(w[0].before == 102 && w[0].m.prog_id == 3 && !strcmp(w[0].after, "c"));
	CHECK(w[1].before == 101 && w[1].m.prog_id == 2 && !strcmp(w[1].after, "b"));
	CHECK(w[2].before == 100 && w[2].m.prog_id == 1 && !strcmp(w[2].after, "a"));
	CHECK(xc_order_array(w, 0, sizeof(w[0]), offsetof(struct wrapped, m)) == 0);
	CHECK(xc_order_array(w, XDPCHAIN_MAX_SLOTS + 1, sizeof(w[0]), 0) == -E2BIG);
	CHECK(xc_order(p, XDPCHAIN_MAX_SLOTS + 1, perm) == -E2BIG);
}

int main(void)
{
	test_order();
	test_anchors();
	test_ties();
	test_order_array();
	return check_report("test_order");
}
