// SPDX-License-Identifier: (LGPL-2.1-or-later OR BSD-2-Clause)
/* The CLI's argument parsers, error reporting and output helpers: good
 * values parse exactly, usage errors name the bad value and map to exit
 * status 2. No privileges needed. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "api/internal.h" /* xc_priority_parse() */
#include "cli.h"
#include "format.h"
#include "json.h"
#include "opts.h"
#include "check.h"

static struct cli_ctx ctx;

static int quiet(enum xdpchain_print_level l, const char *f, va_list a)
{
	return 0;
}

/* json mode keeps the first error in ctx.error: reset before each call. */
static void reset(const char *cmd)
{
	memset(&ctx, 0, sizeof(ctx));
	ctx.json = true;
	ctx.cmd = cmd;
}

static bool error_has(const char *s)
{
	if (ctx.has_error && strstr(ctx.error, s))
		return true;
	fprintf(stderr, "error '%s' lacks '%s'\n", ctx.has_error ? ctx.error : "(none)", s);
	return false;
}

static int prio(const char *s, int *p)
{
	reset("attach");
	return opt_priority(&ctx, s, p);
}

static void test_priority(void)
{
	int p = 12345;

	CHECK(prio("0", &p) == 0 && p == 0);
	CHECK(prio("-5", &p) == 0 && p == -5);
	CHECK(prio("10", &p) == 0 && p == 10);
	CHECK(prio("2147483647", &p) == 0 && p == 2147483647);
	CHECK(prio("-2147483648", &p) == 0 && p == -2147483647 - 1);
	CHECK(!ctx.has_error);

	p = 7;
	CHECK(prio("2147483648", &p) == CLI_EXIT_USAGE && p == 7);
	CHECK(error_has("attach: priority '2147483648' is out of range"));
	CHECK(error_has("lower number runs first"));
	CHECK(prio("-2147483649", &p) == CLI_EXIT_USAGE && error_has("out of range"));
	CHECK(prio("99999999999999999999999", &p) == CLI_EXIT_USAGE && error_has("out of range"));
	CHECK(xc_priority_parse("2147483648", &p) == -ERANGE);

	const char *bad[] = { "", "1 ", " 1", "0x10", "12x", "1.5", "-", "+", "--1", "1e3" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char want[64];

		CHECK(prio(bad[i], &p) == CLI_EXIT_USAGE && p == 7);
		snprintf(want, sizeof(want), "invalid priority '%s'", bad[i]);
		CHECK(error_has(want));
		CHECK(error_has("lower number runs first"));
		CHECK(xc_priority_parse(bad[i], &p) == -EINVAL);
	}
}

static void test_verdicts(void)
{
	__u32 m = 0;

	reset("attach");
	CHECK(opt_verdicts(&ctx, "pass", &m) == 0 && m == XDPCHAIN_VERDICT_BIT(2));
	CHECK(opt_verdicts(&ctx, "pass,tx", &m) == 0 && m == ((1u << 2) | (1u << 3)));
	CHECK(opt_verdicts(&ctx, "all", &m) == 0 && m == XDPCHAIN_VERDICTS_ALL);
	CHECK(opt_verdicts(&ctx, "none", &m) == 0 && m == 0);
	CHECK(opt_verdicts(&ctx, "aborted,drop,pass,tx,redirect", &m) == 0 && m == 0x1f);
	CHECK(!ctx.has_error);

	CHECK(opt_verdicts(&ctx, "pas", &m) == CLI_EXIT_USAGE);
	CHECK(error_has("attach: invalid verdict 'pas' in --continue-on (expected a "
			"comma-separated list of aborted, drop, pass, tx, redirect; or all or none "
			"alone)"));
	reset("attach");
	/* all and none are valid, but only alone. */
	CHECK(opt_verdicts(&ctx, "all,drop", &m) == CLI_EXIT_USAGE);
	CHECK(error_has("'all' in --continue-on stands alone, not in a list"));
	reset("attach");
	CHECK(opt_verdicts(&ctx, "pass,pas,drop", &m) == CLI_EXIT_USAGE);
	CHECK(error_has("invalid verdict 'pas' "));
	reset("attach");
	CHECK(opt_verdicts(&ctx, "pass,", &m) == CLI_EXIT_USAGE && error_has("invalid verdict ''"));
	reset("attach");
	CHECK(opt_verdicts(&ctx, "", &m) == CLI_EXIT_USAGE);
}

