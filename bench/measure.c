// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Measurement helpers (see measure.h). */
#include <errno.h>
#include <sched.h>
#include <unistd.h>
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

static void build_packet(unsigned char *pkt, size_t len)
{
	struct ethhdr *eth = (void *)pkt;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);

	memset(pkt, 0, len);
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - sizeof(*eth));
	udp->dest = htons(5000);
	udp->len = htons(len - sizeof(*eth) - sizeof(*ip));
}

/* One run of fd: per-packet nanoseconds, or a negative -errno. */
static double run_once(int fd, unsigned char *pkt, size_t len, unsigned int repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = len,
		    .repeat = repeat);
	double t0 = now_ns();

	if (bpf_prog_test_run_opts(fd, &t))
		return -errno;
	if (t.retval != XDP_PASS) {
		fprintf(stderr, "bench: program returned %u, not XDP_PASS\n", t.retval);
		return -EINVAL;
	}
	return (now_ns() - t0) / repeat;
}

int measure_paired(int prog_fd, int ref_fd, unsigned int repeat, unsigned int runs,
		   struct paired *out)
{
	double v[MEASURE_MAX_RUNS], r[MEASURE_MAX_RUNS], ratio[MEASURE_MAX_RUNS];
	unsigned char pkt[64];
	struct sample rs;
	unsigned int i;

	if (runs > MEASURE_MAX_RUNS)
		runs = MEASURE_MAX_RUNS;
	build_packet(pkt, sizeof(pkt));
	/* Warm-up runs: first-touch effects and CPU frequency ramps are not
	 * per-packet cost. */
	for (i = 0; i < 2; i++) {
		if ((v[0] = run_once(prog_fd, pkt, sizeof(pkt), repeat)) < 0)
			return (int)v[0];
		if ((r[0] = run_once(ref_fd, pkt, sizeof(pkt), repeat)) < 0)
			return (int)r[0];
	}
	for (i = 0; i < runs; i++) {
		/* Alternate which one goes first so a trend within a pair
		 * does not always favour the same side. */
		if (i % 2) {
			r[i] = run_once(ref_fd, pkt, sizeof(pkt), repeat);
			v[i] = run_once(prog_fd, pkt, sizeof(pkt), repeat);
		} else {
			v[i] = run_once(prog_fd, pkt, sizeof(pkt), repeat);
			r[i] = run_once(ref_fd, pkt, sizeof(pkt), repeat);
		}
		if (v[i] < 0)
			return (int)v[i];
		if (r[i] < 0)
			return (int)r[i];
		ratio[i] = v[i] / r[i];
	}
	sample_of(v, runs, &out->ns);
	sample_of(r, runs, &rs);
	sample_of(ratio, runs, &out->ratio);
	out->min_ratio = out->ns.min / rs.min;
	return 0;
}

void pin_to_one_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	if (n < 1)
		return;
	CPU_ZERO(&set);
	CPU_SET((int)n - 1, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("bench: sched_setaffinity");
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
