/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* xdpchain trace's output (trace_show.c): packet idx (1-based) of len
 * bytes (origlen: its length on the wire, 0 if the same) through chain c,
 * with the verdicts of r. */
#ifndef XDPCHAIN_CLI_TRACE_SHOW_H
#define XDPCHAIN_CLI_TRACE_SHOW_H

#include <stddef.h>
#include <stdint.h>
#include "json.h"

struct xdpchain_chain;
struct xdpchain_trace_result;

void trace_show_text(const struct xdpchain_chain *c, unsigned int idx, size_t len,
		     uint32_t origlen, const struct xdpchain_trace_result *r);
/* One object of the "packets" array. */
void trace_show_json(struct json_writer *w, const struct xdpchain_chain *c, unsigned int idx,
		     size_t len, uint32_t origlen, const struct xdpchain_trace_result *r);

#endif
