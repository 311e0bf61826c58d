// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * libxdp's dispatcher read for status as an adoption reads it (layer 5;
 * docs/protocol.md 7 and 7a). status reads libxdp's chains through
 * libxdp's own API; but the system's libxdp refuses a dispatcher of a
 * layout newer than it knows (Debian 12's 1.3.1 reads layouts 1 and 2,
 * libxdp 1.5 and later make layout 3), and the operator about to adopt
 * it should still see what runs. The library's reader knows it (by the
 * names in the config's BTF), so status asks it then. Nothing changes:
 * libxdp's lock is held only while its pins are read, as libxdp does.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "api/api.h"
#include "api/internal.h"

_Static_assert(sizeof(((struct xc_libxdp_view *)0)->progs) /
	       sizeof(((struct xc_libxdp_view *)0)->progs[0]) == XC_LIBXDP_MAX,
	       "one entry per libxdp slot");

int xc_libxdp_view(int ifindex, __u32 disp_id, struct xc_libxdp_view *v, char *why,
		   size_t why_len)
{
	struct xc_libxdp x;
	int fd, lock, err;

	memset(v, 0, sizeof(*v));
	fd = bpf_prog_get_fd_by_id(disp_id);
	if (fd < 0) {
		err = -errno;
		snprintf(why, why_len, "cannot get program %u: %s", disp_id, strerror(-err));
		return err;
	}
	lock = xc_libxdp_lock(NULL, why, why_len);
	if (lock < 0) {
		close(fd);
		return lock;
	}
	err = xc_libxdp_read(NULL, ifindex, fd, disp_id, &x, why, why_len);
	xc_libxdp_unlock(lock);
	close(fd);
	if (err)
		return err;
	v->version = x.version;
	v->frags = x.frags;
	v->nr = x.nr;
	for (unsigned int i = 0; i < x.nr && i < XC_LIBXDP_MAX; i++) {
		v->progs[i].id = x.progs[i].id;
		snprintf(v->progs[i].name, sizeof(v->progs[i].name), "%s", x.progs[i].name);
		v->progs[i].priority = x.progs[i].priority;
		v->progs[i].actions = x.progs[i].actions;
	}
	xc_libxdp_close(&x);
	return 0;
}
