// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Desired vs running programs -> plan (see apply_plan.h). */
#include <errno.h>
#include <string.h>
#include "apply_plan.h"

#define MAX_HAVE 256

static bool owned(const char *owner, const struct plan_have *h)
{
	return !h->dead && h->owner && !strcmp(h->owner, owner);
}

bool plan_has_candidate(const char *owner, const char *name, const struct plan_have *have,
			size_t nhave)
{
	for (size_t i = 0; i < nhave; i++)
		if (owned(owner, &have[i]) && have[i].name && !strcmp(have[i].name, name))
			return true;
	return false;
}

/* The same program (name, code, slot kind if asked for), in any role. */
static bool same_code(const struct plan_want *w, const struct plan_have *h)
{
	if (!w->has_tag || !h->name || strcmp(w->name, h->name) ||
	    memcmp(w->tag, h->tag, sizeof(w->tag)))
		return false;
	return w->backend == XDPCHAIN_BACKEND_AUTO || w->backend == h->kind;
}

static bool same(const struct plan_want *w, const struct plan_have *h)
{
	/* An observer and a program are different things, even with the same
	 * code: a role changes by a detach and an attach. */
	return same_code(w, h) && w->observer == h->observer;
}

/* Why running program h of ours, which nothing matched, leaves. */
static enum plan_reason detach_reason(const struct plan_want *want, size_t nwant,
				      const struct plan_have *h)
{
	enum plan_reason r = PLAN_R_NOT_WANTED;

	for (size_t i = 0; i < nwant; i++) {
		if (!h->name || strcmp(want[i].name, h->name))
			continue;
		/* A wanted program has its name: other code or kind, or
		 * the same in the other role; in the same role, h is a
		 * second copy of one that stays: not wanted (it is no role
		 * change, which the plan said). */
		if (!same_code(&want[i], h))
			r = PLAN_R_REPLACED;
		else if (want[i].observer != h->observer)
			return want[i].observer ? PLAN_R_BECOMES_OBSERVER : PLAN_R_STOPS_OBSERVER;
	}
	return r;
}

/* Whether running program h, matched to want[i], is placed otherwise than
 * the file says. An anchor that is attached by this plan is a new
 * program: always a change. */
static bool placement_differs(const struct plan_want *want, size_t i, const struct plan_have *h,
			      const struct plan_have *have, const int *wmatch)
{
	__u32 id;

	if (want[i].anchor == PLAN_PLACE_NONE)
		return h->anchor != PLAN_PLACE_NONE;
	if (want[i].anchor_want >= 0)
		id = wmatch[want[i].anchor_want] >= 0 ? have[wmatch[want[i].anchor_want]].id : 0;
	else
		id = want[i].anchor_id;
	return h->anchor != want[i].anchor || !id || h->anchor_id != id;
}

int plan_compute(const char *owner, struct plan_want *want, size_t nwant,
		 const struct plan_have *have, size_t nhave, struct plan_step *steps,
		 int *dup_a, int *dup_b)
{
	int match[MAX_HAVE]; /* have index -> want index, or -1 */
	int wmatch[MAX_HAVE];
	size_t i, j, n = 0;

	if (nhave > MAX_HAVE || nwant > MAX_HAVE)
		return -E2BIG;
	for (i = 0; i < nwant; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(want[i].name, want[j].name)) {
				*dup_a = (int)j;
				*dup_b = (int)i;
				return -EINVAL;
			}
	for (j = 0; j < nhave; j++)
		match[j] = -1;
	for (i = 0; i < nwant; i++) {
		wmatch[i] = -1;
		for (j = 0; j < nhave && wmatch[i] < 0; j++) {
			if (match[j] < 0 && owned(owner, &have[j]) && same(&want[i], &have[j])) {
				match[j] = (int)i;
				wmatch[i] = (int)j;
			}
		}
	}
	for (j = 0; j < nhave; j++) {
		if (match[j] >= 0 || !owned(owner, &have[j]))
			continue;
		steps[n++] = (struct plan_step){
			.action = PLAN_DETACH, .want = -1, .have = (int)j,
			.reason = detach_reason(want, nwant, &have[j]),
		};
	}
	for (i = 0; i < nwant; i++) {
		const struct plan_have *h;
		bool reorder, place;

		want[i].have = wmatch[i];
		if (wmatch[i] < 0)
			continue;
		h = &have[wmatch[i]];
		reorder = h->priority != want[i].priority || h->continue_on != want[i].continue_on;
		place = placement_differs(want, i, h, have, wmatch);
		if (reorder || place)
			steps[n++] = (struct plan_step){
				.action = PLAN_UPDATE, .want = (int)i, .have = wmatch[i],
				.reorder = reorder, .place = place,
			};
	}
	for (i = 0; i < nwant; i++)
		if (wmatch[i] < 0)
			steps[n++] = (struct plan_step){
				.action = PLAN_ATTACH, .want = (int)i, .have = -1,
			};
	return (int)n;
}
