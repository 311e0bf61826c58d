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

/* Where a program joined, read back after attaching. */
struct placed {
	struct xdpchain_chain *chain;   /* NULL: cannot read it */
	const struct xdpchain_entry *e; /* NULL: not in it any more */
	unsigned int pos, n;            /* 1-based position, of n */
	__u32 id;
	int prio;
	__u32 cont;
	const char *name;
};

static void read_back(struct cli_ctx *ctx, const struct attach_args *a,
		      const struct xdpchain_prog *prog, struct placed *p)
{
	XDPCHAIN_OPTS(xdpchain_query_opts, qo, .bpffs_root = ctx->root);
	int err;

	p->chain = xdpchain_chain__get(a->ifindex, &qo);
	err = errno;
	p->id = xdpchain_prog__id(prog);
	p->name = xdpchain_prog__name(prog);
	p->prio = xdpchain_prog__priority(prog);
	p->cont = xdpchain_prog__continue_on(prog);
	if (!p->chain) {
		fprintf(stderr, "xdpchain: %s: attached, but cannot read the chain back: %s\n",
			a->ifname, strerror(err));
		return;
	}
	p->n = xdpchain_chain__nr_progs(p->chain);
	for (unsigned int i = 0; i < p->n && !p->e; i++) {
		const struct xdpchain_entry *x = xdpchain_chain__entry(p->chain, i);

		if (x && xdpchain_entry__id(x) == p->id) {
			p->e = x;
			p->pos = i + 1;
		}
	}
	if (!p->e) {
		fprintf(stderr, "xdpchain: %s: program %u is no longer in the chain\n", a->ifname,
			p->id);
		return;
	}
	/* What is in effect. */
	p->prio = xdpchain_entry__priority(p->e);
	p->cont = xdpchain_entry__continue_on(p->e);
}

static void result_json(struct json_writer *w, const struct attach_args *a,
			const struct placed *p, const struct pin_list *by_name)
{
	json_start_object(w);
	json_kv_string(w, "ifname", a->ifname);
	json_kv_int(w, "ifindex", a->ifindex);
	json_kv_uint(w, "id", p->id);
	json_kv_string(w, "name", p->name);
	json_kv_int(w, "priority", p->prio);
	json_key(w, "continue_on");
	json_verdicts(w, p->cont);
	if (p->e)
		json_kv_uint(w, "position", p->pos);
	else
		json_kv_null(w, "position");
	if (p->chain)
		json_kv_uint(w, "revision", xdpchain_chain__revision(p->chain));
	else
		json_kv_null(w, "revision");
	if (p->e)
		json_kv_string(w, "backend", xdpchain_backend_str(xdpchain_entry__backend(p->e)));
	else
		json_kv_null(w, "backend");
	json_kv_bool(w, "pending", p->e && xdpchain_entry__pending(p->e));
	json_key(w, "pinned_maps");
	json_start_array(w);
	for (int i = 0; i < a->npinned; i++)
		json_str(w, a->pinned[i]);
	for (unsigned int i = 0; i < by_name->n; i++)
		json_str(w, by_name->path[i]);
	json_end_array(w);
	json_end_object(w);
}

static void result_text(const struct attach_args *a, const struct placed *p,
			const struct pin_list *by_name)
{
	if (p->e)
		printf("attached %s (id %u) to %s at position %u of %u, revision %llu%s\n",
		       p->name, p->id, a->ifname, p->pos, p->n,
		       (unsigned long long)xdpchain_chain__revision(p->chain),
		       xdpchain_entry__pending(p->e) ? " (pending: does not run yet)" : "");
	else
		printf("attached %s (id %u) to %s\n", p->name, p->id, a->ifname);
	for (int i = 0; i < a->npinned; i++)
		printf("pinned map %s\n", a->pinned[i]);
	pins_print(by_name, "", "pinned map", PINS_MADE_NOTE);
}

void attach_print_result(struct cli_ctx *ctx, const struct attach_args *a,
			 const struct xdpchain_prog *prog)
{
	struct placed p = {};
	/* libbpf's pins of the maps declared LIBBPF_PIN_BY_NAME (made or
	 * reused): in --pin-maps DIR, else in the state root's map
	 * directory. Always said: they outlive the program. */
	struct pin_list by_name = {};

	pins_of_prog(&by_name, prog);
	read_back(ctx, a, prog, &p);
	if (ctx->json)
		result_json(ctx->jw, a, &p, &by_name);
	else
		result_text(a, &p, &by_name);
	pins_free(&by_name);
	xdpchain_chain__free(p.chain);
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
