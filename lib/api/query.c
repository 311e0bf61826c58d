// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Status (layer 5): a snapshot of an interface's chain, read from the running
 * dispatcher's metadata without taking the lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "api/api.h"

struct xdpchain_entry {
	struct xdpchain_slot_meta m;
	unsigned int slot;
	bool pending;                   /* in the chain, not running yet */
	int stats_err;                  /* 0: stats valid */
	__u64 stats[XDPCHAIN_STAT_NR];
};

struct xdpchain_chain {
	int ifindex;
	__u32 dispatcher_id;
	__u64 disp_revision;
	unsigned int vacant;
	unsigned int spare, appended;
	bool netlink;   /* adopted: no bpf_link (docs/protocol.md, "Adoption") */
	__u64 exhausted;
	int exhausted_err;
	struct xdpchain_meta meta;
	struct xdpchain_entry entries[XDPCHAIN_MAX_SLOTS];
};

/* The counters of the running dispatcher's stats map, if it counts. */
static int read_stats(struct xc_state *st, __u64 sums[XDPCHAIN_MAX_SLOTS][XDPCHAIN_STAT_NR])
{
	int fd, err;

	if (!(st->chain.meta.flags & XDPCHAIN_META_F_STATS))
		return -ENODATA;
	/* Through the interface's pin: by id needs CAP_SYS_ADMIN. */
	fd = xc_disp_stats_map(st->chain.disp_fd, xc_get_at(st, XDPCHAIN_STATS_PIN));
	if (fd < 0) {
		xc_warn("the dispatcher of ifindex %d counts, but its stats map is missing: %s\n",
			st->store.ifindex, strerror(-fd));
		return fd;
	}
	err = xc_stats_read(fd, sums);
	close(fd);
	if (err)
		xc_warn("cannot read the counters of ifindex %d: %s\n", st->store.ifindex,
			strerror(-err));
	return err;
}

struct xdpchain_chain *xc_chain_new(struct xc_state *st, bool with_stats)
{
	__u64 (*sums)[XDPCHAIN_STAT_NR] = NULL; /* 8 KB: not on the stack */
	struct xdpchain_chain *c;
	unsigned int i;
	bool pending;
	int err;

	c = calloc(1, sizeof(*c));
	if (with_stats && c)
		sums = calloc(XDPCHAIN_MAX_SLOTS, sizeof(*sums));
	if (!c || (with_stats && !sums)) {
		free(c);
		return xc_err_ptr(-ENOMEM);
	}
	c->ifindex = st->store.ifindex;
	c->dispatcher_id = st->chain.disp_id;
	c->meta = st->chain.meta;
	c->disp_revision = st->chain.base.revision;
	c->vacant = xc_state_vacant(st);
	c->spare = st->chain.base.nr_spare;
	c->appended = st->chain.base.nr_progs - st->chain.disp_nr;
	c->netlink = st->chain.link_fd < 0;
	c->exhausted_err = xc_state_exhausted(st, &c->exhausted);
	/* Waiting for the main function's link to go (append.c): every
	 * program but the first, which runs in its place meanwhile. */
	pending = xc_state_pending(st) > 0;
	err = with_stats ? read_stats(st, sums) : -ENODATA;
	for (i = 0; i < st->chain.meta.nr_progs; i++) {
		c->entries[i].m = st->chain.meta.slots[i];
		c->entries[i].slot = st->chain.off + st->chain.pos[i]; /* the dispatcher's */
		c->entries[i].pending = pending && st->chain.pos[i] > 0;
		c->entries[i].stats_err = err;
		if (!err)
			memcpy(c->entries[i].stats, sums[st->chain.meta.slots[i].stats_idx],
			       sizeof(c->entries[i].stats));
	}
	free(sums);
	return c;
}

/* Read the chain of ifindex into a new *stp (xc_state_free() it, set
 * whatever the result): 0 if one of ours runs, -EPROTONOSUPPORT if it is
 * of another protocol version, -ENOENT if there is none, or -errno. */
static int query_read(int ifindex, const struct xdpchain_query_opts *opts, struct xc_state **stp)
{
	struct xc_state *st;
	int err;

	*stp = NULL;
	if (ifindex <= 0 || !XC_OPTS_VALID(opts, xdpchain_query_opts))
		return -EINVAL;
	st = xc_state_new();
	if (!st)
		return -ENOMEM;
	*stp = st;
	err = xc_state_read(st, ifindex, XC_OPTS_GET(opts, bpffs_root, NULL));
	if (!err && !st->chain.have)
		err = st->chain.other_version && !st->chain.away_link ? -EPROTONOSUPPORT : -ENOENT;
	return err;
}

