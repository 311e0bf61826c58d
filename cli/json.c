// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Streaming JSON writer (see json.h). */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include "json.h"

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->first[0] = true;
}

/* Separator before a value at the current level. */
static void before_value(struct json_writer *w)
{
	if (w->depth == 0) {
		if (w->done)
			w->misuse = true; /* a second top-level value */
		return;
	}
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (w->in_object[w->depth])
		w->misuse = true; /* a value without a key */
	if (!w->first[w->depth])
		fputc(',', w->out);
	w->first[w->depth] = false;
}

/* After a scalar: a top-level value is complete. */
static void after_value(struct json_writer *w)
{
	if (w->depth == 0) {
		w->done = true;
		fputc('\n', w->out);
	}
}

static void open_level(struct json_writer *w, char c)
{
	before_value(w);
	fputc(c, w->out);
	if (w->depth >= JSON_MAX_DEPTH) {
		w->misuse = true;
		return;
	}
	w->depth++;
	w->first[w->depth] = true;
	w->in_object[w->depth] = c == '{';
}

static void close_level(struct json_writer *w, char c)
{
	if (w->depth == 0 || w->in_object[w->depth] != (c == '}') || w->after_key) {
		w->misuse = true;
		return;
	}
	fputc(c, w->out);
	w->depth--;
	after_value(w);
}

void json_start_object(struct json_writer *w) { open_level(w, '{'); }
void json_end_object(struct json_writer *w) { close_level(w, '}'); }
void json_start_array(struct json_writer *w) { open_level(w, '['); }
void json_end_array(struct json_writer *w) { close_level(w, ']'); }

static bool cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		return left >= 2 && cont(p[1]) ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;

		return left >= 3 && p[1] >= lo && p[1] <= hi && cont(p[2]) ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;

		return left >= 4 && p[1] >= lo && p[1] <= hi && cont(p[2]) && cont(p[3]) ? 4
											   : 0;
	}
	return 0;
}

static void raw_string(struct json_writer *w, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	fputc('"', w->out);
	while (i < len) {
		unsigned char c = p[i];

		switch (c) {
		case '"':
			fputs("\\\"", w->out);
			break;
		case '\\':
			fputs("\\\\", w->out);
			break;
		case '\b':
			fputs("\\b", w->out);
			break;
		case '\f':
			fputs("\\f", w->out);
			break;
		case '\n':
			fputs("\\n", w->out);
			break;
		case '\r':
			fputs("\\r", w->out);
			break;
		case '\t':
			fputs("\\t", w->out);
			break;
		default:
			if (c < 0x20 || c == 0x7f) {
				fprintf(w->out, "\\u%04x", c);
			} else if (c < 0x80) {
				fputc(c, w->out);
			} else if ((n = utf8_len(p + i, len - i))) {
				fwrite(p + i, 1, n, w->out);
				i += n;
				continue;
			} else {
				fputs("\\ufffd", w->out);
			}
		}
		i++;
	}
	fputc('"', w->out);
}

void json_key(struct json_writer *w, const char *key)
{
	if (w->depth == 0 || !w->in_object[w->depth] || w->after_key)
		w->misuse = true;
	if (!w->first[w->depth])
		fputc(',', w->out);
	w->first[w->depth] = false;
	raw_string(w, key ? key : "", key ? strlen(key) : 0);
	fputc(':', w->out);
	w->after_key = true;
}

void json_string_len(struct json_writer *w, const char *s, size_t len)
{
	before_value(w);
	raw_string(w, s ? s : "", s ? len : 0);
	after_value(w);
}

void json_str(struct json_writer *w, const char *s)
{
	json_string_len(w, s, s ? strlen(s) : 0);
}

void json_uint(struct json_writer *w, uint64_t v)
{
	before_value(w);
	fprintf(w->out, "%" PRIu64, v);
	after_value(w);
}

void json_int(struct json_writer *w, int64_t v)
{
	before_value(w);
	fprintf(w->out, "%" PRId64, v);
	after_value(w);
}

void json_bool(struct json_writer *w, bool v)
{
	before_value(w);
	fputs(v ? "true" : "false", w->out);
	after_value(w);
}

void json_null_val(struct json_writer *w)
{
	before_value(w);
	fputs("null", w->out);
	after_value(w);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_str(w, s);
}

void json_kv_uint(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_uint(w, v);
}

void json_kv_int(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_int(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

void json_kv_null(struct json_writer *w, const char *key)
{
	json_key(w, key);
	json_null_val(w);
}

bool json_complete(const struct json_writer *w)
{
	return w->done && !w->misuse && w->depth == 0 && !w->after_key && !ferror(w->out);
}

/* A number with three decimals ("%.3f", C locale digits); null if it is
 * not finite, which JSON cannot represent. */
void json_double(struct json_writer *w, double v)
{
	if (!isfinite(v)) {
		json_null_val(w);
		return;
	}
	before_value(w);
	fprintf(w->out, "%.3f", v);
	after_value(w);
}

void json_kv_double(struct json_writer *w, const char *key, double v)
{
	json_key(w, key);
	json_double(w, v);
}
