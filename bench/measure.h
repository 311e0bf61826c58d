/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Measurement helpers of the benchmark: per-packet cost with
 * BPF_PROG_TEST_RUN, kernel memory and verifier cost of a program. */
#ifndef XDPCHAIN_BENCH_MEASURE_H
#define XDPCHAIN_BENCH_MEASURE_H

#include <linux/types.h>

#define MEASURE_MAX_RUNS 64

struct sample {
	double med, min, max;
};

/* One measurement of a program against the reference program. */
struct paired {
	struct sample ns;    /* per-packet time of the program, ns */
	struct sample ratio; /* per run: program / reference run right after it */
	double min_ratio;    /* min over runs of the program / min of the reference */
};

/*
 * Runs prog_fd on a 64-byte UDP packet `repeat` times per run, `runs`
 * runs, and after each run the reference program ref_fd the same way, so
 * that every ratio compares two runs taken a few milliseconds apart: slow
 * drifts (other load, frequency changes, an emulator's timing) cancel out
 * instead of landing in one side's median. Per-packet time is the wall
 * clock around a run divided by the repeat count (the kernel's own
 * "duration" is rounded to whole nanoseconds, 10% of a trivial program).
 * Returns 0 or -errno; the verdict must be XDP_PASS.
 */
int measure_paired(int prog_fd, int ref_fd, unsigned int repeat, unsigned int runs,
		   struct paired *out);
double now_ns(void);
void sample_of(double *v, unsigned int n, struct sample *out);
/* Pin the calling thread to one CPU (the last one): BPF_PROG_TEST_RUN runs
 * on the caller's CPU, so every run then sees the same caches. */
void pin_to_one_cpu(void);
/* memlock of a BPF object, from /proc/self/fdinfo (bytes), or -1. */
long fd_memlock(int fd);
/* Verified instructions of a loaded program (Linux >= 5.16), or 0. */
__u32 prog_verified_insns(int fd);

#endif
