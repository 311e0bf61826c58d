// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain trace IFACE (--packet HEX | --pcap FILE): run packets through
 * the live chain's programs (BPF_PROG_TEST_RUN, in a copy of the
 * dispatcher; see xdpchain_trace__open()) and show what each one did. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <xdpchain/xdpchain.h>
#include "cli.h"
#include "format.h"
#include "hex.h"
#include "json.h"
#include "opts.h"
#include "capture.h"
#include "trace_show.h"

enum { OPT_PACKET = 256, OPT_PCAP };

#define TRACE_USAGE "usage: xdpchain trace IFACE (--packet HEX | --pcap FILE)"
/* A command-line packet; XDP test runs take about a page anyway. */
#define HEX_MAX 65536
/* Enough for a few thousand packets: trace is for looking at them. */
#define PCAP_MAX_FILE (256u << 20)

/* One packet through the trace. */
static int run_one(struct cli_ctx *ctx, struct xdpchain_trace *t, const char *ifname,
		   unsigned int idx, const void *data, size_t len, uint32_t origlen)
{
	int verdicts[XDPCHAIN_MAX_PROGS];
	struct xdpchain_trace_result r = { .sz = sizeof(r), .verdicts = verdicts,
					   .max_verdicts = XDPCHAIN_MAX_PROGS };
	const struct xdpchain_chain *c = xdpchain_trace__chain(t);
	int err;

	if (len < 14) {
		cli_error(ctx, "%s: packet %u: %zu bytes is shorter than an Ethernet header (14)",
			  ifname, idx, len);
		return CLI_EXIT_FAIL;
	}
	err = xdpchain_trace__run(t, data, len, &r);
	if (err) {
		err = -err;
		cli_error(ctx, "%s: packet %u (%zu bytes): cannot run it: %s%s", ifname, idx, len,
			  strerror(err), err == EINVAL ? " (too large? an XDP test run takes at "
			  "most about a page unless the chain is frags-aware)" : cli_errno_hint(ctx, err));
		return CLI_EXIT_FAIL;
	}
	if (ctx->json)
		trace_show_json(ctx->jw, c, idx, len, origlen, &r);
	else
		trace_show_text(c, idx, len, origlen, &r);
	return 0;
}

/* A regular file for reading, opened without blocking (a FIFO would
 * block open() until a writer came): NULL, reported, if it is not one. */
