// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Fuzz target: the CLI's JSON writer (cli/json.c). Program names, owner
 * labels and error messages that end up in "xdpchain -j" output come from
 * ELF files, bpffs and the command line: whatever their bytes, a document
 * the writer calls complete must be valid JSON (RFC 8259) in valid UTF-8.
 * Input: a little program of writer calls (one opcode byte each, strings
 * take a length byte and that many bytes). The output is checked by the
 * strict validator below. */
#include <stdbool.h>
#include "json.h"
#include "fuzz.h"

struct cur {
	const unsigned char *p, *end;
};

static bool ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\n' || *c->p == '\t' ||
				 *c->p == '\r'))
		c->p++;
	return true;
}

static bool lit(struct cur *c, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n))
		return false;
	c->p += n;
	return true;
}

static bool utf8(struct cur *c)
{
	const unsigned char *p = c->p;
	size_t left = (size_t)(c->end - p), n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		n = 1, cp = p[0];
	else if ((p[0] & 0xe0) == 0xc0)
		n = 2, cp = p[0] & 0x1f;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3, cp = p[0] & 0x0f;
	else if ((p[0] & 0xf8) == 0xf0)
		n = 4, cp = p[0] & 0x07;
	else
		return false;
	if (left < n)
		return false;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return false;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* No overlong forms, no surrogates, nothing above U+10FFFF. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return false;
	c->p += n;
	return true;
}

static bool string(struct cur *c)
{
	int i;

	if (!lit(c, "\""))
		return false;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p < 0x20)
			return false; /* raw control character */
		if (*c->p != '\\') {
			if (!utf8(c))
				return false;
			continue;
		}
		if (++c->p >= c->end)
			return false;
		if (strchr("\"\\/bfnrt", *c->p) && *c->p) {
			c->p++;
		} else if (*c->p == 'u') {
			c->p++;
			for (i = 0; i < 4; i++, c->p++)
				if (c->p >= c->end || !strchr("0123456789abcdefABCDEF", *c->p) ||
				    !*c->p)
					return false;
		} else {
			return false;
		}
	}
	return lit(c, "\"");
}

static bool number(struct cur *c)
{
	const unsigned char *start;

	lit(c, "-");
	start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	/* The writer only writes integers: no leading zeros. */
	return c->p > start && (c->p - start == 1 || *start != '0');
}

static bool value(struct cur *c, int depth)
{
	bool first = true;
	char close;

	if (depth > JSON_MAX_DEPTH)
		return false;
	ws(c);
	if (c->p >= c->end)
		return false;
	switch (*c->p) {
	case '"':
		return string(c);
	case 't':
		return lit(c, "true");
	case 'f':
		return lit(c, "false");
	case 'n':
		return lit(c, "null");
	case '{':
	case '[':
		close = *c->p == '{' ? '}' : ']';
		c->p++;
		for (;;) {
			ws(c);
			if (c->p < c->end && *c->p == close) {
				c->p++;
				return true;
			}
			if (!first && !lit(c, ","))
				return false;
			first = false;
			ws(c);
			if (close == '}' && !(string(c) && ws(c) && lit(c, ":")))
				return false;
			if (!value(c, depth + 1))
				return false;
		}
	default:
		return number(c);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct json_writer w;
	char key[256], *out = NULL;
	size_t out_len = 0;
	struct cur c;
	FILE *f;

	f = open_memstream(&out, &out_len);
	if (!f)
		return 0;
	json_init(&w, f);
	while (p < end) {
		uint8_t op = *p++, n = 0;
		const char *s = (const char *)p;
		uint64_t v = 0;

		if (op % 12 == 4 || op % 12 == 5) { /* a string argument */
			n = p < end ? *p++ : 0;
			if (n > end - p)
				n = (uint8_t)(end - p);
			s = (const char *)p;
			p += n;
		}
		if (op % 12 == 6 || op % 12 == 7) { /* a number argument */
			memcpy(&v, p, end - p < 8 ? (size_t)(end - p) : 8);
			p += end - p < 8 ? end - p : 8;
		}
		switch (op % 12) {
		case 0: json_start_object(&w); break;
		case 1: json_end_object(&w); break;
		case 2: json_start_array(&w); break;
		case 3: json_end_array(&w); break;
		case 4:
			memcpy(key, s, n);
			key[n] = '\0'; /* keys are C strings */
			json_key(&w, op & 0x80 ? NULL : key);
			break;
		case 5: json_string_len(&w, op & 0x80 ? NULL : s, n); break;
		case 6: json_uint(&w, v); break;
		case 7: json_int(&w, (int64_t)v); break;
		case 8: json_bool(&w, op & 0x80); break;
		case 9: json_null_val(&w); break;
		case 10: json_kv_string(&w, "k", op & 0x80 ? NULL : "v\x01\xff"); break;
		case 11: json_kv_uint(&w, "n", op); break;
		}
	}
	fflush(f);
	if (json_complete(&w)) {
		c.p = (const unsigned char *)out;
		c.end = c.p + out_len;
		FUZZ_ASSERT(value(&c, 0));
		ws(&c);
		FUZZ_ASSERT(c.p == c.end); /* one document, then only the newline */
		FUZZ_ASSERT(out_len && out[out_len - 1] == '\n');
	}
	fclose(f);
	free(out);
	return 0;
}
