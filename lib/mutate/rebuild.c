// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Rebuilding the chain (layer 4), under the interface lock:
 *   1. load the new programs (if any) and pin them;
 *   2. load a new dispatcher whose frozen .rodata describes the new chain;
 *   3. fill its program array (tail-call slots) and link every freplace
 *      program to its slot, pinning both under the new revision;
 *   4. swap: one bpf_link_update() naming the old dispatcher (the kernel's
 *      compare-and-swap), or a new link when there was no chain; a
 *      netlink-attached chain and an adoption: one netlink replace
 *      naming the program that runs (XDP_FLAGS_REPLACE);
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
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"

/* A foreign program taken off the interface for a new chain, held so
 * that it can be put back if the chain cannot take its place: with
 * --replace-foreign, the interface ends with the new chain or with what
 * ran before. */
struct foreign {
	int fd;    /* -1: none, or not held */
	__u32 id;
	enum xdpchain_mode mode;
};

static void entries_close(struct xc_entry *e, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (e[i].fd >= 0)
			close(e[i].fd);
}

/* The file descriptor of a running chain's program (xc_chain_prog_open()). */
static int entry_open(struct xc_state *st, struct xc_entry *e)
{
	e->fd = xc_chain_prog_open(st, e->m.prog_id, e->m.name);
	return e->fd < 0 ? e->fd : 0;
}

static int foreign_remove(struct xc_state *st, const struct xc_build *b, struct foreign *f)
{
	char ifname[IF_NAMESIZE];
	int err;

	f->fd = -1;
	f->id = b->foreign_id;
	f->mode = b->foreign_mode;
	if (!f->id)
		return 0;
	f->fd = bpf_prog_get_fd_by_id(f->id);
	if (f->fd < 0)
		xc_warn("cannot hold foreign program %u (%s: getting a program by id needs "
			"CAP_SYS_ADMIN): it is not put back if the attach fails\n", f->id,
			strerror(errno));
	/* The only gap in the interface's coverage, and only on an
	 * explicit request: netlink cannot swap to a link atomically. */
	err = bpf_xdp_detach(st->store.ifindex, xc_mode_flags(f->mode), NULL);
	if (err == -EBUSY) {
		xc_warn("foreign program %u on %s is held by a BPF link, which only its owner "
			"can detach (--replace-foreign replaces programs attached through "
			"netlink)\n", f->id, xc_ifname(st->store.ifindex, ifname));
		err = -EEXIST; /* retrying cannot help */
	} else if (err) {
		xc_warn("cannot remove foreign program %u from %s: %s\n", f->id,
			xc_ifname(st->store.ifindex, ifname), strerror(-err));
	}
	if (err) {
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
		return err;
	}
	xc_info("removed foreign program %u from %s\n", f->id, xc_ifname(st->store.ifindex, ifname));
	return 0;
}

/* The new chain did not take its place: the foreign program goes back. */
static void foreign_restore(struct xc_state *st, struct foreign *f)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, ao);
	char ifname[IF_NAMESIZE];
	int err;

	if (f->fd < 0)
		return;
	err = bpf_xdp_attach(st->store.ifindex, f->fd,
			     xc_mode_flags(f->mode) | XDP_FLAGS_UPDATE_IF_NOEXIST, &ao);
	if (err)
		xc_warn("cannot put foreign program %u back on %s: %s\n", f->id,
			xc_ifname(st->store.ifindex, ifname), strerror(-err));
	else
		xc_info("put foreign program %u back on %s\n", f->id,
			xc_ifname(st->store.ifindex, ifname));
}

/* Create the XDP link of a new chain. Returns the link fd. */
static int link_new(struct xc_state *st, int disp_fd, enum xdpchain_mode mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = xc_mode_flags(mode));
	char ifname[IF_NAMESIZE];
	int fd, err;

	fd = bpf_link_create(disp_fd, st->store.ifindex, BPF_XDP, &lo);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (err == -EOPNOTSUPP)
		xc_warn("%s does not support %s XDP%s\n", xc_ifname(st->store.ifindex, ifname),
			xc_mode_str(mode),
			mode == XDPCHAIN_MODE_NATIVE ? ": try --mode skb" : "");
	else if (err == -EBUSY || err == -EEXIST)
		xc_warn("another XDP program was attached to %s meanwhile\n",
			xc_ifname(st->store.ifindex, ifname));
	else
		xc_warn("cannot attach the dispatcher to %s in %s mode: %s\n",
			xc_ifname(st->store.ifindex, ifname), xc_mode_str(mode), strerror(-err));
	return err;
}

