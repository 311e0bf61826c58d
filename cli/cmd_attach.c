// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain attach IFACE[,IFACE...] FILE [options]: one program, added to
 * the chain of each interface (each its own transaction), all or nothing. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include <linux/magic.h> /* BPF_FS_MAGIC */
#include "cli.h"
#include "format.h"
#include "json.h"
#include "opts.h"
#include "pins.h"
#include "progref.h"

enum { OPT_REPLACE_FOREIGN = 256, OPT_EXPECT_REVISION, OPT_STATS, OPT_UNTIL_EXIT, OPT_OWNER_PID,
       OPT_PIN_MAPS, OPT_BEFORE, OPT_AFTER, OPT_OBSERVER };

struct attach_args {
	/* The interface being worked on (one of ifnames[]/ifindexes[]). */
	const char *ifname;
	int ifindex;
	/* As many as the command line names: no cap (a fleet of veths). */
	const char **ifnames;
	int *ifindexes;
	int nr_ifaces, cap_ifaces;
	char *ifbuf; /* the comma-split copies of the IFACE arguments */
	const char *file;
	struct xdpchain_open_opts oo;
	struct xdpchain_attach_opts ao;
	const char *owner;
	const char *pin_maps; /* --pin-maps DIR */
	bool made_dir;        /* this command created DIR */
	char **pinned;        /* the pins made there */
	int npinned;
	bool has_prio, has_cont;
	int prio;
	__u32 cont;
	/* --before/--after NAME|ID: resolved on each interface's chain */
	const char *anchor;
	bool anchor_after;
	bool observer; /* --observer */
};

static int add_iface(struct cli_ctx *ctx, const char *name, struct attach_args *a)
{
	int idx, ret;

	ret = opt_ifindex(ctx, name, &idx);
	if (ret)
		return ret;
	for (int i = 0; i < a->nr_ifaces; i++) {
		if (a->ifindexes[i] == idx) {
			cli_error(ctx, "interface '%s' given twice%s%s%s", name,
				  strcmp(name, a->ifnames[i]) ? " (as '" : "",
				  strcmp(name, a->ifnames[i]) ? a->ifnames[i] : "",
				  strcmp(name, a->ifnames[i]) ? "')" : "");
			return CLI_EXIT_USAGE;
		}
	}
	if (a->nr_ifaces == a->cap_ifaces) {
		int cap = a->cap_ifaces ? 2 * a->cap_ifaces : 8;
		const char **n = realloc(a->ifnames, (size_t)cap * sizeof(*n));
		int *x = n ? realloc(a->ifindexes, (size_t)cap * sizeof(*x)) : NULL;

		if (n)
			a->ifnames = n;
		if (!x) {
			cli_error(ctx, "out of memory");
			return CLI_EXIT_FAIL;
		}
		a->ifindexes = x;
		a->cap_ifaces = cap;
	}
	a->ifnames[a->nr_ifaces] = name;
	a->ifindexes[a->nr_ifaces++] = idx;
	return 0;
}

/* IFACE arguments: one or more, each a comma-separated list. Every name is
 * resolved before anything is attached, so a typo changes nothing. A name
 * that itself contains a comma (Linux allows it) is taken whole if such an
 * interface exists. */
static int parse_ifaces(struct cli_ctx *ctx, char **args, int n, struct attach_args *a)
{
	size_t total = 0, off = 0;
	int ret;

	for (int i = 0; i < n; i++)
		total += strlen(args[i]) + 1;
	a->ifbuf = malloc(total);
	if (!a->ifbuf) {
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	for (int i = 0; i < n; i++) {
		char *copy = a->ifbuf + off, *save = NULL, *tok;

		off += strlen(args[i]) + 1;
		strcpy(copy, args[i]);
		if (!strchr(copy, ',') || if_nametoindex(copy)) {
			ret = add_iface(ctx, copy, a);
			if (ret)
				return ret;
			continue;
		}
		if (copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,")) {
			cli_error(ctx, "empty interface name in '%s'", args[i]);
			return CLI_EXIT_USAGE;
		}
		for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			ret = add_iface(ctx, tok, a);
			if (ret)
				return ret;
		}
	}
	a->ifname = a->ifnames[0];
	a->ifindex = a->ifindexes[0];
	return 0;
}

