// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The CLI's JSON writer: separators, nesting, escaping, UTF-8, misuse. */
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "check.h"

static char *buf;
static size_t len;
static FILE *out;

static void begin(struct json_writer *w)
{
	free(buf);
	buf = NULL;
	len = 0;
	out = open_memstream(&buf, &len);
	if (!out) {
		perror("open_memstream");
		exit(1);
	}
	json_init(w, out);
}

/* Finish the output; whether it equals want. */
static int output_is(const char *want)
{
	if (fclose(out)) {
		perror("fclose");
		exit(1);
	}
	out = NULL;
	if (strcmp(buf, want)) {
		fprintf(stderr, "got:  %s\nwant: %s\n", buf, want);
		return 0;
	}
	return 1;
}

static void test_structure(void)
{
	struct json_writer w;

	begin(&w);
	json_start_array(&w);
	json_start_object(&w);
	json_kv_string(&w, "ifname", "veth0");
	json_kv_int(&w, "ifindex", 4);
	json_kv_uint(&w, "revision", 18446744073709551615ull);
	json_kv_bool(&w, "frags", false);
	json_kv_bool(&w, "up", true);
	json_key(&w, "programs");
	json_start_array(&w);
	json_end_array(&w);
	json_kv_null(&w, "x");
	json_key(&w, "nested");
	json_start_array(&w);
	json_start_array(&w);
	json_int(&w, 1);
	json_int(&w, 2);
	json_end_array(&w);
	json_start_object(&w);
	json_end_object(&w);
	json_str(&w, "s");
	json_end_array(&w);
	json_end_object(&w);
	json_start_object(&w);
	json_kv_int(&w, "min", -9223372036854775807ll - 1);
	json_kv_int(&w, "p", -2147483648ll);
	json_end_object(&w);
	json_end_array(&w);
	CHECK(json_complete(&w));
	CHECK(output_is("[{\"ifname\":\"veth0\",\"ifindex\":4,\"revision\":18446744073709551615,"
			"\"frags\":false,\"up\":true,\"programs\":[],\"x\":null,"
			"\"nested\":[[1,2],{},\"s\"]},"
			"{\"min\":-9223372036854775808,\"p\":-2147483648}]\n"));
}

static void test_empty_containers(void)
{
	struct json_writer w;

	begin(&w);
	json_start_array(&w);
	json_end_array(&w);
	CHECK(json_complete(&w));
	CHECK(output_is("[]\n"));

	begin(&w);
	json_start_object(&w);
	json_end_object(&w);
	CHECK(output_is("{}\n"));
}

static void test_top_level_scalar(void)
{
	struct json_writer w;

	begin(&w);
	CHECK(!json_complete(&w)); /* nothing written yet */
	json_null_val(&w);
	CHECK(json_complete(&w));
	CHECK(output_is("null\n"));
}

static void test_escaping(void)
{
	struct json_writer w;

	begin(&w);
	json_start_object(&w);
	json_kv_string(&w, "k\"ey", "a\"b\\c/d");
	json_kv_string(&w, "ws", "\n\r\t\b\f");
	json_kv_string(&w, "ctl", "\x01\x1f\x7f");
	json_kv_string(&w, "empty", "");
	json_kv_string(&w, "null", NULL);
	json_end_object(&w);
	CHECK(json_complete(&w));
	CHECK(output_is("{\"k\\\"ey\":\"a\\\"b\\\\c/d\",\"ws\":\"\\n\\r\\t\\b\\f\","
			"\"ctl\":\"\\u0001\\u001f\\u007f\",\"empty\":\"\",\"null\":\"\"}\n"));
}

static void test_all_control_chars(void)
{
	struct json_writer w;
	char in[32], want[32 * 6 + 8], *p = want;

	for (int c = 1; c < 32; c++)
		in[c - 1] = (char)c;
	in[31] = '\0';
	*p++ = '"';
	for (int c = 1; c < 32; c++) {
		const char *s = NULL;

		switch (c) {
		case '\b': s = "\\b"; break;
		case '\f': s = "\\f"; break;
		case '\n': s = "\\n"; break;
		case '\r': s = "\\r"; break;
		case '\t': s = "\\t"; break;
		}
		if (s)
			p += sprintf(p, "%s", s);
		else
			p += sprintf(p, "\\u%04x", c);
	}
	strcpy(p, "\"\n");
	begin(&w);
	json_str(&w, in);
	CHECK(output_is(want));
}

