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
#include "apply_config.h"
#include "json_parse.h"

struct ctx {
	char *err;
	size_t err_len;
};

static int bad(struct ctx *c, const struct json_value *v, const char *path, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));

static int bad(struct ctx *c, const struct json_value *v, const char *path, const char *fmt,
	       ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (v)
		snprintf(c->err, c->err_len, "line %u: %s: %s", v->line, path, msg);
	else
		snprintf(c->err, c->err_len, "%s: %s", path, msg);
	return -EINVAL;
}

/* Only the keys in known[] (NULL-terminated) may appear. */
static int check_keys(struct ctx *c, const struct json_value *obj, const char *path,
		      const char *const *known)
{
	char list[160] = "", sub[APPLY_PATH_LEN + 80];
	size_t i, k;

	for (i = 0; i < obj->len; i++) {
		for (k = 0; known[k]; k++)
			if (!strcmp(obj->members[i].key, known[k]))
				break;
		if (known[k])
			continue;
		for (k = 0; known[k]; k++) {
			strncat(list, k ? ", " : "", sizeof(list) - strlen(list) - 1);
			strncat(list, known[k], sizeof(list) - strlen(list) - 1);
		}
		snprintf(sub, sizeof(sub), "%s.%.60s", path, obj->members[i].key);
		return bad(c, &obj->members[i].value, sub, "unknown key (known: %s)", list);
	}
	return 0;
}

