// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* cli/apply_plan.c: "xdpchain apply"'s plan, from the programs the file
 * wants and those that run: detaches (and why), updates in place
 * (priority, continue-on set, placement), attaches. */
#include <errno.h>
#include <string.h>
#include "apply_plan.h"
#include "check.h"

static const __u8 TAG_A[8] = { 1 }, TAG_B[8] = { 2 };

static struct plan_want want(const char *name, int prio, const __u8 *tag)
{
	struct plan_want w = { .name = name, .priority = prio, .continue_on = 4 };

	if (tag) {
		w.has_tag = true;
		memcpy(w.tag, tag, 8);
	}
	return w;
}

static struct plan_have have(__u32 id, const char *name, const char *owner, int prio,
			     const __u8 *tag)
{
	struct plan_have h = { .id = id, .name = name, .owner = owner, .priority = prio,
			       .continue_on = 4, .kind = XDPCHAIN_BACKEND_TAILCALL };

	memcpy(h.tag, tag, 8);
	return h;
}

/* The plan as "detach:ID update:ID attach:NAME ..." */
static const char *plan_str(const struct plan_step *s, int n, const struct plan_want *w,
			    const struct plan_have *h)
{
	static char buf[256];
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < n; i++) {
		if (s[i].action == PLAN_ATTACH)
			len += snprintf(buf + len, sizeof(buf) - len, "%sattach:%s", i ? " " : "",
					w[s[i].want].name);
		else
			len += snprintf(buf + len, sizeof(buf) - len, "%s%s:%u", i ? " " : "",
					s[i].action == PLAN_DETACH ? "detach" : "update",
					h[s[i].have].id);
	}
	return buf;
}

#define PLAN(wv, hv, expect)                                                   \
	do {                                                                   \
		struct plan_step st[32];                                       \
		int da, db;                                                    \
		int n = plan_compute("fleet", wv, sizeof(wv) / sizeof(wv[0]), hv,\
				     sizeof(hv) / sizeof(hv[0]), st, &da, &db); \
		const char *got = n >= 0 ? plan_str(st, n, wv, hv) : "error"; \
		if (strcmp(got, expect))                                       \
			fprintf(stderr, "plan: got '%s', want '%s'\n", got, expect); \
		CHECK(!strcmp(got, expect));                                   \
	} while (0)

