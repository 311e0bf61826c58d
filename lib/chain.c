// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Chain changes. Every change is one transaction under the interface lock:
 *   1. load the new program (if any) and pin it;
 *   2. load a new dispatcher whose frozen .rodata describes the new chain;
 *   3. fill its program array (tail-call slots) and link every freplace
 *      program to its slot, pinning both under the new revision;
 *   4. swap: one bpf_link_update() naming the old dispatcher (the kernel's
 *      compare-and-swap), or a new link when there was no chain;
 *   5. collect what the old revision used.
 * A failure or crash before 4 leaves the old chain running and only
 * orphans behind, which the next transaction collects (xc_state_gc).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/if_link.h>
#include <linux/membarrier.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include "internal.h"

struct xc_entry {
	struct xdpchain_slot_meta m;
	int fd;
	bool fresh; /* joins now: needs a stats index of its own */
};

static int entry_cmp(const void *a, const void *b)
{
	return xc_slot_cmp(&((const struct xc_entry *)a)->m, &((const struct xc_entry *)b)->m);
}

static void entries_close(struct xc_entry *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].fd >= 0)
			close(e[i].fd);
}

/* The program pinned as prog-<id>, only if it really is program id. */
static int prog_from_pin(struct xc_state *st, __u32 id)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd = xc_get_at(st, "prog-%u", id);

	if (fd < 0)
		return fd;
	if (!xc_fd_is(fd, XC_FD_PROG) || bpf_obj_get_info_by_fd(fd, &info, &len) ||
	    info.id != id) {
		xc_warn("%s/prog-%u is not program %u: replacing the pin\n", st->dir, id, id);
		close(fd);
		xc_unpin_at(st, "prog-%u", id);
		return -ENOENT;
	}
	return fd;
}

/* The file descriptor of a running chain's program, from its pin (or, if
 * the pin was lost or is wrong, from its id, pinning it again). */
static int entry_open(struct xc_state *st, struct xc_entry *e)
{
	__u32 id = e->m.prog_id;
	int err;

	e->fd = prog_from_pin(st, id);
	if (e->fd >= 0)
		return 0;
	e->fd = bpf_prog_get_fd_by_id(id);
	if (e->fd >= 0 && !xc_pin_at(st, e->fd, "prog-%u", id))
		return 0;
	err = e->fd < 0 ? -errno : -EIO;
	if (e->fd >= 0)
		close(e->fd);
	e->fd = -1;
	xc_warn("program %u (%s) of the chain is gone\n", id, e->m.name);
	return err;
}

/* File descriptors of all the running chain's programs. */
static int entries_from_state(struct xc_state *st, struct xc_entry *e)
{
	unsigned int i;
	int err;

	for (i = 0; i < st->meta.nr_progs; i++) {
		e[i].m = st->meta.slots[i];
		e[i].fresh = false;
		err = entry_open(st, &e[i]);
		if (err) {
			entries_close(e, i);
			return err;
		}
	}
	return 0;
}

static const char *ifname_of(int ifindex, char *buf)
{
	if (!if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%d", ifindex);
	return buf;
}

static __u32 mode_flags(enum xdpchain_mode mode)
{
	return mode == XDPCHAIN_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
}

static void prog_name_by_id(__u32 id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	__u32 ilen = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(id);

	snprintf(name, len, "?");
	if (fd < 0)
		return;
	if (!bpf_obj_get_info_by_fd(fd, &info, &ilen))
		snprintf(name, len, "%s", info.name);
	close(fd);
}

/* Create the XDP link of a new chain, replacing a foreign program if
 * asked to. Returns the link fd. */
static int link_new(struct xc_state *st, int disp_fd, enum xdpchain_mode mode,
		    __u32 foreign_id, enum xdpchain_mode foreign_mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = mode_flags(mode));
	char ifname[IF_NAMESIZE];
	int fd, err;

	if (foreign_id) {
		/* The only gap in the interface's coverage, and only on an
		 * explicit request: netlink cannot swap to a link atomically. */
		err = bpf_xdp_detach(st->ifindex, mode_flags(foreign_mode), NULL);
		if (err) {
			xc_warn("cannot remove foreign program %u from %s: %s\n", foreign_id,
				ifname_of(st->ifindex, ifname), strerror(-err));
			return err;
		}
		xc_info("removed foreign program %u from %s\n", foreign_id,
			ifname_of(st->ifindex, ifname));
	}
	fd = bpf_link_create(disp_fd, st->ifindex, BPF_XDP, &lo);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EOPNOTSUPP)
		xc_warn("%s does not support %s XDP%s\n", ifname_of(st->ifindex, ifname),
			xdpchain_mode_str(mode),
			mode == XDPCHAIN_MODE_NATIVE ? ": try --mode skb" : "");
	else if (err == -EBUSY || err == -EEXIST)
		xc_warn("another XDP program was attached to %s meanwhile\n",
			ifname_of(st->ifindex, ifname));
	else
		xc_warn("cannot attach the dispatcher to %s in %s mode: %s\n",
			ifname_of(st->ifindex, ifname), xdpchain_mode_str(mode), strerror(-err));
	return err;
}

