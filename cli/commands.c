// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain's command table, with each command's synopsis and help text,
 * and the help and version commands (commands.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xdpchain/xdpchain.h>
#include "commands.h"
#include "json.h"
#include "opts.h"
#include "version.h"

static const struct cmd cmds[] = {
	{ "attach", cmd_attach,
	  "IFACE[,IFACE...] FILE [-p|--program NAME]\n"
	  "[-P|--priority N] [-c|--continue-on LIST]\n"
	  "[-o|--owner LABEL]\n"
	  "[-m|--mode native|skb|generic|drv|hw]\n"
	  "[-b|--backend auto|freplace|tailcall]\n"
	  "[--replace-foreign] [--expect-revision N] [--stats]\n"
	  "[--until-exit] [--owner-pid PID] [--pin-maps DIR]\n"
	  "[--before NAME|ID | --after NAME|ID] [--observer]",
	  "Add the XDP program NAME (default: the first XDP program) of the ELF object\n"
	  "    FILE to IFACE's chain, creating the chain if there is none. FILE may also be\n"
	  "    id:N or pinned:PATH for an XDP program already loaded (it joins through a\n"
	  "    tail-call slot). Options given here override the file's .xdp_run_config.\n"
	  "    Several interfaces (comma-separated, or separate arguments before FILE)\n"
	  "    each get the program in their own chain, in the order given, all or\n"
	  "    nothing: after a failure on one, the program is detached again from those\n"
	  "    done before (the error names the interface and what was rolled back).\n"
	  "    -P, --priority N     lower number runs first (default 50 or the file's);\n"
	  "                         ties run in order of name, never of attach time\n"
	  "    -c, --continue-on L  verdicts after which the next program runs, comma-\n"
	  "                         separated: aborted, drop, pass, tx, redirect; or all,\n"
	  "                         none (default pass or the file's)\n"
	  "    -o, --owner LABEL    who attached it (at most 31 printable characters)\n"
	  "    -m, --mode MODE      native (or drv; default for a new chain), skb (or\n"
	  "                         generic); hw is refused: a dispatcher cannot be offloaded\n"
	  "    -b, --backend B      auto (freplace where the kernel allows it), freplace,\n"
	  "                         tailcall\n"
	  "    --replace-foreign    replace an XDP program that xdpchain did not attach\n"
	  "    --expect-revision N  fail unless the chain's revision is N (0: unless there\n"
	  "                         is no chain yet)\n"
	  "    --stats              switch IFACE's verdict counters on (see 'stats')\n"
	  "    --until-exit         keep the program only while the process that ran\n"
	  "                         xdpchain (its parent: a shell, a daemon) lives; once\n"
	  "                         it has exited, the next change of the chain removes it\n"
	  "    --owner-pid PID      the same, for process PID (in this pid namespace)\n"
	  "    --pin-maps DIR       pin every map of the program's object as DIR/NAME\n"
	  "                         (bpftool's pinmaps names; DIR on a BPF filesystem,\n"
	  "                         one interface) for other processes; the pins are\n"
	  "                         yours: they and the maps outlive a detach. DIR is\n"
	  "                         also where libbpf pins the maps the object declares\n"
	  "                         LIBBPF_PIN_BY_NAME: without it, the state root's\n"
	  "                         maps/ (printed; they too outlive a detach)\n"
	  "    --before P, --after P  run right before (after) program P of the chain\n"
	  "                         (a name, or an id), whatever the priorities; the\n"
	  "                         placement stays while other programs come and go\n"
	  "    --observer           join as an observer: run after the chain has decided,\n"
	  "                         read the decision (<xdpchain/prog.h>), change nothing\n"
	  "                         (its verdict is ignored: no --continue-on); at most\n"
	  "                         8 per chain" },
	{ "detach", cmd_detach,
	  "IFACE (ID|NAME|--all) [--expect-revision N] [--force]",
	  "Remove one program, by kernel id (an all-digits argument) or by name; the\n"
	  "    others keep running. Removing the last one, or --all, removes the\n"
	  "    dispatcher, every program and all state of IFACE. Maps pinned by name\n"
	  "    (LIBBPF_PIN_BY_NAME) in the state root's maps/ stay, shared by design:\n"
	  "    it prints where.\n"
	  "    --expect-revision N  fail unless the chain's revision is N\n"
	  "    --force              remove a program that others are placed before or\n"
	  "                         after (--before, --after; refused without): they\n"
	  "                         stay, ordered by their own priorities" },
	{ "adopt", cmd_adopt,
	  "IFACE[,IFACE...] [-P|--priority N] [-c|--continue-on LIST]\n"
	  "[--libxdp-bpffs DIR]",
	  "Take over the XDP program that another loader (ip link, a libbpf\n"
	  "    application) attached to IFACE through netlink, without reloading it: it\n"
	  "    becomes the first program of a new chain (the same id, its maps as they\n"
	  "    are), through a tail-call slot, and the chain's dispatcher takes its\n"
	  "    place in one atomic netlink replace (no packet passes unjudged). The\n"
	  "    chain stays netlink-attached; attach, detach and status work on it as\n"
	  "    on any other. libxdp's dispatcher (xdp-loader): its programs join\n"
	  "    instead, each as it is through a freplace slot, in the same order,\n"
	  "    with libxdp's priorities and chain-call actions (-P and -c refused),\n"
	  "    and libxdp's pins of it are removed. Refused, with nothing changed:\n"
	  "    no program, a chain of ours, hardware mode, a program bound to a\n"
	  "    device, one held by a bpf_link (its holder is named), a libxdp\n"
	  "    dispatcher whose config this version cannot read whole (a layout\n"
	  "    after 3, a config member it does not know: named) or on a kernel\n"
	  "    before 5.10.\n"
	  "    -P, --priority N     its priority (default 0: before programs of the\n"
	  "                         default priority 50)\n"
	  "    -c, --continue-on L  its continue-on set (default pass)\n"
	  "    --libxdp-bpffs DIR   the bpffs where libxdp pins its dispatchers'\n"
	  "                         programs (in DIR/xdp; default $LIBXDP_BPFFS, else\n"
	  "                         /sys/fs/bpf); not a bpffs directory: refused, nothing\n"
	  "                         done" },
	{ "apply", cmd_apply,
	  "FILE [-n|--dry-run] [--pin-maps DIR]\n"
	  "[--watch] [--ready FILE]",
	  "Make the chains hold what the JSON file FILE (- for stdin) declares for its\n"
	  "    owner, interface by interface: attach what is missing, update the priority\n"
	  "    or continue-on set of what runs (the program stays loaded), detach the\n"
	  "    owner's programs it does not list. Programs of other owners are never\n"
	  "    touched. Each interface changes in one transaction (one new revision, none\n"
	  "    when nothing differs: applying a file twice changes nothing). Everything\n"
	  "    is checked before anything changes. Schema and matching rules:\n"
	  "    docs/apply.md.\n"
	  "    -n, --dry-run        print the plan only\n"
	  "    --pin-maps DIR       where libbpf pins the maps the objects declare\n"
	  "                         LIBBPF_PIN_BY_NAME (default: the state root's maps/);\n"
	  "                         the pins made or used, and those a detach leaves,\n"
	  "                         are printed\n"
	  "    --watch              FILE is a directory (its *.json files) or one file:\n"
	  "                         apply, then apply again whenever a file changes\n"
	  "                         (a mounted ConfigMap's swap too); what a deleted\n"
	  "                         file described is removed; no lock is held in\n"
	  "                         between; one line per apply (-j: JSON Lines);\n"
	  "                         exit 0 on SIGTERM or SIGINT\n"
	  "    --ready FILE         with --watch: FILE exists while every file is\n"
	  "                         applied (a readiness probe)" },
	{ "status", cmd_status,
	  "[IFACE] [--libxdp-bpffs DIR]",
	  "Show the chain of IFACE, or of every interface with an XDP program, in run\n"
	  "    order (lower priority number runs first). With -j: always a list.\n"
	  "    libxdp's chains (xdp-loader) are read through libxdp, read-only (a\n"
	  "    layout newer than the system's libxdp reads: as adopt reads it).\n"
	  "    --libxdp-bpffs DIR   the bpffs where libxdp pins its programs (in\n"
	  "                         DIR/xdp; default $LIBXDP_BPFFS, else /sys/fs/bpf)" },
	{ "stats", cmd_stats,
	  "IFACE on|off [--expect-revision N]",
	  "Switch the per-program verdict counters of IFACE's chain on or off. On,\n"
	  "    the dispatcher counts each program's verdicts (aborted, drop, pass, tx,\n"
	  "    redirect, other) and bytes per CPU; 'status' and 'top' show them. A program\n"
	  "    counts from zero when it joins, and keeps its counts when others come and\n"
	  "    go. Off (the default) costs nothing per packet and discards the counts." },
	{ "top", cmd_top,
	  "IFACE [-d|--delay SECS] [-n|--iterations N]",
	  "Show each program's verdict rates (packets per second by verdict, and bytes\n"
	  "    per second) on IFACE, refreshed every SECS seconds (default 1) until\n"
	  "    Ctrl-C, or N times. Needs the counters on ('stats IFACE on'). With -j: one\n"
	  "    JSON object per refresh and line, printed as it comes.\n"
	  "    -d, --delay SECS      seconds between refreshes, like 1 or 0.5\n"
	  "    -n, --iterations N    stop after N refreshes" },
	{ "metrics", cmd_metrics,
	  "[IFACE...] [--http]",
	  "Print the chains' figures for Prometheus (OpenMetrics text): per program,\n"
	  "    packets by verdict, bytes and seconds (with counters on); per chain, the\n"
	  "    revision and the number of programs. --http answers an HTTP request on\n"
	  "    stdin and stdout (systemd socket activation: xdpchain-metrics.socket)." },
	{ "trace", cmd_trace,
	  "IFACE (--packet HEX | --pcap FILE)",
	  "Run packets through the programs of IFACE's chain, as the chain would, and\n"
	  "    show each program's verdict and where the chain stopped. Live traffic and\n"
	  "    counters are not touched: a copy of the dispatcher that is never attached\n"
	  "    runs them (BPF_PROG_TEST_RUN), and nothing is left behind. The programs\n"
	  "    themselves do run, so their own maps see the packets.\n"
	  "    --packet HEX   one Ethernet frame in hex (\"ff:ff:...\" or \"ffff...\")\n"
	  "    --pcap FILE    every packet of a classic pcap file (Ethernet; - is stdin)" },
	{ "dump", cmd_dump,
	  "IFACE [--verdict LIST] [--program NAME|ID] [-w FILE] [-c N] [-s SNAPLEN]",
	  "Capture the packets IFACE's chain decides on, live, with the final verdict\n"
	  "    and the program that decided it, until Ctrl-C (or N packets). A built-in\n"
	  "    observer joins the chain for the time of the dump, bound to this process,\n"
	  "    and leaves it when the dump stops: nothing is left behind. Traffic is not\n"
	  "    changed. One line per packet as it comes, with -j a JSON object per line\n"
	  "    and a last {\"type\": \"end\", \"captured\": N, ...}. It stops with exit status\n"
	  "    1 if the chain or the interface goes away meanwhile, 0 if the reader of\n"
	  "    its output does.\n"
	  "    --verdict LIST     only these final verdicts: aborted, drop, pass, tx,\n"
	  "                       redirect, other (not an XDP action); or all alone\n"
	  "    --program P        only packets decided by program P (a name, or an id)\n"
	  "    -w, --write FILE   write a pcapng file (- for stdout; an existing file is\n"
	  "                       not overwritten): each packet's comment holds the\n"
	  "                       verdict and the program (Wireshark shows it, tcpdump\n"
	  "                       reads the packets)\n"
	  "    -c, --count N      stop after N packets\n"
	  "    -s, --snaplen N    capture at most N bytes of each packet (default and\n"
	  "                       at most 9216)" },
	{ "gc", cmd_gc,
	  "[IFACE|IFINDEX]",
	  "Remove the state on bpffs that no running chain uses: what a crashed\n"
	  "    process left behind, and the state of interfaces (a number: an ifindex,\n"
	  "    the interface may be gone) and network namespaces that disappeared.\n"
	  "    Without an argument: every interface of this network namespace, and the\n"
	  "    directories of namespaces that no longer exist. Running chains are never\n"
	  "    touched. Every change also collects its own interface's leftovers, so\n"
	  "    this is rarely needed. With -j: {\"removed\": [{\"path\", \"reason\"}],\n"
	  "    \"count\": N}." },
	{ "version", cmd_version,
	  "",
	  "Show the versions of xdpchain and libxdpchain and the backend \"auto\"\n"
	  "    picks on this kernel." },
	{ "help", cmd_help,
	  "[COMMAND]",
	  "Show this help, or one command's." },
};
#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

const struct cmd *cli_find_cmd(const char *name)
{
	for (size_t i = 0; i < NR_CMDS; i++)
		if (!strcmp(name, cmds[i].name))
			return &cmds[i];
	return NULL;
}

/* prefix, the command's name and its argument lines, aligned under the
 * first. */
static void print_synopsis(FILE *out, const char *prefix, const struct cmd *c)
{
	int indent = (int)(strlen(prefix) + strlen(c->name) + 1);

	fprintf(out, "%s%s", prefix, c->name);
	for (const char *p = c->args; *p;) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "%*s%.*s\n", p == c->args ? 1 : indent, "", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (!*c->args)
		fputc('\n', out);
}

void cli_usage_all(FILE *out)
{
	fprintf(out,
		"Usage: xdpchain [-j|--json] [-r|--root DIR] [--libxdp-bpffs DIR] [-v|--verbose]\n"
		"                COMMAND [ARGS]\n"
		"       xdpchain help [COMMAND]\n"
		"Share one interface's XDP hook between independent programs. Each runs in\n"
		"priority order: lower number runs first.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_CMDS; i++)
		print_synopsis(out, "  ", &cmds[i]);
	fprintf(out,
		"\nGlobal options (before COMMAND):\n"
		"  -j, --json      print exactly one JSON document on stdout, also on error:\n"
		"                  {\"error\": \"...\"}; dump and top: one per line (JSON Lines)\n"
		"  -r, --root DIR  bpffs state root (default: $" XDPCHAIN_ROOT_ENV ", else\n"
		"                  " XDPCHAIN_DEFAULT_ROOT ")\n"
		"  --libxdp-bpffs DIR  the bpffs where libxdp (xdp-loader) pins its\n"
		"                  dispatchers' programs, in DIR/xdp (default: $LIBXDP_BPFFS,\n"
		"                  else /sys/fs/bpf): adopt, apply's \"adopt\" and status\n"
		"                  read libxdp's chains there; it must be a bpffs directory\n"
		"  -v, --verbose   log what the library does on stderr (-vv: its debug messages and libbpf's too)\n"
		"  -h, --help      show this help ('xdpchain help COMMAND': one command's)\n"
		"  -V, --version   same as 'xdpchain version'\n"
		"\nExit status:\n"
		"  0  success\n"
		"  1  failure: the operation failed (attach and detach change nothing then)\n"
		"  2  usage error: unknown command or option, missing argument, bad value,\n"
		"     unknown interface\n"
		"  3  attach: attached, but a program does not run yet (status shows it\n"
		"     pending; it runs once the process named in the message lets go)\n");
}

static void usage_cmd(FILE *out, const struct cmd *c)
{
	print_synopsis(out, "Usage: xdpchain [OPTIONS] ", c);
	fprintf(out, "    %s\n"
		"Global OPTIONS (-j, -r, --libxdp-bpffs, -v) go before the command: see 'xdpchain help'.\n",
		c->help);
}

/* Help as text, or as {"usage": "..."} in json mode. */
int cli_print_help(struct cli_ctx *ctx, const struct cmd *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!ctx->json) {
		c ? usage_cmd(stdout, c) : cli_usage_all(stdout);
		return CLI_EXIT_OK;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		cli_error(ctx, "cannot format the help: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	c ? usage_cmd(f, c) : cli_usage_all(f);
	if (fclose(f)) {
		cli_error(ctx, "cannot format the help: %s", strerror(errno));
		free(buf);
		return CLI_EXIT_FAIL;
	}
	json_start_object(ctx->jw);
	json_kv_string(ctx->jw, "usage", buf);
	json_end_object(ctx->jw);
	free(buf);
	return CLI_EXIT_OK;
}

int cmd_help(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cmd *c;

	if (argc > 2) {
		cli_error(ctx, "unexpected argument '%s' (usage: xdpchain help [COMMAND])", argv[2]);
		return CLI_EXIT_USAGE;
	}
	if (argc < 2)
		return cli_print_help(ctx, NULL);
	c = cli_find_cmd(argv[1]);
	if (!c) {
		cli_error(ctx, "unknown command '%s' (try 'xdpchain help')", argv[1]);
		return CLI_EXIT_USAGE;
	}
	return cli_print_help(ctx, c);
}

int cmd_version(struct cli_ctx *ctx, int argc, char **argv)
{
	enum xdpchain_backend be;
	char version[96];

	if (argc > 1) {
		cli_error(ctx, "unexpected argument '%s' (usage: xdpchain version)", argv[1]);
		return CLI_EXIT_USAGE;
	}
	be = xdpchain_probe_backend();
	xc_build_version(version, sizeof(version));
	if (ctx->json) {
		json_start_object(ctx->jw);
		json_kv_string(ctx->jw, "version", version);
		json_kv_string(ctx->jw, "library", xdpchain_version());
		json_kv_int(ctx->jw, "protocol", XDPCHAIN_PROTOCOL_VERSION);
		json_kv_string(ctx->jw, "auto_backend", xdpchain_backend_str(be));
		json_end_object(ctx->jw);
	} else {
		printf("xdpchain %s\n", version);
		printf("libxdpchain %s\n", xdpchain_version());
		printf("on-bpffs protocol %d (docs/protocol.md)\n", XDPCHAIN_PROTOCOL_VERSION);
		printf("backend auto: %s on this kernel\n", xdpchain_backend_str(be));
	}
	return CLI_EXIT_OK;
}