/*
 * The revision of a new chain: the time since boot in microseconds, never
 * 1, so that no revision is ever reused on an interface (an expected
 * revision read from an earlier chain, since detached, could otherwise
 * match a new one: docs/protocol.md, "Revisions"). Nothing needs to be
 * remembered once a chain is gone: every change takes far more than a
 * microsecond (several system calls under the interface lock), so a
 * chain's revision stays below the clock, and the next chain starts above
 * it. CLOCK_BOOTTIME never goes back and counts suspended time.
 */
static __u64 first_revision(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts))
		return 1;
	return (__u64)ts.tv_sec * 1000000 + (__u64)ts.tv_nsec / 1000;
}

/* The new revision's metadata for e[0..n) (sorted here); *fresh_idx: the
 * stats indexes given out anew. */
static int describe(struct xc_state *st, struct xc_entry *e, unsigned int n,
		    const struct xc_build *b, struct xdpchain_meta *meta, __u64 *fresh_idx)
{
	__u64 rev = st->chain.have ? st->chain.meta.revision + 1 : first_revision(), running_idx = 0;
	bool fresh[XDPCHAIN_MAX_SLOTS];
	char why[160];
	unsigned int i;

	xc_entries_sort(e, n);
	xc_meta_init(meta, rev, st->store.ifindex, b->mode, st->store.netns_ino);
	meta->nr_progs = n;
	for (i = 0; i < n; i++) {
		meta->slots[i] = e[i].m;
		fresh[i] = e[i].fresh;
	}
	/* A program leaving in this revision still counts at its index
	 * until the swap: a joining one must not take it over then. */
	if (st->chain.have)
		running_idx = xc_meta_idx_mask(&st->chain.base); /* vacant slots' too */
	*fresh_idx = xc_stats_idx_assign(meta->slots, n, fresh, running_idx);
	if (xc_meta_frags(meta))
		meta->flags |= XDPCHAIN_META_F_FRAGS;
	if (b->stats)
		meta->flags |= XDPCHAIN_META_F_STATS;
	if (xc_meta_observers(meta))
		meta->flags |= XDPCHAIN_META_F_OBSERVE;
	if (xc_meta_validate(meta, why, sizeof(why))) {
		xc_warn("refusing to build an invalid chain: %s\n", why);
		return -EINVAL;
	}
	/* After validation: the slot BTF ids come with the build. */
	meta->nr_spare = xc_meta_spares(meta);
	return 0;
}

/* The counters of a dispatcher that counts into stats_fd (-1: its own,
 * new map): a new map is pinned; in the interface's map, programs that
 * join start from zero. Their indexes are not used by the running
 * revision, so nothing counts there now. */
static int counters(struct xc_state *st, struct xdpchain_dispatcher *d, int stats_fd,
		    __u64 fresh_idx)
{
	int err;

	if (stats_fd < 0) /* a new map starts at zero: nothing to reset */
		return xc_pin_at(st, xc_disp_stats_fd(d), XDPCHAIN_STATS_PIN);
	if (!fresh_idx)
		return 0;
	err = xc_stats_reset(stats_fd, fresh_idx);
	if (err)
		xc_warn("cannot reset the counters of joining programs: %s\n", strerror(-err));
	return err;
}

/* Pin the revision's objects. The array first, before it is filled: a
 * program array loses its entries when its last user reference goes away.
 * Readers get the dispatcher and its metadata from the pins, which needs
 * no CAP_SYS_ADMIN (getting them by id from the link does). */
