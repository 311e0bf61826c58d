// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* lib/kobj/elf_check.c: the checks made on a BPF object before libbpf opens
 * it. The objects this build compiled pass; copies of one with a single
 * field corrupted (each a crash of libbpf 1.1 found by tests/fuzz) are
 * refused, and the object cut short or of another kind is refused by the
 * header check with what it is.
 * Usage: test_elf_check TEST_BPF_DIR */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/btf.h>
#include "kobj/kobj.h"
#include "check.h"

static char last[512];

static int capture(enum xdpchain_print_level level, const char *fmt, va_list ap)
{
	if (level == XDPCHAIN_WARN)
		vsnprintf(last, sizeof(last), fmt, ap);
	return 0;
}

static size_t slurp(const char *dir, const char *file, unsigned char **buf)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return check_slurp(path, (void **)buf);
}

/* The object's structures, read directly (a little-endian ELF64 as clang
 * -target bpf writes on this host), to corrupt one field of a copy. */
static Elf64_Ehdr *ehdr(unsigned char *b)
{
	return (Elf64_Ehdr *)b;
}

static Elf64_Shdr *shdr(unsigned char *b, unsigned int i)
{
	return (Elf64_Shdr *)(b + ehdr(b)->e_shoff + (size_t)i * ehdr(b)->e_shentsize);
}

static const char *sec_name(unsigned char *b, unsigned int i)
{
	return (const char *)b + shdr(b, ehdr(b)->e_shstrndx)->sh_offset + shdr(b, i)->sh_name;
}

/* The section named name, or NULL. */
static Elf64_Shdr *sec(unsigned char *b, const char *name)
{
	for (unsigned int i = 1; i < ehdr(b)->e_shnum; i++)
		if (!strcmp(sec_name(b, i), name))
			return shdr(b, i);
	return NULL;
}

static unsigned int sec_index(unsigned char *b, const char *name)
{
	for (unsigned int i = 1; i < ehdr(b)->e_shnum; i++)
		if (!strcmp(sec_name(b, i), name))
			return i;
	return 0;
}

static unsigned char *orig;
static size_t orig_len;
static unsigned char *copy;

/* A fresh copy of the object, to corrupt. */
static unsigned char *fresh(void)
{
	memcpy(copy, orig, orig_len);
	return copy;
}

/* xc_elf_check_mem() on the copy returns err, its warning saying word. */
static bool refused(int err, const char *word)
{
	int ret;

	last[0] = 0;
	ret = xc_elf_check_mem(copy, orig_len, "t.o");
	if (ret != err || !strstr(last, word)) {
		fprintf(stderr, "  got %d '%s', want %d '%s'\n", ret, last, err, word);
		return false;
	}
	/* The header is intact: only the contents are refused. */
	return xc_elf_check_header(copy, orig_len, "t.o") == 0;
}

static void test_built(const char *dir)
{
	static const char *const ok[] = {
		"test_bad.o", "test_declared.o", "test_extern.o", "test_firewall.o",
		"test_loop.o", "test_nobtf.o", "test_noxdp.o", "test_observer.o",
		"test_pinned.o", "test_progs.o", "test_progs_v2.o", "test_runcfg.o",
		"test_styles.o", "test_tails.o",
	};
	unsigned char *b;
	size_t len;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		len = slurp(dir, ok[i], &b);
		CHECK(len > 0);
		if (!len)
			continue;
		CHECK(xc_elf_check_header(b, len, ok[i]) == 0);
		CHECK(xc_elf_check_mem(b, len, ok[i]) == 0);
		free(b);
	}
	/* SEC(".maps") without BTF: libbpf would say ENOENT. */
	len = slurp(dir, "test_nobtf_maps.o", &b);
	CHECK(len > 0);
	last[0] = 0;
	CHECK(len && xc_elf_check_mem(b, len, "m.o") == -ENOEXEC && strstr(last, "clang -g"));
	free(b);
	/* Not ELF: the header check's to say (libbpf's otherwise). */
	CHECK(xc_elf_check_mem("hello", 5, "h") == 0);
}

