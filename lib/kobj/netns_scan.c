// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Whether an XDP program runs on an interface of another network
 * namespace (layer 1; docs/protocol.md, sections 7a and 10a).
 *
 * An adopted chain stays attached through netlink (protocol.md 7a), and
 * the kernel reports no interface for a netlink-attached program: when
 * its interface leaves the namespace, the chain's dispatcher runs on
 * there, but nothing the old namespace can ask about the program says
 * so, and its state looks like that of a deleted interface. Collecting
 * it would unpin the links of its freplace slots, and packets there
 * would pass the programs that should judge them. So before the state
 * of such a chain is collected, the namespaces that can be seen are
 * asked what their interfaces run: a thread enters each one (setns()
 * changes the calling thread's namespace only), dumps its interfaces
 * with one netlink request, and looks for the program.
 *
 * The namespaces seen are those of processes (/proc/<pid>/ns/net) and
 * those named in /run/netns; one kept only by a descriptor or a bind
 * mount elsewhere is not seen (section 10 has the same limit). Each is
 * asked once (by inode).
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "kobj/kobj.h"

/* Namespaces asked per scan, at most: a node of thousands of pods has as
 * many; a bound keeps a scan's time finite on a pathological one. */
#define SCAN_MAX 65536

struct ask {
	int ns_fd;
	__u32 prog_id;
	int ifindex; /* out: the interface that runs it, 0 if none */
	int err;     /* out */
};

static void *ask_ns(void *arg)
{
	struct ask *a = arg;
	struct xc_xdp_ifs ifs;

	if (setns(a->ns_fd, CLONE_NEWNET)) {
		a->err = -errno;
		return NULL;
	}
	/* The dump's socket is created after setns(): in that namespace. */
	a->err = xc_xdp_ifs_read(&ifs);
	if (a->err)
		return NULL;
	for (size_t i = 0; i < ifs.n; i++)
		if (ifs.v[i].prog_id == a->prog_id)
			a->ifindex = ifs.v[i].ifindex;
	xc_xdp_ifs_free(&ifs);
	return NULL;
}

/* One scan: the namespaces asked (by inode), what is looked for, and
 * the first error met. */
struct scan {
	__u64 *seen;
	size_t n, cap;
	__u32 prog_id;
	__u64 skip_ino;
	__u64 ino;   /* out: where it runs */
	int ifindex; /* out: on which interface there */
	int err;
};

/* Ask the namespace at path, unless it is ours or was asked: 1 if it
 * runs the program, else 0 (an error is kept in s->err). */
static int ask_path(struct scan *s, const char *path)
{
	struct ask a = { .prog_id = s->prog_id };
	struct stat sb;
	pthread_t t;
	int err;

	if (stat(path, &sb) || sb.st_ino == s->skip_ino || s->n >= SCAN_MAX)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		if (s->seen[i] == sb.st_ino)
			return 0;
	if (s->n == s->cap) {
		__u64 *more = realloc(s->seen, 2 * s->cap * sizeof(*more));

		if (!more) {
			s->err = s->err ? s->err : -ENOMEM;
			return 0;
		}
		s->seen = more;
		s->cap *= 2;
	}
	s->seen[s->n++] = sb.st_ino;
	a.ns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (a.ns_fd < 0) {
		err = errno == ENOENT || errno == ESRCH ? 0 : -errno; /* gone meanwhile */
	} else {
		err = -pthread_create(&t, NULL, ask_ns, &a);
		if (!err)
			err = -pthread_join(t, NULL);
		close(a.ns_fd);
		if (!err)
			err = a.err;
	}
	if (err && !s->err)
		s->err = err;
	if (err || !a.ifindex)
		return 0;
	s->ino = sb.st_ino;
	s->ifindex = a.ifindex;
	return 1;
}

int xc_xdp_prog_netns(__u32 prog_id, __u64 skip_ino, __u64 *ino, int *ifindex)
{
	static const char *const named[] = { "/run/netns", "/var/run/netns" };
	struct scan s = { .cap = 256, .prog_id = prog_id, .skip_ino = skip_ino };
	char path[300];
	struct dirent *de;
	int found = 0;
	DIR *d;

	s.seen = malloc(s.cap * sizeof(*s.seen));
	if (!s.seen)
		return -ENOMEM;
	for (unsigned int i = 0; i < 2 && !found; i++) {
		d = opendir(named[i]);
		while (d && !found && (de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", named[i], de->d_name);
			found = ask_path(&s, path);
		}
		if (d)
			closedir(d);
	}
	d = found ? NULL : opendir("/proc");
	while (d && !found && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		found = ask_path(&s, path);
	}
	if (d)
		closedir(d);
	free(s.seen);
	if (found) {
		*ino = s.ino;
		*ifindex = s.ifindex;
		return 1;
	}
	/* Not found; but a namespace that could not be asked (EPERM: no
	 * CAP_SYS_ADMIN over it) leaves the answer open. */
	return s.err;
}
