// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain apply FILE [--dry-run] [--pin-maps DIR]: make each interface's
 * chain hold what FILE wants for its owner (docs/apply.md). Everything is
 * checked before anything changes (the file, the interfaces, every object
 * and program); then each interface gets one transaction: one new
 * dispatcher revision for its whole plan, none if the plan is empty.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <xdpchain/xdpchain.h>
#include "apply_config.h"
#include "apply_plan.h"
#include "apply_watch.h"
#include "cli.h"
#include "format.h"
#include "json.h"
#include "opts.h"
#include "pins.h"

#define APPLY_USAGE "usage: xdpchain apply FILE|DIR [--dry-run] [--pin-maps DIR] [--watch] [--ready FILE]"
#define APPLY_MAX_FILE (1024 * 1024)
#define APPLY_RETRIES 3

enum { OPT_DRY_RUN = 256, OPT_PIN_MAPS, OPT_WATCH, OPT_READY };

struct want {
	const struct apply_prog *cfg;
	char path[PATH_MAX];          /* the object file, resolved */
	struct xdpchain_prog *prog;   /* opened, for attaching */
};

struct iface {
	const struct apply_iface *cfg;
	int ifindex;
	struct want *w;
	struct plan_want *pw;
	struct xdpchain_chain *chain; /* before; NULL: none */
	struct plan_have have[XDPCHAIN_MAX_PROGS];
	size_t nhave;
	struct plan_step steps[2 * XDPCHAIN_MAX_PROGS];
	int nsteps;
	/* Per step, once applied: the map pins an attached program's object
	 * uses (LIBBPF_PIN_BY_NAME), or those a detached one leaves. */
	struct pin_list pins[2 * XDPCHAIN_MAX_PROGS];
	__u64 rev_before, rev_after;
	bool applied;
};

struct apply {
	const char *file;
	bool dry_run;
	/* --pin-maps DIR: the root of the objects' LIBBPF_PIN_BY_NAME pins
	 * (else the state root's map directory) */
	const char *pin_maps;
	/* --watch [--ready FILE]: cli/apply_watch.c */
	bool watch;
	const char *ready;
	struct apply_config cfg;
	struct iface *ifs;
};

static int read_file(struct cli_ctx *ctx, const char *file, char **buf, size_t *len)
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

static int open_want(struct cli_ctx *ctx, const struct apply *a, struct iface *f, size_t i)
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

static int plan_iface(struct cli_ctx *ctx, const struct apply *a, struct iface *f)
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

/* The anchor of want i for the library: a running program by id (one of
 * the file's that matched, or another owner's), or one of the file's that
 * this commit attaches. */
static void anchor_opts(const struct iface *f, int i, __u32 *before_id, __u32 *after_id,
			struct xdpchain_prog **before_prog, struct xdpchain_prog **after_prog)
{
	const struct plan_want *pw = &f->pw[i];
	struct xdpchain_prog *prog = NULL;
	__u32 id = pw->anchor_id;

	if (pw->anchor == PLAN_PLACE_NONE)
		return;
	if (pw->anchor_want >= 0) {
		const struct plan_want *aw = &f->pw[pw->anchor_want];

		if (aw->have >= 0)
			id = f->have[aw->have].id;
		else
			prog = f->w[pw->anchor_want].prog;
	}
	if (pw->anchor == PLAN_PLACE_AFTER) {
		*after_id = id;
		*after_prog = prog;
	} else {
		*before_id = id;
		*before_prog = prog;
	}
}