static int parse_args(struct cli_ctx *ctx, int argc, char **argv, struct attach_args *a)
{
	static const struct option longopts[] = {
		{ "program", required_argument, NULL, 'p' },
		{ "priority", required_argument, NULL, 'P' },
		{ "continue-on", required_argument, NULL, 'c' },
		{ "owner", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "backend", required_argument, NULL, 'b' },
		{ "replace-foreign", no_argument, NULL, OPT_REPLACE_FOREIGN },
		{ "expect-revision", required_argument, NULL, OPT_EXPECT_REVISION },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "until-exit", no_argument, NULL, OPT_UNTIL_EXIT },
		{ "owner-pid", required_argument, NULL, OPT_OWNER_PID },
		{ "pin-maps", required_argument, NULL, OPT_PIN_MAPS },
		{ "before", required_argument, NULL, OPT_BEFORE },
		{ "after", required_argument, NULL, OPT_AFTER },
		{ "observer", no_argument, NULL, OPT_OBSERVER },
		{},
	};
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:P:c:o:m:b:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->oo.prog_name = optarg;
			ret = 0;
			break;
		case 'P':
			ret = opt_priority(ctx, optarg, &a->prio);
			a->has_prio = true;
			break;
		case 'c':
			ret = opt_verdicts(ctx, optarg, &a->cont);
			a->has_cont = true;
			break;
		case 'o':
			a->owner = optarg;
			ret = 0;
			break;
		case 'm':
			ret = opt_mode(ctx, optarg, &a->ao.mode);
			break;
		case 'b':
			ret = opt_backend(ctx, optarg, &a->ao.backend);
			break;
		case OPT_REPLACE_FOREIGN:
			a->ao.replace_foreign = true;
			ret = 0;
			break;
		case OPT_EXPECT_REVISION:
			ret = opt_u64(ctx, "revision", optarg, &a->ao.expected_revision);
			a->ao.expect_revision_set = true;
			break;
		case OPT_UNTIL_EXIT:
			/* The caller of xdpchain: the shell or daemon that ran
			 * this command, which outlives it. */
			if (!a->ao.owner_pid)
				a->ao.owner_pid = getppid();
			ret = 0;
			break;
		case OPT_OWNER_PID: {
			__u64 pid;

			ret = opt_u64(ctx, "owner pid", optarg, &pid);
			if (!ret && (pid == 0 || pid > 0x3fffffff)) {
				cli_error(ctx, "owner pid '%s' is out of range", optarg);
				ret = CLI_EXIT_USAGE;
			}
			if (!ret)
				a->ao.owner_pid = (pid_t)pid;
			break;
		}
		case OPT_STATS:
			a->ao.stats = true;
			ret = 0;
			break;
		case OPT_OBSERVER:
			a->observer = true;
			ret = 0;
			break;
		case OPT_BEFORE:
		case OPT_AFTER:
			ret = 0;
			if (a->anchor) {
				cli_error(ctx, "--before and --after: a program is placed relative "
					  "to one program, given once");
				ret = CLI_EXIT_USAGE;
			} else if (!*optarg) {
				cli_error(ctx, "--%s: empty program name",
					  c == OPT_BEFORE ? "before" : "after");
				ret = CLI_EXIT_USAGE;
			}
			a->anchor = optarg;
			a->anchor_after = c == OPT_AFTER;
			break;
		case OPT_PIN_MAPS:
			a->pin_maps = optarg;
			ret = *optarg ? 0 : CLI_EXIT_USAGE;
			if (ret)
				cli_error(ctx, "--pin-maps: empty directory");
			break;
		default:
			return opt_bad_option(ctx, c, argv, longopts);
		}
		if (ret)
			return ret;
	}
	/* Accepted, it would read as if the set mattered. */
	if (a->observer && a->has_cont) {
		cli_error(ctx, "--continue-on does not apply to an observer: its verdict is ignored "
			  "(it runs after the chain has decided); drop --continue-on");
		return CLI_EXIT_USAGE;
	}
	if (argc - optind < 2) {
		cli_error(ctx, "missing %s (usage: xdpchain attach IFACE[,IFACE...] FILE "
			  "[OPTIONS])", argc - optind ? "FILE" : "IFACE and FILE");
		return CLI_EXIT_USAGE;
	}
	a->file = argv[argc - 1];
	if (!*a->file) {
		cli_error(ctx, "empty FILE");
		return CLI_EXIT_USAGE;
	}
	return parse_ifaces(ctx, argv + optind, argc - optind - 1, a);
}

