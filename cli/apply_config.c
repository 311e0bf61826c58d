// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The apply configuration: JSON -> struct apply_config, strictly (unknown
 * keys, wrong types and out-of-range values are errors naming their JSON
 * path). Schema in docs/apply.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api/internal.h" /* the parsers the API does not export */
#include "apply_config.h"
#include "json_parse.h"

struct ctx {
	const char *buf; /* the text, to find a value's line again */
	size_t len;
	char *err;
	size_t err_len;
};

static int bad(struct ctx *c, const struct json_step *at, const char *path, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));

/* The error about the value at path "at": its line, its JSON path, what
 * is wrong. */
static int bad(struct ctx *c, const struct json_step *at, const char *path, const char *fmt,
	       ...)
{
	unsigned int line, col;
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!json_locate(c->buf, c->len, at, &line, &col))
		snprintf(c->err, c->err_len, "line %u: %s: %s", line, path, msg);
	else
		snprintf(c->err, c->err_len, "%s: %s", path, msg);
	return -EINVAL;
}

/* Only the keys in known[] (NULL-terminated) may appear. */
static int check_keys(struct ctx *c, const json_t *obj, const struct json_step *at,
		      const char *path, const char *const *known)
{
	char list[160] = "", sub[APPLY_PATH_LEN + 80];
	const char *key;
	json_t *x;
	size_t k;

	json_object_foreach((json_t *)obj, key, x) {
		struct json_step s = { .up = at, .key = key };

		for (k = 0; known[k]; k++)
			if (!strcmp(key, known[k]))
				break;
		if (known[k])
			continue;
		for (k = 0; known[k]; k++) {
			strncat(list, k ? ", " : "", sizeof(list) - strlen(list) - 1);
			strncat(list, known[k], sizeof(list) - strlen(list) - 1);
		}
		snprintf(sub, sizeof(sub), "%s.%.60s", path, key);
		return bad(c, &s, sub, "unknown key (known: %s)", list);
	}
	return 0;
}

static int want_type(struct ctx *c, const json_t *v, const struct json_step *at,
		     const char *path, json_type t)
{
	const char *want = t == JSON_OBJECT ? "an object" : t == JSON_ARRAY ? "an array" :
			   "a string";

	if (json_typeof(v) == t)
		return 0;
	return bad(c, at, path, "must be %s, not %s", want, json_type_name(v));
}

