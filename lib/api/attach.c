// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Changing a chain (layer 5): attach, detach, the transaction object and
 * switching the counters, each one transaction (txn.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kobj/kobj.h"
#include "api/api.h"

struct xdpchain_txn {
	int ifindex;
	struct xc_params p;
	char *root;
	struct xc_change *c;
	unsigned int n, cap;
	bool committed;
	__u64 revision;
};

static int params_from_attach(struct xc_params *p, const struct xdpchain_attach_opts *opts)
{
	memset(p, 0, sizeof(*p));
	p->mode = XC_OPTS_GET(opts, mode, XDPCHAIN_MODE_UNSPEC);
	p->backend = XC_OPTS_GET(opts, backend, XDPCHAIN_BACKEND_AUTO);
	p->replace_foreign = XC_OPTS_GET(opts, replace_foreign, false);
	p->rev_set = XC_OPTS_GET(opts, expect_revision_set, false);
	p->rev = XC_OPTS_GET(opts, expected_revision, 0);
	p->root = XC_OPTS_GET(opts, bpffs_root, NULL);
	p->stats = XC_OPTS_GET(opts, stats, false);
	if (p->mode == XDPCHAIN_MODE_HW) {
		xc_warn("hardware offload is not supported: a dispatcher calling other "
			"programs cannot be offloaded; use native or skb mode\n");
		return -EOPNOTSUPP;
	}
	if (p->mode > XDPCHAIN_MODE_HW || p->backend > XDPCHAIN_BACKEND_TAILCALL)
		return -EINVAL;
	return 0;
}

/* The relative placement a change asks for: at most one anchor, by id or
 * (a transaction's) a program that joins with it. */
static int anchor_from(struct xc_change *c, __u32 before_id, __u32 after_id,
		       struct xdpchain_prog *before_prog, struct xdpchain_prog *after_prog)
{
	if (!!before_id + !!after_id + !!before_prog + !!after_prog > 1) {
		xc_warn("a program is placed before one program or after one, not both\n");
		return -EINVAL;
	}
	c->anchor = before_id || before_prog ? XDPCHAIN_ANCHOR_BEFORE
		    : after_id || after_prog ? XDPCHAIN_ANCHOR_AFTER : XDPCHAIN_ANCHOR_NONE;
	c->anchor_id = before_id ? before_id : after_id;
	c->anchor_prog = before_prog ? before_prog : after_prog;
	return 0;
}

/* An attach's anchor by name (xdpchain_attach_opts.before_name,
 * after_name), resolved when the transaction stages it (txn.c). */
static int anchor_by_name(struct xc_change *c, const char *before, const char *after)
{
	if (!before && !after)
		return 0;
	if (c->anchor != XDPCHAIN_ANCHOR_NONE || (before && after) || !*(before ? before : after)) {
		xc_warn("a program is placed before one program or after one, not both\n");
		return -EINVAL;
	}
	c->anchor = before ? XDPCHAIN_ANCHOR_BEFORE : XDPCHAIN_ANCHOR_AFTER;
	c->anchor_name = before ? before : after;
	return 0;
}

/* A handle joins one chain; after a failed attempt it may try again (its
 * program, if the attempt loaded it, is used as it is). */
static int check_attachable(const struct xdpchain_prog *prog)
{
	if (prog->joined && !prog->from_fd) {
		xc_warn("%s is in a chain already (id %u); open the object again to attach "
			"another instance\n", prog->name, prog->id);
		return -EALREADY;
	}
	return 0;
}

int xdpchain_attach(struct xdpchain_prog *prog, int ifindex,
		    const struct xdpchain_attach_opts *opts)
{
	struct xc_change c = { .kind = XC_ATTACH, .prog = prog };
	struct xc_params p;
	int err, pid;

	if (!prog || ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_attach_opts))
		return xc_err(-EINVAL);
	err = params_from_attach(&p, opts);
	if (!err)
		err = check_attachable(prog);
	if (err)
		return xc_err(err);
	pid = XC_OPTS_GET(opts, owner_pid, 0);
	if (pid < 0)
		return xc_err(-EINVAL);
	c.owner_pid = (__u32)pid;
	err = anchor_from(&c, XC_OPTS_GET(opts, before_id, 0), XC_OPTS_GET(opts, after_id, 0),
			  NULL, NULL);
	if (!err)
		err = anchor_by_name(&c, XC_OPTS_GET(opts, before_name, NULL),
				     XC_OPTS_GET(opts, after_name, NULL));
	if (err)
		return xc_err(err);
	/* Fail early when the backend is impossible, before any lock. */
	xc_pick_kind(prog, p.backend, false, &err);
	if (err)
		return xc_err(err);
	err = xc_txn_run(ifindex, &p, &c, 1, NULL);
	/* -EINPROGRESS: joined, not running yet (xdpchain.h). */
	prog->joined = !err || err == -EINPROGRESS;
	return xc_err(err);
}


