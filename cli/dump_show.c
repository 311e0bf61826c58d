// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/*
 * What xdpchain dump shows of each packet: a pcapng record (-w), a text
 * line, or with -j a JSON line written and flushed at once (jsonl.h), so
 * that the dump's memory stays the same whatever it runs for and a reader
 * sees each packet as it comes.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <xdpchain/xdpchain.h>
#include "api/internal.h" /* xc_verdict_name() */
#include "dump.h"
#include "format.h"
#include "json.h"
#include "jsonl.h"
#include "pcapng.h"
#include "pktsum.h"

static int show_text(const struct xdpchain_dump_hdr *h, const unsigned char *pkt, __u64 real_ns,
		     const char *name)
{
	time_t t = (time_t)(real_ns / 1000000000ull);
	char when[16] = "?", vb[16], sum[160];
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	pkt_summary(pkt, h->cap_len, sum, sizeof(sum));
	if (h->prog_id)
		printf("%s.%06u %s by %s (id %u, slot %u) %u bytes: %s\n", when,
		       (unsigned int)(real_ns % 1000000000ull / 1000), fmt_verdict(h->verdict, vb, sizeof(vb)),
		       name, h->prog_id, h->slot, h->pkt_len, sum);
	else
		printf("%s.%06u %s (no program ran) %u bytes: %s\n", when,
		       (unsigned int)(real_ns % 1000000000ull / 1000),
		       fmt_verdict(h->verdict, vb, sizeof(vb)), h->pkt_len, sum);
	return out_flush();
}

static int show_json(struct dump *d, const struct xdpchain_dump_hdr *h,
		     const unsigned char *pkt, __u64 real_ns, const char *name)
{
	struct json_writer *w = jsonl_start();
	const char *vname = xc_verdict_name(h->verdict);
	char sum[160];

	json_start_object(w);
	json_kv_string(w, "type", "packet");
	json_kv_uint(w, "time_ns", real_ns);
	if (vname)
		json_kv_string(w, "verdict", vname);
	else
		json_kv_int(w, "verdict", h->verdict);
	if (h->prog_id) {
		json_kv_uint(w, "id", h->prog_id);
		json_kv_string(w, "program", name);
		json_kv_uint(w, "slot", h->slot);
	} else {
		json_kv_null(w, "id");
		json_kv_null(w, "program");
		json_kv_null(w, "slot");
	}
	json_kv_uint(w, "len", h->pkt_len);
	json_kv_uint(w, "caplen", h->cap_len);
	pkt_summary(pkt, h->cap_len, sum, sizeof(sum));
	json_kv_string(w, "summary", sum);
	/* The bytes, unless they go to the -w file. */
	if (!d->pcap) {
		char *hex = malloc((size_t)h->cap_len * 2 + 1);

		if (hex) {
			for (__u32 i = 0; i < h->cap_len; i++)
				snprintf(hex + 2 * i, 3, "%02x", pkt[i]);
			hex[2 * h->cap_len] = 0;
			json_kv_string(w, "data", hex);
			free(hex);
		}
	}
	json_end_object(w);
	return jsonl_end();
}

static int show_pcap(struct dump *d, const struct xdpchain_dump_hdr *h, const unsigned char *pkt,
		     __u64 real_ns, const char *name)
{
	char comment[160], vb[16];

	/* The verdict and the decider, in the packet's comment. */
	if (h->prog_id)
		snprintf(comment, sizeof(comment), "xdpchain: verdict=%s program=%s id=%u slot=%u",
			 fmt_verdict(h->verdict, vb, sizeof(vb)), name, h->prog_id, h->slot);
	else
		snprintf(comment, sizeof(comment), "xdpchain: verdict=%s program=- id=0",
			 fmt_verdict(h->verdict, vb, sizeof(vb)));
	int err = pcapng_packet(d->pcap, real_ns, pkt, h->cap_len, h->pkt_len, comment);

	if (err)
		return err;
	if (d->pcap == stdout)
		return out_flush();
	return fflush(d->pcap) ? -errno : 0;
}

void dump_show(struct dump *d, const struct xdpchain_dump_hdr *h, const unsigned char *pkt,
	       __u64 real_ns, const char *name)
{
	int err = 0;

	if (d->err)
		return;
	if (d->pcap)
		err = show_pcap(d, h, pkt, real_ns, name);
	if (!err && d->ctx->json)
		err = show_json(d, h, pkt, real_ns, name);
	else if (!err && !d->pcap)
		err = show_text(h, pkt, real_ns, name);
	d->err = err;
}

void dump_show_end(struct dump *d)
{
	struct json_writer *w;

	if (!d->ctx->json) {
		fprintf(stderr, "%" PRIu64 " packets captured, %" PRIu64 " lost\n",
			(uint64_t)d->captured, (uint64_t)d->lost);
		return;
	}
	if (out_closed())
		return;
	w = jsonl_start();
	json_start_object(w);
	json_kv_string(w, "type", "end");
	json_kv_string(w, "ifname", d->ifname);
	json_kv_uint(w, "captured", d->captured);
	json_kv_uint(w, "lost", d->lost);
	json_end_object(w);
	jsonl_end();
}
