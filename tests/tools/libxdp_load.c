// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * libxdp_load: a new libxdp dispatcher on an interface, made the way
 * libxdp makes one by its published protocol (xdp-tools
 * lib/libxdp/protocol.org: "Populating the dispatcher configuration map",
 * "Loading and attaching component programs", "Locking and pinning"),
 * from a dispatcher object of any config layout
 * (bpf/test/test_libxdp_disp.bpf.c): Debian's xdp-loader only makes
 * layout 2, and suite-adopt.sh adopts the others.
 *
 *   libxdp_load IFACE DISP_OBJ [--mode skb|native] PROG_OBJ:PROG:PRIO:ACTIONS...
 *
 * Each component is the program PROG of PROG_OBJ, loaded as an extension
 * of the dispatcher's next stub (prog0 for the first given, and so on:
 * the caller orders them as libxdp would, by priority), with run
 * priority PRIO and the chain-call verdicts ACTIONS (comma-separated:
 * aborted, drop, pass, tx, redirect). The layout is the dispatcher
 * object's dispatcher_version (its xdp_metadata BTF, as libxdp marks
 * it). Native mode by default. Prints the dispatcher's id, then each
 * component's, on one line. Exit 1 on an error (said on stderr; nothing
 * is left pinned or attached), 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#ifndef BPF_F_XDP_HAS_FRAGS
#define BPF_F_XDP_HAS_FRAGS (1U << 5)
#endif

/* protocol.org's constants: 10 stubs, the magic byte of layout 2 and
 * later, and the bit the stubs return (in every chain-call set). */
#define SLOTS 10
#define MAGIC 236
#define STUB_RET_BIT 31
/* The config's size: layout 1 (a count, padded, and two arrays), layout
 * 2 and later (four bytes, three arrays; later layouts may add more). */
#define V1_SIZE (4 + 2 * 4 * SLOTS)
#define V2_SIZE (4 + 3 * 4 * SLOTS)
/* <bpffs>/xdp, its dispatch-<ifindex>-<id>, a pin in that. */
#define XDIR_LEN 400
#define DIR_LEN (XDIR_LEN + 48)
#define PATH_LEN (DIR_LEN + 32)

struct comp {
	const char *obj, *name;
	__u32 prio, actions;
	struct bpf_object *o;
	struct bpf_link *link;
	int fd;
	__u32 id;
};

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "libxdp_load: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* libbpf's warnings only (a verifier log among them). */
static int print_warn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int parse_actions(char *s, __u32 *out)
{
	static const char *const names[] = { "aborted", "drop", "pass", "tx", "redirect" };
	char *save = NULL, *tok;
	unsigned int a;

	*out = 0;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (a = 0; a < sizeof(names) / sizeof(names[0]); a++)
			if (!strcmp(tok, names[a]))
				break;
		if (a == sizeof(names) / sizeof(names[0]))
			return fail("unknown verdict '%s' (aborted, drop, pass, tx, redirect)", tok);
		*out |= 1U << a;
	}
	return *out ? 0 : fail("no chain-call verdict given");
}

/* OBJ:PROG:PRIO:ACTIONS, split from the right (a path may hold ':'). */
static int parse_comp(char *arg, struct comp *c)
{
	char *acts = strrchr(arg, ':'), *prio, *name, *end;
	unsigned long v;

	if (!acts)
		return fail("'%s': not OBJ:PROG:PRIO:ACTIONS", arg);
	*acts++ = '\0';
	prio = strrchr(arg, ':');
	if (!prio)
		return fail("'%s': not OBJ:PROG:PRIO:ACTIONS", arg);
	*prio++ = '\0';
	name = strrchr(arg, ':');
	if (!name || name == arg || !name[1])
		return fail("'%s': not OBJ:PROG:PRIO:ACTIONS", arg);
	*name++ = '\0';
	errno = 0;
	v = strtoul(prio, &end, 10);
	if (errno || !*prio || *end || v > 0xffffffffUL)
		return fail("priority '%s': not a number", prio);
	c->obj = arg;
	c->name = name;
	c->prio = (__u32)v;
	c->fd = -1;
	return parse_actions(acts, &c->actions);
}

/* The dispatcher_version the object declares in its xdp_metadata
 * section: a variable whose type points to an array of that many
 * elements (libbpf's __uint() encoding). */
