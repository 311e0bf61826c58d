// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Reading the running chain (layer 3): the pinned link, the dispatcher it
 * runs, its metadata, the programs appended to it (its live end), and
 * (effective.c) which of its slots are vacant. Writers read under the
 * interface's lock; readers (status, trace) without it, so a writer may
 * swap the dispatcher between their steps: they read again.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"

int xc_live_map(struct xc_state *st)
{
	return xc_disp_live_map(st->chain.disp_fd, xc_get_at(st, XDPCHAIN_LIVE_PIN "-%" PRIu64,
							 (uint64_t)st->chain.base.revision));
}

struct xdpchain_live *xc_live_open(struct xc_state *st, int *err)
{
	struct xdpchain_live *live;
	int fd = xc_live_map(st);

	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	live = xc_live_mmap(fd);
	*err = live ? 0 : -errno;
	close(fd);
	if (!live)
		xc_warn("cannot map the live map of revision %" PRIu64 ": %s\n",
			(uint64_t)st->chain.base.revision, strerror(-*err));
	return live;
}

/* One read of the live map into *live. */
static int live_read(struct xc_state *st, struct xdpchain_live *live)
{
	__u32 key = 0;
	int fd, err;

	fd = xc_live_map(st);
	if (fd < 0)
		return fd;
	err = bpf_map_lookup_elem(fd, &key, live) ? -errno : 0;
	close(fd);
	return err;
}

int xc_state_exhausted(struct xc_state *st, __u64 *n)
{
	struct xdpchain_live *live;
	int err;

	live = malloc(sizeof(*live)); /* about 10 KB: not on the stack */
	if (!live)
		return -ENOMEM;
	err = live_read(st, live);
	if (!err)
		*n = live->nr_exhausted;
	free(live);
	return err;
}

/*
 * The chain the live map describes, from the dispatcher's own metadata
 * b: its own positions, then the appended ones below the live end; or,
 * for a relocated chain (a live start, docs/protocol.md section 6c), the
 * positions from the start to the end alone, shifted down to base slot
 * 0 (with their slot functions' BTF ids). Into m; -EBADMSG with why if
 * the live map is not one of ours.
 */
static int live_chain(const struct xdpchain_meta *b, const struct xdpchain_live *live,
		      struct xdpchain_meta *m, char *why, size_t why_len)
{
	const __u32 nr = b->nr_progs, total = b->nr_progs + b->nr_spare;
	const __u32 start = live->nr_start, end = live->nr_end;

	if (end < nr || end > total) {
		snprintf(why, why_len, "live end %u outside positions %u..%u", end, nr, total);
		return -EBADMSG;
	}
	if (start && (start < nr || start > end)) {
		snprintf(why, why_len, "live start %u outside positions %u..%u", start, nr, end);
		return -EBADMSG;
	}
	/* Each appended position's test must be its set's (else the
	 * dispatcher would decide otherwise than the description says). */
	for (__u32 i = start ? start : nr; i < end; i++) {
		if (live->test[i] == xc_live_test(live->slots[i].continue_on))
			continue;
		snprintf(why, why_len, "appended position %u tests 0x%llx, its set 0x%x", i,
			 (unsigned long long)live->test[i], live->slots[i].continue_on);
		return -EBADMSG;
	}
	*m = *b;
	if (start) {
		memset(m->slots, 0, sizeof(m->slots));
		memcpy(m->slots, &live->slots[start], (end - start) * sizeof(m->slots[0]));
		for (__u32 i = 0; i < XDPCHAIN_MAX_SLOTS; i++)
			m->slot_btf_id[i] = i + start < XDPCHAIN_MAX_SLOTS ? b->slot_btf_id[i + start] : 0;
		m->nr_progs = end - start;
	} else {
		memcpy(&m->slots[nr], &live->slots[nr], (end - nr) * sizeof(m->slots[0]));
		m->nr_progs = end;
	}
	/* The spares left stay spare: nr_progs + nr_spare is constant. */
	m->nr_spare = total - end;
	return xc_meta_validate(m, why, why_len);
}

