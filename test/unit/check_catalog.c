/*
 * check_catalog.c — the message catalogue: completeness, stable
 * identities, the reference manual's words, the formats other modules
 * rely on, and the generated man page.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "catalog.h"
#include "catalog_sig.h"
#include "msgman.h"
#include "tests.h"
#include "util.h"

#define SEED_LIST	"test/data/seed-messages.txt"
#define SEED_MANUAL	"../shared/seeds/004_7b8d08e224f1bac9.txt"
#define MAN_PAGE	"man/tapesock-messages.7"

static const char *const components[] = {
	"TS", "SA", "SRV", "SPL", "TSD", "CLI", "CFG", "LOG",
};

static int
is_component(const char *code)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(components); i++)
		if (strcmp(code, components[i]) == 0)
			return 1;
	return 0;
}

static int
is_seed_code(const char *code)
{
	return strcmp(code, "TS") == 0 || strcmp(code, "SA") == 0;
}

static char *
slurp(const char *relpath)
{
	char *path = xasprintf("%s/%s", test_srcdir(), relpath);
	char *buf;

	if (read_file(path, &buf, NULL) < 0)
		buf = NULL;
	free(path);
	return buf;
}

START_TEST(test_entries_filled)
{
	const struct msgdef *m;
	size_t i, len;

	ck_assert_uint_eq(catalog_count(), MSG__COUNT);
	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		ck_assert_ptr_nonnull(m);
		ck_assert_msg(m->name != NULL && *m->name != '\0',
		    "entry %zu has no name (missing from the table?)", i);
		ck_assert_msg(m->code != NULL && is_component(m->code),
		    "%s: bad component", m->name);
		len = strlen(m->code);
		ck_assert_msg(strncmp(m->name, m->code, len) == 0 &&
		    m->name[len] == '_' && m->name[len + 1] != '\0',
		    "%s: name is not %s_something", m->name, m->code);
		ck_assert_msg(m->number >= 1, "%s: number %d", m->name,
		    m->number);
		ck_assert_msg(m->text != NULL && *m->text != '\0',
		    "%s: no text", m->name);
		ck_assert_msg(m->fmt != NULL && *m->fmt != '\0',
		    "%s: no fmt", m->name);
		ck_assert_msg(m->meaning != NULL && *m->meaning != '\0',
		    "%s: no meaning", m->name);
		ck_assert_msg(m->action != NULL && *m->action != '\0',
		    "%s: no action", m->name);
		ck_assert_msg(m->severity >= LOG_EMERG &&
		    m->severity <= LOG_DEBUG, "%s: severity %d", m->name,
		    m->severity);
		ck_assert_msg(m->type >= MT_NOTICE && m->type <= MT_FATAL,
		    "%s: type %d", m->name, (int)m->type);
		ck_assert_msg((m->flags & ~(unsigned)(MSGF_SEED | MSGF_NOPERM |
		    MSGF_ONCE | MSGF_VERBOSE)) == 0, "%s: unknown flags",
		    m->name);
		/* One line each: the logs and stderr expect it. */
		ck_assert_msg(strchr(m->text, '\n') == NULL &&
		    strchr(m->fmt, '\n') == NULL, "%s: text on several lines",
		    m->name);
	}
}
END_TEST

START_TEST(test_identities_unique)
{
	const struct msgdef *a, *b;
	size_t i, j;

	for (i = 0; i < MSG__COUNT; i++) {
		a = catalog_get((enum msgid)i);
		for (j = i + 1; j < MSG__COUNT; j++) {
			b = catalog_get((enum msgid)j);
			ck_assert_msg(strcmp(a->name, b->name) != 0,
			    "name %s twice", a->name);
			ck_assert_msg(strcmp(a->code, b->code) != 0 ||
			    a->number != b->number, "(%s, %d) given to %s and %s",
			    a->code, a->number, a->name, b->name);
			ck_assert_msg(strcmp(a->text, b->text) != 0,
			    "%s and %s have the same text", a->name, b->name);
			/* Numbers follow the enum order within a component. */
			if (strcmp(a->code, b->code) == 0)
				ck_assert_msg(a->number < b->number,
				    "%s (%d) numbered after %s (%d)", a->name,
				    a->number, b->name, b->number);
		}
	}
}
END_TEST

