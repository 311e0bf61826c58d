// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * xdpchain-bench: per-packet cost and control-plane latency of chains of
 * 1..64 programs, for xdpchain (each backend the kernel allows), libxdp and
 * direct BPF-to-BPF calls, in one run on one kernel. Prints a table and
 * writes JSON; bench/run.sh merges kernels and draws the plot.
 *
 *   xdpchain-bench --iface IF --ref-iface IF --objdir DIR [--sizes 1,2,5,10,32,64]
 *                  [--repeat N] [--runs K] [--side NAME]... [--json FILE]
 *                  [--dispatcher FILE]
 *   xdpchain-bench --first-attach SIDE --iface IF --objdir DIR   (one sample,
 *                  run by the bench itself: first_attach.h)
 * --dispatcher: also load xdpchain's dispatcher object alone at 1, 10 and
 * 64 freplace slots and 1, 10 and 32 tail-call slots (verifier cost).
 * Sides: xdpchain-tailcall, xdpchain-freplace, libxdp (default: all that
 * this kernel and build allow).
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "disp_cost.h"
#include "first_attach.h"
#include "measure.h"
#include "sides.h"

#define MAX_SIZES 16
#define MAX_SIDES 3

struct side_result {
	struct side side;
	bool ok;
	struct paired dp[MAX_SIZES];
	bool dp_ok[MAX_SIZES];
	double attach_ns[64];
	int attached;
	double detach10, detach64, status_ns;
	int status_n;
	struct first_attach first;
	long memlock[MAX_SIZES];
	__u32 verified[MAX_SIZES];
};

static int sizes[MAX_SIZES], nr_sizes;
static unsigned int repeat = 1000000, runs = 7;
static const char *objdir, *dispatcher;
static char pass_obj[512], direct_obj[512];

/* Dispatcher verifier cost: slot counts per kind (32: the tail-call limit). */
#define DISP_LOADS 5
static const unsigned int disp_sizes[2][3] = { { 1, 10, 64 }, { 1, 10, 32 } };
static const char *const disp_kinds[2] = { "freplace", "tailcall" };
static struct disp_cost disp[2][3];
static bool disp_ok[2][3];

static void measure_dispatcher(const char *path)
{
	for (int k = 0; k < 2; k++) {
		for (int i = 0; i < 3; i++) {
			int err = disp_cost_measure(path, disp_sizes[k][i], k == 1, DISP_LOADS,
						    &disp[k][i]);

			disp_ok[k][i] = !err;
			if (err)
				fprintf(stderr, "bench: dispatcher, %u %s slots: %s\n",
					disp_sizes[k][i], disp_kinds[k], strerror(-err));
		}
	}
}

static void json_dispatcher(FILE *f)
{
	fprintf(f, ",\n  \"dispatcher_load\": {");
	for (int k = 0; k < 2; k++) {
		fprintf(f, "%s\n    \"%s\": [", k ? "," : "", disp_kinds[k]);
		for (int i = 0; i < 3; i++) {
			fprintf(f, "%s{\"slots\": %u", i ? ", " : "", disp_sizes[k][i]);
			if (disp_ok[k][i])
				fprintf(f, ", \"load_ns\": %.0f, \"verified_insns\": %u, "
					   "\"xlated_bytes\": %u}", disp[k][i].load_ns,
					disp[k][i].verified, disp[k][i].xlated);
			else
				fprintf(f, ", \"load_ns\": null}");
		}
		fprintf(f, "]");
	}
	fprintf(f, "\n  }");
}

static void print_dispatcher(void)
{
	printf("\ndispatcher alone (median of %d loads): slots, load ms, verified insns\n",
	       DISP_LOADS);
	for (int k = 0; k < 2; k++) {
		printf("%-9s", disp_kinds[k]);
		for (int i = 0; i < 3; i++)
			if (disp_ok[k][i])
				printf("  %u: %.2f ms, %u", disp_sizes[k][i], disp[k][i].load_ns / 1e6,
				       disp[k][i].verified);
		printf("\n");
	}
}

