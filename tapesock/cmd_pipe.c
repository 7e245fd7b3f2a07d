/*
 * cmd_pipe.c — drain and listpipes.
 */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "home.h"
#include "log.h"
#include "pipes.h"
#include "progress.h"
#include "runstate.h"

int
cmd_drain(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s = NULL;
	struct pipeinfo pi;
	struct errbuf err;
	struct tslog tl;
	const char *pipe = ctx->req->val[KW_PIPE];
	char *backup, question[1200];
	uint64_t bytes;
	struct progress pg;
	size_t i;
	int rc = EXIT_FAILED, r;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	if (pipe != NULL) {
		/* The trace belongs to the server that owns the pipe. */
		for (i = 0; i < cfg.nservers && s == NULL; i++)
			if (cfg.servers[i].val[KW_PIPE] != NULL &&
			    strcmp(cfg.servers[i].val[KW_PIPE], pipe) == 0)
				s = &cfg.servers[i];
	} else {
		if ((s = ctx_server(ctx, &cfg)) == NULL)
			goto done;
		if ((pipe = s->val[KW_PIPE]) == NULL) {
			msg_err(MSG_CLI_MISSING_KEYWORD, "drain", "pipe",
			    "pipe", "pipe");
			rc = EXIT_USAGE;
			goto done;
		}
	}
	backup = home_path(ctx->home, BACKUP_FILE);
	if (!(ctx->req->opts & OPT_Q)) {
		pipe_inspect(pipe, &pi);
		if (pi.waiting >= 0)
			snprintf(question, sizeof(question),
			    "Drain %s (%ld bytes waiting) into %s", pipe,
			    pi.waiting, backup);
		else
			snprintf(question, sizeof(question),
			    "Drain %s into %s", pipe, backup);
		if (!ask_yes(ctx->in, ctx->out, question)) {
			msg_err(MSG_CLI_NOT_CONFIRMED, "drain");
			free(backup);
			goto done;
		}
	}
	/* On a terminal: what is drained, of what waited, as it goes. */
	progress_init(&pg, STDERR_FILENO, "drain", PROGRESS_UNKNOWN);
	r = pipe_drain_progress(pipe, backup, &bytes, &err, &pg);
	progress_end(&pg, bytes);
	if (r < 0)
		msg_err(MSG_CLI_DRAIN_ERR, pipe, err.msg);
	else {
		/*
		 * The trace goes in the server's line of status: with the
		 * state and number it had (a running server still runs),
		 * not as a stopped server at message 0.
		 */
		char type = '-', status = 'C';
		uint64_t msgnum = 0;

		if (s != NULL) {
			char *ring = home_path(ctx->home, TSLOG_FILE);
			struct trace_entry last;

			type = strcmp(s->val[KW_SERVERTYPE], "OUT") == 0 ?
			    's' : 'r';
			if (tslog_ring_last(ring, s->name, &last) == 1) {
				msgnum = last.msgnum;
				if (runstate_pid(ctx->home, s->name) > 0)
					status = last.status;
			}
			free(ring);
		}
		tslog_init(&tl, ctx->home, s ? s->name : "-", type,
		    (unsigned)atoi(s ? srv_val(s, KW_TRACE) : "4"), 0);
		tslog_msg(&tl, status, msgnum, MSG_CLI_DRAINED,
		    (unsigned long long)bytes, pipe, backup);
		tslog_close(&tl);
		msg_out(ctx->req->opts & OPT_Q, MSG_CLI_DRAINED,
		    (unsigned long long)bytes, pipe, backup);
		rc = EXIT_OK;
	}
	free(backup);
done:
	config_free(&cfg);
	return rc;
}

int
cmd_listpipes(struct ctx *ctx)
{
	struct config cfg;
	struct pipeinfo pi;
	struct passwd *pw;
	struct group *gr;
	const char *pipe;
	char owner[80], waiting[24];
	size_t i;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	fprintf(ctx->out, "%-24s %-8s %-10s %-17s %-9s %s\n", "Pipe", "Type",
	    "Perms", "Owner", "Waiting", "Server");
	for (i = 0; i < cfg.nservers; i++) {
		pipe = cfg.servers[i].val[KW_PIPE];
		if (pipe == NULL) {
			fprintf(ctx->out, "%-24s %-8s %-10s %-17s %-9s %s\n",
			    "(not set)", "-", "-", "-", "-",
			    cfg.servers[i].name);
			continue;
		}
		if (pipe_inspect(pipe, &pi) < 0) {
			fprintf(ctx->out, "%-24s %-8s %-10s %-17s %-9s %s\n",
			    pipe, "missing", "-", "-", "-",
			    cfg.servers[i].name);
			continue;
		}
		pw = getpwuid(pi.uid);
		gr = getgrgid(pi.gid);
		snprintf(owner, sizeof(owner), "%s:%s",
		    pw ? pw->pw_name : "?", gr ? gr->gr_name : "?");
		if (pi.waiting >= 0)
			snprintf(waiting, sizeof(waiting), "%ld", pi.waiting);
		else
			snprintf(waiting, sizeof(waiting), "-");
		fprintf(ctx->out, "%-24s %-8s %-10s %-17s %-9s %s\n", pipe,
		    pi.kind, pi.perms, owner, waiting, cfg.servers[i].name);
	}
	config_free(&cfg);
	return EXIT_OK;
}
