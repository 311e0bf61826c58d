// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* libxdp (Debian's libxdp-dev), driven the way an application would:
 * one xdp_program__attach() per program. Built only where libxdp is. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include <xdpchain/xdpchain.h>
#include "sides.h"

#ifdef HAVE_LIBXDP
#include <xdp/libxdp.h>

#define LIBXDP_MAX 10 /* its dispatcher's slots */

struct lx {
	struct xdp_program *progs[LIBXDP_MAX];
};

static int quiet(enum libxdp_print_level level, const char *fmt, va_list args)
{
	return 0;
}

static int lx_add(struct side *s, const char *obj, int priority)
{
	struct lx *lx = s->priv;
	struct xdp_program *p;
	int err;

	if (s->count >= LIBXDP_MAX)
		return -E2BIG;
	p = xdp_program__open_file(obj, "xdp", NULL);
	if (libxdp_get_error(p))
		return (int)libxdp_get_error(p);
	xdp_program__set_run_prio(p, (unsigned int)priority);
	err = xdp_program__attach(p, s->ifindex, XDP_MODE_NATIVE, 0);
	if (err) {
		xdp_program__close(p);
		return err;
	}
	lx->progs[s->count++] = p;
	return 0;
}

/* Programs are added with increasing priority, so run position = index. */
static int lx_remove_at(struct side *s, int pos)
{
	struct lx *lx = s->priv;
	int err = xdp_program__detach(lx->progs[pos], s->ifindex, XDP_MODE_NATIVE, 0);

	if (err)
		return err;
	xdp_program__close(lx->progs[pos]);
	for (int i = pos; i + 1 < s->count; i++)
		lx->progs[i] = lx->progs[i + 1];
	s->count--;
	return 0;
}

static int lx_status(struct side *s)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(s->ifindex);

	if (libxdp_get_error(mp))
		return (int)libxdp_get_error(mp);
	xdp_multiprog__close(mp);
	return 0;
}

static int lx_main_fd(struct side *s)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(s->ifindex);
	int fd;

	if (libxdp_get_error(mp))
		return (int)libxdp_get_error(mp);
	fd = dup(xdp_program__fd(xdp_multiprog__main_prog(mp)));
	xdp_multiprog__close(mp);
	return fd < 0 ? -errno : fd;
}

static void lx_clear(struct side *s)
{
	struct lx *lx = s->priv;
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(s->ifindex);

	if (!libxdp_get_error(mp)) {
		xdp_multiprog__detach(mp);
		xdp_multiprog__close(mp);
	}
	for (int i = 0; i < s->count; i++)
		xdp_program__close(lx->progs[i]);
	s->count = 0;
}

int side_libxdp_init(struct side *s, int ifindex)
{
	*s = (struct side){
		.name = "libxdp",
		.max_progs = LIBXDP_MAX,
		.add = lx_add,
		.remove_at = lx_remove_at,
		.status = lx_status,
		.main_fd = lx_main_fd,
		.clear = lx_clear,
		.ifindex = ifindex,
		.priv = calloc(1, sizeof(struct lx)),
	};
	if (!s->priv)
		return -ENOMEM;
	/* libxdp chains through freplace only; without it, it falls back
	 * to one program and there is nothing to compare. */
	if (xdpchain_probe_backend() != XDPCHAIN_BACKEND_FREPLACE)
		return -EOPNOTSUPP;
	libxdp_set_print(quiet);
	lx_clear(s);
	return 0;
}
#else
int side_libxdp_init(struct side *s, int ifindex)
{
	return -EOPNOTSUPP;
}
#endif