static int quiet_libbpf(enum libbpf_print_level l, const char *f, va_list a)
{
	return l == LIBBPF_WARN ? vfprintf(stderr, f, a) : 0;
}

static int quiet_xc(enum xdpchain_print_level l, const char *f, va_list a)
{
	return 0;
}

static int bench_ifindex;
/* The reference: one pass program attached directly to a second interface
 * for the whole run; every measurement is paired with a run of it. */
static int ref_fd = -1;

/*
 * Measure a program attached directly to the interface, as the chains'
 * dispatchers are: BPF_PROG_TEST_RUN swaps an unattached XDP program into
 * the kernel's XDP call trampoline for every run (a text patch), which
 * would make it look slower than it is.
 */
static int measure_attached(int fd, struct paired *out)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
	int link = bpf_link_create(fd, bench_ifindex, BPF_XDP, &lo), err;

	if (link < 0)
		return -errno;
	err = measure_paired(fd, ref_fd, repeat, runs, out);
	close(link);
	return err;
}

/* Load the reference program and attach it to ref_ifindex; the link and
 * the object stay until exit. */
static int setup_ref(int ref_ifindex)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = XDP_FLAGS_DRV_MODE);
	struct bpf_object *o = bpf_object__open_file(pass_obj, NULL);

	if (!o || bpf_object__load(o))
		return -EINVAL;
	ref_fd = bpf_program__fd(bpf_object__next_program(o, NULL));
	if (bpf_link_create(ref_fd, ref_ifindex, BPF_XDP, &lo) < 0)
		return -errno;
	return 0;
}

/* b_pass attached on its own: the absolute floor. */
static int measure_base(struct paired *out, long *memlock)
{
	struct bpf_object *o = bpf_object__open_file(pass_obj, NULL);
	int err;

	if (!o || bpf_object__load(o))
		return -EINVAL;
	err = measure_attached(bpf_program__fd(bpf_object__next_program(o, NULL)), out);
	*memlock = fd_memlock(bpf_program__fd(bpf_object__next_program(o, NULL)));
	bpf_object__close(o);
	return err;
}

static int measure_direct(int n, struct paired *out)
{
	struct bpf_object *o = bpf_object__open_file(direct_obj, NULL);
	struct bpf_map *m;
	size_t sz;
	int err;

	if (!o)
		return -EINVAL;
	bpf_object__for_each_map(m, o) {
		if (strstr(bpf_map__name(m), ".rodata")) {
			__u32 *nr = (__u32 *)bpf_map__initial_value(m, &sz);

			*nr = (__u32)n;
		}
	}
	err = bpf_object__load(o);
	if (!err)
		err = measure_attached(bpf_program__fd(bpf_object__next_program(o, NULL)), out);
	bpf_object__close(o);
	return err;
}

static void run_side(struct side_result *r)
{
	struct side *s = &r->side;
	double t0;
	/* Every attach sorts after the programs already there, as an
	 * application started later would, the one put back after the
	 * detach included. */
	int i, fd, err, prio = 0;

	for (i = 0; i < nr_sizes && sizes[i] <= s->max_progs; i++) {
		int n = sizes[i];

		while (s->count < n) {
			t0 = now_ns();
			err = s->add(s, pass_obj, ++prio);
			if (err) {
				fprintf(stderr, "bench: %s: attach #%d: %s\n", s->name, s->count + 1,
					strerror(-err));
				return;
			}
			r->attach_ns[s->count - 1] = now_ns() - t0;
			r->attached = s->count;
		}
		fd = s->main_fd(s);
		if (fd < 0 || measure_paired(fd, ref_fd, repeat, runs, &r->dp[i])) {
			fprintf(stderr, "bench: %s: cannot measure n=%d\n", s->name, n);
			if (fd >= 0)
				close(fd);
			return;
		}
		r->dp_ok[i] = true;
		r->memlock[i] = fd_memlock(fd);
		r->verified[i] = prog_verified_insns(fd);
		close(fd);
		if (n == 10 || n == 64) {
			t0 = now_ns();
			if (s->remove_at(s, n / 2))
				return;
			*(n == 10 ? &r->detach10 : &r->detach64) = now_ns() - t0;
			if (s->add(s, pass_obj, ++prio))
				return;
		}
		t0 = now_ns();
		for (int k = 0; k < 20; k++)
			s->status(s);
		r->status_ns = (now_ns() - t0) / 20;
		r->status_n = n;
	}
	r->ok = true;
}

