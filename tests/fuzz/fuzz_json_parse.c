// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: JSON configuration files read through jansson
 * (cli/json_parse.c: jansson's decoder, the limits, json_locate()) and the
 * apply configuration schema on top of it (cli/apply_config.c), which
 * read files that "xdpchain apply" is given. Input: the file's bytes.
 * Properties: what parses has strings and keys without NUL bytes and
 * bounded depth; every value is found again by json_locate() at a
 * position inside the text; written back with the CLI's JSON writer
 * (cli/json.c) and parsed again, it is the same tree; a refusal has a
 * message and a position; the schema layer either accepts or names what
 * is wrong. */
#include <errno.h>
#include "json.h"
#include "json_parse.h"
#include "apply_config.h"
#include "fuzz.h"

struct text {
	const char *buf;
	size_t len;
	unsigned int lines;
};

static unsigned int depth_of(const json_t *v)
{
	unsigned int d = 0, x;
	const char *key;
	json_t *item;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			x = depth_of(item);
			d = x > d ? x : d;
		}
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, item) {
			x = depth_of(item);
			d = x > d ? x : d;
		}
	}
	return d + 1;
}

/* Strings are C strings; each value is found again in the text (the
 * first few members of each container: the locator rescans). */
static void check_values(const struct text *t, const json_t *v, const struct json_step *at,
			 unsigned int depth)
{
	struct json_step s = { .up = at };
	unsigned int line, col;
	const char *key;
	json_t *item;
	size_t i;

	FUZZ_ASSERT(json_locate(t->buf, t->len, at, &line, &col) == 0);
	FUZZ_ASSERT(line >= 1 && line <= t->lines && col >= 1);
	if (json_is_string(v))
		FUZZ_ASSERT(strlen(json_string_value(v)) == json_string_length(v));
	if (depth > 4)
		return;
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) {
			if (i >= 4)
				break;
			s.index = i;
			check_values(t, item, &s, depth + 1);
		}
	} else if (json_is_object(v)) {
		i = 0;
		json_object_foreach((json_t *)v, key, item) {
			if (i++ >= 4)
				break;
			s.key = key;
			check_values(t, item, &s, depth + 1);
		}
	}
}

static void write_value(struct json_writer *w, const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_NULL:
		json_null_val(w);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		json_bool(w, json_is_true(v));
		break;
	case JSON_INTEGER:
		json_int(w, json_integer_value(v));
		break;
	case JSON_REAL:
		/* The writer has integers only; fractions come back as 0. */
		json_int(w, 0);
		break;
	case JSON_STRING:
		json_str(w, json_string_value(v));
		break;
	case JSON_ARRAY:
		json_start_array(w);
		json_array_foreach(v, i, item)
			write_value(w, item);
		json_end_array(w);
		break;
	case JSON_OBJECT:
		json_start_object(w);
		json_object_foreach((json_t *)v, key, item) {
			json_key(w, key);
			write_value(w, item);
		}
		json_end_object(w);
		break;
	}
}

/* Equal, members in the same order (json_equal() ignores the order). */
static bool same(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *item;
	void *it;
	size_t i;

	if (json_is_real(a))
		return json_is_integer(b) && json_integer_value(b) == 0;
	if (json_typeof(a) != json_typeof(b))
		return false;
	switch (json_typeof(a)) {
	case JSON_INTEGER:
		return json_integer_value(a) == json_integer_value(b);
	case JSON_STRING:
		return json_string_length(a) == json_string_length(b) &&
		       !memcmp(json_string_value(a), json_string_value(b), json_string_length(a));
	case JSON_ARRAY:
		if (json_array_size(a) != json_array_size(b))
			return false;
		json_array_foreach(a, i, item)
			if (!same(item, json_array_get(b, i)))
				return false;
		return true;
	case JSON_OBJECT:
		if (json_object_size(a) != json_object_size(b))
			return false;
		it = json_object_iter((json_t *)b);
		json_object_foreach((json_t *)a, key, item) {
			if (!it || strcmp(key, json_object_iter_key(it)) ||
			    !same(item, json_object_iter_value(it)))
				return false;
			it = json_object_iter_next((json_t *)b, it);
		}
		return true;
	default:
		return true;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text t = { .buf = (const char *)data, .len = size, .lines = 1 };
	struct json_parse_error err;
	struct apply_config cfg;
	json_t *v, *again;
	char msg[384];
	int ret;

	for (size_t i = 0; i < size; i++)
		t.lines += data[i] == '\n';
	v = json_parse((const char *)data, size, &err);
	if (!v) {
		FUZZ_ASSERT(errno == EINVAL || errno == E2BIG || errno == ENOMEM);
		FUZZ_ASSERT(err.msg[0] && err.line >= 1 && err.line <= t.lines && err.col >= 1);
	} else {
		FUZZ_ASSERT(depth_of(v) <= JSON_PARSE_MAX_DEPTH);
		check_values(&t, v, NULL, 1);
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
					json_decref(again);
				}
				free(buf);
			}
		}
		json_decref(v);
	}

	msg[0] = '\0';
	ret = apply_config_parse((const char *)data, size, &cfg, msg, sizeof(msg));
	if (ret == 0) {
		FUZZ_ASSERT(cfg.owner[0] != '\0');
		FUZZ_ASSERT(memchr(cfg.owner, '\0', sizeof(cfg.owner)));
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