START_TEST(test_lookup_round_trip)
{
	const struct msgdef *m;
	size_t i;

	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		ck_assert_ptr_eq(catalog_by_name(m->name), m);
		ck_assert_ptr_eq(catalog_by_code(m->code, m->number), m);
	}
	ck_assert_ptr_eq(catalog_get(MSG_TS_LOST_MSG),
	    catalog_by_name("TS_LOST_MSG"));
	ck_assert_ptr_eq(catalog_get(MSG_TS_ACK_TIMEOUT),
	    catalog_by_code("TS", 1));
	ck_assert_ptr_null(catalog_get(MSG__COUNT));
	ck_assert_ptr_null(catalog_by_name("TS_NO_SUCH_MESSAGE"));
	ck_assert_ptr_null(catalog_by_name("ts_lost_msg"));
	ck_assert_ptr_null(catalog_by_name(""));
	ck_assert_ptr_null(catalog_by_name(NULL));
	ck_assert_ptr_null(catalog_by_code("TS", 0));
	ck_assert_ptr_null(catalog_by_code("TS", 9999));
	ck_assert_ptr_null(catalog_by_code("XX", 1));
	ck_assert_ptr_null(catalog_by_code(NULL, 1));
}
END_TEST

/* Every heading of the seed's lists has its entry, with its words. */
START_TEST(test_seed_list)
{
	const struct msgdef *m, *found;
	char *buf, *line, *next, *tab;
	size_t i, nts = 0, nsa = 0, lineno = 0, listed = 0;

	buf = slurp(SEED_LIST);
	ck_assert_msg(buf != NULL, "cannot read %s", SEED_LIST);
	for (line = buf; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		else
			next = line + strlen(line);
		lineno++;
		tab = strchr(line, '\t');
		ck_assert_msg(tab != NULL, "%s:%zu: no tab", SEED_LIST,
		    lineno);
		*tab++ = '\0';
		ck_assert_msg(strcmp(line, "TS") == 0 ||
		    strcmp(line, "SA") == 0, "%s:%zu: component '%s'",
		    SEED_LIST, lineno, line);
		if (strcmp(line, "TS") == 0)
			nts++;
		else
			nsa++;
		found = NULL;
		for (i = 0; i < MSG__COUNT && found == NULL; i++) {
			m = catalog_get((enum msgid)i);
			if (strcmp(m->text, tab) == 0)
				found = m;
		}
		ck_assert_msg(found != NULL, "no entry has the text '%s'",
		    tab);
		ck_assert_msg(strcmp(found->code, line) == 0,
		    "'%s' is in %s, not %s", tab, found->code, line);
		ck_assert_msg(found->flags & MSGF_SEED,
		    "%s lacks MSGF_SEED", found->name);
	}
	free(buf);
	ck_assert_uint_eq(nts, 56);
	ck_assert_uint_eq(nsa, 12);
	/* And nothing else claims to be the seed's words. */
	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		ck_assert_msg(!(m->flags & MSGF_SEED) == !is_seed_code(m->code),
		    "%s: MSGF_SEED must be set on TS and SA only", m->name);
		if (m->flags & MSGF_SEED)
			listed++;
	}
	ck_assert_uint_eq(listed, nts + nsa);
}
END_TEST

/*
 * Against the manual itself, when it is next to the tree: a TS heading
 * starts a line of the status list, an SA message is a line of its own.
 */
START_TEST(test_seed_verbatim)
{
	const struct msgdef *m;
	char *buf, *p, *path;
	size_t i, len;
	int ok;

	path = xasprintf("%s/%s", test_srcdir(), SEED_MANUAL);
	if (access(path, R_OK) != 0) {
		free(path);
		return;
	}
	ck_assert_int_eq(read_file(path, &buf, NULL), 0);
	free(path);
	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		if (!is_seed_code(m->code))
			continue;
		len = strlen(m->text);
		ok = 0;
		for (p = buf; !ok && (p = strstr(p, m->text)) != NULL; p++) {
			if (p != buf && p[-1] != '\n')
				continue;
			if (strcmp(m->code, "TS") == 0)
				ok = p[len] == ' ';
			else
				ok = p[len] == '\n' || p[len] == '\0';
		}
		ck_assert_msg(ok, "%s: '%s' is not a heading of the manual",
		    m->name, m->text);
	}
	free(buf);
}
END_TEST

static void
assert_flag_exactly(unsigned flag, const char *flagname,
    const enum msgid *ids, size_t n)
{
	size_t i, j;
	int want;

	for (i = 0; i < MSG__COUNT; i++) {
		want = 0;
		for (j = 0; j < n; j++)
			if (ids[j] == (enum msgid)i)
				want = 1;
		ck_assert_msg(!(catalog_get((enum msgid)i)->flags & flag) ==
		    !want, "%s: %s %s", catalog_get((enum msgid)i)->name,
		    want ? "lacks" : "must not have", flagname);
	}
}

