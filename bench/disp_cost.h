/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Verifier cost of xdpchain's dispatcher alone: load time and verified
 * instructions at a given number of active slots of one kind. */
#ifndef XDPCHAIN_BENCH_DISP_COST_H
#define XDPCHAIN_BENCH_DISP_COST_H

#include <stdbool.h>
#include <linux/types.h>

struct disp_cost {
	double load_ns;  /* median of the loads (open excluded) */
	__u32 verified;  /* bpf_prog_info.verified_insns */
	__u32 xlated;    /* bytes of xlated code */
};

/*
 * Loads the dispatcher object the library would use for nr slots (path is
 * the 64-slot build; a smaller build next to it is taken when one holds
 * nr) `loads` times with nr active slots
 * of the tail-call (tail) or freplace kind, each with the default
 * continue-on set, attached nowhere. Returns 0 or -errno.
 */
int disp_cost_measure(const char *path, unsigned int nr, bool tail, unsigned int loads,
		      struct disp_cost *out);

#endif
