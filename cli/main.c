// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* xdpchain: the command line. Global options, the library's messages,
 * dispatch through the command table (commands.c), and the single JSON
 * document of -j. */
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
#include "commands.h"
#include "json.h"
#include "jsonl.h"
#include "opts.h"
#include "version.h"

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
/* The commands that may create a chain, and so a state directory: with
 * no bpffs mounted at all, they mount one (cli/bpffs.c). */
static bool creates_chains(const char *name)
{
	return !strcmp(name, "attach") || !strcmp(name, "apply") || !strcmp(name, "adopt");
}

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

/* A command that streamed JSON Lines (jsonl.h) wrote its output already:
 * an error is one more line; none once the reader went away. */
static int finish_stream(struct cli_ctx *ctx, int ret, FILE *jout, char **jbufp)
{
	fclose(jout);
	free(*jbufp);
	if (ret && !ctx->has_error)
		cli_error(ctx, "failed");
	if (ctx->has_error && !out_closed())
		print_json_error(ctx->error);
	return ctx->has_error && !ret ? CLI_EXIT_FAIL : ret;
}

static int finish(struct cli_ctx *ctx, int ret, FILE *jout, char **jbuf, size_t *jlen)
{
	if (ctx->json && ctx->streaming)
		ret = finish_stream(ctx, ret, jout, jbuf);
	else if (ctx->json)
		ret = finish_json(ctx, ret, jout, jbuf, jlen);
	if (out_closed())
		return ret; /* the reader went away: nothing to say */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "Error: cannot write to stdout: %s\n", strerror(errno));
		return ret ? ret : CLI_EXIT_FAIL;
	}
	return ret;
}

/* The global options (a function's static: c-cycles reads an array
 * initialised at file scope after a function as a definition). */
static const struct option *global_options(void)
{
	static const struct option o[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "root", required_argument, NULL, 'r' },
		{ "libxdp-bpffs", required_argument, NULL, 'L' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{},
	};

	return o;
}

/* The global options, before the command. */
struct global {
	bool help, version;
	const char *libxdp_bpffs;
	int bad, bad_optopt, bad_optind; /* the first bad option */
};

/* Returns the index of the command in argv. "+": stop at the command, its
 * options are its own; ":": tell a missing argument from an unknown
 * option. A bad option is reported later, once -j (which may follow it)
 * is known. */
static int parse_global(int argc, char **argv, struct cli_ctx *ctx, struct global *g)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:jr:vhV", global_options(), NULL)) != -1) {
		switch (c) {
		case 'j':
			ctx->json = true;
			break;
		case 'r':
			ctx->root = optarg;
			break;
		case 'L': /* long only */
			g->libxdp_bpffs = optarg;
			break;
		case 'v':
			ctx->verbose++;
			break;
		case 'h':
			g->help = true;
			break;
		case 'V':
			g->version = true;
			break;
		default:
			if (!g->bad) {
				g->bad = c;
				g->bad_optopt = optopt;
				g->bad_optind = optind;
			}
			break;
		}
	}
	return optind;
}

/* Run what the command line asks for; argv[first] is the command. */
static int dispatch(struct cli_ctx *ctx, const struct global *g, int argc, char **argv, int first)
{
	const struct cmd *cmd;

	if (g->bad) {
		optopt = g->bad_optopt;
		optind = g->bad_optind;
		return opt_bad_option(ctx, g->bad, argv, global_options());
	}
	if (ctx->root && !*ctx->root) {
		cli_error(ctx, "empty --root directory");
		return CLI_EXIT_USAGE;
	}
	if (g->libxdp_bpffs) {
		int ret = cli_set_libxdp_bpffs(ctx, g->libxdp_bpffs);

		if (ret)
			return ret;
	}
	if (g->help)
		return cli_print_help(ctx, NULL);
	if (g->version) {
		ctx->cmd = "version";
		/* Anything after -V is unexpected (argv[0] is not read). */
		return cmd_version(ctx, argc - first + 1, argv + first - 1);
	}
	if (first >= argc) {
		cli_error(ctx, "no command given (try 'xdpchain help')");
		if (!ctx->json)
			cli_usage_all(stderr);
		return CLI_EXIT_USAGE;
	}
	cmd = cli_find_cmd(argv[first]);
	if (!cmd) {
		cli_error(ctx, "unknown command '%s' (try 'xdpchain help')", argv[first]);
		return CLI_EXIT_USAGE;
	}
	if (wants_help(argc - first, argv + first))
		return cli_print_help(ctx, cmd);
	ctx->cmd = cmd->name;
	/* The library neither mounts bpffs nor looks through /proc/1/root:
	 * the command does, for the default root. */
	ctx->root = cli_bpffs_root(ctx->root, creates_chains(cmd->name), ctx->verbose);
	/* Commands parse their own argv with getopt_long(); 0 makes glibc
	 * reinitialise its state. */
	optind = 0;
	return cmd->fn(ctx, argc - first, argv + first);
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {};
	struct global g = {};
	struct json_writer jw;
	char *jbuf = NULL;
	size_t jlen = 0;
	FILE *jout = NULL;
	int ret, first;

	first = parse_global(argc, argv, &ctx, &g);
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
	ret = dispatch(&ctx, &g, argc, argv, first);
	return finish(&ctx, ret, jout, &jbuf, &jlen);
}