/* Extend st->chain.base (validated) with the programs appended to it, or
 * make it the relocated chain; sets st->chain.disp_nr, off and own.
 * -errno with why filled if they cannot be read or are bad (-EBADMSG: not
 * a chain of ours). */
static int read_appended(struct xc_state *st, char *why, size_t why_len)
{
	struct xdpchain_meta *b = &st->chain.base, *m;
	struct xdpchain_live *live;
	int err, tries = 0;

	st->chain.disp_nr = st->chain.own = b->nr_progs;
	st->chain.off = 0;
	if (!b->nr_spare)
		return 0;
	/* about 10 KB each: not on the stack */
	live = malloc(sizeof(*live));
	m = malloc(sizeof(*m));
	if (!live || !m) {
		snprintf(why, why_len, "out of memory");
		err = -ENOMEM;
		goto out;
	}
again:
	err = live_read(st, live);
	if (err) {
		snprintf(why, why_len, "cannot read its live map: %s", strerror(-err));
		goto out;
	}
	err = live_chain(b, live, m, why, why_len);
	/* Readers take no lock: the kernel copies the map value with no
	 * ordering against the writer's release store, so on a weakly
	 * ordered CPU a new live end may come with an old description.
	 * Read again before calling the chain bad. */
	if (err && tries++ < 3)
		goto again;
	if (err)
		goto out;
	*b = *m;
	st->chain.off = live->nr_start;
	st->chain.disp_nr = live->nr_start ? 0 : st->chain.own;
out:
	free(live);
	free(m);
	return err;
}

/* The program a link runs now, 0 if unknown. */
static __u32 link_prog_id(int link_fd)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);

	return bpf_obj_get_info_by_fd(link_fd, &li, &len) ? 0 : li.prog_id;
}

/* The program the chain's attachment runs now: its link's, or (an adopted
 * chain, no link) the interface's netlink-attached one; 0 if unknown. */
static __u32 attached_prog_id(struct xc_state *st)
{
	__u32 id;

	if (st->chain.link_fd >= 0)
		return link_prog_id(st->chain.link_fd);
	return xc_xdp_prog_id(st->store.ifindex, &id, NULL) ? 0 : id;
}

/*
 * The running dispatcher program and its metadata map from their pins
 * disp-<rev> and meta-<rev> (these need no CAP_SYS_ADMIN, unlike getting
 * them by id). A pin is used only if it is the program the link runs;
 * the map is checked against the program's maps by xc_disp_read_meta().
 */
static int disp_from_pins(struct xc_state *st, __u32 prog_id, int *map_fd)
{
	unsigned long long rev;
	struct dirent *de;
	int fd = -1;
	DIR *d;

	*map_fd = -1;
	d = opendir(st->store.dir);
	if (!d)
		return -errno;
	while (fd < 0 && (de = readdir(d))) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!xc_name_is_num(de->d_name, "disp-", &rev))
			continue;
		fd = xc_get_at(st, "%s", de->d_name);
		if (fd < 0)
			continue;
		if (!xc_fd_is(fd, XC_FD_PROG) || bpf_obj_get_info_by_fd(fd, &info, &len) ||
		    info.id != prog_id) {
			close(fd);
			fd = -1;
			continue;
		}
		*map_fd = xc_get_at(st, "meta-%llu", rev);
	}
	closedir(d);
	return fd < 0 ? -ENOENT : fd;
}

/* The interface an XDP link is attached to (0: detached, its interface
 * gone); -1 if it cannot be read. */
static long link_ifindex(int link_fd)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);

	if (bpf_obj_get_info_by_fd(link_fd, &li, &len) || li.type != BPF_LINK_TYPE_XDP)
		return -1;
	return li.xdp.ifindex;
}

