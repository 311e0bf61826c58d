// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Checks of a BPF ELF object made before libbpf opens it. libbpf 1.1
 * (Debian 12) trusts the name offsets of BTF types in places: for an
 * object with extern symbols, find_extern_btf_id() strcmp()s the name of
 * every VAR and FUNC, and a name offset outside the string section makes
 * that a NULL dereference (found by tests/fuzz, target elf). Later libbpf
 * versions check every offset when they parse BTF; this does the same
 * for the types' own names and their members', parameters' and
 * enumerators' names, and refuses the object (-EINVAL) if one does not
 * resolve, and refuses it too (-EINVAL) if a type refers to a type id
 * past the last one, which libbpf 1.1 follows to a NULL dereference when
 * it reads the map definitions in SEC(".maps") (found by tests/fuzz,
 * target elf). libbpf 1.1 also crashes (a NULL dereference while it gives up
 * on the object) when a section's header points outside the file, which
 * libelf then refuses to read, or when a section's or a symbol's name
 * does not resolve, and reads before the object's buffer when a symbol's
 * offset wraps its bounds check (found by tests/fuzz, target elf): every
 * section must be readable and named, every symbol named and inside its
 * section, and every relocation inside the section it relocates, which
 * libbpf 1.1 does not check for .rel.maps (-ENOEXEC otherwise).
 * Anything else wrong is left to libbpf, which refuses it. */
#include <elf.h>
#include <gelf.h>
#include <string.h>
#include "kobj/kobj.h"

static bool name_ok(const struct btf *btf, __u32 off)
{
	return btf__name_by_offset(btf, off) != NULL;
}

static bool btf_names_ok(const struct btf *btf)
{
	__u32 id, n = btf__type_cnt(btf);
	__u16 i, vlen;

	for (id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t || !name_ok(btf, t->name_off))
			return false;
		vlen = btf_vlen(t);
		if (btf_is_composite(t)) {
			for (i = 0; i < vlen; i++)
				if (!name_ok(btf, btf_members(t)[i].name_off))
					return false;
		} else if (btf_is_enum(t)) {
			for (i = 0; i < vlen; i++)
				if (!name_ok(btf, btf_enum(t)[i].name_off))
					return false;
		} else if (btf_is_enum64(t)) {
			for (i = 0; i < vlen; i++)
				if (!name_ok(btf, btf_enum64(t)[i].name_off))
					return false;
		} else if (btf_is_func_proto(t)) {
			for (i = 0; i < vlen; i++)
				if (!name_ok(btf, btf_params(t)[i].name_off))
					return false;
		}
	}
	return true;
}

/* The first type id that type t refers to and that does not exist, or 0
 * (void, id 0, always does). libbpf 1.1 follows such references without
 * checking them: its parse_btf_map_def() -> get_map_field_int() ->
 * skip_mods_and_typedefs() reads the kind of btf__type_by_id()'s NULL when
 * a member of a map definition in SEC(".maps") names a type past the last
 * one (SIGSEGV, found by tests/fuzz, target elf). Later libbpf versions
 * (1.3, btf_validate_type()) check every reference when they parse BTF;
 * this checks the same ones: the referenced type of modifiers, typedefs,
 * pointers, functions, variables and tags, an array's element and index
 * types, members', parameters' (and a prototype's return) and a DATASEC's
 * variables' types. */
static __u32 bad_type_ref(const struct btf *btf, const struct btf_type *t)
{
	__u32 n = btf__type_cnt(btf);
	__u16 i, vlen = btf_vlen(t);

	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
	case BTF_KIND_TYPE_TAG:
		return t->type < n ? 0 : t->type;
	case BTF_KIND_ARRAY:
		if (btf_array(t)->type >= n)
			return btf_array(t)->type;
		return btf_array(t)->index_type < n ? 0 : btf_array(t)->index_type;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			if (btf_members(t)[i].type >= n)
				return btf_members(t)[i].type;
		return 0;
	case BTF_KIND_FUNC_PROTO:
		if (t->type >= n)
			return t->type;
		for (i = 0; i < vlen; i++)
			if (btf_params(t)[i].type >= n)
				return btf_params(t)[i].type;
		return 0;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++)
			if (btf_var_secinfos(t)[i].type >= n)
				return btf_var_secinfos(t)[i].type;
		return 0;
	default: /* INT, ENUM, ENUM64, FWD, FLOAT: no reference */
		return 0;
	}
}

/* Every reference between types resolves; if not, says which and returns
 * false. */
