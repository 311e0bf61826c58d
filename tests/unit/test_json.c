// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The CLI's JSON writer: separators, nesting, escaping. */
#include <stdlib.h>
#include <string.h>
#include "json.h"
#include "check.h"

static char *buf;
static size_t len;

static FILE *open_out(void)
{
	free(buf);
	buf = NULL;
	return open_memstream(&buf, &len);
}

static void test_structure(void)
{
	struct json_writer w;
	FILE *f = open_out();

	json_init(&w, f);
	json_start_array(&w);
	json_start_object(&w);
	json_kv_string(&w, "ifname", "veth0");
	json_kv_int(&w, "ifindex", 4);
	json_kv_uint(&w, "revision", 18446744073709551615ull);
	json_kv_bool(&w, "frags", false);
	json_key(&w, "programs");
	json_start_array(&w);
	json_end_array(&w);
	json_key(&w, "x");
	json_null(&w);
	json_end_object(&w);
	json_start_object(&w);
	json_kv_int(&w, "p", -2147483648ll);
	json_end_object(&w);
	json_end_array(&w);
	fclose(f);
	CHECK(!strcmp(buf, "[{\"ifname\":\"veth0\",\"ifindex\":4,\"revision\":18446744073709551615,"
			   "\"frags\":false,\"programs\":[],\"x\":null},{\"p\":-2147483648}]\n"));
}

static void test_escaping(void)
{
	struct json_writer w;
	FILE *f = open_out();

	json_init(&w, f);
	json_start_object(&w);
	json_kv_string(&w, "k\"ey", "a\"b\\c\nd\te\x01\x1f\x7f" "\xc3\xa9");
	json_kv_string(&w, "empty", "");
	json_kv_string(&w, "null", NULL);
	json_end_object(&w);
	fclose(f);
	CHECK(!strcmp(buf, "{\"k\\\"ey\":\"a\\\"b\\\\c\\nd\\te\\u0001\\u001f\\u007f\xc3\xa9\","
			   "\"empty\":\"\",\"null\":\"\"}\n"));
}

int main(void)
{
	test_structure();
	test_escaping();
	free(buf);
	return check_report("test_json");
}