static int pin_revision(struct xc_state *st, struct xdpchain_dispatcher *d,
			const struct xdpchain_meta *meta)
{
	uint64_t rev = meta->revision;
	int err;

	err = xc_pin_at(st, xc_disp_array_fd(d), "progs-%" PRIu64, rev);
	if (!err)
		err = xc_pin_at(st, xc_disp_prog_fd(d), "disp-%" PRIu64, rev);
	if (!err)
		err = xc_pin_at(st, xc_disp_meta_fd(d), "meta-%" PRIu64, rev);
	/* Always: status reads nr_exhausted from it. */
	if (!err)
		err = xc_pin_at(st, xc_disp_live_fd(d), XDPCHAIN_LIVE_PIN "-%" PRIu64, rev);
	return err;
}

/* Every program into its slot: its program-array entry, or its freplace
 * link, pinned. A chain of one freplace program is linked to the main
 * function too (xc_meta_whole()): that link runs it while the chain is
 * that one program, the slot's once a second one is appended. */
static int fill(struct xc_state *st, struct xdpchain_dispatcher *d,
		const struct xdpchain_meta *meta, const struct xc_entry *e, unsigned int n)
{
	int array_fd = xc_disp_array_fd(d), err;
	char what[XDPCHAIN_NAME_LEN + 64], name[64];

	for (unsigned int i = 0; i < n; i++) {
		if (e[i].m.kind == XDPCHAIN_SLOT_TAILCALL) {
			if (bpf_map_update_elem(array_fd, &i, &e[i].fd, BPF_ANY)) {
				err = -errno;
				xc_warn("cannot put %s (%u) in tail-call slot %u: %s%s\n",
					e[i].m.name, e[i].m.prog_id, i, strerror(errno),
					errno == EINVAL ? " (was it loaded with another "
							  "multi-buffer flag than the chain's?)" : "");
				return err;
			}
			xc_fault(XC_FAULT_TAIL_UPDATE, e[i].m.name);
			continue;
		}
		snprintf(what, sizeof(what), "%s (%u) to slot %u", e[i].m.name, e[i].m.prog_id, i);
		snprintf(name, sizeof(name), "link-%" PRIu64 "-%u", (uint64_t)meta->revision,
			 e[i].m.prog_id);
		err = xc_ext_link_pin(st, e[i].fd, xc_disp_prog_fd(d),
				      (__u32)xc_disp_slot_btf_id(d, i), what, e[i].m.name, name);
		if (err)
			return err;
	}
	if (!xc_meta_whole(meta))
		return 0;
	snprintf(what, sizeof(what), "%s (%u) in place of the dispatcher", e[0].m.name,
		 e[0].m.prog_id);
	snprintf(name, sizeof(name), XDPCHAIN_MAIN_PIN "-%" PRIu64, (uint64_t)meta->revision);
	return xc_ext_link_pin(st, e[0].fd, xc_disp_prog_fd(d), (__u32)xc_disp_main_btf_id(d),
			       what, e[0].m.name, name);
}

/* Netlink-attached (an adopted chain, or the adoption itself): disp_fd
 * replaces old_fd, which must be what runs (the kernel's compare-and-swap
 * of XDP_FLAGS_REPLACE), and the interface is never without a program. */
static int swap_netlink(struct xc_state *st, int disp_fd, int old_fd, enum xdpchain_mode mode,
			enum xc_fault_step step, const char *what)
{
	char ifname[IF_NAMESIZE];
	int err = xc_xdp_swap(st->store.ifindex, disp_fd, old_fd, mode);

	(void)step; /* without fault injection */
	if (err == -EEXIST) {
		xc_warn("%s: %s was replaced behind our back\n", xc_ifname(st->store.ifindex, ifname),
			what);
		return -EBUSY;
	}
	if (err) {
		xc_warn("%s: cannot put the dispatcher in place of %s through netlink: %s\n",
			xc_ifname(st->store.ifindex, ifname), what, strerror(-err));
		return err;
	}
	xc_fault(step, what);
	xc_wait_inflight();
	return 0;
}

/*
 * A driver refuses a chain that is not frags-aware while the MTU is above
 * what one buffer holds, with ERANGE (veth) or EINVAL (virtio_net, whose
 * own reason goes to the kernel log or a tracepoint, never to us): the
 * bare errno ("Numerical result out of range") does not say that the MTU
 * and a program without xdp.frags are the cause, so say it here. 1500 is
 * below every driver's single-buffer limit.
 */