/* Whether the running chain counts verdicts (and so the next revision
 * does too unless switched off). */
static bool chain_stats(const struct xc_state *st)
{
	return st->have && (st->meta.flags & XDPCHAIN_META_F_STATS);
}

/*
 * After the swap, packets that entered the old dispatcher just before it
 * may still be running in it, and they use the old revision's program
 * array and freplace links: collecting those now would make such a packet
 * skip a program. XDP runs inside RCU read-side sections, so one RCU
 * grace period (membarrier(MEMBARRIER_CMD_GLOBAL) waits for one) lets
 * them finish. Kernels booted with nohz_full refuse that command: then
 * wait a little, which covers any packet in practice but is no proof.
 */
static void wait_inflight(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0)
		return;
	xc_debug("membarrier: %s; waiting 20 ms for packets in flight\n", strerror(errno));
	usleep(20000);
}

static int chain_commit(struct xc_state *st, struct xc_entry *e, unsigned int n,
			enum xdpchain_mode mode, __u32 foreign_id,
			enum xdpchain_mode foreign_mode, bool stats)
{
	struct xdpchain_dispatcher *d = NULL;
	struct xdpchain_meta meta;
	__u64 rev = st->have ? st->meta.revision + 1 : 1, fresh_idx, running_idx = 0;
	bool fresh[XDPCHAIN_MAX_SLOTS];
	char why[160];
	int err = 0, disp_fd, array_fd, fd, stats_fd = -1;
	unsigned int i;

	qsort(e, n, sizeof(*e), entry_cmp);
	xc_meta_init(&meta, rev, st->ifindex, mode, st->netns_ino);
	meta.nr_progs = n;
	for (i = 0; i < n; i++) {
		meta.slots[i] = e[i].m;
		fresh[i] = e[i].fresh;
	}
	/* A program leaving in this revision still counts at its index
	 * until the swap: a joining one must not take it over then. */
	if (st->have)
		running_idx = xc_state_base_idx(st); /* vacant slots' too */
	fresh_idx = xc_stats_idx_assign(meta.slots, n, fresh, running_idx);
	if (xc_meta_frags(&meta))
		meta.flags |= XDPCHAIN_META_F_FRAGS;
	if (stats)
		meta.flags |= XDPCHAIN_META_F_STATS;
	if (xc_meta_validate(&meta, why, sizeof(why))) {
		xc_warn("refusing to build an invalid chain: %s\n", why);
		err = -EINVAL;
		goto out;
	}
	/* After validation: the slot BTF ids come with the build. */
	meta.nr_spare = xc_meta_spares(n, meta.flags);
	if (stats) {
		/* Every revision counts into the interface's one map. */
		stats_fd = xc_stats_map_get(st);
		if (stats_fd < 0 && stats_fd != -ENOENT) {
			err = stats_fd;
			goto out;
		}
	}
	d = xc_disp_load_stats(&meta, stats_fd);
	if (!d) {
		err = -errno;
		goto out;
	}
	xc_fault(XC_FAULT_DISP_LOAD, "dispatcher");
	xc_disp_get_meta(d, &meta);
	disp_fd = xc_disp_prog_fd(d);
	array_fd = xc_disp_array_fd(d);
	if (stats && stats_fd < 0) {
		/* A new map starts at zero: nothing to reset. */
		err = xc_pin_at(st, xc_disp_stats_fd(d), XDPCHAIN_STATS_PIN);
		if (err)
			goto out;
	} else if (stats && fresh_idx) {
		/* Programs that join start from zero. Their indexes are not
		 * used by the running revision, so nothing counts there now. */
		err = xc_stats_reset(stats_fd, fresh_idx);
		if (err) {
			xc_warn("cannot reset the counters of joining programs: %s\n",
				strerror(-err));
			goto out;
		}
	}
	/* Pin the array before filling it: a program array loses its
	 * entries when its last user reference goes away. */
	err = xc_pin_at(st, array_fd, "progs-%" PRIu64, (uint64_t)rev);
	/* Readers get the dispatcher and its metadata from these pins, which
	 * needs no CAP_SYS_ADMIN (getting them by id from the link does). */
	if (!err)
		err = xc_pin_at(st, disp_fd, "disp-%" PRIu64, (uint64_t)rev);
	if (!err)
		err = xc_pin_at(st, xc_disp_meta_fd(d), "meta-%" PRIu64, (uint64_t)rev);
	if (!err && meta.nr_spare)
		err = xc_pin_at(st, xc_disp_live_fd(d), XDPCHAIN_LIVE_PIN "-%" PRIu64,
				(uint64_t)rev);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		if (e[i].m.kind == XDPCHAIN_SLOT_TAILCALL) {
			if (bpf_map_update_elem(array_fd, &i, &e[i].fd, BPF_ANY)) {
				err = -errno;
				xc_warn("cannot put %s (%u) in tail-call slot %u: %s%s\n",
					e[i].m.name, e[i].m.prog_id, i, strerror(errno),
					errno == EINVAL ? " (was it loaded with another "
							  "multi-buffer flag than the chain's?)" : "");
				goto out;
			}
			xc_fault(XC_FAULT_TAIL_UPDATE, e[i].m.name);
			continue;
		}
		LIBBPF_OPTS(bpf_link_create_opts, lo,
			    .target_btf_id = (__u32)(xc_meta_whole(&meta)
						     ? xc_disp_main_btf_id(d)
						     : xc_disp_slot_btf_id(d, i)));
		fd = bpf_link_create(e[i].fd, disp_fd, 0, &lo);
		if (fd < 0) {
			err = -errno;
			xc_warn("cannot attach %s (%u) to slot %u: %s\n", e[i].m.name,
				e[i].m.prog_id, i, strerror(errno));
			goto out;
		}
		xc_fault(XC_FAULT_EXT_LINK, e[i].m.name);
		err = xc_pin_at(st, fd, "link-%" PRIu64 "-%u", (uint64_t)rev, e[i].m.prog_id);
		close(fd);
		if (err)
			goto out;
	}

	if (st->have) {
		LIBBPF_OPTS(bpf_link_update_opts, uo, .flags = BPF_F_REPLACE,
			    .old_prog_fd = (__u32)st->disp_fd);

		if (bpf_link_update(st->link_fd, disp_fd, &uo)) {
			err = -errno;
			if (err == -EPERM) {
				xc_warn("the dispatcher was replaced behind our back\n");
				err = -EBUSY;
			} else {
				xc_warn("cannot swap the dispatcher: %s\n", strerror(-err));
			}
			goto out;
		}
		xc_fault(XC_FAULT_SWAP, "dispatcher");
		wait_inflight();
	} else {
		fd = link_new(st, disp_fd, mode, foreign_id, foreign_mode);
		if (fd < 0) {
			err = fd;
			goto out;
		}
		xc_fault(XC_FAULT_LINK_CREATE, "dispatcher");
		err = xc_pin_at(st, fd, "dispatcher");
		if (err) {
			/* Without the pin the chain would vanish with us. */
			bpf_link_detach(fd);
			close(fd);
			goto out;
		}
		st->link_fd = fd;
	}
	/* The new revision runs: adopt it and collect the old one. */
	if (st->disp_fd >= 0)
		close(st->disp_fd);
	st->disp_fd = fcntl_dupfd(disp_fd);
	xc_state_adopt(st, &meta);
	st->have = true;
	xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s)\n", st->ifindex,
		(uint64_t)rev, n);