static bool is_loaded_spec(const char *file)
{
	return !strncmp(file, "id:", 3) || !strncmp(file, "pinned:", 7);
}

/* "id:N" or "pinned:PATH": an XDP program some application already
 * loaded. Returns NULL with *rc set on failure. */
static struct xdpchain_prog *open_loaded(struct cli_ctx *ctx, const char *spec, int *rc)
{
	struct xdpchain_prog *prog;
	__u32 id;
	int fd, err;

	if (!strncmp(spec, "id:", 3)) {
		*rc = opt_prog_id(ctx, spec + 3, &id);
		if (*rc)
			return NULL;
		fd = bpf_prog_get_fd_by_id(id);
	} else {
		if (!spec[7]) {
			cli_error(ctx, "%s: empty path", spec);
			*rc = CLI_EXIT_USAGE;
			return NULL;
		}
		fd = bpf_obj_get(spec + 7);
	}
	if (fd < 0) {
		err = errno;
		cli_error(ctx, "%s: cannot get the program: %s%s", spec, strerror(err),
			  cli_errno_hint(ctx, err));
		*rc = CLI_EXIT_FAIL;
		return NULL;
	}
	prog = xdpchain_prog__from_fd(fd);
	err = errno;
	close(fd);
	if (!prog) {
		cli_error(ctx, "%s: cannot use it: %s", spec,
			  err == EINVAL ? "not an XDP program (the message above says what it is)"
					: strerror(err));
		*rc = CLI_EXIT_FAIL;
	}
	return prog;
}

static struct xdpchain_prog *open_file(struct cli_ctx *ctx, const struct attach_args *a,
				       int *rc)
{
	struct xdpchain_prog *prog = xdpchain_prog__open_file(a->file, &a->oo);
	int err = errno;

	if (prog)
		return prog;
	*rc = CLI_EXIT_FAIL;
	/* The library's warning above says more; name the cause here too. */
	if (err == ENOENT && !access(a->file, F_OK)) {
		if (a->oo.prog_name)
			cli_error(ctx, "%s: no XDP program '%s' in it", a->file, a->oo.prog_name);
		else
			cli_error(ctx, "%s: no XDP program in it", a->file);
	} else if (err == ENOEXEC) {
		cli_error(ctx, "%s: not a usable BPF object (the library's message above says "
			  "why): %s", a->file, strerror(err));
	} else if (err == EINVAL && a->oo.prog_name) {
		cli_error(ctx, "%s: cannot use program '%s': %s", a->file, a->oo.prog_name,
			  strerror(err));
	} else {
		cli_error(ctx, "%s: cannot open: %s", a->file, strerror(err));
	}
	return NULL;
}

