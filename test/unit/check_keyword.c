/*
 * check_keyword.c — every keyword's validation and normalization
 * (kw_check), the keyword table (kw_def, kw_lookup) and the poll
 * accessors.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyword.h"
#include "tests.h"

/* kw_check must accept v and normalize it to want (NULL: v itself). */
static void
ok_depth(enum kw k, const char *v, enum kwcheck depth, const char *want)
{
	struct errbuf err;
	char *norm = NULL;
	int r;

	err.msg[0] = '\0';
	r = kw_check(k, v, depth, &norm, &err);
	ck_assert_msg(r == 0, "%s=%s rejected: %s", kw_def(k)->name, v,
	    err.msg);
	ck_assert_ptr_nonnull(norm);
	ck_assert_str_eq(norm, want != NULL ? want : v);
	free(norm);
}

static void
ok(enum kw k, const char *v, const char *want)
{
	ok_depth(k, v, KWC_FULL, want);
}

/* kw_check must refuse v, leave *norm NULL and say why. */
static void
bad_depth(enum kw k, const char *v, enum kwcheck depth)
{
	struct errbuf err;
	char *norm = (char *)"sentinel";
	int r;

	err.msg[0] = '\0';
	r = kw_check(k, v, depth, &norm, &err);
	ck_assert_msg(r == -1, "%s=%s accepted as '%s'", kw_def(k)->name,
	    v, r == 0 && norm != NULL ? norm : "");
	ck_assert_ptr_null(norm);
	ck_assert_msg(err.msg[0] != '\0', "%s=%s: no reason given",
	    kw_def(k)->name, v);
}

static void
bad(enum kw k, const char *v)
{
	bad_depth(k, v, KWC_FULL);
}

START_TEST(test_port)
{
	ok(KW_PORT, "1024", NULL);
	ok(KW_PORT, "3000", NULL);
	ok(KW_PORT, "32767", NULL);
	ok(KW_PORT, "03000", "3000");
	bad(KW_PORT, "1023");
	bad(KW_PORT, "32768");
	bad(KW_PORT, "0");
	bad(KW_PORT, "abc");
	bad(KW_PORT, "-1");
	bad(KW_PORT, "+3000");
	bad(KW_PORT, " 3000");
	bad(KW_PORT, "3000 ");
	bad(KW_PORT, "");
	bad(KW_PORT, "99999999999999999999");
	bad(KW_PORT, "18446744073709551616");
	bad_depth(KW_PORT, "", KWC_SYNTAX);
}
END_TEST

START_TEST(test_words)
{
	ok(KW_SERVERTYPE, "in", "IN");
	ok(KW_SERVERTYPE, "IN", "IN");
	ok(KW_SERVERTYPE, "In", "IN");
	ok(KW_SERVERTYPE, "out", "OUT");
	ok(KW_SERVERTYPE, "OUT", "OUT");
	bad(KW_SERVERTYPE, "inout");
	bad(KW_SERVERTYPE, "i");
	bad(KW_SERVERTYPE, "send");

	ok(KW_TXLOG, "on", "ON");
	ok(KW_TXLOG, "OFF", "OFF");
	ok(KW_TXLOG, "Off", "OFF");
	bad(KW_TXLOG, "yes");
	bad(KW_TXLOG, "1");

	ok(KW_TXOPT, "dl", "DL");
	ok(KW_TXOPT, "ALL", "ALL");
	ok(KW_TXOPT, "all", "ALL");
	bad(KW_TXOPT, "some");

	ok(KW_PROT, "inet", "inet");
	ok(KW_PROT, "INET", "inet");
	bad(KW_PROT, "unix");
	bad(KW_PROT, "inet6");
}
END_TEST