static void test_utf8(void)
{
	struct json_writer w;

	/* Valid sequences of 2, 3 and 4 bytes pass through unchanged. */
	begin(&w);
	json_str(&w, "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf \xf4\x8f\xbf\xbf");
	CHECK(output_is("\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xef\xbf\xbf "
			"\xf4\x8f\xbf\xbf\"\n"));

	/* Invalid bytes become U+FFFD, one per byte: a lone continuation
	 * byte, overlong forms, a surrogate, above U+10FFFF, 0xf5+, a
	 * sequence cut short by the end or by an ASCII byte. */
	begin(&w);
	json_str(&w, "\x80|\xc0\xaf|\xc1\xbf|\xe0\x80\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\xf5|"
			"\xff|\xc3");
	CHECK(output_is("\"\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd|"
			"\\ufffd\\ufffd\\ufffd|\\ufffd\\ufffd\\ufffd\\ufffd|\\ufffd|\\ufffd|"
			"\\ufffd\"\n"));

	begin(&w);
	json_str(&w, "\xe2\x82x\xf0\x9f\x98");
	CHECK(output_is("\"\\ufffd\\ufffdx\\ufffd\\ufffd\\ufffd\"\n"));
}

static void test_string_len(void)
{
	struct json_writer w;

	begin(&w);
	json_start_array(&w);
	json_string_len(&w, "a\0b", 3);
	json_string_len(&w, "abcdef", 2);
	json_string_len(&w, NULL, 5);
	json_end_array(&w);
	CHECK(output_is("[\"a\\u0000b\",\"ab\",\"\"]\n"));
}

static void test_misuse(void)
{
	struct json_writer w;

	/* A value in an object without a key. */
	begin(&w);
	json_start_object(&w);
	json_int(&w, 1);
	json_end_object(&w);
	CHECK(!json_complete(&w));
	fclose(out);

	/* A key in an array. */
	begin(&w);
	json_start_array(&w);
	json_key(&w, "k");
	json_int(&w, 1);
	json_end_array(&w);
	CHECK(!json_complete(&w));
	fclose(out);

	/* Mismatched and unbalanced closing. */
	begin(&w);
	json_start_array(&w);
	json_end_object(&w);
	CHECK(!json_complete(&w));
	fclose(out);

	begin(&w);
	json_end_array(&w);
	CHECK(!json_complete(&w));
	fclose(out);

	/* Not closed. */
	begin(&w);
	json_start_object(&w);
	json_kv_int(&w, "a", 1);
	CHECK(!json_complete(&w));
	fclose(out);

	/* A key without a value. */
	begin(&w);
	json_start_object(&w);
	json_key(&w, "a");
	json_end_object(&w);
	CHECK(!json_complete(&w));
	fclose(out);

	/* Two top-level values. */
	begin(&w);
	json_start_object(&w);
	json_end_object(&w);
	CHECK(json_complete(&w));
	json_null_val(&w);
	CHECK(!json_complete(&w));
	fclose(out);

	/* Too deep. */
	begin(&w);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_start_array(&w);
	for (int i = 0; i <= JSON_MAX_DEPTH; i++)
		json_end_array(&w);
	CHECK(!json_complete(&w));
	fclose(out);
	out = NULL;

	/* Exactly as deep as allowed is fine. */
	begin(&w);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_start_array(&w);
	for (int i = 0; i < JSON_MAX_DEPTH; i++)
		json_end_array(&w);
	CHECK(json_complete(&w));
	fclose(out);
	out = NULL;
}

int main(void)
{
	test_structure();
	test_empty_containers();
	test_top_level_scalar();
	test_escaping();
	test_all_control_chars();
	test_utf8();
	test_string_len();
	test_misuse();
	free(buf);
	return check_report("cli_json");
}