/* Command line over the ELF file's run config. */
static int apply_settings(struct cli_ctx *ctx, struct xdpchain_prog *prog,
			  const struct attach_args *a)
{
	int err;

	if (a->has_prio && (err = xdpchain_prog__set_priority(prog, a->prio))) {
		cli_error(ctx, "cannot set priority %d: %s", a->prio, strerror(-err));
		return err == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	if (a->has_cont && (err = xdpchain_prog__set_continue_on(prog, a->cont))) {
		cli_error(ctx, "cannot set the continue-on set: %s", strerror(-err));
		return err == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
	}
	if (a->observer && (err = xdpchain_prog__set_observer(prog, true))) {
		cli_error(ctx, "cannot make it an observer: %s", strerror(-err));
		return CLI_EXIT_FAIL;
	}
	if (a->owner && (err = xdpchain_prog__set_owner(prog, a->owner))) {
		/* Too long or a bad character: both a usage error. */
		if (err == -EINVAL || err == -ENAMETOOLONG) {
			cli_error(ctx, "invalid owner '%s' (at most 31 printable ASCII characters, "
				  "no spaces)", a->owner);
			return CLI_EXIT_USAGE;
		}
		cli_error(ctx, "cannot set owner '%s': %s", a->owner, strerror(-err));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* --before/--after NAME|ID on the interface being worked on: the id of
 * that program of its chain. */
static int resolve_anchor(struct cli_ctx *ctx, struct attach_args *a)
{
	__u32 id = 0;
	int ret;

	a->ao.before_id = a->ao.after_id = 0;
	if (!a->anchor)
		return 0;
	ret = progref_id(ctx, a->ifindex, a->ifname, a->anchor_after ? "--after" : "--before",
			 a->anchor, &id);
	if (ret)
		return ret;
	if (a->anchor_after)
		a->ao.after_id = id;
	else
		a->ao.before_id = id;
	return 0;
}

static bool has_chain(struct cli_ctx *ctx, int ifindex)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *c = xdpchain_chain__get(ifindex, &qo);

	xdpchain_chain__free(c);
	return c != NULL;
}

/* After a failed attach: a map declared LIBBPF_PIN_BY_NAME that libbpf
 * could not pin because its directory is not on a BPF filesystem (libbpf
 * keeps the pins of maps it reused, and removes those it made, when a load
 * fails). Writes the hint and returns true if there is one; the library's
 * warning above says the same and also covers a pin it could not reuse. */
static bool pin_hint(const struct attach_args *a, const struct xdpchain_prog *prog, char *hint,
		     size_t len)
{
	struct bpf_object *obj = xdpchain_prog__bpf_obj(prog);
	struct bpf_map *m;
	struct statfs fs;
	char dir[PATH_MAX];

	if (!obj)
		return false;
	bpf_object__for_each_map(m, obj) {
		const char *path = bpf_map__pin_path(m);
		char *slash;

		if (!path || bpf_map__is_pinned(m))
			continue;
		snprintf(dir, sizeof(dir), "%s", path);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		if (!statfs(dir[0] ? dir : "/", &fs) && fs.f_type == BPF_FS_MAGIC)
			continue;
		/* (Paths cut at 160 bytes: the hint has room for two.) */
		snprintf(hint, len, " (map %s is declared LIBBPF_PIN_BY_NAME: cannot pin it as "
			 "%.160s: %.160s is not a BPF filesystem here: %s)", bpf_map__name(m), path,
			 dir,
			 a->pin_maps ? "give --pin-maps a directory on a bpffs"
				     : "use --pin-maps DIR on a bpffs, or nsenter --net instead of "
				       "ip netns exec");
		return true;
	}
	return false;
}

static void attach_error(struct cli_ctx *ctx, const struct attach_args *a,
			 const struct xdpchain_prog *prog, int err)
{
	const char *name = xdpchain_prog__name(prog);
	char hint[CLI_ERROR_MAX / 2];

	switch (err) {
	case EEXIST:
		/* Either the program is in the chain already or something
		 * else runs on the interface. */
		if (has_chain(ctx, a->ifindex))
			snprintf(hint, sizeof(hint), " (it is in the chain already: see 'xdpchain "
				 "status %s')", a->ifname);
		else if (a->ao.replace_foreign)
			snprintf(hint, sizeof(hint), " (the program there is held by a BPF link, "
				 "which only its owner can detach)");
		else
			snprintf(hint, sizeof(hint), " (another XDP program runs there: see "
				 "'xdpchain status %s'; --replace-foreign replaces it)", a->ifname);
		break;
	case E2BIG:
		snprintf(hint, sizeof(hint), " (the chain is full)");
		break;
	case EOPNOTSUPP:
		/* Also the state root's (not on bpffs), which the library
		 * names: the mode and backend are only the likely cause. */
		snprintf(hint, sizeof(hint), "%s", cli_lib_warned()
			 ? " (the library's message above says why)"
			 : " (the mode or backend is not possible here)");
		break;
	case ESTALE:
		snprintf(hint, sizeof(hint), " (the chain's revision is not %llu)",
			 (unsigned long long)a->ao.expected_revision);
		break;
	case ESRCH:
		snprintf(hint, sizeof(hint), " (the owner process %d does not run)",
			 (int)a->ao.owner_pid);
		break;
	case ENOENT:
		if (a->anchor) {
			snprintf(hint, sizeof(hint), " (no program %s in the chain to place it %s)",
				 a->anchor, a->anchor_after ? "after" : "before");
			break;
		}
		snprintf(hint, sizeof(hint), "%s", cli_errno_hint(ctx, err));
		break;
	default:
		/* Not loaded (its maps come first): a map pinned by name? */
		if (xdpchain_prog__id(prog) || !pin_hint(a, prog, hint, sizeof(hint)))
			snprintf(hint, sizeof(hint), "%s", cli_errno_hint(ctx, err));
	}
	cli_error(ctx, "%s: cannot attach %s: %s%s", a->ifname, name ? name : a->file,
		  strerror(err), hint);
}

/* The program's place in the chain, read back after attaching. */
static void print_result(struct cli_ctx *ctx, const struct attach_args *a,
			 const struct xdpchain_prog *prog)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *chain = xdpchain_chain__get(a->ifindex, &qo);
	int err = errno;
	const struct xdpchain_entry *e = NULL;
	__u32 id = xdpchain_prog__id(prog);
	unsigned int pos = 0, n = 0;
	int prio = xdpchain_prog__priority(prog);
	__u32 cont = xdpchain_prog__continue_on(prog);
	const char *name = xdpchain_prog__name(prog);
	/* libbpf's pins of the maps declared LIBBPF_PIN_BY_NAME (made or
	 * reused): in --pin-maps DIR, else in the state root's map
	 * directory. Always said: they outlive the program. */
	struct pin_list by_name = {};

	pins_of_prog(&by_name, prog);

	if (chain) {
		n = xdpchain_chain__nr_progs(chain);
		for (unsigned int i = 0; i < n && !e; i++) {
			const struct xdpchain_entry *x = xdpchain_chain__entry(chain, i);

			if (x && xdpchain_entry__id(x) == id) {
				e = x;
				pos = i + 1;
			}
		}
		if (!e)
			fprintf(stderr, "xdpchain: %s: program %u is no longer in the chain\n",
				a->ifname, id);
	} else {
		fprintf(stderr, "xdpchain: %s: attached, but cannot read the chain back: %s\n",
			a->ifname, strerror(err));
	}
	if (e) {
		/* What is in effect. */
		prio = xdpchain_entry__priority(e);
		cont = xdpchain_entry__continue_on(e);
	}
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", a->ifname);
		json_kv_int(ctx->jw, "ifindex", a->ifindex);
		json_kv_uint(ctx->jw, "id", id);
		json_kv_string(ctx->jw, "name", name);
		json_kv_int(ctx->jw, "priority", prio);
		json_key(ctx->jw, "continue_on");
		json_verdicts(ctx->jw, cont);
		if (e)
			json_kv_uint(ctx->jw, "position", pos);
		else
			json_kv_null(ctx->jw, "position");
		if (chain)
			json_kv_uint(ctx->jw, "revision", xdpchain_chain__revision(chain));
		else
			json_kv_null(ctx->jw, "revision");
		if (e)
			json_kv_string(ctx->jw, "backend",
				       xdpchain_backend_str(xdpchain_entry__backend(e)));
		else
			json_kv_null(ctx->jw, "backend");
		json_kv_bool(ctx->jw, "pending", e && xdpchain_entry__pending(e));
		json_key(ctx->jw, "pinned_maps");
		json_start_array(ctx->jw);
		for (int i = 0; i < a->npinned; i++)
			json_str(ctx->jw, a->pinned[i]);
		for (unsigned int i = 0; i < by_name.n; i++)
			json_str(ctx->jw, by_name.path[i]);
		json_end_array(ctx->jw);
		json_end_object(ctx->jw);
	} else if (e) {
		printf("attached %s (id %u) to %s at position %u of %u, revision %llu%s\n", name,
		       id, a->ifname, pos, n, (unsigned long long)xdpchain_chain__revision(chain),
		       xdpchain_entry__pending(e) ? " (pending: does not run yet)" : "");
	} else {
		printf("attached %s (id %u) to %s\n", name, id, a->ifname);
	}
	if (!ctx->json) {
		for (int i = 0; i < a->npinned; i++)
			printf("pinned map %s\n", a->pinned[i]);
		pins_print(&by_name, "", "pinned map", PINS_MADE_NOTE);
	}
	pins_free(&by_name);
	xdpchain_chain__free(chain);
}

