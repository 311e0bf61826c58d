// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Orphans (layer 2): the pins of an interface's directory that the
 * running chain does not use, left by a crashed writer or by the revision
 * a swap replaced, are collected under the interface's lock
 * (docs/protocol.md, "Garbage collection"). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "kobj/kobj.h"
#include "store/store.h"

static bool meta_has_prog(const struct xdpchain_meta *meta, __u32 id)
{
	unsigned int i;

	for (i = 0; meta && i < meta->nr_progs; i++)
		if (meta->slots[i].prog_id == id)
			return true;
	return false;
}

/* Whether link pin of program id at dispatcher position pos (ULLONG_MAX:
 * a link-<rev>-<id>, of the dispatcher's own positions) is one the
 * running chain (meta) uses: the program runs at that position. */
static bool link_used(const struct xc_state *st, const struct xdpchain_meta *meta,
		      unsigned long long id, unsigned long long pos)
{
	const struct xc_chain *c = &st->chain;

	if (!meta_has_prog(meta, (__u32)id))
		return false;
	for (unsigned int i = 0; i < c->base.nr_progs; i++) {
		if (c->base.slots[i].prog_id != id)
			continue;
		if (xc_link_pin_at(pos, c->off + i, c->own))
			return true;
	}
	return false;
}

int xc_state_pending(struct xc_state *st)
{
	int fd, err;

	fd = xc_get_at(st, XDPCHAIN_PENDING_PIN "-%llu", (unsigned long long)st->chain.base.revision);
	if (fd < 0)
		return 0;
	/* Anything but a program there is no probe of ours: nothing waits. */
	err = xc_fd_is(fd, XC_FD_PROG) ? xc_unhook_wait(fd, 0) : 0;
	close(fd);
	/* Another error (a reader without the right to attach it) cannot
	 * tell: say it may wait, which is what the writer said. */
	return err != 0;
}

void xc_state_gc(struct xc_state *st, const struct xdpchain_meta *meta,
		 struct xc_gc_report *rep)
{
	/* Pins are named after the dispatcher's revision, which vacant
	 * slots do not change; meta (the running chain) has no vacancy. */
	unsigned long long base_rev = st->chain.base.revision, rev, id, map, pos;
	struct dirent *de;
	DIR *d;

	if (st->chain.alien_id && !meta)
		return; /* not ours to collect (reader.c) */
	d = opendir(st->store.dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		bool drop;

		if (name[0] == '.')
			continue;
		if (!strcmp(name, "dispatcher"))
			drop = !meta;
		else if (xc_name_is_num(name, "prog-", &id) && id <= UINT_MAX)
			drop = !meta_has_prog(meta, id);
		else if (xc_name_is_pair(name, "tails-", UINT_MAX, &id, &map))
			drop = !meta_has_prog(meta, id);
		/* Of either form: a spare position's names it (section 6c: a
		 * relocation leaves the old positions' links to this). */
		else if (xc_link_pin_parse(name, &rev, &id, &pos))
			drop = !meta || rev != base_rev || !link_used(st, meta, id, pos);
		else if (xc_name_is_num(name, "progs-", &rev) || xc_name_is_num(name, "disp-", &rev) ||
			 xc_name_is_num(name, "meta-", &rev) ||
			 xc_name_is_num(name, XDPCHAIN_LIVE_PIN "-", &rev))
			drop = !meta || rev != base_rev;
		/* The running chain's shortcut, while it is one program
		 * (rebuild.c, append.c). */
		else if (xc_name_is_num(name, XDPCHAIN_MAIN_PIN "-", &rev))
			drop = !meta || rev != base_rev || !xc_meta_whole(&st->chain.base);
		/* Until the first program stops running in place of the main
		 * function (append.c), or the revision is replaced. */
		else if (xc_name_is_num(name, XDPCHAIN_PENDING_PIN "-", &rev))
			drop = !meta || rev != base_rev || !xc_state_pending(st);
		else if (!strcmp(name, XDPCHAIN_STATS_PIN))
			drop = !meta || !(meta->flags & XDPCHAIN_META_F_STATS);
		else if (!strcmp(name, XDPCHAIN_VERDICT_PIN))
			drop = !meta || !(meta->flags & XDPCHAIN_META_F_OBSERVE);
		/* A chain of another protocol version goes whole (detach
		 * --all): whatever its version pins. */
		else if (st->chain.other_version && !meta)
			drop = true;
		else {
			xc_warn("%s/%s: unknown entry, left alone\n", st->store.dir, name);
			continue;
		}
		if (drop) {
			xc_debug("collecting %s/%s\n", st->store.dir, name);
			if (!xc_unpin_at(st, "%s", name) && rep)
				rep->fn(rep, st->store.dir, name);
		}
	}
	closedir(d);
}
