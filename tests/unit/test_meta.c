// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/model/meta.c: building and validating chain metadata. What is read back
 * from bpffs must be rejected unless it is exactly what a writer could have
 * produced. Also the backend and frags a chain's slots make, the spare
 * positions a rebuild leaves, stats index assignment, owner labels and
 * finding a program by name. */
#include <string.h>
#include "kobj/kobj.h"
#include "check.h"

static void good_meta(struct xdpchain_meta *m)
{
	xc_meta_init(m, 3, 7, XDPCHAIN_MODE_NATIVE, 4026531840ull);
	m->nr_progs = 2;
	m->slots[0] = slot(11, 10, "a", 0);
	m->slots[1] = slot(12, 20, "b", 0);
}

static void test_validate(void)
{
	struct xdpchain_meta m;
	char why[160];

	good_meta(&m);
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	CHECK(xc_meta_backend(&m) == XDPCHAIN_BACKEND_TAILCALL);
	m.slots[1].kind = XDPCHAIN_SLOT_FREPLACE;
	CHECK(xc_meta_backend(&m) == XDPCHAIN_BACKEND_MIXED);
	m.slots[0].kind = XDPCHAIN_SLOT_FREPLACE;
	CHECK(xc_meta_backend(&m) == XDPCHAIN_BACKEND_FREPLACE);

#define BAD(mutation, word)                                                    \
	do {                                                                   \
		good_meta(&m);                                                 \
		mutation;                                                      \
		why[0] = 0;                                                    \
		CHECK(xc_meta_validate(&m, why, sizeof(why)) == -EBADMSG);     \
		CHECK(strstr(why, word) != NULL);                              \
	} while (0)

	BAD(m.magic = 0x12345678, "magic");
	/* One protocol version only: any other, older or newer, is refused
	 * by its number (the development versions 2 to 8 as well). */
	BAD(m.version = XDPCHAIN_META_VERSION + 1, "protocol version 10");
	BAD(m.version = XDPCHAIN_META_VERSION - 1, "protocol version 8");
	BAD(m.version = 2, "protocol version 2");
	BAD(m.version = 1, "protocol version 1");
	BAD(m.version = 0, "reads version 9 only");
	BAD(m.nr_progs = 65, "exceed");
	BAD(m.mode = XDPCHAIN_MODE_HW, "mode");
	BAD(m.mode = 77, "mode");
	BAD(m.flags = 0x80, "flags");
	BAD(m.flags = XDPCHAIN_META_F_FRAGS, "frags");
	BAD(m.slots[1].prog_id = 0, "no program id");
	BAD(m.slots[0].kind = 0, "kind");
	BAD(m.slots[0].continue_on = 1u << 31, "continue-on");
	BAD(m.slots[0].flags = 0x80, "flags");
	/* Owner-bound slots: pid and namespace set exactly with the flag. */
	BAD(m.slots[0].flags = XDPCHAIN_SLOT_F_UNTIL_EXIT, "owner-process");
	BAD(m.slots[0].owner_pid = 5, "owner-process");
	BAD(m.slots[0].owner_start = 5, "owner-process");
	BAD(m.slots[0].anchor_id = 1, "anchor");
	BAD(m.slots[0].anchor = XDPCHAIN_ANCHOR_AFTER, "anchor");
	BAD((m.slots[0].anchor = 3, m.slots[0].anchor_id = 12), "anchor");
	BAD((m.slots[1].anchor = XDPCHAIN_ANCHOR_AFTER, m.slots[1].anchor_id = 12), "own anchor");
	BAD((m.slots[1].anchor = XDPCHAIN_ANCHOR_AFTER, m.slots[1].anchor_id = 99), "not in the chain");
	/* b before a must run first: out of order as it stands. */
	BAD((m.slots[1].anchor = XDPCHAIN_ANCHOR_BEFORE, m.slots[1].anchor_id = 11), "order");
	good_meta(&m);
	m.slots[0] = slot(12, 20, "b", 0);
	m.slots[1] = slot(11, 10, "a", 0);
	m.slots[0].anchor = XDPCHAIN_ANCHOR_BEFORE;
	m.slots[0].anchor_id = 11;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0); /* b placed before a */
	good_meta(&m);
	m.slots[0].flags = XDPCHAIN_SLOT_F_UNTIL_EXIT;
	m.slots[0].owner_pid = 42;
	m.slots[0].owner_start = 1234;
	m.slots[0].owner_pidns = 4026531836ull;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	BAD(memset(m.slots[0].name, 'x', sizeof(m.slots[0].name)), "name");
	BAD(m.slots[0].name[0] = 0, "name");
	BAD(memset(m.slots[1].owner, 'x', sizeof(m.slots[1].owner)), "owner");
	BAD(m.slots[0].priority = 30, "order");
	BAD((m.slots[1] = slot(11, 20, "b", 0)), "slots 0 and 1");
	BAD(m.slots[5].prog_id = 9, "inactive");
	/* Spare positions after the programs, each with the BTF id of its
	 * slot function; none with counters. */
	good_meta(&m);
	m.nr_spare = 6;
	for (int i = 2; i < 8; i++)
		m.slot_btf_id[i] = 100 + i;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	BAD((m.nr_spare = 6, m.slot_btf_id[2] = 1), "BTF id");
	BAD(m.nr_spare = 63, "spare");
	/* A chain of one freplace program with its spare needs
	 * the main function's BTF id (the append ends its shortcut). */
	good_meta(&m);
	m.nr_progs = 1;
	m.slots[1] = (struct xdpchain_slot_meta){ 0 };
	m.slots[0].kind = XDPCHAIN_SLOT_FREPLACE;
	m.nr_spare = 1;
	m.slot_btf_id[1] = 5;
	m.main_btf_id = 4;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	m.main_btf_id = 0;
	why[0] = 0;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == -EBADMSG);
	CHECK(strstr(why, "main BTF id") != NULL);
	BAD((m.nr_spare = 1, m.slot_btf_id[2] = 7, m.flags = XDPCHAIN_META_F_STATS), "counters");
	/* The extension-only build holds freplace slots only, never
	 * counters. */
	good_meta(&m);
	m.slots[0].kind = m.slots[1].kind = XDPCHAIN_SLOT_FREPLACE;
	m.flags = XDPCHAIN_META_F_EXT_ONLY;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	BAD((m.flags = XDPCHAIN_META_F_EXT_ONLY), "tail-call slot of an extension-only");
	BAD((m.slots[0].kind = m.slots[1].kind = XDPCHAIN_SLOT_FREPLACE,
	     m.flags = XDPCHAIN_META_F_EXT_ONLY | XDPCHAIN_META_F_STATS), "counters");
	/* Observers: the flag iff an observer slot, observers
	 * last, at most XDPCHAIN_MAX_OBSERVERS, no spare positions. */
	good_meta(&m);
	m.slots[1].flags = XDPCHAIN_SLOT_F_OBSERVER;
	m.flags = XDPCHAIN_META_F_OBSERVE;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	CHECK(xc_meta_observers(&m) == 1);
	CHECK(!xc_meta_whole(&m) && !xc_meta_spares(&m));
	BAD((m.slots[1].flags = XDPCHAIN_SLOT_F_OBSERVER), "observer flag disagrees");
	BAD((m.flags = XDPCHAIN_META_F_OBSERVE), "observer flag disagrees");
	BAD((m.slots[1].flags = XDPCHAIN_SLOT_F_OBSERVER,
	     m.flags = XDPCHAIN_META_F_OBSERVE | XDPCHAIN_META_F_EXT_ONLY), "wrong build");
	BAD((m.slots[1].flags = XDPCHAIN_SLOT_F_OBSERVER, m.flags = XDPCHAIN_META_F_OBSERVE,
	     m.nr_spare = 2, m.slot_btf_id[2] = m.slot_btf_id[3] = 5), "spare positions");
	/* An observer before a program (priority 10 < 20 notwithstanding,
	 * observers sort last: out of order as well). */
	BAD((m.slots[0].flags = XDPCHAIN_SLOT_F_OBSERVER, m.flags = XDPCHAIN_META_F_OBSERVE),
	    "a program after an observer");
	good_meta(&m);
	m.nr_progs = XDPCHAIN_MAX_OBSERVERS + 2;
	for (unsigned int i = 1; i < m.nr_progs; i++) {
		m.slots[i] = slot(100 + i, 20, "o", 0);
		m.slots[i].flags = XDPCHAIN_SLOT_F_OBSERVER;
		m.slots[i].stats_idx = (__u8)i;
	}
	m.flags = XDPCHAIN_META_F_OBSERVE;
	why[0] = 0;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == -EBADMSG && strstr(why, "9 observers"));
	m.nr_progs--;
	memset(&m.slots[m.nr_progs], 0, sizeof(m.slots[0]));
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	/* An appended position's test: the one action of a set of one, else
	 * a value no zero-extended 32-bit verdict equals. */
	CHECK(xc_live_test(XDPCHAIN_VERDICT_BIT(XDP_PASS)) == XDP_PASS);
	CHECK(xc_live_test(XDPCHAIN_VERDICT_BIT(XDP_ABORTED)) == XDP_ABORTED);
	CHECK(xc_live_test(XDPCHAIN_VERDICT_BIT(XDP_REDIRECT)) == XDP_REDIRECT);
	CHECK(xc_live_test(0) == XDPCHAIN_LIVE_GENERAL);
	CHECK(xc_live_test(XDPCHAIN_VERDICT_BIT(XDP_PASS) | XDPCHAIN_VERDICT_BIT(XDP_DROP)) ==
	      XDPCHAIN_LIVE_GENERAL);
	CHECK(xc_live_test(1u << 7) == XDPCHAIN_LIVE_GENERAL);
	CHECK(XDPCHAIN_LIVE_GENERAL > 0xffffffffull);
	/* A program that makes tail calls of its own is marked so. */
	good_meta(&m);
	m.slots[0].flags = XDPCHAIN_SLOT_F_TAILCALLS;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);

	/* frags: all slots must be frags-aware for the chain to be. */
	good_meta(&m);
	m.slots[0].flags = XDPCHAIN_SLOT_F_FRAGS;
	CHECK(!xc_meta_frags(&m));
	m.slots[1].flags = XDPCHAIN_SLOT_F_FRAGS;
	CHECK(xc_meta_frags(&m));
	m.flags = XDPCHAIN_META_F_FRAGS;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	m.nr_progs = 0;
	memset(m.slots, 0, sizeof(m.slots));
	CHECK(!xc_meta_frags(&m));
}

