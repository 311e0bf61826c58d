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

static bool same(const struct plan_want *w, const struct plan_have *h)
{
	/* An observer and a program are different things, even with the same
	 * code: a role changes by a detach and an attach. */
	if (!w->has_tag || !h->name || strcmp(w->name, h->name) ||
	    memcmp(w->tag, h->tag, sizeof(w->tag)) || w->observer != h->observer)
		return false;
	return w->backend == XDPCHAIN_BACKEND_AUTO || w->backend == h->kind;
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
			.reason = PLAN_R_NOT_WANTED,
		};
		/* Replaced: a wanted program has its name (other code or kind). */
		for (i = 0; i < nwant; i++)
			if (have[j].name && !strcmp(want[i].name, have[j].name))
				steps[n - 1].reason = PLAN_R_REPLACED;
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
