// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/order.c: the run order of a chain's slots (xc_slot_cmp(),
 * xc_slots_sort()): lower priority first, then name, tag, continue-on set
 * and owner; the program id (attach order) only between identical
 * programs with identical settings. */
#include "model.h"
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
}

int main(void)
{
	test_order();
	return check_report("test_order");
}
