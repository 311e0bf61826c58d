// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xcstress: concurrent random attach/detach through libxdpchain, for the
 * stress and thread-safety tests (tests/kernel/suite-stress.sh).
 *
 *   xcstress [-w WORKERS] [-t THREADS] [-n OPS] [-k KEEP] [-s SEED]
 *            [-b BACKEND] [-m MODE] OBJ PROG TARGET...
 *
 * TARGET is IFACE or NETNS:IFACE (NETNS a name under /run/netns or a
 * path); with several targets each operation picks one at random and the
 * thread enters its network namespace (setns is per thread). WORKERS
 * processes each run THREADS threads; each thread does OPS operations:
 * attach a new instance of PROG with a random priority, or detach one of
 * the programs it attached itself (so no other thread can legitimately
 * remove it). With KEEP 0 a thread alternates attach and detach, so chains
 * often become empty and their state directories come and go. After every operation the thread reads the chain and checks
 * that each program it holds is there, that the one it just detached is
 * not, and that no program id appears twice.
 *
 * Otherwise it hovers around KEEP programs per target (default 4).
 *
 * Every operation is logged on stdout, one line written at once:
 *   T<w>.<t> attach <target> <prio> ok <id> | fail <errno name>
 *   T<w>.<t> detach <target> <id> ok | fail <errno name>
 *   T<w>.<t> check <target> fail <what>
 * and at the end "# total ops N ok N in S s: X ops/s (Y successful/s)".
 * Exit status 0 unless the tool itself could not run.
 *
 *   xcstress alive < IDS
 * prints those of the program ids read from stdin that still exist in the
 * kernel, and
 *   xcstress disps
 * prints "netns_ino ifindex prog_id" of every xdpchain dispatcher loaded in
 * the kernel (from its metadata): precise leak checks, whatever else runs
 * on the machine.
 */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <xdpchain/xdpchain.h>
#include "xdpchain_abi.h"

#define MAX_TARGETS 8
#define MAX_HELD 64

struct target {
	int netns_fd; /* -1: the current namespace */
	int ifindex;
	const char *spec;
};

static struct target targets[MAX_TARGETS];
static int nr_targets;
static const char *obj_path, *prog_name;
static int ops = 200, keep = 4, nr_threads = 1, nr_workers = 1;
static unsigned int seed;
static enum xdpchain_backend backend = XDPCHAIN_BACKEND_AUTO;
static enum xdpchain_mode mode = XDPCHAIN_MODE_UNSPEC;

/* Shared between worker processes: operation counters. */
struct counters {
	unsigned long ops, ok;
};
static struct counters *shared;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	/* One write per line: lines of concurrent writers never mix. */
	if (write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(3);
}

static const char *errname(int err)
{
	const char *s = strerrorname_np(err < 0 ? -err : err);

	return s ? s : "E?";
}

struct held {
	__u32 id[MAX_HELD];
	int n;
};

struct thread_ctx {
	int worker, thread;
	unsigned int seed;
	struct held held[MAX_TARGETS];
	unsigned long ops, ok;
};

static int enter(int t)
{
	if (targets[t].netns_fd < 0)
		return 0;
	if (setns(targets[t].netns_fd, CLONE_NEWNET)) {
		fprintf(stderr, "xcstress: setns %s: %s\n", targets[t].spec, strerror(errno));
		return -1;
	}
	return 0;
}

/* Read the chain and check what this thread knows about it. */
static void check(struct thread_ctx *c, int t, __u32 gone)
{
	struct xdpchain_chain *ch = xdpchain_chain__get(targets[t].ifindex, NULL);
	struct held *h = &c->held[t];
	__u32 ids[XDPCHAIN_MAX_PROGS];
	unsigned int n = 0, i, j;
	int k;

	if (!ch) {
		if (errno != ENOENT || h->n)
			say("T%d.%d check %d fail chain_get_%s_holding_%d\n", c->worker,
			     c->thread, t, errname(errno), h->n);
		return;
	}
	n = xdpchain_chain__nr_progs(ch);
	for (i = 0; i < n && i < XDPCHAIN_MAX_PROGS; i++)
		ids[i] = xdpchain_entry__id(xdpchain_chain__entry(ch, i));
	xdpchain_chain__free(ch);
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++)
			if (ids[i] == ids[j])
				say("T%d.%d check %d fail duplicate_%u\n", c->worker, c->thread,
				     t, ids[i]);
		if (gone && ids[i] == gone)
			say("T%d.%d check %d fail detached_%u_present\n", c->worker, c->thread,
			     t, gone);
	}
	for (k = 0; k < h->n; k++) {
		for (i = 0; i < n && ids[i] != h->id[k]; i++)
			;
		if (i == n)
			say("T%d.%d check %d fail attached_%u_missing\n", c->worker, c->thread,
			     t, h->id[k]);
	}
}

