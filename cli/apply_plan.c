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
	if (!w->has_tag || !h->name || strcmp(w->name, h->name) ||
	    memcmp(w->tag, h->tag, sizeof(w->tag)))
		return false;
	return w->backend == XDPCHAIN_BACKEND_AUTO || w->backend == h->kind;
}

int plan_compute(const char *owner, const struct plan_want *want, size_t nwant,
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

		if (wmatch[i] < 0)
			continue;
		h = &have[wmatch[i]];
		if (h->priority != want[i].priority || h->continue_on != want[i].continue_on)
			steps[n++] = (struct plan_step){
				.action = PLAN_UPDATE, .want = (int)i, .have = wmatch[i],
			};
	}
	for (i = 0; i < nwant; i++)
		if (wmatch[i] < 0)
			steps[n++] = (struct plan_step){
				.action = PLAN_ATTACH, .want = (int)i, .have = -1,
			};
	return (int)n;
}