static int commit_iface(struct cli_ctx *ctx, const struct apply *a, struct iface *f)
{
	XDPCHAIN_OPTS(xdpchain_txn_opts, to, .mode = f->cfg->has_mode ? f->cfg->mode : 0,
		      .backend = f->cfg->backend, .bpffs_root = ctx->root,
		      .expect_revision_set = true, .expected_revision = f->rev_before);
	struct xdpchain_txn *t = xdpchain_txn__new(f->ifindex, &to);
	int err = t ? 0 : -errno;

	/* Updates first: a placement moved off a program that leaves must
	 * be queued before its detach. */
	static const enum plan_action order[] = { PLAN_UPDATE, PLAN_DETACH, PLAN_ATTACH };

	for (int i = 0; i < f->nsteps; i++)
		pins_free(&f->pins[i]);
	for (int k = 0; k < 3 && !err; k++) {
		for (int i = 0; i < f->nsteps && !err; i++) {
			const struct plan_step *s = &f->steps[i];

			if (s->action != order[k])
				continue;
			switch (s->action) {
			case PLAN_DETACH: {
				XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);

				/* Asked before the program goes: the pins stay. */
				xdpchain_pinned_maps(f->ifindex, f->have[s->have].id, pins_add_cb,
						     &f->pins[i], &qo);
				err = xdpchain_txn__detach(t, f->have[s->have].id);
				break;
			}
			case PLAN_UPDATE:
				if (s->reorder)
					err = xdpchain_txn__update(t, f->have[s->have].id,
								   f->pw[s->want].priority,
								   f->pw[s->want].continue_on);
				if (!err && s->place) {
					XDPCHAIN_OPTS(xdpchain_txn_place_opts, po);

					anchor_opts(f, s->want, &po.before_id, &po.after_id,
						    &po.before_prog, &po.after_prog);
					err = xdpchain_txn__place(t, f->have[s->have].id, &po);
				}
				break;
			case PLAN_ATTACH: {
				XDPCHAIN_OPTS(xdpchain_txn_attach_opts, ao);

				anchor_opts(f, s->want, &ao.before_id, &ao.after_id, &ao.before_prog,
					    &ao.after_prog);
				err = xdpchain_txn__attach(t, f->w[s->want].prog, &ao);
				break;
			}
			}
		}
	}
	if (!err)
		err = xdpchain_txn__commit(t);
	if (!err) {
		f->applied = true;
		f->rev_after = xdpchain_txn__revision(t);
		for (int i = 0; i < f->nsteps; i++)
			if (f->steps[i].action == PLAN_ATTACH)
				pins_of_prog(&f->pins[i], f->w[f->steps[i].want].prog);
	}
	xdpchain_txn__free(t);
	return err;
}

static const char *action_str(enum plan_action act)
{
	return act == PLAN_DETACH ? "detach" : act == PLAN_UPDATE ? "update" : "attach";
}

/* Why a detach: for the text plan, and its JSON key. */
static const struct {
	const char *text, *key;
} reasons[] = {
	[PLAN_R_NONE] = { "", "not_wanted" },
	[PLAN_R_NOT_WANTED] = { "not in the file", "not_wanted" },
	[PLAN_R_REPLACED] = { "replaced by another build of it", "replaced" },
	[PLAN_R_BECOMES_OBSERVER] = { "role change: it becomes an observer (attached again as one)",
				      "becomes_observer" },
	[PLAN_R_STOPS_OBSERVER] = { "role change: it stops being an observer (attached again as "
				    "a program)", "stops_observer" },
};

static const char *reason_str(enum plan_reason r)
{
	return reasons[r].text;
}

static const char *reason_key(enum plan_reason r)
{
	return reasons[r].key;
}

/* "after NAME" / "before NAME" of a wanted program. */
static const char *placed_str(const struct iface *f, const struct plan_want *w, char *buf,
			      size_t len)
{
	snprintf(buf, len, "%s %s", w->anchor == PLAN_PLACE_AFTER ? "after" : "before",
		 f->w[w - f->pw].cfg->anchor);
	return buf;
}