static void mtu_hint(struct xc_state *st, const struct xdpchain_meta *meta, int err)
{
	struct ifreq ifr = {};
	char ifname[IF_NAMESIZE];
	unsigned int i;
	int fd;

	if ((err != -ERANGE && err != -EINVAL) || (meta->flags & XDPCHAIN_META_F_FRAGS))
		return;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", xc_ifname(st->store.ifindex, ifname));
	if (!ioctl(fd, SIOCGIFMTU, &ifr) && ifr.ifr_mtu > 1500) {
		for (i = 0; i < meta->nr_progs; i++)
			if (!(meta->slots[i].flags & XDPCHAIN_SLOT_F_FRAGS))
				break;
		xc_warn("%s's MTU %d may be too large for a chain that is not frags-aware: "
			"program %s is not an xdp.frags (multi-buffer) program; lower the MTU "
			"or use only xdp.frags programs\n", ifname, ifr.ifr_mtu,
			i < meta->nr_progs ? meta->slots[i].name : "?");
	}
	close(fd);
}

/* The dispatcher disp_fd runs on the interface from now on: swapped in
 * for the running one (the kernel's compare-and-swap), or a new link. */
static int swap(struct xc_state *st, int disp_fd, const struct xc_build *b)
{
	struct foreign f;
	int fd, err;

	if (st->chain.have && st->chain.link_fd < 0)
		return swap_netlink(st, disp_fd, st->chain.disp_fd, b->mode, XC_FAULT_SWAP,
				    "the dispatcher");
	if (b->adopt_id)
		return swap_netlink(st, disp_fd, b->adopt_fd, b->mode, XC_FAULT_ADOPT,
				    "the adopted program");
	if (st->chain.have) {
		LIBBPF_OPTS(bpf_link_update_opts, uo, .flags = BPF_F_REPLACE,
			    .old_prog_fd = (__u32)st->chain.disp_fd);

		if (bpf_link_update(st->chain.link_fd, disp_fd, &uo)) {
			err = -errno;
			if (err == -EPERM) {
				xc_warn("the dispatcher was replaced behind our back\n");
				return -EBUSY;
			}
			xc_warn("cannot swap the dispatcher: %s\n", strerror(-err));
			return err;
		}
		xc_fault(XC_FAULT_SWAP, "dispatcher");
		xc_wait_inflight();
		return 0;
	}
	err = foreign_remove(st, b, &f);
	if (err)
		return err;
	fd = link_new(st, disp_fd, b->mode);
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
	xc_state_linked(st, fd);
out:
	if (err)
		foreign_restore(st, &f);
	if (f.fd >= 0)
		close(f.fd);
	return err;
}

/* The new revision counts on from the old one's packets aborted for want
 * of tail calls, so that the count is the chain's, not the revision's.
 * Those the old one counts between this read and the swap are lost: a
 * counter, not a ledger. Best effort: a count that cannot be read or
 * written leaves the new one at 0, with a debug message. */
static void carry_exhausted(struct xc_state *st, struct xdpchain_dispatcher *d)
{
	struct xdpchain_live *live;
	__u32 key = 0;
	__u64 n = 0;

	if (!st->chain.have || xc_state_exhausted(st, &n) || !n)
		return;
	live = malloc(sizeof(*live)); /* about 10 KB: not on the stack */
	if (!live)
		return;
	if (bpf_map_lookup_elem(xc_disp_live_fd(d), &key, live) == 0) {
		live->nr_exhausted = n;
		if (bpf_map_update_elem(xc_disp_live_fd(d), &key, live, BPF_EXIST))
			xc_debug("cannot carry the exhausted count over: %s\n", strerror(errno));
	}
	free(live);
}

/* Build, fill and swap in (or attach) the dispatcher of e[0..n), whose
 * file descriptors are open. */
