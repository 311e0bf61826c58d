// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * Verdict counters (docs/protocol.md, "Counters"). The interface's stats
 * map has two per-CPU elements: the counters, written only by the
 * dispatcher, and the baselines, written only here under the interface
 * lock. A program's counts are counters minus baselines at its stats
 * index, per CPU, summed: a program that joins starts from zero although
 * its index may have counted for another program before, and no writer
 * ever races the dispatcher's increments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "store/store.h"

/* Both elements, every CPU's copy. */
struct stats_buf {
	int ncpus;
	struct xdpchain_stats_rec *cnt, *base;
};

static void buf_free(struct stats_buf *b)
{
	free(b->cnt);
	free(b->base);
}

static int buf_read(int fd, struct stats_buf *b)
{
	__u32 k;
	int err;

	memset(b, 0, sizeof(*b));
	b->ncpus = libbpf_num_possible_cpus();
	if (b->ncpus <= 0)
		return b->ncpus ? b->ncpus : -EINVAL;
	/* The value size is a multiple of 8: no per-CPU padding. */
	b->cnt = calloc((size_t)b->ncpus, sizeof(*b->cnt));
	b->base = calloc((size_t)b->ncpus, sizeof(*b->base));
	if (!b->cnt || !b->base) {
		buf_free(b);
		return -ENOMEM;
	}
	k = XDPCHAIN_STATS_COUNTERS;
	if (!bpf_map_lookup_elem(fd, &k, b->cnt)) {
		k = XDPCHAIN_STATS_BASELINE;
		if (!bpf_map_lookup_elem(fd, &k, b->base))
			return 0;
	}
	err = -errno;
	buf_free(b);
	return err;
}

static bool map_is_stats(int fd)
{
	struct bpf_map_info mi = {};
	__u32 len = sizeof(mi);

	return !bpf_obj_get_info_by_fd(fd, &mi, &len) && mi.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
	       mi.key_size == 4 && mi.value_size == sizeof(struct xdpchain_stats_rec) &&
	       mi.max_entries == 2 && !strcmp(mi.name, XDPCHAIN_STATS_MAP_NAME);
}

int xc_stats_map_get(struct xc_state *st)
{
	int fd = xc_get_at(st, XDPCHAIN_STATS_PIN);

	if (fd < 0)
		return fd;
	if (map_is_stats(fd))
		return fd;
	xc_warn("%s/" XDPCHAIN_STATS_PIN " is not an xdpchain stats map: replacing it\n",
		st->store.dir);
	close(fd);
	xc_unpin_at(st, XDPCHAIN_STATS_PIN);
	return -ENOENT;
}

int xc_stats_reset(int fd, __u64 idx_mask)
{
	struct stats_buf b;
	__u32 k = XDPCHAIN_STATS_BASELINE;
	int err, cpu, i;

	err = buf_read(fd, &b);
	if (err)
		return err;
	for (cpu = 0; cpu < b.ncpus; cpu++)
		for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++)
			if (idx_mask & (1ull << i))
				memcpy(b.base[cpu].progs[i], b.cnt[cpu].progs[i],
				       sizeof(b.base[cpu].progs[i]));
	err = bpf_map_update_elem(fd, &k, b.base, BPF_EXIST) ? -errno : 0;
	buf_free(&b);
	return err;
}

int xc_stats_read(int fd, __u64 sums[XDPCHAIN_MAX_SLOTS][XDPCHAIN_STAT_NR])
{
	struct stats_buf b;
	int err, cpu, i, j;

	err = buf_read(fd, &b);
	if (err)
		return err;
	memset(sums, 0, sizeof(__u64) * XDPCHAIN_MAX_SLOTS * XDPCHAIN_STAT_NR);
	for (cpu = 0; cpu < b.ncpus; cpu++)
		for (i = 0; i < XDPCHAIN_MAX_SLOTS; i++)
			for (j = 0; j < XDPCHAIN_STAT_NR; j++) {
				__u64 c = b.cnt[cpu].progs[i][j], z = b.base[cpu].progs[i][j];

				/* Never below the baseline, per CPU. */
				sums[i][j] += c > z ? c - z : 0;
			}
	buf_free(&b);
	return 0;
}