static void op_attach(struct thread_ctx *c, int t)
{
	XDPCHAIN_OPTS(xdpchain_open_opts, oo, .prog_name = prog_name);
	XDPCHAIN_OPTS(xdpchain_attach_opts, ao, .backend = backend, .mode = mode);
	int prio = (int)(rand_r(&c->seed) % 21) - 10;
	struct xdpchain_prog *p;
	char owner[32];
	int err;

	p = xdpchain_prog__open_file(obj_path, &oo);
	if (!p) {
		say("T%d.%d attach %d %d fail open_%s\n", c->worker, c->thread, t, prio,
		     errname(errno));
		return;
	}
	snprintf(owner, sizeof(owner), "xcstress-%d.%d", c->worker, c->thread);
	xdpchain_prog__set_priority(p, prio);
	xdpchain_prog__set_owner(p, owner);
	err = xdpchain_attach(p, targets[t].ifindex, &ao);
	if (err) {
		say("T%d.%d attach %d %d fail %s\n", c->worker, c->thread, t, prio,
		     errname(err));
	} else {
		struct held *h = &c->held[t];

		say("T%d.%d attach %d %d ok %u\n", c->worker, c->thread, t, prio,
		     xdpchain_prog__id(p));
		if (h->n < MAX_HELD)
			h->id[h->n++] = xdpchain_prog__id(p);
		c->ok++;
	}
	/* The pins keep the program: the object is not needed any more. */
	xdpchain_prog__close(p);
	check(c, t, 0);
}

static void op_detach(struct thread_ctx *c, int t)
{
	struct held *h = &c->held[t];
	int k = (int)(rand_r(&c->seed) % (unsigned int)h->n);
	__u32 id = h->id[k];
	int err;

	err = xdpchain_detach_id(targets[t].ifindex, id, NULL);
	if (err) {
		say("T%d.%d detach %d %u fail %s\n", c->worker, c->thread, t, id, errname(err));
		check(c, t, 0);
		return;
	}
	say("T%d.%d detach %d %u ok\n", c->worker, c->thread, t, id);
	h->id[k] = h->id[--h->n];
	c->ok++;
	check(c, t, id);
}

static void *thread_main(void *arg)
{
	struct thread_ctx *c = arg;
	int i, t;

	for (i = 0; i < ops; i++) {
		struct held *h;
		unsigned int r;

		t = (int)(rand_r(&c->seed) % (unsigned int)nr_targets);
		if (enter(t))
			break;
		h = &c->held[t];
		/* Hover around KEEP programs per thread and target: the
		 * chain fills up to its limits and refused attaches happen. */
		r = rand_r(&c->seed) % 10;
		if (!h->n || (keep && h->n < MAX_HELD && (h->n < keep ? r < 7 : r < 3)))
			op_attach(c, t);
		else
			op_detach(c, t);
		c->ops++;
	}
	return NULL;
}

