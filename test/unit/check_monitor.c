/*
 * check_monitor.c — the pieces of the monitoring outputs: the JSON
 * writer (nesting, commas, escaping of quotes, backslashes, control
 * characters and invalid UTF-8, numbers, misuse), the progress line's
 * text, the query answer read by qinfo, and the GNU-style flags of
 * cli_parse.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json.h"
#include "progress.h"
#include "qinfo.h"
#include "tests.h"

#define ARGV(...)	((char *[]){ __VA_ARGS__, NULL })
#define ARGC(...)	((int)(sizeof((char *[]){ __VA_ARGS__ }) / \
			    sizeof(char *)))
#define PARSE(req, err, ...)	\
	cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (req), (err))

/* The JSON of one string value. */
static char *
json_of(const char *s, size_t len)
{
	struct json j;
	char *out;

	json_init(&j);
	json_string_len(&j, s, len);
	ck_assert_ptr_nonnull(json_result(&j));
	out = strdup(json_result(&j));
	json_free(&j);
	return out;
}

static void
expect_string(const char *in, size_t len, const char *want)
{
	char *got = json_of(in, len);

	ck_assert_str_eq(got, want);
	free(got);
}

START_TEST(test_json_nesting)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "a", "x");
	json_key(&j, "b");
	json_array_begin(&j);
	json_int(&j, -3);
	json_uint(&j, UINT64_MAX);
	json_bool(&j, 1);
	json_bool(&j, 0);
	json_null(&j);
	json_object_begin(&j);
	json_object_end(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	json_kv_uint(&j, "c", 0);
	json_key(&j, "d");
	json_string(&j, NULL);
	json_object_end(&j);
	ck_assert_str_eq(json_result(&j), "{\"a\":\"x\",\"b\":[-3,"
	    "18446744073709551615,true,false,null,{},[]],\"c\":0,\"d\":null}");
	json_free(&j);
}
END_TEST

