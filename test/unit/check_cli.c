/*
 * check_cli.c — the command line: command names and abbreviations,
 * keyword=value parsing and its usage errors, options, and
 * cli_resolve with `?` (scripted prompts), `.` (last values) and bad
 * values; ask_yes; cli_run, the whole of one command line (what the
 * menu runs for each entry).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "tests.h"

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / \
			    sizeof(char *)))
/* Parse a literal argument list into req, err. */
#define PARSE(req, err, ...)	\
	cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (req), (err))

static const struct {
	const char	*word;
	enum cmd	 cmd;
} names[] = {
	{ "check", CMD_CHECK },		{ "ch", CMD_CHECK },
	{ "drain", CMD_DRAIN },		{ "dr", CMD_DRAIN },
	{ "query", CMD_QUERY },		{ "q", CMD_QUERY },
	{ "setarg", CMD_SETARG },	{ "setup", CMD_SETUP },
	{ "show", CMD_SHOW },		{ "shutdown", CMD_SHUTDOWN },
	{ "start", CMD_START },
	{ "startsend", CMD_STARTSEND },	{ "ss", CMD_STARTSEND },
	{ "startreceive", CMD_STARTRECEIVE }, { "sr", CMD_STARTRECEIVE },
	{ "status", CMD_STATUS },	{ "sta", CMD_STATUS },
	{ "stop", CMD_STOP },		{ "sto", CMD_STOP },
	{ "stopall", CMD_STOPALL },	{ "stopa", CMD_STOPALL },
	{ "traceon", CMD_TRACEON },	{ "tron", CMD_TRACEON },
	{ "traceoff", CMD_TRACEOFF },	{ "troff", CMD_TRACEOFF },
	{ "listpipes", CMD_LISTPIPES },	{ "lp", CMD_LISTPIPES },
	{ "listserver", CMD_LISTSERVER }, { "startall", CMD_STARTALL },
	{ "tltest", CMD_TLTEST },
	{ "version", CMD_VERSION },	{ "vers", CMD_VERSION },
};

static char *
upcase(const char *s)
{
	char *u = xstrdup(s), *p;

	for (p = u; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return u;
}

static void
assert_contains(const char *hay, const char *needle)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "'%s' does not contain "
	    "'%s'", hay, needle);
}

START_TEST(test_cmd_lookup)
{
	char *u;
	size_t i;
	int c;

	for (i = 0; i < ARRAY_LEN(names); i++) {
		ck_assert_msg(cli_cmd_lookup(names[i].word) ==
		    (int)names[i].cmd, "%s", names[i].word);
		u = upcase(names[i].word);
		ck_assert_msg(cli_cmd_lookup(u) == (int)names[i].cmd, "%s", u);
		free(u);
	}
	/* Every command of the table is reachable by its name. */
	for (c = 0; c < CMD__COUNT; c++) {
		ck_assert_ptr_nonnull(cli_cmd(c)->name);
		ck_assert_ptr_nonnull(cli_cmd(c)->run);
		ck_assert_int_eq(cli_cmd_lookup(cli_cmd(c)->name), c);
		if (cli_cmd(c)->abbrev != NULL)
			ck_assert_int_eq(cli_cmd_lookup(cli_cmd(c)->abbrev), c);
	}
	/* The seed lists ss for start too: ss is startsend. */
	ck_assert_int_eq(cli_cmd_lookup("ss"), CMD_STARTSEND);
	ck_assert_int_eq(cli_cmd_lookup("SS"), CMD_STARTSEND);
	ck_assert_int_eq(cli_cmd_lookup("Status"), CMD_STATUS);
	ck_assert_int_eq(cli_cmd_lookup("frob"), -1);
	ck_assert_int_eq(cli_cmd_lookup(""), -1);
	ck_assert_int_eq(cli_cmd_lookup("st"), -1);
	ck_assert_int_eq(cli_cmd_lookup("statuss"), -1);
}
END_TEST

