// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The first attach on an interface, one fresh process per sample (see
 * first_attach.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <xdpchain/xdpchain.h>
#include "first_attach.h"
#include "measure.h"
#include "sides.h"

int first_attach_child(const char *name, int ifindex, const char *obj)
{
	bool libxdp = !strcmp(name, "libxdp");
	double t0, probe = 0, t1;
	struct side s;
	int err;

	/* xdpchain's freplace probe is part of a first attach: every new
	 * process pays it. The bench's own setup is not (a query of the
	 * empty interface; for libxdp also xdpchain's probe). */
	if (!libxdp) {
		t0 = now_ns();
		xdpchain_probe_backend();
		probe = now_ns() - t0;
	}
	if (libxdp)
		err = side_libxdp_init(&s, ifindex);
	else
		err = side_xdpchain_init(&s, ifindex, !strcmp(name, "xdpchain-tailcall"));
	t1 = now_ns();
	if (!err)
		err = s.add(&s, obj, 1);
	if (err) {
		fprintf(stderr, "bench: %s: first attach: %s\n", name, strerror(-err));
		return 1;
	}
	t1 = now_ns() - t1;
	printf("%.0f\n", probe + t1);
	if (getenv("BENCH_FIRST_SPLIT"))
		fprintf(stderr, "%s: setup %.2f ms, attach %.2f ms\n", name, probe / 1e6, t1 / 1e6);
	s.clear(&s);
	return 0;
}

/* One sample: exec ourselves in first-attach mode and read its figure. */
static double sample(const char *side, const char *iface, const char *objdir)
{
	int pipefd[2], status;
	char buf[64] = "";
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		close(pipefd[1]);
		execl("/proc/self/exe", "xdpchain-bench", "--first-attach", side, "--iface", iface,
		      "--objdir", objdir, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	n = read(pipefd[0], buf, sizeof(buf) - 1);
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) || n <= 0)
		return -1;
	return strtod(buf, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void first_attach_measure(const char *const *sides, int nr, const char *iface,
			  const char *objdir, struct first_attach *out)
{
	double v[8][FIRST_ATTACH_RUNS];

	for (int j = 0; j < nr && j < 8; j++)
		out[j] = (struct first_attach){ .med = -1 };
	for (int r = 0; r < FIRST_ATTACH_RUNS; r++) {
		for (int j = 0; j < nr && j < 8; j++) {
			double t = sample(sides[j], iface, objdir);

			if (t >= 0)
				v[j][out[j].n++] = t;
		}
	}
	for (int j = 0; j < nr && j < 8; j++) {
		int n = out[j].n;

		if (n < FIRST_ATTACH_RUNS) { /* a failed sample: no figure */
			out[j].med = -1;
			continue;
		}
		qsort(v[j], (size_t)n, sizeof(double), cmp_double);
		out[j].med = v[j][n / 2];
		out[j].min = v[j][0];
		out[j].max = v[j][n - 1];
	}
}