static bool btf_refs_ok(const struct btf *btf, const char *what)
{
	__u32 id, bad, n = btf__type_cnt(btf);

	for (id = 1; id < n; id++) {
		bad = bad_type_ref(btf, btf__type_by_id(btf, id));
		if (bad) {
			xc_warn("%s: corrupted ELF: .BTF type %u refers to type %u, past the "
				"last one (%u)\n", what, id, bad, n - 1);
			return false;
		}
	}
	return true;
}

/* Does symbol sym lie inside its section? libbpf 1.1 checks a program's
 * bounds as st_value + st_size <= section size, which a huge st_value
 * wraps around: it then copies the program's instructions from before the
 * object's buffer (found by tests/fuzz, target elf). */
static bool symbol_inside(Elf *elf, const GElf_Sym *sym)
{
	Elf_Scn *scn;
	GElf_Shdr sh;

	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE)
		return true; /* undefined, absolute, common: no section */
	scn = elf_getscn(elf, sym->st_shndx);
	if (!scn || !gelf_getshdr(scn, &sh))
		return true; /* no such section: libbpf refuses the symbol */
	return sym->st_value <= sh.sh_size && sym->st_size <= sh.sh_size - sym->st_value;
}

/* Every symbol's name resolves in the table's string section (libbpf
 * 1.1 strcmp()s them unchecked: a NULL dereference otherwise, found by
 * tests/fuzz, target elf), and it lies inside its section. Returns the
 * index of the first bad symbol, or -1. */
static long bad_symbol(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, const char **why)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	GElf_Sym sym;
	int i;

	if (!data)
		return -1; /* libbpf refuses such a table itself */
	/* As many as the data holds, whatever sh_entsize says: libbpf 1.1
	 * counts them so (a corrupted sh_entsize hid a symbol outside its
	 * section from an sh_size / sh_entsize loop, found by tests/fuzz). */
	for (i = 0; gelf_getsym(data, i, &sym); i++) {
		*why = "has no name";
		if (!elf_strptr(elf, sh->sh_link, sym.st_name))
			return i;
		*why = "lies outside its section";
		if (!symbol_inside(elf, &sym))
			return i;
	}
	return -1;
}

/* Every relocation of a REL section lies inside the section it
 * relocates (its sh_info); returns the index of the first that does not,
 * or -1. libbpf 1.1 checks the offsets of a program's relocations but not
 * those of .rel.maps, the declared contents (`.values = { ... }`) of
 * program arrays and maps of maps: there r_offset + 8 wraps around for an
 * offset near 2^64, the relocation then matches a map, and the slot index
 * derived from it asks for a 4 GiB array that libbpf clears with a
 * negative length, writing past it (found on a corrupted copy of
 * test_tails.o while looking for the fuzzer's crash). As with symbols,
 * every entry the data holds is looked at, whatever sh_entsize says. */
static long bad_relocation(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	Elf_Scn *target = elf_getscn(elf, sh->sh_info);
	GElf_Shdr tsh;
	GElf_Rel rel;
	int i;

	if (!data || !sh->sh_info || !target || !gelf_getshdr(target, &tsh))
		return -1; /* no such target: libbpf refuses the section */
	/* A NOBITS section has no bytes to relocate, and its sh_size,
	 * bounded by nothing, would let the offset wrap all the same. */
	for (i = 0; gelf_getrel(data, i, &rel); i++)
		if (tsh.sh_type == SHT_NOBITS || rel.r_offset >= tsh.sh_size)
			return i;
	return -1;
}

/* libbpf reads relocations and symbols straight from a section's bytes,
 * whatever libelf makes of them, while the checks here read them through
 * libelf: a relocation or symbol section that libelf does not present as
 * one (with SHF_COMPRESSED set, its data is a compression header) would
 * escape them. libbpf 1.1 then took a .rel.maps entry at offset -8 and
 * asked for a 4 GiB array of map slots (found by the fuzzer). */
static bool typed_as(Elf_Scn *scn, const GElf_Shdr *sh)
{
	Elf_Data *data;

	if (sh->sh_type != SHT_REL && sh->sh_type != SHT_SYMTAB)
		return true;
	if (sh->sh_flags & SHF_COMPRESSED)
		return false;
	data = elf_getdata(scn, NULL);
	return !data || data->d_type == (sh->sh_type == SHT_REL ? ELF_T_REL : ELF_T_SYM);
}

