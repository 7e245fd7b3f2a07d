/*
 * check_config.c — tapesock.yaml: round trips, every kind of malformed
 * file reported with file:line:column and never rewritten, concurrent
 * writers under the lock, atomic replacement, the sample in etc/.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tests.h"

#define NWRITERS	10

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* Every stored keyword of s, set to a valid value that differs by n. */
static void
fill_server(struct server_cfg *s, int n, const char *type)
{
	char buf[64];

	server_set(s, KW_SERVERTYPE, type);
	snprintf(buf, sizeof(buf), "%d", n);
	server_set(s, KW_CALLREP, buf);
	snprintf(buf, sizeof(buf), "%d", 1 + n);
	server_set(s, KW_CALLDELAY, buf);
	snprintf(buf, sizeof(buf), "%d", n);
	server_set(s, KW_NDISC, buf);
	server_set(s, KW_TXPRIOD, buf);
	snprintf(buf, sizeof(buf), "%d", 3000 + n);
	server_set(s, KW_PORT, buf);
	snprintf(buf, sizeof(buf), "host%d.example.org", n);
	server_set(s, KW_HOST, buf);
	snprintf(buf, sizeof(buf), "/dev/tape%d", n);
	server_set(s, KW_PIPE, buf);
	snprintf(buf, sizeof(buf), "%d", 600 * n);
	server_set(s, KW_POLL, buf);
	server_set(s, KW_PROT, "inet");
	snprintf(buf, sizeof(buf), "%d", 1 + n);
	server_set(s, KW_HBINT, buf);
	snprintf(buf, sizeof(buf), "%d", 2 * (1 + n) + n);
	server_set(s, KW_HBTIMEOUT, buf);
	server_set(s, KW_LISTEN, n % 2 ? "*" : "127.0.0.1");
	server_set(s, KW_LOST, n % 2 ? "accept" : "refuse");
	snprintf(buf, sizeof(buf), "%d", 4 + n);
	server_set(s, KW_TRACE, buf);
	server_set(s, KW_TXLOG, n % 2 ? "ON" : "OFF");
	server_set(s, KW_TXOPT, n % 2 ? "ALL" : "DL");
	snprintf(buf, sizeof(buf), "%dM", 1 + n);
	server_set(s, KW_SPOOLMAX, buf);
	server_set(s, KW_SYNC, n % 2 ? "OFF" : "ON");
	server_set(s, KW_LOGMAX, n % 2 ? "64K" : "8M");
	server_set(s, KW_RSHUT, n % 2 ? "OFF" : "ON");
	server_set(s, KW_TLS, n % 2 ? "CERT" : "OFF");
	server_set(s, KW_TLSCA, "/etc/tapesock/ca.pem");
	server_set(s, KW_TLSCERT, "/etc/tapesock/cert.pem");
	server_set(s, KW_TLSKEY, "/etc/tapesock/key.pem");
	snprintf(buf, sizeof(buf), "peer%d.example.org", n);
	server_set(s, KW_TLSPEER, buf);
	snprintf(buf, sizeof(buf), "/srv/pick/data%d", n);
	server_set(s, KW_DATADIR, buf);
	server_set(s, KW_EXECALLOW, n % 2 ? "date" : "date,/usr/bin/uptime");
	/* Commas, '!', '*' and spaces: the emitter must quote right. */
	server_set(s, KW_NOTIFY, n % 2 ? "OFF" :
	    "bob,!0,*,exec run bp send-mail: now # not a comment");
}

static void
assert_same(const struct config *a, const struct config *b)
{
	size_t i;
	int k;

	ck_assert_uint_eq(a->nservers, b->nservers);
	ck_assert_pstr_eq(a->default_name, b->default_name);
	for (i = 0; i < a->nservers; i++) {
		ck_assert_str_eq(a->servers[i].name, b->servers[i].name);
		for (k = 0; k < KW__COUNT; k++)
			ck_assert_pstr_eq(a->servers[i].val[k],
			    b->servers[i].val[k]);
	}
}

