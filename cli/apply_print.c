// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain apply: the plan of each interface and what became of it, as
 * text or as one JSON object per interface (apply.h). */
#include <stdio.h>
#include "apply.h"
#include "format.h"
#include "json.h"

static const char *action_str(enum plan_action act)
{
	return act == PLAN_DETACH ? "detach" : act == PLAN_UPDATE ? "update" : "attach";
}

/* Why a detach: for the text plan, and its JSON key. */
static const struct {
	const char *text, *key;
} reasons[] = {
	[PLAN_R_NONE] = { "", "not_wanted" },
	[PLAN_R_NOT_WANTED] = { "not in the file", "not_wanted" },
	[PLAN_R_REPLACED] = { "replaced by another build of it", "replaced" },
	[PLAN_R_BECOMES_OBSERVER] = { "role change: it becomes an observer (attached again as one)",
				      "becomes_observer" },
	[PLAN_R_STOPS_OBSERVER] = { "role change: it stops being an observer (attached again as "
				    "a program)", "stops_observer" },
};

static const char *reason_str(enum plan_reason r)
{
	return reasons[r].text;
}

static const char *reason_key(enum plan_reason r)
{
	return reasons[r].key;
}

/* "after NAME" / "before NAME" of a wanted program. */
static const char *placed_str(const struct iface *f, const struct plan_want *w, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s %s", w->anchor == PLAN_PLACE_AFTER ? "after" : "before",
		 f->w[w - f->pw].cfg->anchor);
	return buf;
}

static void print_step_text(const struct iface *f, const struct plan_step *s)
{
	char pl[96];
	const struct plan_have *h = s->have >= 0 ? &f->have[s->have] : NULL;
	const struct plan_want *w = s->want >= 0 ? &f->pw[s->want] : NULL;
	const struct pin_list *pins = &f->pins[s - f->steps];
	char c1[64], c2[64];

	switch (s->action) {
	case PLAN_DETACH:
		printf("  detach %s (id %u): %s\n", h->name, h->id, reason_str(s->reason));
		pins_print(pins, "    ", "kept pinned map", PINS_KEPT_NOTE);
		break;
	case PLAN_UPDATE:
		/* Only what changes: "pass -> pass" reads as a change. */
		fmt_verdicts(h->continue_on, c1, sizeof(c1));
		fmt_verdicts(w->continue_on, c2, sizeof(c2));
		printf("  update %s (id %u):", h->name, h->id);
		if (h->priority != w->priority)
			printf(" priority %d -> %d%s", h->priority, w->priority,
			       h->continue_on != w->continue_on || s->place ? "," : "");
		if (h->continue_on != w->continue_on)
			printf(" continue-on %s -> %s%s", c1, c2, s->place ? "," : "");
		if (s->place && w->anchor != PLAN_PLACE_NONE)
			printf(" placed %s", placed_str(f, w, pl, sizeof(pl)));
		else if (s->place)
			printf(" no longer placed next to another program");
		printf("\n");
		break;
	case PLAN_ATTACH:
		fmt_verdicts(w->continue_on, c2, sizeof(c2));
		printf("  attach %s from %s: priority %d, continue-on %s", w->name,
		       f->w[s->want].path, w->priority, c2);
		if (w->anchor != PLAN_PLACE_NONE)
			printf(", %s", placed_str(f, w, pl, sizeof(pl)));
		if (f->applied)
			printf(" (id %u)", xdpchain_prog__id(f->w[s->want].prog));
		printf("\n");
		pins_print(pins, "    ", "pinned map", PINS_MADE_NOTE);
		break;
	}
}

static void print_step_json(struct json_writer *jw, const struct iface *f,
			    const struct plan_step *s)
{
	const struct plan_have *h = s->have >= 0 ? &f->have[s->have] : NULL;
	const struct plan_want *w = s->want >= 0 ? &f->pw[s->want] : NULL;

	json_start_object(jw);
	json_kv_string(jw, "action", action_str(s->action));
	json_kv_string(jw, "name", h ? h->name : w->name);
	if (s->action == PLAN_ATTACH) {
		if (f->applied)
			json_kv_uint(jw, "id", xdpchain_prog__id(f->w[s->want].prog));
		else
			json_kv_null(jw, "id");
		json_kv_string(jw, "file", f->w[s->want].path);
	} else {
		json_kv_uint(jw, "id", h->id);
	}
	if (s->action == PLAN_DETACH) {
		json_kv_string(jw, "reason", reason_key(s->reason));
	} else {
		json_kv_int(jw, "priority", w->priority);
		json_key(jw, "continue_on");
		json_verdicts(jw, w->continue_on);
	}
	if (s->action != PLAN_DETACH) {
		json_key(jw, "placed");
		if (w->anchor != PLAN_PLACE_NONE) {
			json_start_object(jw);
			json_kv_string(jw, "where", w->anchor == PLAN_PLACE_AFTER ? "after" : "before");
			json_kv_string(jw, "name", f->w[s->want].cfg->anchor);
			json_end_object(jw);
		} else {
			json_null_val(jw);
		}
	}
	if (s->action == PLAN_UPDATE) {
		json_kv_int(jw, "old_priority", h->priority);
		json_key(jw, "old_continue_on");
		json_verdicts(jw, h->continue_on);
	} else {
		/* made or used (attach), left (detach) */
		pins_json(jw, "pinned_maps", &f->pins[s - f->steps]);
	}
	json_end_object(jw);
}

void apply_print_iface(struct cli_ctx *ctx, const struct apply *a, const struct iface *f)
{
	if (ctx->json) {
		struct json_writer *jw = ctx->jw;

		json_start_object(jw);
		json_kv_string(jw, "ifname", f->cfg->name);
		json_kv_int(jw, "ifindex", f->ifindex);
		json_kv_uint(jw, "revision_before", f->rev_before);
		json_kv_uint(jw, "revision", f->applied ? f->rev_after : f->rev_before);
		json_kv_bool(jw, "changed", f->applied && f->rev_after != f->rev_before);
		json_key(jw, "plan");
		json_start_array(jw);
		for (int i = 0; i < f->nsteps; i++)
			print_step_json(jw, f, &f->steps[i]);
		json_end_array(jw);
		json_end_object(jw);
		return;
	}
	if (!f->nsteps) {
		printf("%s: no changes (revision %llu)\n", f->cfg->name,
		       (unsigned long long)(f->applied ? f->rev_after : f->rev_before));
		return;
	}
	if (f->rev_before)
		printf("%s: %d change%s from revision %llu:\n", f->cfg->name, f->nsteps,
		       f->nsteps == 1 ? "" : "s", (unsigned long long)f->rev_before);
	else
		printf("%s: %d change%s (no chain yet):\n", f->cfg->name, f->nsteps,
		       f->nsteps == 1 ? "" : "s");
	for (int i = 0; i < f->nsteps; i++)
		print_step_text(f, &f->steps[i]);
	if (f->applied && f->rev_after)
		printf("%s: applied, revision %llu\n", f->cfg->name,
		       (unsigned long long)f->rev_after);
	else if (f->applied)
		printf("%s: applied, no chain left\n", f->cfg->name);
	else if (a->dry_run)
		printf("%s: dry run, nothing changed\n", f->cfg->name);
}