/*
 * Read the running chain: the pinned link must be an XDP link on our
 * interface, its program our dispatcher with valid metadata built for this
 * interface and namespace, and it must be what the kernel runs there.
 * Without a pinned link (an adopted chain, docs/protocol.md "Adoption"),
 * the program the interface runs through netlink must be one of our
 * pinned dispatchers (disp-<rev>); anything else is not ours.
 * A pin that is not a live XDP link of this interface is stale (collected
 * by the caller's gc); a live link to anything else is alien (kept).
 *
 * Readers take no lock, so a writer may swap the dispatcher between our
 * steps: the program we read is then freed or no longer runs. When the
 * link has moved on to another program meanwhile, read again (a bounded
 * number of times) instead of reporting a running chain as absent.
 */
static int read_chain(struct xc_state *st)
{
	struct bpf_link_info li;
	__u32 len, running;
	char why[160];
	int err, tries = 0, map_fd;
	bool netlink = false;

	st->chain.link_fd = xc_get_at(st, "dispatcher");
	if (st->chain.link_fd < 0) {
		err = st->chain.link_fd;
		st->chain.link_fd = -1;
		if (err != -ENOENT) {
			xc_warn("cannot open %s/dispatcher: %s\n", st->store.dir, strerror(-err));
			return err;
		}
		/* No link: an adopted chain, attached through netlink, is
		 * the one whose disp-<rev> pin the interface runs. */
		netlink = true;
	}
again:
	memset(&li, 0, sizeof(li));
	len = sizeof(li);
	if (netlink) {
		li.prog_id = attached_prog_id(st);
		if (!li.prog_id)
			return xc_read_netlink_gone(st);
		goto found;
	}
	if (!xc_fd_is(st->chain.link_fd, XC_FD_LINK) || bpf_obj_get_info_by_fd(st->chain.link_fd, &li, &len)) {
		xc_warn("%s/dispatcher is not a BPF link: collecting it\n", st->store.dir);
		goto stale;
	}
	if (li.type != BPF_LINK_TYPE_XDP || li.xdp.ifindex != (__u32)st->store.ifindex) {
		if (li.type == BPF_LINK_TYPE_XDP && !li.xdp.ifindex) {
			xc_info("%s/dispatcher is detached (interface gone?): collecting it\n",
				st->store.dir);
		} else if (li.type == BPF_LINK_TYPE_XDP) {
			/* Attached to an interface that has another index now:
			 * moved to another network namespace. The pin is what
			 * keeps that chain attached: never collected. */
			return xc_read_moved(st, li.prog_id, li.id, li.xdp.ifindex);
		} else {
			xc_warn("%s/dispatcher is not an XDP link of ifindex %d: collecting it\n",
				st->store.dir, st->store.ifindex);
		}
		goto stale;
	}
	/* A live XDP link on our interface: from here on, whatever it runs
	 * runs on the interface, so it is either our chain or alien. */
found:
	st->chain.disp_fd = disp_from_pins(st, li.prog_id, &map_fd);
	/* Without a link, only a pinned dispatcher is ours: any other
	 * program on the interface is somebody else's, not an alien chain. */
	if (st->chain.disp_fd < 0 && netlink)
		goto raced;
	if (st->chain.disp_fd < 0)
		st->chain.disp_fd = bpf_prog_get_fd_by_id(li.prog_id);
	if (st->chain.disp_fd < 0) {
		err = -errno;
		st->chain.disp_fd = -1;
		if (err == -ENOENT)
			goto raced; /* freed: swapped meanwhile */
		xc_warn("cannot get program %u of %s/dispatcher: %s\n", li.prog_id, st->store.dir,
			strerror(-err));
		xc_state_close(st);
		return err;
	}
	st->chain.disp_id = li.prog_id;
	err = xc_disp_read_meta(st->chain.disp_fd, map_fd, &st->chain.base);
	if (map_fd >= 0)
		close(map_fd);
	if (err && err != -EMEDIUMTYPE && err != -ENOENT) {
		xc_warn("cannot read the metadata of dispatcher %u: %s\n", li.prog_id,
			strerror(-err));
		xc_state_close(st);
		return err;
	}
	if (err || xc_meta_validate(&st->chain.base, why, sizeof(why))) {
		/* Not a chain of ours - unless the link moved on meanwhile. */
		if (tries++ < 16 && attached_prog_id(st) != li.prog_id) {
			close(st->chain.disp_fd);
			st->chain.disp_fd = -1;
			goto again;
		}
		if (err)
			snprintf(why, sizeof(why), "not an xdpchain dispatcher");
		else if (st->chain.base.magic == XDPCHAIN_META_MAGIC &&
			 st->chain.base.version != XDPCHAIN_META_VERSION)
			return xc_read_other_version(st, li.prog_id);
		return xc_read_alien(st, li.prog_id, why);
	}
	/* Built for another ifindex or namespace: the interface moved
	 * (with its link; moved.c). Whether it runs here is checked below,
	 * against the kernel, as for every chain. */
	st->chain.moved = st->chain.base.ifindex != (__u32)st->store.ifindex ||
			  st->chain.base.netns_ino != st->store.netns_ino;
	/* Appended and vacant slots are read before the check below: a
	 * writer collects a revision's links only after swapping it out, so
	 * if the dispatcher still runs after they were read, what was read
	 * is its state. */
	err = read_appended(st, why, sizeof(why));
	if (err && tries++ < 16 && attached_prog_id(st) != li.prog_id) {
		close(st->chain.disp_fd); /* swapped meanwhile: its pins are gone */
		st->chain.disp_fd = -1;
		goto again;
	}
	if (err == -EBADMSG)
		return xc_read_alien(st, li.prog_id, why);
	if (err) {
		xc_warn("dispatcher %u: %s\n", li.prog_id, why);
		xc_state_close(st);
		return err;
	}
	xc_state_effective(st);
	if (xc_xdp_prog_id(st->store.ifindex, &running, NULL) || running != st->chain.disp_id)
		goto raced;
	st->chain.have = true;
	return 0;
raced:
	/* A writer swapped the dispatcher after we read the link? */
	if (tries++ < 16 && attached_prog_id(st) != li.prog_id) {
		if (st->chain.disp_fd >= 0)
			close(st->chain.disp_fd);
		st->chain.disp_fd = -1;
		goto again;
	}
	/* Still attached, but not to what this namespace calls ifindex N:
	 * the interface moved to another network namespace (where it may
	 * keep its index). Collecting the pin would detach its chain there. */
	if (netlink)
		return xc_read_netlink_gone(st); /* what runs is not ours */
	if (link_ifindex(st->chain.link_fd) > 0)
		return xc_read_moved(st, li.prog_id, li.id, (__u32)link_ifindex(st->chain.link_fd));
	xc_warn("%s: dispatcher %u is not what runs on ifindex %d: collecting it\n",
		st->store.dir, li.prog_id, st->store.ifindex);
stale:
	xc_state_close(st);
	return 0;
}

