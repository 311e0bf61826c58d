// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Argument parsing helpers (see opts.h). */
#include <errno.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include "json.h"
#include "opts.h"

int opt_ifindex(struct cli_ctx *ctx, const char *ifname, int *ifindex)
{
	unsigned int idx;

	if (!ifname || !*ifname || strlen(ifname) >= IF_NAMESIZE) {
		cli_error(ctx, "invalid interface name '%s'", ifname ? ifname : "");
		return CLI_EXIT_USAGE;
	}
	idx = if_nametoindex(ifname);
	if (!idx) {
		cli_error(ctx, "interface '%s' not found", ifname);
		return CLI_EXIT_USAGE;
	}
	*ifindex = (int)idx;
	return 0;
}

int opt_priority(struct cli_ctx *ctx, const char *str, int *priority)
{
	int err = xdpchain_priority_parse(str, priority);

	if (err == -ERANGE) {
		cli_error(ctx, "priority '%s' is out of range (%d to %d)", str, -2147483647 - 1,
			  2147483647);
		return CLI_EXIT_USAGE;
	}
	if (err) {
		cli_error(ctx, "invalid priority '%s' (expected a decimal integer; lower "
			  "number runs first)", str);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int opt_verdicts(struct cli_ctx *ctx, const char *str, __u32 *mask)
{
	const char *bad;
	size_t bad_len;

	if (!xdpchain_verdicts_parse_err(str, mask, &bad, &bad_len))
		return 0;
	cli_error(ctx, "invalid verdict '%.*s' in --continue-on (expected aborted, drop, pass, "
		  "tx, redirect, all, none)", (int)bad_len, bad ? bad : "");
	return CLI_EXIT_USAGE;
}

int opt_mode(struct cli_ctx *ctx, const char *str, enum xdpchain_mode *mode)
{
	if (!xdpchain_mode_parse(str, mode))
		return 0;
	cli_error(ctx, "invalid mode '%s' (expected native, skb or hw)", str);
	return CLI_EXIT_USAGE;
}

int opt_backend(struct cli_ctx *ctx, const char *str, enum xdpchain_backend *backend)
{
	if (!xdpchain_backend_parse(str, backend))
		return 0;
	cli_error(ctx, "invalid backend '%s' (expected auto, freplace or tailcall)", str);
	return CLI_EXIT_USAGE;
}

int opt_u64(struct cli_ctx *ctx, const char *what, const char *str, __u64 *v)
{
	const char *p;
	char *end;

	for (p = str; *p; p++)
		if (!isdigit((unsigned char)*p))
			break;
	errno = 0;
	*v = strtoull(str, &end, 10);
	if (!*str || *p || errno) {
		cli_error(ctx, "invalid %s '%s' (expected an unsigned decimal integer)", what, str);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

void json_verdicts(struct json_writer *w, __u32 mask)
{
	json_start_array(w);
	for (int v = 0; v < 5; v++)
		if (mask & XDPCHAIN_VERDICT_BIT(v))
			json_string(w, xdpchain_verdict_name(v));
	json_end_array(w);
}