START_TEST(test_json_escape)
{
	expect_string("plain", 5, "\"plain\"");
	expect_string("a\"b\\c/", 6, "\"a\\\"b\\\\c/\"");
	expect_string("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	expect_string("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	expect_string("a\0b", 3, "\"a\\u0000b\"");
	/* Valid UTF-8 passes: é, €, U+10348. */
	expect_string("\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88", 9,
	    "\"\xc3\xa9\xe2\x82\xac\xf0\x90\x8d\x88\"");
	/* Invalid bytes become U+FFFD, one each. */
	expect_string("\xff", 1, "\"\\ufffd\"");
	expect_string("a\xc3", 2, "\"a\\ufffd\"");		/* cut short */
	expect_string("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");	/* overlong */
	expect_string("\xed\xa0\x80", 3,
	    "\"\\ufffd\\ufffd\\ufffd\"");			/* surrogate */
	expect_string("\xf4\x90\x80\x80", 4,
	    "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");		/* > U+10FFFF */
	expect_string("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");
}
END_TEST

START_TEST(test_json_keys_escaped)
{
	struct json j;

	json_init(&j);
	json_object_begin(&j);
	json_kv_bool(&j, "k\"\n", 1);
	json_object_end(&j);
	ck_assert_str_eq(json_result(&j), "{\"k\\\"\\n\":true}");
	json_free(&j);
}
END_TEST

START_TEST(test_json_numbers)
{
	struct json j;

	json_init(&j);
	json_array_begin(&j);
	json_fixed(&j, 1.25, 1);
	json_fixed(&j, 3, 0);
	json_fixed(&j, -0.01, 1);
	json_fixed(&j, NAN, 1);
	json_fixed(&j, INFINITY, 2);
	json_int(&j, INT64_MIN);
	json_array_end(&j);
	ck_assert_str_eq(json_result(&j),
	    "[1.2,3,0.0,null,null,-9223372036854775808]");
	json_free(&j);
}
END_TEST

START_TEST(test_json_misuse)
{
	struct json j;

	/* Not closed. */
	json_init(&j);
	json_object_begin(&j);
	ck_assert_ptr_null(json_result(&j));
	json_free(&j);
	/* A key with no value. */
	json_init(&j);
	json_object_begin(&j);
	json_key(&j, "a");
	json_object_end(&j);
	ck_assert_ptr_null(json_result(&j));
	json_free(&j);
	/* Two values at the top, a close too many. */
	json_init(&j);
	json_int(&j, 1);
	json_int(&j, 2);
	ck_assert_ptr_null(json_result(&j));
	json_free(&j);
	json_init(&j);
	json_array_begin(&j);
	json_array_end(&j);
	json_array_end(&j);
	ck_assert_ptr_null(json_result(&j));
	json_free(&j);
	/* A key at the top. */
	json_init(&j);
	json_key(&j, "a");
	ck_assert_ptr_null(json_result(&j));
	json_free(&j);
	/* Nothing at all. */
	json_init(&j);
	ck_assert_ptr_null(json_result(&j));
	json_free(&j);
}
END_TEST

START_TEST(test_json_large)
{
	struct json j;
	size_t i;

	json_init(&j);
	json_array_begin(&j);
	for (i = 0; i < 10000; i++)
		json_string(&j, "0123456789");
	json_array_end(&j);
	ck_assert_uint_eq(strlen(json_result(&j)), 2 + 10000 * 13 - 1);
	json_free(&j);
}
END_TEST

START_TEST(test_progress_format)
{
	char buf[160];

	progress_format(buf, sizeof(buf), "put", 10 * 1048576,
	    40 * 1048576, 2.0);
	ck_assert_str_eq(buf, "put: 10.0 MiB of 40.0 MiB (25%) @ 5.0 MiB/s, "
	    "0:06 left");
	progress_format(buf, sizeof(buf), "drain", 512, PROGRESS_UNKNOWN, 0);
	ck_assert_str_eq(buf, "drain: 512 B @ 0.0 MiB/s");
	progress_format(buf, sizeof(buf), "put", 40 * 1048576,
	    40 * 1048576, 4.0);
	ck_assert_str_eq(buf, "put: 40.0 MiB of 40.0 MiB (100%) @ 10.0 MiB/s");
	progress_format(buf, sizeof(buf), "put", 0, 0, 1.0);
	ck_assert_str_eq(buf, "put: 0 B of 0 B (100%) @ 0.0 MiB/s");
	progress_bytes(buf, sizeof(buf), 3ULL << 40);
	ck_assert_str_eq(buf, "3.0 TiB");
	progress_bytes(buf, sizeof(buf), 1536);
	ck_assert_str_eq(buf, "1.5 KiB");
	progress_eta(buf, sizeof(buf), 3723);
	ck_assert_str_eq(buf, "1:02:03");
	progress_eta(buf, sizeof(buf), 59.6);
	ck_assert_str_eq(buf, "1:00");
	progress_eta(buf, sizeof(buf), -1);
	ck_assert_str_eq(buf, "-");
	progress_eta(buf, sizeof(buf), NAN);
	ck_assert_str_eq(buf, "-");
}
END_TEST

START_TEST(test_progress_not_a_tty)
{
	struct progress p;
	char path[] = "/tmp/tapesock-progress.XXXXXX";
	FILE *f;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	progress_init(&p, fd, "put", 100);
	ck_assert_int_eq(p.fd, -1);
	progress_update(&p, 50);
	progress_end(&p, 100);
	f = fdopen(fd, "r");
	fseek(f, 0, SEEK_END);
	ck_assert_int_eq(ftell(f), 0);	/* nothing written to a file */
	fclose(f);
	unlink(path);
}
END_TEST

static const char out_answer[] =
    "Server: default (OUT) pid 4250\n"
    "host: 127.0.0.1\n"
    "spoolmax: 1G\n"
    "Next poll time: off\n"
    "Txlog lag: 3 transaction(s), 1.5 s (poll 2's way)\n"
    "Txlog poll: failing, last seen on the backup 42 s ago\n"
    "Total Data transferred: 330 KB\n"
    "Last msgnum: 4 (0.6 msg/s)\n"
    "msgin: 4\n"
    "msgout: 5\n"
    "curmsg: 4\n"
    "Status: Reading pipe\n"
    "Pipe error: none\n"
    "Heartbeat timeouts: 0\n"
    "Connection changed: 12 s ago\n"
    "Connected: yes\n"
    "Unacknowledged: 2\n"
    "Disconnections: 0\n"
    "Spool: 2048 of 1G bytes, messages 3 to 4 (full)\n"
    "Acknowledged: 2\n"
    "Keeper: none\n";

START_TEST(test_qinfo_out)
{
	struct errbuf err;
	struct qinfo q;
	struct json j;

	ck_assert_int_eq(qinfo_parse(out_answer, &q, &err), 0);
	ck_assert_str_eq(q.name, "default");
	ck_assert_str_eq(q.type, "OUT");
	ck_assert_int_eq(q.pid, 4250);
	ck_assert_int_eq(q.connected, 1);
	ck_assert(q.conn_changed == 12);
	ck_assert_uint_eq(q.unacked, 2);
	ck_assert_uint_eq(q.kbytes, 330);
	ck_assert(fabs(q.rate - 0.6) < 1e-9);
	ck_assert_int_eq(q.has_spool, 1);
	ck_assert_uint_eq(q.spool_bytes, 2048);
	ck_assert_uint_eq(q.spool_max, 1ULL << 30);
	ck_assert_uint_eq(q.spool_first, 3);
	ck_assert_int_eq(q.spool_full, 1);
	ck_assert_int_eq(q.lag_known, 1);
	ck_assert_uint_eq(q.lag_tx, 3);
	ck_assert(fabs(q.lag_s - 1.5) < 1e-9);
	ck_assert_int_eq(q.poll_failing, 1);
	ck_assert(q.poll_age == 42);
	ck_assert_str_eq(q.pipe_error, "");
	ck_assert_str_eq(qinfo_get(&q, "Keeper"), "none");
	json_init(&j);
	qinfo_json(&q, &j);
	ck_assert_ptr_nonnull(json_result(&j));
	ck_assert_ptr_nonnull(strstr(json_result(&j),
	    "\"parameters\":{\"host\":\"127.0.0.1\",\"spoolmax\":\"1G\"}"));
	ck_assert_ptr_nonnull(strstr(json_result(&j), "\"connected\":true"));
	ck_assert_ptr_nonnull(strstr(json_result(&j), "\"txlog_lag\":{"
	    "\"transactions\":3,\"seconds\":1.5,"));
	ck_assert_ptr_nonnull(strstr(json_result(&j),
	    "\"Pipe error\":\"none\""));
	json_free(&j);
	qinfo_free(&q);
}
END_TEST

START_TEST(test_qinfo_bad)
{
	static const char *const bad[] = {
	    "",
	    "Status: Reading pipe\n",			/* no Server line */
	    "Server: x\n",				/* not its form */
	    "Server: x (OUT) pid 1\nno colon here\n",
	    "Server: x (OUT) pid 1\nStatus: Reading pipe\n",	/* lines missing */
	    "Server: x (OUT) pid 1\nUnacknowledged: many\n",
	    "Server: x (OUT) pid 1\nSpool: 1 of 1Q bytes, messages 1 to 2\n",
	};
	struct errbuf err;
	struct qinfo q;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(qinfo_parse(bad[i], &q, &err) == -1,
		    "accepted: %s", bad[i]);
}
END_TEST

START_TEST(test_flags)
{
	struct request req;
	struct errbuf err;

	ck_assert_int_eq(PARSE(&req, &err, "status", "--check",
	    "--warn-lag=5", "--crit-lag", "9", "server=x"), 0);
	ck_assert_uint_eq(req.flags, FLBIT(FL_CHECK) | FLBIT(FL_WARN_LAG) |
	    FLBIT(FL_CRIT_LAG));
	ck_assert_uint_eq(req.flagval[FL_WARN_LAG], 5);
	ck_assert_uint_eq(req.flagval[FL_CRIT_LAG], 9);
	/* Defaults filled in for the others. */
	ck_assert_uint_eq(req.flagval[FL_WARN_SPOOL], 50);
	ck_assert_uint_eq(req.flagval[FL_CRIT_CONN], 300);
	ck_assert_str_eq(req.raw[KW_SERVER], "x");
	cli_request_free(&req);
	ck_assert_int_eq(PARSE(&req, &err, "sta", "-f", "--interval=3"), 0);
	ck_assert_uint_eq(req.flagval[FL_INTERVAL], 3);
	cli_request_free(&req);
	ck_assert_int_eq(PARSE(&req, &err, "q", "--json"), 0);
	cli_request_free(&req);
	ck_assert_int_eq(cli_wants_check(ARGC("sta", "x=1", "--check"),
	    ARGV("sta", "x=1", "--check")), 1);
	ck_assert_int_eq(cli_wants_check(ARGC("query", "--check"),
	    ARGV("query", "--check")), 0);
}
END_TEST

START_TEST(test_flags_refused)
{
	static const char *const why[] = { "unknown flag", "unknown flag",
	    "unknown flag", "not a whole number", "not a whole number",
	    "not a whole number", "given twice", "threshold of --check",
	    "one of three", "takes no value", "interval of --follow",
	    "not a whole number", "unknown flag" };
	struct request req;
	struct errbuf err;
	int n = 0;

#define REFUSED(...) do {						\
	ck_assert_int_eq(PARSE(&req, &err, __VA_ARGS__), EXIT_USAGE);	\
	ck_assert_msg(strstr(err.msg, why[n]) != NULL, "%s: %s", why[n],	\
	    err.msg);							\
	n++;								\
} while (0)
	REFUSED("status", "--nope");
	REFUSED("put", "--json");
	REFUSED("query", "--check");
	REFUSED("status", "--check", "--warn-lag=x");
	REFUSED("status", "--check", "--warn-spool=101");
	REFUSED("status", "--check", "--warn-lag");
	REFUSED("status", "--json", "--json");
	REFUSED("status", "--warn-lag=1");
	REFUSED("status", "--json", "--follow");
	REFUSED("status", "--check=1");
	REFUSED("status", "--interval=2");
	REFUSED("status", "-f", "--interval=0");
	REFUSED("status", "--jso");
#undef REFUSED
}
END_TEST

Suite *
monitor_suite(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_json_nesting);
	tcase_add_test(tc, test_json_escape);
	tcase_add_test(tc, test_json_keys_escaped);
	tcase_add_test(tc, test_json_numbers);
	tcase_add_test(tc, test_json_misuse);
	tcase_add_test(tc, test_json_large);
	tcase_add_test(tc, test_progress_format);
	tcase_add_test(tc, test_progress_not_a_tty);
	tcase_add_test(tc, test_qinfo_out);
	tcase_add_test(tc, test_qinfo_bad);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_flags_refused);
	suite_add_tcase(s, tc);
	return s;
}