START_TEST(test_poll)
{
	char buf[16];
	uint64_t secs;

	ok(KW_POLL, "0", "0");
	ok(KW_POLL, "600", "600");
	ok(KW_POLL, "00:10:00", "600");
	ok(KW_POLL, "0:0:1", "1");
	ok(KW_POLL, "01:00:00", "3600");
	ok(KW_POLL, "99:59:59", "359999");
	ok(KW_POLL, "359999", "359999");
	bad(KW_POLL, "360000");
	bad(KW_POLL, "1:60:00");
	bad(KW_POLL, "1:00:60");
	bad(KW_POLL, "100:00:00");
	bad(KW_POLL, "24:00");
	bad(KW_POLL, "1:2:3:4");
	bad(KW_POLL, "abc");
	bad(KW_POLL, "::");
	bad(KW_POLL, "1::");
	bad(KW_POLL, "10:00:");
	bad(KW_POLL, "-1");
	bad(KW_POLL, "1.5");

	ck_assert_int_eq(kw_poll_seconds("00:10:00", &secs), 0);
	ck_assert_uint_eq(secs, 600);
	ck_assert_int_eq(kw_poll_seconds("600", &secs), 0);
	ck_assert_uint_eq(secs, 600);
	ck_assert_int_eq(kw_poll_seconds("24:00", &secs), -1);

	kw_poll_format(600, buf, sizeof(buf));
	ck_assert_str_eq(buf, "00:10:00");
	kw_poll_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "00:00:00");
	kw_poll_format(359999, buf, sizeof(buf));
	ck_assert_str_eq(buf, "99:59:59");
	kw_poll_format(3661, buf, sizeof(buf));
	ck_assert_str_eq(buf, "01:01:01");
	/* Format and parse are inverse. */
	ck_assert_int_eq(kw_poll_seconds(buf, &secs), 0);
	ck_assert_uint_eq(secs, 3661);
}
END_TEST

START_TEST(test_counts)
{
	static const enum kw counts[] = { KW_CALLREP, KW_NDISC, KW_TXPRIOD };
	size_t i;

	for (i = 0; i < ARRAY_LEN(counts); i++) {
		ok(counts[i], "0", NULL);
		ok(counts[i], "5", NULL);
		ok(counts[i], "007", "7");
		ok(counts[i], "1000000000", NULL);
		bad(counts[i], "1000000001");
		bad(counts[i], "99999999999999999999");
		bad(counts[i], "1.5");
		bad(counts[i], "-1");
		bad(counts[i], "x");
		bad(counts[i], "");
	}
	ok(KW_TRACE, "0", NULL);
	ok(KW_TRACE, "4", NULL);
	ok(KW_TRACE, "100000", NULL);
	bad(KW_TRACE, "100001");
	bad(KW_TRACE, "-1");
	bad(KW_TRACE, "many");

	ok(KW_CALLDELAY, "1", NULL);
	ok(KW_CALLDELAY, "3600", NULL);
	bad(KW_CALLDELAY, "0");
	bad(KW_CALLDELAY, "3601");
	bad(KW_CALLDELAY, "x");

	ok(KW_PIB, "1234", NULL);
	ok(KW_PIB, "1", NULL);
	bad(KW_PIB, "0");
	bad(KW_PIB, "x");
	bad(KW_PIB, "-5");
	bad(KW_PIB, "99999999999");
}
END_TEST