/* Owner labels (xc_owner_valid(), in lib/model/meta.c): printable, no spaces,
 * at most 31 bytes. Not the owner-bound slots of lib/kobj/owner.c. */
static void test_owner_valid(void)
{
	CHECK(xc_owner_valid("fw") == 0);
	CHECK(xc_owner_valid("") == 0);
	CHECK(xc_owner_valid("has space") == -EINVAL);
	CHECK(xc_owner_valid("tab\t") == -EINVAL);
	CHECK(xc_owner_valid("0123456789012345678901234567890") == 0);
	CHECK(xc_owner_valid("01234567890123456789012345678901") == -ENAMETOOLONG);
}

/* Stats indexes: unique, stable for programs that stay, fresh for the
 * ones that join (and reported, so their counters restart). */
static void test_stats_idx(void)
{
	struct xdpchain_meta m;
	struct xdpchain_slot_meta s[XDPCHAIN_MAX_SLOTS];
	bool fresh[XDPCHAIN_MAX_SLOTS] = {};
	char why[160];
	__u64 given;
	unsigned int i;

	/* Legacy chain: all 0, nothing fresh -> first keeps 0, rest renumbered. */
	for (i = 0; i < 3; i++)
		s[i] = slot(i + 1, 10, "p", (__u8)i);
	given = xc_stats_idx_assign(s, 3, fresh, 0);
	CHECK(s[0].stats_idx == 0 && s[1].stats_idx == 1 && s[2].stats_idx == 2);
	CHECK(given == 0x6);
	/* Others keep theirs; a joining one takes the lowest free index
	 * even if it arrived with one that is in use. */
	s[0].stats_idx = 5;
	s[1].stats_idx = 0;
	s[2].stats_idx = 5;
	fresh[2] = true;
	given = xc_stats_idx_assign(s, 3, fresh, 0);
	CHECK(s[0].stats_idx == 5 && s[1].stats_idx == 0 && s[2].stats_idx == 1);
	CHECK(given == 0x2);
	/* Out-of-range indexes are replaced; nothing to do is 0. */
	fresh[2] = false;
	s[1].stats_idx = 200;
	given = xc_stats_idx_assign(s, 3, fresh, 0);
	CHECK(s[1].stats_idx == 0 && given == 0x1);
	CHECK(xc_stats_idx_assign(s, 3, fresh, 0) == 0);
	/* A joining program avoids indexes the running revision uses (a
	 * program leaving in the same revision counts there until the swap),
	 * unless nothing else is free. */
	s[0].stats_idx = 0;
	s[1].stats_idx = 1;
	fresh[1] = false;
	fresh[2] = true;
	given = xc_stats_idx_assign(s, 3, fresh, 0x7); /* 0..2 ran before */
	CHECK(s[2].stats_idx == 3 && given == 0x8);
	given = xc_stats_idx_assign(s, 3, fresh, ~0ull);
	CHECK(s[2].stats_idx == 2 && given == 0x4);
	fresh[2] = false;
	/* A full chain uses all 64. */
	for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++) {
		s[i] = slot(i + 1, 10, "p", 0);
		s[i].stats_idx = 7;
		fresh[i] = false;
	}
	given = xc_stats_idx_assign(s, XDPCHAIN_MAX_SLOTS, fresh, 0);
	CHECK(given == ~(1ull << 7));
	for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++)
		CHECK(s[i].stats_idx < XDPCHAIN_MAX_SLOTS);

	/* Validation: unique indexes are required only when counting. */
	good_meta(&m);
	m.slots[0].stats_idx = 3;
	m.slots[1].stats_idx = 3;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	m.flags |= XDPCHAIN_META_F_STATS;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == -EBADMSG);
	m.slots[1].stats_idx = 4;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == 0);
	m.slots[1].stats_idx = XDPCHAIN_MAX_SLOTS;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == -EBADMSG);
	/* A trace dispatcher never runs on an interface. */
	good_meta(&m);
	m.flags |= XDPCHAIN_META_F_TRACE;
	CHECK(xc_meta_validate(&m, why, sizeof(why)) == -EBADMSG);
}

