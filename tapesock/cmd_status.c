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

static void
status_line(FILE *out, const char *logpath,
    const struct server_cfg *s, long pid)
{
	struct trace_entry e;
	char id[24], when[32], date[16] = "", tim[16] = "", msg[TRACE_TEXT_MAX + 32] = "";
	char state = '-';
	const char *type = s->val[KW_SERVERTYPE];

	if (pid > 0)
		snprintf(id, sizeof(id), "%ld", pid);
	else
		snprintf(id, sizeof(id), "-");
	if (tslog_ring_last(logpath, s->name, &e) == 1) {
		format_timestamp(when, sizeof(when), &e.when);
		snprintf(date, sizeof(date), "%.10s", when);
		snprintf(tim, sizeof(tim), "%.8s", when + 11);
		snprintf(msg, sizeof(msg), "%llu %s",
		    (unsigned long long)e.msgnum, e.text);
		state = e.status;
	}
	/* A server whose last word was "running" but holds no pid file
	 * was ended from outside (a kill, a crash) without a trace of its
	 * end: the manual's L, a process logged off, rather than R. */
	if (pid == 0 && state == 'R')
		state = 'L';
	fprintf(out, "%-7s %-10s %c %-20s %-15s %-5s %c %-8s %-10s %s\n", id,
	    s->name,
	    type != NULL && strcmp(type, "OUT") == 0 ? 's' : 'r',
	    s->val[KW_PIPE] ? s->val[KW_PIPE] : "-",
	    s->val[KW_HOST] ? s->val[KW_HOST] : "",
	    s->val[KW_PORT] ? s->val[KW_PORT] : "-", state, tim, date, msg);
}

/*
 * A server linked to the transaction logger: its agent under its line,
 * once it has run ("txlog: restore of AREA running, pid P, reading,
 * applied N"); a server that never started one has no such line.
 */
static void
status_txlog(FILE *out, const char *home, const struct server_cfg *s)
{
	char line[PATH_MAX + 128];

	if (txagent_cfg_on(s) && txagent_cfg_describe(s, home, line,
	    sizeof(line)) >= 0)
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

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	logpath = home_path(ctx->home, TSLOG_FILE);
	fprintf(ctx->out, "%-7s %-10s %c %-20s %-15s %-5s %c %-8s %-10s %s\n",
	    "id", "Server",
	    'T', "Pipe", "Host", "Port", 'S', "Time", "Date", "Message");
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