START_TEST(test_round_trip)
{
	struct config cfg, back;
	struct errbuf err;
	char *dir = test_tmpdir(), *path, *text;
	struct server_cfg *s;
	int k;

	path = xasprintf("%s/%s", dir, CONFIG_FILE);
	ck_assert_int_eq(config_load(path, &cfg, &err), 0);
	fill_server(config_add(&cfg, "main"), 0, "OUT");
	fill_server(config_add(&cfg, "yes"), 1, "IN");	/* a YAML word */
	fill_server(config_add(&cfg, "b-2.x_y"), 2, "OUT");
	s = config_add(&cfg, "minimal");
	server_set(s, KW_SERVERTYPE, "IN");
	cfg.default_name = xstrdup("yes");
	ck_assert_int_eq(config_save(&cfg, &err), 0);

	ck_assert_int_eq(config_load(path, &back, &err), 0);
	assert_same(&cfg, &back);
	ck_assert_str_eq(back.path, path);
	ck_assert_str_eq(config_default(&back), "yes");
	for (k = 0; k < KW__COUNT; k++)
		ck_assert_int_eq(back.servers[0].val[k] != NULL,
		    (kw_def(k)->flags & KWF_STORED) != 0);
	ck_assert_uint_eq(back.servers[0].line, 4);

	/* And the text itself is stable: save(load(save(x))) == save(x). */
	text = config_emit(&cfg, &err);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, "# tapesock configuration"));
	ck_assert_ptr_nonnull(strstr(text, "comments are not kept"));
	ck_assert_ptr_nonnull(strstr(text, "\n  main:\n    servertype: OUT\n"
	    "    callrep: 0\n"));
	ck_assert_ptr_nonnull(strstr(text, "txlog: \"ON\""));
	ck_assert_ptr_nonnull(strstr(text, "port: 3001\n"));
	free(text);
	text = config_emit(&back, &err);
	{
		char *again = config_emit(&cfg, &err);

		ck_assert_str_eq(text, again);
		free(again);
	}
	free(text);

	config_free(&back);
	config_free(&cfg);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* Values are normalized as the command line normalizes them. */
START_TEST(test_normalized)
{
	static const char text[] =
	    "servers:\n"
	    "  main:\n"
	    "    servertype: in\n"
	    "    txlog: on\n"
	    "    poll: \"00:10:00\"\n"
	    "    PORT: 3000\n"
	    "    txopt: all\n"
	    "    prot: INET\n";
	struct config cfg;
	struct errbuf err;
	struct server_cfg *s;

	ck_assert_int_eq(config_parse("t.yaml", text, strlen(text), &cfg,
	    &err), 0);
	s = config_find(&cfg, "main");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->val[KW_SERVERTYPE], "IN");
	ck_assert_str_eq(s->val[KW_TXLOG], "ON");
	ck_assert_str_eq(s->val[KW_POLL], "600");
	ck_assert_str_eq(s->val[KW_PORT], "3000");
	ck_assert_str_eq(s->val[KW_TXOPT], "ALL");
	ck_assert_str_eq(s->val[KW_PROT], "inet");
	ck_assert_ptr_null(s->val[KW_HOST]);
	ck_assert_uint_eq(s->line, 2);
	ck_assert_ptr_null(config_find(&cfg, "MAIN"));
	config_free(&cfg);
}
END_TEST

START_TEST(test_group)
{
	struct config cfg;
	struct errbuf err;
	char *text;

	memset(&cfg, 0, sizeof(cfg));
	text = "group: tapeops\nservers:\n  a:\n    servertype: IN\n";
	ck_assert_int_eq(config_parse("t.yaml", text, strlen(text), &cfg,
	    &err), 0);
	ck_assert_str_eq(cfg.group, "tapeops");
	text = config_emit(&cfg, &err);
	ck_assert_ptr_nonnull(strstr(text, "group: tapeops\n"));
	free(text);
	config_free(&cfg);
	text = "group: Bad Group\nservers:\n";
	ck_assert_int_eq(config_parse("t.yaml", text, strlen(text), &cfg,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "t.yaml:1:8:"));
	ck_assert_ptr_nonnull(strstr(err.msg, "Unix group"));
	text = "group: a\ngroup: b\nservers:\n";
	ck_assert_int_eq(config_parse("t.yaml", text, strlen(text), &cfg,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "given twice"));
}
END_TEST

START_TEST(test_default_server)
{
	static const char with[] = "default: b\nservers:\n"
	    "  a: {servertype: IN}\n  b: {servertype: OUT}\n";
	struct config cfg;
	struct errbuf err;
	struct server_cfg *a, *again;

	ck_assert_int_eq(config_parse("t.yaml", "servers: {}\n", 12, &cfg,
	    &err), 0);
	ck_assert_str_eq(config_default(&cfg), CONFIG_DEFAULT_SERVER);
	config_free(&cfg);

	ck_assert_int_eq(config_parse("t.yaml", with, strlen(with), &cfg,
	    &err), 0);
	ck_assert_str_eq(config_default(&cfg), "b");
	ck_assert_str_eq(config_find(&cfg, "b")->val[KW_SERVERTYPE], "OUT");
	ck_assert_uint_eq(cfg.nservers, 2);
	ck_assert_str_eq(cfg.servers[0].name, "a");	/* file order */

	a = config_add(&cfg, "a");
	ck_assert_uint_eq(cfg.nservers, 2);
	server_set(a, KW_PORT, "3000");
	server_clear(a);
	ck_assert_ptr_null(a->val[KW_SERVERTYPE]);
	ck_assert_ptr_null(a->val[KW_PORT]);
	again = config_add(&cfg, "c");
	ck_assert_uint_eq(cfg.nservers, 3);
	ck_assert_str_eq(again->name, "c");
	config_free(&cfg);
	config_free(&cfg);	/* safe twice */
}
END_TEST

