/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* The arithmetic of xdpchain top: counter rates and its --delay value.
 * Pure code, unit-tested. */
#ifndef XDPCHAIN_CLI_RATE_H
#define XDPCHAIN_CLI_RATE_H

#include <stdint.h>

/* The longest --delay, one day, in seconds. */
#define RATE_MAX_DELAY_S 86400

/* Events per second between two readings dt_ns apart of a counter that
 * only grows. A counter that went back started again from zero (the
 * counters were switched off and on): its whole value is the increase.
 * 0 when dt_ns is 0. */
double rate_per_sec(uint64_t prev, uint64_t cur, uint64_t dt_ns);

/* "1", "0.5", ".25": decimal seconds, more than 0 and at most
 * RATE_MAX_DELAY_S, into nanoseconds (at least 1). -EINVAL for anything
 * else (signs, exponents, hex, inf, nan, junk), -ERANGE out of range. */
int parse_seconds(const char *str, uint64_t *ns);

#endif