/* The id of the xdpchain dispatcher the kernel runs on st's interface,
 * by its name; 0 if none. */
static __u32 running_dispatcher(const struct xc_state *st)
{
	char name[BPF_OBJ_NAME_LEN];
	__u32 id;

	if (xc_xdp_prog_id(st->store.ifindex, &id, NULL) || !id)
		return 0;
	xc_prog_name_by_id(id, name, sizeof(name));
	return strcmp(name, XC_DISP_PROG_NAME) ? 0 : id;
}

/* No state of a chain here, but the interface runs an xdpchain
 * dispatcher: is that because the state root cannot be seen from here
 * (no bpffs in this mount namespace, a root that is not on bpffs)? Then
 * say so (-ENOTSUP), rather than let a reader call our own chain foreign
 * or absent. */
static int unseen_chain(struct xc_state *st)
{
	if (st->chain.have || st->chain.alien_id || !running_dispatcher(st))
		return 0;
	return xc_store_check(st) ? -ENOTSUP : 0;
}

/* No chain in our directory (or only the chain of an interface that
 * moved away, which is not this one's), but the interface runs an
 * xdpchain dispatcher: is its state under another namespace's directory
 * (the interface moved here)? The dispatcher's id, and that directory in
 * dir (sizeof(st->store.dir)); 0 if not. */