static void print_step_text(const struct iface *f, const struct plan_step *s)
{
	char pl[96];
	const struct plan_have *h = s->have >= 0 ? &f->have[s->have] : NULL;
	const struct plan_want *w = s->want >= 0 ? &f->pw[s->want] : NULL;
	const struct pin_list *pins = &f->pins[s - f->steps];
	char c1[64], c2[64];

	switch (s->action) {
	case PLAN_DETACH:
		printf("  detach %s (id %u): %s\n", h->name, h->id, reason_str(s->reason));
		pins_print(pins, "    ", "kept pinned map", PINS_KEPT_NOTE);
		break;
	case PLAN_UPDATE:
		/* Only what changes: "pass -> pass" reads as a change. */
		fmt_verdicts(h->continue_on, c1, sizeof(c1));
		fmt_verdicts(w->continue_on, c2, sizeof(c2));
		printf("  update %s (id %u):", h->name, h->id);
		if (h->priority != w->priority)
			printf(" priority %d -> %d%s", h->priority, w->priority,
			       h->continue_on != w->continue_on || s->place ? "," : "");
		if (h->continue_on != w->continue_on)
			printf(" continue-on %s -> %s%s", c1, c2, s->place ? "," : "");
		if (s->place && w->anchor != PLAN_PLACE_NONE)
			printf(" placed %s", placed_str(f, w, pl, sizeof(pl)));
		else if (s->place)
			printf(" no longer placed next to another program");
		printf("\n");
		break;
	case PLAN_ATTACH:
		fmt_verdicts(w->continue_on, c2, sizeof(c2));
		printf("  attach %s from %s: priority %d, continue-on %s", w->name,
		       f->w[s->want].path, w->priority, c2);
		if (w->anchor != PLAN_PLACE_NONE)
			printf(", %s", placed_str(f, w, pl, sizeof(pl)));
		if (f->applied)
			printf(" (id %u)", xdpchain_prog__id(f->w[s->want].prog));
		printf("\n");
		pins_print(pins, "    ", "pinned map", PINS_MADE_NOTE);
		break;
	}
}

static void print_step_json(struct json_writer *jw, const struct iface *f,
			    const struct plan_step *s)
{
	const struct plan_have *h = s->have >= 0 ? &f->have[s->have] : NULL;
	const struct plan_want *w = s->want >= 0 ? &f->pw[s->want] : NULL;

	json_start_object(jw);
	json_kv_string(jw, "action", action_str(s->action));
	json_kv_string(jw, "name", h ? h->name : w->name);
	if (s->action == PLAN_ATTACH) {
		if (f->applied)
			json_kv_uint(jw, "id", xdpchain_prog__id(f->w[s->want].prog));
		else
			json_kv_null(jw, "id");
		json_kv_string(jw, "file", f->w[s->want].path);
	} else {
		json_kv_uint(jw, "id", h->id);
	}
	if (s->action == PLAN_DETACH) {
		json_kv_string(jw, "reason", reason_key(s->reason));
	} else {
		json_kv_int(jw, "priority", w->priority);
		json_key(jw, "continue_on");
		json_verdicts(jw, w->continue_on);
	}
	if (s->action != PLAN_DETACH) {
		json_key(jw, "placed");
		if (w->anchor != PLAN_PLACE_NONE) {
			json_start_object(jw);
			json_kv_string(jw, "where", w->anchor == PLAN_PLACE_AFTER ? "after" : "before");
			json_kv_string(jw, "name", f->w[s->want].cfg->anchor);
			json_end_object(jw);
		} else {
			json_null_val(jw);
		}
	}
	if (s->action == PLAN_UPDATE) {
		json_kv_int(jw, "old_priority", h->priority);
		json_key(jw, "old_continue_on");
		json_verdicts(jw, h->continue_on);
	} else {
		/* made or used (attach), left (detach) */
		pins_json(jw, "pinned_maps", &f->pins[s - f->steps]);
	}
	json_end_object(jw);
}

static void print_iface(struct cli_ctx *ctx, const struct apply *a, const struct iface *f)
{
	if (ctx->json) {
		struct json_writer *jw = ctx->jw;

		json_start_object(jw);
		json_kv_string(jw, "ifname", f->cfg->name);
		json_kv_int(jw, "ifindex", f->ifindex);
		json_kv_uint(jw, "revision_before", f->rev_before);
		json_kv_uint(jw, "revision", f->applied ? f->rev_after : f->rev_before);
		json_kv_bool(jw, "changed", f->applied && f->rev_after != f->rev_before);
		json_key(jw, "plan");
		json_start_array(jw);
		for (int i = 0; i < f->nsteps; i++)
			print_step_json(jw, f, &f->steps[i]);
		json_end_array(jw);
		json_end_object(jw);
		return;
	}
	if (!f->nsteps) {
		printf("%s: no changes (revision %llu)\n", f->cfg->name,
		       (unsigned long long)(f->applied ? f->rev_after : f->rev_before));
		return;
	}
	if (f->rev_before)
		printf("%s: %d change%s from revision %llu:\n", f->cfg->name, f->nsteps,
		       f->nsteps == 1 ? "" : "s", (unsigned long long)f->rev_before);
	else
		printf("%s: %d change%s (no chain yet):\n", f->cfg->name, f->nsteps,
		       f->nsteps == 1 ? "" : "s");
	for (int i = 0; i < f->nsteps; i++)
		print_step_text(f, &f->steps[i]);
	if (f->applied && f->rev_after)
		printf("%s: applied, revision %llu\n", f->cfg->name,
		       (unsigned long long)f->rev_after);
	else if (f->applied)
		printf("%s: applied, no chain left\n", f->cfg->name);
	else if (a->dry_run)
		printf("%s: dry run, nothing changed\n", f->cfg->name);
}

