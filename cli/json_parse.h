/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * Reading JSON configuration files with jansson, strictly (RFC 8259):
 * exactly one value; no comments, trailing commas, leading zeros or NaN;
 * valid UTF-8 without control characters in strings; paired surrogates;
 * no \u0000 (strings are used as C strings); no duplicate keys; integers
 * must fit in 64 bits; no NUL byte anywhere. On top of jansson's own checks, nesting deeper
 * than JSON_PARSE_MAX_DEPTH and more than JSON_PARSE_MAX_NODES values are
 * refused. Errors name the line and column (jansson's, at the end of the
 * token it stopped at) and what is wrong.
 *
 * jansson's values do not know where they were in the text, so
 * json_locate() finds a value again from its path (object keys and array
 * indexes), for messages about a value that parsed but is wrong.
 */
#ifndef XDPCHAIN_CLI_JSON_PARSE_H
#define XDPCHAIN_CLI_JSON_PARSE_H

#include <stddef.h>
#include <jansson.h>

#define JSON_PARSE_MAX_DEPTH 32
#define JSON_PARSE_MAX_NODES 100000

struct json_parse_error {
	unsigned int line, col; /* from 1 */
	char msg[160];
};

/* Parse buf[0..len) (no NUL terminator needed). Returns the root value
 * (json_decref() it) or NULL with *err filled and errno ENOMEM, E2BIG
 * (too deep, too many values) or EINVAL. */
json_t *json_parse(const char *buf, size_t len, struct json_parse_error *err);

/* One step of a path from the root: the member key of an object, or
 * (key NULL) the item index of an array; up is the step before (NULL:
 * the root). Built on the stack while walking down a parsed tree. */
struct json_step {
	const struct json_step *up;
	const char *key;
	size_t index;
};

/* Where the value at path at (NULL: the root) starts in buf[0..len), the
 * text json_parse() accepted: 0 with *line and *col (from 1), or -ENOENT. */
int json_locate(const char *buf, size_t len, const struct json_step *at, unsigned int *line,
		unsigned int *col);

/* "an object", "a string", ... for messages. */
const char *json_type_name(const json_t *v);

#endif
