// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain apply: an interface's plan committed as one transaction
 * (apply.h). */
#include <errno.h>
#include "apply.h"

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

/* The pins the programs to detach leave, asked before they go (the pins
 * stay): one query of the chain for them all. */
static void leaving_pin(__u32 prog_id, const char *name, const char *path, void *ctx)
{
	struct iface *f = ctx;

	for (int i = 0; i < f->nsteps; i++)
		if (f->steps[i].action == PLAN_DETACH && f->have[f->steps[i].have].id == prog_id)
			pins_add(&f->pins[i], path);
}

static void detached_pins(struct cli_ctx *ctx, struct iface *f)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);

	for (int i = 0; i < f->nsteps; i++) {
		if (f->steps[i].action == PLAN_DETACH) {
			xdpchain_pinned_maps(f->ifindex, 0, leaving_pin, f, &qo);
			return;
		}
	}
}

int apply_commit_iface(struct cli_ctx *ctx, const struct apply *a, struct iface *f)
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
	detached_pins(ctx, f);
	for (int k = 0; k < 3 && !err; k++) {
		for (int i = 0; i < f->nsteps && !err; i++) {
			const struct plan_step *s = &f->steps[i];

			if (s->action != order[k])
				continue;
			switch (s->action) {
			case PLAN_DETACH:
				err = xdpchain_txn__detach(t, f->have[s->have].id, NULL);
				break;
			case PLAN_UPDATE:
				if (s->reorder)
					err = xdpchain_txn__update(t, f->have[s->have].id,
								   f->pw[s->want].priority,
								   f->pw[s->want].continue_on, NULL);
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