static void test_header(void)
{
	unsigned char *b;

	CHECK(xc_elf_check_header(orig, orig_len, "t.o") == 0);
	last[0] = 0;
	CHECK(xc_elf_check_header("\x7f" "EL", 3, "t.o") == -ENOEXEC &&
	      strstr(last, "not an ELF file"));
	CHECK(xc_elf_check_header("#!/bin/sh\n", 10, "t.o") == -ENOEXEC &&
	      strstr(last, "not an ELF file"));
	CHECK(xc_elf_check_header(orig, 40, "t.o") == -ENOEXEC && strstr(last, "truncated"));
	b = fresh();
	b[EI_CLASS] = ELFCLASS32;
	CHECK(xc_elf_check_header(b, orig_len, "t.o") == -ENOEXEC && strstr(last, "64-bit"));
	b = fresh();
	ehdr(b)->e_machine = EM_X86_64;
	CHECK(xc_elf_check_header(b, orig_len, "t.o") == -ENOEXEC &&
	      strstr(last, "machine 62"));
	/* Cut short: the section headers, at the end, are missing. */
	CHECK(xc_elf_check_header(orig, orig_len - 1, "t.o") == -ENOEXEC &&
	      strstr(last, "section headers end past"));
	b = fresh();
	ehdr(b)->e_shoff = orig_len + 1;
	CHECK(xc_elf_check_header(b, orig_len, "t.o") == -ENOEXEC);
	/* A count that would wrap the end's computation. */
	b = fresh();
	ehdr(b)->e_shentsize = 0xffff;
	CHECK(xc_elf_check_header(b, orig_len, "t.o") == -ENOEXEC);
}

static void test_sections(void)
{
	unsigned char *b;
	Elf64_Shdr *s;

	b = fresh();
	shdr(b, 3)->sh_name = 0x7fffffff;
	CHECK(refused(-ENOEXEC, "section 3 has no name"));
	/* Contents outside the file: libelf cannot read them. */
	b = fresh();
	sec(b, "license")->sh_offset = orig_len * 4;
	CHECK(refused(-ENOEXEC, "cannot be read"));
	/* Relocations flagged compressed: libelf does not present them as
	 * relocations, libbpf reads them all the same. */
	b = fresh();
	sec(b, ".rel.maps")->sh_flags |= SHF_COMPRESSED;
	CHECK(refused(-ENOEXEC, "not readable as relocations"));
	b = fresh();
	sec(b, ".symtab")->sh_flags |= SHF_COMPRESSED;
	CHECK(refused(-ENOEXEC, "not readable as symbols"));
	/* A NOBITS section of any size is fine (nothing to read). */
	b = fresh();
	s = sec(b, ".bss");
	CHECK(s && s->sh_type == SHT_NOBITS);
	s->sh_size = 1ull << 40;
	CHECK(xc_elf_check_mem(b, orig_len, "t.o") == 0);
}

/* Symbol i of the copy's .symtab. */
static Elf64_Sym *sym(unsigned char *b, unsigned int i)
{
	return (Elf64_Sym *)(b + sec(b, ".symtab")->sh_offset) + i;
}

/* The index of the symbol named name. */
static unsigned int sym_index(unsigned char *b, const char *name)
{
	Elf64_Shdr *st = sec(b, ".symtab");
	const char *strs = (const char *)b + shdr(b, st->sh_link)->sh_offset;

	for (unsigned int i = 1; i < st->sh_size / sizeof(Elf64_Sym); i++)
		if (!strcmp(strs + sym(b, i)->st_name, name))
			return i;
	return 0;
}

