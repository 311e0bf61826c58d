// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain: the command line. Global options, the command table,
 * dispatch, help and version, and the single JSON document of -j. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <xdpchain/xdpchain.h>
#include "bpffs.h"
#include "cli.h"
#include "json.h"
#include "opts.h"
#include "version.h"

static const struct cmd {
	const char *name;
	cli_cmd_fn fn;
	const char *args;     /* lines of the synopsis after the name */
	const char *help;     /* indented by 4 */
} cmds[] = {
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
	  "[IFACE]",
	  "Show the chain of IFACE, or of every interface with an XDP program, in run\n"
	  "    order (lower priority number runs first). With -j: always a list." },
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
	  "    list of every refresh, printed at the end.\n"
	  "    -d, --delay SECS      seconds between refreshes, like 1 or 0.5\n"
	  "    -n, --iterations N    stop after N refreshes" },
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
	  "    changed. One line per packet, or with -j one object with the list of\n"
	  "    packets, printed when the dump stops. It stops with exit status 1 if the\n"
	  "    chain or the interface goes away meanwhile.\n"
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

/* The commands that may create a chain, and so a state directory: with
 * no bpffs mounted at all, they mount one (cli/bpffs.c). */
static bool creates_chains(const char *name)
{
	return !strcmp(name, "attach") || !strcmp(name, "apply");
}

static const struct cmd *find_cmd(const char *name)
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

