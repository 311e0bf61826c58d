// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* A program to be chained: opened from an ELF file or memory (loaded only
 * at attach time, as EXT or as plain XDP depending on the slot kind), or
 * wrapped from an already loaded XDP program. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "kobj/kobj.h"

/* Bytes of the verifier log kept for a refused program: its end says why. */
#define VERIFIER_LOG_SIZE (1024 * 1024)
#define VERIFIER_LOG_LINES 8

struct xdpchain_prog *xc_prog_new(void)
{
	struct xdpchain_prog *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->fd = -1;
	p->priority = XDPCHAIN_DEFAULT_PRIORITY;
	p->continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	return p;
}

/* "a (xdp), b (tc)": the object's programs, for an error message. */
static void list_progs(struct bpf_object *obj, char *buf, size_t len)
{
	struct bpf_program *bp;
	size_t n = 0;

	buf[0] = '\0';
	bpf_object__for_each_program(bp, obj) {
		int w = snprintf(buf + n, len - n, "%s%s (SEC(\"%s\"))", n ? ", " : "",
				 bpf_program__name(bp), bpf_program__section_name(bp));

		if (w < 0 || (size_t)w >= len - n) {
			if (len > 4)
				snprintf(buf + len - 4, 4, "...");
			return;
		}
		n += (size_t)w;
	}
	if (!n)
		snprintf(buf, len, "none");
}

static bool has_prog_arrays(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		if (bpf_map__type(m) == BPF_MAP_TYPE_PROG_ARRAY)
			return true;
	return false;
}

/* The type behind typedefs and qualifiers, or NULL. */
static const struct btf_type *resolved(const struct btf *btf, __u32 id)
{
	int r = btf__resolve_type(btf, id);

	return r > 0 ? btf__type_by_id(btf, (__u32)r) : NULL;
}

static bool is_xdp_md_ptr(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = resolved(btf, id);

	if (!t || !btf_is_ptr(t))
		return false;
	t = resolved(btf, t->type);
	return t && btf_is_struct(t) && !strcmp(btf__name_by_offset(btf, t->name_off), "xdp_md");
}

/* Whether the object has a global function, other than a program, with a
 * "struct xdp_md *" parameter: libbpf adds such a function to every
 * program that calls it, and Linux 5.10 refuses that in an extension. An
 * object-wide answer (which program calls which function is known only
 * after relocation), so at worst a program of such an object that calls
 * none joins through a tail-call slot there. */
static bool global_ctx_funcs(const struct bpf_object *obj, const struct btf *btf)
{
	__u32 n = btf__type_cnt(btf);

	for (__u32 id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id), *proto;
		const struct btf_param *par;

		/* A FUNC's vlen is its linkage. */
		if (!btf_is_func(t) || btf_vlen(t) != BTF_FUNC_GLOBAL ||
		    bpf_object__find_program_by_name(obj, btf__name_by_offset(btf, t->name_off)))
			continue;
		proto = btf__type_by_id(btf, t->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		par = btf_params(proto);
		for (__u16 k = 0; k < btf_vlen(proto); k++)
			if (is_xdp_md_ptr(btf, par[k].type))
				return true;
	}
	return false;
}