static void json_sample(FILE *f, const struct paired *p)
{
	fprintf(f, "{\"med\": %.3f, \"min\": %.3f, \"max\": %.3f, "
		   "\"ratio\": {\"med\": %.4f, \"min\": %.4f, \"max\": %.4f}, "
		   "\"min_ratio\": %.4f}", p->ns.med, p->ns.min, p->ns.max, p->ratio.med,
		p->ratio.min, p->ratio.max, p->min_ratio);
}

static void write_json(FILE *f, const struct paired *base, long base_mem, struct paired *direct,
		       struct side_result *res, int nr)
{
	struct utsname u;

	uname(&u);
	fprintf(f, "{\n  \"kernel\": \"%s\",\n  \"repeat\": %u,\n  \"runs\": %u,\n", u.release,
		repeat, runs);
	fprintf(f, "  \"base\": ");
	json_sample(f, base);
	fprintf(f, ",\n  \"prog_memlock\": %ld,\n  \"sizes\": [", base_mem);
	for (int i = 0; i < nr_sizes; i++)
		fprintf(f, "%s%d", i ? ", " : "", sizes[i]);
	fprintf(f, "],\n  \"direct\": [");
	for (int i = 0; i < nr_sizes; i++) {
		fprintf(f, "%s", i ? ", " : "");
		json_sample(f, &direct[i]);
	}
	fprintf(f, "],\n  \"sides\": {");
	for (int j = 0; j < nr; j++) {
		struct side_result *r = &res[j];

		fprintf(f, "%s\n    \"%s\": {\n      \"dataplane\": [", j ? "," : "", r->side.name);
		for (int i = 0; i < nr_sizes; i++) {
			fprintf(f, "%s", i ? ", " : "");
			if (r->dp_ok[i])
				json_sample(f, &r->dp[i]);
			else
				fprintf(f, "null");
		}
		fprintf(f, "],\n      \"memlock\": [");
		for (int i = 0; i < nr_sizes; i++)
			fprintf(f, "%s%ld", i ? ", " : "", r->dp_ok[i] ? r->memlock[i] : -1);
		fprintf(f, "],\n      \"verified_insns\": [");
		for (int i = 0; i < nr_sizes; i++)
			fprintf(f, "%s%u", i ? ", " : "", r->dp_ok[i] ? r->verified[i] : 0);
		fprintf(f, "],\n      \"attach_ns\": [");
		for (int k = 0; k < r->attached; k++)
			fprintf(f, "%s%.0f", k ? ", " : "", r->attach_ns[k]);
		if (r->first.med >= 0)
			fprintf(f, "],\n      \"first_attach_ns\": {\"med\": %.0f, \"min\": %.0f, "
				   "\"max\": %.0f, \"runs\": %d", r->first.med, r->first.min,
				r->first.max, r->first.n);
		else
			fprintf(f, "],\n      \"first_attach_ns\": {\"med\": null");
		fprintf(f, "},\n      \"detach_middle_of_10_ns\": %.0f,\n"
			   "      \"detach_middle_of_64_ns\": %.0f,\n"
			   "      \"status_ns\": %.0f, \"status_n\": %d,\n"
			   "      \"complete\": %s\n    }",
			r->detach10, r->detach64, r->status_ns, r->status_n, r->ok ? "true" : "false");
	}
	fprintf(f, "\n  }");
	if (dispatcher)
		json_dispatcher(f);
	fprintf(f, "\n}\n");
}