/* A detach: a transaction of one change, c (by id, by name, or all). */
static int detach(int ifindex, struct xc_change *c, const struct xdpchain_detach_opts *opts)
{
	struct xc_params p = {};

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_detach_opts))
		return xc_err(-EINVAL);
	p.rev_set = XC_OPTS_GET(opts, expect_revision_set, false);
	p.rev = XC_OPTS_GET(opts, expected_revision, 0);
	p.force = XC_OPTS_GET(opts, force, false);
	p.root = XC_OPTS_GET(opts, bpffs_root, NULL);
	return xc_err(xc_txn_run(ifindex, &p, c, 1, NULL));
}

int xdpchain_detach_id(int ifindex, __u32 prog_id, const struct xdpchain_detach_opts *opts)
{
	struct xc_change c = { .kind = XC_DETACH, .id = prog_id };

	return detach(ifindex, &c, opts);
}

int xdpchain_detach_name(int ifindex, const char *name,
			 const struct xdpchain_detach_opts *opts)
{
	struct xc_change c = { .kind = XC_DETACH, .name = name };

	if (!name || !*name)
		return xc_err(-EINVAL);
	return detach(ifindex, &c, opts);
}

/* Every program leaves: the transaction's removal takes the dispatcher,
 * its link and every pin with them (remove.c). */
int xdpchain_detach_all(int ifindex, const struct xdpchain_detach_opts *opts)
{
	struct xc_change c = { .kind = XC_DETACH_ALL };

	return detach(ifindex, &c, opts);
}

/* ---- the transaction object ---- */

struct xdpchain_txn *xdpchain_txn__new(int ifindex, const struct xdpchain_txn_opts *opts)
{
	struct xdpchain_txn *t;
	const char *root;

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_txn_opts))
		return xc_err_ptr(-EINVAL);
	t = calloc(1, sizeof(*t));
	if (!t)
		return xc_err_ptr(-ENOMEM);
	t->ifindex = ifindex;
	t->p.mode = XC_OPTS_GET(opts, mode, XDPCHAIN_MODE_UNSPEC);
	t->p.backend = XC_OPTS_GET(opts, backend, XDPCHAIN_BACKEND_AUTO);
	t->p.replace_foreign = XC_OPTS_GET(opts, replace_foreign, false);
	t->p.rev_set = XC_OPTS_GET(opts, expect_revision_set, false);
	t->p.rev = XC_OPTS_GET(opts, expected_revision, 0);
	t->p.stats = XC_OPTS_GET(opts, stats, false);
	t->p.force = XC_OPTS_GET(opts, force, false);
	root = XC_OPTS_GET(opts, bpffs_root, NULL);
	if (t->p.mode == XDPCHAIN_MODE_HW || t->p.mode > XDPCHAIN_MODE_HW ||
	    t->p.backend > XDPCHAIN_BACKEND_TAILCALL || (root && !(t->root = strdup(root)))) {
		int err = t->p.mode == XDPCHAIN_MODE_HW ? -EOPNOTSUPP
			: root && !t->root ? -ENOMEM : -EINVAL;

		if (err == -EOPNOTSUPP)
			xc_warn("hardware offload is not supported: a dispatcher calling other "
				"programs cannot be offloaded; use native or skb mode\n");
		free(t);
		return xc_err_ptr(err);
	}
	t->p.root = t->root;
	return t;
}

void xdpchain_txn__free(struct xdpchain_txn *t)
{
	if (!t)
		return;
	free(t->c);
	free(t->root);
	free(t);
}

static struct xc_change *txn_add(struct xdpchain_txn *t, enum xc_change_kind kind)
{
	struct xc_change *c;

	if (t->committed) {
		errno = EALREADY;
		return NULL;
	}
	if (t->n == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 8;

		if (cap > 4 * XDPCHAIN_MAX_SLOTS) {
			errno = E2BIG;
			return NULL;
		}
		c = realloc(t->c, cap * sizeof(*c));
		if (!c)
			return NULL;
		t->c = c;
		t->cap = cap;
	}
	c = &t->c[t->n++];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	return c;
}

