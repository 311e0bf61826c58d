// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Transactions (layer 5): changes queued by the caller, applied under the
 * interface lock as one new revision of the chain. Every change of a chain
 * is one: xdpchain_attach(), the detach calls (detach --all too) and
 * switching the counters are transactions of one change (attach.c).
 *
 * A transaction stages its changes (an attach's slot kind and description,
 * a detach by name's program), drops the programs whose owner exited, asks
 * the planner (plan.c) whether the result is possible and which mutation
 * makes it, and calls that one mutation (layer 4): a vacancy, an append
 * or a relocation in place, or a rebuild (the fallback when an in-place
 * change fails), or the chain's removal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"
#include "api/api.h"

bool xc_chain_stats(const struct xc_state *st)
{
	return st->chain.have && (st->chain.meta.flags & XDPCHAIN_META_F_STATS);
}

/* Say that st's chain is of another protocol version and what to do. */
static int refuse_version(const struct xc_state *st)
{
	char ifname[IF_NAMESIZE];
	const char *name = xc_ifname(st->store.ifindex, ifname);

	xc_warn("%s: its chain was written by another version of xdpchain, of on-bpffs "
		"protocol version %u; this one reads and changes version %u only. Remove "
		"that chain with 'xdpchain detach %s --all' (xdpchain_detach_all()), or "
		"'xdpchain gc' once the interface is gone, then attach again\n", name,
		st->chain.other_version, XDPCHAIN_META_VERSION, name);
	return -EPROTONOSUPPORT;
}

/* Lock the interface's state and check the caller's expected revision.
 * On success the lock is held; on -ESTALE too (the caller unlocks), and
 * on -EPROTONOSUPPORT: the chain is of another protocol version
 * (st->chain.other_version), refused unless any_version (detach --all). */
static int txn_begin(struct xc_state *st, int ifindex, const char *root, bool create,
		     bool rev_set, __u64 rev, bool any_version)
{
	__u64 cur;
	int err;

	err = xc_state_lock(st, ifindex, root, create, false, NULL);
	if (err)
		return err;
	if (st->chain.other_version && !st->chain.away_link && !any_version)
		return refuse_version(st);
	cur = st->chain.have ? st->chain.meta.revision : 0;
	if (rev_set && cur != rev) {
		xc_warn("chain revision is %" PRIu64 ", expected %" PRIu64 "\n", (uint64_t)cur,
			(uint64_t)rev);
		return -ESTALE;
	}
	return 0;
}

/* A change that needs a chain, on an interface where none runs (a chain
 * that moved to another namespace with the interface that had this index
 * is not this one's). */
static int no_chain(const struct xc_state *st, int ifindex)
{
	char ifname[IF_NAMESIZE];

	xc_ifname(ifindex, ifname);
	if (st->chain.alien_id && !st->chain.away_link)
		xc_warn("%s/dispatcher keeps program %u attached to %s, which is not a valid "
			"xdpchain chain (%s); not touching it (removing that pin detaches it)\n",
			st->store.dir, st->chain.alien_id, ifname, st->chain.alien_why);
	else
		xc_warn("there is no xdpchain chain on %s\n", ifname);
	return -ENOENT;
}

/* Nothing of ours runs: is somebody else's program there? */
static int check_foreign(struct xc_state *st, bool replace, __u32 *foreign_id,
			 enum xdpchain_mode *foreign_mode)
{
	char ifname[IF_NAMESIZE], name[BPF_OBJ_NAME_LEN];
	const char *what = "XDP program";
	int err;

	if (st->chain.alien_id) {
		xc_warn("%s: %s/dispatcher keeps program %u attached, which is not a valid "
			"xdpchain chain (%s); refusing to touch it (removing that pin "
			"detaches it)\n", xc_ifname(st->store.ifindex, ifname), st->store.dir, st->chain.alien_id,
			st->chain.alien_why);
		return -EEXIST;
	}

	err = xc_xdp_prog_id(st->store.ifindex, foreign_id, foreign_mode);
	if (err) {
		xc_warn("cannot query XDP on %s: %s\n", xc_ifname(st->store.ifindex, ifname),
			strerror(-err));
		return err;
	}
	if (!*foreign_id)
		return 0;
	xc_prog_name_by_id(*foreign_id, name, sizeof(name));
	if (!strcmp(name, "xdp_dispatcher"))
		what = "libxdp dispatcher";
	else if (!strcmp(name, XC_DISP_PROG_NAME))
		what = "xdpchain dispatcher from another state root";
	if (replace) {
		xc_warn("replacing %s id %u name '%s' on %s\n", what, *foreign_id, name,
			xc_ifname(st->store.ifindex, ifname));
		return 0;
	}
	xc_warn("%s already runs %s id %u name '%s', not attached by xdpchain; "
		"refusing to replace it (use --replace-foreign to force)\n",
		xc_ifname(st->store.ifindex, ifname), what, *foreign_id, name);
	return -EEXIST;
}

/* Stage an attach: slot kind and the description of its slot. */
static int stage_attach(const struct xc_params *p, struct xc_change *c)
{
	struct xdpchain_prog *prog = c->prog;
	struct xdpchain_slot_meta *m = &c->m;
	struct timespec now;
	int err;

	c->slot_kind = xc_pick_kind(prog, p->backend, true, &err);
	if (err)
		return err;
	memset(m, 0, sizeof(*m));
	m->continue_on = prog->continue_on;
	m->priority = prog->priority;
	m->kind = (__u8)c->slot_kind;
	clock_gettime(CLOCK_REALTIME, &now);
	m->attach_time = (__u64)now.tv_sec * 1000000000ull + (__u64)now.tv_nsec;
	snprintf(m->name, sizeof(m->name), "%s", prog->name);
	snprintf(m->owner, sizeof(m->owner), "%s", prog->owner);
	m->anchor = c->anchor;
	m->anchor_id = c->anchor_id;
	if (prog->observer)
		m->flags |= XDPCHAIN_SLOT_F_OBSERVER;
	else
		xc_observer_hint(prog);
	if (prog->own_tails)
		m->flags |= XDPCHAIN_SLOT_F_TAILCALLS;
	if (c->owner_pid) {
		err = xc_owner_init(m, c->owner_pid);
		if (err) {
			xc_warn("%s: cannot bind it to process %u: %s\n", prog->name, c->owner_pid,
				err == -ESRCH ? "no such process" : strerror(-err));
			return err;
		}
	}
	return 0;
}

/* A program named in a change (a detach, an update, an attach's anchor):
 * the one program of that name in the running chain, as the caller saw it
 * (an exited owner's program is found too: detaching it is no error). */
static int stage_name(const struct xc_state *st, const char *name, __u32 *id)
{
	unsigned int found = xc_meta_find_name(&st->chain.meta, name, id);
	char ifname[IF_NAMESIZE];

	if (found == 1)
		return 0;
	xc_ifname(st->store.ifindex, ifname);
	if (!found) {
		xc_warn("no program named '%s' in the chain on %s\n", name, ifname);
		return -ENOENT;
	}
	xc_warn("%u programs match named '%s' on %s: give its id\n", found, name, ifname);
	return -EEXIST;
}

/* Every name a change gives, resolved (stage_name()). */
static int stage_names(const struct xc_state *st, struct xc_change *c, unsigned int nc)
{
	int err = 0;

	for (unsigned int i = 0; i < nc && !err; i++) {
		if (c[i].name)
			err = stage_name(st, c[i].name, &c[i].id);
		if (!err && c[i].anchor_name)
			err = stage_name(st, c[i].anchor_name, &c[i].anchor_id);
	}
	return err;
}

/*
 * Programs whose owner process exited leave with the next change. Returns
 * how many were dropped from e (their ids go to dead[]).
 */
static unsigned int drop_dead(struct xc_state *st, struct xc_entry *e, unsigned int *n,
			      __u32 *dead)
{
	char ifname[IF_NAMESIZE];
	unsigned int i = 0, nd = 0;

	while (i < *n) {
		if (xc_owner_alive(&e[i].m)) { /* alive, or cannot tell */
			i++;
			continue;
		}
		xc_info("%s: removing %s (%u): its owner process %u exited\n",
			xc_ifname(st->store.ifindex, ifname), e[i].m.name, e[i].m.prog_id,
			e[i].m.owner_pid);
		dead[nd++] = e[i].m.prog_id;
		memmove(&e[i], &e[i + 1], (*n - i - 1) * sizeof(*e));
		(*n)--;
	}
	return nd;
}

/* The one program a removal-only transaction takes out, in place. */
static bool try_vacate(struct xc_state *st, const struct xc_params *p, const struct xc_entry *e,
		       unsigned int n, const struct xc_plan *plan)
{
	struct xc_running run = xc_state_running(st);
	int idx = xc_plan_in_place(&run, e, n, plan, p->stats);
	unsigned int slot;

	/* A moved chain is rebuilt, so that its metadata names where it
	 * runs now. */
	if (idx < 0 || st->chain.moved)
		return false;
	slot = st->chain.off + st->chain.pos[idx];
	if (xc_vacate(st, (unsigned int)idx)) {
		xc_warn("rebuilding the chain instead\n");
		return false;
	}
	xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s), slot %u emptied in place\n",
		st->store.ifindex, (uint64_t)st->chain.meta.revision, st->chain.meta.nr_progs, slot);
	xc_state_gc(st, &st->chain.meta, NULL); /* its prog-<id> pin */
	return true;
}