static void test_symbols(void)
{
	unsigned int i = sym_index(orig, "xdp_pipe");
	Elf64_Shdr *xdp = sec(orig, "xdp");
	unsigned char *b;

	CHECK(i > 0 && xdp);
	if (!i || !xdp)
		return;
	b = fresh();
	sym(b, i)->st_name = 0x7fffffff;
	CHECK(refused(-ENOEXEC, "has no name"));
	/* st_value + st_size wraps libbpf 1.1's bounds check. */
	b = fresh();
	sym(b, i)->st_value = ~0ull - 8;
	CHECK(refused(-ENOEXEC, "lies outside its section"));
	/* Just inside, just outside. */
	b = fresh();
	sym(b, i)->st_value = xdp->sh_size - sym(b, i)->st_size;
	CHECK(xc_elf_check_mem(b, orig_len, "t.o") == 0);
	sym(b, i)->st_value++;
	CHECK(refused(-ENOEXEC, "lies outside its section"));
	/* sh_entsize is not trusted to count them. */
	b = fresh();
	sym(b, i)->st_value = ~0ull - 8;
	sec(b, ".symtab")->sh_entsize = 0x1000;
	CHECK(refused(-ENOEXEC, "outside its section"));
	/* An undefined or absolute symbol has no section to be inside. */
	b = fresh();
	sym(b, i)->st_shndx = SHN_ABS;
	sym(b, i)->st_value = ~0ull - 8;
	CHECK(xc_elf_check_mem(b, orig_len, "t.o") == 0);
}

static void test_relocations(void)
{
	Elf64_Shdr *maps = sec(orig, ".maps");
	Elf64_Rel *rel;
	unsigned char *b;

	CHECK(maps && sec(orig, ".rel.maps"));
	if (!maps)
		return;
	/* The declared contents of the program array (.values = { ... }). */
	b = fresh();
	rel = (Elf64_Rel *)(b + sec(b, ".rel.maps")->sh_offset);
	rel->r_offset = maps->sh_size - 1;
	CHECK(xc_elf_check_mem(b, orig_len, "t.o") == 0);
	rel->r_offset = maps->sh_size;
	CHECK(refused(-ENOEXEC, "relocation 0 in section"));
	rel->r_offset = ~0ull - 7; /* r_offset + 8 wraps */
	CHECK(refused(-ENOEXEC, "points outside the contents"));
	/* A program's relocations are held to the same. */
	b = fresh();
	rel = (Elf64_Rel *)(b + sec(b, ".relxdp")->sh_offset);
	rel->r_offset = sec(b, "xdp")->sh_size;
	CHECK(refused(-ENOEXEC, "(.relxdp)"));
	/* Relocations of a NOBITS section have nothing to relocate. */
	b = fresh();
	sec(b, ".rel.maps")->sh_info = sec_index(b, ".bss");
	CHECK(refused(-ENOEXEC, "points outside"));
}

/* The BTF of the copy: its header, and the first type of kind kind. */
static struct btf_header *btf_hdr(unsigned char *b)
{
	return (struct btf_header *)(b + sec(b, ".BTF")->sh_offset);
}

static struct btf_type *btf_find(unsigned char *b, unsigned int kind, __u32 *id)
{
	struct btf_header *h = btf_hdr(b);
	unsigned char *p = (unsigned char *)h + h->hdr_len + h->type_off;
	unsigned char *end = p + h->type_len;

	/* Walk the records: a struct btf_type and what its kind appends. */
	for (*id = 1; p < end; (*id)++) {
		struct btf_type *t = (struct btf_type *)p;
		__u16 vlen = BTF_INFO_VLEN(t->info);
		size_t extra;

		if (BTF_INFO_KIND(t->info) == kind)
			return t;
		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT: extra = 4; break;
		case BTF_KIND_ARRAY: extra = sizeof(struct btf_array); break;
		case BTF_KIND_STRUCT:
		case BTF_KIND_UNION: extra = vlen * sizeof(struct btf_member); break;
		case BTF_KIND_ENUM: extra = vlen * sizeof(struct btf_enum); break;
		case BTF_KIND_FUNC_PROTO: extra = vlen * sizeof(struct btf_param); break;
		case BTF_KIND_VAR: extra = sizeof(struct btf_var); break;
		case BTF_KIND_DATASEC: extra = vlen * sizeof(struct btf_var_secinfo); break;
		case BTF_KIND_DECL_TAG: extra = sizeof(struct btf_decl_tag); break;
		case BTF_KIND_ENUM64: extra = vlen * sizeof(struct btf_enum64); break;
		default: extra = 0;
		}
		p += sizeof(*t) + extra;
	}
	return NULL;
}

