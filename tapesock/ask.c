/*
 * ask.c — `keyword=?` prompts, confirmations, and the values used last
 * time for `keyword=.` (remembered per keyword in <home>/last-values).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "home.h"

#define LASTVAL_FILE	"last-values"

/* One line of input without its newline; NULL at end of input. */
static char *
read_line(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if ((n = getline(&line, &cap, in)) < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return line;
}

int
ask_value(enum kw k, FILE *in, FILE *out, char **value)
{
	const struct kwdef *d = kw_def(k);
	struct errbuf why;
	char *line, *norm;

	for (;;) {
		fprintf(out, "%s (%s=) ? ", d->label, d->name);
		fflush(out);
		if ((line = read_line(in)) == NULL) {
			fputc('\n', out);
			return 2;
		}
		if (strcmp(line, "?") == 0) {
			char *help = ask_help(k);

			fprintf(out, "%s\nEnter q to quit.\n", help);
			free(help);
		} else if (streqi(line, "q")) {
			free(line);
			return 1;
		} else if (k == KW_SERVER && line[0] == '\0') {
			*value = line;		/* the default server */
			return 0;
		} else if (kw_check(k, line, KWC_FULL, &norm, &why) == 0) {
			free(norm);
			*value = line;
			return 0;
		} else {
			char msg[ERRBUF_SIZE];

			fprintf(out, "%s\n", msg_format(msg, sizeof(msg),
			    MSG_CLI_BAD_VALUE, d->name, line, why.msg,
			    d->allowed));
		}
		free(line);
	}
}

char *
ask_help(enum kw k)
{
	const struct kwdef *d = kw_def(k);

	return xasprintf("%s\nAllowed: %s.%s%s%s", d->help, d->allowed,
	    d->defval ? " Default: " : "", d->defval ? d->defval : "",
	    d->defval ? "." : "");
}

int
ask_yes(FILE *in, FILE *out, const char *question)
{
	char *line;
	int yes;

	fprintf(out, "%s (y/n) ? ", question);
	fflush(out);
	if ((line = read_line(in)) == NULL) {
		fputc('\n', out);
		return 0;
	}
	yes = streqi(line, "y") || streqi(line, "yes");
	free(line);
	return yes;
}

/*
 * The file holds lines "keyword=value"; values never hold control
 * characters (kw_check refuses them), so a line is a record.
 */
char *
lastval_get(const char *home, enum kw k)
{
	char *path = home_path(home, LASTVAL_FILE), *buf, *line, *p, *val = NULL;
	size_t nlen = strlen(kw_def(k)->name);

	if (read_file(path, &buf, NULL) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	for (p = buf; (line = strsep(&p, "\n")) != NULL; )
		if (strncmp(line, kw_def(k)->name, nlen) == 0 &&
		    line[nlen] == '=') {
			free(val);
			val = xstrdup(line + nlen + 1);
		}
	free(buf);
	return val;
}

int
lastval_save(const char *home, const struct request *req)
{
	char *path = home_path(home, LASTVAL_FILE);
	char *lock = xasprintf("%s.lock", path);
	char *old = NULL, *out = NULL, *val, *tmp;
	int fd, rc = 0, changed = 0;
	size_t k;

	if ((fd = lock_file(lock)) < 0) {
		rc = -1;
		goto done;
	}
	out = xstrdup("");
	for (k = 0; k < KW__COUNT; k++) {
		/* What was given this time wins; else what was kept. */
		if (req->raw[k] != NULL && req->val[k] != NULL) {
			val = xstrdup(req->raw[k]);
			changed = 1;
		} else if ((val = lastval_get(home, k)) == NULL)
			continue;
		tmp = xasprintf("%s%s=%s\n", out, kw_def(k)->name, val);
		free(out);
		free(val);
		out = tmp;
	}
	if (changed && atomic_write_file(path, out, strlen(out), 0600) < 0)
		rc = -1;
	unlock_file(fd);
done:
	free(old);
	free(out);
	free(lock);
	free(path);
	return rc;
}
