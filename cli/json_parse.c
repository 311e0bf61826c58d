// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A strict, bounded JSON parser (see json_parse.h). Recursive descent, one
 * level of recursion per nesting level, JSON_PARSE_MAX_DEPTH at most. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json_parse.h"

struct parser {
	const unsigned char *buf;
	size_t len, pos;
	unsigned int line;
	size_t line_start;   /* offset of the current line's first byte */
	unsigned int nodes;
	struct json_parse_error *err;
	int errnum;
};

static unsigned int col_of(const struct parser *p, size_t pos)
{
	size_t c = pos - p->line_start + 1;

	return c > 0xffffffu ? 0xffffffu : (unsigned int)c;
}

static bool fail_at(struct parser *p, size_t pos, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool fail_at(struct parser *p, size_t pos, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (p->errnum)
		return false; /* keep the first error */
	p->errnum = errnum;
	p->err->offset = pos;
	p->err->line = p->line;
	p->err->col = col_of(p, pos);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return false;
}

#define FAIL(p, ...) fail_at(p, (p)->pos, EINVAL, __VA_ARGS__)

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len) {
		unsigned char c = p->buf[p->pos];

		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->pos++;
	}
}

/* A printable description of the byte at pos, for messages. */
static const char *what_at(const struct parser *p, char *buf, size_t len)
{
	unsigned char c;

	if (p->pos >= p->len)
		return "the end of the input";
	c = p->buf[p->pos];
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02x", c);
	return buf;
}

static bool parse_value(struct parser *p, struct json_value *v, unsigned int depth);

static bool literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if (p->len - p->pos < n || memcmp(p->buf + p->pos, word, n))
		return false;
	p->pos += n;
	return true;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool parse_number(struct parser *p, struct json_value *v)
{
	size_t start = p->pos, n;
	bool neg = false, frac = false;
	uint64_t mag = 0, limit;
	bool overflow = false;
	char tmp[64];

	if (p->buf[p->pos] == '-') {
		neg = true;
		p->pos++;
	}
	if (p->pos >= p->len || !is_digit(p->buf[p->pos]))
		return FAIL(p, "a number needs a digit after '-'");
	if (p->buf[p->pos] == '0') {
		p->pos++;
		if (p->pos < p->len && is_digit(p->buf[p->pos]))
			return FAIL(p, "numbers must not have leading zeros");
	} else {
		limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		while (p->pos < p->len && is_digit(p->buf[p->pos])) {
			unsigned int d = p->buf[p->pos] - '0';

			if (mag > (limit - d) / 10)
				overflow = true;
			else
				mag = mag * 10 + d;
			p->pos++;
		}
	}
	if (p->pos < p->len && p->buf[p->pos] == '.') {
		frac = true;
		p->pos++;
		if (p->pos >= p->len || !is_digit(p->buf[p->pos]))
			return FAIL(p, "a digit must follow the decimal point");
		while (p->pos < p->len && is_digit(p->buf[p->pos]))
			p->pos++;
	}
	if (p->pos < p->len && (p->buf[p->pos] == 'e' || p->buf[p->pos] == 'E')) {
		frac = true;
		p->pos++;
		if (p->pos < p->len && (p->buf[p->pos] == '+' || p->buf[p->pos] == '-'))
			p->pos++;
		if (p->pos >= p->len || !is_digit(p->buf[p->pos]))
			return FAIL(p, "a digit must follow the exponent");
		while (p->pos < p->len && is_digit(p->buf[p->pos]))
			p->pos++;
	}
	n = p->pos - start;
	if (n >= sizeof(tmp))
		return fail_at(p, start, EINVAL, "number too long (%zu characters, at most %zu)",
			       n, sizeof(tmp) - 1);
	v->type = JSON_NUMBER;
	v->is_int = !frac && !overflow;
	if (v->is_int)
		v->integer = neg ? (mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag)
				 : (int64_t)mag;
	memcpy(tmp, p->buf + start, n);
	tmp[n] = '\0';
	v->number = strtod(tmp, NULL);
	return true;
}

