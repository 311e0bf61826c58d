// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The strict JSON parser: values, strictness, limits, error positions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "json_parse.h"
#include "check.h"

static struct json_value *parse(const char *s, struct json_parse_error *e)
{
	return json_parse(s, strlen(s), e);
}

/* s must be refused, with a message containing word. */
static int refused(const char *s, const char *word)
{
	struct json_parse_error e;
	struct json_value *v = parse(s, &e);

	if (v) {
		fprintf(stderr, "accepted: %s\n", s);
		json_free(v);
		return 0;
	}
	if (!strstr(e.msg, word)) {
		fprintf(stderr, "for %s: message '%s' lacks '%s'\n", s, e.msg, word);
		return 0;
	}
	return 1;
}

static void test_values(void)
{
	struct json_parse_error e;
	struct json_value *v;
	const struct json_value *x;

	v = parse(" {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"s\"], \"b\": {}} \n", &e);
	CHECK(v && v->type == JSON_OBJECT && v->len == 2);
	x = json_get(v, "a");
	CHECK(x && x->type == JSON_ARRAY && x->len == 8);
	if (x && x->len == 8) {
		CHECK(x->items[0].is_int && x->items[0].integer == 1);
		CHECK(x->items[1].is_int && x->items[1].integer == -2);
		CHECK(!x->items[2].is_int && x->items[2].number == 3.5);
		CHECK(!x->items[3].is_int && x->items[3].number == 1000);
		CHECK(x->items[4].type == JSON_BOOL && x->items[4].boolean);
		CHECK(x->items[5].type == JSON_BOOL && !x->items[5].boolean);
		CHECK(x->items[6].type == JSON_NULL);
		CHECK(x->items[7].type == JSON_STRING && !strcmp(x->items[7].string, "s"));
	}
	CHECK(json_get(v, "b") && json_get(v, "b")->type == JSON_OBJECT);
	CHECK(!json_get(v, "c"));
	json_free(v);

	/* Integer limits: INT64 fits, beyond is a (non-integer) number. */
	v = parse("[9223372036854775807, -9223372036854775808, 9223372036854775808]", &e);
	CHECK(v && v->len == 3);
	if (v && v->len == 3) {
		CHECK(v->items[0].is_int && v->items[0].integer == INT64_MAX);
		CHECK(v->items[1].is_int && v->items[1].integer == INT64_MIN);
		CHECK(!v->items[2].is_int);
	}
	json_free(v);

	/* Escapes and UTF-8. */
	v = parse("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20ac\\ud83d\\ude00 \xc3\xa9\"", &e);
	CHECK(v && v->type == JSON_STRING);
	if (v)
		CHECK(!strcmp(v->string, "a\"\\/\b\f\n\r\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xc3\xa9"));
	json_free(v);

	/* Not NUL-terminated input: only len bytes are read. */
	v = json_parse("[1]xxxx", 3, &e);
	CHECK(v && v->type == JSON_ARRAY);
	json_free(v);
	CHECK(!json_parse(NULL, 0, &e));
}

static void test_strict(void)
{
	CHECK(refused("", "end of the input"));
	CHECK(refused("   ", "end of the input"));
	CHECK(refused("[1,]", "trailing comma"));
	CHECK(refused("{\"a\":1,}", "trailing comma"));
	CHECK(refused("{a:1}", "key in double quotes"));
	CHECK(refused("{\"a\" 1}", "':'"));
	CHECK(refused("[1 2]", "',' or ']'"));
	CHECK(refused("{\"a\":1 \"b\":2}", "',' or '}'"));
	CHECK(refused("01", "leading zeros"));
	CHECK(refused("-", "digit"));
	CHECK(refused("1.", "decimal point"));
	CHECK(refused("1e", "exponent"));
	CHECK(refused("+1", "expected a value"));
	CHECK(refused("NaN", "expected a value"));
	CHECK(refused("tru", "expected a value"));
	CHECK(refused("[1] [2]", "after the JSON value"));
	CHECK(refused("// c\n1", "expected a value"));
	CHECK(refused("\"abc", "unterminated"));
	CHECK(refused("\"a\tb\"", "control character"));
	CHECK(refused("\"\\x\"", "invalid escape"));
	CHECK(refused("\"\\u12\"", "four hex digits"));
	CHECK(refused("\"\\u0000\"", "\\u0000"));
	CHECK(refused("\"\\ud800\"", "unpaired high"));
	CHECK(refused("\"\\udc00\"", "unpaired low"));
	CHECK(refused("\"\\ud800\\u0041\"", "unpaired high"));
	CHECK(refused("\"\xff\"", "UTF-8"));
	CHECK(refused("\"\xc0\xaf\"", "UTF-8"));         /* overlong */
	CHECK(refused("\"\xed\xa0\x80\"", "UTF-8"));     /* surrogate */
	CHECK(refused("\"\xf4\x90\x80\x80\"", "UTF-8")); /* > U+10FFFF */
	CHECK(refused("\"\xe2\x82\"", "UTF-8"));         /* truncated */
	CHECK(refused("\xef\xbb\xbf{}", "byte order mark"));
	CHECK(refused("{\"a\":1,\"b\":2,\"a\":3}", "duplicate key \"a\""));
	CHECK(refused("[1e999999999999999999999999999999999999999999999999999999999999999]",
		      "too long"));
}

static void test_limits(void)
{
	struct json_parse_error e;
	char deep[200];
	struct json_value *v;
	int n;

	/* JSON_PARSE_MAX_DEPTH - 1 nested arrays are fine, one more is not. */
	n = JSON_PARSE_MAX_DEPTH;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	deep[2 * n] = 0;
	v = parse(deep, &e);
	CHECK(v && v->type == JSON_ARRAY);
	json_free(v);
	n++;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	deep[2 * n] = 0;
	errno = 0;
	CHECK(!parse(deep, &e) && errno == E2BIG && strstr(e.msg, "nested"));

	/* Too many values. */
	size_t cnt = JSON_PARSE_MAX_NODES + 1, len = 2 + cnt * 2;
	char *big = malloc(len + 1);

	if (big) {
		big[0] = '[';
		for (size_t i = 0; i < cnt; i++) {
			big[1 + 2 * i] = '0';
			big[2 + 2 * i] = ',';
		}
		big[len - 2] = '0';
		big[len - 1] = ']';
		big[len] = 0;
		errno = 0;
		CHECK(!parse(big, &e) && errno == E2BIG);
		free(big);
	}
}

static void test_positions(void)
{
	struct json_parse_error e;
	struct json_value *v;

	CHECK(!parse("{\n  \"a\": 1,\n  \"b\": tru\n}", &e));
	CHECK(e.line == 3 && e.col == 8);
	v = parse("{\n  \"a\": [\n    7]}", &e);
	CHECK(v && json_get(v, "a") && json_get(v, "a")->items[0].line == 3 &&
	      json_get(v, "a")->items[0].col == 5);
	json_free(v);
	CHECK(!parse("{\"k\": 1,\n\"k\": 2}", &e));
	CHECK(e.line == 2);
}

int main(void)
{
	test_values();
	test_strict();
	test_limits();
	test_positions();
	return check_report("test_json_parse");
}