/* Choose the program, apply its run config, and keep only it loadable. */
static int prog_select(struct xdpchain_prog *p, const char *want, const char *what)
{
	struct bpf_program *bp, *found = NULL;
	struct xc_runcfg cfg;
	const struct btf *btf;
	int err;

	bpf_object__for_each_program(bp, p->obj) {
		const char *name = bpf_program__name(bp);

		if (want ? !strcmp(name, want)
			 : (!found && bpf_program__type(bp) == BPF_PROG_TYPE_XDP))
			found = bp;
	}
	if (!found) {
		char list[512];

		list_progs(p->obj, list, sizeof(list));
		if (want)
			xc_warn("%s: program '%s' not found; the object has: %s\n", what, want,
				list);
		else
			xc_warn("%s: no XDP program in the object; it has: %s\n", what, list);
		return -ENOENT;
	}
	if (bpf_program__type(found) != BPF_PROG_TYPE_XDP) {
		xc_warn("%s: program '%s' is not an XDP program (SEC(\"%s\"))\n", what,
			bpf_program__name(found), bpf_program__section_name(found));
		return -EINVAL;
	}
	if (strlen(bpf_program__name(found)) >= XDPCHAIN_NAME_LEN) {
		xc_warn("%s: program name '%s' is longer than %d bytes\n", what,
			bpf_program__name(found), XDPCHAIN_NAME_LEN - 1);
		return -ENAMETOOLONG;
	}
	/* Only the chosen program is loaded, unless the object has program
	 * arrays: then its other programs may be the stages the chosen one
	 * tail-calls (an array's declared .values need them loaded), and the
	 * object decides what it loads. */
	p->own_tails = has_prog_arrays(p->obj);
	if (!p->own_tails)
		bpf_object__for_each_program(bp, p->obj)
			bpf_program__set_autoload(bp, bp == found);

	p->bprog = found;
	p->name = strdup(bpf_program__name(found));
	if (!p->name)
		return -ENOMEM;
	/* libbpf adds BPF_F_XDP_HAS_FRAGS for SEC("xdp.frags") only at load
	 * time, so the section name is what tells. */
	p->frags = !strncmp(bpf_program__section_name(found), "xdp.frags", 9) ||
		   (bpf_program__flags(found) & BPF_F_XDP_HAS_FRAGS);
	if (p->frags && !xc_kernel_has_frags()) {
		xc_info("%s: this kernel has no multi-buffer XDP (Linux 5.18+): it runs "
			"without xdp.frags, on single-buffer packets only\n", p->name);
		p->frags = false;
	}
	btf = bpf_object__btf(p->obj);
	p->has_btf = btf && btf__find_by_name_kind(btf, p->name, BTF_KIND_FUNC) > 0;
	p->global_calls = btf && global_ctx_funcs(p->obj, btf);
	err = xc_runcfg_read(btf, p->name, &cfg);
	if (err) {
		xc_warn("%s: invalid .xdp_run_config for '%s'\n", what, p->name);
		return err;
	}
	if (cfg.has_priority)
		p->priority = cfg.priority;
	if (cfg.has_actions)
		p->continue_on = cfg.continue_on;
	return 0;
}

struct xdpchain_prog *xc_prog_open(struct bpf_object *obj, const char *what,
				   const char *prog_name)
{
	struct xdpchain_prog *p;
	long lerr = libbpf_get_error(obj);
	int err;

	if (!obj || lerr) {
		char msg[128];

		err = obj ? (int)lerr : -errno;
		if (!err)
			err = -EINVAL;
		libbpf_strerror(err, msg, sizeof(msg));
		/* libbpf's own codes (4000+) mean nothing to strerror(): the
		 * file is not a BPF object libbpf can use. */
		if (-err >= __LIBBPF_ERRNO__START && -err < __LIBBPF_ERRNO__END) {
			xc_warn("%s: not a valid BPF object (corrupted ELF?): %s\n", what, msg);
			err = -ENOEXEC;
		} else {
			xc_warn("%s: cannot open BPF object: %s\n", what, msg);
		}
		return xc_err_ptr(err);
	}
	p = xc_prog_new();
	if (!p) {
		bpf_object__close(obj);
		return xc_err_ptr(-ENOMEM);
	}
	p->obj = obj;
	err = prog_select(p, prog_name, what);
	if (err) {
		xc_prog_free(p);
		return xc_err_ptr(err);
	}
	return p;
}

/* Objects larger than this are refused before they are read. */
#define ELF_MAX_SIZE (256u << 20)

/* The whole file at path, read once (then checked and opened from
 * memory, so what is checked is what libbpf parses). Opened without
 * blocking: a FIFO is refused as not a regular file, never waited on. */
