// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain apply: the file, its programs, and each interface's chain and
 * plan (apply.h). Nothing changes here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "apply.h"

#define APPLY_MAX_FILE (1024 * 1024)

int apply_read_file(struct cli_ctx *ctx, const char *file, char **buf, size_t *len)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "re") : stdin;
	size_t n = 0, cap = 4096;
	char *b;

	if (!f) {
		cli_error(ctx, "%s: cannot open: %s", file, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	b = malloc(cap);
	while (b) {
		size_t got = fread(b + n, 1, cap - n, f);

		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			char *nb;

			if (n > APPLY_MAX_FILE) {
				cli_error(ctx, "%s: larger than %d bytes", file, APPLY_MAX_FILE);
				free(b);
				if (f != stdin)
					fclose(f);
				return CLI_EXIT_USAGE;
			}
			nb = realloc(b, cap * 2);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (b && n > APPLY_MAX_FILE) {
		cli_error(ctx, "%s: larger than %d bytes", file, APPLY_MAX_FILE);
		free(b);
		if (f != stdin)
			fclose(f);
		return CLI_EXIT_USAGE;
	}
	if (!b || ferror(f)) {
		cli_error(ctx, "%s: cannot read: %s", file, b ? strerror(errno) : "out of memory");
		free(b);
		if (f != stdin)
			fclose(f);
		return CLI_EXIT_FAIL;
	}
	if (f != stdin)
		fclose(f);
	*buf = b;
	*len = n;
	return 0;
}

/* Relative object paths are relative to the configuration file. */
static int resolve_path(struct cli_ctx *ctx, const struct apply *a, const struct want *w,
			char *out)
{
	const char *file = w->cfg->file, *slash = strrchr(a->file, '/');
	int n;

	if (file[0] == '/' || !strcmp(a->file, "-") || !slash)
		n = snprintf(out, PATH_MAX, "%s", file);
	else
		n = snprintf(out, PATH_MAX, "%.*s/%s", (int)(slash - a->file), a->file, file);
	if (n < 0 || n >= PATH_MAX) {
		cli_error(ctx, "%s: %s.file: path too long", a->file, w->cfg->path);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int apply_open_want(struct cli_ctx *ctx, const struct apply *a, struct iface *f, size_t i)
{
	XDPCHAIN_OPTS(xdpchain_open_opts, oo, .prog_name = f->cfg->progs[i].program,
		      .pin_root_path = a->pin_maps);
	struct want *w = &f->w[i];
	struct plan_want *pw = &f->pw[i];
	int ret, err;

	w->cfg = &f->cfg->progs[i];
	ret = resolve_path(ctx, a, w, w->path);
	if (ret)
		return ret;
	w->prog = xdpchain_prog__open_file(w->path, &oo);
	if (!w->prog) {
		err = errno;
		if (err == ENOENT && !access(w->path, F_OK))
			cli_error(ctx, "%s: %s: %s: no XDP program%s%s in it", a->file, w->cfg->path,
				  w->path, w->cfg->program ? " named " : "",
				  w->cfg->program ? w->cfg->program : "");
		else
			cli_error(ctx, "%s: %s: %s: cannot open: %s", a->file, w->cfg->path, w->path,
				  strerror(err));
		return CLI_EXIT_FAIL;
	}
	if (w->cfg->has_priority)
		xdpchain_prog__set_priority(w->prog, w->cfg->priority);
	if (w->cfg->has_continue_on)
		xdpchain_prog__set_continue_on(w->prog, w->cfg->continue_on);
	xdpchain_prog__set_observer(w->prog, w->cfg->observer);
	if (xdpchain_prog__set_owner(w->prog, a->cfg.owner)) {
		cli_error(ctx, "%s: $.owner: invalid owner '%s'", a->file, a->cfg.owner);
		return CLI_EXIT_USAGE;
	}
	pw->name = xdpchain_prog__name(w->prog);
	pw->priority = xdpchain_prog__priority(w->prog);
	pw->continue_on = xdpchain_prog__continue_on(w->prog);
	pw->backend = f->cfg->backend;
	pw->observer = w->cfg->observer;
	return 0;
}

static int read_chain(struct cli_ctx *ctx, const struct apply *a, struct iface *f)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	unsigned int n;

	xdpchain_chain__free(f->chain);
	f->nhave = 0;
	f->rev_before = 0;
	f->chain = xdpchain_chain__get(f->ifindex, &qo);
	if (!f->chain) {
		if (errno == ENOENT)
			return 0;
		cli_error(ctx, "%s: cannot read the chain: %s%s", f->cfg->name, strerror(errno),
			  cli_errno_hint(ctx, errno));
		return CLI_EXIT_FAIL;
	}
	f->rev_before = xdpchain_chain__revision(f->chain);
	if (f->cfg->has_mode && xdpchain_chain__mode(f->chain) != f->cfg->mode) {
		cli_error(ctx, "%s: %s.mode: the chain on %s runs in %s mode, the file asks for %s "
			  "(a chain changes mode only when rebuilt: 'xdpchain detach %s --all')",
			  a->file, f->cfg->path, f->cfg->name,
			  xdpchain_mode_str(xdpchain_chain__mode(f->chain)),
			  xdpchain_mode_str(f->cfg->mode), f->cfg->name);
		return CLI_EXIT_FAIL;
	}
	n = xdpchain_chain__nr_progs(f->chain);
	for (unsigned int i = 0; i < n && i < XDPCHAIN_MAX_PROGS; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(f->chain, i);
		struct plan_have *h = &f->have[f->nhave++];

		h->id = xdpchain_entry__id(e);
		h->name = xdpchain_entry__name(e);
		h->owner = xdpchain_entry__owner(e);
		h->priority = xdpchain_entry__priority(e);
		h->continue_on = xdpchain_entry__continue_on(e);
		h->kind = xdpchain_entry__backend(e);
		h->observer = xdpchain_entry__observer(e);
		memcpy(h->tag, xdpchain_entry__tag(e), 8);
		h->dead = xdpchain_entry__owner_alive(e) == 0;
		{
			bool after;

			h->anchor_id = xdpchain_entry__anchor(e, &after);
			h->anchor = !h->anchor_id ? PLAN_PLACE_NONE
				    : after ? PLAN_PLACE_AFTER : PLAN_PLACE_BEFORE;
		}
	}
	return 0;
}

/* "before"/"after" NAME of want i: a program of the file for this
 * interface, else one that runs there and that this file does not manage
 * (the owner's others are detached). */
static int resolve_anchor(struct cli_ctx *ctx, const struct apply *a, struct iface *f, size_t i)
{
	const struct apply_prog *cfg = f->w[i].cfg;
	struct plan_want *pw = &f->pw[i];
	unsigned int found = 0;

	pw->anchor = !cfg->anchor ? PLAN_PLACE_NONE
		     : cfg->anchor_after ? PLAN_PLACE_AFTER : PLAN_PLACE_BEFORE;
	pw->anchor_want = -1;
	pw->anchor_id = 0;
	if (!cfg->anchor)
		return 0;
	if (!strcmp(cfg->anchor, pw->name)) {
		cli_error(ctx, "%s: %s.%s: a program is not placed relative to itself", a->file,
			  cfg->path, cfg->anchor_after ? "after" : "before");
		return CLI_EXIT_USAGE;
	}
	for (size_t j = 0; j < f->cfg->nprogs; j++)
		if (j != i && !strcmp(f->pw[j].name, cfg->anchor)) {
			pw->anchor_want = (int)j;
			return 0;
		}
	for (size_t j = 0; j < f->nhave; j++) {
		const struct plan_have *h = &f->have[j];

		if (h->dead || !h->name || strcmp(h->name, cfg->anchor) ||
		    (h->owner && !strcmp(h->owner, a->cfg.owner)))
			continue;
		found++;
		pw->anchor_id = h->id;
	}
	if (found == 1)
		return 0;
	cli_error(ctx, "%s: %s.%s: %s", a->file, cfg->path, cfg->anchor_after ? "after" : "before",
		  found ? "several programs of that name run there: place it by priority instead"
			: "no program of that name in the file for this interface, nor running "
			  "there");
	return CLI_EXIT_FAIL;
}

int apply_plan_iface(struct cli_ctx *ctx, const struct apply *a, struct iface *f)
{
	int ret, err, da, db;

	ret = read_chain(ctx, a, f);
	if (ret)
		return ret;
	for (size_t i = 0; i < f->cfg->nprogs; i++) {
		ret = resolve_anchor(ctx, a, f, i);
		if (ret)
			return ret;
	}
	for (size_t i = 0; i < f->cfg->nprogs; i++) {
		struct plan_want *pw = &f->pw[i];

		pw->has_tag = false;
		if (!plan_has_candidate(a->cfg.owner, pw->name, f->have, f->nhave))
			continue;
		/* The library loads a throwaway copy to learn it. */
		err = xdpchain_prog__tag(f->w[i].prog, pw->tag);
		if (err) {
			cli_error(ctx, "%s: %s: %s: cannot load %s to learn its tag: %s", a->file,
				  f->w[i].cfg->path, f->w[i].path, pw->name, strerror(-err));
			return CLI_EXIT_FAIL;
		}
		pw->has_tag = true;
	}
	f->nsteps = plan_compute(a->cfg.owner, f->pw, f->cfg->nprogs, f->have, f->nhave,
				 f->steps, &da, &db);
	if (f->nsteps == -EINVAL) {
		cli_error(ctx, "%s: %s and %s are both program '%s' (a program may be listed "
			  "once per interface)", a->file, f->w[da].cfg->path, f->w[db].cfg->path,
			  f->pw[db].name);
		return CLI_EXIT_USAGE;
	}
	if (f->nsteps < 0) {
		cli_error(ctx, "%s: cannot plan: %s", f->cfg->name, strerror(-f->nsteps));
		return CLI_EXIT_FAIL;
	}
	return 0;
}