static __u32 moved_state(const struct xc_state *st, char *dir)
{
	__u32 id;

	if (st->chain.have || (st->chain.alien_id && !st->chain.away_link))
		return 0;
	id = running_dispatcher(st);
	if (!id || xc_store_find_moved(st, id, dir, sizeof(st->store.dir)))
		return 0;
	return id;
}

/* Readers read a moved chain's state where it is; st->store.dir then names it. */
static int read_moved(struct xc_state *st)
{
	char dir[sizeof(st->store.dir)];

	if (!moved_state(st, dir))
		return 0;
	xc_info("ifindex %d: the chain's state is in %s (the interface moved from another "
		"network namespace); the next change here adopts it\n", st->store.ifindex, dir);
	xc_state_close(st);
	/* (what our directory held) */
	st->chain.alien_id = st->chain.away_link = st->chain.other_version = 0;
	xc_store_read_at(st, dir);
	return read_chain(st);
}

int xc_state_read(struct xc_state *st, int ifindex, const char *opt_root)
{
	int err;

	xc_state_forget(st);
	err = xc_state_open(st, ifindex, opt_root);
	if (!err)
		err = read_chain(st);
	if (!err)
		err = read_moved(st);
	if (!err)
		err = unseen_chain(st);
	return err;
}

/* A writer with no chain in its (locked, collected) directory, on an
 * interface that runs an xdpchain dispatcher: adopt the state of the
 * chain from the namespace the interface moved from, then read it. */
static int adopt_moved(struct xc_state *st, bool nonblock)
{
	char dir[sizeof(st->store.dir)];
	int err = -ESTALE, tries;
	__u32 id;

	/* Changed meanwhile: parked by the old namespace (renamed, so look
	 * again), or no longer running here (then as if it had not been
	 * there). */
	for (tries = 0; err == -ESTALE && tries < 3; tries++) {
		id = moved_state(st, dir);
		if (!id)
			return 0;
		err = xc_store_adopt(st, dir, id, nonblock);
	}
	if (err == -ESTALE)
		return 0;
	return err ? err : read_chain(st);
}

int xc_state_lock(struct xc_state *st, int ifindex, const char *opt_root, bool create,
		  bool nonblock, struct xc_gc_report *rep)
{
	char dir[sizeof(st->store.dir)];
	int err;

	xc_state_forget(st);
	err = xc_state_open(st, ifindex, opt_root);
	if (!err)
		err = xc_store_lock(st, create, nonblock);
	/* No directory here, but the interface brought its chain from
	 * another namespace: make ours, to adopt that one. */
	if (err == -ENOENT && !create && moved_state(st, dir))
		err = xc_store_lock(st, true, nonblock);
	if (err)
		return err;
	err = read_chain(st);
	/* The directory of our index holds the chain of an interface that
	 * moved away: park it, so that the interface that has the index now
	 * gets a chain of its own (a new, empty directory), or adopts the
	 * one it brought from another namespace. */
	if (!err && st->chain.away_link && (create || moved_state(st, dir))) {
		err = xc_store_park(st, st->chain.away_link);
		if (!err) {
			xc_state_close(st);
			xc_state_forget(st);
		}
		if (!err)
			err = xc_store_lock(st, true, nonblock);
		if (!err)
			err = read_chain(st);
	}
	if (err) {
		xc_state_unlock(st);
		return err;
	}
	xc_state_gc(st, st->chain.have ? &st->chain.meta : NULL, rep);
	xc_state_libxdp_left(st, rep);
	if (st->chain.have || st->chain.alien_id)
		return 0;
	err = adopt_moved(st, nonblock);
	if (err) {
		xc_state_unlock(st);
		return err;
	}
	if (st->chain.have)
		xc_state_gc(st, &st->chain.meta, rep);
	return 0;
}