/* How many spare positions a rebuild leaves: 8 or half the chain, within
 * the 64 slots. */
/* xc_meta_spares() of a chain of n programs of kind with flags. */
static unsigned int spares(unsigned int n, __u32 flags, enum xdpchain_slot_kind kind)
{
	static struct xdpchain_meta m; /* 10 KB */

	memset(&m, 0, sizeof(m));
	m.nr_progs = n;
	m.flags = flags;
	for (unsigned int i = 0; i < n; i++)
		m.slots[i].kind = kind;
	return xc_meta_spares(&m);
}

static void test_spares(void)
{
	static const struct {
		unsigned int n, spares;
	} want[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 8 }, { 8, 8 }, { 9, 8 }, { 16, 8 },
		{ 17, 8 }, { 24, 12 }, { 33, 16 }, { 42, 21 }, { 43, 21 },
		{ 60, 4 }, { 63, 1 }, { 64, 0 },
	};
	unsigned int i, rebuilds = 0, n, spare = 0;
	const enum xdpchain_slot_kind tc = XDPCHAIN_SLOT_TAILCALL, fr = XDPCHAIN_SLOT_FREPLACE;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK(spares(want[i].n, 0, tc) == want[i].spares);
		CHECK(spares(want[i].n, XDPCHAIN_META_F_FRAGS, tc) == want[i].spares);
		CHECK(spares(want[i].n, XDPCHAIN_META_F_STATS, tc) == 0);
		CHECK(spares(want[i].n, XDPCHAIN_META_F_TRACE, tc) == 0);
		if (want[i].n != 1)
			CHECK(spares(want[i].n, 0, fr) == want[i].spares);
	}
	/* A freplace program alone: one, for the second; none with
	 * counters, tracing or as an observer. */
	CHECK(spares(1, 0, fr) == XDPCHAIN_WHOLE_SPARES && XDPCHAIN_WHOLE_SPARES == 1);
	CHECK(spares(1, XDPCHAIN_META_F_FRAGS, fr) == 1);
	CHECK(spares(1, XDPCHAIN_META_F_EXT_ONLY, fr) == 1);
	CHECK(spares(1, XDPCHAIN_META_F_STATS, fr) == 0);
	CHECK(spares(1, XDPCHAIN_META_F_TRACE, fr) == 0);
	CHECK(spares(1, XDPCHAIN_META_F_OBSERVE, fr) == 0);
	for (n = 2; n < 64; n++) {
		unsigned int s = spares(n, 0, fr);

		CHECK(n + s <= 64);
		CHECK(s >= 8 || n + s == 64);
	}
	/* Growing a freplace chain one appended program at a time from 1
	 * to 64: the first attach, then a rebuild whenever the spares ran
	 * out. */
	spare = spares(1, 0, fr);
	for (n = 2; n <= 64; n++) {
		if (!spare) {
			rebuilds++;
			spare = spares(n, 0, fr);
		} else {
			spare--;
		}
	}
	CHECK(rebuilds == 5); /* at 3, 12, 21, 32 and 48 programs */
}

/* The one resolution of a program's name: how many have it, and the id
 * only counts when exactly one does. */
static void test_find_name(void)
{
	struct xdpchain_meta m;
	__u32 id = 0;

	good_meta(&m);
	CHECK(xc_meta_find_name(&m, "b", &id) == 1 && id == 12);
	id = 0;
	CHECK(xc_meta_find_name(&m, "c", &id) == 0 && id == 0);
	CHECK(xc_meta_find_name(&m, "", &id) == 0);
	m.slots[1] = slot(13, 20, "a", 0);
	CHECK(xc_meta_find_name(&m, "a", &id) == 2);
	/* Past nr_progs is no program of the chain. */
	m.nr_progs = 1;
	CHECK(xc_meta_find_name(&m, "a", &id) == 1 && id == 11);
}

int main(void)
{
	test_find_name();
	test_spares();
	test_validate();
	test_owner_valid();
	test_stats_idx();
	return check_report("test_meta");
}