struct xdpchain_chain *xdpchain_chain__get(int ifindex, const struct xdpchain_query_opts *opts)
{
	struct xdpchain_chain *c = NULL;
	struct xc_state *st;
	int err;

	err = query_read(ifindex, opts, &st);
	if (!err) {
		c = xc_chain_new(st, true);
		err = c ? 0 : -errno;
	}
	xc_state_free(st);
	return err ? xc_err_ptr(err) : c;
}

_Static_assert(XDPCHAIN_PROTOCOL_VERSION == XDPCHAIN_META_VERSION,
	       "the public protocol version is the metadata's");

int xdpchain_chain_protocol(int ifindex, const struct xdpchain_query_opts *opts)
{
	struct xc_state *st;
	int err;

	err = query_read(ifindex, opts, &st);
	if (!err)
		err = (int)XDPCHAIN_META_VERSION;
	else if (err == -EPROTONOSUPPORT)
		err = (int)st->chain.other_version;
	xc_state_free(st);
	return err < 0 ? xc_err(err) : err;
}

int xdpchain_pinned_maps(int ifindex, __u32 prog_id, xdpchain_map_pin_fn fn, void *ctx,
			 const struct xdpchain_query_opts *opts)
{
	struct xc_state *st;
	int err, n, total = 0;
	bool found = false;

	err = query_read(ifindex, opts, &st);
	for (unsigned int i = 0; !err && i < st->chain.meta.nr_progs; i++) {
		__u32 id = st->chain.meta.slots[i].prog_id;

		if (prog_id && id != prog_id)
			continue;
		found = true;
		n = xc_map_dir_find(st, id, fn, ctx);
		if (n < 0)
			err = n;
		else
			total += n;
	}
	if (!err && !found)
		err = -ENOENT;
	xc_state_free(st);
	return err ? xc_err(err) : total;
}

void xdpchain_chain__free(struct xdpchain_chain *c)
{
	free(c);
}

int xdpchain_chain__ifindex(const struct xdpchain_chain *c)
{
	return c ? c->ifindex : 0;
}

enum xdpchain_mode xdpchain_chain__mode(const struct xdpchain_chain *c)
{
	return c ? (enum xdpchain_mode)c->meta.mode : XDPCHAIN_MODE_UNSPEC;
}

enum xdpchain_backend xdpchain_chain__backend(const struct xdpchain_chain *c)
{
	return c ? xc_meta_backend(&c->meta) : XDPCHAIN_BACKEND_AUTO;
}

__u32 xdpchain_chain__dispatcher_id(const struct xdpchain_chain *c)
{
	return c ? c->dispatcher_id : 0;
}

__u64 xdpchain_chain__revision(const struct xdpchain_chain *c)
{
	return c ? c->meta.revision : 0;
}

void xc_chain_layout(const struct xdpchain_chain *c, struct xc_layout *l)
{
	l->dispatcher_revision = c ? c->disp_revision : 0;
	l->vacant_slots = c ? c->vacant : 0;
	l->appended_slots = c ? c->appended : 0;
	l->spare_slots = c ? c->spare : 0;
	l->netlink = c ? c->netlink : false;
}

bool xdpchain_chain__frags(const struct xdpchain_chain *c)
{
	return c && (c->meta.flags & XDPCHAIN_META_F_FRAGS);
}

unsigned int xdpchain_chain__nr_progs(const struct xdpchain_chain *c)
{
	return c ? c->meta.nr_progs : 0;
}

const struct xdpchain_entry *xdpchain_chain__entry(const struct xdpchain_chain *c,
						   unsigned int idx)
{
	if (!c || idx >= c->meta.nr_progs)
		return xc_err_ptr(-ERANGE);
	return &c->entries[idx];
}

__u32 xdpchain_entry__id(const struct xdpchain_entry *e)
{
	return e ? e->m.prog_id : 0;
}

const char *xdpchain_entry__name(const struct xdpchain_entry *e)
{
	return e ? e->m.name : NULL;
}

int xdpchain_entry__priority(const struct xdpchain_entry *e)
{
	return e ? e->m.priority : 0;
}

__u32 xdpchain_entry__continue_on(const struct xdpchain_entry *e)
{
	return e ? e->m.continue_on : 0;
}

const char *xdpchain_entry__owner(const struct xdpchain_entry *e)
{
	return e ? e->m.owner : NULL;
}

__u64 xdpchain_entry__attach_time(const struct xdpchain_entry *e)
{
	return e ? e->m.attach_time : 0;
}

enum xdpchain_backend xdpchain_entry__backend(const struct xdpchain_entry *e)
{
	if (!e)
		return XDPCHAIN_BACKEND_AUTO;
	return e->m.kind == XDPCHAIN_SLOT_FREPLACE ? XDPCHAIN_BACKEND_FREPLACE
						   : XDPCHAIN_BACKEND_TAILCALL;
}

