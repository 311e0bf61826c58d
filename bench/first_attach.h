/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* The first attach on an interface as a new process sees it: each sample
 * is a fresh xdpchain-bench process (exec'd, so nothing the parent loaded,
 * probed or cached is inherited) that sets its side up and attaches one
 * program to the empty interface: xdpchain's freplace probe plus the
 * attach, libxdp's attach (each does its own probing inside). */
#ifndef XDPCHAIN_BENCH_FIRST_ATTACH_H
#define XDPCHAIN_BENCH_FIRST_ATTACH_H

#define FIRST_ATTACH_RUNS 7

struct first_attach {
	double med, min, max; /* ns; med < 0: not measured */
	int n;
};

/* The child's part (xdpchain-bench --first-attach SIDE): prints the time in
 * ns on stdout and leaves the interface empty; returns the exit code. */
int first_attach_child(const char *side, int ifindex, const char *obj);
/* Samples FIRST_ATTACH_RUNS children per side, the sides taking turns so
 * that a drift of the machine's speed reaches all of them alike. */
void first_attach_measure(const char *const *sides, int nr, const char *iface,
			  const char *objdir, struct first_attach *out);

#endif