/* One program that sorts after the chain joins at a spare position.
 * Returns 1 if it did, 0 for a rebuild, -EINPROGRESS if it did but does not
 * run yet (append.c: committed, nothing to undo), or the error of a program
 * that did not load. */
static int try_append(struct xc_state *st, const struct xc_params *p, struct xc_change *c,
		      const struct xc_entry *e, unsigned int n, unsigned int nc,
		      unsigned int ndead)
{
	int err;

	if (nc != 1 || c->kind != XC_ATTACH || ndead || p->stats || !st->chain.have || st->chain.moved ||
	    !xc_plan_can_append(&st->chain.base, &c->m, c->prog->fd >= 0 ? c->prog->id : 0,
				xc_plan_chain_frags(e, n, c)))
		return 0;
	err = xc_append(st, c->prog, &c->m);
	if (!err || err == -EINPROGRESS) {
		xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s), %s appended in "
			"place at position %u\n", st->store.ifindex, (uint64_t)st->chain.meta.revision,
			st->chain.meta.nr_progs, c->m.name, st->chain.base.nr_progs - 1);
		xc_state_gc(st, &st->chain.meta, NULL);
		return err ? err : 1;
	}
	if (c->prog->fd < 0)
		return err; /* the program itself did not load */
	xc_warn("rebuilding the chain instead\n");
	return 0;
}