static int want_type(struct ctx *c, const struct json_value *v, const char *path,
		     enum json_type t)
{
	if (v->type == t)
		return 0;
	return bad(c, v, path, "must be %s, not %s", json_type_name(t), json_type_name(v->type));
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

static int get_string(struct ctx *c, const struct json_value *obj, const char *path,
		      const char *key, bool required, size_t max, char **out)
{
	const struct json_value *v = json_get(obj, key);
	char sub[APPLY_PATH_LEN];
	int err;

	path_key(sub, path, key);
	if (!v)
		return required ? bad(c, obj, sub, "missing (required)") : 0;
	err = want_type(c, v, sub, JSON_STRING);
	if (err)
		return err;
	if (!v->len)
		return bad(c, v, sub, "must not be empty");
	if (v->len > max)
		return bad(c, v, sub, "longer than %zu bytes", max);
	*out = strdup(v->string);
	return *out ? 0 : -ENOMEM;
}

static int parse_continue_on(struct ctx *c, const struct json_value *v, const char *path,
			     __u32 *mask)
{
	char sub[APPLY_PATH_LEN + 16];
	int err, bit;

	err = want_type(c, v, path, JSON_ARRAY);
	if (err)
		return err;
	*mask = 0;
	for (size_t i = 0; i < v->len; i++) {
		const struct json_value *x = &v->items[i];

		snprintf(sub, sizeof(sub), "%.80s[%zu]", path, i);
		err = want_type(c, x, sub, JSON_STRING);
		if (err)
			return err;
		bit = xdpchain_verdict_parse(x->string);
		if (bit < 0)
			return bad(c, x, sub, "unknown verdict \"%.32s\" (known: aborted, drop, "
				   "pass, tx, redirect)", x->string);
		if (*mask & XDPCHAIN_VERDICT_BIT(bit))
			return bad(c, x, sub, "verdict \"%s\" is listed twice", x->string);
		*mask |= XDPCHAIN_VERDICT_BIT(bit);
	}
	return 0;
}

static int parse_prog(struct ctx *c, const struct json_value *v, struct apply_prog *p)
{
	static const char *const keys[] = { "file", "program", "priority", "continue_on", "before",
					    "after", "observer", NULL };
	const struct json_value *x;
	char sub[APPLY_PATH_LEN];
	int err;

	err = want_type(c, v, p->path, JSON_OBJECT);
	if (!err)
		err = check_keys(c, v, p->path, keys);
	if (!err)
		err = get_string(c, v, p->path, "file", true, 4095, &p->file);
	if (!err)
		err = get_string(c, v, p->path, "program", false, 63, &p->program);
	if (!err)
		err = get_string(c, v, p->path, "before", false, 63, &p->anchor);
	if (!err && json_get(v, "after")) {
		if (p->anchor) {
			path_key(sub, p->path, "after");
			return bad(c, json_get(v, "after"), sub, "\"before\" and \"after\" exclude "
				   "each other (a program is placed next to one program)");
		}
		err = get_string(c, v, p->path, "after", false, 63, &p->anchor);
		p->anchor_after = true;
	}
	if (err)
		return err;
	x = json_get(v, "priority");
	if (x) {
		path_key(sub, p->path, "priority");
		if (x->type != JSON_NUMBER || !x->is_int)
			return bad(c, x, sub, "must be an integer, not %s",
				   x->type == JSON_NUMBER ? "a fraction" : json_type_name(x->type));
		if (x->integer < INT32_MIN || x->integer > INT32_MAX)
			return bad(c, x, sub, "%lld is out of range (%d to %d; lower runs first)",
				   (long long)x->integer, INT32_MIN, INT32_MAX);
		p->has_priority = true;
		p->priority = (int)x->integer;
	}
	x = json_get(v, "observer");
	if (x) {
		path_key(sub, p->path, "observer");
		if (x->type != JSON_BOOL)
			return bad(c, x, sub, "must be true or false, not %s", json_type_name(x->type));
		p->observer = x->boolean;
	}
	x = json_get(v, "continue_on");
	if (x) {
		path_key(sub, p->path, "continue_on");
		err = parse_continue_on(c, x, sub, &p->continue_on);
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

static int parse_iface(struct ctx *c, const struct json_member *m, struct apply_iface *f)
{
	static const char *const keys[] = { "mode", "backend", "programs", NULL };
	const struct json_value *v = &m->value, *x;
	char sub[APPLY_PATH_LEN];
	int err;

	if (!ifname_valid(m->key, strlen(m->key)))
		return bad(c, v, f->path, "not a valid interface name");
	f->name = strdup(m->key);
	if (!f->name)
		return -ENOMEM;
	err = want_type(c, v, f->path, JSON_OBJECT);
	if (!err)
		err = check_keys(c, v, f->path, keys);
	if (err)
		return err;
	x = json_get(v, "mode");
	if (x) {
		path_key(sub, f->path, "mode");
		err = want_type(c, x, sub, JSON_STRING);
		if (err)
			return err;
		if (xdpchain_mode_parse(x->string, &f->mode) ||
		    f->mode == XDPCHAIN_MODE_UNSPEC)
			return bad(c, x, sub, "unknown mode \"%.32s\" (known: native, skb)",
				   x->string);
		if (f->mode == XDPCHAIN_MODE_HW)
			return bad(c, x, sub, "hardware offload is not supported (a dispatcher "
				   "cannot be offloaded): use native or skb");
		f->has_mode = true;
	}
	x = json_get(v, "backend");
	if (x) {
		path_key(sub, f->path, "backend");
		err = want_type(c, x, sub, JSON_STRING);
		if (err)
			return err;
		if (xdpchain_backend_parse(x->string, &f->backend) ||
		    f->backend == XDPCHAIN_BACKEND_MIXED)
			return bad(c, x, sub, "unknown backend \"%.32s\" (known: auto, freplace, "
				   "tailcall)", x->string);
	}
	x = json_get(v, "programs");
	path_key(sub, f->path, "programs");
	if (!x)
		return bad(c, v, sub, "missing (required; [] removes the owner's programs)");
	err = want_type(c, x, sub, JSON_ARRAY);
	if (err)
		return err;
	if (x->len > XDPCHAIN_MAX_PROGS)
		return bad(c, x, sub, "%zu programs; a chain holds at most %d", x->len,
			   XDPCHAIN_MAX_PROGS);
	f->progs = calloc(x->len ? x->len : 1, sizeof(*f->progs));
	if (!f->progs)
		return -ENOMEM;
	for (size_t i = 0; i < x->len; i++) {
		struct apply_prog *p = &f->progs[f->nprogs++];

		snprintf(p->path, sizeof(p->path), "%.70s[%zu]", sub, i);
		err = parse_prog(c, &x->items[i], p);
		if (err)
			return err;
	}
	/* The same program named twice could not be told apart. */
	for (size_t i = 0; i < f->nprogs; i++)
		for (size_t j = 0; j < i; j++)
			if (f->progs[i].program && f->progs[j].program &&
			    !strcmp(f->progs[i].program, f->progs[j].program))
				return bad(c, &x->items[i], f->progs[i].path,
					   "program \"%s\" is listed twice (duplicate of %s)",
					   f->progs[i].program, f->progs[j].path);
	return 0;
}

static bool owner_valid(const char *s)
{
	for (; *s; s++)
		if (*s < 0x21 || *s > 0x7e)
			return false;
	return true;
}

static int parse_root(struct ctx *c, const struct json_value *root, struct apply_config *cfg)
{
	static const char *const keys[] = { "version", "owner", "interfaces", NULL };
	const struct json_value *v;
	char *owner = NULL;
	int err;

	err = want_type(c, root, "$", JSON_OBJECT);
	if (!err)
		err = check_keys(c, root, "$", keys);
	if (err)
		return err;
	v = json_get(root, "version");
	if (!v)
		return bad(c, root, "$.version", "missing (required: %d)", APPLY_CONFIG_VERSION);
	if (v->type != JSON_NUMBER || !v->is_int)
		return bad(c, v, "$.version", "must be the integer %d", APPLY_CONFIG_VERSION);
	if (v->integer != APPLY_CONFIG_VERSION)
		return bad(c, v, "$.version", "version %lld is not supported (this xdpchain reads "
			   "version %d)", (long long)v->integer, APPLY_CONFIG_VERSION);
	err = get_string(c, root, "$", "owner", true, APPLY_OWNER_LEN - 1, &owner);
	if (err)
		return err;
	if (!owner_valid(owner)) {
		free(owner);
		return bad(c, json_get(root, "owner"), "$.owner",
			   "must be printable ASCII without spaces");
	}
	snprintf(cfg->owner, sizeof(cfg->owner), "%s", owner);
	free(owner);
	v = json_get(root, "interfaces");
	if (!v)
		return bad(c, root, "$.interfaces", "missing (required)");
	err = want_type(c, v, "$.interfaces", JSON_OBJECT);
	if (err)
		return err;
	if (v->len > APPLY_MAX_IFACES)
		return bad(c, v, "$.interfaces", "more than %d interfaces", APPLY_MAX_IFACES);
	cfg->ifaces = calloc(v->len ? v->len : 1, sizeof(*cfg->ifaces));
	if (!cfg->ifaces)
		return -ENOMEM;
	for (size_t i = 0; i < v->len; i++) {
		struct apply_iface *f = &cfg->ifaces[cfg->nifaces++];

		path_key(f->path, "$.interfaces", v->members[i].key);
		err = parse_iface(c, &v->members[i], f);
		if (err)
			return err;
	}
	return 0;
}

int apply_config_parse(const char *buf, size_t len, struct apply_config *cfg, char *err,
		       size_t err_len)
{
	struct ctx c = { .err = err, .err_len = err_len };
	struct json_parse_error jerr;
	struct json_value *root;
	int ret;

	memset(cfg, 0, sizeof(*cfg));
	root = json_parse(buf, len, &jerr);
	if (!root) {
		if (errno == ENOMEM)
			return -ENOMEM;
		if (jerr.col)
			snprintf(err, err_len, "line %u, column %u: %s", jerr.line, jerr.col,
				 jerr.msg);
		else
			snprintf(err, err_len, "line %u: %s", jerr.line, jerr.msg);
		return -EINVAL;
	}
	ret = parse_root(&c, root, cfg);
	json_free(root);
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
