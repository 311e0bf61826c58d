// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* Argument parsing helpers (see opts.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <net/if.h>
#include "api/internal.h" /* the parsers the API does not export */
#include "opts.h"

bool opt_all_digits(const char *str)
{
	if (!str || !*str)
		return false;
	for (; *str; str++)
		if (!isdigit((unsigned char)*str))
			return false;
	return true;
}

int opt_ifindex(struct cli_ctx *ctx, const char *ifname, int *ifindex)
{
	unsigned int idx;

	if (!ifname || !*ifname) {
		cli_error(ctx, "empty interface name");
		return CLI_EXIT_USAGE;
	}
	if (strlen(ifname) >= IF_NAMESIZE) {
		cli_error(ctx, "interface '%s' not found (names have at most %d characters)",
			  ifname, IF_NAMESIZE - 1);
		return CLI_EXIT_USAGE;
	}
	errno = 0;
	idx = if_nametoindex(ifname);
	if (!idx && (errno == ENODEV || errno == 0)) {
		cli_error(ctx, "interface '%s' not found", ifname);
		return CLI_EXIT_USAGE;
	}
	if (!idx) {
		cli_error(ctx, "interface '%s': cannot look it up: %s", ifname, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	if (idx > INT_MAX) {
		cli_error(ctx, "interface '%s': ifindex %u is out of range", ifname, idx);
		return CLI_EXIT_FAIL;
	}
	*ifindex = (int)idx;
	return 0;
}

int opt_priority(struct cli_ctx *ctx, const char *str, int *priority)
{
	int err = xc_priority_parse(str, priority);

	if (!err)
		return 0;
	if (err == -ERANGE)
		cli_error(ctx, "priority '%s' is out of range (%d to %d; lower number runs first)",
			  str, INT_MIN, INT_MAX);
	else
		cli_error(ctx, "invalid priority '%s' (expected a decimal integer; lower number "
			  "runs first)", str ? str : "");
	return CLI_EXIT_USAGE;
}

int opt_verdicts(struct cli_ctx *ctx, const char *str, __u32 *mask)
{
	const char *bad = NULL;
	size_t bad_len = 0;

	if (!xc_verdicts_parse(str, mask, &bad, &bad_len))
		return 0;
	if (bad_len > INT_MAX)
		bad_len = INT_MAX;
	/* "all" and "none" are whole sets: valid alone, not in a list. */
	if (bad && ((bad_len == 3 && !strncasecmp(bad, "all", 3)) ||
		    (bad_len == 4 && !strncasecmp(bad, "none", 4))))
		cli_error(ctx, "'%.*s' in --continue-on stands alone, not in a list (expected a "
			  "comma-separated list of aborted, drop, pass, tx, redirect; or all or none "
			  "alone)", (int)bad_len, bad);
	else
		cli_error(ctx, "invalid verdict '%.*s' in --continue-on (expected a comma-separated "
			  "list of aborted, drop, pass, tx, redirect; or all or none alone)",
			  bad ? (int)bad_len : 0, bad ? bad : "");
	return CLI_EXIT_USAGE;
}

int opt_mode(struct cli_ctx *ctx, const char *str, enum xdpchain_mode *mode)
{
	if (!xdpchain_mode_parse(str, mode))
		return 0;
	cli_error(ctx, "invalid mode '%s' (expected native, drv, skb, generic or hw)",
		  str ? str : "");
	return CLI_EXIT_USAGE;
}

int opt_backend(struct cli_ctx *ctx, const char *str, enum xdpchain_backend *backend)
{
	if (!xdpchain_backend_parse(str, backend))
		return 0;
	cli_error(ctx, "invalid backend '%s' (expected auto, freplace or tailcall)",
		  str ? str : "");
	return CLI_EXIT_USAGE;
}

int opt_u64(struct cli_ctx *ctx, const char *what, const char *str, __u64 *v)
{
	unsigned long long x;
	char *end;

	if (opt_all_digits(str)) {
		errno = 0;
		x = strtoull(str, &end, 10);
		if (!errno && !*end) {
			*v = x;
			return 0;
		}
		cli_error(ctx, "%s '%s' is out of range (at most %llu)", what, str,
			  (unsigned long long)UINT64_MAX);
		return CLI_EXIT_USAGE;
	}
	cli_error(ctx, "invalid %s '%s' (expected an unsigned decimal integer)", what,
		  str ? str : "");
	return CLI_EXIT_USAGE;
}

int opt_prog_id(struct cli_ctx *ctx, const char *str, __u32 *id)
{
	__u64 v;
	int ret = opt_u64(ctx, "program id", str, &v);

	if (ret)
		return ret;
	if (!v || v > UINT32_MAX) {
		cli_error(ctx, "program id '%s' is out of range (1 to %u)", str, UINT32_MAX);
		return CLI_EXIT_USAGE;
	}
	*id = (__u32)v;
	return 0;
}

/* The long option whose name starts with the len bytes of name (getopt
 * accepts unambiguous prefixes) and whose val is val. */
static const struct option *find_long(const struct option *longopts, const char *name,
				      size_t len, int val)
{
	for (; longopts && longopts->name; longopts++)
		if (longopts->val == val && !strncmp(longopts->name, name, len))
			return longopts;
	return NULL;
}

/* A global option (xdpchain -j CMD), given after the command. */
static bool is_global_long(const char *name, size_t len)
{
	static const char *const globals[] = { "json", "root", "verbose" };

	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++)
		if (strlen(globals[i]) == len && !strncmp(name, globals[i], len))
			return true;
	return false;
}

int opt_bad_option(struct cli_ctx *ctx, int c, char **argv, const struct option *longopts)
{
	/* "see 'xdpchain help attach'", or "see 'xdpchain help'" before a
	 * command. */
	const char *sp = ctx->cmd ? " " : "", *cmd = ctx->cmd ? ctx->cmd : "";
	const char *arg = optind > 0 ? argv[optind - 1] : NULL;
	bool is_long = arg && !strncmp(arg, "--", 2) && arg[2];
	int len = is_long ? (int)strcspn(arg + 2, "=") : 0;
	bool short_ok = optopt > 0 && optopt < 256 && isprint(optopt);

	/* A long option is at fault if getopt named none (optopt 0: unknown
	 * or ambiguous) or if it is the one arg spells. */
	if (is_long && optopt && !find_long(longopts, arg + 2, (size_t)len, optopt))
		is_long = false;
	if (is_long && c == ':')
		cli_error(ctx, "option '--%.*s' requires an argument (see 'xdpchain help%s%s')",
			  len, arg + 2, sp, cmd);
	else if (is_long && optopt)
		cli_error(ctx, "option '--%.*s' does not take an argument (see 'xdpchain help%s%s')",
			  len, arg + 2, sp, cmd);
	else if (is_long && ctx->cmd && is_global_long(arg + 2, (size_t)len))
		cli_error(ctx, "unknown option '--%.*s' (global options go before the command: "
			  "'xdpchain --%.*s %s ...')", len, arg + 2, len, arg + 2, cmd);
	else if (is_long)
		cli_error(ctx, "unknown or ambiguous option '--%.*s' (see 'xdpchain help%s%s')",
			  len, arg + 2, sp, cmd);
	else if (short_ok && c == ':')
		cli_error(ctx, "option '-%c' requires an argument (see 'xdpchain help%s%s')",
			  optopt, sp, cmd);
	else if (short_ok && ctx->cmd && strchr("jrv", optopt))
		cli_error(ctx, "unknown option '-%c' (global options go before the command: "
			  "'xdpchain -%c %s ...')", optopt, optopt, cmd);
	else if (short_ok)
		cli_error(ctx, "unknown option '-%c' (see 'xdpchain help%s%s')", optopt, sp, cmd);
	else
		cli_error(ctx, "invalid option '%s' (see 'xdpchain help%s%s')", arg ? arg : "?",
			  sp, cmd);
	return CLI_EXIT_USAGE;
}
