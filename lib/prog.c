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
#include <sys/stat.h>
#include <bpf/bpf.h>
#include "kobj.h"

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
	btf = bpf_object__btf(p->obj);
	p->has_btf = btf && btf__find_by_name_kind(btf, p->name, BTF_KIND_FUNC) > 0;
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

/*
 * Catch the common mistakes before libbpf does, with a message that names
 * them: not a regular file, not ELF at all, or cut short (the section
 * header table lies past the end). A path is used as given: relative to
 * the current directory only if the caller passed a relative one.
 */
static int elf_check(const char *path)
{
	Elf64_Ehdr eh;
	struct stat st;
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
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
	n = pread(fd, &eh, sizeof(eh), 0);
	if (n < (ssize_t)SELFMAG || memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		xc_warn("%s: not an ELF file (a BPF object built by clang -target bpf is "
			"expected)\n", path);
		err = -ENOEXEC;
		goto out;
	}
	if (n < (ssize_t)sizeof(eh) || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		xc_warn("%s: %s\n", path, n < (ssize_t)sizeof(eh) ? "truncated ELF file"
				       : "not a 64-bit ELF file, so not a BPF object");
		err = -ENOEXEC;
		goto out;
	}
	if (eh.e_machine != EM_BPF) {
		xc_warn("%s: an ELF file for machine %u, not a BPF object (EM_BPF)\n", path,
			eh.e_machine);
		err = -ENOEXEC;
		goto out;
	}
	if (eh.e_shoff > (Elf64_Off)st.st_size ||
	    (Elf64_Off)eh.e_shnum * eh.e_shentsize > (Elf64_Off)st.st_size - eh.e_shoff) {
		xc_warn("%s: truncated ELF file: its section headers end past its %lld bytes\n",
			path, (long long)st.st_size);
		err = -ENOEXEC;
	}
out:
	close(fd);
	return err;
}

int xc_prog_check_file(const char *path)
{
	int err = elf_check(path);

	return err ? err : xc_elf_check_file(path);
}

void xc_prog_free(struct xdpchain_prog *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	bpf_object__close(p->obj);
	free(p->name);
	free(p);
}

/* The last lines of the verifier log, or at least the error. */
static void load_error(const struct xdpchain_prog *p, int err, const char *log)
{
	const char *start;
	size_t len = log ? strnlen(log, VERIFIER_LOG_SIZE) : 0;
	int lines = 0;

	while (len && (log[len - 1] == '\n' || log[len - 1] == '\0'))
		len--;
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
}

int xc_prog_load(struct xdpchain_prog *p, bool ext, int target_fd, __u32 target_btf_id,
		 bool frags)
{
	char *log;
	__u32 flags;
	int err, fd;

	if (p->fd >= 0)
		return 0; /* already loaded (from_fd) */
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
	fd = fcntl_dupfd(bpf_program__fd(p->bprog));
	if (fd < 0)
		return -errno;
	p->fd = fd;
	return xc_prog_tag(fd, (__u8[8]){ 0 }, &p->id);
}
