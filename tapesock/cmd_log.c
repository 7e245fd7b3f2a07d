/*
 * cmd_log.c — the permanent log of a home, ts.log,log (and its rotated
 * ts.log,log.1): listlog shows it, clearlog empties it.  The reference
 * menu's Special Operations 8 "List Permanent Log" and 9 "Clear
 * Permanent Log".
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "home.h"
#include "log.h"

/* The record is of server name: its text begins "name[". */
static int
of_server(const struct plog_record *r, const char *name)
{
	size_t n = strlen(name);

	return strncmp(r->text, name, n) == 0 && r->text[n] == '[';
}

int
cmd_listlog(struct ctx *ctx)
{
	const char *name = ctx->req->val[KW_SERVER];
	struct plog_record *v = NULL;
	size_t i, n = 0, bad = 0, shown = 0;
	char *path = home_path(ctx->home, PLOG_FILE);

	if (plog_read_all(path, &v, &n, &bad) < 0 && errno != ENOENT) {
		msg_err(MSG_LOG_READ_ERR, path, strerror(errno));
		free(path);
		return EXIT_FAILED;
	}
	for (i = 0; i < n; i++) {
		if (name != NULL && *name != '\0' && !of_server(&v[i], name))
			continue;
		fprintf(ctx->out, "%s (%s, %d) %s: %s\n", v[i].stamp,
		    v[i].code, v[i].number, v[i].type, v[i].text);
		shown++;
	}
	if (bad > 0)
		msg_err(MSG_LOG_BAD_RECORD, path, bad);
	if (shown == 0)
		msg_out(ctx->req->opts & OPT_Q, MSG_CLI_PLOG_EMPTY, path);
	plog_free(v, n);
	free(path);
	return EXIT_OK;
}

int
cmd_clearlog(struct ctx *ctx)
{
	struct plog_record *v = NULL;
	size_t n = 0, bad = 0;
	struct timespec now;
	char *path = home_path(ctx->home, PLOG_FILE), *old, q[512], text[256];
	int rc = EXIT_OK, fd;

	old = xasprintf("%s%s", path, PLOG_OLD);
	(void)plog_read_all(path, &v, &n, &bad);
	plog_free(v, n);
	if (!(ctx->req->opts & OPT_Q)) {
		snprintf(q, sizeof(q), "Clear the permanent log %s (%zu "
		    "record(s))", path, n);
		if (!ask_yes(ctx->in, ctx->out, q)) {
			msg_err(MSG_CLI_NOT_CONFIRMED, "clearlog");
			free(path);
			free(old);
			return EXIT_FAILED;
		}
	}
	/* Emptied in place: servers append with O_APPEND and go on. */
	fd = open_nofollow(path, O_WRONLY, 0);
	if ((fd < 0 && errno != ENOENT) || (fd >= 0 && ftruncate(fd, 0) < 0)) {
		msg_err(MSG_LOG_WRITE_ERR, path, strerror(errno));
		rc = EXIT_FAILED;
	}
	if (fd >= 0)
		close(fd);
	if (rc == EXIT_OK && unlink(old) < 0 && errno != ENOENT) {
		msg_err(MSG_LOG_WRITE_ERR, old, strerror(errno));
		rc = EXIT_FAILED;
	}
	if (rc == EXIT_OK) {
		/* Who cleared it, and what: the first record after. */
		clock_gettime(CLOCK_REALTIME, &now);
		msg_format(text, sizeof(text), MSG_LOG_CLEARED, n,
		    (unsigned)getuid());
		(void)plog_append(path, 0, &now, catalog_get(MSG_LOG_CLEARED)->code,
		    catalog_get(MSG_LOG_CLEARED)->number,
		    catalog_get(MSG_LOG_CLEARED)->type, text);
		msg_out(ctx->req->opts & OPT_Q, MSG_CLI_PLOG_CLEARED, path, n);
	}
	free(path);
	free(old);
	return rc;
}
