// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Collecting state that no running chain uses (layer 4;
 * docs/protocol.md, "Garbage collection"):
 *   - orphans a crashed writer left next to a running chain (every
 *     transaction collects its own interface's; xdpchain_gc() does it for
 *     all, without a change);
 *   - the state of interfaces that disappeared: their dispatcher link
 *     reports ifindex 0, or the ifindex now names another interface which
 *     does not run that dispatcher;
 *   - the directories of network namespaces that no longer exist.
 * Only the caller's namespace is judged fully; another namespace's
 * directory is collected only when nothing says the namespace lives and,
 * under each interface's lock, no dispatcher link of it is attached.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"
#include "store/store.h"
#include "reader/reader.h"
#include "mutate/mutate.h"

struct gc_ctx {
	struct xc_gc_report rep;    /* first: xc_state_gc() hands it back */
	xc_collected_fn fn;
	void *ctx;
	const char *why;            /* reason for what is reported now */
	int removed;
	/* Entries removed while the reason is not known yet. */
	char (*pending)[400];
	unsigned int npending, cap;
};

static void report(struct gc_ctx *g, const char *path, const char *why)
{
	g->removed++;
	xc_info("collected %s (%s)\n", path, why);
	if (g->fn)
		g->fn(path, why, g->ctx);
}

static void collect_cb(struct xc_gc_report *r, const char *dir, const char *name)
{
	struct gc_ctx *g = (struct gc_ctx *)r;
	char path[400];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (g->why) {
		report(g, path, g->why);
		return;
	}
	if (g->npending == g->cap) {
		unsigned int cap = g->cap ? 2 * g->cap : 16;
		void *p = realloc(g->pending, cap * sizeof(*g->pending));

		if (!p) {
			report(g, path, "orphan");
			return;
		}
		g->pending = p;
		g->cap = cap;
	}
	memcpy(g->pending[g->npending++], path, sizeof(path));
}

static void flush_pending(struct gc_ctx *g, const char *why)
{
	for (unsigned int i = 0; i < g->npending; i++)
		report(g, g->pending[i], why);
	g->npending = 0;
}

