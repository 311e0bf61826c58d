// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* JSON configuration files through jansson (cli/json_parse.c): values,
 * strictness, limits, error positions and json_locate(). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "json_parse.h"
#include "check.h"

static json_t *parse(const char *s, struct json_parse_error *e)
{
	return json_parse(s, strlen(s), e);
}

/* s must be refused, with a message containing word. */
static int refused(const char *s, const char *word)
{
	struct json_parse_error e;
	json_t *v = parse(s, &e);

	if (v) {
		fprintf(stderr, "accepted: %s\n", s);
		json_decref(v);
		return 0;
	}
	if (!strstr(e.msg, word) || e.line < 1 || e.col < 1) {
		fprintf(stderr, "for %s: message '%s' (line %u, column %u) lacks '%s'\n", s, e.msg,
			e.line, e.col, word);
		return 0;
	}
	return 1;
}

static void test_values(void)
{
	struct json_parse_error e;
	json_t *v, *x;

	v = parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"s\"], \"b\": {}} \n", &e);
	CHECK(json_is_object(v) && json_object_size(v) == 2);
	x = json_object_get(v, "a");
	CHECK(json_is_array(x) && json_array_size(x) == 8);
	if (json_array_size(x) == 8) {
		CHECK(json_integer_value(json_array_get(x, 0)) == 1);
		CHECK(json_integer_value(json_array_get(x, 1)) == -2);
		CHECK(json_is_real(json_array_get(x, 2)) && json_real_value(json_array_get(x, 2)) == 3.5);
		CHECK(json_is_real(json_array_get(x, 3)) && json_real_value(json_array_get(x, 3)) == 1000);
		CHECK(json_is_true(json_array_get(x, 4)) && json_is_false(json_array_get(x, 5)));
		CHECK(json_is_null(json_array_get(x, 6)));
		CHECK(!strcmp(json_string_value(json_array_get(x, 7)), "s"));
		CHECK(!strcmp(json_type_name(json_array_get(x, 4)), "a boolean"));
		CHECK(!strcmp(json_type_name(json_array_get(x, 2)), "a number"));
	}
	CHECK(json_is_object(json_object_get(v, "b")) && !json_object_get(v, "c"));
	json_decref(v);

	/* Members keep the file's order (apply goes through interfaces in it). */
	v = parse("{\"z\": 1, \"a\": 2, \"m\": 3}", &e);
	CHECK(v && !strcmp(json_object_iter_key(json_object_iter(v)), "z"));
	json_decref(v);

	/* Integer limits: INT64 fits, beyond is refused (jansson has no
	 * integers wider than 64 bits; today's schema has none either). */
	v = parse("[9223372036854775807, -9223372036854775808]", &e);
	CHECK(json_array_size(v) == 2 && json_integer_value(json_array_get(v, 0)) == INT64_MAX &&
	      json_integer_value(json_array_get(v, 1)) == INT64_MIN);
	json_decref(v);
	CHECK(refused("[9223372036854775808]", "too big integer"));

	/* Escapes and UTF-8. */
	v = parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00 \xc3\xa9\"", &e);
	CHECK(json_is_string(v));
	if (v)
		CHECK(!strcmp(json_string_value(v),
			      "a\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9"));
	json_decref(v);

	/* Not NUL-terminated input: only len bytes are read. */
	v = json_parse("[1]xxxx", 3, &e);
	CHECK(json_is_array(v));
	json_decref(v);
	errno = 0;
	CHECK(!json_parse(NULL, 0, &e) && errno == EINVAL && e.line == 1);
}