START_TEST(test_unknown_cmd)
{
	struct request req;
	struct errbuf err;

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "frobnicate", "port=3000"),
	    EXIT_USAGE);
	assert_contains(err.msg, "frobnicate");
	cli_request_free(&req);
}
END_TEST

START_TEST(test_parse_ok)
{
	struct request req;
	struct errbuf err;
	int k;

	ck_assert_int_eq(PARSE(&req, &err, "setup", "servertype=IN",
	    "port=3000", "pipe=/dev/null", "notify=root,exec mail x"), 0);
	ck_assert_int_eq(req.cmd, CMD_SETUP);
	ck_assert_str_eq(req.raw[KW_SERVERTYPE], "IN");
	ck_assert_str_eq(req.raw[KW_PORT], "3000");
	ck_assert_str_eq(req.raw[KW_PIPE], "/dev/null");
	/* Only the first '=' splits. */
	ck_assert_str_eq(req.raw[KW_NOTIFY], "root,exec mail x");
	ck_assert_ptr_null(req.raw[KW_HOST]);
	for (k = 0; k < KW__COUNT; k++)
		ck_assert_ptr_null(req.val[k]);
	ck_assert_uint_eq(req.opts, 0);
	cli_request_free(&req);

	/* Keywords are case-insensitive; an empty value is kept. */
	ck_assert_int_eq(PARSE(&req, &err, "ss", "SERVER="), 0);
	ck_assert_int_eq(req.cmd, CMD_STARTSEND);
	ck_assert_str_eq(req.raw[KW_SERVER], "");
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "check", "cmd=test -f /etc/hosts",
	    "server=main"), 0);
	ck_assert_int_eq(req.cmd, CMD_CHECK);
	ck_assert_str_eq(req.raw[KW_CMD], "test -f /etc/hosts");
	ck_assert_str_eq(req.raw[KW_SERVER], "main");
	cli_request_free(&req);

	ck_assert_int_eq(cli_parse(0, ARGV(NULL), &req, &err), 0);
	cli_request_free(&req);
}
END_TEST

START_TEST(test_parse_errors)
{
	struct request req;
	struct errbuf err;

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "status", "colour=red"),
	    EXIT_USAGE);
	assert_contains(err.msg, "colour");
	assert_contains(err.msg, "servertype");	/* the list of keywords */

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "status", "port=3000"),
	    EXIT_USAGE);
	assert_contains(err.msg, "port");
	assert_contains(err.msg, "status");
	assert_contains(err.msg, "server");

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "stopall", "server=main"),
	    EXIT_USAGE);
	assert_contains(err.msg, "server");

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=3000",
	    "PORT=3001"), EXIT_USAGE);
	assert_contains(err.msg, "port");
	assert_contains(err.msg, "twice");

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "novalue"), EXIT_USAGE);
	assert_contains(err.msg, "novalue");

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "=3000"), EXIT_USAGE);
	assert_contains(err.msg, "=3000");

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "setup", "port=3000"), EXIT_USAGE);
	assert_contains(err.msg, "setup");
	assert_contains(err.msg, "servertype");

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "check"), EXIT_USAGE);
	assert_contains(err.msg, "check");
	assert_contains(err.msg, "cmd");

	ck_assert_int_eq(PARSE(&req, &err, "setup", "servertype=?"), 0);
	cli_request_free(&req);
	ck_assert_int_eq(PARSE(&req, &err, "ch", "cmd=query"), 0);
	cli_request_free(&req);
}
END_TEST