START_TEST(test_flags)
{
	static const enum msgid noperm[] = {
		MSG_TS_RUNNING, MSG_TS_TXLOG_OK, MSG_CLI_KEY_SHOW,
		MSG_CLI_KEY_BAD_INPUT, MSG_CLI_KEY_FAILED,
	};
	static const enum msgid verbose[] = {
		MSG_TS_NREAD, MSG_TS_NWRIT, MSG_TS_PREAD, MSG_TS_PWRIT,
		MSG_SRV_CALL_NEXT, MSG_SRV_CHECK_ASKED,
	};
	static const enum msgid once[] = {
		MSG_SA_COMM_REESTABLISHED, MSG_SA_NET_BACK, MSG_SA_NET_ERROR,
		MSG_SA_NET_DISCONNECTED, MSG_SA_TXLOG_BACK,
	};

	assert_flag_exactly(MSGF_NOPERM, "MSGF_NOPERM", noperm,
	    ARRAY_LEN(noperm));
	assert_flag_exactly(MSGF_VERBOSE, "MSGF_VERBOSE", verbose,
	    ARRAY_LEN(verbose));
	assert_flag_exactly(MSGF_ONCE, "MSGF_ONCE", once, ARRAY_LEN(once));
}
END_TEST

START_TEST(test_format)
{
	char buf[512];

	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_LOST_MSG, 42ULL),
	    "Lost msg=42");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_ACCEPT_ERR, 98),
	    "Accept err=98");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_LOST_MSG,
	    18446744073709551615ULL), "Lost msg=18446744073709551615");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_NREAD,
	    (size_t)4096, "0a1b2c"), "Nread 4096 0a1b2c");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_TOTAL_ON, 3, 7,
	    1234ULL), "Total on 03/07 1234 KB");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_BAD_HEADER,
	    "deadbeef"), "Bad header 'deadbeef'");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_RUNNING),
	    "Running");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_SA_RESTORE_PROBLEM,
	    "restore waits at a prompt"),
	    "Transaction Restore problem. restore waits at a prompt");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TSD_DUPLICATE,
	    "main", 1234L), "Another copy of server 'main' is running "
	    "(pid 1234)");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_CLI_BAD_VALUE,
	    "port", "80", "below 1024", "1024 to 32767"),
	    "port=80: below 1024; allowed: 1024 to 32767");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_CFG_SYNTAX,
	    "/h/tapesock.yaml", 3UL, 14UL, "did not find expected key"),
	    "/h/tapesock.yaml:3:14: did not find expected key; fix the "
	    "file, it was not changed");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_CLI_UNKNOWN_OPTION,
	    'x', "(cx"), "unknown option 'x' in '(cx'; options are C Q R S V");
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_LOG_BAD_RECORD,
	    "ts.log,log", (size_t)2), "ts.log,log: 2 malformed record(s) "
	    "skipped");
}
END_TEST

START_TEST(test_format_bounds)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG_TS_LOST_MSG,
	    123456789ULL), "Lost ms");
	memset(buf, 'x', sizeof(buf));
	msg_format(buf, 0, MSG_TS_RUNNING);
	ck_assert_int_eq(buf[0], 'x');
	ck_assert_str_eq(msg_format(buf, sizeof(buf), MSG__COUNT), "unknown");
}
END_TEST

/*
 * Write the signature of a printf format into sig; -1 when the format
 * holds something outside the small set the catalogue uses (%n, *, a
 * stray %).
 */
static int
fmt_signature(const char *fmt, char *sig, size_t size)
{
	const char *p;
	size_t used = 0;
	int n;

	sig[0] = '\0';
	for (p = fmt; (p = strchr(p, '%')) != NULL; ) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		p += strspn(p, "-+ #0");
		p += strspn(p, "0123456789");
		if (*p == '.') {
			p++;
			p += strspn(p, "0123456789");
		}
		n = (int)strspn(p, "hlzjt");
		if (n > 2 || p[n] == '\0' || strchr("cdiuxXsf", p[n]) == NULL)
			return -1;
		if (used + (size_t)n + 3 > size)
			return -1;
		if (used > 0)
			sig[used++] = ',';
		memcpy(sig + used, p, (size_t)n + 1);
		used += (size_t)n + 1;
		sig[used] = '\0';
		p += n + 1;
	}
	return 0;
}

/*
 * The arguments of each entry (catalog_sig.h) are what mkcatalog read
 * in its Format; this parser, written apart, must read the same in the
 * table the library holds.
 */
