// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The xdpchain side of the benchmark, through the library API. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <xdpchain/xdpchain.h>
#include "sides.h"

static enum xdpchain_backend backend_of(struct side *s)
{
	return s->priv ? XDPCHAIN_BACKEND_TAILCALL : XDPCHAIN_BACKEND_FREPLACE;
}

static int xc_add(struct side *s, const char *obj, int priority)
{
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao, .backend = backend_of(s));
	struct xdpchain_prog *p = xdpchain_prog__open_file(obj, NULL);
	int err;

	if (!p)
		return -errno;
	xdpchain_prog__set_priority(p, priority);
	err = xdpchain_attach(p, s->ifindex, &ao);
	xdpchain_prog__close(p);
	if (!err)
		s->count++;
	return err;
}

static int xc_remove_at(struct side *s, int pos)
{
	struct xdpchain_chain *c = xdpchain_chain__get(s->ifindex, NULL);
	__u32 id;
	int err;

	if (!c)
		return -errno;
	id = xdpchain_entry__id(xdpchain_chain__entry(c, (unsigned int)pos));
	xdpchain_chain__free(c);
	err = xdpchain_detach_id(s->ifindex, id, NULL);
	if (!err)
		s->count--;
	return err;
}

static int xc_status(struct side *s)
{
	struct xdpchain_chain *c = xdpchain_chain__get(s->ifindex, NULL);

	if (!c)
		return -errno;
	xdpchain_chain__free(c);
	return 0;
}

static int xc_main_fd(struct side *s)
{
	struct xdpchain_chain *c = xdpchain_chain__get(s->ifindex, NULL);
	int fd;

	if (!c)
		return -errno;
	fd = bpf_prog_get_fd_by_id(xdpchain_chain__dispatcher_id(c));
	xdpchain_chain__free(c);
	return fd < 0 ? -errno : fd;
}

static void xc_clear(struct side *s)
{
	xdpchain_detach_all(s->ifindex, NULL);
	s->count = 0;
}

int side_xdpchain_init(struct side *s, int ifindex, bool tailcall)
{
	*s = (struct side){
		.name = tailcall ? "xdpchain-tailcall" : "xdpchain-freplace",
		.max_progs = tailcall ? 32 : 64,
		.add = xc_add,
		.remove_at = xc_remove_at,
		.status = xc_status,
		.main_fd = xc_main_fd,
		.clear = xc_clear,
		.ifindex = ifindex,
		.priv = tailcall ? (void *)1 : NULL,
	};
	if (!tailcall && xdpchain_probe_backend() != XDPCHAIN_BACKEND_FREPLACE)
		return -EOPNOTSUPP;
	xc_clear(s);
	return 0;
}