static int hex4(const unsigned char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Length of the valid UTF-8 sequence at s (at most avail bytes), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* At the opening quote. Decodes into a new NUL-terminated string. */
static bool parse_string(struct parser *p, char **out, size_t *out_len)
{
	size_t start = ++p->pos, end, n = 0;
	char *s;

	/* Find the closing quote first: the decoded string is never longer
	 * than the raw one. */
	for (end = start; end < p->len && p->buf[end] != '"'; end++)
		if (p->buf[end] == '\\')
			end++;
	if (end >= p->len)
		return fail_at(p, start - 1, EINVAL, "unterminated string");
	s = malloc(end - start + 1);
	if (!s)
		return fail_at(p, start, ENOMEM, "out of memory");
	while (p->pos < end) {
		unsigned char c = p->buf[p->pos];
		size_t ulen;

		if (c < 0x20) {
			free(s);
			return FAIL(p, "control character 0x%02x in a string (escape it)", c);
		}
		if (c != '\\') {
			ulen = utf8_len(p->buf + p->pos, end - p->pos);
			if (!ulen) {
				free(s);
				return FAIL(p, "invalid UTF-8 in a string");
			}
			memcpy(s + n, p->buf + p->pos, ulen);
			n += ulen;
			p->pos += ulen;
			continue;
		}
		c = p->buf[p->pos + 1]; /* end > pos + 1: the scan skipped it */
		switch (c) {
		case '"': case '\\': case '/':
			s[n++] = (char)c;
			break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'u': {
			int cp, lo;

			if (end - p->pos < 6 || (cp = hex4(p->buf + p->pos + 2)) < 0) {
				free(s);
				return FAIL(p, "\\u needs four hex digits");
			}
			if (cp >= 0xdc00 && cp <= 0xdfff) {
				free(s);
				return FAIL(p, "unpaired low surrogate \\u%04x", cp);
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (end - p->pos < 12 || p->buf[p->pos + 6] != '\\' ||
				    p->buf[p->pos + 7] != 'u' ||
				    (lo = hex4(p->buf + p->pos + 8)) < 0xdc00 || lo > 0xdfff) {
					free(s);
					return FAIL(p, "unpaired high surrogate \\u%04x", cp);
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				p->pos += 6;
			}
			if (!cp) {
				free(s);
				return FAIL(p, "\\u0000 is not allowed in a string");
			}
			n += put_utf8(s + n, (unsigned int)cp);
			p->pos += 4;
			break;
		}
		default:
			free(s);
			if (c >= 0x21 && c < 0x7f)
				return FAIL(p, "invalid escape '\\%c' in a string", c);
			return FAIL(p, "invalid escape in a string");
		}
		p->pos += 2;
	}
	s[n] = '\0';
	p->pos = end + 1;
	*out = s;
	*out_len = n;
	return true;
}

static bool grow(struct parser *p, void **arr, size_t *cap, size_t n, size_t size)
{
	void *a;
	size_t c;

	if (n < *cap)
		return true;
	c = *cap ? *cap * 2 : 4;
	a = realloc(*arr, c * size);
	if (!a)
		return fail_at(p, p->pos, ENOMEM, "out of memory");
	*arr = a;
	*cap = c;
	return true;
}

static bool parse_array(struct parser *p, struct json_value *v, unsigned int depth)
{
	size_t cap = 0;
	char what[16];

	v->type = JSON_ARRAY;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->buf[p->pos] == ']') {
		p->pos++;
		return true;
	}
	for (;;) {
		if (!grow(p, (void **)&v->items, &cap, v->len, sizeof(*v->items)))
			return false;
		memset(&v->items[v->len], 0, sizeof(v->items[0]));
		v->len++;
		if (!parse_value(p, &v->items[v->len - 1], depth + 1))
			return false;
		skip_ws(p);
		if (p->pos < p->len && p->buf[p->pos] == ',') {
			p->pos++;
			skip_ws(p);
			if (p->pos < p->len && p->buf[p->pos] == ']')
				return FAIL(p, "trailing comma before ']'");
			continue;
		}
		if (p->pos < p->len && p->buf[p->pos] == ']') {
			p->pos++;
			return true;
		}
		return FAIL(p, "expected ',' or ']' after an array element, found %s",
			    what_at(p, what, sizeof(what)));
	}
}

static int member_cmp(const void *a, const void *b)
{
	const struct json_member *x = *(const struct json_member *const *)a;
	const struct json_member *y = *(const struct json_member *const *)b;

	return strcmp(x->key, y->key);
}

/* Duplicate keys: sort pointers, compare neighbours (n log n, so a huge
 * object cannot make this quadratic). */
static bool check_duplicates(struct parser *p, const struct json_value *v, size_t at)
{
	const struct json_member **sorted;
	bool ok = true;

	if (v->len < 2)
		return true;
	sorted = malloc(v->len * sizeof(*sorted));
	if (!sorted)
		return fail_at(p, at, ENOMEM, "out of memory");
	for (size_t i = 0; i < v->len; i++)
		sorted[i] = &v->members[i];
	qsort(sorted, v->len, sizeof(*sorted), member_cmp);
	for (size_t i = 1; i < v->len && ok; i++) {
		if (!strcmp(sorted[i - 1]->key, sorted[i]->key)) {
			const struct json_member *dup = sorted[i - 1] > sorted[i] ? sorted[i - 1]
										  : sorted[i];

			/* Report the later one, where the reader will look. */
			ok = fail_at(p, at, EINVAL, "duplicate key \"%.60s\"", dup->key);
			p->err->line = dup->value.line;
			p->err->col = dup->value.col;
		}
	}
	free(sorted);
	return ok;
}

static bool parse_object(struct parser *p, struct json_value *v, unsigned int depth)
{
	size_t cap = 0, at = p->pos;
	char what[16];

	v->type = JSON_OBJECT;
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->buf[p->pos] == '}') {
		p->pos++;
		return true;
	}
	for (;;) {
		struct json_member *m;
		size_t klen;

		if (p->pos >= p->len || p->buf[p->pos] != '"')
			return FAIL(p, "expected a key in double quotes, found %s",
				    what_at(p, what, sizeof(what)));
		if (!grow(p, (void **)&v->members, &cap, v->len, sizeof(*v->members)))
			return false;
		m = &v->members[v->len];
		memset(m, 0, sizeof(*m));
		v->len++;
		if (!parse_string(p, &m->key, &klen))
			return false;
		skip_ws(p);
		if (p->pos >= p->len || p->buf[p->pos] != ':')
			return FAIL(p, "expected ':' after the key \"%.60s\", found %s", m->key,
				    what_at(p, what, sizeof(what)));
		p->pos++;
		if (!parse_value(p, &m->value, depth + 1))
			return false;
		skip_ws(p);
		if (p->pos < p->len && p->buf[p->pos] == ',') {
			p->pos++;
			skip_ws(p);
			if (p->pos < p->len && p->buf[p->pos] == '}')
				return FAIL(p, "trailing comma before '}'");
			continue;
		}
		if (p->pos < p->len && p->buf[p->pos] == '}') {
			p->pos++;
			return check_duplicates(p, v, at);
		}
		return FAIL(p, "expected ',' or '}' after an object member, found %s",
			    what_at(p, what, sizeof(what)));
	}
}