int xdpchain_txn__attach(struct xdpchain_txn *t, struct xdpchain_prog *prog,
			 const struct xdpchain_txn_attach_opts *opts)
{
	struct xc_change *c;
	int err, pid;

	if (!t || !prog || !XC_OPTS_VALID(opts, xdpchain_txn_attach_opts))
		return xc_err(-EINVAL);
	pid = XC_OPTS_GET(opts, owner_pid, 0);
	if (pid < 0)
		return xc_err(-EINVAL);
	err = check_attachable(prog);
	if (!err)
		xc_pick_kind(prog, t->p.backend, false, &err);
	if (err)
		return xc_err(err);
	c = txn_add(t, XC_ATTACH);
	if (!c)
		return xc_err(-errno);
	c->prog = prog;
	c->owner_pid = (__u32)pid;
	err = anchor_from(c, XC_OPTS_GET(opts, before_id, 0), XC_OPTS_GET(opts, after_id, 0),
			  XC_OPTS_GET(opts, before_prog, NULL), XC_OPTS_GET(opts, after_prog, NULL));
	if (!err && c->anchor_prog == prog) {
		xc_warn("%s cannot be placed relative to itself\n", prog->name);
		err = -EINVAL;
	}
	if (err) {
		t->n--;
		return xc_err(err);
	}
	return 0;
}

int xdpchain_txn__detach(struct xdpchain_txn *t, __u32 prog_id,
			 const struct xdpchain_txn_detach_opts *opts)
{
	const char *name = XC_OPTS_GET(opts, name, NULL);
	struct xc_change *c;

	if (!t || !XC_OPTS_VALID(opts, xdpchain_txn_detach_opts) || !prog_id == !name ||
	    (name && !*name))
		return xc_err(-EINVAL);
	c = txn_add(t, XC_DETACH);
	if (!c)
		return xc_err(-errno);
	c->id = prog_id;
	c->name = name;
	return 0;
}

int xdpchain_txn__update(struct xdpchain_txn *t, __u32 prog_id, int priority,
			 __u32 continue_on, const struct xdpchain_txn_update_opts *opts)
{
	const char *name = XC_OPTS_GET(opts, name, NULL);
	struct xc_change *c;

	if (!t || !XC_OPTS_VALID(opts, xdpchain_txn_update_opts) || !prog_id == !name ||
	    (name && !*name) || (continue_on & ~XDPCHAIN_VERDICTS_ALL))
		return xc_err(-EINVAL);
	c = txn_add(t, XC_UPDATE);
	if (!c)
		return xc_err(-errno);
	c->id = prog_id;
	c->name = name;
	c->priority = priority;
	c->continue_on = continue_on;
	return 0;
}

int xdpchain_txn__place(struct xdpchain_txn *t, __u32 prog_id,
			const struct xdpchain_txn_place_opts *opts)
{
	struct xc_change *c;
	int err;

	if (!t || !prog_id || !XC_OPTS_VALID(opts, xdpchain_txn_place_opts))
		return xc_err(-EINVAL);
	c = txn_add(t, XC_PLACE);
	if (!c)
		return xc_err(-errno);
	c->id = prog_id;
	err = anchor_from(c, XC_OPTS_GET(opts, before_id, 0), XC_OPTS_GET(opts, after_id, 0),
			  XC_OPTS_GET(opts, before_prog, NULL), XC_OPTS_GET(opts, after_prog, NULL));
	if (err) {
		t->n--;
		return xc_err(err);
	}
	return 0;
}

int xdpchain_txn__commit(struct xdpchain_txn *t)
{
	int err;

	if (!t)
		return xc_err(-EINVAL);
	if (t->committed)
		return xc_err(-EALREADY);
	/* One shot: the programs of a failed commit may have been loaded. */
	t->committed = true;
	err = xc_txn_run(t->ifindex, &t->p, t->c, t->n, &t->revision);
	for (unsigned int i = 0; i < t->n && (!err || err == -EINPROGRESS); i++)
		if (t->c[i].kind == XC_ATTACH)
			t->c[i].prog->joined = true;
	return xc_err(err);
}

__u64 xdpchain_txn__revision(const struct xdpchain_txn *t)
{
	return t ? t->revision : 0;
}

/* A transaction whose one change is the chain's counter flag: a new
 * revision, unless the counters are already so (and no owner exited). */
int xdpchain_set_stats(int ifindex, bool enable, const struct xdpchain_stats_opts *opts)
{
	struct xc_change c = { .kind = XC_STATS, .stats = enable };
	struct xc_params p = {};

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_stats_opts))
		return xc_err(-EINVAL);
	p.rev_set = XC_OPTS_GET(opts, expect_revision_set, false);
	p.rev = XC_OPTS_GET(opts, expected_revision, 0);
	p.root = XC_OPTS_GET(opts, bpffs_root, NULL);
	return xc_err(xc_txn_run(ifindex, &p, &c, 1, NULL));
}