START_TEST(test_options)
{
	struct request req;
	struct errbuf err;
	unsigned opts;

	ck_assert_int_eq(PARSE(&req, &err, "start", "(C"), 0);
	ck_assert_uint_eq(req.opts, OPT_C);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "start", "server=main", "(cv"), 0);
	ck_assert_uint_eq(req.opts, OPT_C | OPT_V);
	ck_assert_str_eq(req.raw[KW_SERVER], "main");
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "status", "(QRSV"), 0);
	ck_assert_uint_eq(req.opts, OPT_Q | OPT_R | OPT_S | OPT_V);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "start", "(cv)"), 0);
	ck_assert_uint_eq(req.opts, OPT_C | OPT_V);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "status", "(r"), 0);
	ck_assert_uint_eq(req.opts, OPT_R);
	cli_request_free(&req);

	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "status", "(X"), EXIT_USAGE);
	assert_contains(err.msg, "'X'");
	err.msg[0] = '\0';
	ck_assert_int_eq(PARSE(&req, &err, "status", "(cx"), EXIT_USAGE);
	assert_contains(err.msg, "'x'");

	/* The bits are distinct. */
	ck_assert_uint_eq(OPT_C | OPT_Q | OPT_R | OPT_S | OPT_V, 0x1f);

	opts = 0;
	ck_assert_int_eq(cli_parse_opts("(s", &opts, &err), 0);
	ck_assert_uint_eq(opts, OPT_S);
	ck_assert_int_eq(cli_parse_opts("(Q", &opts, &err), 0);
	ck_assert_uint_eq(opts, OPT_S | OPT_Q);
	ck_assert_int_eq(cli_parse_opts("(c1", &opts, &err), -1);
}
END_TEST

START_TEST(test_tables)
{
	int c, k;

	/* The keywords the configuration keeps are the KWF_STORED ones. */
	for (k = 0; k < KW__COUNT; k++)
		ck_assert_msg(((KW_STORED_MASK & KWBIT(k)) != 0) ==
		    ((kw_def(k)->flags & KWF_STORED) != 0), "%s",
		    kw_def(k)->name);
	for (c = 0; c < CMD__COUNT; c++) {
		/* What is required is allowed. */
		ck_assert_uint_eq(cli_cmd(c)->required &
		    ~cli_cmd(c)->allowed, 0);
		ck_assert_ptr_nonnull(cli_cmd(c)->summary);
	}
	ck_assert_uint_eq(cli_cmd(CMD_SETUP)->required, KWBIT(KW_SERVERTYPE));
	ck_assert_uint_eq(cli_cmd(CMD_CHECK)->required, KWBIT(KW_CMD));
	ck_assert(cli_cmd(CMD_QUERY)->allowed & KWBIT(KW_PIB));
	ck_assert(cli_cmd(CMD_STOP)->allowed & KWBIT(KW_PIB));
	ck_assert(cli_cmd(CMD_QUERY)->allowed & KWBIT(KW_PIPE));
}
END_TEST

/*
 * Run cli_resolve on args with the given input; *outp receives what
 * was printed (caller frees).
 */
static int
resolve(struct request *req, const char *home, const char *input,
    char **outp, struct errbuf *err)
{
	char inbuf[256];
	FILE *in, *out;
	size_t outlen;
	int r;

	ck_assert_uint_lt(strlen(input), sizeof(inbuf));
	memcpy(inbuf, input, strlen(input) + 1);
	in = fmemopen(inbuf, strlen(input), "r");
	ck_assert_ptr_nonnull(in);
	out = open_memstream(outp, &outlen);
	ck_assert_ptr_nonnull(out);
	err->msg[0] = '\0';
	r = cli_resolve(req, home, in, out, err);
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(fclose(in), 0);
	return r;
}

