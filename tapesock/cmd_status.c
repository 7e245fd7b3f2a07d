/*
 * cmd_status.c — status: one line per server of the home with the
 * fields of the reference manual, from ts.log and the pid files.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "home.h"
#include "log.h"
#include "runstate.h"
#include "txagent.h"

void
status_row_get(const char *logpath, const struct server_cfg *s, long pid,
    struct status_row *r)
{
	struct trace_entry e;
	char when[32];
	const char *type = s->val[KW_SERVERTYPE];

	memset(r, 0, sizeof(*r));
	r->pid = pid;
	r->name = s->name;
	r->type = type != NULL && strcmp(type, "OUT") == 0 ? 's' : 'r';
	r->pipe = s->val[KW_PIPE];
	r->host = s->val[KW_HOST];
	r->port = s->val[KW_PORT];
	r->state = '-';
	if (tslog_ring_last(logpath, s->name, &e) == 1) {
		format_timestamp(when, sizeof(when), &e.when);
		snprintf(r->date, sizeof(r->date), "%.10s", when);
		snprintf(r->time, sizeof(r->time), "%.8s", when + 11);
		r->msgnum = e.msgnum;
		snprintf(r->text, sizeof(r->text), "%s", e.text);
		r->traced = 1;
		r->state = e.status;
	}
	/* A server whose last word was "running" but holds no pid file
	 * was ended from outside (a kill, a crash) without a trace of its
	 * end: the manual's L, a process logged off, rather than R. */
	if (pid == 0 && r->state == 'R')
		r->state = 'L';
}

void
status_row_print(FILE *out, const struct status_row *r)
{
	char id[24], msg[TRACE_TEXT_MAX + 32] = "";

	if (r->pid > 0)
		snprintf(id, sizeof(id), "%ld", r->pid);
	else
		snprintf(id, sizeof(id), "-");
	if (r->traced)
		snprintf(msg, sizeof(msg), "%llu %s",
		    (unsigned long long)r->msgnum, r->text);
	fprintf(out, "%-7s %-10s %c %-20s %-15s %-5s %c %-8s %-10s %s\n", id,
	    r->name, r->type, r->pipe ? r->pipe : "-", r->host ? r->host : "",
	    r->port ? r->port : "-", r->state, r->time, r->date, msg);
}

void
status_header(FILE *out)
{
	fprintf(out, "%-7s %-10s %c %-20s %-15s %-5s %c %-8s %-10s %s\n",
	    "id", "Server",
	    'T', "Pipe", "Host", "Port", 'S', "Time", "Date", "Message");
}

static void
status_line(FILE *out, const char *logpath,
    const struct server_cfg *s, long pid)
{
	struct status_row r;

	status_row_get(logpath, s, pid, &r);
	status_row_print(out, &r);
}

/*
 * A server linked to the transaction logger: its agent under its line,
 * once it has run ("txlog: restore of AREA running, pid P, reading,
 * applied N"); a server that never started one has no such line.
 */
int
status_txlog_text(const char *home, const struct server_cfg *s, char *line,
    size_t sz)
{
	return txagent_cfg_on(s) && txagent_cfg_describe(s, home, line,
	    sz) >= 0 ? 0 : -1;
}

static void
status_txlog(FILE *out, const char *home, const struct server_cfg *s)
{
	char line[PATH_MAX + 128];

	if (status_txlog_text(home, s, line, sizeof(line)) == 0)
		fprintf(out, "        txlog: %s\n", line);
}

int
cmd_status(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s;
	char *logpath;
	size_t i;
	long pid;
	int rc = EXIT_OK;

	if (ctx->req->flags & FLBIT(FL_CHECK))
		return cmd_status_check(ctx);
	if (ctx->req->flags & FLBIT(FL_JSON))
		return cmd_status_json(ctx);
	if (ctx->req->flags & FLBIT(FL_FOLLOW))
		return cmd_status_follow(ctx);
	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	logpath = home_path(ctx->home, TSLOG_FILE);
	status_header(ctx->out);
	for (i = 0; i < cfg.nservers; i++) {
		s = &cfg.servers[i];
		if (ctx->req->val[KW_SERVER] != NULL &&
		    strcmp(ctx->req->val[KW_SERVER], s->name) != 0)
			continue;
		pid = runstate_pid(ctx->home, s->name);
		if ((ctx->req->opts & OPT_R) && pid == 0)
			continue;
		status_line(ctx->out, logpath, s, pid);
		status_txlog(ctx->out, ctx->home, s);
	}
	if (ctx->req->val[KW_SERVER] != NULL &&
	    config_find(&cfg, ctx->req->val[KW_SERVER]) == NULL) {
		ctx_server(ctx, &cfg);	/* reports it */
		rc = EXIT_FAILED;
	}
	free(logpath);
	config_free(&cfg);
	return rc;
}
