// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Directories the reader leaves alone (layer 3), and why: a chain of our
 * dispatcher of another protocol version, a link that runs something not
 * ours, a chain whose interface moved to another network namespace (by
 * its link, or an adopted chain's by asking the namespaces). Collecting
 * any of them would detach or break what runs; readers and writers see
 * st->chain.alien_id and its reason instead (reader.c decides when).
 */
#include <stdio.h>
#include <string.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"

/* Nothing in the directory is ours to touch (collecting the pins would
 * detach what the link runs). */
static void hands_off(struct xc_state *st, __u32 prog_id, const char *why)
{
	st->chain.alien_id = prog_id;
	snprintf(st->chain.alien_why, sizeof(st->chain.alien_why), "%s", why);
	xc_state_close(st);
}

/* The pinned link runs a dispatcher of ours of another protocol version:
 * nothing is touched but by detach --all, and every change refuses it
 * (xc_refuse_version() says why and what to do), so only a note here:
 * readers show it as such. */
int xc_read_other_version(struct xc_state *st, __u32 prog_id)
{
	char why[160];

	snprintf(why, sizeof(why), "protocol version %u, this library reads version %u only",
		 st->chain.base.version, XDPCHAIN_META_VERSION);
	xc_info("%s/dispatcher runs an xdpchain dispatcher (%u) of %s: leaving it alone\n",
		st->store.dir, prog_id, why);
	hands_off(st, prog_id, why);
	st->chain.other_version = st->chain.base.version;
	return 0;
}

/* The pinned link runs a program on our interface that is not a valid
 * chain of ours: leave everything alone (collecting the pins would
 * detach it, or unlink the programs of a chain we do not understand). */
int xc_read_alien(struct xc_state *st, __u32 prog_id, const char *why)
{
	xc_warn("%s/dispatcher runs program %u on ifindex %d, which is not a valid xdpchain "
		"chain (%s): leaving the directory alone\n", st->store.dir, prog_id, st->store.ifindex,
		why);
	hands_off(st, prog_id, why);
	return 0;
}

/* The pinned link is attached, to an interface that is not ifindex of
 * this namespace (any more): the interface moved to another namespace,
 * where its chain runs. Leave everything alone, as for an alien chain,
 * but this is no error of anybody's: the interface that has the index
 * here now (if any) has no chain, and its first writer parks this
 * directory (xc_state_lock()). */
int xc_read_moved(struct xc_state *st, __u32 prog_id, __u32 link_id, __u32 link_ifindex)
{
	char why[160];

	snprintf(why, sizeof(why), "its link is attached to an interface (index %u there) that "
		 "this network namespace does not show as ifindex %d: moved to another "
		 "namespace", link_ifindex, st->store.ifindex);
	xc_info("%s/dispatcher runs program %u elsewhere (%s): not ifindex %d's chain, left "
		"alone\n", st->store.dir, prog_id, why, st->store.ifindex);
	hands_off(st, prog_id, why);
	st->chain.away_link = link_id;
	return 0;
}

/* An adopted chain (no link: attached through netlink) that the
 * interface does not run: its pins are orphans, unless its dispatcher
 * runs on an interface of another network namespace, where the interface
 * took it (or may have: a namespace that could not be asked). The kernel
 * names no interface for a netlink-attached program, so only asking the
 * namespaces tells a moved chain from a gone one (kobj/netns_scan.c);
 * collecting a moved one would unpin its freplace slots' links, and its
 * packets would pass their programs. Like a linked chain that moved
 * (xc_read_moved() above), it is left alone, and parked once the index names
 * another interface here. */
int xc_read_netlink_gone(struct xc_state *st)
{
	char why[sizeof(st->chain.alien_why)];
	__u32 id = 0;
	__u64 ino = 0;
	int ifindex = 0, r;

	r = xc_store_runs_away(st->store.dir, st->store.netns_ino, &id, &ino, &ifindex);
	if (!r) {
		xc_state_close(st);
		return 0;
	}
	if (r > 0)
		snprintf(why, sizeof(why), "adopted chain: its dispatcher %u runs on ifindex "
			 "%d of network namespace %llu, where it moved", id, ifindex,
			 (unsigned long long)ino);
	else
		snprintf(why, sizeof(why), "adopted chain: whether its dispatcher %u runs in "
			 "another network namespace is unknown (%s)", id, strerror(-r));
	xc_info("%s: not ifindex %d's chain: %s; left alone\n", st->store.dir, st->store.ifindex,
		why);
	hands_off(st, id, why);
	if (r > 0)
		st->chain.away_link = id; /* parked as moved-<dispatcher id> */
	return 0;
}