static void usage_all(FILE *out)
{
	fprintf(out,
		"Usage: xdpchain [-j|--json] [-r|--root DIR] [-v|--verbose] COMMAND [ARGS]\n"
		"       xdpchain help [COMMAND]\n"
		"Share one interface's XDP hook between independent programs. Each runs in\n"
		"priority order: lower number runs first.\n\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_CMDS; i++)
		print_synopsis(out, "  ", &cmds[i]);
	fprintf(out,
		"\nGlobal options (before COMMAND):\n"
		"  -j, --json      print exactly one JSON document on stdout, also on error:\n"
		"                  {\"error\": \"...\"}\n"
		"  -r, --root DIR  bpffs state root (default: $" XDPCHAIN_ROOT_ENV ", else\n"
		"                  " XDPCHAIN_DEFAULT_ROOT ")\n"
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
		"Global OPTIONS (-j, -r, -v) go before the command: see 'xdpchain help'.\n",
		c->help);
}

/* Help as text, or as {"usage": "..."} in json mode. */
static int print_help(struct cli_ctx *ctx, const struct cmd *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (!ctx->json) {
		c ? usage_cmd(stdout, c) : usage_all(stdout);
		return CLI_EXIT_OK;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		cli_error(ctx, "cannot format the help: %s", strerror(errno));
		return CLI_EXIT_FAIL;
	}
	c ? usage_cmd(f, c) : usage_all(f);
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
		return print_help(ctx, NULL);
	c = find_cmd(argv[1]);
	if (!c) {
		cli_error(ctx, "unknown command '%s' (try 'xdpchain help')", argv[1]);
		return CLI_EXIT_USAGE;
	}
	return print_help(ctx, c);
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

static int verbosity;

/* The library's messages: warnings always, the rest with -v. stderr, so
 * that stdout stays one JSON document with -j. */
/* The library's warnings of this command, kept for a JSON error: what
 * the text output shows on stderr before "Error:" (the reason, often)
 * goes into the error document as "warnings". */
#define MAX_WARNINGS 16
static char warnings[MAX_WARNINGS][CLI_ERROR_MAX];
static unsigned int nr_warnings;

static int print_cb(enum xdpchain_print_level level, const char *fmt, va_list args)
{
	if (level == XDPCHAIN_WARN)
		cli_note_lib_warning();
	if (level == XDPCHAIN_WARN && nr_warnings < MAX_WARNINGS) {
		char *w = warnings[nr_warnings++];
		va_list copy;
		size_t n;

		va_copy(copy, args);
		vsnprintf(w, CLI_ERROR_MAX, fmt, copy);
		va_end(copy);
		n = strlen(w);
		while (n && w[n - 1] == '\n')
			w[--n] = '\0';
	}
	/* Info with -v, debug (the freplace probe's refusals among them)
	 * with -vv. */
	if ((level == XDPCHAIN_INFO && verbosity < 1) || (level == XDPCHAIN_DEBUG && verbosity < 2))
		return 0;
	fputs("xdpchain: ", stderr);
	return vfprintf(stderr, fmt, args);
}

/* libbpf's own messages (they carry a "libbpf: " prefix): warnings, the
 * verifier log among them, always; info with -v; debug with -vv. */
static int libbpf_print_cb(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if ((level == LIBBPF_INFO && verbosity < 1) || (level == LIBBPF_DEBUG && verbosity < 2))
		return 0;
	return vfprintf(stderr, fmt, args);
}

/* Whether the command's arguments ask for its help ("-h"/"--help" before
 * any "--"). */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

static void print_json_error(const char *msg)
{
	struct json_writer w;

	json_init(&w, stdout);
	json_start_object(&w);
	json_kv_string(&w, "error", msg);
	if (nr_warnings) {
		json_key(&w, "warnings");
		json_start_array(&w);
		for (unsigned int i = 0; i < nr_warnings; i++)
			json_str(&w, warnings[i]);
		json_end_array(&w);
	}
	json_end_object(&w);
}

/* In json mode, the command wrote into a buffer; print it, or only the
 * error, so stdout holds exactly one JSON document. Returns the exit
 * code. */
static int finish_json(struct cli_ctx *ctx, int ret, FILE *jout, char **jbufp, size_t *jlenp)
{
	bool complete = json_complete(ctx->jw);
	char *jbuf;
	size_t jlen;

	/* fclose() sets *jbufp and *jlenp. */
	if (fclose(jout)) {
		complete = false;
		if (!ctx->has_error)
			cli_error(ctx, "cannot buffer the JSON output: %s", strerror(errno));
	}
	jbuf = *jbufp;
	jlen = jbuf ? *jlenp : 0;
	if (ctx->has_error) {
		print_json_error(ctx->error);
		ret = ret ? ret : CLI_EXIT_FAIL;
	} else if (ret) {
		/* Every failing path reports through cli_error(); be safe. */
		cli_error(ctx, "failed");
		print_json_error(ctx->error);
	} else if (!jlen) {
		fputs("null\n", stdout);
	} else if (!complete) {
		cli_error(ctx, "internal error: incomplete JSON output");
		print_json_error(ctx->error);
		ret = CLI_EXIT_FAIL;
	} else {
		fwrite(jbuf, 1, jlen, stdout);
	}
	free(jbuf);
	return ret;
}

static int finish(struct cli_ctx *ctx, int ret, FILE *jout, char **jbuf, size_t *jlen)
{
	if (ctx->json)
		ret = finish_json(ctx, ret, jout, jbuf, jlen);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write to stdout: %s\n", strerror(errno));
		return ret ? ret : CLI_EXIT_FAIL;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};
	int c, ret, bad = 0, bad_optopt = 0, bad_optind = 0, first;
	struct cli_ctx ctx = {};
	bool help = false, version = false;
	struct json_writer jw;
	const struct cmd *cmd;
	char *jbuf = NULL;
	size_t jlen = 0;
	FILE *jout = NULL;

	/* "+": stop at the command, its options are its own; ":": tell a
	 * missing argument from an unknown option. A bad option is reported
	 * after the loop, once -j (which may follow it) is known. */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jr:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			ctx.json = true;
			break;
		case 'r':
			ctx.root = optarg;
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'h':
			help = true;
			break;
		case 'V':
			version = true;
			break;
		default:
			if (!bad) {
				bad = c;
				bad_optopt = optopt;
				bad_optind = optind;
			}
			break;
		}
	}
	first = optind;
	if (ctx.json) {
		jout = open_memstream(&jbuf, &jlen);
		if (!jout) {
			/* Nothing buffered yet: print the error document. */
			ctx.json = false;
			fprintf(stderr, "Error: xdpchain: cannot buffer the JSON output: %s\n",
				strerror(errno));
			print_json_error("xdpchain: out of memory");
			fflush(stdout);
			return CLI_EXIT_FAIL;
		}
		json_init(&jw, jout);
		ctx.jw = &jw;
	}
	verbosity = ctx.verbose;
	xdpchain_set_print(print_cb);
	libbpf_set_print(libbpf_print_cb);

	if (bad) {
		optopt = bad_optopt;
		optind = bad_optind;
		ret = opt_bad_option(&ctx, bad, argv, longopts);
	} else if (ctx.root && !*ctx.root) {
		cli_error(&ctx, "empty --root directory");
		ret = CLI_EXIT_USAGE;
	} else if (help) {
		ret = print_help(&ctx, NULL);
	} else if (version) {
		ctx.cmd = "version";
		/* Anything after -V is unexpected (argv[0] is not read). */
		ret = cmd_version(&ctx, argc - first + 1, argv + first - 1);
	} else if (first >= argc) {
		cli_error(&ctx, "no command given (try 'xdpchain help')");
		if (!ctx.json)
			usage_all(stderr);
		ret = CLI_EXIT_USAGE;
	} else if (!(cmd = find_cmd(argv[first]))) {
		cli_error(&ctx, "unknown command '%s' (try 'xdpchain help')", argv[first]);
		ret = CLI_EXIT_USAGE;
	} else if (wants_help(argc - first, argv + first)) {
		ret = print_help(&ctx, cmd);
	} else {
		ctx.cmd = cmd->name;
		/* The library neither mounts bpffs nor looks through
		 * /proc/1/root: the command does, for the default root. */
		ctx.root = cli_bpffs_root(ctx.root, creates_chains(cmd->name), ctx.verbose);
		/* Commands parse their own argv with getopt_long(); 0 makes
		 * glibc reinitialise its state. */
		optind = 0;
		ret = cmd->fn(&ctx, argc - first, argv + first);
	}
	return finish(&ctx, ret, jout, &jbuf, &jlen);
}