static int commit(struct xc_state *st, struct xc_entry *e, unsigned int n,
		  const struct xc_build *b)
{
	struct xdpchain_dispatcher *d = NULL;
	struct xdpchain_meta *meta;
	int err, stats_fd = -1, verdict_fd = -1;
	__u64 fresh_idx;

	meta = malloc(sizeof(*meta)); /* about 10 KB: not on the stack */
	if (!meta)
		return -ENOMEM;
	err = describe(st, e, n, b, meta, &fresh_idx);
	if (!err && b->stats) {
		/* Every revision counts into the interface's one map. */
		stats_fd = xc_stats_map_get(st);
		if (stats_fd < 0 && stats_fd != -ENOENT)
			err = stats_fd;
	}
	if (!err && (meta->flags & XDPCHAIN_META_F_OBSERVE)) {
		verdict_fd = xc_verdict_map_get(st);
		if (verdict_fd < 0)
			err = verdict_fd;
	}
	if (err)
		goto out;
	d = xc_disp_load_maps(meta, stats_fd, verdict_fd);
	if (!d) {
		err = -errno;
		goto out;
	}
	xc_fault(XC_FAULT_DISP_LOAD, "dispatcher");
	xc_disp_get_meta(d, meta);
	err = b->stats ? counters(st, d, stats_fd, fresh_idx) : 0;
	if (!err)
		carry_exhausted(st, d);
	if (!err)
		err = pin_revision(st, d, meta);
	if (!err)
		err = fill(st, d, meta, e, n);
	if (!err)
		err = swap(st, xc_disp_prog_fd(d), b);
	if (err) {
		mtu_hint(st, meta, err);
		goto out;
	}
	/* The new revision runs: adopt it and collect the old one. */
	xc_state_swapped(st, xc_disp_prog_fd(d), meta);
	xc_info("ifindex %d: revision %" PRIu64 " runs %u program(s)\n", st->store.ifindex,
		(uint64_t)meta->revision, n);
out:
	if (stats_fd >= 0)
		close(stats_fd);
	if (verdict_fd >= 0)
		close(verdict_fd);
	xc_state_gc(st, st->chain.have ? &st->chain.meta : NULL, NULL);
	xc_disp_free(d);
	free(meta);
	return err;
}

/* Load prog for a slot of this kind: an extension against this process's
 * one-slot dispatcher (xc_ext_target()), or plain XDP. */
static int load_for(struct xdpchain_prog *prog, enum xdpchain_slot_kind kind, bool frags)
{
	__u32 btf_id = 0;
	int target = -1;

	/* Loaded already (an adopted extension): it is linked as it is. */
	if (kind == XDPCHAIN_SLOT_FREPLACE && !prog->from_fd) {
		target = xc_ext_target(frags, &btf_id);
		if (target < 0)
			return target;
	}
	return xc_prog_load(prog, target >= 0, target, btf_id, frags);
}

/* Placements on programs that joined with this change: their ids are
 * known now that they are loaded. */
static void anchors_joined(struct xc_entry *e, unsigned int n, const struct xc_change *c,
			   unsigned int nc)
{
	for (unsigned int i = 0; i < nc; i++) {
		__u32 id;
		int idx;

		if (!c[i].anchor_prog || (c[i].kind != XC_ATTACH && c[i].kind != XC_PLACE))
			continue;
		id = c[i].kind == XC_ATTACH ? c[i].prog->id : c[i].id;
		idx = xc_entries_find(e, n, id);
		if (idx >= 0)
			e[idx].m.anchor_id = c[i].anchor_prog->id;
	}
}

int xc_rebuild(struct xc_state *st, struct xc_entry *e, unsigned int n, struct xc_change *c,
	       unsigned int nc, const struct xc_build *b)
{
	unsigned int i, nopen = 0;
	int err = 0;

	for (i = 0; i < n; i++, nopen++) {
		e[i].fd = -1;
		e[i].fresh = false;
		err = entry_open(st, &e[i]);
		if (err)
			goto out;
	}
	for (i = 0; i < nc; i++) {
		struct xdpchain_prog *prog = c[i].prog;

		if (c[i].kind != XC_ATTACH)
			continue;
		if (c[i].m.flags & XDPCHAIN_SLOT_F_OBSERVER) {
			err = xc_observer_prepare(st, prog);
			if (err)
				goto out;
		}
		err = load_for(prog, c[i].slot_kind, c[i].m.flags & XDPCHAIN_SLOT_F_FRAGS);
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
	anchors_joined(e, n, c, nc);
	err = commit(st, e, n, b);
out:
	entries_close(e, nopen);
	return err;
}