static int read_file(const char *path, void **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	ssize_t n = 0;
	int fd, err = 0;

	*buf = NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		xc_warn("%s: %s\n", path, strerror(errno));
		return err;
	}
	if (fstat(fd, &st)) {
		err = -errno;
		xc_warn("%s: %s\n", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xc_warn("%s: not a regular file\n", path);
		err = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		goto out;
	}
	if ((unsigned long long)st.st_size > ELF_MAX_SIZE) {
		xc_warn("%s: %lld bytes, more than a BPF object can be (%u MiB)\n", path,
			(long long)st.st_size, ELF_MAX_SIZE >> 20);
		err = -EFBIG;
		goto out;
	}
	*buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!*buf) {
		err = -ENOMEM;
		goto out;
	}
	while (done < (size_t)st.st_size) {
		n = read(fd, (char *)*buf + done, (size_t)st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* shrank meanwhile: the checks see what was read */
		done += (size_t)n;
	}
	if (n < 0) {
		err = -errno;
		xc_warn("%s: %s\n", path, strerror(errno));
	}
	*len = done;
out:
	if (err) {
		free(*buf);
		*buf = NULL;
	}
	close(fd);
	return err;
}

/* libbpf's own name for an object opened from a file: the file's name up
 * to its first dot (its internal maps are named after it). */
static void object_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');

	snprintf(name, len, "%s", base ? base + 1 : path);
	name[strcspn(name, ".")] = '\0';
}

/* Check buf (the handle's own copy of the object, kept for tag()) and open
 * it. what: the file or object name for messages. */
static struct xdpchain_prog *open_buf(void *buf, size_t len, const char *what,
				      const char *obj_name, const char *prog_name,
				      const char *pin_root)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = obj_name,
		    .pin_root_path = pin_root);
	struct xdpchain_prog *p;
	int err;

	err = xc_elf_check_header(buf, len, what);
	if (!err)
		err = xc_elf_check_mem(buf, len, what);
	if (err) {
		free(buf);
		return xc_err_ptr(err);
	}
	xc_ext_init();
	p = xc_prog_open(bpf_object__open_mem(buf, len, &oo), what, prog_name);
	if (!p) {
		err = -errno;
		/* An extern libbpf cannot resolve is not "no program". */
		if (err == -ENOENT && xc_elf_explain_externs(buf, len, what))
			err = -ENOEXEC;
		free(buf);
		return xc_err_ptr(err);
	}
	p->elf = buf;
	p->elf_len = len;
	p->pins_default = !pin_root;
	p->obj_name = obj_name ? strdup(obj_name) : NULL;
	if (obj_name && !p->obj_name) {
		xc_prog_free(p);
		return xc_err_ptr(-ENOMEM);
	}
	return p;
}

struct xdpchain_prog *xc_prog_open_file(const char *path, const char *prog_name,
					const char *pin_root)
{
	char name[BPF_OBJ_NAME_LEN * 4];
	size_t len = 0;
	void *buf;
	int err;

	err = read_file(path, &buf, &len);
	if (err)
		return xc_err_ptr(err);
	object_name(path, name, sizeof(name));
	return open_buf(buf, len, path, name, prog_name, pin_root);
}

struct xdpchain_prog *xc_prog_open_mem(const void *buf, size_t len, const char *obj_name,
				       const char *prog_name, const char *pin_root)
{
	void *copy = malloc(len);

	if (!copy)
		return xc_err_ptr(-ENOMEM);
	memcpy(copy, buf, len);
	return open_buf(copy, len, obj_name ? obj_name : "<memory>", obj_name, prog_name,
			pin_root);
}

struct xdpchain_prog *xc_prog_from_obj(struct bpf_object *obj, const char *prog_name)
{
	const char *what = bpf_object__name(obj);
	struct xdpchain_prog *p;
	struct bpf_program *bp;
	int err;

	bpf_object__for_each_program(bp, obj) {
		if (bpf_program__fd(bp) >= 0) {
			xc_warn("%s: the object is loaded already; pass it opened, before "
				"its load (NAME__open(), not NAME__open_and_load())\n", what);
			return xc_err_ptr(-EBUSY);
		}
	}
	p = xc_prog_new();
	if (!p)
		return xc_err_ptr(-ENOMEM);
	p->obj = obj;
	p->obj_borrowed = true;
	err = prog_select(p, prog_name, what);
	if (err) {
		xc_prog_free(p);
		return xc_err_ptr(err);
	}
	return p;
}