static int worker(int w)
{
	struct thread_ctx *ctx = calloc((size_t)nr_threads, sizeof(*ctx));
	pthread_t *tid = calloc((size_t)nr_threads, sizeof(*tid));
	int i, err;

	if (!ctx || !tid)
		return 1;
	for (i = 0; i < nr_threads; i++) {
		ctx[i].worker = w;
		ctx[i].thread = i;
		ctx[i].seed = seed * 7919u + (unsigned int)(w * 131 + i);
		err = pthread_create(&tid[i], NULL, thread_main, &ctx[i]);
		if (err) {
			fprintf(stderr, "xcstress: pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	for (i = 0; i < nr_threads; i++) {
		pthread_join(tid[i], NULL);
		__atomic_add_fetch(&shared->ops, ctx[i].ops, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&shared->ok, ctx[i].ok, __ATOMIC_SEQ_CST);
	}
	return 0;
}

static int open_target(const char *spec)
{
	struct target *tg = &targets[nr_targets];
	const char *colon = strrchr(spec, ':');
	char path[300];
	int self = -1;

	if (nr_targets >= MAX_TARGETS) {
		fprintf(stderr, "xcstress: at most %d targets\n", MAX_TARGETS);
		return -1;
	}
	tg->spec = spec;
	tg->netns_fd = -1;
	if (colon) {
		int len = (int)(colon - spec);

		if (spec[0] == '/')
			snprintf(path, sizeof(path), "%.*s", len, spec);
		else
			snprintf(path, sizeof(path), "/run/netns/%.*s", len, spec);
		tg->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
		self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
		if (tg->netns_fd < 0 || self < 0 || setns(tg->netns_fd, CLONE_NEWNET)) {
			fprintf(stderr, "xcstress: %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	tg->ifindex = (int)if_nametoindex(colon ? colon + 1 : spec);
	if (!tg->ifindex)
		fprintf(stderr, "xcstress: %s: no such interface\n", spec);
	if (self >= 0) {
		setns(self, CLONE_NEWNET);
		close(self);
	}
	if (!tg->ifindex)
		return -1;
	printf("# target %d: %s ifindex %d\n", nr_targets, spec, tg->ifindex);
	nr_targets++;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: xcstress [-w WORKERS] [-t THREADS] [-n OPS] [-k KEEP] "
			"[-s SEED] [-b BACKEND] [-m MODE] OBJ PROG TARGET...\n");
	return 2;
}

static int cmd_alive(void)
{
	unsigned int id;
	int fd;

	while (scanf("%u", &id) == 1) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd >= 0) {
			printf("%u\n", id);
			close(fd);
		} else if (errno != ENOENT) {
			fprintf(stderr, "xcstress: program %u: %s\n", id, strerror(errno));
			return 1;
		}
	}
	return 0;
}

/* The metadata of dispatcher prog_fd, from its .rodata map. */
static int disp_meta(int prog_fd, struct xdpchain_meta *meta)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), map_ids[8], i, key = 0;
	int found = -1;

	info.nr_map_ids = 8;
	info.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len) ||
	    strcmp(info.name, "xdpchain_disp"))
		return -1;
	for (i = 0; i < info.nr_map_ids && i < 8 && found; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && mi.value_size == sizeof(*meta) &&
		    strstr(mi.name, ".rodata") && !bpf_map_lookup_elem(fd, &key, meta))
			found = 0;
		close(fd);
	}
	return found;
}

static int cmd_disps(void)
{
	struct xdpchain_meta meta;
	__u32 id = 0;
	int fd;

	while (!bpf_prog_get_next_id(id, &id)) {
		fd = bpf_prog_get_fd_by_id(id);
		if (fd < 0)
			continue; /* freed meanwhile */
		if (!disp_meta(fd, &meta) && meta.magic == XDPCHAIN_META_MAGIC)
			printf("%llu %u %u\n", (unsigned long long)meta.netns_ino, meta.ifindex,
			       id);
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec a, b;
	double secs;
	int opt, i, status, bad = 0;

	if (argc == 2 && !strcmp(argv[1], "alive"))
		return cmd_alive();
	if (argc == 2 && !strcmp(argv[1], "disps"))
		return cmd_disps();

	seed = (unsigned int)time(NULL);
	while ((opt = getopt(argc, argv, "w:t:n:k:s:b:m:")) != -1) {
		switch (opt) {
		case 'w': nr_workers = atoi(optarg); break;
		case 't': nr_threads = atoi(optarg); break;
		case 'n': ops = atoi(optarg); break;
		case 'k': keep = atoi(optarg); break;
		case 's': seed = (unsigned int)strtoul(optarg, NULL, 0); break;
		case 'b':
			if (xdpchain_backend_parse(optarg, &backend))
				return usage();
			break;
		case 'm':
			if (xdpchain_mode_parse(optarg, &mode))
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (argc - optind < 3 || nr_workers < 1 || nr_threads < 1 || ops < 0 || keep < 0)
		return usage();
	obj_path = argv[optind];
	prog_name = argv[optind + 1];
	for (i = optind + 2; i < argc; i++)
		if (open_target(argv[i]))
			return 1;
	printf("# %d process(es) x %d thread(s) x %d operations, seed %u\n", nr_workers,
	       nr_threads, ops, seed);
	fflush(stdout);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < nr_workers; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (!pid)
			_exit(worker(i));
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# total ops %lu ok %lu in %.1f s: %.1f ops/s (%.1f successful/s)\n",
	       shared->ops, shared->ok, secs, (double)shared->ops / secs,
	       (double)shared->ok / secs);
	return bad ? 1 : 0;
}
