// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* JSON Lines on stdout for dump and top (see jsonl.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "json.h"
#include "jsonl.h"

static struct json_writer line;
static bool closed;

void jsonl_begin(struct cli_ctx *ctx)
{
	/* A write to a closed pipe then fails (EPIPE) and the command
	 * cleans up, rather than being killed half way. */
	signal(SIGPIPE, SIG_IGN);
	ctx->streaming = ctx->json;
}

struct json_writer *jsonl_start(void)
{
	json_init(&line, stdout);
	return &line;
}

int jsonl_end(void)
{
	/* json.c ends a top-level value with its newline. */
	return out_flush();
}

int out_flush(void)
{
	int err;

	if (fflush(stdout) != EOF && !ferror(stdout))
		return 0;
	err = errno ? errno : EIO;
	if (err == EPIPE)
		closed = true;
	return -err;
}

/* poll() with no events asked reports only POLLERR and POLLHUP: on a
 * pipe's writing end, POLLERR once its reader closed it; never on a file
 * or a terminal. */
static bool poll_closed(int timeout_ms)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = 0 };

	if (poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLERR))
		closed = true;
	return closed;
}

bool out_closed(void)
{
	return closed || poll_closed(0);
}

bool out_wait(uint64_t ns, volatile sig_atomic_t *stop)
{
	struct timespec end, now;
	int64_t left;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)(ns / 1000000000ull);
	end.tv_nsec += (long)(ns % 1000000000ull);
	if (end.tv_nsec >= 1000000000l) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000l;
	}
	while (!*stop) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (int64_t)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0)
			return !closed;
		if (poll_closed(left > 1000 ? 1000 : (int)left))
			return false;
	}
	return false;
}