out:
	if (stats_fd >= 0)
		close(stats_fd);
	xc_state_gc(st, st->have ? &st->meta : NULL);
	xc_disp_free(d);
	return err;
}

/* After the last program left (or a failed first attach): remove the
 * empty state directories. */
static void state_dir_remove(struct xc_state *st)
{
	char *slash;

	if (rmdir(st->dir) && errno != ENOENT && errno != ENOTEMPTY)
		xc_warn("cannot remove %s: %s\n", st->dir, strerror(errno));
	slash = strrchr(st->dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(st->dir); /* the namespace's directory, if now empty */
		*slash = '/';
	}
}

/* Lock the interface's state and check the caller's expected revision.
 * On success the lock is held; on -ESTALE too (the caller unlocks). */
static int txn_begin(struct xc_state *st, int ifindex, const char *root, bool create,
		     bool rev_set, __u64 rev)
{
	__u64 cur;
	int err;

	err = xc_state_lock(st, ifindex, root, create);
	if (err)
		return err;
	cur = st->have ? st->meta.revision : 0;
	if (rev_set && cur != rev) {
		xc_warn("chain revision is %" PRIu64 ", expected %" PRIu64 "\n", (uint64_t)cur,
			(uint64_t)rev);
		return -ESTALE;
	}
	return 0;
}

/* Nothing of ours runs: is somebody else's program there? */
static int check_foreign(struct xc_state *st, bool replace, __u32 *foreign_id,
			 enum xdpchain_mode *foreign_mode)
{
	char ifname[IF_NAMESIZE], name[BPF_OBJ_NAME_LEN];
	const char *what = "XDP program";
	int err;

	if (st->alien_id) {
		xc_warn("%s: %s/dispatcher keeps program %u attached, which is not a valid "
			"xdpchain chain (%s); refusing to touch it (removing that pin "
			"detaches it)\n", ifname_of(st->ifindex, ifname), st->dir, st->alien_id,
			st->alien_why);
		return -EEXIST;
	}

	err = xc_xdp_prog_id(st->ifindex, foreign_id, foreign_mode);
	if (err) {
		xc_warn("cannot query XDP on %s: %s\n", ifname_of(st->ifindex, ifname),
			strerror(-err));
		return err;
	}
	if (!*foreign_id)
		return 0;
	prog_name_by_id(*foreign_id, name, sizeof(name));
	if (!strcmp(name, "xdp_dispatcher"))
		what = "libxdp dispatcher";
	else if (!strcmp(name, "xdpchain_disp"))
		what = "xdpchain dispatcher from another state root";
	if (replace) {
		xc_warn("replacing %s id %u name '%s' on %s\n", what, *foreign_id, name,
			ifname_of(st->ifindex, ifname));
		return 0;
	}
	xc_warn("%s already runs %s id %u name '%s', not attached by xdpchain; "
		"refusing to replace it (use --replace-foreign to force)\n",
		ifname_of(st->ifindex, ifname), what, *foreign_id, name);
	return -EEXIST;
}

