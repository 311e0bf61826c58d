// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Loading an XDP program as an extension (freplace, BPF_PROG_TYPE_EXT) of a
 * dispatcher slot, with no more privilege than the kernel asks for.
 *
 * libbpf's bpf_program__set_attach_target() looks the slot's BTF id up by
 * fetching the target program's BTF from the kernel (BPF_BTF_GET_FD_BY_ID),
 * and that command needs CAP_SYS_ADMIN: a freplace attach would then need
 * it too, where the kernel itself asks only CAP_BPF + CAP_PERFMON. The
 * target is a dispatcher we loaded from our own object in this process, so
 * we already know the id. libbpf takes a load attribute it did not compute
 * only from a section handler's prepare callback, so libxdpchain registers
 * handlers for SEC("xdp") and SEC("xdp.frags"): for the one program being
 * loaded as EXT by xc_ext_load() on this thread they set the type and the
 * target; for every other program they do what libbpf's own handlers for
 * those sections do (frags flag, nothing else). Programs in any other
 * section, or a process where another SEC("xdp") handler was registered
 * first, take libbpf's lookup (and need CAP_SYS_ADMIN for it). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"

struct ext_target {
	const struct bpf_program *prog;
	int fd;
	__u32 btf_id;
	bool frags;
	bool used;
};

/* Thread-local: bpf_object__load() calls the handler on the loading
 * thread, so concurrent loads on other threads never see this target. */
static __thread struct ext_target *pending;

static pthread_once_t handlers_once = PTHREAD_ONCE_INIT;
static bool handlers_ok;

static int prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts, bool frags)
{
	struct ext_target *t = pending;

	if (!t || t->prog != prog) {
		/* libbpf's own SEC("xdp.frags") handler adds this flag; a
		 * kernel without multi-buffer XDP refuses the bit. */
		if (frags && bpf_program__type(prog) == BPF_PROG_TYPE_XDP &&
		    xc_kernel_has_frags())
			opts->prog_flags |= BPF_F_XDP_HAS_FRAGS;
		return 0;
	}
	/* The type is read after this callback; setting it here (rather than
	 * before the load) keeps this handler attached on libbpf versions
	 * that drop a program's handler when its type changes. */
	if (bpf_program__set_type(prog, BPF_PROG_TYPE_EXT))
		return -EINVAL;
	opts->expected_attach_type = 0;
	opts->attach_prog_fd = (__u32)t->fd;
	opts->attach_btf_id = t->btf_id;
	if (t->frags)
		opts->prog_flags |= BPF_F_XDP_HAS_FRAGS;
	else
		opts->prog_flags &= ~BPF_F_XDP_HAS_FRAGS;
	t->used = true;
	return 0;
}

static int prepare_xdp(struct bpf_program *prog, struct bpf_prog_load_opts *opts, long cookie)
{
	(void)cookie;
	return prepare(prog, opts, false);
}

static int prepare_xdp_frags(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			     long cookie)
{
	(void)cookie;
	return prepare(prog, opts, true);
}

static void handlers_register(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, xo, .prog_prepare_load_fn = prepare_xdp);
	LIBBPF_OPTS(libbpf_prog_handler_opts, fo, .prog_prepare_load_fn = prepare_xdp_frags);
	int a, b;

	/* Never unregistered: libbpf keeps pointers to a handler in every
	 * object opened while it was registered. */
	a = libbpf_register_prog_handler("xdp", BPF_PROG_TYPE_XDP, BPF_XDP, &xo);
	b = libbpf_register_prog_handler("xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, &fo);
	handlers_ok = a >= 0 && b >= 0;
	if (!handlers_ok)
		xc_debug("libbpf section handlers not registered (%d, %d): freplace loads "
			 "need CAP_SYS_ADMIN\n", a, b);
}

void xc_ext_init(void)
{
	pthread_once(&handlers_once, handlers_register);
}

/* Registered when the library is loaded, before main(): an object binds
 * its section handlers when it is opened, so objects the application
 * opens itself (a skeleton's NAME__open() for
 * xdpchain_prog__from_bpf_obj()) get them too, and libbpf's registry of
 * handlers, which is not thread-safe, is written before any thread runs. */
__attribute__((constructor)) static void ext_init_at_load(void)
{
	xc_ext_init();
}

static bool handled_section(const struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog);

	return handlers_ok && (!strcmp(sec, "xdp") || !strcmp(sec, "xdp.frags"));
}

int xc_ext_load(struct bpf_object *obj, struct bpf_program *prog, int target_fd,
		__u32 btf_id, bool frags)
{
	struct ext_target t = {
		.prog = prog, .fd = target_fd, .btf_id = btf_id, .frags = frags,
	};
	__u32 flags;
	int err;

	xc_ext_init();
	if (handled_section(prog) && bpf_program__type(prog) == BPF_PROG_TYPE_XDP) {
		pending = &t;
		err = bpf_object__load(obj);
		pending = NULL;
		if (!err && !t.used) {
			/* Another SEC("xdp") handler came first: what loaded
			 * is a plain XDP program, not the extension asked for. */
			xc_warn("%s: loaded as plain XDP, not as an extension: another "
				"libbpf handler for SEC(\"%s\") is registered in this process\n",
				bpf_program__name(prog), bpf_program__section_name(prog));
			return -EBUSY;
		}
		return err;
	}
	flags = bpf_program__flags(prog);
	flags = frags ? (flags | BPF_F_XDP_HAS_FRAGS) : (flags & ~BPF_F_XDP_HAS_FRAGS);
	err = bpf_program__set_flags(prog, flags);
	if (!err)
		err = bpf_program__set_type(prog, BPF_PROG_TYPE_EXT);
	if (!err)
		err = bpf_program__set_expected_attach_type(prog, 0);
	if (!err)
		err = bpf_program__set_attach_target(prog, target_fd, "slot_0");
	if (!err)
		err = bpf_object__load(obj);
	return err;
}