static void test_plan(void)
{
	/* Nothing runs: attach everything. */
	{
		struct plan_want w[] = { want("a", 10, NULL), want("b", 20, NULL) };
		struct plan_have h[1] = { { 0 } };
		struct plan_step st[4];
		int da, db;

		CHECK(plan_compute("fleet", w, 2, h, 0, st, &da, &db) == 2);
		CHECK(st[0].action == PLAN_ATTACH && st[0].want == 0 && st[1].want == 1);
	}
	/* The same: nothing to do. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };
		PLAN(w, h, "");
	}
	/* New priority, then new continue-on set: update in place. */
	{
		struct plan_want w[] = { want("a", 15, TAG_A), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };
		w[1].continue_on = 6;
		PLAN(w, h, "update:1 update:2");
	}
	/* Left out of the file: detach. Other owners' and unowned: kept. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B),
					 have(3, "c", "other", 20, TAG_B),
					 have(4, "d", "", 20, TAG_B) };
		PLAN(w, h, "detach:2");
	}
	/* Another owner runs the same program: ours is attached anyway. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A) };
		struct plan_have h[] = { have(1, "a", "other", 10, TAG_A) };
		PLAN(w, h, "attach:a");
	}
	/* Other code (tag): replaced, the detach says why. */
	{
		struct plan_want w[] = { want("a", 10, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A) };
		struct plan_step st[4];
		int da, db;

		PLAN(w, h, "detach:1 attach:a");
		CHECK(plan_compute("fleet", w, 1, h, 1, st, &da, &db) == 2 &&
		      st[0].reason == PLAN_R_REPLACED);
	}
	/* The same code as an observer, or no longer one: a detach and an
	 * attach (the role is not updated in place). */
	{
		struct plan_want w[] = { want("a", 10, TAG_A), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };
		struct plan_step st[4];
		int da, db;

		w[0].observer = true;
		h[1].observer = true;
		PLAN(w, h, "detach:1 detach:2 attach:a attach:b");
		/* The detaches say what changes: the role, not the build (the
		 * plan called it "replaced by another build of it"). */
		CHECK(plan_compute("fleet", w, 2, h, 2, st, &da, &db) == 4 &&
		      st[0].reason == PLAN_R_BECOMES_OBSERVER &&
		      st[1].reason == PLAN_R_STOPS_OBSERVER);
		w[1].observer = true;
		PLAN(w, h, "detach:1 attach:a");
		/* Other code and another role: replaced. */
		memset(w[0].tag, 0x55, sizeof(w[0].tag));
		CHECK(plan_compute("fleet", w, 2, h, 2, st, &da, &db) == 2 &&
		      st[0].reason == PLAN_R_REPLACED);
	}
	/* No tag known (no candidate was loaded): never matches. */
	{
		struct plan_want w[] = { want("a", 10, NULL) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A) };
		PLAN(w, h, "detach:1 attach:a");
	}
	/* A backend asked for: the slot kind must match too. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A) };
		w[0].backend = XDPCHAIN_BACKEND_FREPLACE;
		PLAN(w, h, "detach:1 attach:a");
		w[0].backend = XDPCHAIN_BACKEND_TAILCALL;
		PLAN(w, h, "");
	}
	/* Two running copies of one program of ours: one kept, one detached. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "a", "fleet", 10, TAG_A) };
		PLAN(w, h, "detach:2");
	}
	/* A program whose owner process exited is neither matched nor
	 * detached: the commit collects it. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 10, TAG_B) };
		h[0].dead = h[1].dead = true;
		PLAN(w, h, "attach:a");
	}
	/* Mixed: detach, update and attach, in that order. */
	{
		struct plan_want w[] = { want("n", 1, NULL), want("a", 11, TAG_A) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };
		PLAN(w, h, "detach:2 update:1 attach:n");
	}
	/* Relative placement (b after a): as running, nothing to do; else an
	 * update, also to remove it; an anchor of another owner by id; an
	 * anchor that is attached anew (other code): always an update. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };
		w[1].anchor = PLAN_PLACE_AFTER;
		w[1].anchor_want = 0;
		PLAN(w, h, "update:2");
		h[1].anchor = PLAN_PLACE_AFTER;
		h[1].anchor_id = 1;
		PLAN(w, h, "");
		w[1].anchor = PLAN_PLACE_BEFORE;
		PLAN(w, h, "update:2");
		w[1].anchor = PLAN_PLACE_NONE;
		PLAN(w, h, "update:2");
	}
	{
		struct plan_want w[] = { want("a", 10, TAG_A) };
		struct plan_have h[] = { have(9, "x", "other", 5, TAG_B),
					 have(1, "a", "fleet", 10, TAG_A) };
		w[0].anchor = PLAN_PLACE_AFTER;
		w[0].anchor_want = -1;
		w[0].anchor_id = 9;
		h[1].anchor = PLAN_PLACE_AFTER;
		h[1].anchor_id = 9;
		PLAN(w, h, "");
		w[0].anchor_id = 8;
		PLAN(w, h, "update:1");
	}
	{
		struct plan_want w[] = { want("a", 10, TAG_B), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };
		w[1].anchor = PLAN_PLACE_AFTER;
		w[1].anchor_want = 0;
		h[1].anchor = PLAN_PLACE_AFTER;
		h[1].anchor_id = 1;
		PLAN(w, h, "detach:1 update:2 attach:a");
	}
	/* The same name twice: refused, naming both. */
	{
		struct plan_want w[] = { want("a", 1, NULL), want("b", 1, NULL), want("a", 2, NULL) };
		struct plan_step st[8];
		int da = -1, db = -1;

		CHECK(plan_compute("fleet", w, 3, NULL, 0, st, &da, &db) == -EINVAL);
		CHECK(da == 0 && db == 2);
	}
	{
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A) };

		CHECK(plan_has_candidate("fleet", "a", h, 1));
		CHECK(!plan_has_candidate("other", "a", h, 1));
		CHECK(!plan_has_candidate("fleet", "b", h, 1));
		h[0].dead = true;
		CHECK(!plan_has_candidate("fleet", "a", h, 1));
	}
}

/* What each step says, beyond its kind: the matches, the detach reasons,
 * what an update changes. */
