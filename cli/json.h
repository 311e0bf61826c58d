/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * A small streaming JSON writer: commas and nesting are tracked, strings
 * are escaped. Output is compact; a newline follows the top-level value.
 *
 * Strings: '"' and '\\' are escaped, control characters become \n, \t,
 * ... or \u00XX, valid UTF-8 passes through unchanged and every byte that
 * is not part of a valid UTF-8 sequence becomes \ufffd, so the output is
 * valid JSON whatever bytes a string holds. A NULL string is written as "".
 *
 * json_str() and json_null_val() are named apart from jansson's
 * json_string() and json_null(): the CLI also reads JSON with jansson.
 */
#ifndef XDPCHAIN_CLI_JSON_H
#define XDPCHAIN_CLI_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	FILE *out;
	int depth;
	bool first[JSON_MAX_DEPTH + 1]; /* no element written yet at this level */
	bool after_key;
	bool misuse; /* too deep, unbalanced, or a key outside an object */
	bool in_object[JSON_MAX_DEPTH + 1];
	bool done;   /* a complete top-level value was written */
};

void json_init(struct json_writer *w, FILE *out);
void json_start_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_start_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
void json_key(struct json_writer *w, const char *key);
void json_str(struct json_writer *w, const char *s);
/* The first len bytes of s (which may contain NUL bytes). */
void json_string_len(struct json_writer *w, const char *s, size_t len);
void json_uint(struct json_writer *w, uint64_t v);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null_val(struct json_writer *w);
/* "%.3f"; null for inf and nan. */
void json_double(struct json_writer *w, double v);
/* Key and value in one call. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_uint(struct json_writer *w, const char *key, uint64_t v);
void json_kv_int(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);
void json_kv_null(struct json_writer *w, const char *key);
void json_kv_double(struct json_writer *w, const char *key, double v);

/* True once exactly one complete top-level value was written, nesting was
 * used correctly and the stream has no error. */
bool json_complete(const struct json_writer *w);

#endif