static void test_mode(void)
{
	static const struct {
		const char *word;
		enum xdpchain_mode mode;
	} good[] = {
		{ "native", XDPCHAIN_MODE_NATIVE }, { "drv", XDPCHAIN_MODE_NATIVE },
		{ "skb", XDPCHAIN_MODE_SKB },       { "generic", XDPCHAIN_MODE_SKB },
		{ "hw", XDPCHAIN_MODE_HW },
	};
	enum xdpchain_mode mode;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		reset("attach");
		mode = XDPCHAIN_MODE_UNSPEC;
		CHECK(opt_mode(&ctx, good[i].word, &mode) == 0 && mode == good[i].mode);
	}
	reset("attach");
	CHECK(opt_mode(&ctx, "xdpfast", &mode) == CLI_EXIT_USAGE);
	CHECK(error_has("invalid mode 'xdpfast' (expected native, drv, skb, generic or hw)"));
	reset("attach");
	CHECK(opt_mode(&ctx, "", &mode) == CLI_EXIT_USAGE && error_has("invalid mode ''"));
	reset("attach");
	CHECK(opt_mode(&ctx, "Native", &mode) == CLI_EXIT_USAGE);
}

static void test_backend(void)
{
	enum xdpchain_backend be;

	reset("attach");
	CHECK(opt_backend(&ctx, "auto", &be) == 0 && be == XDPCHAIN_BACKEND_AUTO);
	CHECK(opt_backend(&ctx, "freplace", &be) == 0 && be == XDPCHAIN_BACKEND_FREPLACE);
	CHECK(opt_backend(&ctx, "tailcall", &be) == 0 && be == XDPCHAIN_BACKEND_TAILCALL);
	CHECK(!ctx.has_error);
	/* "mixed" describes a chain; it cannot be asked for. */
	CHECK(opt_backend(&ctx, "mixed", &be) == CLI_EXIT_USAGE);
	CHECK(error_has("invalid backend 'mixed' (expected auto, freplace or tailcall)"));
	reset("attach");
	CHECK(opt_backend(&ctx, "", &be) == CLI_EXIT_USAGE);
}

static void test_numbers(void)
{
	__u64 u = 5;
	__u32 id = 5;

	reset("detach");
	CHECK(opt_u64(&ctx, "revision", "0", &u) == 0 && u == 0);
	CHECK(opt_u64(&ctx, "revision", "42", &u) == 0 && u == 42);
	CHECK(opt_u64(&ctx, "revision", "18446744073709551615", &u) == 0 && u == UINT64_MAX);
	CHECK(!ctx.has_error);
	CHECK(opt_u64(&ctx, "revision", "18446744073709551616", &u) == CLI_EXIT_USAGE);
	CHECK(error_has("revision '18446744073709551616' is out of range"));
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x10", "1k" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		reset("detach");
		u = 5;
		CHECK(opt_u64(&ctx, "revision", bad[i], &u) == CLI_EXIT_USAGE && u == 5);
		CHECK(error_has("invalid revision"));
	}

	reset("detach");
	CHECK(opt_prog_id(&ctx, "1", &id) == 0 && id == 1);
	CHECK(opt_prog_id(&ctx, "4294967295", &id) == 0 && id == 4294967295u);
	CHECK(opt_prog_id(&ctx, "4294967296", &id) == CLI_EXIT_USAGE);
	CHECK(error_has("program id '4294967296' is out of range"));
	reset("detach");
	CHECK(opt_prog_id(&ctx, "0", &id) == CLI_EXIT_USAGE && error_has("out of range"));

	CHECK(opt_all_digits("0123"));
	CHECK(!opt_all_digits(""));
	CHECK(!opt_all_digits(NULL));
	CHECK(!opt_all_digits("12a"));
	CHECK(!opt_all_digits("-1"));
	CHECK(!opt_all_digits("xdp_fw"));
}

