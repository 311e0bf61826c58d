/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* Output helpers shared by the commands: verdict sets and timestamps, as
 * text and as JSON. Pure code. */
#ifndef XDPCHAIN_CLI_FORMAT_H
#define XDPCHAIN_CLI_FORMAT_H

#include <stddef.h>
#include <linux/types.h>

struct json_writer;

/* A JSON list of lowercase verdict names in ascending order, e.g.
 * ["drop","pass"]; [] for the empty set. */
void json_verdicts(struct json_writer *w, __u32 mask);
/* A verdict's name ("pass"), or the number of an unknown one, written to
 * buf; returns the name or buf. */
const char *fmt_verdict(int v, char *buf, size_t len);
/* "drop,pass", or "none" (truncated to fit len). */
void fmt_verdicts(__u32 mask, char *buf, size_t len);
/* Nanoseconds since the epoch as local time "2026-11-25 08:10:10"; "-"
 * for 0. len should be at least FMT_TIME_LEN. */
#define FMT_TIME_LEN 32
void fmt_time(__u64 ns, char *buf, size_t len);
/* Under the counters of a chain with observers (status, top): an
 * observer's verdict is not the chain's, but it is what its row counts. */
#define FMT_OBSERVER_NOTE                                                      \
	"(an observer counts the packets it saw, by its own verdict, which the " \
	"dispatcher ignores)"
/* Append to the string of *n characters in buf (size bytes, size > 3) and
 * advance *n; *n never passes size - 1, so buf + *n stays inside buf (a
 * plain n += snprintf() runs past it once a message is cut, and forming
 * that pointer is undefined behaviour). What does not fit is cut and the
 * string ends in "...". */
void fmt_append(char *buf, size_t size, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