/* The new chain, one program joining or one changed, is written into the
 * running dispatcher's spare positions and committed in place (section
 * 6c). Returns 1 if it was, 0 for a rebuild, or the error of a joining
 * program that did not load. */
static int try_relocate(struct xc_state *st, struct xc_change *c, const struct xc_entry *e,
			unsigned int n, unsigned int nc, unsigned int ndead,
			const struct xc_plan *plan)
{
	struct xc_running run = xc_state_running(st);
	struct xdpchain_slot_meta *s;
	int k, joins, err;
	bool frags;

	if (ndead || !st->chain.have || st->chain.moved || nc != 1)
		return 0;
	frags = xc_plan_chain_frags(e, n, c->kind == XC_ATTACH ? c : NULL);
	s = calloc(XDPCHAIN_MAX_SLOTS, sizeof(*s)); /* about 10 KB: not on the stack */
	if (!s)
		return 0;
	k = xc_plan_relocate(&run, e, n, c, nc, plan, frags, s, &joins);
	err = k < 0 ? 0 : xc_relocate(st, c->prog, &c->m, s, (unsigned int)k, joins);
	free(s);
	if (k < 0)
		return 0;
	if (!err) {
		xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s), relocated in place "
			"to positions %u..%u\n", st->store.ifindex, (uint64_t)st->chain.meta.revision,
			st->chain.meta.nr_progs, st->chain.off, st->chain.off + k - 1);
		return 1;
	}
	if (joins >= 0 && c->prog->fd < 0)
		return err; /* the program itself did not load */
	xc_warn("rebuilding the chain instead\n");
	return 0;
}

