// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Why libbpf could not open an object that refers to symbols it does not
 * define (layer 1). libbpf resolves two kinds of extern only: kernel
 * symbols declared __ksym (BTF section .ksyms) and Kconfig values declared
 * __kconfig (.kconfig). Any other undefined symbol, such as a function of
 * another object that was never linked in, makes bpf_object__open_mem()
 * fail with ENOENT and a line about "BTF for extern", which the caller
 * would otherwise report as "no XDP program in it".
 */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <string.h>
#include <bpf/btf.h>
#include "kobj/kobj.h"

/* Whether the object's BTF places name in .ksyms or .kconfig. */
static bool declared_extern(const struct btf *btf, const char *name)
{
	__u32 n = btf ? btf__type_cnt(btf) : 0;

	for (__u32 i = 1; i < n; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *sec = btf__name_by_offset(btf, t->name_off);
		const struct btf_var_secinfo *v;

		if (!btf_is_datasec(t) || !sec || (strcmp(sec, ".ksyms") && strcmp(sec, ".kconfig")))
			continue;
		v = btf_var_secinfos(t);
		for (__u16 j = 0; j < btf_vlen(t); j++, v++) {
			const struct btf_type *vt = btf__type_by_id(btf, v->type);
			const char *vn = vt ? btf__name_by_offset(btf, vt->name_off) : NULL;

			if (vn && !strcmp(vn, name))
				return true;
		}
	}
	return false;
}

/* The object's .BTF, or NULL. */
static struct btf *elf_btf(Elf *elf, size_t shstrndx)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		d = elf_getdata(scn, NULL);
		return d && d->d_buf ? btf__new(d->d_buf, (__u32)d->d_size) : NULL;
	}
	return NULL;
}

int xc_elf_explain_externs(const void *buf, size_t size, const char *what)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	struct btf *btf = NULL;
	size_t shstrndx;
	int found = 0;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, size);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		goto out;
	btf = elf_btf(elf, shstrndx);
	if (libbpf_get_error(btf))
		btf = NULL;
	while (!found && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		n = d ? d->d_size / sh.sh_entsize : 0;
		for (size_t i = 1; i < n; i++) {
			const char *name;
			GElf_Sym sym;

			if (!gelf_getsym(d, (int)i, &sym) || sym.st_shndx != SHN_UNDEF ||
			    GELF_ST_BIND(sym.st_info) == STB_LOCAL)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name || declared_extern(btf, name))
				continue;
			xc_warn("%s: refers to %s, which it does not define: libbpf resolves only "
				"kernel symbols declared __ksym and Kconfig values declared "
				"__kconfig; link the object that defines %s into this one "
				"(bpftool gen object OUT.o A.o B.o), or make it static\n", what, name,
				name);
			found = 1;
			break;
		}
	}
out:
	btf__free(btf);
	if (elf)
		elf_end(elf);
	return found;
}