START_TEST(test_pipe)
{
	char *dir = test_tmpdir();
	char *fifo = xasprintf("%s/tapein", dir);
	char *reg = xasprintf("%s/regular", dir);
	char *missing = xasprintf("%s/missing", dir);
	FILE *f;

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	f = fopen(reg, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fclose(f), 0);

	bad(KW_PIPE, "dev/tapein");
	bad_depth(KW_PIPE, "dev/tapein", KWC_SYNTAX);
	bad(KW_PIPE, "./tapein");
	bad(KW_PIPE, missing);
	ok_depth(KW_PIPE, missing, KWC_SYNTAX, NULL);
	bad(KW_PIPE, reg);
	bad(KW_PIPE, dir);
	ok(KW_PIPE, fifo, NULL);
	ok(KW_PIPE, "/dev/null", NULL);
	/* Issue 9 §5: no symbolic link, no directory others may write. */
	{
		char *ln = xasprintf("%s/link", dir);
		char *ww = xasprintf("%s/ww", dir);
		char *wwf = xasprintf("%s/ww/tapein", dir);

		ck_assert_int_eq(symlink(fifo, ln), 0);
		bad(KW_PIPE, ln);
		ok_depth(KW_PIPE, ln, KWC_SYNTAX, NULL);
		ck_assert_int_eq(mkdir(ww, 0700), 0);
		ck_assert_int_eq(mkfifo(wwf, 0600), 0);
		ok(KW_PIPE, wwf, NULL);
		ck_assert_int_eq(chmod(ww, 0777), 0);
		bad(KW_PIPE, wwf);
		ck_assert_int_eq(chmod(ww, 0770), 0);
		bad(KW_PIPE, wwf);
		/* Sticky: nobody else may rename or remove our entry. */
		ck_assert_int_eq(chmod(ww, 01777), 0);
		ok(KW_PIPE, wwf, NULL);
		free(ln);
		free(ww);
		free(wwf);
	}

	free(missing);
	free(reg);
	free(fifo);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_notify)
{
	struct errbuf err;
	char *norm;

	ok(KW_NOTIFY, "OFF", "OFF");
	ok(KW_NOTIFY, "off", "OFF");
	/* Found by fuzz_keyword: "oFF " was the user oFF, which the
	 * configuration read back as the word OFF. */
	ok(KW_NOTIFY, "oFF   ", "OFF");
	ok_depth(KW_NOTIFY, " off", KWC_SYNTAX, "OFF");
	ok_depth(KW_NOTIFY, "off,root", KWC_SYNTAX, NULL);
	ok(KW_NOTIFY, "root", NULL);
	ok(KW_NOTIFY, "*", NULL);
	ok(KW_NOTIFY, "!0", NULL);
	ok(KW_NOTIFY, "root,!0,*", NULL);
	ok(KW_NOTIFY, "root,!pts/3", NULL);
	ok(KW_NOTIFY, "root, !0", "root,!0");
	ok(KW_NOTIFY, "exec logger -t ts", NULL);
	/* exec takes the rest of the list, commas included. */
	ok(KW_NOTIFY, "root,exec mail -s x root,y",
	    "root,exec mail -s x root,y");
	bad(KW_NOTIFY, "exec");
	bad_depth(KW_NOTIFY, "exec", KWC_SYNTAX);
	bad(KW_NOTIFY, "exec ");
	bad(KW_NOTIFY, "root,exec ");
	bad(KW_NOTIFY, "bad user!");
	bad_depth(KW_NOTIFY, "bad user!", KWC_SYNTAX);
	bad(KW_NOTIFY, "!");
	/* Issue 9 §5: !line names a terminal, never another device. */
	bad(KW_NOTIFY, "!sda");
	bad_depth(KW_NOTIFY, "!sda", KWC_SYNTAX);
	bad(KW_NOTIFY, "!null");
	bad(KW_NOTIFY, "!pts/x");
	bad(KW_NOTIFY, "!tty/../sda");
	bad(KW_NOTIFY, "!pts/../sda");
	bad(KW_NOTIFY, "!shm/x");
	ok(KW_NOTIFY, "!tty", NULL);
	ok(KW_NOTIFY, "!tty1", NULL);
	ok(KW_NOTIFY, "!ttyS0", NULL);
	ok(KW_NOTIFY, "!12", NULL);
	bad(KW_NOTIFY, "root,!x y");
	bad(KW_NOTIFY, "nosuchuser_zz");
	ok_depth(KW_NOTIFY, "nosuchuser_zz", KWC_SYNTAX, NULL);
	bad_depth(KW_NOTIFY, "a,,b", KWC_SYNTAX);
	bad_depth(KW_NOTIFY, "a,", KWC_SYNTAX);
	bad_depth(KW_NOTIFY, ",a", KWC_SYNTAX);

	/* The reason names the problem. */
	ck_assert_int_eq(kw_check(KW_NOTIFY, "nosuchuser_zz", KWC_FULL,
	    &norm, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "nosuchuser_zz"));
	ck_assert_int_eq(kw_check(KW_NOTIFY, "a,,b", KWC_SYNTAX, &norm,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "empty"));
}
END_TEST