/* Open the program and apply the command line's settings: one handle per
 * interface (an EXT program is loaded against one dispatcher). */
static struct xdpchain_prog *open_prog(struct cli_ctx *ctx, const struct attach_args *a,
				       int *rc)
{
	struct xdpchain_prog *prog;

	if (is_loaded_spec(a->file))
		prog = open_loaded(ctx, a->file, rc);
	else
		prog = open_file(ctx, a, rc);
	if (prog && (*rc = apply_settings(ctx, prog, a))) {
		xdpchain_prog__close(prog);
		prog = NULL;
	}
	return prog;
}

/* A second message about the same error: its own line on stderr, or
 * appended to the JSON error document (which keeps only the first). */
static void __attribute__((format(printf, 2, 3)))
report_more(struct cli_ctx *ctx, const char *fmt, ...)
{
	char msg[CLI_ERROR_MAX];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->json || !ctx->has_error) {
		cli_error(ctx, "%s", msg);
		return;
	}
	len = strlen(ctx->error);
	snprintf(ctx->error + len, sizeof(ctx->error) - len, "; %s", msg);
}

/* --pin-maps DIR: created before the object is opened, as the root of
 * its LIBBPF_PIN_BY_NAME maps' pins (libbpf pins them as DIR/NAME when it
 * loads the object, or reuses a compatible map pinned there). */
