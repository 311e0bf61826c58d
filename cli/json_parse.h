/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * A small, strict JSON parser (RFC 8259) for configuration files. Pure
 * code: no I/O, no global state, bounded:
 *   - the input is a byte buffer with a length (no NUL terminator needed);
 *   - nesting deeper than JSON_PARSE_MAX_DEPTH is refused (the parser
 *     recurses once per level, so the stack is bounded too);
 *   - more than JSON_PARSE_MAX_NODES values are refused.
 * Strict: exactly one value surrounded by whitespace; no comments, no
 * trailing commas, no leading zeros, no NaN; strings must be valid UTF-8
 * without control characters; \u escapes must pair surrogates; \u0000 is
 * refused (strings are used as C strings); duplicate keys in an object are
 * refused. Errors name the line and column.
 */
#ifndef XDPCHAIN_CLI_JSON_PARSE_H
#define XDPCHAIN_CLI_JSON_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_PARSE_MAX_DEPTH 32
#define JSON_PARSE_MAX_NODES 100000

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_member;

struct json_value {
	enum json_type type;
	unsigned int line, col; /* where the value starts, from 1 */
	bool boolean;           /* JSON_BOOL */
	/* JSON_NUMBER: is_int when it has no fraction or exponent and fits
	 * in int64_t (then integer holds it); number always holds it as a
	 * double. */
	bool is_int;
	int64_t integer;
	double number;
	char *string;           /* JSON_STRING: NUL-terminated UTF-8 */
	size_t len;             /* JSON_STRING: bytes; ARRAY/OBJECT: items */
	struct json_value *items;    /* JSON_ARRAY */
	struct json_member *members; /* JSON_OBJECT, in document order */
};

struct json_member {
	char *key;
	struct json_value value;
};

struct json_parse_error {
	unsigned int line, col; /* from 1 */
	size_t offset;
	char msg[128];
};

/* Parse buf[0..len). Returns the root value (free it with json_free) or
 * NULL with *err filled (errno ENOMEM/EINVAL/E2BIG). */
struct json_value *json_parse(const char *buf, size_t len, struct json_parse_error *err);
void json_free(struct json_value *v);

/* Lookup helpers: the member of an object by key, or NULL. */
const struct json_value *json_get(const struct json_value *obj, const char *key);
const char *json_type_name(enum json_type t);

#endif