static void test_btf(void)
{
	struct btf_type *t;
	unsigned char *b;
	__u32 id, nr;

	/* The number of types: past the last record. */
	b = fresh();
	CHECK(!btf_find(b, 0x7f, &nr));
	CHECK(nr > 5);

	/* A type's name outside the strings. */
	b = fresh();
	t = btf_find(b, BTF_KIND_STRUCT, &id);
	CHECK(t != NULL);
	if (t) {
		t->name_off = btf_hdr(b)->str_len + 100;
		CHECK(refused(-EINVAL, "names a string outside"));
		/* A member's name. */
		b = fresh();
		t = btf_find(b, BTF_KIND_STRUCT, &id);
		((struct btf_member *)(t + 1))->name_off = btf_hdr(b)->str_len;
		CHECK(refused(-EINVAL, "names a string outside"));
		/* A member's type past the last (libbpf 1.1 follows it in
		 * the map definitions of SEC(".maps")). */
		b = fresh();
		t = btf_find(b, BTF_KIND_STRUCT, &id);
		((struct btf_member *)(t + 1))->type = nr;
		CHECK(refused(-EINVAL, "refers to type"));
		/* The last type id is fine. */
		((struct btf_member *)(t + 1))->type = nr - 1;
		CHECK(xc_elf_check_mem(b, orig_len, "t.o") == 0);
	}
	/* A pointer's target, a function's prototype, a prototype's
	 * parameter. */
	b = fresh();
	t = btf_find(b, BTF_KIND_PTR, &id);
	CHECK(t != NULL);
	if (t) {
		t->type = nr + 1000;
		CHECK(refused(-EINVAL, "refers to type"));
	}
	b = fresh();
	t = btf_find(b, BTF_KIND_FUNC, &id);
	CHECK(t != NULL);
	if (t) {
		t->type = nr;
		CHECK(refused(-EINVAL, "refers to type"));
	}
	b = fresh();
	t = btf_find(b, BTF_KIND_FUNC_PROTO, &id);
	CHECK(t && BTF_INFO_VLEN(t->info) > 0);
	if (t && BTF_INFO_VLEN(t->info)) {
		((struct btf_param *)(t + 1))->type = nr;
		CHECK(refused(-EINVAL, "refers to type"));
	}
	/* An array's element and a DATASEC's variable. */
	b = fresh();
	t = btf_find(b, BTF_KIND_ARRAY, &id);
	CHECK(t != NULL);
	if (t) {
		((struct btf_array *)(t + 1))->index_type = nr;
		CHECK(refused(-EINVAL, "refers to type"));
	}
	b = fresh();
	t = btf_find(b, BTF_KIND_DATASEC, &id);
	CHECK(t != NULL);
	if (t) {
		((struct btf_var_secinfo *)(t + 1))->type = nr;
		CHECK(refused(-EINVAL, "refers to type"));
	}
}

static void test_btf_sections(void)
{
	unsigned char *b;
	char *name;

	/* Two sections named .BTF (libbpf 1.1 takes the last, unchecked):
	 * .BTF.ext's name cut to ".BTF". */
	b = fresh();
	name = (char *)sec_name(b, sec_index(b, ".BTF.ext"));
	name[4] = 0;
	CHECK(refused(-ENOEXEC, "more than one .BTF"));
	/* No .BTF, maps declared in SEC(".maps"). */
	b = fresh();
	name = (char *)sec_name(b, sec_index(b, ".BTF"));
	name[3] = 'X';
	CHECK(refused(-ENOEXEC, "needs BTF"));
	/* BTF libbpf cannot parse: its to report. */
	b = fresh();
	btf_hdr(b)->magic = 0x1234;
	CHECK(xc_elf_check_mem(b, orig_len, "t.o") == 0);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s TEST_BPF_DIR\n", argv[0]);
		return 2;
	}
	xc_log_set_print(capture);
	test_built(argv[1]);
	/* Corruptions of an object with maps in SEC(".maps"), a program
	 * array's declared contents, two programs and BTF. */
	orig_len = slurp(argv[1], "test_tails.o", &orig);
	copy = malloc(orig_len);
	CHECK(orig_len > 0 && copy);
	if (orig_len && copy) {
		test_header();
		test_sections();
		test_symbols();
		test_relocations();
		test_btf();
		test_btf_sections();
	}
	free(orig);
	free(copy);
	return check_report("test_elf_check");
}