static void test_ifindex(void)
{
	int idx = -1;

	reset("attach");
	/* Every network namespace has lo, ifindex 1. */
	CHECK(opt_ifindex(&ctx, "lo", &idx) == 0 && idx == 1);
	CHECK(!ctx.has_error);
	CHECK(opt_ifindex(&ctx, "foo0", &idx) == CLI_EXIT_USAGE);
	CHECK(error_has("attach: interface 'foo0' not found"));
	reset("attach");
	CHECK(opt_ifindex(&ctx, "a-name-longer-than-ifnamsiz", &idx) == CLI_EXIT_USAGE);
	CHECK(error_has("interface 'a-name-longer-than-ifnamsiz' not found"));
	reset("attach");
	CHECK(opt_ifindex(&ctx, "", &idx) == CLI_EXIT_USAGE && error_has("empty interface name"));
	CHECK(idx == 1);
}

/* Run getopt_long over args like a command does; the result of
 * opt_bad_option() for the first error, or 0. */
static int bad_option(const char *cmd, const char *optstring, char **args)
{
	static const struct option longopts[] = {
		{ "priority", required_argument, NULL, 'P' },
		{ "program", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 256 },
		{ "expect-revision", required_argument, NULL, 257 },
		{},
	};
	int argc = 0, c;

	while (args[argc])
		argc++;
	reset(cmd);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, args, optstring, longopts, NULL)) != -1)
		if (c == '?' || c == ':')
			return opt_bad_option(&ctx, c, args, longopts);
	return 0;
}

static void test_bad_option(void)
{
	char *a1[] = { "attach", "veth0", "f.o", "-x", NULL };
	char *a2[] = { "attach", "veth0", "f.o", "-P", NULL };
	char *a3[] = { "attach", "--priority", NULL };
	char *a4[] = { "attach", "--bogus", "veth0", NULL };
	char *a5[] = { "detach", "veth0", "--all=yes", NULL };
	char *a6[] = { "attach", "--pr", "1", NULL };
	char *a7[] = { "attach", "--prio", NULL };
	char *a8[] = { "attach", "--priority=5", "-Pq", "-z", NULL };
	char *a9[] = { "xdpchain", "--bogus=1", NULL };
	char *a10[] = { "status", "-j", NULL };
	char *a11[] = { "status", "veth0", "--json", NULL };

	CHECK(bad_option("attach", ":p:P:", a1) == CLI_EXIT_USAGE);
	CHECK(error_has("attach: unknown option '-x' (see 'xdpchain help attach')"));
	CHECK(bad_option("attach", ":p:P:", a2) == CLI_EXIT_USAGE);
	CHECK(error_has("option '-P' requires an argument"));
	CHECK(bad_option("attach", ":p:P:", a3) == CLI_EXIT_USAGE);
	CHECK(error_has("option '--priority' requires an argument"));
	CHECK(bad_option("attach", ":p:P:", a4) == CLI_EXIT_USAGE);
	CHECK(error_has("unknown or ambiguous option '--bogus'"));
	CHECK(bad_option("detach", ":", a5) == CLI_EXIT_USAGE);
	CHECK(error_has("detach: option '--all' does not take an argument"));
	CHECK(bad_option("attach", ":p:P:", a6) == CLI_EXIT_USAGE);
	CHECK(error_has("unknown or ambiguous option '--pr'"));
	CHECK(bad_option("attach", ":p:P:", a7) == CLI_EXIT_USAGE);
	CHECK(error_has("option '--prio' requires an argument"));
	CHECK(bad_option("attach", ":p:P:", a8) == CLI_EXIT_USAGE);
	CHECK(error_has("unknown option '-z'"));
	CHECK(bad_option(NULL, "+:jr:", a9) == CLI_EXIT_USAGE);
	CHECK(error_has("xdpchain: unknown or ambiguous option '--bogus' (see 'xdpchain help')"));
	/* A global option after the command: say where it goes. */
	CHECK(bad_option("status", ":", a10) == CLI_EXIT_USAGE);
	CHECK(error_has("unknown option '-j' (global options go before the command: "
			"'xdpchain -j status ...')"));
	CHECK(bad_option("status", ":", a11) == CLI_EXIT_USAGE);
	CHECK(error_has("unknown option '--json' (global options go before the command: "
			"'xdpchain --json status ...')"));
}