START_TEST(test_fmt_signatures)
{
	const struct msgdef *m;
	char sig[64];
	size_t i;

	ck_assert_int_eq(fmt_signature("a %02d/%-3.2s %llu %zu %% %c", sig,
	    sizeof(sig)), 0);
	ck_assert_str_eq(sig, "d,s,llu,zu,c");
	ck_assert_int_eq(fmt_signature("%n", sig, sizeof(sig)), -1);
	ck_assert_int_eq(fmt_signature("50%", sig, sizeof(sig)), -1);
	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		ck_assert_msg(fmt_signature(m->fmt, sig, sizeof(sig)) == 0,
		    "%s: unsupported conversion in \"%s\"", m->name, m->fmt);
		ck_assert_msg(catalog_signatures[i] != NULL &&
		    strcmp(sig, catalog_signatures[i]) == 0, "%s: \"%s\" "
		    "takes (%s), mkcatalog says (%s)", m->name, m->fmt, sig,
		    catalog_signatures[i] != NULL ? catalog_signatures[i] :
		    "nothing");
	}
}
END_TEST

/*
 * The words of s, letters and digits only, without the seed's
 * placeholders, separated by single spaces; conversions of a format
 * count as separators.
 */
static void
literal_words(const char *s, int is_fmt, char *out, size_t size)
{
	static const char *const placeholders[] = {
		"n", "X", "xxxxx", "dd", "mm", "diagnostics",
		"KB",	/* unit the rendered total adds */
	};
	char word[128];
	size_t used = 0, wl, i;
	int keep;

	out[0] = '\0';
	while (*s != '\0') {
		if (is_fmt && *s == '%') {
			s++;
			if (*s == '%') {
				s++;
				continue;
			}
			s += strspn(s, "-+ #0123456789.hlzjt");
			if (*s != '\0')
				s++;
			continue;
		}
		if (!isalnum((unsigned char)*s)) {
			s++;
			continue;
		}
		for (wl = 0; isalnum((unsigned char)s[wl]); wl++)
			;
		if (wl < sizeof(word)) {
			memcpy(word, s, wl);
			word[wl] = '\0';
			keep = 1;
			for (i = 0; i < ARRAY_LEN(placeholders); i++)
				if (strcmp(word, placeholders[i]) == 0)
					keep = 0;
			if (keep && used + wl + 2 < size) {
				if (used > 0)
					out[used++] = ' ';
				memcpy(out + used, word, wl + 1);
				used += wl;
			}
		}
		s += wl;
	}
}

/* A rough check that the seed's words and the format say the same. */
START_TEST(test_fmt_matches_text)
{
	const struct msgdef *m;
	char tw[512], fw[512];
	size_t i, prefix;

	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		if (!is_seed_code(m->code))
			continue;
		if (strchr(m->fmt, '%') == NULL) {
			ck_assert_msg(strcmp(m->fmt, m->text) == 0,
			    "%s: fmt \"%s\" differs from text \"%s\"", m->name,
			    m->fmt, m->text);
			continue;
		}
		prefix = strcspn(m->fmt, "%");
		ck_assert_msg(strncmp(m->fmt, m->text, prefix) == 0,
		    "%s: fmt \"%s\" does not start like text \"%s\"", m->name,
		    m->fmt, m->text);
		literal_words(m->text, 0, tw, sizeof(tw));
		literal_words(m->fmt, 1, fw, sizeof(fw));
		ck_assert_msg(strcmp(tw, fw) == 0,
		    "%s: fmt words \"%s\" differ from text words \"%s\"",
		    m->name, fw, tw);
	}
}
END_TEST

START_TEST(test_msgtype_name)
{
	ck_assert_str_eq(msgtype_name(MT_NOTICE), "NOTICE");
	ck_assert_str_eq(msgtype_name(MT_WARNING), "WARNING");
	ck_assert_str_eq(msgtype_name(MT_ERROR), "ERROR");
	ck_assert_str_eq(msgtype_name(MT_FATAL), "FATAL ERROR");
}
END_TEST

/* Run fn with file descriptor fd sent to a file; return what it wrote. */
static char *
capture(int fd, void (*fn)(void))
{
	FILE *tmp = tmpfile();
	char *buf = xcalloc(1, 4096);
	int saved;

	ck_assert_ptr_nonnull(tmp);
	fflush(NULL);
	saved = dup(fd);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_ge(dup2(fileno(tmp), fd), 0);
	fn();
	fflush(NULL);
	ck_assert_int_ge(dup2(saved, fd), 0);
	close(saved);
	rewind(tmp);
	if (fread(buf, 1, 4095, tmp) == 0)
		buf[0] = '\0';
	fclose(tmp);
	return buf;
}