static void path_key(char *out, const char *path, const char *key)
{
	bool plain = *key != '\0';

	for (const char *p = key; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
			plain = false;
	if (plain)
		snprintf(out, APPLY_PATH_LEN, "%s.%s", path, key);
	else
		snprintf(out, APPLY_PATH_LEN, "%s[\"%.40s\"]", path, key);
}

static int get_string(struct ctx *c, const json_t *obj, const struct json_step *at,
		      const char *path, const char *key, bool required, size_t max, char **out)
{
	const json_t *v = json_object_get(obj, key);
	struct json_step s = { .up = at, .key = key };
	char sub[APPLY_PATH_LEN];
	int err;

	path_key(sub, path, key);
	if (!v)
		return required ? bad(c, at, sub, "missing (required)") : 0;
	err = want_type(c, v, &s, sub, JSON_STRING);
	if (err)
		return err;
	if (!json_string_length(v))
		return bad(c, &s, sub, "must not be empty");
	if (json_string_length(v) > max)
		return bad(c, &s, sub, "longer than %zu bytes", max);
	*out = strdup(json_string_value(v));
	return *out ? 0 : -ENOMEM;
}

static int parse_continue_on(struct ctx *c, const json_t *v, const struct json_step *at,
			     const char *path, __u32 *mask)
{
	char sub[APPLY_PATH_LEN + 16];
	const char *name;
	int err, bit;
	json_t *x;
	size_t i;

	err = want_type(c, v, at, path, JSON_ARRAY);
	if (err)
		return err;
	*mask = 0;
	json_array_foreach(v, i, x) {
		struct json_step s = { .up = at, .index = i };

		snprintf(sub, sizeof(sub), "%.80s[%zu]", path, i);
		err = want_type(c, x, &s, sub, JSON_STRING);
		if (err)
			return err;
		name = json_string_value(x);
		bit = xc_verdict_parse(name);
		if (bit < 0)
			return bad(c, &s, sub, "unknown verdict \"%.32s\" (known: aborted, drop, "
				   "pass, tx, redirect)", name);
		if (*mask & XDPCHAIN_VERDICT_BIT(bit))
			return bad(c, &s, sub, "verdict \"%s\" is listed twice", name);
		*mask |= XDPCHAIN_VERDICT_BIT(bit);
	}
	return 0;
}

static int parse_prog(struct ctx *c, const json_t *v, const struct json_step *at,
		      struct apply_prog *p)
{
	static const char *const keys[] = { "file", "program", "priority", "continue_on", "before",
					    "after", "observer", NULL };
	struct json_step s = { .up = at };
	const json_t *x;
	char sub[APPLY_PATH_LEN];
	int err;

	err = want_type(c, v, at, p->path, JSON_OBJECT);
	if (!err)
		err = check_keys(c, v, at, p->path, keys);
	if (!err)
		err = get_string(c, v, at, p->path, "file", true, 4095, &p->file);
	if (!err)
		err = get_string(c, v, at, p->path, "program", false, 63, &p->program);
	if (!err)
		err = get_string(c, v, at, p->path, "before", false, 63, &p->anchor);
	if (!err && json_object_get(v, "after")) {
		if (p->anchor) {
			s.key = "after";
			path_key(sub, p->path, "after");
			return bad(c, &s, sub, "\"before\" and \"after\" exclude "
				   "each other (a program is placed next to one program)");
		}
		err = get_string(c, v, at, p->path, "after", false, 63, &p->anchor);
		p->anchor_after = true;
	}
	if (err)
		return err;
	x = json_object_get(v, s.key = "priority");
	if (x) {
		path_key(sub, p->path, "priority");
		if (!json_is_integer(x))
			return bad(c, &s, sub, "must be an integer, not %s",
				   json_is_real(x) ? "a fraction" : json_type_name(x));
		if (json_integer_value(x) < INT32_MIN || json_integer_value(x) > INT32_MAX)
			return bad(c, &s, sub, "%lld is out of range (%d to %d; lower runs first)",
				   (long long)json_integer_value(x), INT32_MIN, INT32_MAX);
		p->has_priority = true;
		p->priority = (int)json_integer_value(x);
	}
	x = json_object_get(v, s.key = "observer");
	if (x) {
		path_key(sub, p->path, "observer");
		if (!json_is_boolean(x))
			return bad(c, &s, sub, "must be true or false, not %s", json_type_name(x));
		p->observer = json_is_true(x);
	}
	x = json_object_get(v, s.key = "continue_on");
	if (x) {
		path_key(sub, p->path, "continue_on");
		err = parse_continue_on(c, x, &s, sub, &p->continue_on);
		if (err)
			return err;
		p->has_continue_on = true;
	}
	return 0;
}

static bool ifname_valid(const char *s, size_t len)
{
	/* The kernel's dev_valid_name(): 1..15 bytes, not "." or "..", no
	 * '/', ':' or whitespace. */
	if (!len || len > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s == ' ' || (*s >= '\t' && *s <= '\r'))
			return false;
	return true;
}

static int parse_iface(struct ctx *c, const char *name, const json_t *v,
		       const struct json_step *at, struct apply_iface *f)
{
	static const char *const keys[] = { "mode", "backend", "adopt", "programs", NULL };
	struct json_step s = { .up = at };
	char sub[APPLY_PATH_LEN];
	const json_t *x;
	json_t *item;
	size_t i;
	int err;

	if (!ifname_valid(name, strlen(name)))
		return bad(c, at, f->path, "not a valid interface name");
	f->name = strdup(name);
	if (!f->name)
		return -ENOMEM;
	err = want_type(c, v, at, f->path, JSON_OBJECT);
	if (!err)
		err = check_keys(c, v, at, f->path, keys);
	if (err)
		return err;
	x = json_object_get(v, s.key = "mode");
	if (x) {
		path_key(sub, f->path, "mode");
		err = want_type(c, x, &s, sub, JSON_STRING);
		if (err)
			return err;
		if (xdpchain_mode_parse(json_string_value(x), &f->mode) ||
		    f->mode == XDPCHAIN_MODE_UNSPEC)
			return bad(c, &s, sub, "unknown mode \"%.32s\" (known: native, skb)",
				   json_string_value(x));
		if (f->mode == XDPCHAIN_MODE_HW)
			return bad(c, &s, sub, "hardware offload is not supported (a dispatcher "
				   "cannot be offloaded): use native or skb");
		f->has_mode = true;
	}
	x = json_object_get(v, s.key = "backend");
	if (x) {
		path_key(sub, f->path, "backend");
		err = want_type(c, x, &s, sub, JSON_STRING);
		if (err)
			return err;
		if (xdpchain_backend_parse(json_string_value(x), &f->backend) ||
		    f->backend == XDPCHAIN_BACKEND_MIXED)
			return bad(c, &s, sub, "unknown backend \"%.32s\" (known: auto, freplace, "
				   "tailcall)", json_string_value(x));
	}
	x = json_object_get(v, s.key = "adopt");
	if (x) {
		path_key(sub, f->path, "adopt");
		if (!json_is_boolean(x))
			return bad(c, &s, sub, "must be true or false, not %s", json_type_name(x));
		f->adopt = json_is_true(x);
	}
	x = json_object_get(v, s.key = "programs");
	path_key(sub, f->path, "programs");
	if (!x)
		return bad(c, at, sub, "missing (required; [] removes the owner's programs)");
	err = want_type(c, x, &s, sub, JSON_ARRAY);
	if (err)
		return err;
	if (json_array_size(x) > XDPCHAIN_MAX_PROGS)
		return bad(c, &s, sub, "%zu programs; a chain holds at most %d", json_array_size(x),
			   XDPCHAIN_MAX_PROGS);
	f->progs = calloc(json_array_size(x) ? json_array_size(x) : 1, sizeof(*f->progs));
	if (!f->progs)
		return -ENOMEM;
	json_array_foreach(x, i, item) {
		struct json_step si = { .up = &s, .index = i };
		struct apply_prog *p = &f->progs[f->nprogs++];

		snprintf(p->path, sizeof(p->path), "%.70s[%zu]", sub, i);
		err = parse_prog(c, item, &si, p);
		if (err)
			return err;
	}
	/* The same program named twice could not be told apart. */
	for (i = 0; i < f->nprogs; i++)
		for (size_t j = 0; j < i; j++)
			if (f->progs[i].program && f->progs[j].program &&
			    !strcmp(f->progs[i].program, f->progs[j].program)) {
				struct json_step si = { .up = &s, .index = i };

				return bad(c, &si, f->progs[i].path,
					   "program \"%s\" is listed twice (duplicate of %s)",
					   f->progs[i].program, f->progs[j].path);
			}
	return 0;
}

static bool owner_valid(const char *s)
{
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

static int parse_root(struct ctx *c, const json_t *root, struct apply_config *cfg)
{
	static const char *const keys[] = { "version", "owner", "interfaces", NULL };
	struct json_step s = { 0 };
	const json_t *v;
	const char *name;
	char *owner = NULL;
	json_t *x;
	int err;

	err = want_type(c, root, NULL, "$", JSON_OBJECT);
	if (!err)
		err = check_keys(c, root, NULL, "$", keys);
	if (err)
		return err;
	v = json_object_get(root, s.key = "version");
	if (!v)
		return bad(c, NULL, "$.version", "missing (required: %d)", APPLY_CONFIG_VERSION);
	if (!json_is_integer(v))
		return bad(c, &s, "$.version", "must be the integer %d", APPLY_CONFIG_VERSION);
	if (json_integer_value(v) != APPLY_CONFIG_VERSION)
		return bad(c, &s, "$.version", "version %lld is not supported (this xdpchain "
			   "reads version %d)", (long long)json_integer_value(v),
			   APPLY_CONFIG_VERSION);
	err = get_string(c, root, NULL, "$", "owner", true, APPLY_OWNER_LEN - 1, &owner);
	if (err)
		return err;
	if (!owner_valid(owner)) {
		free(owner);
		s.key = "owner";
		return bad(c, &s, "$.owner", "must be printable ASCII without spaces");
	}
	snprintf(cfg->owner, sizeof(cfg->owner), "%s", owner);
	free(owner);
	v = json_object_get(root, s.key = "interfaces");
	if (!v)
		return bad(c, NULL, "$.interfaces", "missing (required)");
	err = want_type(c, v, &s, "$.interfaces", JSON_OBJECT);
	if (err)
		return err;
	cfg->ifaces = calloc(json_object_size(v) ? json_object_size(v) : 1, sizeof(*cfg->ifaces));
	if (!cfg->ifaces)
		return -ENOMEM;
	/* jansson keeps an object's members in the file's order. */
	json_object_foreach((json_t *)v, name, x) {
		struct json_step si = { .up = &s, .key = name };
		struct apply_iface *f = &cfg->ifaces[cfg->nifaces++];

		path_key(f->path, "$.interfaces", name);
		err = parse_iface(c, name, x, &si, f);
		if (err)
			return err;
	}
	return 0;
}

int apply_config_parse(const char *buf, size_t len, struct apply_config *cfg, char *err,
		       size_t err_len)
{
	struct ctx c = { .buf = buf, .len = len, .err = err, .err_len = err_len };
	struct json_parse_error jerr;
	json_t *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	root = json_parse(buf, len, &jerr);
	if (!root) {
		if (errno == ENOMEM) {
			snprintf(err, err_len, "out of memory");
			return -ENOMEM;
		}
		snprintf(err, err_len, "line %u, column %u: %s", jerr.line, jerr.col, jerr.msg);
		return -EINVAL;
	}
	ret = parse_root(&c, root, cfg);
	json_decref(root);
	if (ret == -ENOMEM)
		snprintf(err, err_len, "out of memory");
	if (ret)
		apply_config_free(cfg);
	return ret;
}

void apply_config_free(struct apply_config *cfg)
{
	for (size_t i = 0; i < cfg->nifaces; i++) {
		struct apply_iface *f = &cfg->ifaces[i];

		for (size_t j = 0; j < f->nprogs; j++) {
			free(f->progs[j].file);
			free(f->progs[j].program);
			free(f->progs[j].anchor);
		}
		free(f->progs);
		free(f->name);
	}
	free(cfg->ifaces);
	memset(cfg, 0, sizeof(*cfg));
}