static int disp_version(struct bpf_object *o)
{
	const struct btf *btf = bpf_object__btf(o);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int sec;

	sec = btf ? btf__find_by_name_kind(btf, "xdp_metadata", BTF_KIND_DATASEC) : -ENOENT;
	if (sec < 0)
		return fail("the dispatcher object has no xdp_metadata section in its BTF");
	t = btf__type_by_id(btf, sec);
	vs = btf_var_secinfos(t);
	for (unsigned int i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, v->name_off), "dispatcher_version"))
			continue;
		t = btf__type_by_id(btf, v->type);
		if (!btf_is_ptr(t))
			break;
		t = btf__type_by_id(btf, t->type);
		if (!btf_is_array(t))
			break;
		return (int)btf_array(t)->nelems;
	}
	return fail("the dispatcher object declares no dispatcher_version");
}

/* The config as libxdp fills it for layout version ver, in size bytes:
 * count, chain-call actions (with the stubs' bit), run priorities;
 * layout 2 and later the magic and version first, no frags, flags 0.
 * Members a later layout adds past these stay 0. */
static int fill_conf(__u8 *buf, size_t size, int ver, const struct comp *c, unsigned int n)
{
	__u32 *actions = (__u32 *)(buf + 4), *prios = actions + SLOTS;

	if (ver < 1 || (ver == 1 && size != V1_SIZE) || (ver >= 2 && size < V2_SIZE))
		return fail("a config of %zu bytes is not of layout version %d", size, ver);
	memset(buf, 0, size);
	if (ver == 1) {
		buf[0] = (__u8)n;
	} else {
		buf[0] = MAGIC;
		buf[1] = (__u8)ver;
		buf[2] = (__u8)n;
	}
	for (unsigned int i = 0; i < n; i++) {
		actions[i] = c[i].actions | 1U << STUB_RET_BIT;
		prios[i] = c[i].prio;
	}
	return 0;
}

/* The dispatcher, its config filled for the components c[0..n). */
static int load_disp(const char *path, const struct comp *c, unsigned int n,
		     struct bpf_object **out)
{
	struct bpf_object *o = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	struct bpf_map *m, *rodata = NULL;
	__u8 *buf;
	int ver, err;

