// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * What XDP program runs on one interface (layer 1), asked of the kernel
 * for that interface alone: one RTM_GETLINK request by ifindex, answered
 * by a lookup in the namespace's index hash.
 *
 * Not bpf_xdp_query(): libbpf's (1.1, Debian 12) dumps every link of the
 * namespace and keeps the one asked for, so each call costs as much as
 * the namespace has interfaces, with stats, in many recvmsg() calls. The
 * library asks several times per chain read, and status reads every
 * chain: status of 100 chains on 200 veths made 82,000 recvmsg() calls
 * and grew with the square of the number of chains (docs/performance.md,
 * "Many interfaces").
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "kobj/kobj.h"

#ifndef RTEXT_FILTER_SKIP_STATS
#define RTEXT_FILTER_SKIP_STATS (1 << 3)
#endif

/* A link message without stats is about 1.5 KB; this holds any. */
#define XQ_BUF (32u << 10)

struct xq_ids {
	__u32 any, drv, skb, hw;
};

/* The IFLA_XDP attributes nested in one attribute. */
static void parse_xdp(const struct rtattr *xdp, struct xq_ids *ids)
{
	int len = (int)RTA_PAYLOAD(xdp);
	const struct rtattr *a;

	for (a = RTA_DATA(xdp); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		__u32 *id = a->rta_type == IFLA_XDP_PROG_ID	  ? &ids->any
			    : a->rta_type == IFLA_XDP_DRV_PROG_ID ? &ids->drv
			    : a->rta_type == IFLA_XDP_SKB_PROG_ID ? &ids->skb
			    : a->rta_type == IFLA_XDP_HW_PROG_ID  ? &ids->hw
								  : NULL;

		if (id && RTA_PAYLOAD(a) >= sizeof(*id))
			memcpy(id, RTA_DATA(a), sizeof(*id));
	}
}

/* One RTM_NEWLINK message: its ifindex and XDP program ids. */
static int parse_link(const struct nlmsghdr *h, int *ifindex, struct xq_ids *ids)
{
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *a;
	int len;

	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifi)))
		return -EPROTO;
	*ifindex = ifi->ifi_index;
	memset(ids, 0, sizeof(*ids));
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*ifi)));
	for (a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len))
		if ((a->rta_type & NLA_TYPE_MASK) == IFLA_XDP)
			parse_xdp(a, ids);
	return 0;
}

typedef int (*xq_link_fn)(int ifindex, const struct xq_ids *ids, void *ctx);

/* The messages of one read that answer seq: each link to fn; *done once
 * the answer is complete (a request's one message, a dump's NLMSG_DONE). */
static int parse_reply(const char *buf, int n, __u32 seq, bool dump, xq_link_fn fn, void *ctx,
		       bool *done)
{
	const struct nlmsghdr *h;
	struct xq_ids ids;
	int ifindex, err;

	for (h = (const void *)buf; NLMSG_OK(h, (unsigned int)n); h = NLMSG_NEXT(h, n)) {
		if (h->nlmsg_seq != seq)
			continue;
		if (h->nlmsg_type == NLMSG_DONE) {
			*done = true;
			return 0;
		}
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			*done = true;
			return h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)) ? -EPROTO : e->error;
		}
		if (h->nlmsg_type != RTM_NEWLINK)
			continue;
		*done = !dump;
		err = parse_link(h, &ifindex, &ids);
		if (!err)
			err = fn(ifindex, &ids, ctx);
		if (err)
			return err;
	}
	return 0;
}

/* RTM_GETLINK for ifindex, or (0) a dump of the namespace's links, without
 * their counters: the answer is smaller, and we need none of them. */
