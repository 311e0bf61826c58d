/* SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause) */
/* xdpchain status's view of one xdpchain chain (status_chain.c); the
 * command and the other kinds of XDP state are cmd_status.c's. */
#ifndef XDPCHAIN_CLI_STATUS_CHAIN_H
#define XDPCHAIN_CLI_STATUS_CHAIN_H

#include "json.h"

struct xdpchain_chain;

/* The chain's header line and one row per program. */
void status_chain_text(const char *ifname, int ifindex, const struct xdpchain_chain *c);
/* The chain as one object of status -j's array. */
void status_chain_json(struct json_writer *w, const char *ifname, int ifindex,
		       const struct xdpchain_chain *c);

#endif
