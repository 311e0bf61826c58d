// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* What xdpchain attach says: why an attach failed, and where the program
 * joined (attach.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "api/internal.h" /* xc_chain_find_name(), xc_prog_pin_why() */
#include "attach.h"
#include "format.h"
#include "json.h"
#include "pins.h"
#include "progref.h"

/* EEXIST: the program is in the chain already, or something else runs on
 * the interface; chain: its chain (NULL: none). */
static void exists_hint(const struct attach_args *a, const struct xdpchain_chain *chain,
			char *hint, size_t len)
{
	if (chain)
		snprintf(hint, len, " (it is in the chain already: see 'xdpchain status %s')",
			 a->ifname);
	else if (a->ao.replace_foreign)
		snprintf(hint, len, " (the program there is held by a BPF link, which only its "
			 "owner can detach)");
	else
		snprintf(hint, len, " (another XDP program runs there: see 'xdpchain status %s'; "
			 "--replace-foreign replaces it)", a->ifname);
}

/* An anchor by name that the library could not resolve (-ENOENT none,
 * -EEXIST several): said as for any NAME|ID argument. Reads the chain only
 * to tell an ambiguous name from the other causes of EEXIST. */
static bool anchor_error(struct cli_ctx *ctx, const struct attach_args *a,
			 const struct xdpchain_chain *chain, int err)
{
	const char *name = a->ao.before_name ? a->ao.before_name : a->ao.after_name;
	const char *opt = a->anchor_after ? "--after" : "--before";
	__u32 id;

	if (!name || (err != ENOENT && err != EEXIST))
		return false;
	if (err == EEXIST && (!chain || xc_chain_find_name(chain, name, &id) != -EEXIST))
		return false;
	progref_error(ctx, a->ifname, opt, name, -err);
	return true;
}

void attach_error(struct cli_ctx *ctx, const struct attach_args *a,
		  const struct xdpchain_prog *prog, int err)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *chain = err == EEXIST ? xdpchain_chain__get(a->ifindex, &qo) : NULL;
	const char *name = xdpchain_prog__name(prog);
	char hint[CLI_ERROR_MAX / 2], why[CLI_ERROR_MAX / 2 - 4];

	if (anchor_error(ctx, a, chain, err)) {
		xdpchain_chain__free(chain);
		return;
	}
	switch (err) {
	case EEXIST:
		exists_hint(a, chain, hint, sizeof(hint));
		break;
	case E2BIG:
		snprintf(hint, sizeof(hint), " (the chain is full)");
		break;
	case EOPNOTSUPP:
		/* Also the state root's (not on bpffs), which the library
		 * names: the mode and backend are only the likely cause. */
		snprintf(hint, sizeof(hint), "%s", cli_lib_warned()
			 ? " (the library's message above says why)"
			 : " (the mode or backend is not possible here)");
		break;
	case ESTALE:
		snprintf(hint, sizeof(hint), " (the chain's revision is not %llu)",
			 (unsigned long long)a->ao.expected_revision);
		break;
	case ESRCH:
		snprintf(hint, sizeof(hint), " (the owner process %d does not run)",
			 (int)a->ao.owner_pid);
		break;
	case ENOENT:
		if (a->anchor) {
			snprintf(hint, sizeof(hint), " (no program %s in the chain to place it %s)",
				 a->anchor, a->anchor_after ? "after" : "before");
			break;
		}
		snprintf(hint, sizeof(hint), "%s", cli_errno_hint(ctx, err));
		break;
	default:
		/* Not loaded (its maps come first): a map pinned by name? The
		 * library's words, as its warning above said them. */
		if (xc_prog_pin_why(prog, why, sizeof(why)))
			snprintf(hint, sizeof(hint), " (%s)", why);
		else
			snprintf(hint, sizeof(hint), "%s", cli_errno_hint(ctx, err));
	}
	cli_error(ctx, "%s: cannot attach %s: %s%s", a->ifname, name ? name : a->file,
		  strerror(err), hint);
	xdpchain_chain__free(chain);
}

