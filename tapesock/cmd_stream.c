/*
 * cmd_stream.c — the operator's hold on a stream's numbering:
 *
 *	reset	forget a stopped server's stream: identity, numbers and
 *		(output server) the spool; counted, traced, confirmed.
 *	resync	have a running output server move its input server on
 *		to the first message it holds (SYNC), when the input
 *		server's record went back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "home.h"
#include "log.h"
#include "runstate.h"
#include "spool.h"

int
cmd_reset(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s;
	struct errbuf err;
	struct tslog tl;
	uint64_t msgs = 0, bytes = 0;
	char *dir = NULL, *state = NULL, question[160];
	int rc = EXIT_FAILED, is_out;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	if ((s = ctx_server(ctx, &cfg)) == NULL)
		goto done;
	if (runstate_pid(ctx->home, s->name) != 0) {
		msg_err(MSG_CLI_RESET_RUNNING, s->name);
		goto done;
	}
	is_out = strcmp(s->val[KW_SERVERTYPE], "OUT") == 0;
	if (!(ctx->req->opts & OPT_Q)) {
		snprintf(question, sizeof(question), "Reset the stream of "
		    "server %s%s", s->name, is_out ? " and discard its spool" :
		    "");
		if (!ask_yes(ctx->in, ctx->out, question)) {
			msg_err(MSG_CLI_NOT_CONFIRMED, "reset");
			goto done;
		}
	}
	dir = xasprintf("%s/%s.spool", ctx->home, s->name);
	state = xasprintf("%s/%s.state", ctx->home, s->name);
	if (is_out && spool_remove(dir, &msgs, &bytes, &err) < 0) {
		msg_err(MSG_CLI_CONTROL_ERR, s->name, dir, err.msg);
		goto done;
	}
	if (unlink(state) < 0 && errno != ENOENT) {
		msg_err(MSG_CLI_CONTROL_ERR, s->name, state, strerror(errno));
		goto done;
	}
	tslog_init(&tl, ctx->home, s->name, is_out ? 's' : 'r',
	    (unsigned)atoi(srv_val(s, KW_TRACE)), 0);
	tslog_msg(&tl, 'C', 0, MSG_SPL_DISCARDED, (unsigned long long)msgs,
	    (unsigned long long)bytes);
	tslog_close(&tl);
	msg_out(ctx->req->opts & OPT_Q, MSG_CLI_RESET_DONE, s->name,
	    (unsigned long long)msgs, (unsigned long long)bytes);
	rc = EXIT_OK;
done:
	free(dir);
	free(state);
	config_free(&cfg);
	return rc;
}

int
cmd_resync(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s;
	int rc = EXIT_FAILED;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	if ((s = ctx_server(ctx, &cfg)) == NULL)
		goto done;
	if (strcmp(s->val[KW_SERVERTYPE], "OUT") != 0) {
		msg_err(MSG_CLI_OUT_ONLY, "resync", s->name);
		goto done;
	}
	if (runstate_pid(ctx->home, s->name) == 0) {
		msg_err(MSG_CLI_SERVER_NOT_RUNNING, s->name, s->name);
		goto done;
	}
	rc = server_control(ctx, s, "RESYNC", ctx->req->opts & OPT_Q);
done:
	config_free(&cfg);
	return rc;
}