	*out = o;
	if (!o)
		return fail("cannot open %s: %s", path, strerror(errno));
	bpf_object__for_each_map(m, o) {
		const char *name = bpf_map__name(m);
		size_t len = strlen(name);

		if (len >= 7 && !strcmp(name + len - 7, ".rodata"))
			rodata = m;
	}
	prog = bpf_object__find_program_by_name(o, "xdp_dispatcher");
	if (!rodata || !prog)
		return fail("%s has no xdp_dispatcher program or no .rodata config", path);
	ver = disp_version(o);
	if (ver < 0)
		return -1;
	buf = calloc(1, bpf_map__value_size(rodata));
	if (!buf)
		return fail("%s", strerror(ENOMEM));
	err = fill_conf(buf, bpf_map__value_size(rodata), ver, c, n);
	if (!err && bpf_map__set_initial_value(rodata, buf, bpf_map__value_size(rodata)))
		err = fail("cannot set the config: %s", strerror(errno));
	free(buf);
	if (!err && bpf_object__load(o))
		err = fail("cannot load the dispatcher of %s: %s", path, strerror(errno));
	return err ? -1 : bpf_program__fd(prog);
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* Component c as an extension of stub prog<slot>, linked to it. */
static int load_comp(struct comp *c, int disp_fd, unsigned int slot)
{
	struct bpf_program *p, *prog = NULL;
	char stub[16];

	c->o = bpf_object__open_file(c->obj, NULL);
	if (!c->o)
		return fail("cannot open %s: %s", c->obj, strerror(errno));
	bpf_object__for_each_program(p, c->o) {
		bool it = !strcmp(bpf_program__name(p), c->name);

		bpf_program__set_autoload(p, it);
		if (it)
			prog = p;
	}
	if (!prog)
		return fail("%s has no program %s", c->obj, c->name);
	snprintf(stub, sizeof(stub), "prog%u", slot);
	bpf_program__set_type(prog, BPF_PROG_TYPE_EXT);
	bpf_program__set_expected_attach_type(prog, 0);
	bpf_program__set_flags(prog, bpf_program__flags(prog) & ~BPF_F_XDP_HAS_FRAGS);
	if (bpf_program__set_attach_target(prog, disp_fd, stub))
		return fail("%s: target %s: %s", c->name, stub, strerror(errno));
	if (bpf_object__load(c->o))
		return fail("cannot load %s as an extension of %s: %s", c->name, stub,
			    strerror(errno));
	c->link = bpf_program__attach_freplace(prog, disp_fd, stub);
	if (!c->link)
		return fail("cannot link %s to %s: %s", c->name, stub, strerror(errno));
	c->fd = bpf_program__fd(prog);
	c->id = prog_id(c->fd);
	return 0;
}

/* Removes what pin() made of dir (the names it pins, then dir). */
static void unpin(const char *dir, unsigned int n)
{
	char path[PATH_LEN];

	for (unsigned int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/prog%u-link", dir, i);
		unlink(path);
	}
	rmdir(dir);
}

static int pin(const char *dir, const struct comp *c, unsigned int n)
{
	char path[PATH_LEN];

	if (mkdir(dir, 0700))
		return fail("mkdir %s: %s", dir, strerror(errno));
	for (unsigned int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/prog%u-prog", dir, i);
		if (bpf_obj_pin(c[i].fd, path))
			return fail("pin %s: %s", path, strerror(errno));
		snprintf(path, sizeof(path), "%s/prog%u-link", dir, i);
		if (bpf_obj_pin(bpf_link__fd(c[i].link), path))
			return fail("pin %s: %s", path, strerror(errno));
	}
	return 0;
}

/* Under libxdp's lock (an exclusive flock on <bpffs>/xdp): the pins
 * first, then the attach, which must find the interface without a
 * program; on failure the pins go again. */
static int pin_and_attach(int ifindex, int disp_fd, const struct comp *c, unsigned int n,
			  __u32 mode)
{
	const char *root = getenv("LIBXDP_BPFFS");
	char xdir[XDIR_LEN], dir[DIR_LEN];
	int lock, err;

	snprintf(xdir, sizeof(xdir), "%s/xdp", root && *root ? root : "/sys/fs/bpf");
	if (mkdir(xdir, 0700) && errno != EEXIST)
		return fail("mkdir %s: %s", xdir, strerror(errno));
	lock = open(xdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock < 0 || flock(lock, LOCK_EX)) {
		err = fail("cannot lock %s: %s", xdir, strerror(errno));
		if (lock >= 0)
			close(lock);
		return err;
	}
	snprintf(dir, sizeof(dir), "%s/dispatch-%d-%u", xdir, ifindex, prog_id(disp_fd));
	err = pin(dir, c, n);
	if (!err) {
		err = bpf_xdp_attach(ifindex, disp_fd, XDP_FLAGS_UPDATE_IF_NOEXIST | mode, NULL);
		if (err)
			err = fail("cannot attach the dispatcher: %s", strerror(-err));
	}
	if (err)
		unpin(dir, n);
	close(lock); /* releases the flock */
	return err;
}

int main(int argc, char **argv)
{
	struct bpf_object *disp = NULL;
	struct comp c[SLOTS] = {};
	__u32 mode = XDP_FLAGS_DRV_MODE;
	unsigned int n = 0;
	int ifindex, disp_fd, err = 0, i = 3;

	if (argc > 4 && !strcmp(argv[3], "--mode")) {
		if (!strcmp(argv[4], "skb"))
			mode = XDP_FLAGS_SKB_MODE;
		else if (strcmp(argv[4], "native"))
			argc = 0; /* usage */
		i = 5;
	}
	if (argc < i + 1 || argc - i > SLOTS) {
		fprintf(stderr, "usage: libxdp_load IFACE DISP_OBJ [--mode skb|native] "
			"PROG_OBJ:PROG:PRIO:ACTIONS... (1 to %d)\n", SLOTS);
		return 2;
	}
	for (; i < argc; i++)
		if (parse_comp(argv[i], &c[n++]))
			return 2;
	libbpf_set_print(print_warn);
	ifindex = (int)if_nametoindex(argv[1]);
	if (!ifindex) {
		fail("%s: %s", argv[1], strerror(errno));
		return 1;
	}
	disp_fd = load_disp(argv[2], c, n, &disp);
	if (disp_fd < 0)
		err = -1;
	for (unsigned int s = 0; !err && s < n; s++)
		err = load_comp(&c[s], disp_fd, s);
	if (!err)
		err = pin_and_attach(ifindex, disp_fd, c, n, mode);
	if (!err) {
		printf("%u", prog_id(disp_fd));
		for (unsigned int s = 0; s < n; s++)
			printf(" %u", c[s].id);
		printf("\n");
	}
	/* The pins hold the links (and through them the programs), the
	 * interface the dispatcher: nothing of ours needs to stay open. */
	for (unsigned int s = 0; s < n; s++) {
		bpf_link__destroy(c[s].link);
		bpf_object__close(c[s].o);
	}
	bpf_object__close(disp);
	return err ? 1 : 0;
}
