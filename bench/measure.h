/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Measurement helpers of the benchmark: per-packet cost with
 * BPF_PROG_TEST_RUN, kernel memory and verifier cost of a program. */
#ifndef XDPCHAIN_BENCH_MEASURE_H
#define XDPCHAIN_BENCH_MEASURE_H

#include <linux/types.h>

struct sample {
	double med, min, max; /* nanoseconds */
};

/* Runs prog_fd on a 64-byte UDP packet `repeat` times per run, `runs`
 * runs; per-packet time from the wall clock around each run. Returns 0 or
 * -errno; the verdict of the program must be XDP_PASS. */
int measure_prog(int prog_fd, unsigned int repeat, unsigned int runs, struct sample *out);
double now_ns(void);
void sample_of(double *v, unsigned int n, struct sample *out);
/* memlock of a BPF object, from /proc/self/fdinfo (bytes), or -1. */
long fd_memlock(int fd);
/* Verified instructions of a loaded program (Linux >= 5.16), or 0. */
__u32 prog_verified_insns(int fd);

#endif