static int parse_args(struct cli_ctx *ctx, int argc, char **argv, struct apply *a)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "pin-maps", required_argument, NULL, OPT_PIN_MAPS },
		{ "watch", no_argument, NULL, OPT_WATCH },
		{ "ready", required_argument, NULL, OPT_READY },
		{},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":n", longopts, NULL)) != -1) {
		if (c == OPT_DRY_RUN || c == 'n') {
			a->dry_run = true;
		} else if (c == OPT_WATCH) {
			a->watch = true;
		} else if (c == OPT_READY) {
			a->ready = optarg;
		} else if (c == OPT_PIN_MAPS) {
			a->pin_maps = optarg;
			if (!*optarg) {
				cli_error(ctx, "--pin-maps: empty directory");
				return CLI_EXIT_USAGE;
			}
		} else {
			return opt_bad_option(ctx, c, argv, longopts);
		}
	}
	if (argc - optind != 1) {
		if (argc - optind > 1)
			cli_error(ctx, "unexpected argument '%s' (" APPLY_USAGE ")",
				  argv[optind + 1]);
		else
			cli_error(ctx, "missing FILE (" APPLY_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	a->file = argv[optind];
	if (!*a->file) {
		cli_error(ctx, "empty FILE (" APPLY_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Everything that can be checked before changing anything. */
static int prepare(struct cli_ctx *ctx, struct apply *a)
{
	char *buf = NULL, err[384];
	size_t len = 0;
	int ret;

	ret = read_file(ctx, a->file, &buf, &len);
	if (ret)
		return ret;
	ret = apply_config_parse(buf, len, &a->cfg, err, sizeof(err));
	free(buf);
	if (ret) {
		cli_error(ctx, "%s: %s", a->file, err);
		return ret == -ENOMEM ? CLI_EXIT_FAIL : CLI_EXIT_USAGE;
	}
	/* libbpf pins there when a program loads (a dry run loads none). */
	if (a->pin_maps && !a->dry_run) {
		bool made;

		ret = pins_make_dir(a->pin_maps, &made);
		if (ret) {
			cli_error(ctx, "--pin-maps %s: cannot create it: %s", a->pin_maps,
				  strerror(-ret));
			return CLI_EXIT_FAIL;
		}
	}
	a->ifs = calloc(a->cfg.nifaces ? a->cfg.nifaces : 1, sizeof(*a->ifs));
	if (!a->ifs) {
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < a->cfg.nifaces; i++) {
		struct iface *f = &a->ifs[i];
		unsigned int idx;

		f->cfg = &a->cfg.ifaces[i];
		idx = if_nametoindex(f->cfg->name);
		if (!idx || idx > INT_MAX) {
			cli_error(ctx, "%s: %s: interface '%s' not found", a->file, f->cfg->path,
				  f->cfg->name);
			return CLI_EXIT_USAGE;
		}
		f->ifindex = (int)idx;
		f->w = calloc(f->cfg->nprogs + 1, sizeof(*f->w));
		f->pw = calloc(f->cfg->nprogs + 1, sizeof(*f->pw));
		if (!f->w || !f->pw) {
			cli_error(ctx, "out of memory");
			return CLI_EXIT_FAIL;
		}
		for (size_t j = 0; j < f->cfg->nprogs; j++) {
			ret = open_want(ctx, a, f, j);
			if (ret)
				return ret;
		}
	}
	for (size_t i = 0; i < a->cfg.nifaces; i++)
		for (size_t j = 0; j < i; j++)
			if (a->ifs[i].ifindex == a->ifs[j].ifindex) {
				cli_error(ctx, "%s: %s and %s are the same interface", a->file,
					  a->ifs[j].cfg->path, a->ifs[i].cfg->path);
				return CLI_EXIT_USAGE;
			}
	for (size_t i = 0; i < a->cfg.nifaces; i++) {
		ret = plan_iface(ctx, a, &a->ifs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static bool progs_fresh(const struct iface *f)
{
	for (size_t i = 0; i < f->cfg->nprogs; i++)
		if (xdpchain_prog__id(f->w[i].prog))
			return false;
	return true;
}

static int run(struct cli_ctx *ctx, struct apply *a)
{
	int ret, err;

	ret = prepare(ctx, a);
	if (ret)
		return ret;
	for (size_t i = 0; i < a->cfg.nifaces; i++) {
		struct iface *f = &a->ifs[i];
		bool dead = false;

		for (size_t j = 0; j < f->nhave; j++)
			dead = dead || f->have[j].dead;
		/* An empty plan changes nothing, unless programs whose owner
		 * process exited are to be collected (an empty transaction
		 * does that). */
		if (a->dry_run || (!f->nsteps && !dead)) {
			if (!ctx->json)
				print_iface(ctx, a, f);
			continue;
		}
		for (int tries = 1;; tries++) {
			err = commit_iface(ctx, a, f);
			/* Someone changed the chain since we read it: plan again
			 * (the programs are not loaded yet: the revision is
			 * checked first). */
			if (err != -ESTALE || tries >= APPLY_RETRIES || !progs_fresh(f))
				break;
			ret = plan_iface(ctx, a, f);
			if (ret)
				return ret;
			if (!f->nsteps)
				break;
		}
		if (err) {
			char done[256] = "";
			size_t n = 0;

			for (size_t j = 0; j < i; j++)
				if (a->ifs[j].applied)
					fmt_append(done, sizeof(done), &n, "%s%s",
						   n ? ", " : "; already applied: ",
						   a->ifs[j].cfg->name);
			cli_error(ctx, "%s: cannot apply the plan: %s%s (nothing changed on %s%s)",
				  f->cfg->name, strerror(-err), cli_errno_hint(ctx, -err), f->cfg->name,
				  done);
			return CLI_EXIT_FAIL;
		}
		if (!ctx->json)
			print_iface(ctx, a, f);
	}
	return 0;
}

int cmd_apply(struct cli_ctx *ctx, int argc, char **argv)
{
	struct apply a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = parse_args(ctx, argc, argv, &a);
	if (ret)
		return ret;
	if (a.watch || a.ready) {
		struct apply_watch_opts wo = { sizeof(wo), a.file, a.pin_maps, a.ready,
					       a.watch, a.dry_run };

		return apply_watch(ctx, &wo);
	}
	ret = run(ctx, &a);
	if (!ret && ctx->json) {
		{
			json_start_object(ctx->jw);
			json_kv_string(ctx->jw, "owner", a.cfg.owner);
			json_kv_bool(ctx->jw, "dry_run", a.dry_run);
			json_key(ctx->jw, "interfaces");
			json_start_array(ctx->jw);
		}
		for (size_t i = 0; i < a.cfg.nifaces; i++)
			print_iface(ctx, &a, &a.ifs[i]);
		if (ctx->json) {
			json_end_array(ctx->jw);
			json_end_object(ctx->jw);
		}
	}
	for (size_t i = 0; a.ifs && i < a.cfg.nifaces; i++) {
		struct iface *f = &a.ifs[i];

		for (size_t j = 0; f->w && j < f->cfg->nprogs; j++)
			xdpchain_prog__close(f->w[j].prog);
		for (size_t j = 0; j < sizeof(f->pins) / sizeof(f->pins[0]); j++)
			pins_free(&f->pins[j]);
		free(f->w);
		free(f->pw);
		xdpchain_chain__free(f->chain);
	}
	free(a.ifs);
	apply_config_free(&a.cfg);
	return ret;
}