static void
call_msg_err(void)
{
	msg_err(MSG_CLI_UNKNOWN_CMD, "strat");
}

static void
call_msg_out(void)
{
	msg_out(0, MSG_CLI_SETUP_DONE, "main", "/h/tapesock.yaml");
}

static void
call_msg_out_quiet(void)
{
	msg_out(1, MSG_CLI_SETUP_DONE, "main", "/h/tapesock.yaml");
}

START_TEST(test_msg_err_out)
{
	char *s;

	s = capture(STDERR_FILENO, call_msg_err);
	ck_assert_str_eq(s, "tape-socket: unknown command 'strat'; run "
	    "'tape-socket --help' for the list\n");
	free(s);
	s = capture(STDOUT_FILENO, call_msg_out);
	ck_assert_str_eq(s, "server 'main' set up in /h/tapesock.yaml\n");
	free(s);
	s = capture(STDOUT_FILENO, call_msg_out_quiet);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

static char *
generate_man(size_t *len)
{
	char *buf = NULL;
	FILE *f;

	f = open_memstream(&buf, len);
	ck_assert_ptr_nonnull(f);
	msgman_write(f);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

START_TEST(test_man_page_current)
{
	char *gen, *file;
	size_t len;

	gen = generate_man(&len);
	file = slurp(MAN_PAGE);
	ck_assert_msg(file != NULL && strcmp(gen, file) == 0,
	    "%s is stale: run make update-man", MAN_PAGE);
	free(file);
	free(gen);
}
END_TEST

/*
 * Catalogue text never turns into troff requests: control lines are
 * the few the generator writes itself, and every entry is present.
 */
START_TEST(test_man_page_escaped)
{
	static const char *const requests[] = {
		".\\\"", ".TH", ".SH", ".SS", ".PP", ".TP", ".PD", ".RS", ".RE",
		".nf", ".fi", ".nh", ".ad", ".B", ".BR", ".I",
	};
	char *gen, *line, *next, *sp, *heading;
	const struct msgdef *m;
	size_t len, i, found;
	int known;

	gen = generate_man(&len);
	ck_assert_uint_eq(strlen(gen), len);
	for (line = gen; *line != '\0'; line = next) {
		next = strchr(line, '\n');
		ck_assert_ptr_nonnull(next);
		*next++ = '\0';
		ck_assert_msg(line[0] != '\'', "control line: %s", line);
		if (line[0] != '.')
			continue;
		sp = strchr(line, ' ');
		if (sp != NULL)
			*sp = '\0';
		known = 0;
		for (i = 0; i < ARRAY_LEN(requests); i++)
			if (strcmp(line, requests[i]) == 0)
				known = 1;
		ck_assert_msg(known, "unexpected request %s", line);
		if (sp != NULL)
			*sp = ' ';
	}
	free(gen);

	gen = generate_man(&len);
	found = 0;
	for (i = 0; i < MSG__COUNT; i++) {
		m = catalog_get((enum msgid)i);
		heading = xasprintf("\n%s\n", m->name);
		ck_assert_msg(strstr(gen, heading) != NULL,
		    "%s missing from the man page", m->name);
		found++;
		free(heading);
	}
	ck_assert_uint_eq(found, MSG__COUNT);
	ck_assert_ptr_nonnull(strstr(gen, ".SS \"Stop refused\\-Txlog up\"\n"));
	ck_assert_ptr_nonnull(strstr(gen,
	    ".SS \"Bad header \\(aqX\\(aq\"\n"));
	free(gen);
}
END_TEST

Suite *
catalog_suite(void)
{
	Suite *s = suite_create("catalog");
	TCase *tc = tcase_create("catalog");

	tcase_add_test(tc, test_entries_filled);
	tcase_add_test(tc, test_identities_unique);
	tcase_add_test(tc, test_lookup_round_trip);
	tcase_add_test(tc, test_seed_list);
	tcase_add_test(tc, test_seed_verbatim);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_format_bounds);
	tcase_add_test(tc, test_fmt_signatures);
	tcase_add_test(tc, test_fmt_matches_text);
	tcase_add_test(tc, test_msgtype_name);
	tcase_add_test(tc, test_msg_err_out);
	tcase_add_test(tc, test_man_page_current);
	tcase_add_test(tc, test_man_page_escaped);
	suite_add_tcase(s, tc);
	return s;
}