/* rmdir dir; report it if it went. */
static void remove_dir(struct gc_ctx *g, const char *dir, const char *why)
{
	char path[400];

	if (rmdir(dir)) {
		if (errno != ENOENT && errno != ENOTEMPTY)
			xc_warn("cannot remove %s: %s\n", dir, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/", dir);
	report(g, path, why);
}

/* The dispatcher link pinned in dir: the ifindex it runs on (0: detached,
 * its interface gone), -ENOENT if there is none, or another -errno: then
 * nothing is known (an LSM's EPERM, EMFILE, ENOMEM), and the caller must
 * not take it for "no link". A pin that is no link is -EINVAL. */
static int pinned_link_ifindex(const char *dir)
{
	struct bpf_link_info li = {};
	__u32 len = sizeof(li);
	char path[400];
	int fd, ret;

	ret = xc_fail(XC_FAIL_LINK_INFO);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/dispatcher", dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	if (!xc_fd_is(fd, XC_FD_LINK))
		ret = -EINVAL;
	else
		ret = bpf_obj_get_info_by_fd(fd, &li, &len) ? -errno
		      : li.type != BPF_LINK_TYPE_XDP	     ? -EINVAL
							     : (int)li.xdp.ifindex;
	close(fd);
	return ret;
}

static bool ifindex_exists(int ifindex)
{
	char name[IF_NAMESIZE];

	return if_indextoname((unsigned int)ifindex, name) != NULL;
}

/* One interface of our namespace: lock, read (collecting orphans), and if
 * no valid chain runs, collect everything and the directory. */
static int gc_ours(struct gc_ctx *g, const char *root, int ifindex, bool nonblock)
{
	struct xc_state *st = xc_state_new();
	const char *why;
	int err;

	if (!st)
		return -ENOMEM;
	g->why = NULL;
	err = xc_state_lock(st, ifindex, root, false, nonblock, &g->rep);
	if (err) {
		flush_pending(g, "orphan");
		xc_state_free(st);
		/* Gone meanwhile, or a writer is at work (and collects). */
		return err == -ENOENT || err == -EWOULDBLOCK ? 0 : err;
	}
	why = st->chain.have ? "orphan" : ifindex_exists(ifindex) ? "chain not running"
							     : "interface gone";
	flush_pending(g, why);
	/* The namespace's directory stays: a writer may be about to create
	 * another interface's directory in it. */
	if (!st->chain.have)
		remove_dir(g, st->store.dir, why);
	xc_state_free(st);
	return 0;
}

static bool parse_if(const char *name, int *ifindex)
{
	const char *end;
	unsigned long long v;

	end = xc_name_num(name, "if-", INT_MAX, &v);
	if (!end || *end || !v)
		return false;
	*ifindex = (int)v;
	return true;
}

/* Whether another namespace's interface directory may go: only when its
 * dispatcher link is known to be absent (and, an adopted chain, its
 * dispatcher runs nowhere) or detached. Any other answer
 * (an attached link, or an error that says nothing) keeps it: the
 * namespace may live on, held by a descriptor or a bind mount that
 * netns_seen() cannot see, and unpinning its link would detach a running
 * chain. */
static bool other_ns_collectable(const char *dir)
{
	int linked = pinned_link_ifindex(dir), ifindex, r;
	__u64 ino;
	__u32 id;

	if (linked == 0)
		return true;
	/* No link: an adopted chain (netlink-attached) goes only if its
	 * dispatcher runs in no namespace we can ask (ours included: its
	 * interface may have come back). */
	if (linked == -ENOENT) {
		r = xc_store_runs_away(dir, 0, &id, &ino, &ifindex);
		if (r > 0)
			xc_debug("%s: its dispatcher %u runs on ifindex %d of namespace %llu: left "
				 "alone\n", dir, id, ifindex, (unsigned long long)ino);
		else if (r < 0)
			xc_warn("%s: cannot tell whether its dispatcher %u runs in a namespace (%s): "
				"left alone, as if it ran\n", dir, id, strerror(-r));
		return !r;
	}
	if (linked < 0)
		xc_warn("%s: cannot read its dispatcher link (%s): left alone, as if its "
			"chain ran\n", dir, strerror(-linked));
	return false;
}

/* A directory we cannot judge by an interface of ours (another
 * namespace's, or a parked one, section 10a): collect it, under its lock,
 * only when its dispatcher link is absent or detached. A link that is
 * still attached keeps everything; so does a held lock. */
static void gc_unattached(struct gc_ctx *g, struct xc_state *st, const char *nsdir,
			  const char *name, int ifindex, const char *why)
{
	if (!xc_store_lock_other(st, nsdir, name, ifindex) && other_ns_collectable(st->store.dir)) {
		g->why = why;
		xc_state_gc(st, NULL, &g->rep);
		remove_dir(g, st->store.dir, g->why);
	}
	xc_store_unlock(st);
}

/* The parked directories of our namespace (moved-<link id>, section
 * 10a) whose interface is gone: the new namespace adopts a live one. */
static int gc_parked(struct gc_ctx *g, const char *nsdir, __u64 ino)
{
	struct xc_state *st = xc_state_new();
	unsigned long long link;
	struct dirent *de;
	char dir[400];
	DIR *d;

	if (!st)
		return -ENOMEM;
	d = opendir(nsdir);
	while (d && (de = readdir(d))) {
		if (strncmp(de->d_name, XC_PARKED_PREFIX, strlen(XC_PARKED_PREFIX)) ||
		    !xc_state_dir_name(de->d_name, &link))
			continue;
		/* Cheap test first: attached somewhere, it stays. */
		snprintf(dir, sizeof(dir), "%s/%s", nsdir, de->d_name);
		if (pinned_link_ifindex(dir) > 0)
			continue;
		gc_unattached(g, st, nsdir, de->d_name, 0, "moved interface gone");
	}
	if (d)
		closedir(d);
	xc_state_free(st);
	return 0;
}

/*
 * The sweeps for vanished interfaces: whether ifindex's directory is
 * plainly in use, and so needs no closer look. With one netlink dump of
 * the namespace (ifs: status's sweep of every directory), an interface
 * that exists and runs an XDP program is taken as running its chain: a
 * lookup, where reading each directory's link pin costs several system
 * calls (docs/performance.md, "Many interfaces"); an ifindex reused by an
 * interface that runs some other XDP program is then left to the sweeps
 * after changes, to that interface's next transaction and to gc
 * (protocol.md section 10). Without the dump (the sweep after a change,
 * which looks at a few directories), the link pin decides.
 */
static bool plainly_running(const struct xc_xdp_ifs *ifs, const char *nsdir, const char *name,
			    int ifindex)
{
	char dir[400];

	if (ifs)
		return xc_xdp_ifs_prog(ifs, ifindex) > 0;
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", nsdir, name) >= sizeof(dir))
		return false;
	return pinned_link_ifindex(dir) == ifindex && ifindex_exists(ifindex);
}

static int gc_our_ns(struct gc_ctx *g, const char *root, const char *nsdir, __u64 ino,
		     int skip, bool vanished_only)
{
	struct xc_xdp_ifs ifs;
	bool have_ifs = false, tried = false;
	struct dirent *de;
	int ifindex, err, ret;
	DIR *d = opendir(nsdir);

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	err = gc_parked(g, nsdir, ino);
	while ((de = readdir(d))) {
		if (!parse_if(de->d_name, &ifindex) || ifindex == skip)
			continue;
		/* The dump once, and only if there is a directory to judge. */
		if (vanished_only && !tried) {
			tried = true;
			have_ifs = !xc_xdp_ifs_read(&ifs);
		}
		if (vanished_only &&
		    plainly_running(have_ifs ? &ifs : NULL, nsdir, de->d_name, ifindex))
			continue;
		ret = gc_ours(g, root, ifindex, vanished_only);
		if (ret && !err)
			err = ret;
	}
	closedir(d);
	if (have_ifs)
		xc_xdp_ifs_free(&ifs);
	return err;
}

/* Whether a network namespace with this inode number is known to exist:
 * a process's, or one named in /run/netns. Inode numbers are reused and
 * a namespace can also be kept by a file descriptor or a bind mount
 * elsewhere, so "not found" only permits the per-interface check. */
static bool netns_seen(__u64 ino)
{
	static const char *const dirs[] = { "/run/netns", "/var/run/netns" };
	char path[300];
	struct dirent *de;
	struct stat sb;
	bool seen = false;
	DIR *d;

	for (unsigned int i = 0; i < 2 && !seen; i++) {
		d = opendir(dirs[i]);
		while (d && !seen && (de = readdir(d))) {
			snprintf(path, sizeof(path), "%s/%s", dirs[i], de->d_name);
			seen = de->d_name[0] != '.' && !stat(path, &sb) && sb.st_ino == ino;
		}
		if (d)
			closedir(d);
	}
	d = opendir("/proc");
	while (d && !seen && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		seen = !stat(path, &sb) && sb.st_ino == ino;
	}
	if (d)
		closedir(d);
	return seen;
}

/* Another namespace's directory: collect each interface whose dispatcher
 * link is absent or detached, under its lock; leave the rest. We cannot
 * ask that namespace what runs on its interfaces, so a link that is still
 * attached keeps everything of its interface. */
static int gc_other_ns(struct gc_ctx *g, const char *nsdir, __u64 ino)
{
	struct xc_state *st;
	struct dirent *de;
	int ifindex;
	DIR *d;

	if (netns_seen(ino)) {
		xc_debug("%s: namespace %" PRIu64 " exists: left alone\n", nsdir, (uint64_t)ino);
		return 0;
	}
	st = xc_state_new();
	if (!st)
		return -ENOMEM;
	d = opendir(nsdir);
	if (!d) {
		xc_state_free(st);
		return errno == ENOENT ? 0 : -errno;
	}
	while ((de = readdir(d))) {
		unsigned long long num;

		if (!xc_state_dir_name(de->d_name, &num))
			continue;
		/* (A parked directory's number is a link id, no ifindex.) */
		ifindex = parse_if(de->d_name, &ifindex) ? ifindex : 0;
		gc_unattached(g, st, nsdir, de->d_name, ifindex, "namespace gone");
	}
	closedir(d);
	xc_state_free(st);
	remove_dir(g, nsdir, "namespace gone");
	return 0;
}

int xc_collect(const char *root, __u64 ino, int ifindex, bool vanished_only,
	       xc_collected_fn fn, void *ctx)
{
	struct gc_ctx g = { .rep.fn = collect_cb, .fn = fn, .ctx = ctx };
	char nsdir[400];
	struct dirent *de;
	__u64 other;
	int err;
	DIR *d;

	if (ifindex) {
		err = gc_ours(&g, root, ifindex, vanished_only);
		goto out;
	}
	snprintf(nsdir, sizeof(nsdir), "%s/ns-%" PRIu64, root, (uint64_t)ino);
	err = gc_our_ns(&g, root, nsdir, ino, 0, vanished_only);
	if (err || vanished_only)
		goto out;
	d = opendir(root);
	while (d && (de = readdir(d))) {
		unsigned long long v;

		if (!xc_name_is_num(de->d_name, "ns-", &v))
			continue;
		other = v;
		if (other == ino)
			continue;
		if ((size_t)snprintf(nsdir, sizeof(nsdir), "%s/ns-%" PRIu64, root,
				     (uint64_t)other) < sizeof(nsdir))
			gc_other_ns(&g, nsdir, other);
	}
	if (d)
		closedir(d);
out:
	free(g.pending);
	return err ? err : g.removed;
}

/*
 * After a change: up to XC_SWEEP_MAX other interface directories of the
 * namespace, from a pseudo-random one on, each judged by its link pin (a
 * few system calls): all of them in a namespace of up to XC_SWEEP_MAX
 * chains, a sample in a larger one, so that a change costs the same
 * however many chains the namespace has (reading every link, even in one
 * netlink dump, took milliseconds per change with a thousand chains,
 * docs/performance.md, "Many interfaces"). What a sample misses, the next
 * changes, status and gc collect (they sweep every directory).
 */
#define XC_SWEEP_MAX 16

static void sweep_some(struct gc_ctx *g, const char *root, const char *nsdir, int skip)
{
	unsigned long n = 0, i = 0, start = 0;
	struct timespec ts;
	struct dirent *de;
	int ifindex;
	DIR *d = opendir(nsdir);

	if (!d)
		return;
	while ((de = readdir(d)))
		n += parse_if(de->d_name, &ifindex) && ifindex != skip;
	if (n > XC_SWEEP_MAX) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		start = ((unsigned long)ts.tv_nsec ^ (unsigned long)getpid()) % n;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (!parse_if(de->d_name, &ifindex) || ifindex == skip)
			continue;
		/* (A directory removed meanwhile shifts the window: harmless.) */
		if ((i++ + n - start) % (n ? n : 1) >= XC_SWEEP_MAX ||
		    plainly_running(NULL, nsdir, de->d_name, ifindex))
			continue;
		gc_ours(g, root, ifindex, true);
	}
	closedir(d);
}

void xc_collect_vanished(const char *root, __u64 netns_ino, int skip_ifindex)
{
	struct gc_ctx g = { .rep.fn = collect_cb };
	char nsdir[400];

	snprintf(nsdir, sizeof(nsdir), "%s/ns-%" PRIu64, root, (uint64_t)netns_ino);
	gc_parked(&g, nsdir, netns_ino);
	sweep_some(&g, root, nsdir, skip_ifindex);
	free(g.pending);
}