static int getlink(int ifindex, xq_link_fn fn, void *ctx)
{
	struct {
		struct nlmsghdr h;
		struct ifinfomsg ifi;
		char attr[RTA_SPACE(sizeof(__u32))];
	} req = {
		.h.nlmsg_len = sizeof(req),
		.h.nlmsg_type = RTM_GETLINK,
		.h.nlmsg_flags = NLM_F_REQUEST | (ifindex ? 0 : NLM_F_DUMP),
		.h.nlmsg_seq = 1,
		.ifi.ifi_family = AF_UNSPEC,
		.ifi.ifi_index = ifindex,
	};
	struct rtattr *mask = (struct rtattr *)req.attr;
	__u32 skip = RTEXT_FILTER_SKIP_STATS;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	bool done = false;
	int fd, n, err = 0;
	char *buf;

	mask->rta_type = IFLA_EXT_MASK;
	mask->rta_len = RTA_LENGTH(sizeof(skip));
	memcpy(RTA_DATA(mask), &skip, sizeof(skip));
	buf = malloc(XQ_BUF);
	if (!buf)
		return -ENOMEM;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		err = -errno;
	while (!err && !done) {
		n = (int)recv(fd, buf, XQ_BUF, 0);
		if (n < 0 && errno == EINTR)
			continue;
		err = n < 0 ? -errno
		      : !n  ? -EPROTO
			    : parse_reply(buf, n, req.h.nlmsg_seq, !ifindex, fn, ctx, &done);
	}
	close(fd);
	free(buf);
	return err;
}

static int keep_one(int ifindex, const struct xq_ids *ids, void *ctx)
{
	(void)ifindex;
	*(struct xq_ids *)ctx = *ids;
	return 0;
}

/* The program that runs, whatever the mode. */
static __u32 running_id(const struct xq_ids *ids, enum xdpchain_mode *mode)
{
	enum xdpchain_mode m = ids->drv ? XDPCHAIN_MODE_NATIVE
			       : ids->skb ? XDPCHAIN_MODE_SKB
			       : ids->hw  ? XDPCHAIN_MODE_HW
					  : XDPCHAIN_MODE_UNSPEC;

	if (mode)
		*mode = m;
	return ids->drv ? ids->drv : ids->skb ? ids->skb : ids->hw ? ids->hw : ids->any;
}

int xc_xdp_prog_id(int ifindex, __u32 *id, enum xdpchain_mode *mode)
{
	struct xq_ids ids = {};
	int err;

	*id = 0;
	if (mode)
		*mode = XDPCHAIN_MODE_UNSPEC;
	/* An ifindex of 0 would ask for a dump. */
	if (ifindex <= 0)
		return 0;
	err = getlink(ifindex, keep_one, &ids);
	/* No such interface runs nothing (as bpf_xdp_query() said). */
	if (err == -ENODEV)
		return 0;
	if (err)
		return err;
	*id = running_id(&ids, mode);
	return 0;
}

static int add_link(int ifindex, const struct xq_ids *ids, void *ctx)
{
	struct xc_xdp_ifs *ifs = ctx;

	if (ifs->n == ifs->cap) {
		size_t cap = ifs->cap ? 2 * ifs->cap : 64;
		void *p = realloc(ifs->v, cap * sizeof(*ifs->v));

		if (!p)
			return -ENOMEM;
		ifs->v = p;
		ifs->cap = cap;
	}
	ifs->v[ifs->n].ifindex = ifindex;
	ifs->v[ifs->n].prog_id = running_id(ids, NULL);
	ifs->n++;
	return 0;
}

static int cmp_ifindex(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int xc_xdp_ifs_read(struct xc_xdp_ifs *ifs)
{
	int err;

	memset(ifs, 0, sizeof(*ifs));
	err = getlink(0, add_link, ifs);
	if (err) {
		xc_xdp_ifs_free(ifs);
		return err;
	}
	qsort(ifs->v, ifs->n, sizeof(*ifs->v), cmp_ifindex);
	return 0;
}

long long xc_xdp_ifs_prog(const struct xc_xdp_ifs *ifs, int ifindex)
{
	const struct xc_xdp_if *e = bsearch(&ifindex, ifs->v, ifs->n, sizeof(*ifs->v), cmp_ifindex);

	return e ? (long long)e->prog_id : -1;
}

void xc_xdp_ifs_free(struct xc_xdp_ifs *ifs)
{
	free(ifs->v);
	memset(ifs, 0, sizeof(*ifs));
}
