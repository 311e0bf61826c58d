// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* JSON configuration files through jansson (see json_parse.h): jansson
 * decodes and checks the syntax; this file adds the limits, turns
 * jansson's errors into ours, and finds a value's line again. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "json_parse.h"

/* Duplicate keys are refused; any value may be the root (the schema
 * says what it must be, with a better message than jansson's). Without
 * JSON_ALLOW_NUL, \u0000 is refused. */
#define LOAD_FLAGS (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY)
/* One value from an offset: jansson stops after it and says where. */
#define SCAN_FLAGS (JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK)

struct limits {
	size_t nodes;
	const struct json_step *at; /* the first value over a limit */
	int err;
	struct json_step steps[JSON_PARSE_MAX_DEPTH + 1];
};

/* Depth and count, walking down at most one level past the limit. */
static void walk(struct limits *l, const json_t *v, unsigned int depth, const struct json_step *at)
{
	struct json_step *s;
	const char *key;
	json_t *x;
	size_t i;

	if (l->err)
		return;
	if (depth > JSON_PARSE_MAX_DEPTH || ++l->nodes > JSON_PARSE_MAX_NODES) {
		l->err = depth > JSON_PARSE_MAX_DEPTH ? 1 : 2;
		l->at = at;
		return;
	}
	s = &l->steps[depth];
	*s = (struct json_step){ .up = at };
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (l->err)
				break; /* keep l->at's steps as they were */
			s->index = i;
			walk(l, x, depth + 1, s);
		}
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x) {
			if (l->err)
				break;
			s->key = key;
			walk(l, x, depth + 1, s);
		}
	}
}

/* Line and column (from 1; columns count characters, as jansson's do)
 * of buf[off]. */
static void position(const char *buf, size_t off, unsigned int *line, unsigned int *col)
{
	*line = *col = 1;
	for (size_t i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			++*col;
		}
	}
}

json_t *json_parse(const char *buf, size_t len, struct json_parse_error *err)
{
	struct limits l = { 0 };
	const char *nul;
	json_error_t je;
	json_t *root;

	memset(err, 0, sizeof(*err));
	if (!buf) {
		buf = "";
		len = 0;
	}
	/* jansson skips a NUL byte between tokens (its reader marks the end
	 * of what it buffered with one); a text file has none. */
	nul = memchr(buf, '\0', len);
	if (nul) {
		position(buf, (size_t)(nul - buf), &err->line, &err->col);
		snprintf(err->msg, sizeof(err->msg), "NUL byte in the text");
		errno = EINVAL;
		return NULL;
	}
	root = json_loadb(buf, len, LOAD_FLAGS, &je);
	if (!root) {
		enum json_error_code code = json_error_code(&je);

		err->line = je.line > 0 ? (unsigned int)je.line : 1;
		err->col = je.column > 0 ? (unsigned int)je.column : 1;
		snprintf(err->msg, sizeof(err->msg), "%s", je.text[0] ? je.text : "invalid JSON");
		errno = code == json_error_out_of_memory ? ENOMEM :
			code == json_error_stack_overflow ? E2BIG : EINVAL;
		return NULL;
	}
	walk(&l, root, 1, NULL);
	if (!l.err)
		return root;
	json_decref(root);
	if (json_locate(buf, len, l.at, &err->line, &err->col))
		err->line = err->col = 1;
	if (l.err == 1)
		snprintf(err->msg, sizeof(err->msg), "nested deeper than %d levels",
			 JSON_PARSE_MAX_DEPTH);
	else
		snprintf(err->msg, sizeof(err->msg), "more than %d values", JSON_PARSE_MAX_NODES);
	errno = E2BIG;
	return NULL;
}

static size_t skip_ws(const char *b, size_t len, size_t off)
{
	while (off < len && (b[off] == ' ' || b[off] == '\t' || b[off] == '\n' || b[off] == '\r'))
		off++;
	return off;
}

/* The value at b[off]: its end in *end, decoded in *v (if v). */
static int scan(const char *b, size_t len, size_t off, json_t **v, size_t *end)
{
	json_error_t je;
	json_t *x = json_loadb(b + off, len - off, SCAN_FLAGS, &je);

	if (!x)
		return -ENOENT;
	*end = off + (size_t)je.position;
	if (v)
		*v = x;
	else
		json_decref(x);
	return 0;
}

/* The offset of the value at path at. The text was accepted with
 * duplicate keys refused, so the first member of that key is the one. */
static int find(const char *b, size_t len, const struct json_step *at, size_t *off)
{
	char open = at && at->key ? '{' : '[', close = open == '{' ? '}' : ']';
	size_t o, end, i = 0;
	bool match;
	json_t *k;

	if (!at) {
		*off = skip_ws(b, len, 0);
		return 0;
	}
	if (find(b, len, at->up, &o) || o >= len || b[o] != open)
		return -ENOENT;
	for (o = skip_ws(b, len, o + 1); o < len && b[o] != close;) {
		if (at->key) {
			if (scan(b, len, o, &k, &end))
				return -ENOENT;
			match = json_is_string(k) && !strcmp(json_string_value(k), at->key);
			json_decref(k);
			o = skip_ws(b, len, end);
			if (o >= len || b[o] != ':')
				return -ENOENT;
			o = skip_ws(b, len, o + 1);
		} else {
			match = i++ == at->index;
		}
		if (match) {
			*off = o;
			return 0;
		}
		if (scan(b, len, o, NULL, &end))
			return -ENOENT;
		o = skip_ws(b, len, end);
		if (o < len && b[o] == ',')
			o = skip_ws(b, len, o + 1);
	}
	return -ENOENT;
}

int json_locate(const char *buf, size_t len, const struct json_step *at, unsigned int *line,
		unsigned int *col)
{
	size_t off;

	if (!buf || find(buf, len, at, &off))
		return -ENOENT;
	position(buf, off, line, col);
	return 0;
}

const char *json_type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_NULL: return "null";
	case JSON_TRUE:
	case JSON_FALSE: return "a boolean";
	case JSON_INTEGER:
	case JSON_REAL: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}
