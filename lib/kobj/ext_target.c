// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The one-slot dispatchers extensions are loaded against (see
 * xc_disp_load_ext_target()), one per kind (with or without xdp.frags),
 * loaded on first use and kept until the process exits.
 *
 * A CLI attach used to load one for the freplace probe and another for the
 * program, and an application one per program it loaded: each a skeleton
 * opened, its maps created, a program verified and JITed. The kernel lets
 * any number of extensions be loaded against one target, and re-checks
 * each against the slot it is linked to, so one target serves them all.
 * Only the program's file descriptor is kept (the object is freed): the
 * process holds one small program per kind, attached nowhere.
 *
 * A kept descriptor is checked before each use (its program id): a
 * process that closed descriptors it did not open (a daemon closing every
 * descriptor, say) gets a new target, and the stale number, which may be
 * someone else's by then, is never used or closed. */
#include <pthread.h>
#include <unistd.h>
#include "kobj/kobj.h"

struct target {
	int fd;
	__u32 prog_id;
	__u32 btf_id;
};

static pthread_mutex_t targets_lock = PTHREAD_MUTEX_INITIALIZER;
static struct target targets[2] = { { .fd = -1 }, { .fd = -1 } };

static bool still_ours(const struct target *t)
{
	__u8 tag[8];
	__u32 id;

	return t->fd >= 0 && !xc_prog_tag(t->fd, tag, &id) && id == t->prog_id;
}

static int load_target(struct target *t, bool frags)
{
	struct xdpchain_dispatcher *d;
	__u32 btf_id, id;
	__u8 tag[8];
	int fd, err;

	d = xc_disp_load_ext_target(frags, &btf_id);
	if (!d)
		return -errno;
	/* Above the standard streams: a process that closed them must not
	 * get its program as its stdout. */
	fd = fcntl_dupfd(xc_disp_prog_fd(d));
	err = fd < 0 ? -errno : 0;
	xc_disp_free(d);
	if (err)
		return err;
	err = xc_prog_tag(fd, tag, &id);
	if (err) {
		close(fd);
		return err;
	}
	*t = (struct target){ .fd = fd, .prog_id = id, .btf_id = btf_id };
	return 0;
}

int xc_ext_target(bool frags, __u32 *btf_id)
{
	struct target *t = &targets[frags ? 1 : 0];
	int err = 0, fd;

	pthread_mutex_lock(&targets_lock);
	if (!still_ours(t)) {
		/* Not closed: the number is not ours any more, if it ever
		 * was replaced. */
		t->fd = -1;
		err = load_target(t, frags);
	}
	fd = t->fd;
	*btf_id = t->btf_id;
	pthread_mutex_unlock(&targets_lock);
	if (err)
		return xc_err(err);
	return fd;
}

/* A library unloaded with dlclose() leaves nothing loaded behind. */
__attribute__((destructor)) static void targets_release(void)
{
	pthread_mutex_lock(&targets_lock);
	for (unsigned int i = 0; i < 2; i++) {
		if (still_ours(&targets[i]))
			close(targets[i].fd);
		targets[i].fd = -1;
	}
	pthread_mutex_unlock(&targets_lock);
}