START_TEST(test_server_name)
{
	char name[SERVER_NAME_MAX + 2];

	ok(KW_SERVER, "main", NULL);
	ok(KW_SERVER, "a.b-c_d", NULL);
	ok(KW_SERVER, "0prod", NULL);
	memset(name, 'a', SERVER_NAME_MAX);
	name[SERVER_NAME_MAX] = '\0';
	ok(KW_SERVER, name, NULL);
	name[SERVER_NAME_MAX] = 'a';
	name[SERVER_NAME_MAX + 1] = '\0';
	bad(KW_SERVER, name);
	bad(KW_SERVER, "-x");
	bad(KW_SERVER, ".x");
	bad(KW_SERVER, "a b");
	bad(KW_SERVER, "a/b");
	bad(KW_SERVER, "a:b");
	bad(KW_SERVER, "");
}
END_TEST

START_TEST(test_host)
{
	ok(KW_HOST, "backup", NULL);
	ok(KW_HOST, "db1.example.org", NULL);
	ok(KW_HOST, "127.0.0.1", NULL);
	ok(KW_HOST, "::1", NULL);
	ok(KW_HOST, "fe80::1", NULL);
	bad(KW_HOST, "bad host");
	bad(KW_HOST, "-x");
	bad(KW_HOST, "a..b");
	bad(KW_HOST, ".a");
	bad(KW_HOST, "a.");
	bad(KW_HOST, "a-.b");
	bad(KW_HOST, "a/b");
	bad(KW_HOST, "::g");
	bad(KW_HOST, "");
}
END_TEST

START_TEST(test_cmd)
{
	static const char *const good[] = { "query", "msgnum", "shtdwn",
	    "tlchk", "tlstrt", "troff", "tron", "tron 10", "tron 100000",
	    "exec who", "exec ls -l /tmp", "test -f dm,users,",
	    "test -r f id", "test -rd f id" };
	static const char *const wrong[] = { "tron x", "tron 100001",
	    "tron 1 2", "test -x f", "test -f", "test -f a b", "test -r f",
	    "test -r f id x", "test", "query extra", "troff 1", "frob",
	    "exec", " " };
	size_t i;

	for (i = 0; i < ARRAY_LEN(good); i++)
		ok(KW_CMD, good[i], NULL);
	for (i = 0; i < ARRAY_LEN(wrong); i++)
		bad(KW_CMD, wrong[i]);
}
END_TEST

START_TEST(test_sizes)
{
	static const char *const wrong[] = { "", "1023K", "0", "M", "1X",
	    "2T", "-1G", "1.5G", "99999999999999999999", "1GG" };
	uint64_t b;
	size_t i;

	ok(KW_SPOOLMAX, "1G", "1G");
	ok(KW_SPOOLMAX, "64m", "64M");
	ok(KW_SPOOLMAX, "1048576", "1048576");
	ok(KW_SPOOLMAX, "1T", "1T");
	for (i = 0; i < ARRAY_LEN(wrong); i++)
		bad(KW_SPOOLMAX, wrong[i]);
	ck_assert_int_eq(kw_size_bytes("3K", &b), 0);
	ck_assert_uint_eq(b, 3072);
	ck_assert_int_eq(kw_size_bytes("2G", &b), 0);
	ck_assert_uint_eq(b, 2ull << 30);
	ck_assert_int_eq(kw_size_bytes("17179869184T", &b), -1);
	ok(KW_SYNC, "off", "OFF");
	bad(KW_SYNC, "sometimes");
	ok(KW_LOGMAX, "64k", "64K");
	ok(KW_LOGMAX, "1G", "1G");
	bad(KW_LOGMAX, "63K");
	bad(KW_LOGMAX, "2G");
	ok(KW_TLS, "cert", "CERT");
	ok(KW_TLS, "off", "OFF");
	bad(KW_TLS, "psk");
	ok(KW_TLSCA, "/dev/null", "/dev/null");
	bad(KW_TLSCA, "ca.pem");
	bad(KW_TLSKEY, "/nonexistent/key.pem");
	ok(KW_DATADIR, "/tmp", "/tmp");
	bad(KW_DATADIR, "tmp");
	bad(KW_DATADIR, "/dev/null");
	ok(KW_EXECALLOW, "date,/usr/bin/uptime", "date,/usr/bin/uptime");
	bad(KW_EXECALLOW, "date,,who");
	bad(KW_EXECALLOW, "rm -rf");
	bad(KW_EXECALLOW, "bin/date");
	bad(KW_EXECALLOW, "/usr/../bin/sh");
	ok(KW_CMD, "QUERY", "query");
	ok(KW_CMD, "Test -F dm,users,", "test -f dm,users,");
	ok(KW_CMD, "tron  5", "tron 5");
	ok(KW_CMD, "exec Date -u", "exec Date -u");
	bad(KW_CMD, "set-date 10/06/93");
	bad(KW_CMD, "test -r ../etc passwd");
	bad(KW_CMD, "test -r f .hidden");
	bad(KW_CMD, "tron many");
	bad(KW_CMD, "msgnum 3");
}
END_TEST