static int apply(struct xc_state *st, const struct xc_params *p, struct xc_change *c,
		 unsigned int nc, struct xc_entry *e, __u32 *dead)
{
	struct xc_build b = { .mode = p->mode, .foreign_mode = XDPCHAIN_MODE_UNSPEC };
	char ifname[IF_NAMESIZE];
	unsigned int n = 0, ndead, i;
	struct xc_plan plan;
	int err;

	xc_ifname(st->store.ifindex, ifname);
	if (nc && c[0].kind == XC_ADOPT) {
		err = xc_adopt_stage(st, c, nc, &b);
		if (err)
			return err;
	}
	if (st->chain.have) {
		if (b.mode != XDPCHAIN_MODE_UNSPEC && b.mode != (enum xdpchain_mode)st->chain.meta.mode) {
			xc_warn("the chain on %s runs in %s mode; cannot add a program in %s mode\n",
				ifname, xc_mode_str(st->chain.meta.mode), xc_mode_str(b.mode));
			return -EINVAL;
		}
		b.mode = st->chain.meta.mode;
		n = st->chain.meta.nr_progs;
		for (i = 0; i < n; i++) {
			e[i].m = st->chain.meta.slots[i];
			e[i].fd = -1;
			e[i].fresh = false;
		}
	}
	err = stage_names(st, c, nc);
	if (err)
		return err;
	ndead = drop_dead(st, e, &n, dead);
	for (i = 0; i < nc; i++) {
		if (c[i].kind != XC_ATTACH)
			continue;
		err = stage_attach(p, &c[i]);
		if (!err)
			err = xc_map_dir_prepare(st, c[i].prog);
		if (err)
			return err;
	}
	err = xc_plan_changes(e, &n, c, nc, dead, ndead, xc_chain_stats(st), p->force, ifname,
			      &plan);
	if (err || !plan.changed)
		return err;
	if (!st->chain.have && plan.nattach && !b.adopt_id) {
		if (b.mode == XDPCHAIN_MODE_UNSPEC)
			b.mode = XDPCHAIN_MODE_NATIVE;
		err = check_foreign(st, p->replace_foreign, &b.foreign_id, &b.foreign_mode);
		if (err)
			return err;
	}
	err = xc_plan_limits(e, n, c, nc, plan.nattach, ifname);
	if (!err)
		err = xc_plan_frags(e, n, c, nc, ifname);
	if (err)
		return err;
	if (!n && !plan.nattach)
		return xc_remove_all(st);
	if (try_vacate(st, p, e, n, &plan))
		return 0;
	err = try_append(st, p, c, e, n, nc, ndead);
	if (err)
		return err < 0 ? err : 0;
	err = p->stats ? 0 : try_relocate(st, c, e, n, nc, ndead, &plan);
	if (err)
		return err < 0 ? err : 0;
	b.stats = plan.stats || p->stats;
	return xc_rebuild(st, e, n, c, nc, &b);
}

/* Under the lock: apply changes c[0..nc) to the running chain, in order,
 * as one new revision; with no effective change, nothing happens. */
static int txn_apply(struct xc_state *st, const struct xc_params *p, struct xc_change *c,
		     unsigned int nc)
{
	/* Room for the whole chain: about 10 KB, not on the stack. */
	struct xc_entry *e = calloc(XDPCHAIN_MAX_SLOTS, sizeof(*e));
	__u32 *dead = calloc(XDPCHAIN_MAX_SLOTS, sizeof(*dead));
	int err = -ENOMEM;

	if (e && dead)
		err = apply(st, p, c, nc, e, dead);
	free(e);
	free(dead);
	return err;
}

int xc_txn_run(int ifindex, const struct xc_params *p, struct xc_change *c, unsigned int nc,
	       __u64 *revision)
{
	struct xc_state *st = xc_state_new();
	bool create = false, any_version;
	int err;

	if (!st)
		return -ENOMEM;
	for (unsigned int i = 0; i < nc; i++)
		create = create || c[i].kind == XC_ATTACH || c[i].kind == XC_ADOPT;
	/* detach --all removes a chain of another protocol version too. */
	any_version = nc == 1 && c[0].kind == XC_DETACH_ALL;
	err = txn_begin(st, ifindex, p->root, create, p->rev_set, p->rev, any_version);
	if (err == -ENOENT && !create) {
		/* No state directory: no chain to change. */
		if (revision)
			*revision = 0;
		err = nc ? no_chain(st, ifindex) : 0;
		xc_state_free(st);
		return err;
	}
	if (err && err != -ESTALE) {
		xc_state_free(st);
		return err;
	}
	if (!err && any_version && st->chain.other_version && !st->chain.away_link) {
		/* Not read as a chain (its metadata is not ours): removed
		 * whole, link and every pin (protocol.md section 3). */
		err = xc_remove_all(st);
		goto out;
	}
	/* Only attaches make a chain; the state of none is collected below. */
	if (!err && !create && nc && !st->chain.have)
		err = no_chain(st, ifindex);
	if (!err)
		err = txn_apply(st, p, c, nc);
	if (err && st->store.dir_fd >= 0)
		xc_state_gc(st, st->chain.have ? &st->chain.meta : NULL, NULL);
	if (!st->chain.have && st->store.dir_fd >= 0)
		xc_state_dir_remove(st);
out:
	if (revision)
		*revision = st->chain.have ? st->chain.meta.revision : 0;
	xc_state_unlock(st);
	if (st->store.root[0])
		xc_collect_vanished(st->store.root, st->store.netns_ino, ifindex);
	xc_state_free(st);
	return err;
}
