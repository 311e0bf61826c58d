/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/*
 * JSON Lines output of the long-running commands (dump, top): with -j each
 * event is one JSON document on a line of its own, written and flushed as
 * it happens, instead of one document buffered until exit (which grew
 * without bound and printed nothing until the end). Once a command starts
 * a stream, main() prints a later error as one more line
 * ({"error": "..."}), not in place of the output.
 *
 * A reader that goes away (xdpchain -j dump eth0 | head -3) is the normal
 * end of a stream: SIGPIPE is ignored while streaming, so the write fails
 * with EPIPE instead of killing the process (the dump's observer must
 * leave the chain), and out_closed() tells the command to stop; main()
 * prints nothing more then and the exit status is 0.
 */
#ifndef XDPCHAIN_CLI_JSONL_H
#define XDPCHAIN_CLI_JSONL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct cli_ctx;
struct json_writer;

/* From here on the command writes lines to stdout as they come (with -j,
 * JSON Lines), and a reader going away ends it (text too). */
void jsonl_begin(struct cli_ctx *ctx);
/* A writer for one line's document (valid until jsonl_end()). */
struct json_writer *jsonl_start(void);
/* End the line's document and flush it: 0, or -errno (-EPIPE: the reader
 * went away). */
int jsonl_end(void);

/* Flush a line of any output (text mode too): 0 or -errno, as above. */
int out_flush(void);
/* The reader of stdout went away (a write failed with EPIPE, or stdout is
 * a pipe whose reading end is closed: seen without writing, so a quiet
 * stream ends too). */
bool out_closed(void);
/* Sleep ns, cut short once *stop is set (by a signal handler) or by
 * out_closed(); false if cut short. */
bool out_wait(uint64_t ns, volatile sig_atomic_t *stop);

#endif