static bool parse_value(struct parser *p, struct json_value *v, unsigned int depth)
{
	char what[16];
	unsigned char c;

	skip_ws(p);
	v->line = p->line;
	v->col = col_of(p, p->pos);
	if (depth >= JSON_PARSE_MAX_DEPTH)
		return fail_at(p, p->pos, E2BIG, "nested deeper than %d levels",
			       JSON_PARSE_MAX_DEPTH);
	if (++p->nodes > JSON_PARSE_MAX_NODES)
		return fail_at(p, p->pos, E2BIG, "more than %d values", JSON_PARSE_MAX_NODES);
	if (p->pos >= p->len)
		return FAIL(p, "expected a value, found the end of the input");
	c = p->buf[p->pos];
	switch (c) {
	case '{':
		return parse_object(p, v, depth);
	case '[':
		return parse_array(p, v, depth);
	case '"':
		v->type = JSON_STRING;
		return parse_string(p, &v->string, &v->len);
	case 't':
	case 'f':
	case 'n':
		if (literal(p, "true") || literal(p, "false")) {
			v->type = JSON_BOOL;
			v->boolean = c == 't';
			return true;
		}
		if (literal(p, "null")) {
			v->type = JSON_NULL;
			return true;
		}
		break;
	default:
		if (c == '-' || is_digit(c))
			return parse_number(p, v);
	}
	return FAIL(p, "expected a value, found %s", what_at(p, what, sizeof(what)));
}

static void value_free(struct json_value *v)
{
	size_t i;

	switch (v->type) {
	case JSON_STRING:
		free(v->string);
		break;
	case JSON_ARRAY:
		for (i = 0; i < v->len; i++)
			value_free(&v->items[i]);
		free(v->items);
		break;
	case JSON_OBJECT:
		for (i = 0; i < v->len; i++) {
			free(v->members[i].key);
			value_free(&v->members[i].value);
		}
		free(v->members);
		break;
	default:
		break;
	}
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	value_free(v);
	free(v);
}

struct json_value *json_parse(const char *buf, size_t len, struct json_parse_error *err)
{
	struct json_parse_error dummy;
	struct parser p = {
		.buf = (const unsigned char *)buf,
		.len = buf ? len : 0,
		.line = 1,
		.err = err ? err : &dummy,
	};
	struct json_value *v;
	char what[16];

	memset(p.err, 0, sizeof(*p.err));
	v = calloc(1, sizeof(*v));
	if (!v) {
		fail_at(&p, 0, ENOMEM, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	/* A UTF-8 byte order mark is not JSON (RFC 8259 8.1): say so. */
	if (p.len >= 3 && !memcmp(p.buf, "\xef\xbb\xbf", 3)) {
		fail_at(&p, 0, EINVAL, "byte order mark at the start (save the file as UTF-8 "
			"without BOM)");
	} else if (parse_value(&p, v, 0)) {
		skip_ws(&p);
		if (p.pos == p.len)
			return v;
		FAIL(&p, "unexpected %s after the JSON value", what_at(&p, what, sizeof(what)));
	}
	json_free(v);
	errno = p.errnum ? p.errnum : EINVAL;
	return NULL;
}

const struct json_value *json_get(const struct json_value *obj, const char *key)
{
	if (!obj || obj->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->len; i++)
		if (!strcmp(obj->members[i].key, key))
			return &obj->members[i].value;
	return NULL;
}

const char *json_type_name(enum json_type t)
{
	switch (t) {
	case JSON_NULL: return "null";
	case JSON_BOOL: return "a boolean";
	case JSON_NUMBER: return "a number";
	case JSON_STRING: return "a string";
	case JSON_ARRAY: return "an array";
	case JSON_OBJECT: return "an object";
	}
	return "?";
}
