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
#include <net/if.h>
#include <xdpchain/xdpchain.h>
#include "apply.h"
#include "apply_watch.h"
#include "cli.h"
#include "format.h"
#include "json.h"
#include "opts.h"
#include "pins.h"

#define APPLY_USAGE "usage: xdpchain apply FILE|DIR [--dry-run] [--pin-maps DIR] [--watch] [--ready FILE]"
#define APPLY_RETRIES 3

enum { OPT_DRY_RUN = 256, OPT_PIN_MAPS, OPT_WATCH, OPT_READY };

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

	ret = apply_read_file(ctx, a->file, &buf, &len);
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
			ret = apply_open_want(ctx, a, f, j);
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
		ret = apply_plan_iface(ctx, a, &a->ifs[i]);
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

/* "adopt": true on an interface without a chain: what another loader
 * attached there (a program, libxdp's dispatcher) is taken over first, and
 * the interface planned again (the adopted programs belong to no owner:
 * the file's programs join them). Nothing runs there: nothing to adopt. */
static int adopt_first(struct cli_ctx *ctx, struct apply *a, struct iface *f)
{
	XDPCHAIN_OPTS(xdpchain_adopt_opts, ao, .bpffs_root = ctx->root,
		      .libxdp_bpffs = ctx->libxdp_bpffs);
	int err;

	if (!f->cfg->adopt || f->chain || a->dry_run)
		return 0;
	err = xdpchain_adopt(f->ifindex, &ao);
	if (err == -ENOENT)
		return 0;
	if (err) {
		cli_error(ctx, "%s: %s.adopt: cannot adopt what runs there: %s (said above why)",
			  f->cfg->name, f->cfg->path, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	return apply_plan_iface(ctx, a, f);
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

		ret = adopt_first(ctx, a, f);
		if (ret)
			return ret;
		for (size_t j = 0; j < f->nhave; j++)
			dead = dead || f->have[j].dead;
		/* An empty plan changes nothing, unless programs whose owner
		 * process exited are to be collected (an empty transaction
		 * does that). */
		if (a->dry_run || (!f->nsteps && !dead)) {
			if (!ctx->json)
				apply_print_iface(ctx, a, f);
			continue;
		}
		for (int tries = 1;; tries++) {
			err = apply_commit_iface(ctx, a, f);
			/* Someone changed the chain since we read it: plan again
			 * (the programs are not loaded yet: the revision is
			 * checked first). */
			if (err != -ESTALE || tries >= APPLY_RETRIES || !progs_fresh(f))
				break;
			ret = apply_plan_iface(ctx, a, f);
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
			apply_print_iface(ctx, a, f);
	}
	return 0;
}

/* JSON: one document whatever the interfaces, an object with one
 * object per interface; text was printed as each was applied. */
static void print_json(struct cli_ctx *ctx, const struct apply *a)
{
	json_start_object(ctx->jw);
	json_kv_string(ctx->jw, "owner", a->cfg.owner);
	json_kv_bool(ctx->jw, "dry_run", a->dry_run);
	json_key(ctx->jw, "interfaces");
	json_start_array(ctx->jw);
	for (size_t i = 0; i < a->cfg.nifaces; i++)
		apply_print_iface(ctx, a, &a->ifs[i]);
	json_end_array(ctx->jw);
	json_end_object(ctx->jw);
}

static void free_apply(struct apply *a)
{
	for (size_t i = 0; a->ifs && i < a->cfg.nifaces; i++) {
		struct iface *f = &a->ifs[i];

		for (size_t j = 0; f->w && j < f->cfg->nprogs; j++)
			xdpchain_prog__close(f->w[j].prog);
		for (size_t j = 0; j < sizeof(f->pins) / sizeof(f->pins[0]); j++)
			pins_free(&f->pins[j]);
		free(f->w);
		free(f->pw);
		xdpchain_chain__free(f->chain);
	}
	free(a->ifs);
	apply_config_free(&a->cfg);
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
					       a.watch, a.dry_run, cmd_apply };

		return apply_watch(ctx, &wo);
	}
	ret = run(ctx, &a);
	if (!ret && ctx->json)
		print_json(ctx, &a);
	free_apply(&a);
	return ret;
}