static int check_elf(Elf *elf, const char *what)
{
	Elf_Scn *scn = NULL;
	unsigned int seen_btf = 0;
	bool btf_maps = false;
	size_t shstrndx;
	int err = 0;

	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx))
		return 0; /* not ELF at all: libbpf says so */
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name) {
			xc_warn("%s: corrupted ELF: section %zu has no name\n", what,
				elf_ndxscn(scn));
			return -ENOEXEC;
		}
		btf_maps = btf_maps || !strcmp(name, ".maps");
		if (!typed_as(scn, &sh)) {
			xc_warn("%s: corrupted ELF: section %zu (%s) is not readable as %s "
				"(flagged compressed?)\n", what, elf_ndxscn(scn), name,
				sh.sh_type == SHT_REL ? "relocations" : "symbols");
			return -ENOEXEC;
		}
		if (sh.sh_type == SHT_NOBITS || !sh.sh_size || elf_getdata(scn, NULL)) {
			const char *why = NULL;
			long bad = sh.sh_type == SHT_SYMTAB ? bad_symbol(elf, scn, &sh, &why) : -1;

			if (bad >= 0) {
				xc_warn("%s: corrupted ELF: symbol %ld in section %zu (%s) %s\n",
					what, bad, elf_ndxscn(scn), name, why);
				return -ENOEXEC;
			}
			bad = sh.sh_type == SHT_REL ? bad_relocation(elf, scn, &sh) : -1;
			if (bad >= 0) {
				xc_warn("%s: corrupted ELF: relocation %ld in section %zu (%s) points "
					"outside the contents of section %u\n", what, bad,
					elf_ndxscn(scn), name, sh.sh_info);
				return -ENOEXEC;
			}
			continue;
		}
		xc_warn("%s: corrupted ELF: section %zu (%s) cannot be read: %s\n", what,
			elf_ndxscn(scn), name, elf_errmsg(-1));
		return -ENOEXEC;
	}
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		struct btf *btf;
		Elf_Data *data;
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF"))
			continue;
		/* libbpf 1.1 takes the last of several, unchecked here
		 * otherwise (found by tests/fuzz, target elf). */
		if (seen_btf++) {
			xc_warn("%s: corrupted ELF: more than one .BTF section\n", what);
			return -ENOEXEC;
		}
		data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf || !data->d_size || data->d_size > UINT32_MAX)
			continue;
		btf = btf__new(data->d_buf, (__u32)data->d_size);
		if (libbpf_get_error(btf))
			continue; /* unusable BTF: libbpf's to report */
		if (!xc_btf_aligned(btf)) {
			xc_warn("%s: corrupted ELF: the types in .BTF are not 4-byte aligned\n",
				what);
			err = -ENOEXEC;
		} else if (!btf_names_ok(btf)) {
			xc_warn("%s: .BTF names a string outside its string section\n", what);
			err = -EINVAL;
		} else if (!btf_refs_ok(btf, what)) {
			err = -EINVAL;
		}
		btf__free(btf);
		if (err)
			break;
	}
	/* libbpf refuses it with a generic message and ENOENT, which reads
	 * like a missing file or program. */
	if (!err && btf_maps && !seen_btf) {
		xc_warn("%s: declares maps in SEC(\".maps\"), which needs BTF, and has none: "
			"build it with clang -g\n", what);
		err = -ENOEXEC;
	}
	return err;
}

int xc_elf_check_mem(const void *buf, size_t size, const char *what)
{
	Elf *elf;
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return 0;
	/* ELF_C_READ_MMAP-like: libelf only reads the buffer. */
	elf = elf_memory((char *)buf, size);
	err = check_elf(elf, what);
	elf_end(elf);
	return err;
}

/*
 * Catch the common mistakes before libbpf does, with a message that names
 * them: not ELF at all, not a BPF object, or cut short (the section header
 * table lies past the end).
 */
int xc_elf_check_header(const void *buf, size_t len, const char *what)
{
	Elf64_Ehdr eh;
	size_t n = len < sizeof(eh) ? len : sizeof(eh);

	memset(&eh, 0, sizeof(eh));
	memcpy(&eh, buf, n);
	if (n < SELFMAG || memcmp(eh.e_ident, ELFMAG, SELFMAG)) {
		xc_warn("%s: not an ELF file (a BPF object built by clang -target bpf is "
			"expected)\n", what);
		return -ENOEXEC;
	}
	if (n < sizeof(eh) || eh.e_ident[EI_CLASS] != ELFCLASS64) {
		xc_warn("%s: %s\n", what, n < sizeof(eh) ? "truncated ELF file"
				       : "not a 64-bit ELF file, so not a BPF object");
		return -ENOEXEC;
	}
	if (eh.e_machine != EM_BPF) {
		xc_warn("%s: an ELF file for machine %u, not a BPF object (EM_BPF)\n", what,
			eh.e_machine);
		return -ENOEXEC;
	}
	if (eh.e_shoff > (Elf64_Off)len ||
	    (Elf64_Off)eh.e_shnum * eh.e_shentsize > (Elf64_Off)len - eh.e_shoff) {
		xc_warn("%s: truncated ELF file: its section headers end past its %zu bytes\n",
			what, len);
		return -ENOEXEC;
	}
	return 0;
}