bool xdpchain_entry__frags(const struct xdpchain_entry *e)
{
	return e && (e->m.flags & XDPCHAIN_SLOT_F_FRAGS);
}

bool xdpchain_entry__pending(const struct xdpchain_entry *e)
{
	return e && e->pending;
}

bool xdpchain_entry__observer(const struct xdpchain_entry *e)
{
	return e && (e->m.flags & XDPCHAIN_SLOT_F_OBSERVER);
}

int xc_chain_find_name(const struct xdpchain_chain *c, const char *name, __u32 *id)
{
	unsigned int found;
	__u32 one = 0;

	if (!c || !name || !id)
		return xc_err(-EINVAL);
	found = xc_meta_find_name(&c->meta, name, &one);
	if (found != 1)
		return xc_err(found ? -EEXIST : -ENOENT);
	*id = one;
	return 0;
}

unsigned int xc_entry_slot(const struct xdpchain_entry *e)
{
	return e ? e->slot : 0;
}

int xdpchain_chain__exhausted(const struct xdpchain_chain *c, __u64 *packets)
{
	if (!c || !packets)
		return xc_err(-EINVAL);
	if (c->exhausted_err)
		return xc_err(c->exhausted_err);
	*packets = c->exhausted;
	return 0;
}

bool xdpchain_chain__stats(const struct xdpchain_chain *c)
{
	return c && (c->meta.flags & XDPCHAIN_META_F_STATS);
}

int xdpchain_entry__stats(const struct xdpchain_entry *e, struct xdpchain_prog_stats *out)
{
	struct xdpchain_prog_stats s = { .sz = sizeof(s) };
	size_t sz;

	if (!e || !out || out->sz < sizeof(out->sz))
		return xc_err(-EINVAL);
	if (e->stats_err)
		return xc_err(e->stats_err);
	s.aborted = e->stats[XDPCHAIN_STAT_ABORTED];
	s.drop = e->stats[XDPCHAIN_STAT_DROP];
	s.pass = e->stats[XDPCHAIN_STAT_PASS];
	s.tx = e->stats[XDPCHAIN_STAT_TX];
	s.redirect = e->stats[XDPCHAIN_STAT_REDIRECT];
	s.other = e->stats[XDPCHAIN_STAT_OTHER];
	s.bytes = e->stats[XDPCHAIN_STAT_BYTES];
	s.packets = s.aborted + s.drop + s.pass + s.tx + s.redirect + s.other;
	s.timed = e->stats[XDPCHAIN_STAT_TIMED];
	/* Scaled to every packet; long double: ns * packets overflows 64 bits
	 * after some 10^19, a few hours of a busy program. */
	if (s.timed)
		s.time_ns = (__u64)((long double)e->stats[XDPCHAIN_STAT_TIME_NS] * s.packets /
				    s.timed);
	/* An older caller's smaller struct gets the fields it knows. */
	sz = out->sz < sizeof(s) ? out->sz : sizeof(s);
	memcpy((char *)out + sizeof(out->sz), (char *)&s + sizeof(s.sz), sz - sizeof(s.sz));
	return 0;
}

__u32 xdpchain_entry__owner_pid(const struct xdpchain_entry *e)
{
	return e && (e->m.flags & XDPCHAIN_SLOT_F_UNTIL_EXIT) ? e->m.owner_pid : 0;
}

__u32 xdpchain_entry__anchor(const struct xdpchain_entry *e, bool *after)
{
	if (after)
		*after = e && e->m.anchor == XDPCHAIN_ANCHOR_AFTER;
	return e && e->m.anchor ? e->m.anchor_id : 0;
}

const __u8 *xdpchain_entry__tag(const struct xdpchain_entry *e)
{
	return e ? e->m.tag : NULL;
}

int xdpchain_entry__owner_alive(const struct xdpchain_entry *e)
{
	if (!e)
		return xc_err(-EINVAL);
	return xc_err(xc_owner_alive(&e->m));
}

int xdpchain_foreign_prog(int ifindex, __u32 *prog_id, char *name, size_t name_len)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), id;
	int err, fd;

	if (ifindex <= 0 || !prog_id)
		return xc_err(-EINVAL);
	err = xc_xdp_prog_id(ifindex, &id, NULL);
	if (err)
		return xc_err(err);
	*prog_id = id;
	if (name && name_len)
		name[0] = '\0';
	if (!id || !name || !name_len)
		return 0;
	fd = bpf_prog_get_fd_by_id(id);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			snprintf(name, name_len, "%s", info.name);
		close(fd);
	}
	return 0;
}