/*
 * A skeleton reaches .bss, .data and .rodata through pointers into the
 * memory libbpf allocated for their initial values when the object was
 * opened; the skeleton's own load maps the kernel's maps over them
 * (MAP_FIXED, same address), and that is how the application sees what
 * the program writes. The library loads the object itself, so it does
 * the same for every mmap-able map of a caller's object, with the size and
 * protection libbpf uses. Mapping again over a mapping of the same map is
 * harmless, so a libbpf that already did it is no problem.
 */
static int maps_live(struct bpf_object *obj)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), sz, len;
	struct bpf_map *m;
	void *addr;
	int prot;

	bpf_object__for_each_map(m, obj) {
		if (!(bpf_map__map_flags(m) & BPF_F_MMAPABLE) || bpf_map__fd(m) < 0)
			continue;
		addr = (void *)bpf_map__initial_value(m, &sz);
		if (!addr)
			continue;
		len = (((size_t)bpf_map__value_size(m) + 7) & ~(size_t)7) *
		      bpf_map__max_entries(m);
		len = (len + page - 1) & ~(page - 1);
		prot = bpf_map__map_flags(m) & BPF_F_RDONLY_PROG ? PROT_READ
								 : PROT_READ | PROT_WRITE;
		if (mmap(addr, len, prot, MAP_SHARED | MAP_FIXED, bpf_map__fd(m), 0) ==
		    MAP_FAILED) {
			xc_warn("%s: cannot map %s after the load: %s\n", bpf_object__name(obj),
				bpf_map__name(m), strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/* The tag the kernel gives the program: only the kernel computes it
 * (over the instructions libbpf relocates), so a throwaway copy of the
 * object is loaded with only this program, as plain XDP; the tag does not
 * depend on the program type. */
int xc_prog_tag_of(struct xdpchain_prog *p, __u8 tag[8])
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = p->obj_name);
	struct bpf_program *bp, *found = NULL;
	struct bpf_object *obj;
	int err;

	if (p->fd >= 0)
		return xc_prog_tag(p->fd, tag, NULL);
	if (!p->elf)
		return -EOPNOTSUPP;
	obj = bpf_object__open_mem(p->elf, p->elf_len, &oo);
	err = libbpf_get_error(obj);
	if (err)
		return err < 0 ? err : -EINVAL;
	/* Its LIBBPF_PIN_BY_NAME maps would be pinned (or pins reused) in
	 * /sys/fs/bpf: the throwaway copy leaves no trace, and the tag does
	 * not depend on the maps (the kernel hashes map references as 0). */
	err = xc_pins_clear(obj);
	if (err) {
		bpf_object__close(obj);
		return err;
	}
	bpf_object__for_each_program(bp, obj) {
		bool me = !strcmp(bpf_program__name(bp), p->name);

		if (!p->own_tails)
			bpf_program__set_autoload(bp, me);
		if (me)
			found = bp;
	}
	err = found ? bpf_object__load(obj) : -ENOENT;
	if (!err)
		err = xc_prog_tag(bpf_program__fd(found), tag, NULL);
	bpf_object__close(obj);
	return err;
}

void xc_prog_free(struct xdpchain_prog *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (!p->obj_borrowed)
		bpf_object__close(p->obj);
	free(p->elf);
	free(p->obj_name);
	free(p->name);
	free(p);
}

/* The last lines of the verifier log, or at least the error. */
static void load_error(const struct xdpchain_prog *p, int err, const char *log)
{
	const char *start, *reason;
	size_t len = log ? strnlen(log, VERIFIER_LOG_SIZE) : 0;
	int lines = 0;

	while (len && (log[len - 1] == '\n' || log[len - 1] == '\0'))
		len--;
	/* No program was loaded: a map could not be pinned by name. */
	if (!len && xc_pin_failure(p->obj, p->name))
		return;
	if (!len) {
		xc_warn("%s: the kernel refused to load the program: %s\n", p->name,
			strerror(-err));
		return;
	}
	for (start = log + len; start > log; start--)
		if (start[-1] == '\n' && ++lines == VERIFIER_LOG_LINES)
			break;
	xc_warn("%s: the verifier rejected the program (%s); end of its log:\n%.*s\n",
		p->name, strerror(-err), (int)(log + len - start), start);
	/* Since Linux 7.x the verifier explains itself in sections (At:,
	 * Causal path:, Suggestion:) and its reason is a "^-- error: ..."
	 * line under the source line, far above the end: name it too. */
	/* Before Linux 6.4 a full log buffer fails the load with ENOSPC
	 * and keeps the log's beginning, so its end above is not why. */
	if (err == -ENOSPC)
		xc_warn("%s: the verifier's log outgrew %d KiB, so the load failed with "
			"ENOSPC; the program is too complex for this kernel to explain (its "
			"real error is past the end of the log)\n", p->name,
			VERIFIER_LOG_SIZE / 1024);
	if (p->global_calls && strstr(log, "Caller passes invalid args"))
		xc_warn("%s: this kernel (5.10) does not let an extension (freplace) program "
			"call a global function taking the packet context; make the function "
			"static, or use --backend auto or tailcall\n", p->name);
	reason = strstr(log, "^-- error: ");
	if (reason && reason < start) {
		reason += 4;
		xc_warn("%s: the verifier's reason: %.*s\n", p->name,
			(int)strcspn(reason, "\n"), reason);
	}
}

/* After libbpf's load: the caller's skeleton sees the kernel's maps, and
 * the handle gets the program's fd and id. Each step is done once, so a
 * retry after a failure here does only what is left. */
static int load_finish(struct xdpchain_prog *p)
{
	int err, fd;

	if (p->fd >= 0)
		return 0;
	if (p->obj_borrowed && !p->maps_live) {
		err = maps_live(p->obj);
		if (err)
			return err;
		p->maps_live = true;
	}
	fd = fcntl_dupfd(bpf_program__fd(p->bprog));
	if (fd < 0)
		return -errno;
	err = xc_prog_tag(fd, (__u8[8]){ 0 }, &p->id);
	if (err) {
		close(fd);
		return err;
	}
	p->fd = fd;
	return 0;
}

int xc_prog_load(struct xdpchain_prog *p, bool ext, int target_fd, __u32 target_btf_id,
		 bool frags)
{
	char *log;
	__u32 flags;
	int err;

	if ((p->fd >= 0 || p->obj_loaded) &&
	    (p->from_fd || (p->loaded_ext == ext && p->loaded_frags == frags)))
		return load_finish(p); /* wrapped, or loaded as needed by an earlier attempt */
	if (p->fd >= 0 || p->obj_loaded) {
		xc_warn("%s: an earlier attempt loaded it as %s%s program; here it must be %s%s: "
			"open the object again\n", p->name, p->loaded_ext ? "an extension" : "an XDP",
			p->loaded_frags ? " (frags)" : "", ext ? "an extension" : "an XDP program",
			frags ? " (frags)" : "");
		return -EALREADY;
	}
	/* Our own log buffer: libbpf then fills it only when the load
	 * fails, and we show its end, where the verifier says why. */
	log = calloc(1, VERIFIER_LOG_SIZE);
	if (log)
		bpf_program__set_log_buf(p->bprog, log, VERIFIER_LOG_SIZE);
	if (ext) {
		err = xc_ext_load(p->obj, p->bprog, target_fd, target_btf_id, frags);
	} else {
		flags = bpf_program__flags(p->bprog);
		flags = frags ? (flags | BPF_F_XDP_HAS_FRAGS) : (flags & ~BPF_F_XDP_HAS_FRAGS);
		err = bpf_program__set_flags(p->bprog, flags);
		if (!err)
			err = bpf_object__load(p->obj);
	}
	if (err)
		load_error(p, err, log);
	bpf_program__set_log_buf(p->bprog, NULL, 0);
	free(log);
	if (err)
		return err;
	/* From here on a failure leaves the object loaded (libbpf refuses a
	 * second load: a retry would fail with EINVAL), and says so. */
	p->obj_loaded = true;
	p->loaded_ext = ext;
	p->loaded_frags = frags;
	return load_finish(p);
}
