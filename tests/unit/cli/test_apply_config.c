// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* cli/apply_config.c: "xdpchain apply"'s configuration file, its schema
 * and the messages that say what is wrong where. */
#include <errno.h>
#include <string.h>
#include "apply_config.h"
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
		" \"eth1\": {\"mode\": \"skb\", \"backend\": \"tailcall\", \"adopt\": true, \"programs\": [\n"
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
		CHECK(f->adopt);
		f = &cfg.ifaces[1];
		CHECK(!strcmp(f->name, "eth0.100") && !f->has_mode && f->nprogs == 0);
		CHECK(!f->adopt); /* never implicit */
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
		      "{\"programs\": [], \"adopt\": \"yes\"}}}",
		      "$.interfaces.e.adopt: must be true or false, not a string"));
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

int main(void)
{
	test_config();
	return check_report("test_apply_config");
}
