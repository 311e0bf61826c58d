// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain trace: one packet's way through the chain, as text or as a
 * JSON object (trace_show.h). */
#include <stdio.h>
#include <xdpchain/xdpchain.h>
#include "format.h"
#include "json.h"
#include "trace_show.h"

/* What a position's verdict meant for the chain. */
static const char *action(const struct xdpchain_entry *e, int v)
{
	if (v == XDPCHAIN_TRACE_EMPTY)
		return "skipped"; /* empty slot */
	if (v >= 0 && v < 32 && (xdpchain_entry__continue_on(e) >> v) & 1)
		return "continue";
	return "final";
}

void trace_show_text(const struct xdpchain_chain *c, unsigned int idx, size_t len,
		     uint32_t origlen, const struct xdpchain_trace_result *r)
{
	unsigned int n = xdpchain_chain__nr_progs(c), stop = 0;
	int w_name = 4;
	char vb[16];

	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		int l = e ? (int)strlen(xdpchain_entry__name(e)) : 0;

		w_name = l > w_name ? l : w_name;
	}
	printf("packet %u: %zu bytes", idx, len);
	if (origlen > len)
		printf(" (captured of %u)", origlen);
	putchar('\n');
	printf("  %-3s  %-10s  %-*s  %-8s  %s\n", "POS", "ID", w_name, "NAME", "VERDICT", "");
	for (unsigned int i = 0; i < n; i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);

		if (!e)
			break;
		if (i < r->nr_run) {
			const char *what = action(e, r->verdicts[i]);

			printf("  %-3u  %-10u  %-*s  %-8s  %s\n", i + 1, xdpchain_entry__id(e),
			       w_name, xdpchain_entry__name(e),
			       r->verdicts[i] == XDPCHAIN_TRACE_EMPTY ? "-"
				       : fmt_verdict(r->verdicts[i], vb, sizeof(vb)), what);
			if (!strcmp(what, "final"))
				stop = i + 1;
		} else {
			/* Observers decide nothing: a trace leaves them out. */
			printf("  %-3u  %-10u  %-*s  %-8s  %s\n", i + 1, xdpchain_entry__id(e),
			       w_name, xdpchain_entry__name(e), "-",
			       xdpchain_entry__observer(e) ? "observer (not traced)" : "not run");
		}
	}
	printf("  verdict: %s", fmt_verdict(r->verdict, vb, sizeof(vb)));
	if (stop)
		printf(" (from position %u, %s)\n", stop,
		       xdpchain_entry__name(xdpchain_chain__entry(c, stop - 1)));
	else
		printf(" (end of the chain)\n");
}

void trace_show_json(struct json_writer *w, const struct xdpchain_chain *c, unsigned int idx,
		     size_t len, uint32_t origlen, const struct xdpchain_trace_result *r)
{
	unsigned int stop = 0;
	char vb[16];

	json_start_object(w);
	json_kv_uint(w, "packet", idx);
	json_kv_uint(w, "length", len);
	json_kv_uint(w, "wire_length", origlen > len ? origlen : len);
	json_key(w, "programs");
	json_start_array(w);
	/* Every program of the chain, as the text lists them: those after
	 * the one that decided did not run ("action": "not_run"). */
	for (unsigned int i = 0; i < xdpchain_chain__nr_progs(c); i++) {
		const struct xdpchain_entry *e = xdpchain_chain__entry(c, i);
		const char *what;

		if (!e)
			break;
		json_start_object(w);
		json_kv_uint(w, "position", i + 1);
		json_kv_uint(w, "id", xdpchain_entry__id(e));
		json_kv_string(w, "name", xdpchain_entry__name(e));
		if (i >= r->nr_run) {
			json_kv_null(w, "verdict");
			json_kv_string(w, "action",
				       xdpchain_entry__observer(e) ? "observer" : "not_run");
			json_end_object(w);
			continue;
		}
		what = action(e, r->verdicts[i]);
		if (r->verdicts[i] == XDPCHAIN_TRACE_EMPTY)
			json_kv_null(w, "verdict");
		else
			json_kv_string(w, "verdict", fmt_verdict(r->verdicts[i], vb, sizeof(vb)));
		json_kv_string(w, "action", what);
		json_end_object(w);
		if (!strcmp(what, "final"))
			stop = i + 1;
	}
	json_end_array(w);
	json_kv_string(w, "verdict", fmt_verdict(r->verdict, vb, sizeof(vb)));
	if (stop)
		json_kv_uint(w, "stopped_at", stop);
	else
		json_kv_null(w, "stopped_at");
	json_end_object(w);
}