START_TEST(test_resolve_values)
{
	struct request req;
	struct errbuf err;
	char *dir = test_tmpdir(), *out;

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=03000",
	    "servertype=out", "poll=00:10:00", "server="), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), 0);
	ck_assert_str_eq(req.val[KW_PORT], "3000");
	ck_assert_str_eq(req.val[KW_SERVERTYPE], "OUT");
	ck_assert_str_eq(req.val[KW_POLL], "600");
	ck_assert_str_eq(req.raw[KW_PORT], "03000");
	/* An empty server= means the default server. */
	ck_assert_ptr_null(req.val[KW_SERVER]);
	ck_assert_str_eq(out, "");
	free(out);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=80"), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), EXIT_USAGE);
	assert_contains(err.msg, "port=80");
	assert_contains(err.msg, "1024");
	free(out);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "pipe=relative/p"), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), EXIT_USAGE);
	assert_contains(err.msg, "pipe=relative/p");
	free(out);
	cli_request_free(&req);

	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_resolve_prompt)
{
	struct request req;
	struct errbuf err;
	char *dir = test_tmpdir(), *out;

	/* "?" shows the help, then the answer is taken. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "?\n3000\n", &out, &err), 0);
	ck_assert_str_eq(req.val[KW_PORT], "3000");
	ck_assert_str_eq(req.raw[KW_PORT], "3000");
	assert_contains(out, kw_def(KW_PORT)->help);
	assert_contains(out, kw_def(KW_PORT)->label);
	free(out);
	cli_request_free(&req);

	/* q abandons. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "q\n", &out, &err), EXIT_FAILED);
	assert_contains(err.msg, "port");
	assert_contains(err.msg, "abandoned");
	free(out);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "Q\n", &out, &err), EXIT_FAILED);
	free(out);
	cli_request_free(&req);

	/* End of input abandons too. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), EXIT_FAILED);
	assert_contains(err.msg, "port");
	free(out);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "?\n", &out, &err), EXIT_FAILED);
	free(out);
	cli_request_free(&req);

	/* A wrong answer is explained and asked again. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "80\n3000\n", &out, &err), 0);
	ck_assert_str_eq(req.val[KW_PORT], "3000");
	assert_contains(out, "port=80");
	assert_contains(out, kw_def(KW_PORT)->allowed);
	free(out);
	cli_request_free(&req);

	/* Answers are normalized like given values; CRLF is tolerated. */
	ck_assert_int_eq(PARSE(&req, &err, "setup", "servertype=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "in\r\n", &out, &err), 0);
	ck_assert_str_eq(req.val[KW_SERVERTYPE], "IN");
	free(out);
	cli_request_free(&req);

	/* An empty answer to server= means the default server. */
	ck_assert_int_eq(PARSE(&req, &err, "status", "server=?"), 0);
	ck_assert_int_eq(resolve(&req, dir, "\n", &out, &err), 0);
	ck_assert_ptr_null(req.val[KW_SERVER]);
	free(out);
	cli_request_free(&req);

	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_resolve_last)
{
	struct request req;
	struct errbuf err;
	char *dir = test_tmpdir(), *out, *v;

	/* Nothing remembered yet. */
	ck_assert_ptr_null(lastval_get(dir, KW_PORT));
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=."), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), EXIT_USAGE);
	assert_contains(err.msg, "port=.");
	free(out);
	cli_request_free(&req);

	/* Remember port, then host. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=3000"), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), 0);
	ck_assert_int_eq(lastval_save(dir, &req), 0);
	free(out);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=."), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), 0);
	ck_assert_str_eq(req.val[KW_PORT], "3000");
	free(out);
	cli_request_free(&req);

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "host=backup"), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), 0);
	ck_assert_int_eq(lastval_save(dir, &req), 0);
	free(out);
	cli_request_free(&req);

	/* The first keyword's value survives saving another keyword. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=.", "host=."), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), 0);
	ck_assert_str_eq(req.val[KW_PORT], "3000");
	ck_assert_str_eq(req.val[KW_HOST], "backup");
	free(out);
	cli_request_free(&req);

	/* A new value replaces the old one; others are still unknown. */
	ck_assert_int_eq(PARSE(&req, &err, "setarg", "port=3001"), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), 0);
	ck_assert_int_eq(lastval_save(dir, &req), 0);
	free(out);
	cli_request_free(&req);
	v = lastval_get(dir, KW_PORT);
	ck_assert_pstr_eq(v, "3001");
	free(v);
	v = lastval_get(dir, KW_HOST);
	ck_assert_pstr_eq(v, "backup");
	free(v);
	ck_assert_ptr_null(lastval_get(dir, KW_TRACE));

	ck_assert_int_eq(PARSE(&req, &err, "setarg", "trace=."), 0);
	ck_assert_int_eq(resolve(&req, dir, "", &out, &err), EXIT_USAGE);
	assert_contains(err.msg, "trace");
	free(out);
	cli_request_free(&req);

	test_rmtree(dir);
	free(dir);
}
END_TEST

static int
yes(const char *input, char **outp)
{
	char inbuf[64];
	FILE *in, *out;
	size_t outlen;
	int r;

	memcpy(inbuf, input, strlen(input) + 1);
	in = fmemopen(inbuf, strlen(input), "r");
	ck_assert_ptr_nonnull(in);
	out = open_memstream(outp, &outlen);
	ck_assert_ptr_nonnull(out);
	r = ask_yes(in, out, "Stop BOTH servers");
	ck_assert_int_eq(fclose(out), 0);
	ck_assert_int_eq(fclose(in), 0);
	return r;
}

START_TEST(test_ask_yes)
{
	static const struct {
		const char	*input;
		int		 want;
	} cases[] = {
		{ "y\n", 1 }, { "yes\n", 1 }, { "Y\n", 1 }, { "YES", 1 },
		{ "n\n", 0 }, { "no\n", 0 }, { "\n", 0 }, { "", 0 },
		{ "yess\n", 0 }, { "x\ny\n", 0 },
	};
	char *out;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		ck_assert_msg(yes(cases[i].input, &out) == cases[i].want,
		    "answer '%s'", cases[i].input);
		assert_contains(out, "Stop BOTH servers");
		free(out);
	}
}
END_TEST