/* cli_error(): the first error is kept in json mode; text mode writes
 * "Error: <cmd>: <message>" to stderr. */
static void test_cli_error(void)
{
	char text[256] = "";
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	ssize_t n;

	reset("detach");
	cli_error(&ctx, "first %d", 1);
	cli_error(&ctx, "second");
	CHECK(ctx.has_error && !strcmp(ctx.error, "detach: first 1"));

	CHECK(tmp && saved >= 0);
	if (!tmp || saved < 0)
		return;
	fflush(stderr);
	CHECK(dup2(fileno(tmp), STDERR_FILENO) >= 0);
	reset("attach");
	ctx.json = false;
	cli_error(&ctx, "interface '%s' not found", "foo0");
	ctx.cmd = NULL;
	cli_error(&ctx, "no command");
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	CHECK(!ctx.has_error);
	rewind(tmp);
	n = (ssize_t)fread(text, 1, sizeof(text) - 1, tmp);
	fclose(tmp);
	text[n > 0 ? n : 0] = '\0';
	CHECK(!strcmp(text, "Error: attach: interface 'foo0' not found\n"
			    "Error: xdpchain: no command\n"));
}

static void test_format(void)
{
	struct json_writer w;
	char *buf = NULL, s[64];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(f != NULL);
	if (!f)
		return;
	json_init(&w, f);
	json_start_array(&w);
	json_verdicts(&w, XDPCHAIN_VERDICT_BIT(2) | XDPCHAIN_VERDICT_BIT(1));
	json_verdicts(&w, 0);
	json_verdicts(&w, XDPCHAIN_VERDICTS_ALL);
	json_end_array(&w);
	CHECK(json_complete(&w));
	fclose(f);
	CHECK(!strcmp(buf, "[[\"drop\",\"pass\"],[],[\"aborted\",\"drop\",\"pass\",\"tx\","
			   "\"redirect\"]]\n"));
	free(buf);

	fmt_verdicts(XDPCHAIN_VERDICT_BIT(2) | XDPCHAIN_VERDICT_BIT(1), s, sizeof(s));
	CHECK(!strcmp(s, "drop,pass"));
	fmt_verdicts(0, s, sizeof(s));
	CHECK(!strcmp(s, "none"));

	fmt_time(0, s, sizeof(s));
	CHECK(!strcmp(s, "-"));
	/* Local time: the shape, not the value. */
	fmt_time(1700000000ull * 1000000000ull + 5, s, sizeof(s));
	CHECK(strlen(s) == 19 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' &&
	      s[16] == ':');
	fmt_time(1700000000ull * 1000000000ull, s, 5);
	CHECK(!strcmp(s, "?"));
}

int main(void)
{
	xdpchain_set_print(quiet);
	test_priority();
	test_verdicts();
	test_mode();
	test_backend();
	test_numbers();
	test_ifindex();
	test_bad_option();
	test_cli_error();
	test_format();
	return check_report("cli_opts");
}