static void test_plan_more(void)
{
	struct plan_step st[16];
	int da, db;

	/* Additions and removals together: every wanted program is
	 * attached, every running one of ours not wanted is detached "not
	 * wanted", and want[].have tells the matches. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A), want("n1", 5, NULL),
					 want("n2", 5, NULL) };
		struct plan_have h[] = { have(1, "x", "fleet", 1, TAG_B),
					 have(2, "a", "fleet", 10, TAG_A),
					 have(3, "y", "fleet", 1, TAG_B) };

		CHECK(plan_compute("fleet", w, 3, h, 3, st, &da, &db) == 4);
		CHECK(st[0].action == PLAN_DETACH && st[0].have == 0 && st[0].want == -1 &&
		      st[0].reason == PLAN_R_NOT_WANTED);
		CHECK(st[1].action == PLAN_DETACH && st[1].have == 2 &&
		      st[1].reason == PLAN_R_NOT_WANTED);
		CHECK(st[2].action == PLAN_ATTACH && st[2].want == 1 && st[2].have == -1);
		CHECK(st[3].action == PLAN_ATTACH && st[3].want == 2);
		CHECK(w[0].have == 1 && w[1].have == -1 && w[2].have == -1);
	}
	/* Updates: what changed is said (reorder: priority or continue-on
	 * set; place: placement), never a role or the code. */
	{
		struct plan_want w[] = { want("a", 10, TAG_A), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 20, TAG_B) };

		w[0].continue_on = 4 | 2; /* continue-on alone */
		w[1].anchor = PLAN_PLACE_BEFORE;
		w[1].anchor_want = 0;
		CHECK(plan_compute("fleet", w, 2, h, 2, st, &da, &db) == 2);
		CHECK(st[0].action == PLAN_UPDATE && st[0].want == 0 && st[0].have == 0 &&
		      st[0].reorder && !st[0].place);
		CHECK(st[1].action == PLAN_UPDATE && st[1].want == 1 && st[1].have == 1 &&
		      !st[1].reorder && st[1].place);
		/* Both at once. */
		w[1].priority = 21;
		CHECK(plan_compute("fleet", w, 2, h, 2, st, &da, &db) == 2 && st[1].reorder &&
		      st[1].place);
		/* The same continue-on set: nothing to do for a. */
		w[0].continue_on = 4;
		CHECK(plan_compute("fleet", w, 2, h, 2, st, &da, &db) == 1 && st[0].have == 1);
	}
	/* An observer that stays one, with a new priority: updated in
	 * place, as any program. */
	{
		struct plan_want w[] = { want("o", 10, TAG_A) };
		struct plan_have h[] = { have(1, "o", "fleet", 5, TAG_A) };

		w[0].observer = h[0].observer = true;
		CHECK(plan_compute("fleet", w, 1, h, 1, st, &da, &db) == 1 &&
		      st[0].action == PLAN_UPDATE && st[0].reorder && w[0].have == 0);
		/* The role changes and the priority too: one detach, one
		 * attach, the detach saying why. */
		w[0].observer = false;
		CHECK(plan_compute("fleet", w, 1, h, 1, st, &da, &db) == 2 &&
		      st[0].action == PLAN_DETACH && st[0].reason == PLAN_R_STOPS_OBSERVER &&
		      st[1].action == PLAN_ATTACH && w[0].have == -1);
	}
	/* Priority ties: programs of one priority are matched by name and
	 * code, whatever their order in the file or in the chain; a tie is
	 * no change. */
	{
		struct plan_want w[] = { want("b", 10, TAG_B), want("a", 10, TAG_A) };
		struct plan_have h[] = { have(1, "a", "fleet", 10, TAG_A),
					 have(2, "b", "fleet", 10, TAG_B) };

		PLAN(w, h, "");
		CHECK(w[0].have == 1 && w[1].have == 0);
		/* Two running copies of one program and another build of it,
		 * all with one priority. */
		struct plan_want w2[] = { want("a", 10, TAG_A) };
		struct plan_have h2[] = { have(1, "a", "fleet", 10, TAG_A),
					  have(2, "a", "fleet", 10, TAG_A),
					  have(3, "a", "fleet", 10, TAG_B) };
		CHECK(plan_compute("fleet", w2, 1, h2, 3, st, &da, &db) == 2);
		/* The first running copy is kept; the other copy is not
		 * wanted (no role change: the plan said "it stops being an
		 * observer"), the other build is replaced. */
		CHECK(w2[0].have == 0);
		CHECK(st[0].have == 1 && st[0].reason == PLAN_R_NOT_WANTED);
		CHECK(st[1].have == 2 && st[1].reason == PLAN_R_REPLACED);
		/* The same for observers. */
		w2[0].observer = h2[0].observer = h2[1].observer = true;
		CHECK(plan_compute("fleet", w2, 1, h2, 2, st, &da, &db) == 1 &&
		      st[0].have == 1 && st[0].reason == PLAN_R_NOT_WANTED);
	}
	/* Anchored to a program of this file that is attached anew: the
	 * running placement cannot name it yet, so an update. */
	{
		struct plan_want w[] = { want("n", 1, NULL), want("b", 20, TAG_B) };
		struct plan_have h[] = { have(2, "b", "fleet", 20, TAG_B) };

		w[1].anchor = PLAN_PLACE_AFTER;
		w[1].anchor_want = 0;
		h[0].anchor = PLAN_PLACE_AFTER;
		h[0].anchor_id = 0;
		PLAN(w, h, "update:2 attach:n");
	}
	/* Too many programs. */
	{
		static struct plan_want w[257];
		static struct plan_step big[600];

		CHECK(plan_compute("fleet", w, 257, NULL, 0, big, &da, &db) == -E2BIG);
		CHECK(plan_compute("fleet", w, 0, NULL, 257, big, &da, &db) == -E2BIG);
	}
}

int main(void)
{
	test_plan();
	test_plan_more();
	return check_report("test_apply_plan");
}