static enum xdpchain_slot_kind pick_kind(const struct xdpchain_prog *prog,
					 enum xdpchain_backend backend, int *err)
{
	int probe;

	*err = 0;
	if (backend == XDPCHAIN_BACKEND_TAILCALL)
		return XDPCHAIN_SLOT_TAILCALL;
	if (prog->from_fd || !prog->has_btf) {
		if (backend == XDPCHAIN_BACKEND_FREPLACE) {
			xc_warn("%s: %s, so it can only join through a tail-call slot "
				"(use --backend auto or tailcall)\n", prog->name,
				prog->from_fd ? "already loaded as an XDP program"
					      : "has no BTF (built without clang -g), so it "
						"cannot be an EXT (freplace) program");
			*err = -EOPNOTSUPP;
		}
		return XDPCHAIN_SLOT_TAILCALL;
	}
	probe = xc_probe_freplace();
	if (!probe)
		return XDPCHAIN_SLOT_FREPLACE;
	if (backend == XDPCHAIN_BACKEND_FREPLACE) {
		xc_warn("this kernel refuses freplace (EXT) programs: %s; "
			"use --backend tailcall or auto\n", strerror(-probe));
		/* A missing capability (EXT needs CAP_PERFMON) is reported as
		 * such, so that the caller can name it. */
		*err = probe == -EPERM || probe == -EACCES ? probe : -EOPNOTSUPP;
	}
	return XDPCHAIN_SLOT_TAILCALL;
}

/* Load a program for its slot kind: an extension against a throwaway
 * one-slot dispatcher (xc_disp_load_ext_target()), or plain XDP. */
static int load_for_slot(struct xdpchain_prog *prog, enum xdpchain_slot_kind kind, bool frags)
{
	struct xdpchain_dispatcher *tmp = NULL;
	__u32 btf_id = 0;
	int err;

	if (kind == XDPCHAIN_SLOT_FREPLACE) {
		tmp = xc_disp_load_ext_target(frags, &btf_id);
		if (!tmp)
			return -errno;
	}
	err = xc_prog_load(prog, tmp != NULL, tmp ? xc_disp_prog_fd(tmp) : -1, btf_id, frags);
	xc_disp_free(tmp);
	return err;
}

int xc_prog_joins(struct xc_state *st, struct xdpchain_prog *prog, struct xdpchain_slot_meta *m)
{
	int err;

	xc_fault(XC_FAULT_PROG_LOAD, prog->name);
	err = xc_pin_at(st, prog->fd, "prog-%u", prog->id);
	if (err && err != -EEXIST)
		return err;
	m->prog_id = prog->id;
	xc_prog_tag(prog->fd, m->tag, NULL);
	return 0;
}

/*
 * A transaction: changes queued by the caller, applied under the lock in
 * one new dispatcher revision. xdpchain_attach() and the detach calls are
 * transactions of one change.
 */
enum xc_change_kind {
	XC_ATTACH = 1,
	XC_DETACH,
	XC_UPDATE,
};

struct xc_change {
	enum xc_change_kind kind;
	struct xdpchain_prog *prog; /* XC_ATTACH, borrowed */
	__u32 owner_pid;            /* XC_ATTACH: bound to this process */
	__u32 id;                   /* XC_DETACH, XC_UPDATE */
	int priority;               /* XC_UPDATE */
	__u32 continue_on;          /* XC_UPDATE */
	/* staged at commit (XC_ATTACH) */
	enum xdpchain_slot_kind slot_kind;
	struct xdpchain_slot_meta m;
};

struct xc_params {
	bool stats; /* switch the verdict counters on */
	enum xdpchain_mode mode;
	enum xdpchain_backend backend;
	bool replace_foreign;
	bool rev_set;
	__u64 rev;
	const char *root;
};

struct xdpchain_txn {
	int ifindex;
	struct xc_params p;
	char *root;
	struct xc_change *c;
	unsigned int n, cap;
	bool committed;
	__u64 revision;
};

static int find_entry(const struct xc_entry *e, unsigned int n, __u32 id)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].m.prog_id == id)
			return (int)i;
	return -1;
}

/* Multi-buffer: the chain is frags-aware only if every program is. A
 * tail-call program must have exactly the dispatcher's frags flag (the
 * kernel checks), and libbpf loads an "xdp.frags" program frags-aware
 * whatever we ask, so every tail-call slot must agree with the new chain's
 * flag. freplace programs get the flag we set. Sets the flags of the
 * programs to be attached. */
static int check_frags(struct xc_state *st, const struct xc_entry *e, unsigned int n,
		       struct xc_change *c, unsigned int nc)
{
	char ifname[IF_NAMESIZE];
	bool chain_frags = n || nc;
	unsigned int i;