void attach_print_result(struct cli_ctx *ctx, const struct attach_args *a,
			 const struct xdpchain_prog *prog)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	struct xdpchain_chain *chain = xdpchain_chain__get(a->ifindex, &qo);
	int err = errno;
	const struct xdpchain_entry *e = NULL;
	__u32 id = xdpchain_prog__id(prog);
	unsigned int pos = 0, n = 0;
	int prio = xdpchain_prog__priority(prog);
	__u32 cont = xdpchain_prog__continue_on(prog);
	const char *name = xdpchain_prog__name(prog);
	/* libbpf's pins of the maps declared LIBBPF_PIN_BY_NAME (made or
	 * reused): in --pin-maps DIR, else in the state root's map
	 * directory. Always said: they outlive the program. */
	struct pin_list by_name = {};

	pins_of_prog(&by_name, prog);

	if (chain) {
		n = xdpchain_chain__nr_progs(chain);
		for (unsigned int i = 0; i < n && !e; i++) {
			const struct xdpchain_entry *x = xdpchain_chain__entry(chain, i);

			if (x && xdpchain_entry__id(x) == id) {
				e = x;
				pos = i + 1;
			}
		}
		if (!e)
			fprintf(stderr, "xdpchain: %s: program %u is no longer in the chain\n",
				a->ifname, id);
	} else {
		fprintf(stderr, "xdpchain: %s: attached, but cannot read the chain back: %s\n",
			a->ifname, strerror(err));
	}
	if (e) {
		/* What is in effect. */
		prio = xdpchain_entry__priority(e);
		cont = xdpchain_entry__continue_on(e);
	}
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", a->ifname);
		json_kv_int(ctx->jw, "ifindex", a->ifindex);
		json_kv_uint(ctx->jw, "id", id);
		json_kv_string(ctx->jw, "name", name);
		json_kv_int(ctx->jw, "priority", prio);
		json_key(ctx->jw, "continue_on");
		json_verdicts(ctx->jw, cont);
		if (e)
			json_kv_uint(ctx->jw, "position", pos);
		else
			json_kv_null(ctx->jw, "position");
		if (chain)
			json_kv_uint(ctx->jw, "revision", xdpchain_chain__revision(chain));
		else
			json_kv_null(ctx->jw, "revision");
		if (e)
			json_kv_string(ctx->jw, "backend",
				       xdpchain_backend_str(xdpchain_entry__backend(e)));
		else
			json_kv_null(ctx->jw, "backend");
		json_kv_bool(ctx->jw, "pending", e && xdpchain_entry__pending(e));
		json_key(ctx->jw, "pinned_maps");
		json_start_array(ctx->jw);
		for (int i = 0; i < a->npinned; i++)
			json_str(ctx->jw, a->pinned[i]);
		for (unsigned int i = 0; i < by_name.n; i++)
			json_str(ctx->jw, by_name.path[i]);
		json_end_array(ctx->jw);
		json_end_object(ctx->jw);
	} else if (e) {
		printf("attached %s (id %u) to %s at position %u of %u, revision %llu%s\n", name,
		       id, a->ifname, pos, n, (unsigned long long)xdpchain_chain__revision(chain),
		       xdpchain_entry__pending(e) ? " (pending: does not run yet)" : "");
	} else {
		printf("attached %s (id %u) to %s\n", name, id, a->ifname);
	}
	if (!ctx->json) {
		for (int i = 0; i < a->npinned; i++)
			printf("pinned map %s\n", a->pinned[i]);
		pins_print(&by_name, "", "pinned map", PINS_MADE_NOTE);
	}
	pins_free(&by_name);
	xdpchain_chain__free(chain);
}

void attach_report_more(struct cli_ctx *ctx, const char *fmt, ...)
{
	char msg[CLI_ERROR_MAX];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!ctx->json || !ctx->has_error) {
		cli_error(ctx, "%s", msg);
		return;
	}
	len = strlen(ctx->error);
	snprintf(ctx->error + len, sizeof(ctx->error) - len, "; %s", msg);
}