static int make_pin_dir(struct cli_ctx *ctx, struct attach_args *a)
{
	int err = pins_make_dir(a->pin_maps, &a->made_dir);

	if (!err)
		return 0;
	cli_error(ctx, "--pin-maps %s: cannot create it: %s", a->pin_maps, strerror(-err));
	return CLI_EXIT_FAIL;
}

/* --pin-maps DIR, once the program joined: every other map of the
 * program's object pinned as DIR/NAME, named as bpftool's "pinmaps" and
 * bpf_object__pin_maps() name them (dots become underscores: bpffs
 * refuses them), so that other processes can read and update them. Maps
 * that libbpf pinned itself (LIBBPF_PIN_BY_NAME, in DIR) keep their own
 * pins. The pins belong to the caller: they outlive the program's time in
 * the chain, and removing them frees the maps. On failure the pins made
 * here so far are removed again (libbpf's stay: other objects may share
 * them). */
static int pin_maps(struct cli_ctx *ctx, struct attach_args *a, struct xdpchain_prog *prog)
{
	struct bpf_object *obj = xdpchain_prog__bpf_obj(prog);
	struct bpf_map *m;
	char path[PATH_MAX];
	int err = 0, n = 0;

	bpf_object__for_each_map(m, obj)
		n++;
	a->pinned = calloc((size_t)n + 1, sizeof(*a->pinned));
	if (!a->pinned) {
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	bpf_object__for_each_map(m, obj) {
		if (bpf_map__is_pinned(m) || bpf_map__fd(m) < 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", a->pin_maps, bpf_map__name(m)) >=
		    (int)sizeof(path)) {
			err = -ENAMETOOLONG;
		} else {
			for (char *c = path + strlen(a->pin_maps) + 1; *c; c++)
				if (*c == '.')
					*c = '_';
			err = bpf_obj_pin(bpf_map__fd(m), path) ? -errno : 0;
		}
		if (err) {
			cli_error(ctx, "--pin-maps: cannot pin map %s as %s: %s%s", bpf_map__name(m),
				  path, strerror(-err), err == -EPERM || err == -EINVAL ?
				  " (is the directory on a BPF filesystem?)" : "");
			break;
		}
		a->pinned[a->npinned] = strdup(path);
		if (!a->pinned[a->npinned]) {
			unlink(path);
			err = -ENOMEM;
			cli_error(ctx, "out of memory");
			break;
		}
		a->npinned++;
	}
	if (!err)
		return 0;
	while (a->npinned)
		unlink(a->pinned[--a->npinned]);
	return CLI_EXIT_FAIL;
}

/* After a failure on interface "failed": take the program back off the
 * interfaces done before (by its kernel id, so only what this command
 * attached), and say where that worked and where it did not. */
static void roll_back(struct cli_ctx *ctx, struct attach_args *a, int failed,
		      struct xdpchain_prog **progs)
{
	XDPCHAIN_OPTS(xdpchain_detach_opts, dopts, .bpffs_root = ctx->root);
	char undone[512] = "", kept[512] = "";
	size_t nu = 0, nk = 0;

	for (int i = failed - 1; i >= 0; i--) {
		int err = xdpchain_detach_id(a->ifindexes[i], xdpchain_prog__id(progs[i]), &dopts);

		if (!err)
			fmt_append(undone, sizeof(undone), &nu, "%s%s", nu ? ", " : "",
				   a->ifnames[i]);
		else
			fmt_append(kept, sizeof(kept), &nk, "%s%s (%s)", nk ? ", " : "",
				   a->ifnames[i], strerror(-err));
	}
	if (!failed)
		return;
	if (!kept[0])
		report_more(ctx, "rolled back: detached it again from %s, whose chains run what "
			    "they ran before (at new revisions)", undone);
	else
		report_more(ctx, "rollback failed: the program stays attached on %s%s%s", kept,
			    undone[0] ? "; detached again from " : "", undone);
}

int cmd_attach(struct cli_ctx *ctx, int argc, char **argv)
{
	struct xdpchain_prog **progs = NULL;
	struct attach_args a;
	int ret = 0, err, i;
	unsigned int pending = 0;

	/* memset: the library checks that bytes it does not know are 0. */
	memset(&a, 0, sizeof(a));
	a.oo.sz = sizeof(a.oo);
	a.ao.sz = sizeof(a.ao);
	a.ao.bpffs_root = ctx->root;
	ret = parse_args(ctx, argc, argv, &a);
	if (ret)
		goto out;
	progs = calloc((size_t)a.nr_ifaces, sizeof(*progs));
	if (!progs) {
		cli_error(ctx, "out of memory");
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	if (a.ao.mode == XDPCHAIN_MODE_HW) {
		cli_error(ctx, "%s: hardware offload is not supported by xdpchain (a dispatcher "
			  "that calls other programs cannot be offloaded); use native or skb",
			  a.ifname);
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	if (is_loaded_spec(a.file) && (a.oo.prog_name || a.pin_maps)) {
		cli_error(ctx, "%s applies to an ELF file, not to %s",
			  a.oo.prog_name ? "--program" : "--pin-maps", a.file);
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	if (a.pin_maps && a.nr_ifaces > 1) {
		/* Each interface runs its own instance, with its own maps. */
		cli_error(ctx, "--pin-maps takes one interface (each interface gets its own "
			  "instance of the program and its own maps)");
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	if (a.pin_maps) {
		ret = make_pin_dir(ctx, &a);
		if (ret)
			goto out;
		a.oo.pin_root_path = a.pin_maps;
	}
	/* A foreign program refuses the attach: find it on any interface
	 * before changing one, so that nothing needs rolling back. */
	for (i = 0; a.nr_ifaces > 1 && !a.ao.replace_foreign && i < a.nr_ifaces; i++) {
		char name[64] = "";
		__u32 id = 0;

		if (has_chain(ctx, a.ifindexes[i]) ||
		    xdpchain_foreign_prog(a.ifindexes[i], &id, name, sizeof(name)) || !id)
			continue;
		cli_error(ctx, "%s already runs XDP program id %u name '%s', not attached by "
			  "xdpchain; nothing attached anywhere (--replace-foreign replaces it)",
			  a.ifnames[i], id, name);
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	/* One transaction per interface, in the order given. */
	for (i = 0; i < a.nr_ifaces; i++) {
		a.ifname = a.ifnames[i];
		a.ifindex = a.ifindexes[i];
		ret = resolve_anchor(ctx, &a);
		if (ret)
			break;
		progs[i] = open_prog(ctx, &a, &ret);
		if (!progs[i])
			break;
		err = xdpchain_attach(progs[i], a.ifindex, &a.ao);
		/* Joined, not running yet (the library said why): the attach
		 * stands, the exit status says so. */
		if (err == -EINPROGRESS) {
			pending++;
			err = 0;
		}
		if (err) {
			attach_error(ctx, &a, progs[i], -err);
			ret = CLI_EXIT_FAIL;
			break;
		}
		if (a.pin_maps && (ret = pin_maps(ctx, &a, progs[i]))) {
			i++; /* attached: rolled back with the others */
			break;
		}
	}
	if (ret) {
		/* All or nothing: the exit status 1 means nothing changed. */
		roll_back(ctx, &a, i, progs);
		if (a.made_dir)
			rmdir(a.pin_maps); /* if empty: nothing was pinned there */
		goto out;
	}
	/* JSON: one shape whatever the number of interfaces, an array of
	 * one object per interface. */
	if (ctx->json)
		json_start_array(ctx->jw);
	for (i = 0; i < a.nr_ifaces; i++) {
		a.ifname = a.ifnames[i];
		a.ifindex = a.ifindexes[i];
		print_result(ctx, &a, progs[i]);
	}
	if (ctx->json)
		json_end_array(ctx->jw);
	if (pending) {
		fprintf(stderr, "xdpchain: attached, but %u program%s not run yet "
			"(exit status %d; 'xdpchain status' shows when it does)\n", pending,
			pending == 1 ? " does" : "s do", CLI_EXIT_PENDING);
		ret = CLI_EXIT_PENDING;
	}
out:
	for (i = 0; progs && i < a.nr_ifaces; i++)
		xdpchain_prog__close(progs[i]);
	free(progs);
	for (i = 0; i < a.npinned; i++)
		free(a.pinned[i]);
	free(a.pinned);
	free(a.ifbuf);
	free(a.ifnames);
	free(a.ifindexes);
	return ret;
}