static void test_strict(void)
{
	CHECK(refused("", "end of file"));
	CHECK(refused("   ", "end of file"));
	CHECK(refused("[1,]", "unexpected token near ']'"));
	CHECK(refused("{\"a\":1,}", "string or '}' expected"));
	CHECK(refused("{a:1}", "string or '}' expected near 'a'"));
	CHECK(refused("{\"a\" 1}", "':' expected"));
	CHECK(refused("[1 2]", "']' expected"));
	CHECK(refused("{\"a\":1 \"b\":2}", "'}' expected"));
	CHECK(refused("01", "invalid token"));
	CHECK(refused("-", "invalid token"));
	CHECK(refused("1.", "invalid token"));
	CHECK(refused("1e", "invalid token"));
	CHECK(refused("+1", "invalid token"));
	CHECK(refused("NaN", "invalid token"));
	CHECK(refused("tru", "invalid token near 'tru'"));
	CHECK(refused("[1] [2]", "end of file expected"));
	CHECK(refused("// c\n1", "invalid token near '/'"));
	CHECK(refused("\"abc", "premature end of input"));
	CHECK(refused("\"a\tb\"", "control character"));
	CHECK(refused("\"\\x\"", "invalid escape"));
	CHECK(refused("\"\\u12\"", "invalid escape"));
	CHECK(refused("\"\\u0000\"", "\\u0000 is not allowed"));
	CHECK(refused("{\"\\u0000\": 1}", "NUL byte in object key"));
	CHECK(refused("\"\\ud800\"", "invalid Unicode"));
	CHECK(refused("\"\\udc00\"", "invalid Unicode"));
	CHECK(refused("\"\\ud800\\u0041\"", "invalid Unicode"));
	CHECK(refused("\"\xff\"", "unable to decode byte 0xff"));
	CHECK(refused("\"\xc0\xaf\"", "unable to decode"));         /* overlong */
	CHECK(refused("\"\xed\xa0\x80\"", "unable to decode"));     /* surrogate */
	CHECK(refused("\"\xf4\x90\x80\x80\"", "unable to decode")); /* > U+10FFFF */
	CHECK(refused("\"\xe2\x82\"", "unable to decode"));         /* truncated */
	CHECK(refused("\xef\xbb\xbf{}", "invalid token"));          /* byte order mark */
	CHECK(refused("{\"a\":1,\"b\":2,\"a\":3}", "duplicate object key near '\"a\"'"));
	CHECK(refused("{\"o\": {\"a\":1,\"a\":1}}", "duplicate object key"));
	CHECK(refused("[1e999]", "real number overflow"));
	{
		/* A NUL byte between tokens (jansson would skip it). */
		struct json_parse_error e;

		errno = 0;
		CHECK(!json_parse("{\"a\":\n 1\0}", 9, &e) && errno == EINVAL &&
		      strstr(e.msg, "NUL byte") && e.line == 2 && e.col == 3);
	}
}

static void test_limits(void)
{
	struct json_parse_error e;
	char deep[200];
	json_t *v;
	int n;

	/* JSON_PARSE_MAX_DEPTH nested arrays are fine, one more is not. */
	n = JSON_PARSE_MAX_DEPTH;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	deep[2 * n] = 0;
	v = parse(deep, &e);
	CHECK(json_is_array(v));
	json_decref(v);
	n++;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	deep[2 * n] = 0;
	errno = 0;
	CHECK(!parse(deep, &e) && errno == E2BIG && strstr(e.msg, "nested"));
	CHECK(e.line == 1 && e.col == (unsigned int)n); /* the innermost array */

	/* Too many values: an array of JSON_PARSE_MAX_NODES zeros. */
	size_t cnt = JSON_PARSE_MAX_NODES, len = 1 + cnt * 2;
	char *big = malloc(len + 1);

	if (big) {
		big[0] = '[';
		for (size_t i = 0; i < cnt; i++) {
			big[1 + 2 * i] = '0';
			big[2 + 2 * i] = ',';
		}
		big[len - 1] = ']';
		big[len] = 0;
		errno = 0;
		CHECK(!parse(big, &e) && errno == E2BIG && strstr(e.msg, "values"));
		free(big);
	}
}

static void test_positions(void)
{
	const char *doc = "{\n  \"a\": [\n    7, {\"x\": \"\xc3\xa9\", \"b\\u0063\": true}],\n"
			  "  \"k\": {}\n}";
	struct json_step a = { .key = "a" }, a1 = { .up = &a, .index = 1 },
			 c = { .up = &a1, .key = "bc" }, k = { .key = "k" },
			 no = { .up = &a, .index = 2 }, nokey = { .key = "z" };
	struct json_parse_error e;
	unsigned int line, col;
	json_t *v;

	/* jansson's position: the end of the token it stopped at. */
	CHECK(!parse("{\n  \"a\": 1,\n  \"b\": tru\n}", &e));
	CHECK(e.line == 3 && e.col == 10);
	CHECK(!parse("{\"k\": 1,\n\"k\": 2}", &e));
	CHECK(e.line == 2 && e.col == 3);

	/* json_locate(): where a value starts; keys compared decoded;
	 * columns in characters. */
	v = parse(doc, &e);
	CHECK(v != NULL);
	json_decref(v);
	CHECK(!json_locate(doc, strlen(doc), NULL, &line, &col) && line == 1 && col == 1);
	CHECK(!json_locate(doc, strlen(doc), &a, &line, &col) && line == 2 && col == 8);
	CHECK(!json_locate(doc, strlen(doc), &a1, &line, &col) && line == 3 && col == 8);
	CHECK(!json_locate(doc, strlen(doc), &c, &line, &col) && line == 3 && col == 30);
	CHECK(!json_locate(doc, strlen(doc), &k, &line, &col) && line == 4 && col == 8);
	CHECK(json_locate(doc, strlen(doc), &no, &line, &col) == -ENOENT);
	CHECK(json_locate(doc, strlen(doc), &nokey, &line, &col) == -ENOENT);
	CHECK(json_locate(NULL, 0, NULL, &line, &col) == -ENOENT);
}

int main(void)
{
	test_values();
	test_strict();
	test_limits();
	test_positions();
	return check_report("test_json_parse");
}
