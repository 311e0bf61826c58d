// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain dump's view of the chain (see dump_chain.h). */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <net/if.h>
#include <xdpchain/xdpchain.h>
#include "dump_chain.h"

/* Reads that must all find no chain before the dump calls it gone, and
 * the pause between them. */
#define GONE_READS 3
#define GONE_PAUSE_NS 100000000L

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + (__u64)ts.tv_nsec;
}

/* One read; on success the last one becomes prev. 0 or -errno. */
static int chain_read(struct dump_chain *dc)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = dc->root);
	struct xdpchain_chain *c = xdpchain_chain__get(dc->ifindex, &qo);

	if (!c)
		return errno ? -errno : -EIO;
	xdpchain_chain__free(dc->prev);
	dc->prev = dc->cur;
	dc->cur = c;
	return 0;
}

int dump_chain_init(struct dump_chain *dc, int ifindex, const char *root)
{
	memset(dc, 0, sizeof(*dc));
	dc->ifindex = ifindex;
	dc->root = root;
	return chain_read(dc);
}

void dump_chain_free(struct dump_chain *dc)
{
	xdpchain_chain__free(dc->cur);
	xdpchain_chain__free(dc->prev);
	dc->cur = dc->prev = NULL;
}

static const struct xdpchain_entry *find(const struct xdpchain_chain *c, __u32 id)
{
	for (unsigned int i = 0; c && i < xdpchain_chain__nr_progs(c); i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (e && xdpchain_entry__id(e) == id)
			return e;
	}
	return NULL;
}

/* Whether to read the chain again for unknown id now: not if it was
 * looked for less than DUMP_NAME_RETRY_NS ago. The periodic check does
 * not reset this (it used to share one clock with it, so a program that
 * joined went unnamed for up to a second). */
static bool try_due(struct dump_chain *dc, __u32 id, __u64 now)
{
	unsigned int i;

	for (i = 0; i < DUMP_NAME_TRIES; i++) {
		if (dc->tried[i].id != id)
			continue;
		if (now - dc->tried[i].at < DUMP_NAME_RETRY_NS)
			return false;
		dc->tried[i].at = now;
		return true;
	}
	dc->tried[dc->next_try].id = id;
	dc->tried[dc->next_try].at = now;
	dc->next_try = (dc->next_try + 1) % DUMP_NAME_TRIES;
	return true;
}

const struct xdpchain_entry *dump_chain_entry(struct dump_chain *dc, __u32 id)
{
	const struct xdpchain_entry *e;

	if (!id)
		return NULL;
	e = find(dc->cur, id);
	if (!e)
		e = find(dc->prev, id);
	/* A program that joined since the last read: its packets come only
	 * once it is linked in, when a read shows it. */
	if (!e && try_due(dc, id, mono_ns()) && !chain_read(dc))
		e = find(dc->cur, id);
	return e;
}

const char *dump_chain_name(struct dump_chain *dc, __u32 id)
{
	const struct xdpchain_entry *e = dump_chain_entry(dc, id);

	if (!id)
		return "-";
	return e ? xdpchain_entry__name(e) : "?";
}

enum dump_chain_state dump_chain_check(struct dump_chain *dc, __u32 self_id, int *err)
{
	char name[IF_NAMESIZE];
	int i;

	*err = 0;
	for (i = 0; i < GONE_READS; i++) {
		if (i)
			nanosleep(&(struct timespec){ .tv_nsec = GONE_PAUSE_NS }, NULL);
		/* Deleted, or moved to another namespace: its chain goes
		 * with it, and this namespace cannot read it any more. */
		if (!if_indextoname((unsigned int)dc->ifindex, name))
			return DUMP_CHAIN_IFACE_GONE;
		*err = chain_read(dc);
		if (*err != -ENOENT)
			break;
	}
	if (*err == -ENOENT)
		return DUMP_CHAIN_GONE;
	if (*err)
		return DUMP_CHAIN_UNREAD;
	return find(dc->cur, self_id) ? DUMP_CHAIN_OK : DUMP_CHAIN_SELF_GONE;
}
