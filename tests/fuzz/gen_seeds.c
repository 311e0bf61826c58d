// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Writes the generated part of the fuzz seed corpus at build time, so
 * the seeds follow the ABI and the BPF objects as they change:
 *   gen_seeds meta DIR        valid (and a few invalid) metadata blobs
 *   gen_seeds btf DIR OBJ...  the .BTF section of each BPF object
 *   gen_seeds copy DIR FILE...  the files themselves (whole ELF objects)
 * Prints the files written (meson keeps that as the stamp). */
#include <errno.h>
#include <libgen.h>
#include <sys/stat.h>
#include "fuzz.h"
#include "model/model.h"

static const char *outdir;

static int write_file(const char *name, const void *buf, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "gen_seeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("%s\n", path);
	return 0;
}

static void slot(struct xdpchain_slot_meta *s, __u32 id, int prio, __u8 kind,
		 const char *name, const char *owner)
{
	s->prog_id = id;
	s->priority = prio;
	s->kind = kind;
	s->continue_on = XDPCHAIN_DEFAULT_CONTINUE;
	s->tag[0] = (__u8)id;
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->owner, sizeof(s->owner), "%s", owner);
}

static int write_meta(const char *name, struct xdpchain_meta *m, bool valid)
{
	char why[128];

	xc_slots_sort(m->slots, m->nr_progs);
	if (!xc_meta_validate(m, why, sizeof(why)) != valid) {
		fprintf(stderr, "gen_seeds: seed %s should be %s: %s\n", name,
			valid ? "valid" : "invalid", why);
		return -1;
	}
	return write_file(name, m, sizeof(*m));
}

static int gen_meta(void)
{
	struct xdpchain_meta m;
	char name[32];
	unsigned int i;
	int err = 0;

	xc_meta_init(&m, 1, 2, XDPCHAIN_MODE_NATIVE, 4026531840u);
	err |= write_meta("empty", &m, true);

	slot(&m.slots[m.nr_progs++], 10, 50, XDPCHAIN_SLOT_TAILCALL, "xdp_count", "");
	err |= write_meta("one-tailcall", &m, true);

	slot(&m.slots[m.nr_progs++], 11, 10, XDPCHAIN_SLOT_FREPLACE, "xdp_firewall", "fw");
	slot(&m.slots[m.nr_progs++], 12, 50, XDPCHAIN_SLOT_FREPLACE, "xdp_count", "app-2");
	m.slots[2].continue_on = XDPCHAIN_VERDICTS_ALL;
	m.mode = XDPCHAIN_MODE_SKB;
	err |= write_meta("mixed-skb", &m, true);

	for (i = 0; i < m.nr_progs; i++)
		m.slots[i].flags = XDPCHAIN_SLOT_F_FRAGS;
	m.flags = XDPCHAIN_META_F_FRAGS;
	err |= write_meta("frags", &m, true);

	xc_meta_init(&m, 7, 3, XDPCHAIN_MODE_NATIVE, 4026531840u);
	for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++) {
		snprintf(name, sizeof(name), "prog_%u", i);
		slot(&m.slots[m.nr_progs++], 100 + i, (int)i - 32,
		     i % 2 ? XDPCHAIN_SLOT_TAILCALL : XDPCHAIN_SLOT_FREPLACE, name, "");
	}
	err |= write_meta("full", &m, true);

	/* Near misses: one field off each. */
	m.slots[5].prog_id = m.slots[4].prog_id;
	err |= write_meta("duplicate-id", &m, false);
	xc_meta_init(&m, 1, 2, XDPCHAIN_MODE_NATIVE, 0);
	m.magic = 0;
	err |= write_meta("bad-magic", &m, false);
	return err ? 1 : 0;
}

static int copy(int argc, char **argv)
{
	int i, err = 0;

	for (i = 0; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		static char buf[1 << 20];
		size_t len;

		if (!f) {
			fprintf(stderr, "gen_seeds: %s: %s\n", argv[i], strerror(errno));
			err = 1;
			continue;
		}
		len = fread(buf, 1, sizeof(buf), f);
		if (ferror(f) || !feof(f) || write_file(basename(argv[i]), buf, len))
			err = 1;
		fclose(f);
	}
	return err;
}

static int gen_btf(int argc, char **argv)
{
	char name[4096];
	int i, err = 0;

	for (i = 0; i < argc; i++) {
		struct btf *btf = btf__parse_elf(argv[i], NULL);
		const void *raw;
		__u32 len;

		if (!btf || libbpf_get_error(btf)) {
			fprintf(stderr, "gen_seeds: %s: no BTF\n", argv[i]);
			err = 1;
			continue;
		}
		raw = btf__raw_data(btf, &len);
		snprintf(name, sizeof(name), "%s.btf", basename(argv[i]));
		if (!raw || write_file(name, raw, len))
			err = 1;
		btf__free(btf);
	}
	return err;
}

int main(int argc, char **argv)
{
	char parent[4096];

	if (argc < 3) {
		fprintf(stderr, "usage: gen_seeds meta|btf|copy DIR [OBJ...]\n");
		return 2;
	}
	outdir = argv[2];
	snprintf(parent, sizeof(parent), "%s", outdir);
	mkdir(dirname(parent), 0755);
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		fprintf(stderr, "gen_seeds: %s: %s\n", outdir, strerror(errno));
		return 1;
	}
	if (!strcmp(argv[1], "meta"))
		return gen_meta();
	if (!strcmp(argv[1], "btf"))
		return gen_btf(argc - 3, argv + 3);
	if (!strcmp(argv[1], "copy"))
		return copy(argc - 3, argv + 3);
	fprintf(stderr, "gen_seeds: unknown kind '%s'\n", argv[1]);
	return 2;
}