static FILE *open_regular(struct cli_ctx *ctx, const char *path)
{
	struct stat st;
	FILE *f;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		cli_error(ctx, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		cli_error(ctx, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	f = fdopen(fd, "rb");
	if (!f) {
		cli_error(ctx, "%s: cannot open: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

/* The whole file (or stdin for "-") into memory. A file that cannot be
 * read exits 1, as an object file that cannot be read does. */
static int read_file(struct cli_ctx *ctx, const char *path, uint8_t **buf, size_t *len)
{
	FILE *f = strcmp(path, "-") ? open_regular(ctx, path) : stdin;
	size_t cap = 0, n;
	uint8_t *p = NULL, *q;

	*buf = NULL;
	*len = 0;
	if (!f)
		return CLI_EXIT_FAIL;
	for (;;) {
		if (*len == cap) {
			if (cap >= PCAP_MAX_FILE) {
				cli_error(ctx, "%s: larger than %u MiB: trace is for a few packets",
					  path, PCAP_MAX_FILE >> 20);
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			q = realloc(p, cap);
			if (!q) {
				cli_error(ctx, "%s: out of memory", path);
				goto fail;
			}
			p = q;
		}
		n = fread(p + *len, 1, cap - *len, f);
		*len += n;
		if (n)
			continue;
		if (ferror(f)) {
			cli_error(ctx, "%s: cannot read: %s", path, strerror(errno));
			goto fail;
		}
		break;
	}
	if (f != stdin)
		fclose(f);
	*buf = p;
	return 0;
fail:
	if (f != stdin)
		fclose(f);
	free(p);
	*len = 0;
	return CLI_EXIT_FAIL;
}

static int trace_pcap(struct cli_ctx *ctx, struct xdpchain_trace *t, const char *ifname,
		      const char *path)
{
	struct capture_packet p;
	struct capture cap;
	uint8_t *buf;
	size_t len;
	int ret, got;
	FILE *f;

	ret = read_file(ctx, path, &buf, &len);
	if (ret)
		return ret;
	/* From memory: read_file() refused what is not a regular file and
	 * bounded the size, with the CLI's messages. */
	f = len ? fmemopen(buf, len, "rb") : NULL;
	if (!f) {
		cli_error(ctx, "%s: %s", path, len ? strerror(errno) : "empty file");
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	if (capture_open(&cap, f)) {
		cli_error(ctx, "%s: %s", path, cap.err);
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	if (cap.linktype != DLT_EN10MB) {
		cli_error(ctx, "%s: link type %d (%s) is not Ethernet (1): XDP sees Ethernet frames",
			  path, cap.linktype, pcap_datalink_val_to_name(cap.linktype) ?: "?");
		ret = CLI_EXIT_FAIL;
		goto close;
	}
	while ((got = capture_next(&cap, &p)) == 1) {
		ret = run_one(ctx, t, ifname, cap.index, p.data, p.caplen, p.origlen);
		if (ret)
			goto close;
	}
	if (got < 0) {
		cli_error(ctx, "%s: after %u packet%s: %s", path, cap.index,
			  cap.index == 1 ? "" : "s", cap.err);
		ret = CLI_EXIT_FAIL;
	} else if (!cap.index) {
		cli_error(ctx, "%s: no packets in the file", path);
		ret = CLI_EXIT_FAIL;
	}
close:
	capture_close(&cap);
out:
	free(buf);
	return ret;
}

/* --packet HEX into pkt. */
static int parse_packet(struct cli_ctx *ctx, const char *hex, uint8_t *pkt, size_t *len)
{
	size_t bad;
	int err = hex_parse(hex, pkt, HEX_MAX, len, &bad);

	if (err == -E2BIG) {
		cli_error(ctx, "--packet: more than %d bytes", HEX_MAX);
		return CLI_EXIT_USAGE;
	}
	if (!err)
		return 0;
	if (!hex[bad])
		cli_error(ctx, "--packet: %s", *len || bad ? "an odd number of hex digits"
			  : "no bytes");
	else
		cli_error(ctx, "--packet: bad hex at offset %zu ('%c'): pairs of hex digits, "
			  "optionally separated by spaces, ':' or '-'", bad, hex[bad]);
	return CLI_EXIT_USAGE;
}

/* IFACE and one of --packet HEX, --pcap FILE. */
static int parse_args(struct cli_ctx *ctx, int argc, char **argv, const char **hex,
		      const char **pcap)
{
	static const struct option longopts[] = {
		{ "packet", required_argument, NULL, OPT_PACKET },
		{ "pcap", required_argument, NULL, OPT_PCAP },
		{},
	};
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":", longopts, NULL)) != -1) {
		if (c == OPT_PACKET && !*hex && !*pcap)
			*hex = optarg;
		else if (c == OPT_PCAP && !*hex && !*pcap)
			*pcap = optarg;
		else if (c == OPT_PACKET || c == OPT_PCAP) {
			cli_error(ctx, "give one --packet or one --pcap (" TRACE_USAGE ")");
			return CLI_EXIT_USAGE;
		} else
			return opt_bad_option(ctx, c, argv, longopts);
	}
	if (argc - optind != 1) {
		if (argc - optind > 1)
			cli_error(ctx, "unexpected argument '%s' (" TRACE_USAGE ")", argv[optind + 1]);
		else
			cli_error(ctx, "missing IFACE (" TRACE_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	if (!*hex && !*pcap) {
		cli_error(ctx, "missing --packet or --pcap (" TRACE_USAGE ")");
		return CLI_EXIT_USAGE;
	}
	return 0;
}

static struct xdpchain_trace *open_trace(struct cli_ctx *ctx, const char *ifname, int ifindex)
{
	XDPCHAIN_OPTS(xdpchain_trace_opts, to, .bpffs_root = ctx->root);
	struct xdpchain_trace *t = xdpchain_trace__open(ifindex, &to);
	int err = errno;

	if (t)
		return t;
	if (err == ENOENT)
		cli_error(ctx, "%s: there is no xdpchain chain", ifname);
	else
		cli_error(ctx, "%s: cannot set up the trace: %s%s", ifname, strerror(err),
			  err == ESTALE ? " (the chain changed meanwhile: try again)"
					: cli_errno_hint(ctx, err));
	return NULL;
}

int cmd_trace(struct cli_ctx *ctx, int argc, char **argv)
{
	const char *hex = NULL, *pcap = NULL, *ifname;
	const struct xdpchain_chain *ch;
	struct xdpchain_trace *t;
	static uint8_t pkt[HEX_MAX];
	size_t len = 0;
	int ret, ifindex;

	ret = parse_args(ctx, argc, argv, &hex, &pcap);
	if (!ret && hex)
		ret = parse_packet(ctx, hex, pkt, &len);
	ifname = argv[optind];
	if (!ret)
		ret = opt_ifindex(ctx, ifname, &ifindex);
	if (ret)
		return ret;
	t = open_trace(ctx, ifname, ifindex);
	if (!t)
		return CLI_EXIT_FAIL;
	ch = xdpchain_trace__chain(t);
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "ifname", ifname);
		json_kv_int(ctx->jw, "ifindex", ifindex);
		json_kv_uint(ctx->jw, "revision", xdpchain_chain__revision(ch));
		json_key(ctx->jw, "packets");
		json_start_array(ctx->jw);
	} else {
		printf("%s: revision %llu, %u programs\n", ifname,
		       (unsigned long long)xdpchain_chain__revision(ch), xdpchain_chain__nr_progs(ch));
	}
	if (hex)
		ret = run_one(ctx, t, ifname, 1, pkt, len, 0);
	else
		ret = trace_pcap(ctx, t, ifname, pcap);
	if (!ret && ctx->json) {
		json_end_array(ctx->jw);
		json_end_object(ctx->jw);
	}
	xdpchain_trace__close(t);
	return ret;
}
