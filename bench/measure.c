// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Measurement helpers (see measure.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf.h>
#include "measure.h"

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void sample_of(double *v, unsigned int n, struct sample *out)
{
	qsort(v, n, sizeof(*v), cmp_double);
	out->min = v[0];
	out->max = v[n - 1];
	out->med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int measure_prog(int prog_fd, unsigned int repeat, unsigned int runs, struct sample *out)
{
	unsigned char pkt[64] = {};
	struct ethhdr *eth = (void *)pkt;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt));
	double v[64];
	unsigned int i;

	if (runs > 64)
		runs = 64;
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(pkt) - sizeof(*eth));
	udp->dest = htons(5000);
	udp->len = htons(sizeof(pkt) - sizeof(*eth) - sizeof(*ip));
	/* Warm-up runs: first-touch effects and CPU frequency ramps are not
	 * per-packet cost. */
	t.repeat = repeat;
	for (i = 0; i < 2; i++)
		if (bpf_prog_test_run_opts(prog_fd, &t))
			return -errno;
	if (t.retval != XDP_PASS) {
		fprintf(stderr, "bench: program returned %u, not XDP_PASS\n", t.retval);
		return -EINVAL;
	}
	for (i = 0; i < runs; i++) {
		double t0;

		t.repeat = repeat;
		t0 = now_ns();
		if (bpf_prog_test_run_opts(prog_fd, &t))
			return -errno;
		v[i] = (now_ns() - t0) / repeat;
	}
	sample_of(v, runs, out);
	return 0;
}

long fd_memlock(int fd)
{
	char path[64], line[256];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

__u32 prog_verified_insns(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.verified_insns;
}