START_TEST(test_usage)
{
	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	int c, k;

	ck_assert_ptr_nonnull(f);
	cli_usage(f);
	ck_assert_int_eq(fclose(f), 0);
	for (c = 0; c < CMD__COUNT; c++)
		assert_contains(text, cli_cmd(c)->name);
	for (k = 0; k < KW__COUNT; k++)
		assert_contains(text, kw_def(k)->name);
	free(text);
}
END_TEST

START_TEST(test_run)
{
	char *dir = test_tmpdir(), *text, *v, *old = getenv("TAPESOCK_HOME");
	size_t len;
	FILE *in, *out;

	old = old != NULL ? xstrdup(old) : NULL;
	ck_assert_int_eq(setenv("TAPESOCK_HOME", dir, 1), 0);
	in = fopen("/dev/null", "r");
	ck_assert_ptr_nonnull(in);
	out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(cli_run(ARGC("nosuchcmd"), ARGV("nosuchcmd"), in,
	    out), EXIT_USAGE);
	ck_assert_int_eq(cli_run(ARGC("setup", "servertype=IN", "port=3000",
	    "(Q"), ARGV("setup", "servertype=IN", "port=3000", "(Q"), in,
	    out), EXIT_OK);
	/* What succeeded is remembered, as after tape-socket. */
	v = lastval_get(dir, KW_PORT);
	ck_assert_pstr_eq(v, "3000");
	free(v);
	ck_assert_int_eq(cli_run(ARGC("show", "server=default"),
	    ARGV("show", "server=default"), in, out), EXIT_OK);
	ck_assert_int_eq(fclose(out), 0);
	assert_contains(text, "Server default");
	assert_contains(text, "3000");
	free(text);
	ck_assert_int_eq(fclose(in), 0);
	if (old != NULL)
		setenv("TAPESOCK_HOME", old, 1);
	else
		unsetenv("TAPESOCK_HOME");
	free(old);
	test_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_test(tc, test_cmd_lookup);
	tcase_add_test(tc, test_unknown_cmd);
	tcase_add_test(tc, test_parse_ok);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_resolve_values);
	tcase_add_test(tc, test_resolve_prompt);
	tcase_add_test(tc, test_resolve_last);
	tcase_add_test(tc, test_ask_yes);
	tcase_add_test(tc, test_usage);
	tcase_add_test(tc, test_run);
	suite_add_tcase(s, tc);
	return s;
}