static void print_table(const struct paired *base, struct paired *direct,
			struct side_result *res, int nr)
{
	printf("\nper-packet cost, BPF_PROG_TEST_RUN, 64-byte UDP, %u runs x %u packets:\n"
	       "median ns, and median of the per-run ratios to the reference program\n"
	       "(one pass program attached directly, run right after each run).\n"
	       "The same program attached directly: %.2f ns, %.3fx the reference\n"
	       "(the measurement's own error).\n", runs, repeat, base->ns.med, base->ratio.med);
	printf("%4s %18s", "N", "direct calls");
	for (int j = 0; j < nr; j++)
		printf(" %20s", res[j].side.name);
	printf("\n");
	for (int i = 0; i < nr_sizes; i++) {
		printf("%4d %9.2f (%5.2fx)", sizes[i], direct[i].ns.med, direct[i].ratio.med);
		for (int j = 0; j < nr; j++) {
			if (res[j].dp_ok[i])
				printf(" %11.2f (%5.2fx)", res[j].dp[i].ns.med, res[j].dp[i].ratio.med);
			else
				printf(" %20s", "-");
		}
		printf("\n");
	}
	printf("\ncontrol plane (library calls, ms): attach k-th program; detach middle; status\n");
	for (int j = 0; j < nr; j++) {
		struct side_result *r = &res[j];

		printf("%-18s attach #1 %.2f, #10 %.2f, #%d %.2f; detach of 10: %.2f, of 64: %.2f; "
		       "status of %d: %.3f\n", r->side.name, r->attached ? r->attach_ns[0] / 1e6 : 0,
		       r->attached >= 10 ? r->attach_ns[9] / 1e6 : 0, r->attached,
		       r->attached ? r->attach_ns[r->attached - 1] / 1e6 : 0, r->detach10 / 1e6,
		       r->detach64 / 1e6, r->status_n, r->status_ns / 1e6);
	}
	printf("\nfirst attach on the empty interface, a fresh process each (ms, median of %d "
	       "[min-max]):\n", FIRST_ATTACH_RUNS);
	for (int j = 0; j < nr; j++) {
		const struct first_attach *fa = &res[j].first;

		if (fa->med >= 0)
			printf("%-18s %.2f [%.2f-%.2f]\n", res[j].side.name, fa->med / 1e6,
			       fa->min / 1e6, fa->max / 1e6);
		else
			printf("%-18s -\n", res[j].side.name);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "iface", required_argument, NULL, 'i' }, { "objdir", required_argument, NULL, 'o' },
		{ "sizes", required_argument, NULL, 's' }, { "repeat", required_argument, NULL, 'r' },
		{ "runs", required_argument, NULL, 'k' },  { "side", required_argument, NULL, 'S' },
		{ "json", required_argument, NULL, 'j' },  { "ref-iface", required_argument, NULL, 'R' },
		{ "dispatcher", required_argument, NULL, 'D' },
		{ "first-attach", required_argument, NULL, 'F' },
		{},
	};
	const char *iface = NULL, *ref_iface = NULL, *json = NULL, *want[MAX_SIDES], *first = NULL;
	const char *measured[MAX_SIDES];
	struct first_attach firsts[MAX_SIDES];
	int nr_measured = 0;
	struct side_result res[MAX_SIDES] = {};
	struct paired base, direct[MAX_SIZES];
	int c, nr_want = 0, nr = 0, ifindex;
	long base_mem = -1;
	char *tok, *save;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i': iface = optarg; break;
		case 'R': ref_iface = optarg; break;
		case 'o': objdir = optarg; break;
		case 's':
			for (tok = strtok_r(optarg, ",", &save); tok && nr_sizes < MAX_SIZES;
			     tok = strtok_r(NULL, ",", &save))
				sizes[nr_sizes++] = atoi(tok);
			break;
		case 'r': repeat = (unsigned int)atoi(optarg); break;
		case 'k': runs = (unsigned int)atoi(optarg); break;
		case 'S': if (nr_want < MAX_SIDES) want[nr_want++] = optarg; break;
		case 'j': json = optarg; break;
		case 'D': dispatcher = optarg; break;
		case 'F': first = optarg; break;
		default: return 2;
		}
	}
	if (first && iface && objdir) {
		libbpf_set_print(quiet_libbpf);
		xdpchain_set_print(quiet_xc);
		snprintf(pass_obj, sizeof(pass_obj), "%s/bench_pass.o", objdir);
		return first_attach_child(first, (int)if_nametoindex(iface), pass_obj);
	}
	if (!iface || !ref_iface || !objdir || !repeat || !runs) {
		fprintf(stderr, "usage: xdpchain-bench --iface IF --ref-iface IF --objdir DIR [--sizes L] "
				"[--repeat N] [--runs K] [--side NAME]... [--json FILE] "
				"[--dispatcher FILE]\n");
		return 2;
	}
	if (!nr_sizes) {
		int def[] = { 1, 2, 5, 10, 32, 64 };

		memcpy(sizes, def, sizeof(def));
		nr_sizes = 6;
	}
	ifindex = (int)if_nametoindex(iface);
	if (!ifindex) {
		fprintf(stderr, "bench: no interface %s\n", iface);
		return 1;
	}
	bench_ifindex = ifindex;
	snprintf(pass_obj, sizeof(pass_obj), "%s/bench_pass.o", objdir);
	snprintf(direct_obj, sizeof(direct_obj), "%s/bench_direct.o", objdir);
	libbpf_set_print(quiet_libbpf);
	xdpchain_set_print(quiet_xc);

	pin_to_one_cpu();
	if (!if_nametoindex(ref_iface) || setup_ref((int)if_nametoindex(ref_iface))) {
		fprintf(stderr, "bench: cannot attach the reference program to %s\n", ref_iface);
		return 1;
	}
	if (measure_base(&base, &base_mem)) {
		fprintf(stderr, "bench: cannot measure the base program\n");
		return 1;
	}
	for (int i = 0; i < nr_sizes; i++) {
		if (measure_direct(sizes[i], &direct[i])) {
			fprintf(stderr, "bench: cannot measure direct calls, n=%d\n", sizes[i]);
			return 1;
		}
	}
	const char *all[] = { "xdpchain-freplace", "xdpchain-tailcall", "libxdp" };
	/* First, while this process has loaded nothing of any side: the
	 * samples are fresh processes anyway. */
	for (int j = 0; j < MAX_SIDES; j++) {
		bool on = !nr_want;

		for (int w = 0; w < nr_want; w++)
			on |= !strcmp(want[w], all[j]);
		if (on)
			measured[nr_measured++] = all[j];
	}
	first_attach_measure(measured, nr_measured, iface, objdir, firsts);
	for (int j = 0; j < MAX_SIDES; j++) {
		bool on = !nr_want;
		int err;

		for (int w = 0; w < nr_want; w++)
			on |= !strcmp(want[w], all[j]);
		if (!on)
			continue;
		if (j == 2)
			err = side_libxdp_init(&res[nr].side, ifindex);
		else
			err = side_xdpchain_init(&res[nr].side, ifindex, j == 1);
		if (err) {
			fprintf(stderr, "bench: %s not available here: %s\n", all[j], strerror(-err));
			if (nr_want)
				return 1;
			continue;
		}
		res[nr].first.med = -1;
		for (int m = 0; m < nr_measured; m++)
			if (!strcmp(measured[m], all[j]))
				res[nr].first = firsts[m];
		run_side(&res[nr]);
		res[nr].side.clear(&res[nr].side);
		nr++;
	}
	if (dispatcher)
		measure_dispatcher(dispatcher);
	print_table(&base, direct, res, nr);
	if (dispatcher)
		print_dispatcher();
	if (json) {
		FILE *f = fopen(json, "w");

		if (!f) {
			perror(json);
			return 1;
		}
		write_json(f, &base, base_mem, direct, res, nr);
		fclose(f);
	}
	for (int j = 0; j < nr; j++)
		if (!res[j].ok)
			return 1;
	return 0;
}