START_TEST(test_missing_and_empty)
{
	static const char *const empties[] = {
		"", "# only a comment\n\n   # another\n", "---\n",
		"servers:\n", "servers: {}\n",
	};
	struct config cfg;
	struct errbuf err;
	char *dir = test_tmpdir(), *path;
	size_t i;

	path = xasprintf("%s/none/%s", dir, CONFIG_FILE);
	ck_assert_int_eq(config_load(path, &cfg, &err), 0);
	ck_assert_uint_eq(cfg.nservers, 0);
	ck_assert_ptr_null(cfg.default_name);
	ck_assert_str_eq(cfg.path, path);
	config_free(&cfg);
	free(path);

	for (i = 0; i < ARRAY_LEN(empties); i++) {
		ck_assert_msg(config_parse("t.yaml", empties[i],
		    strlen(empties[i]), &cfg, &err) == 0, "'%s': %s",
		    empties[i], err.msg);
		ck_assert_uint_eq(cfg.nservers, 0);
		config_free(&cfg);
	}

	/* A directory is not a missing file: a read error. */
	ck_assert_int_eq(config_load(dir, &cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot read"));
	ck_assert_ptr_nonnull(strstr(err.msg, dir));
	config_free(&cfg);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Malformed files: each is refused with where and what. */
static const struct bad_case {
	const char	*text;
	const char	*where;		/* "t.yaml:line:col:" */
	const char	*what;		/* a word of the message */
} bad_cases[] = {
	/* syntax: "port" is indented one column short */
	{ "servers:\n  a:\n    servertype: IN\n   port: 3000\n",
	  "t.yaml:4:4: ", "did not find expected key" },
	/* tab indentation */
	{ "servers:\n\ta:\n\t\tservertype: IN\n",
	  "t.yaml:2:1: ", "cannot start any token" },
	{ "servers:\n  a: {servertype: IN\n", "t.yaml:3:1: ",
	  "fix the file" },
	{ "default: a\nserver:\n  a: {servertype: IN}\n",
	  "t.yaml:2:1: ", "unknown key 'server'" },
	{ "servers:\n  a:\n    servertype: IN\n    colour: red\n",
	  "t.yaml:4:5: ", "unknown key 'colour'" },
	/* known keywords that are not server parameters */
	{ "servers:\n  a:\n    servertype: IN\n    pib: 3\n",
	  "t.yaml:4:5: ", "unknown key 'pib'" },
	{ "servers:\n  a:\n    servertype: IN\n    port: 3000\n"
	  "    port: 3001\n", "t.yaml:5:5: ", "key 'port' given twice" },
	{ "servers:\n  a:\n    servertype: IN\n    port: 3000\n"
	  "    Port: 3001\n", "t.yaml:5:5: ", "key 'Port' given twice" },
	{ "servers:\n  a: {servertype: IN}\n  a: {servertype: OUT}\n",
	  "t.yaml:3:3: ", "key 'a' given twice" },
	{ "servers: {}\nservers: {}\n", "t.yaml:2:1: ",
	  "key 'servers' given twice" },
	{ "servers:\n  - a\n  - b\n", "t.yaml:2:3: ", "mapping" },
	{ "- servers\n", "t.yaml:1:1: ", "mapping" },
	{ "servers:\n  a:\n    - servertype: IN\n", "t.yaml:3:5: ",
	  "mapping" },
	{ "servers:\n  a:\n    servertype: {x: 1}\n", "t.yaml:3:17: ",
	  "one value" },
	{ "default: [a]\nservers: {}\n", "t.yaml:1:10: ", "default" },
	{ "servers:\n  a: &x\n    servertype: IN\n  b: *x\n",
	  "t.yaml:2:6: ", "anchors" },
	{ "servers: *x\n", "t.yaml:1:10: ", "aliases" },
	{ "servers: !!map {}\n", "t.yaml:1:10: ", "tags" },
	{ "servers:\n  a:\n    servertype: OUT\n    port: 80\n",
	  "t.yaml:4:11: ", "port=80: out of range; allowed: " },
	{ "servers:\n  a:\n    servertype: sideways\n", "t.yaml:3:17: ",
	  "servertype=sideways" },
	{ "servers:\n  a:\n    servertype: IN\n    port:\n",
	  "t.yaml:4:10: ", "port=: empty value" },
	{ "servers:\n  \"a b\":\n    servertype: IN\n", "t.yaml:2:3: ",
	  "server=a b: " },
	{ "servers:\n  a:\n    port: 3000\n", "t.yaml:2:3: ",
	  "server 'a' has no servertype" },
	{ "servers:\n  a:\n", "t.yaml:2:3: ",
	  "server 'a' has no servertype" },
	{ "default: b\nservers:\n  a: {servertype: IN}\n", "t.yaml:1:10: ",
	  "'b'" },
	{ "default: b\n", "t.yaml:1:10: ", "'b'" },
	{ "servers: {}\n---\nservers: {}\n", "t.yaml:2:1: ",
	  "one document" },
	{ "servers:\n  a:\n    servertype: \xff\n", "t.yaml:3:17: ",
	  "UTF-8" },
};

START_TEST(test_malformed)
{
	const struct bad_case *c = &bad_cases[_i];
	struct config cfg;
	struct errbuf err;

	ck_assert_int_eq(config_parse("t.yaml", c->text, strlen(c->text),
	    &cfg, &err), -1);
	ck_assert_msg(strncmp(err.msg, c->where, strlen(c->where)) == 0,
	    "case %d: '%s' does not start with '%s'", _i, err.msg, c->where);
	ck_assert_msg(strstr(err.msg, c->what) != NULL,
	    "case %d: '%s' does not say '%s'", _i, err.msg, c->what);
	ck_assert_msg(strchr(err.msg, '\n') == NULL, "case %d: two lines", _i);
	/* Emptied, and without a path: nothing can save over the file. */
	ck_assert_uint_eq(cfg.nservers, 0);
	ck_assert_ptr_null(cfg.servers);
	ck_assert_ptr_null(cfg.default_name);
	ck_assert_ptr_null(cfg.path);
	config_free(&cfg);
}
END_TEST

START_TEST(test_malformed_not_rewritten)
{
	static const char text[] = "# hand edited\nservers:\n  a:\n"
	    "    servertype: IN\n    port: 80   # oops\n";
	struct config cfg;
	struct errbuf err;
	char *dir = test_tmpdir(), *path, *buf, *where;
	size_t len;

	path = xasprintf("%s/%s", dir, CONFIG_FILE);
	write_text(path, text);
	ck_assert_int_eq(config_load(path, &cfg, &err), -1);
	where = xasprintf("%s:5:11: ", path);
	ck_assert_msg(strncmp(err.msg, where, strlen(where)) == 0, "%s",
	    err.msg);
	/* A careless caller that saves anyway cannot clobber it. */
	config_add(&cfg, "b");
	ck_assert_int_eq(config_save(&cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot write"));
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, strlen(text));
	ck_assert_str_eq(buf, text);
	free(buf);
	config_free(&cfg);
	test_rmtree(dir);
	free(where);
	free(path);
	free(dir);
}
END_TEST

/* One writer: lock, load, change, save, unlock. */
static int
writer(const char *path, int n)
{
	struct config cfg;
	struct errbuf err;
	struct server_cfg *s;
	char name[16], buf[32];
	uint64_t trace;
	int fd, rc = 1;

	if ((fd = config_lock(path, &err)) < 0)
		return 1;
	if (config_load(path, &cfg, &err) < 0)
		goto out;
	/* Its own server... */
	snprintf(name, sizeof(name), "w%d", n);
	s = config_add(&cfg, name);
	server_set(s, KW_SERVERTYPE, n % 2 ? "IN" : "OUT");
	snprintf(buf, sizeof(buf), "%d", 4000 + n);
	server_set(s, KW_PORT, buf);
	/* ...and a read-modify-write of a shared one: lost if unlocked. */
	s = config_add(&cfg, "shared");
	server_set(s, KW_SERVERTYPE, "OUT");
	if (s->val[KW_TRACE] == NULL ||
	    parse_u64(s->val[KW_TRACE], 100000, &trace) < 0)
		trace = 0;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)trace + 1);
	server_set(s, KW_TRACE, buf);
	if (config_save(&cfg, &err) == 0)
		rc = 0;
	config_free(&cfg);
out:
	config_unlock(fd);
	return rc;
}

START_TEST(test_concurrent_writers)
{
	struct config cfg;
	struct errbuf err;
	struct dirent *de;
	struct server_cfg *s;
	char *dir = test_tmpdir(), *path, name[16];
	pid_t pids[NWRITERS];
	int i, status;
	DIR *d;

	path = xasprintf("%s/%s", dir, CONFIG_FILE);
	for (i = 0; i < NWRITERS; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0)
			_exit(writer(path, i));
	}
	for (i = 0; i < NWRITERS; i++) {
		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "writer %d failed", i);
	}

	ck_assert_int_eq(config_load(path, &cfg, &err), 0);
	ck_assert_uint_eq(cfg.nservers, NWRITERS + 1);
	for (i = 0; i < NWRITERS; i++) {
		snprintf(name, sizeof(name), "w%d", i);
		s = config_find(&cfg, name);
		ck_assert_msg(s != NULL, "change of writer %d lost", i);
		ck_assert_int_eq(atoi(s->val[KW_PORT]), 4000 + i);
	}
	s = config_find(&cfg, "shared");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s->val[KW_TRACE], "10");
	config_free(&cfg);

	/* No temporary file left behind: only the file and its lock. */
	d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		ck_assert_msg(strcmp(de->d_name, CONFIG_FILE) == 0 ||
		    strcmp(de->d_name, CONFIG_FILE ".lock") == 0,
		    "left behind: %s", de->d_name);
	}
	closedir(d);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_new_file_mode)
{
	struct config cfg;
	struct errbuf err;
	struct stat st;
	char *dir = test_tmpdir(), *path;
	mode_t old = umask(0);

	path = xasprintf("%s/%s", dir, CONFIG_FILE);
	ck_assert_int_eq(config_load(path, &cfg, &err), 0);
	server_set(config_add(&cfg, "a"), KW_SERVERTYPE, "IN");
	ck_assert_int_eq(config_save(&cfg, &err), 0);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	config_free(&cfg);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_lock_and_write_errors)
{
	struct config cfg;
	struct errbuf err;
	char *dir = test_tmpdir(), *path;

	path = xasprintf("%s/no/such/dir/%s", dir, CONFIG_FILE);
	ck_assert_int_eq(config_lock(path, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot lock"));
	ck_assert_ptr_nonnull(strstr(err.msg, ".lock"));

	ck_assert_int_eq(config_load(path, &cfg, &err), 0);
	server_set(config_add(&cfg, "a"), KW_SERVERTYPE, "IN");
	ck_assert_int_eq(config_save(&cfg, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot write"));
	ck_assert_ptr_nonnull(strstr(err.msg, path));
	config_free(&cfg);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* The documented sample in etc/ is a valid configuration. */
START_TEST(test_sample)
{
	struct config cfg;
	struct errbuf err;
	struct server_cfg *in, *out;
	char *path;

	path = xasprintf("%s/etc/tapesock.yaml", test_srcdir());
	ck_assert_msg(config_load(path, &cfg, &err) == 0, "%s", err.msg);
	ck_assert_uint_ge(cfg.nservers, 2);
	ck_assert_ptr_nonnull(config_find(&cfg, config_default(&cfg)));
	in = config_find(&cfg, "backup");
	out = config_find(&cfg, "prod");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(in->val[KW_SERVERTYPE], "IN");
	ck_assert_str_eq(in->val[KW_PIPE], "/dev/tapein");
	ck_assert_str_eq(in->val[KW_PORT], "3000");
	ck_assert_str_eq(out->val[KW_SERVERTYPE], "OUT");
	ck_assert_str_eq(out->val[KW_PIPE], "/dev/tapeout");
	ck_assert_str_eq(out->val[KW_HOST], "backup");
	ck_assert_str_eq(out->val[KW_PORT], "3000");
	ck_assert_str_eq(out->val[KW_POLL], "600");
	config_free(&cfg);
	free(path);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_normalized);
	tcase_add_test(tc, test_default_server);
	tcase_add_test(tc, test_group);
	tcase_add_test(tc, test_missing_and_empty);
	tcase_add_loop_test(tc, test_malformed, 0, (int)ARRAY_LEN(bad_cases));
	tcase_add_test(tc, test_malformed_not_rewritten);
	tcase_add_test(tc, test_concurrent_writers);
	tcase_add_test(tc, test_new_file_mode);
	tcase_add_test(tc, test_lock_and_write_errors);
	tcase_add_test(tc, test_sample);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}
