// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* "xdpchain apply": the configuration schema and the plan (wanted vs
 * running programs -> changes). */
#include <errno.h>
#include <string.h>
#include "apply_config.h"
#include "apply_plan.h"
#include "check.h"

static char err[384];

static int cfg_parse(const char *s, struct apply_config *cfg)
{
	err[0] = 0;
	return apply_config_parse(s, strlen(s), cfg, err, sizeof(err));
}

/* s is refused as a bad file, the message containing word. */
static int cfg_bad(const char *s, const char *word)
{
	struct apply_config cfg;
	int ret = cfg_parse(s, &cfg);

	if (!ret) {
		apply_config_free(&cfg);
		fprintf(stderr, "accepted: %s\n", s);
		return 0;
	}
	if (ret != -EINVAL || !strstr(err, word)) {
		fprintf(stderr, "for %s: %d '%s' lacks '%s'\n", s, ret, err, word);
		return 0;
	}
	return 1;
}

static void test_config(void)
{
	struct apply_config cfg;
	const char *good =
		"{\"version\": 1, \"owner\": \"fleet\", \"interfaces\": {\n"
		" \"eth1\": {\"mode\": \"skb\", \"backend\": \"tailcall\", \"programs\": [\n"
		"  {\"file\": \"/a.o\", \"program\": \"fw\", \"priority\": -5,\n"
		"   \"continue_on\": [\"pass\", \"drop\"]},\n"
		"  {\"file\": \"b.o\", \"observer\": true}]},\n"
		" \"eth0.100\": {\"programs\": []}}}";

	CHECK(cfg_parse(good, &cfg) == 0);
	CHECK(!strcmp(cfg.owner, "fleet"));
	CHECK(cfg.nifaces == 2);
	if (cfg.nifaces == 2) {
		struct apply_iface *f = &cfg.ifaces[0];

		CHECK(!strcmp(f->name, "eth1") && f->has_mode && f->mode == XDPCHAIN_MODE_SKB);
		CHECK(f->backend == XDPCHAIN_BACKEND_TAILCALL && f->nprogs == 2);
		CHECK(!strcmp(f->progs[0].file, "/a.o") && !strcmp(f->progs[0].program, "fw"));
		CHECK(f->progs[0].has_priority && f->progs[0].priority == -5);
		CHECK(f->progs[0].has_continue_on && f->progs[0].continue_on == 0x6);
		CHECK(!strcmp(f->progs[0].path, "$.interfaces.eth1.programs[0]"));
		CHECK(!f->progs[1].program && !f->progs[1].has_priority &&
		      !f->progs[1].has_continue_on);
		CHECK(!f->progs[0].observer && f->progs[1].observer);
		f = &cfg.ifaces[1];
		CHECK(!strcmp(f->name, "eth0.100") && !f->has_mode && f->nprogs == 0);
		CHECK(f->backend == XDPCHAIN_BACKEND_AUTO);
		CHECK(!strcmp(f->path, "$.interfaces[\"eth0.100\"]"));
	}
	apply_config_free(&cfg);

	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {}, \"x\": 1}",
		      "line 1: $.x: unknown key (known: version, owner, interfaces)"));
	CHECK(cfg_bad("{\"owner\": \"o\", \"interfaces\": {}}", "$.version: missing"));
	CHECK(cfg_bad("{\"version\": 1.0, \"owner\": \"o\", \"interfaces\": {}}",
		      "$.version: must be the integer 1"));
	CHECK(cfg_bad("{\"version\": 3, \"owner\": \"o\", \"interfaces\": {}}",
		      "version 3 is not supported"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"a b\", \"interfaces\": {}}", "$.owner"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"\", \"interfaces\": {}}", "empty"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"0123456789012345678901234567890123\", "
		      "\"interfaces\": {}}", "longer than 31"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\"}", "$.interfaces: missing"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": []}",
		      "$.interfaces: must be an object, not an array"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"a/b\": {}}}",
		      "not a valid interface name"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": {}}}",
		      "$.interfaces.e.programs: missing"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [], \"mod\": 1}}}", "$.interfaces.e.mod: unknown key"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [], \"mode\": \"fast\"}}}", "unknown mode \"fast\""));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"a.o\", \"observer\": 1}]}}}",
		      "$.interfaces.e.programs[0].observer: must be true or false, not a number"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [], \"mode\": \"hw\"}}}", "offload"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [], \"backend\": \"mixed\"}}}", "unknown backend"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{}]}}}", "$.interfaces.e.programs[0].file: missing"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"priority\": 2147483648}]}}}",
		      "programs[0].priority: 2147483648 is out of range"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"priority\": 1.5}]}}}",
		      "must be an integer, not a fraction"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"continue_on\": \"pass\"}]}}}",
		      "continue_on: must be an array"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"continue_on\": [\"pass\", \"pass\"]}]}}}",
		      "continue_on[1]: verdict \"pass\" is listed twice"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"program\": \"p\"}, "
		      "{\"file\": \"/b\", \"program\": \"p\"}]}}}", "listed twice"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\"}]},\n \"e\": {\"programs\": []}}}",
		      "line 2, column 4: duplicate object key near '\"e\"'"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"before\": \"x\", \"after\": \"y\"}]}}}",
		      "programs[0].after: \"before\" and \"after\" exclude each other"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": "
		      "{\"programs\": [{\"file\": \"/a\", \"after\": \"\"}]}}}",
		      "programs[0].after: must not be empty"));
	{
		const char *placed =
			"{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\"e\": {\"programs\": "
			"[{\"file\": \"/a\", \"after\": \"fw\"}, {\"file\": \"/b\", \"before\": \"lb\"}]}}}";

		CHECK(cfg_parse(placed, &cfg) == 0);
		if (cfg.nifaces == 1 && cfg.ifaces[0].nprogs == 2) {
			CHECK(!strcmp(cfg.ifaces[0].progs[0].anchor, "fw") &&
			      cfg.ifaces[0].progs[0].anchor_after);
			CHECK(!strcmp(cfg.ifaces[0].progs[1].anchor, "lb") &&
			      !cfg.ifaces[0].progs[1].anchor_after);
		}
		apply_config_free(&cfg);
	}
	CHECK(cfg_bad("{\"version\": 1,", "line 1, column 14: string or '}' expected"));
	/* A value that parsed but is wrong: found again in the text. */
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\n"
		      " \"e\": {\"programs\": [{\"file\": \"/a\"},\n"
		      "  {\"file\": \"/b\",\n   \"prio\": 3}]}}}",
		      "line 4: $.interfaces.e.programs[1].prio: unknown key"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\n"
		      " \"e\": {\"programs\": [{\"file\": \"/a\"},\n"
		      "  {\"file\": \"/b\", \"continue_on\": [\n\"pass\",\n\"nope\"]}]}}}",
		      "line 5: $.interfaces.e.programs[1].continue_on[1]: unknown verdict"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\n"
		      " \"e\": {\"programs\": [{\"file\": \"/a\", \"program\": \"p\"},\n"
		      "  {\"file\": \"/b\", \"program\": \"p\"}]},\n\"e f\": {}}}",
		      "line 3: $.interfaces.e.programs[1]: program \"p\" is listed twice"));
	CHECK(cfg_bad("{\"version\": 1, \"owner\": \"o\", \"interfaces\": {\n"
		      "\n \"e\": {}}}", "line 3: $.interfaces.e.programs: missing"));
	CHECK(cfg_bad("[]", "$: must be an object"));
}

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

int main(void)
{
	test_config();
	test_plan();
	return check_report("test_apply");
}