	for (i = 0; i < n; i++)
		chain_frags = chain_frags && (e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	for (i = 0; i < nc; i++)
		if (c[i].kind == XC_ATTACH)
			chain_frags = chain_frags && c[i].prog->frags;
	for (i = 0; i < nc; i++) {
		struct xdpchain_prog *prog = c[i].prog;

		if (c[i].kind != XC_ATTACH)
			continue;
		if (c[i].slot_kind == XDPCHAIN_SLOT_FREPLACE) {
			if (prog->frags && chain_frags)
				c[i].m.flags |= XDPCHAIN_SLOT_F_FRAGS;
			continue;
		}
		if (prog->frags)
			c[i].m.flags |= XDPCHAIN_SLOT_F_FRAGS;
		if (prog->frags != chain_frags)
			goto bad;
	}
	for (i = 0; i < n; i++) {
		if (e[i].m.kind == XDPCHAIN_SLOT_TAILCALL &&
		    !!(e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS) != chain_frags) {
			/* Name the program that makes the chain disagree. */
			for (unsigned int j = 0; j < nc; j++)
				if (c[j].kind == XC_ATTACH) {
					i = j;
					goto bad;
				}
			xc_warn("tail-call program %s (%u) %s multi-buffer packets and the chain "
				"on %s would %sbe frags-aware\n", e[i].m.name, e[i].m.prog_id,
				chain_frags ? "does not support" : "supports",
				ifname_of(st->ifindex, ifname), chain_frags ? "" : "not ");
			return -EINVAL;
		}
	}
	return 0;
bad:
	xc_warn("%s %s multi-buffer packets (SEC(\"xdp%s\")), the chain on %s "
		"would %sbe frags-aware, and a tail-call program must match the "
		"chain; use the freplace backend or programs that agree\n",
		c[i].prog->name, c[i].prog->frags ? "supports" : "does not support",
		c[i].prog->frags ? ".frags" : "", ifname_of(st->ifindex, ifname),
		chain_frags ? "" : "not ");
	return -EINVAL;
}

/* Stage an attach: slot kind, checks that need no loading, metadata. */
static int stage_attach(struct xc_state *st, const struct xc_params *p, struct xc_change *c,
			const struct xc_entry *e, unsigned int n)
{
	struct xdpchain_prog *prog = c->prog;
	struct xdpchain_slot_meta *m = &c->m;
	char ifname[IF_NAMESIZE];
	struct timespec now;
	int err;

	c->slot_kind = pick_kind(prog, p->backend, &err);
	if (err)
		return err;
	if (prog->from_fd && find_entry(e, n, prog->id) >= 0) {
		xc_warn("program %u is already in the chain on %s\n", prog->id,
			ifname_of(st->ifindex, ifname));
		return -EEXIST;
	}
	memset(m, 0, sizeof(*m));
	m->continue_on = prog->continue_on;
	m->priority = prog->priority;
	m->kind = (__u8)c->slot_kind;
	clock_gettime(CLOCK_REALTIME, &now);
	m->attach_time = (__u64)now.tv_sec * 1000000000ull + (__u64)now.tv_nsec;
	snprintf(m->name, sizeof(m->name), "%s", prog->name);
	snprintf(m->owner, sizeof(m->owner), "%s", prog->owner);
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
			ifname_of(st->ifindex, ifname), e[i].m.name, e[i].m.prog_id,
			e[i].m.owner_pid);
		dead[nd++] = e[i].m.prog_id;
		memmove(&e[i], &e[i + 1], (*n - i - 1) * sizeof(*e));
		(*n)--;
	}
	return nd;
}