/* A value valid for each keyword: with a control character it is not. */
static const char *
valid_value(enum kw k)
{
	switch (k) {
	case KW_CALLREP:
	case KW_CALLDELAY:
	case KW_NDISC:
	case KW_TXPRIOD:
	case KW_TRACE:
		return "10";
	case KW_HBINT:
	case KW_HBTIMEOUT:
		return "10";
	case KW_LISTEN:
		return "127.0.0.1";
	case KW_LOST:
		return "accept";
	case KW_WAIT:
		return "0";
	case KW_CMD:
		return "exec who";
	case KW_HOST:
		return "backup";
	case KW_NOTIFY:
		return "root,exec mail root";
	case KW_PIB:
		return "1234";
	case KW_PIPE:
		return "/dev/null";
	case KW_POLL:
		return "00:10:00";
	case KW_PORT:
		return "3000";
	case KW_PROT:
		return "inet";
	case KW_SERVER:
		return "main";
	case KW_SERVERTYPE:
		return "IN";
	case KW_SPOOLMAX:
		return "64M";
	case KW_SYNC:
	case KW_RSHUT:
	case KW_TXLOG:
		return "ON";
	case KW_TLS:
		return "CERT";
	case KW_TLSCA:
	case KW_TLSCERT:
	case KW_TLSKEY:
		return "/dev/null";
	case KW_TLSPEER:
		return "backup.example";
	case KW_LOGMAX:
		return "8M";
	case KW_TXOPT:
		return "DL";
	case KW_DATADIR:
		return "/tmp";
	case KW_EXECALLOW:
		return "date,/usr/bin/uptime";
	case KW_FILE:
		return "/dev/null";
	case KW__COUNT:
		break;
	}
	return NULL;
}

START_TEST(test_control_chars)
{
	static const char *const ctl[] = { "\n", "\t", "\r", "\x01", "\x1b",
	    "\x7f" };
	struct errbuf err;
	char *v, *norm;
	size_t i;
	int k;

	for (k = 0; k < KW__COUNT; k++) {
		ck_assert_ptr_nonnull(valid_value(k));
		ck_assert_msg(kw_check(k, valid_value(k), KWC_FULL, &norm,
		    &err) == 0, "%s=%s: %s", kw_def(k)->name, valid_value(k),
		    err.msg);
		free(norm);
		for (i = 0; i < ARRAY_LEN(ctl); i++) {
			v = xasprintf("%s%s", valid_value(k), ctl[i]);
			bad(k, v);
			bad_depth(k, v, KWC_SYNTAX);
			free(v);
			v = xasprintf("%s%s", ctl[i], valid_value(k));
			bad_depth(k, v, KWC_SYNTAX);
			free(v);
		}
		ck_assert_int_eq(kw_check(k, "1\n2", KWC_SYNTAX, &norm,
		    &err), -1);
		ck_assert_ptr_nonnull(strstr(err.msg, "control"));
	}
}
END_TEST

/* The configuration is YAML (UTF-8): a value it cannot hold is refused
 * when checked, not after setup has said it was set up. */
