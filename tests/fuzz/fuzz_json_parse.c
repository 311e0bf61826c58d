// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: the strict JSON parser (cli/json_parse.c) and the apply
 * configuration schema on top of it (cli/apply_config.c), which read files
 * that "xdpchain apply" is given. Input: the file's bytes. Properties:
 * what parses has valid UTF-8 strings without NUL bytes and bounded depth;
 * written back with the CLI's JSON writer (cli/json.c) and parsed again,
 * it is the same tree; a refusal has a message and a position; the schema
 * layer either accepts or names what is wrong. */
#include <errno.h>
#include "json.h"
#include "json_parse.h"
#include "apply_config.h"
#include "fuzz.h"

static unsigned int depth_of(const struct json_value *v)
{
	unsigned int d = 0, x;

	for (size_t i = 0; i < v->len && (v->type == JSON_ARRAY || v->type == JSON_OBJECT); i++) {
		x = depth_of(v->type == JSON_ARRAY ? &v->items[i] : &v->members[i].value);
		d = x > d ? x : d;
	}
	return d + 1;
}

static void check_strings(const struct json_value *v)
{
	switch (v->type) {
	case JSON_STRING:
		FUZZ_ASSERT(strlen(v->string) == v->len);
		break;
	case JSON_ARRAY:
		for (size_t i = 0; i < v->len; i++)
			check_strings(&v->items[i]);
		break;
	case JSON_OBJECT:
		for (size_t i = 0; i < v->len; i++) {
			FUZZ_ASSERT(v->members[i].key != NULL);
			check_strings(&v->members[i].value);
		}
		break;
	default:
		break;
	}
}

static void write_value(struct json_writer *w, const struct json_value *v)
{
	switch (v->type) {
	case JSON_NULL:
		json_null(w);
		break;
	case JSON_BOOL:
		json_bool(w, v->boolean);
		break;
	case JSON_NUMBER:
		/* The writer has integers only; fractions come back as 0. */
		json_int(w, v->is_int ? v->integer : 0);
		break;
	case JSON_STRING:
		json_string(w, v->string);
		break;
	case JSON_ARRAY:
		json_start_array(w);
		for (size_t i = 0; i < v->len; i++)
			write_value(w, &v->items[i]);
		json_end_array(w);
		break;
	case JSON_OBJECT:
		json_start_object(w);
		for (size_t i = 0; i < v->len; i++) {
			json_key(w, v->members[i].key);
			write_value(w, &v->members[i].value);
		}
		json_end_object(w);
		break;
	}
}

static bool same(const struct json_value *a, const struct json_value *b)
{
	if (a->type == JSON_NUMBER && !a->is_int)
		return b->type == JSON_NUMBER && b->is_int && b->integer == 0;
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case JSON_BOOL:
		return a->boolean == b->boolean;
	case JSON_NUMBER:
		return b->is_int && a->integer == b->integer;
	case JSON_STRING:
		return a->len == b->len && !memcmp(a->string, b->string, a->len);
	case JSON_ARRAY:
	case JSON_OBJECT:
		if (a->len != b->len)
			return false;
		for (size_t i = 0; i < a->len; i++) {
			if (a->type == JSON_OBJECT &&
			    strcmp(a->members[i].key, b->members[i].key))
				return false;
			if (!same(a->type == JSON_ARRAY ? &a->items[i] : &a->members[i].value,
				  b->type == JSON_ARRAY ? &b->items[i] : &b->members[i].value))
				return false;
		}
		return true;
	default:
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_parse_error err;
	struct apply_config cfg;
	struct json_value *v, *again;
	char msg[384];
	int ret;

	v = json_parse((const char *)data, size, &err);
	if (!v) {
		FUZZ_ASSERT(errno == EINVAL || errno == E2BIG || errno == ENOMEM);
		FUZZ_ASSERT(err.msg[0] && err.line >= 1);
	} else {
		FUZZ_ASSERT(depth_of(v) <= JSON_PARSE_MAX_DEPTH);
		check_strings(v);
		if (depth_of(v) <= JSON_MAX_DEPTH) {
			struct json_writer w;
			char *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);

			if (f) {
				json_init(&w, f);
				write_value(&w, v);
				FUZZ_ASSERT(json_complete(&w));
				if (!fclose(f)) {
					again = json_parse(buf, len, &err);
					FUZZ_ASSERT(again != NULL);
					FUZZ_ASSERT(same(v, again));
					json_free(again);
				}
				free(buf);
			}
		}
		json_free(v);
	}

	msg[0] = '\0';
	ret = apply_config_parse((const char *)data, size, &cfg, msg, sizeof(msg));
	if (ret == 0) {
		FUZZ_ASSERT(cfg.owner[0] != '\0');
		FUZZ_ASSERT(memchr(cfg.owner, '\0', sizeof(cfg.owner)));
		FUZZ_ASSERT(cfg.nifaces <= APPLY_MAX_IFACES);
		for (size_t i = 0; i < cfg.nifaces; i++) {
			FUZZ_ASSERT(cfg.ifaces[i].name && cfg.ifaces[i].name[0]);
			FUZZ_ASSERT(cfg.ifaces[i].nprogs <= XDPCHAIN_MAX_PROGS);
			FUZZ_ASSERT(memchr(cfg.ifaces[i].path, '\0', sizeof(cfg.ifaces[i].path)));
			for (size_t j = 0; j < cfg.ifaces[i].nprogs; j++) {
				const struct apply_prog *p = &cfg.ifaces[i].progs[j];

				FUZZ_ASSERT(p->file && p->file[0]);
				FUZZ_ASSERT(memchr(p->path, '\0', sizeof(p->path)));
				FUZZ_ASSERT(!(p->continue_on & ~XDPCHAIN_VERDICTS_ALL));
				FUZZ_ASSERT(p->has_priority || !p->priority);
			}
		}
		apply_config_free(&cfg);
	} else {
		FUZZ_ASSERT(ret == -EINVAL || ret == -ENOMEM);
		FUZZ_ASSERT(msg[0] != '\0');
	}
	return 0;
}