static bool id_in(const __u32 *ids, unsigned int n, __u32 id)
{
	for (unsigned int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static int remove_all(struct xc_state *st)
{
	if (st->have && bpf_link_detach(st->link_fd) && errno != EINVAL) {
		xc_warn("cannot detach the dispatcher link: %s\n", strerror(errno));
	} else if (st->have) {
		xc_fault(XC_FAULT_LINK_DETACH, "dispatcher");
		wait_inflight(); /* packets inside still run the whole chain */
	}
	xc_state_close(st);
	xc_state_gc(st, NULL);
	state_dir_remove(st);
	return 0;
}

/*
 * A transaction that only removes one program (detach, or an owner that
 * exited) empties its slot in place (vacancy.c) instead of building a new
 * dispatcher: no verification, no link update, no wait for packets in
 * flight. Only when the dispatcher would stay what a rebuild makes of the
 * chain but for the vacancy (same frags and counter flags), and while at
 * most a quarter of its slots are vacant: each vacant slot still costs a
 * call per packet, and the next rebuild compacts them. Returns the
 * program's index in st->meta, or -1 for a rebuild.
 */
static int in_place(struct xc_state *st, const struct xc_params *p, const struct xc_entry *e,
		    unsigned int n, bool only_removed)
{
	unsigned int i, j = 0, base_n = st->base.nr_progs;
	bool frags = true;
	int gone = -1;

	/* A version 2 library could still be reading this chain. */
	if (!st->have || st->base.version < 3 || !only_removed || !n ||
	    n + 1 != st->meta.nr_progs ||
	    base_n - n > base_n / 4 || (p->stats && !chain_stats(st)))
		return -1;
	for (i = 0; i < n; i++)
		frags = frags && (e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	if (frags != !!(st->base.flags & XDPCHAIN_META_F_FRAGS))
		return -1;
	for (i = 0; i < st->meta.nr_progs; i++) {
		if (j < n && e[j].m.prog_id == st->meta.slots[i].prog_id)
			j++;
		else if (gone < 0)
			gone = (int)i;
		else
			return -1;
	}
	return j == n ? gone : -1;
}

/* The multi-buffer flag of the chain e[0..n) with c joining
 * (check_frags() set c's flag). */
static bool chain_frags(const struct xc_entry *e, unsigned int n, const struct xc_change *c)
{
	bool frags = c->m.flags & XDPCHAIN_SLOT_F_FRAGS;

	for (unsigned int i = 0; i < n; i++)
		frags = frags && (e[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
	return frags;
}

/*
 * Under the lock: apply changes c[0..nc) to the running chain, in order,
 * as one new revision; with no effective change, nothing happens (no new
 * revision). Removing every program removes the chain.
 */
static int txn_apply(struct xc_state *st, const struct xc_params *p, struct xc_change *c,
		     unsigned int nc)
{
	struct xc_entry e[XDPCHAIN_MAX_SLOTS];
	enum xdpchain_mode mode = p->mode, foreign_mode = XDPCHAIN_MODE_UNSPEC;
	__u32 dead[XDPCHAIN_MAX_SLOTS], foreign_id = 0;
	char ifname[IF_NAMESIZE];
	unsigned int n = 0, nopen = 0, nattach = 0, tails = 0, ndead, i;
	bool changed, only_removed = true;
	int err = 0, idx;

	if (st->have) {
		if (mode != XDPCHAIN_MODE_UNSPEC && mode != (enum xdpchain_mode)st->meta.mode) {
			xc_warn("the chain on %s runs in %s mode; cannot add a program in %s mode\n",
				ifname_of(st->ifindex, ifname), xdpchain_mode_str(st->meta.mode),
				xdpchain_mode_str(mode));
			return -EINVAL;
		}
		mode = st->meta.mode;
		n = st->meta.nr_progs;
		for (i = 0; i < n; i++) {
			e[i].m = st->meta.slots[i];
			e[i].fd = -1;
			e[i].fresh = false;
		}
	}
	ndead = drop_dead(st, e, &n, dead);
	changed = ndead > 0;
	for (i = 0; i < nc; i++) {
		switch (c[i].kind) {
		case XC_DETACH:
		case XC_UPDATE:
			idx = find_entry(e, n, c[i].id);
			if (idx < 0 && c[i].kind == XC_DETACH && id_in(dead, ndead, c[i].id))
				continue; /* leaving anyway */
			if (idx < 0) {
				xc_warn("no program with id %u in the chain on %s\n", c[i].id,
					ifname_of(st->ifindex, ifname));
				return -ENOENT;
			}
			if (c[i].kind == XC_DETACH) {
				memmove(&e[idx], &e[idx + 1], (n - (unsigned int)idx - 1) * sizeof(*e));
				n--;
				changed = true;
			} else if (e[idx].m.priority != c[i].priority ||
				   e[idx].m.continue_on != c[i].continue_on) {
				e[idx].m.priority = c[i].priority;
				e[idx].m.continue_on = c[i].continue_on;
				changed = true;
				only_removed = false;
			}
			break;
		case XC_ATTACH:
			err = stage_attach(st, p, &c[i], e, n);
			if (err)
				return err;
			for (unsigned int j = 0; j < i; j++)
				if (c[j].kind == XC_ATTACH && c[j].prog == c[i].prog) {
					xc_warn("%s is queued twice\n", c[i].prog->name);
					return -EINVAL;
				}
			nattach++;
			changed = true;
			only_removed = false;
			break;
		}
	}
	if (!changed)
		return 0;
	if (!st->have && nattach) {
		if (mode == XDPCHAIN_MODE_UNSPEC)
			mode = XDPCHAIN_MODE_NATIVE;
		err = check_foreign(st, p->replace_foreign, &foreign_id, &foreign_mode);
		if (err)
			return err;
	}
	if (n + nattach > XDPCHAIN_MAX_SLOTS) {
		xc_warn("the chain on %s is full: %d programs is the maximum\n",
			ifname_of(st->ifindex, ifname), XDPCHAIN_MAX_SLOTS);
		return -E2BIG;
	}
	for (i = 0; i < n; i++)
		tails += e[i].m.kind == XDPCHAIN_SLOT_TAILCALL;
	for (i = 0; i < nc; i++)
		tails += c[i].kind == XC_ATTACH && c[i].slot_kind == XDPCHAIN_SLOT_TAILCALL;
	if (tails > XDPCHAIN_MAX_TAILCALL_SLOTS) {
		xc_warn("the chain on %s would have %u tail-call programs; %d is the most "
			"the kernel can run per packet (its tail-call limit); the "
			"freplace backend runs up to %d\n", ifname_of(st->ifindex, ifname), tails,
			XDPCHAIN_MAX_TAILCALL_SLOTS, XDPCHAIN_MAX_SLOTS);
		return -E2BIG;
	}
	err = check_frags(st, e, n, c, nc);
	if (err)
		return err;
	if (!n && !nattach)
		return remove_all(st);
	idx = in_place(st, p, e, n, only_removed);
	if (idx >= 0) {
		unsigned int slot = st->pos[idx];

		err = xc_vacate(st, (unsigned int)idx);
		if (!err) {
			xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s), slot %u "
				"emptied in place\n", st->ifindex, (uint64_t)st->meta.revision,
				st->meta.nr_progs, slot);
			xc_state_gc(st, &st->meta); /* its prog-<id> pin */
			return 0;
		}
		xc_warn("rebuilding the chain instead\n");
	}
	if (nc == 1 && nattach == 1 && !ndead && !p->stats &&
	    xc_can_append(st, &c[0].m, c[0].prog->fd >= 0 ? c[0].prog->id : 0,
			  chain_frags(e, n, &c[0]))) {
		err = xc_append(st, c[0].prog, &c[0].m);
		if (!err) {
			xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s), %s "
				"appended in place at position %u\n", st->ifindex,
				(uint64_t)st->meta.revision, st->meta.nr_progs, c[0].m.name,
				st->base.nr_progs - 1);
			xc_state_gc(st, &st->meta);
			return 0;
		}
		if (c[0].prog->fd < 0)
			return err; /* the program itself did not load */
		xc_warn("rebuilding the chain instead\n");
	}

	for (i = 0; i < n; i++, nopen++) {
		err = entry_open(st, &e[i]);
		if (err)
			goto out;
	}
	for (i = 0; i < nc; i++) {
		struct xdpchain_prog *prog = c[i].prog;

		if (c[i].kind != XC_ATTACH)
			continue;
		err = load_for_slot(prog, c[i].slot_kind, c[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
		if (err)
			goto out;
		err = xc_prog_joins(st, prog, &c[i].m);
		if (err)
			goto out;
		e[n].m = c[i].m;
		e[n].fd = fcntl_dupfd(prog->fd);
		e[n].fresh = true;
		n++;
		nopen++;
	}
	err = chain_commit(st, e, n, mode, foreign_id, foreign_mode,
			   chain_stats(st) || p->stats);
out:
	entries_close(e, nopen);
	return err;
}

static int txn_run(int ifindex, const struct xc_params *p, struct xc_change *c,
		   unsigned int nc, __u64 *revision)
{
	char ifname[IF_NAMESIZE];
	struct xc_state st;
	bool create = false;
	int err;

	for (unsigned int i = 0; i < nc; i++)
		create = create || c[i].kind == XC_ATTACH;
	err = txn_begin(&st, ifindex, p->root, create, p->rev_set, p->rev);
	if (err == -ENOENT && !create) {
		/* No state directory: no chain to change. */
		if (revision)
			*revision = 0;
		if (!nc)
			return 0;
		xc_warn("there is no xdpchain chain on %s\n", ifname_of(ifindex, ifname));
		return -ENOENT;
	}
	if (err && err != -ESTALE)
		return err;
	if (!err)
		err = txn_apply(&st, p, c, nc);
	if (err && st.dir_fd >= 0)
		xc_state_gc(&st, st.have ? &st.meta : NULL);
	if (!st.have && st.dir_fd >= 0)
		state_dir_remove(&st);
	if (revision)
		*revision = st.have ? st.meta.revision : 0;
	xc_state_unlock(&st);
	if (st.root[0])
		xc_gc_vanished(st.root, st.netns_ino, ifindex);
	return err;
}

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

static int check_attachable(const struct xdpchain_prog *prog)
{
	if (prog->id && !prog->from_fd) {
		xc_warn("%s is already attached (id %u); open the object again to attach "
			"another instance\n", prog->name, prog->id);
		return -EBUSY;
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
	/* Fail early when the backend is impossible, before any lock. */
	pick_kind(prog, p.backend, &err);
	if (err)
		return xc_err(err);
	return xc_err(txn_run(ifindex, &p, &c, 1, NULL));
}

typedef bool (*match_fn)(const struct xdpchain_slot_meta *m, const void *key);

static int detach_match(int ifindex, match_fn match, const void *key, const char *what,
			const struct xdpchain_detach_opts *opts)
{
	struct xc_change c = { .kind = XC_DETACH };
	struct xc_params p = {};
	char ifname[IF_NAMESIZE];
	struct xc_state st;
	unsigned int i, n, found = 0;
	int err;

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_detach_opts))
		return xc_err(-EINVAL);
	p.rev_set = XC_OPTS_GET(opts, expect_revision_set, false);
	p.rev = XC_OPTS_GET(opts, expected_revision, 0);
	err = txn_begin(&st, ifindex, XC_OPTS_GET(opts, bpffs_root, NULL), false, p.rev_set,
			p.rev);
	if (err == -ESTALE)
		goto out;
	if (err == -ENOENT || (!err && !st.have)) {
		if (!err && st.alien_id)
			xc_warn("%s/dispatcher keeps program %u attached to %s, which is not a "
				"valid xdpchain chain (%s); not touching it (removing that pin "
				"detaches it)\n", st.dir, st.alien_id, ifname_of(ifindex, ifname),
				st.alien_why);
		else
			xc_warn("there is no xdpchain chain on %s\n", ifname_of(ifindex, ifname));
		if (!err) {
			remove_all(&st); /* whatever stale state was there */
			xc_state_unlock(&st);
		}
		return xc_err(-ENOENT);
	}
	if (err)
		return xc_err(err);
	if (!match) {
		err = remove_all(&st);
		goto out;
	}
	n = st.meta.nr_progs;
	for (i = 0; i < n; i++) {
		if (match(&st.meta.slots[i], key)) {
			found++;
			c.id = st.meta.slots[i].prog_id;
		}
	}
	if (!found) {
		xc_warn("no program %s in the chain on %s\n", what, ifname_of(ifindex, ifname));
		err = -ENOENT;
		goto out;
	}
	if (found > 1) {
		xc_warn("%u programs match %s on %s: detach by id\n", found, what,
			ifname_of(ifindex, ifname));
		err = -EEXIST;
		goto out;
	}
	err = txn_apply(&st, &p, &c, 1);
out:
	xc_state_unlock(&st);
	xc_gc_vanished(st.root, st.netns_ino, ifindex);
	return xc_err(err);
}

static bool match_id(const struct xdpchain_slot_meta *m, const void *key)
{
	return m->prog_id == *(const __u32 *)key;
}

static bool match_name(const struct xdpchain_slot_meta *m, const void *key)
{
	return !strncmp(m->name, key, sizeof(m->name));
}

int xdpchain_detach_id(int ifindex, __u32 prog_id, const struct xdpchain_detach_opts *opts)
{
	char what[32];

	snprintf(what, sizeof(what), "with id %u", prog_id);
	return detach_match(ifindex, match_id, &prog_id, what, opts);
}

int xdpchain_detach_name(int ifindex, const char *name,
			 const struct xdpchain_detach_opts *opts)
{
	char what[XDPCHAIN_NAME_LEN + 16];

	if (!name || !*name)
		return xc_err(-EINVAL);
	snprintf(what, sizeof(what), "named '%s'", name);
	return detach_match(ifindex, match_name, name, what, opts);
}

int xdpchain_detach_all(int ifindex, const struct xdpchain_detach_opts *opts)
{
	return detach_match(ifindex, NULL, NULL, "", opts);
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
		pick_kind(prog, t->p.backend, &err);
	if (err)
		return xc_err(err);
	c = txn_add(t, XC_ATTACH);
	if (!c)
		return xc_err(-errno);
	c->prog = prog;
	c->owner_pid = (__u32)pid;
	return 0;
}

int xdpchain_txn__detach(struct xdpchain_txn *t, __u32 prog_id)
{
	struct xc_change *c;

	if (!t || !prog_id)
		return xc_err(-EINVAL);
	c = txn_add(t, XC_DETACH);
	if (!c)
		return xc_err(-errno);
	c->id = prog_id;
	return 0;
}

int xdpchain_txn__update(struct xdpchain_txn *t, __u32 prog_id, int priority,
			 __u32 continue_on)
{
	struct xc_change *c;

	if (!t || !prog_id || (continue_on & ~XDPCHAIN_VERDICTS_ALL))
		return xc_err(-EINVAL);
	c = txn_add(t, XC_UPDATE);
	if (!c)
		return xc_err(-errno);
	c->id = prog_id;
	c->priority = priority;
	c->continue_on = continue_on;
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
	err = txn_run(t->ifindex, &t->p, t->c, t->n, &t->revision);
	return xc_err(err);
}

__u64 xdpchain_txn__revision(const struct xdpchain_txn *t)
{
	return t ? t->revision : 0;
}

int xdpchain_set_stats(int ifindex, bool enable, const struct xdpchain_stats_opts *opts)
{
	struct xc_entry e[XDPCHAIN_MAX_SLOTS];
	char ifname[IF_NAMESIZE];
	struct xc_state st;
	int err;

	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_stats_opts))
		return xc_err(-EINVAL);
	err = txn_begin(&st, ifindex, XC_OPTS_GET(opts, bpffs_root, NULL), false,
			XC_OPTS_GET(opts, expect_revision_set, false),
			XC_OPTS_GET(opts, expected_revision, 0));
	if (err == -ESTALE)
		goto out;
	if (err == -ENOENT || (!err && !st.have)) {
		xc_warn("there is no xdpchain chain on %s\n", ifname_of(ifindex, ifname));
		err = -ENOENT;
		goto out;
	}
	if (err)
		return xc_err(err);
	/* Already so: no new revision (and the counters go on). */
	if (chain_stats(&st) == enable)
		goto out;
	err = entries_from_state(&st, e);
	if (err)
		goto out;
	err = chain_commit(&st, e, st.meta.nr_progs, st.meta.mode, 0, XDPCHAIN_MODE_UNSPEC,
			   enable);
	entries_close(e, st.meta.nr_progs);
out:
	xc_state_unlock(&st);
	return xc_err(err);
}