START_TEST(test_not_utf8)
{
	static const char *const bad8[] = { "\xff", "\xc3", "\xc0\xaf",
	    "\xed\xa0\x80", "\xf4\x90\x80\x80" };
	struct errbuf err;
	char *v, *norm;
	size_t i;
	int k;

	for (k = 0; k < KW__COUNT; k++)
		for (i = 0; i < ARRAY_LEN(bad8); i++) {
			v = xasprintf("%s%s", valid_value(k), bad8[i]);
			ck_assert_int_eq(kw_check(k, v, KWC_SYNTAX, &norm,
			    &err), -1);
			ck_assert_ptr_nonnull(strstr(err.msg, "UTF-8"));
			free(v);
		}
	ck_assert_int_eq(utf8_valid("/srv/t\xc3\xa9l\xc3\xa9"), 1);
	ck_assert_int_eq(utf8_valid("\xe2\x82\xac \xf0\x9f\x93\xbc"), 1);
}
END_TEST

START_TEST(test_lookup)
{
	int k;
	char *upper;
	size_t i;

	for (k = 0; k < KW__COUNT; k++) {
		ck_assert_int_eq(kw_lookup(kw_def(k)->name), k);
		upper = xstrdup(kw_def(k)->name);
		for (i = 0; upper[i] != '\0'; i++)
			upper[i] = (char)(upper[i] - 'a' + 'A');
		ck_assert_int_eq(kw_lookup(upper), k);
		free(upper);
	}
	ck_assert_int_eq(kw_lookup("Port"), KW_PORT);
	ck_assert_int_eq(kw_lookup("SERVERTYPE"), KW_SERVERTYPE);
	ck_assert_int_eq(kw_lookup("nosuch"), -1);
	ck_assert_int_eq(kw_lookup(""), -1);
	ck_assert_int_eq(kw_lookup("por"), -1);
	ck_assert_int_eq(kw_lookup("ports"), -1);
}
END_TEST

START_TEST(test_table)
{
	const struct kwdef *d;
	struct errbuf err;
	char *norm;
	int k;

	for (k = 0; k < KW__COUNT; k++) {
		d = kw_def(k);
		ck_assert_ptr_nonnull(d->name);
		ck_assert_msg(d->help != NULL && d->help[0] != '\0',
		    "%s has no help", d->name);
		ck_assert_msg(d->label != NULL && d->label[0] != '\0',
		    "%s has no label", d->name);
		ck_assert_msg(d->allowed != NULL && d->allowed[0] != '\0',
		    "%s has no allowed text", d->name);
		/* A default is itself a valid, normalized value. */
		if (d->defval != NULL) {
			ck_assert_msg(kw_check(k, d->defval, KWC_SYNTAX,
			    &norm, &err) == 0, "%s default '%s': %s",
			    d->name, d->defval, err.msg);
			ck_assert_str_eq(norm, d->defval);
			free(norm);
		}
	}
	/* The seed's defaults. */
	ck_assert_str_eq(kw_def(KW_CALLREP)->defval, "0");
	ck_assert_str_eq(kw_def(KW_NDISC)->defval, "0");
	ck_assert_str_eq(kw_def(KW_TRACE)->defval, "4");
	ck_assert_str_eq(kw_def(KW_CALLDELAY)->defval, "5");
}
END_TEST

START_TEST(test_stored_flags)
{
	static const enum kw stored[] = { KW_CALLREP, KW_CALLDELAY, KW_HOST,
	    KW_NDISC,
	    KW_NOTIFY, KW_PIPE, KW_POLL, KW_PORT, KW_PROT, KW_SERVERTYPE,
	    KW_SPOOLMAX, KW_TRACE, KW_TXLOG, KW_TXOPT, KW_TXPRIOD, KW_HBINT,
	    KW_HBTIMEOUT,
	    KW_LISTEN, KW_LOST, KW_SYNC, KW_LOGMAX, KW_RSHUT, KW_TLS,
	    KW_TLSCA, KW_TLSCERT, KW_TLSKEY, KW_TLSPEER, KW_DATADIR, KW_EXECALLOW };
	size_t i;
	int k, want;

	for (k = 0; k < KW__COUNT; k++) {
		want = 0;
		for (i = 0; i < ARRAY_LEN(stored); i++)
			if (stored[i] == (enum kw)k)
				want = 1;
		ck_assert_msg(((kw_def(k)->flags & KWF_STORED) != 0) == want,
		    "%s: KWF_STORED should be %s", kw_def(k)->name,
		    want ? "set" : "clear");
	}
}
END_TEST

