/*
 * checkcmd.c — parsing the check commands (checkcmd.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkcmd.h"

#define CHECK_TRON_MAX	100000	/* as trace= */

static const struct {
	const char	*word;
	enum check_verb	 verb;
} check_words[] = {
	{ "exec", CK_EXEC }, { "msgnum", CK_MSGNUM }, { "query", CK_QUERY },
	{ "shtdwn", CK_SHTDWN }, { "test", CK_TEST_F }, { "tlchk", CK_TLCHK },
	{ "tlstrt", CK_TLSTRT }, { "tron", CK_TRON }, { "troff", CK_TROFF },
};

int
check_name_ok(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > CHECK_NAME_MAX || name[0] == '.')
		return -1;
	for (i = 0; i < n; i++)
		if (name[i] == '/' || !isprint((unsigned char)name[i]) ||
		    name[i] == ' ')
			return -1;
	return 0;
}

void
check_cmd_free(struct check_cmd *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

static int check_fail(struct check_cmd *, struct errbuf *, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
check_fail(struct check_cmd *c, struct errbuf *err, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	errbuf_set(err, "%s", what);
	check_cmd_free(c);
	return -1;
}

int
check_parse(const char *line, struct check_cmd *c, struct errbuf *err)
{
	char *w[CHECK_ARGV_MAX + 2], *p, *word;
	size_t i, n = 0;
	uint64_t num;
	int found = 0;

	memset(c, 0, sizeof(*c));
	if (strlen(line) > 1024)
		return check_fail(c, err, "command too long (1024 bytes "
		    "at most)");
	c->buf = p = xstrdup(line);
	while ((word = strsep(&p, " \t")) != NULL) {
		if (*word == '\0')
			continue;
		if (n == ARRAY_LEN(w))
			return check_fail(c, err, "too many words");
		w[n++] = word;
	}
	if (n == 0)
		return check_fail(c, err, "empty command");
	for (i = 0; i < ARRAY_LEN(check_words); i++)
		if (streqi(w[0], check_words[i].word)) {
			c->verb = check_words[i].verb;
			found = 1;
		}
	if (!found) {
		/* The manual's own example sends a TCL command as it is. */
		return check_fail(c, err, "'%s' is not a check command; a "
		    "command of the remote system is run with exec (cmd=\"exec "
		    "...\"), if that server's execallow= names it", w[0]);
	}
	switch (c->verb) {
	case CK_EXEC:
		if (n < 2)
			return check_fail(c, err, "exec needs a command");
		if (n - 1 > CHECK_ARGV_MAX)
			return check_fail(c, err, "exec: too many words");
		for (i = 1; i < n; i++)
			c->argv[i - 1] = w[i];
		c->argc = (int)(n - 1);
		c->argv[c->argc] = NULL;
		break;
	case CK_TEST_F:
		if (n == 3 && streqi(w[1], "-f"))
			c->verb = CK_TEST_F;
		else if (n == 4 && streqi(w[1], "-r"))
			c->verb = CK_TEST_R;
		else if (n == 4 && streqi(w[1], "-rd"))
			c->verb = CK_TEST_RD;
		else
			return check_fail(c, err, "test takes -f FILE or "
			    "-r[d] FILE ID");
		c->file = w[2];
		if (check_name_ok(c->file) < 0)
			return check_fail(c, err, "test: bad FILE '%s' (1 to "
			    "128 printable characters, no '/' or blank, not "
			    "starting with '.')", c->file);
		if (n == 4) {
			c->item = w[3];
			if (check_name_ok(c->item) < 0)
				return check_fail(c, err, "test: bad ID '%s' "
				    "(1 to 128 printable characters, no '/' or "
				    "blank, not starting with '.')", c->item);
		}
		break;
	case CK_TRON:
		if (n > 2 || (n == 2 && parse_u64(w[1], CHECK_TRON_MAX,
		    &num) < 0))
			return check_fail(c, err, "tron takes one number of "
			    "traces, 0 to 100000");
		if (n == 2) {
			c->tron = (unsigned)num;
			c->has_tron = 1;
		}
		break;
	default:
		if (n > 1)
			return check_fail(c, err, "'%s' takes no argument",
			    w[0]);
		break;
	}
	return 0;
}

char *
check_normal(const struct check_cmd *c)
{
	static const char *const names[] = {
		[CK_EXEC] = "exec", [CK_MSGNUM] = "msgnum",
		[CK_QUERY] = "query", [CK_SHTDWN] = "shtdwn",
		[CK_TEST_F] = "test -f", [CK_TEST_R] = "test -r",
		[CK_TEST_RD] = "test -rd", [CK_TLCHK] = "tlchk",
		[CK_TLSTRT] = "tlstrt", [CK_TRON] = "tron",
		[CK_TROFF] = "troff",
	};
	char *out = xstrdup(names[c->verb]), *t;
	int i;

	switch (c->verb) {
	case CK_EXEC:
		for (i = 0; i < c->argc; i++) {
			t = xasprintf("%s %s", out, c->argv[i]);
			free(out);
			out = t;
		}
		break;
	case CK_TEST_F:
	case CK_TEST_R:
	case CK_TEST_RD:
		t = c->item != NULL ? xasprintf("%s %s %s", out, c->file,
		    c->item) : xasprintf("%s %s", out, c->file);
		free(out);
		out = t;
		break;
	case CK_TRON:
		if (c->has_tron) {
			t = xasprintf("%s %u", out, c->tron);
			free(out);
			out = t;
		}
		break;
	default:
		break;
	}
	return out;
}