START_TEST(test_new_keywords)
{
	char *val[KW__COUNT] = { NULL };
	struct errbuf err;

	ok(KW_HBINT, "1", "1");
	ok(KW_HBINT, "3600", "3600");
	bad(KW_HBINT, "0");
	bad(KW_HBINT, "3601");
	ok(KW_HBTIMEOUT, "2", "2");
	bad(KW_HBTIMEOUT, "1");
	bad(KW_HBTIMEOUT, "7201");
	ok(KW_LISTEN, "*", "*");
	ok(KW_LISTEN, "127.0.0.1", "127.0.0.1");
	ok(KW_LISTEN, "::1", "::1");
	ok(KW_LISTEN, "backup.example.org", "backup.example.org");
	bad(KW_LISTEN, "a b");
	bad(KW_LISTEN, "**");
	ok(KW_LOST, "STOP", "stop");
	ok(KW_LOST, "refuse", "refuse");
	ok(KW_LOST, "Accept", "accept");
	bad(KW_LOST, "ignore");
	ok(KW_SYNC, "on", "ON");
	ok(KW_SYNC, "off", "OFF");
	bad(KW_SYNC, "maybe");
	ok(KW_WAIT, "0", "0");
	ok(KW_WAIT, "007", "7");
	bad(KW_WAIT, "-1");
	bad(KW_WAIT, "3601");

	/* hbtimeout at least twice hbint, defaults included. */
	ck_assert_int_eq(kw_check_server(val, &err), 0);
	val[KW_HBINT] = "10";
	ck_assert_int_eq(kw_check_server(val, &err), 0);	/* 20 >= 20 */
	val[KW_HBINT] = "11";
	ck_assert_int_eq(kw_check_server(val, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "hbtimeout=20"));
	ck_assert_ptr_nonnull(strstr(err.msg, "at least 22"));
	val[KW_HBTIMEOUT] = "22";
	ck_assert_int_eq(kw_check_server(val, &err), 0);
	val[KW_HBINT] = "1";
	val[KW_HBTIMEOUT] = "3";
	ck_assert_int_eq(kw_check_server(val, &err), 0);

	/* tls=CERT whole or not at all; tlspeer required on IN only. */
	val[KW_TLS] = "CERT";
	val[KW_SERVERTYPE] = "OUT";
	ck_assert_int_eq(kw_check_server(val, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "tlsca, tlscert, tlskey too"));
	val[KW_TLSCA] = "/etc/ca.pem";
	val[KW_TLSCERT] = "/etc/me.pem";
	val[KW_TLSKEY] = "/etc/me.key";
	ck_assert_int_eq(kw_check_server(val, &err), 0);
	val[KW_SERVERTYPE] = "IN";
	ck_assert_int_eq(kw_check_server(val, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "needs tlspeer too"));
	val[KW_TLSPEER] = "prod.example";
	ck_assert_int_eq(kw_check_server(val, &err), 0);
	val[KW_TLS] = "ON";
	val[KW_TLSCA] = NULL;
	ck_assert_int_eq(kw_check_server(val, &err), 0);
}
END_TEST

Suite *
keyword_suite(void)
{
	Suite *s = suite_create("keyword");
	TCase *tc = tcase_create("keyword");

	tcase_add_test(tc, test_port);
	tcase_add_test(tc, test_words);
	tcase_add_test(tc, test_poll);
	tcase_add_test(tc, test_counts);
	tcase_add_test(tc, test_pipe);
	tcase_add_test(tc, test_notify);
	tcase_add_test(tc, test_server_name);
	tcase_add_test(tc, test_host);
	tcase_add_test(tc, test_cmd);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_control_chars);
	tcase_add_test(tc, test_not_utf8);
	tcase_add_test(tc, test_lookup);
	tcase_add_test(tc, test_table);
	tcase_add_test(tc, test_stored_flags);
	tcase_add_test(tc, test_new_keywords);
	suite_add_tcase(s, tc);
	return s;
}
