/*
 * cmd_server.c — the commands addressed to a server process: start*,
 * stop*, query, traceon/off, check, shutdown, tltest.  Each resolves
 * the server, refuses what cannot be done, and answers honestly.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "runstate.h"

/* startsend / startreceive: server=, else the default if it has the
 * right type, else the only server of that type. */
static struct server_cfg *
server_of_type(struct ctx *ctx, struct config *cfg, const char *type)
{
	struct server_cfg *s, *found = NULL;
	size_t i, n = 0;

	if (ctx->req->val[KW_SERVER] != NULL)
		return ctx_server(ctx, cfg);
	s = config_find(cfg, config_default(cfg));
	if (s != NULL && strcmp(s->val[KW_SERVERTYPE], type) == 0)
		return s;
	for (i = 0; i < cfg->nservers; i++)
		if (strcmp(cfg->servers[i].val[KW_SERVERTYPE], type) == 0) {
			found = &cfg->servers[i];
			n++;
		}
	if (n == 1)
		return found;
	msg_err(MSG_CLI_NO_SERVER_OF_TYPE, type, ctx->cfgpath, type);
	return NULL;
}

/* query/stop accept pib= (a pid) or pipe= instead of server=. */
static struct server_cfg *
server_by_pid_or_pipe(struct ctx *ctx, struct config *cfg)
{
	const char *pib = ctx->req->val[KW_PIB], *pipe = ctx->req->val[KW_PIPE];
	size_t i;

	if (pib == NULL && pipe == NULL)
		return ctx_server(ctx, cfg);
	for (i = 0; i < cfg->nservers; i++) {
		if (pib != NULL &&
		    runstate_pid(ctx->home, cfg->servers[i].name) == atol(pib))
			return &cfg->servers[i];
		if (pipe != NULL && cfg->servers[i].val[KW_PIPE] != NULL &&
		    strcmp(cfg->servers[i].val[KW_PIPE], pipe) == 0)
			return &cfg->servers[i];
	}
	msg_err(MSG_CLI_NO_SUCH_SERVER, pib ? "pib" : "pipe", pib ? pib : pipe);
	return NULL;
}

/* What start needs before a server could run: validate, then act. */
static int
start_ready(struct ctx *ctx, const struct server_cfg *s)
{
	struct errbuf why;
	char *norm;
	long pid;

	if (s->val[KW_PORT] == NULL) {
		msg_err(MSG_CLI_SERVER_INCOMPLETE, s->name, "port", s->name,
		    "port");
		return EXIT_FAILED;
	}
	if (s->val[KW_PIPE] == NULL) {
		msg_err(MSG_CLI_SERVER_INCOMPLETE, s->name, "pipe", s->name,
		    "pipe");
		return EXIT_FAILED;
	}
	if (strcmp(s->val[KW_SERVERTYPE], "OUT") == 0 &&
	    s->val[KW_HOST] == NULL) {
		msg_err(MSG_CLI_SERVER_INCOMPLETE, s->name, "host", s->name,
		    "host");
		return EXIT_FAILED;
	}
	if (kw_check(KW_PIPE, s->val[KW_PIPE], KWC_FULL, &norm, &why) < 0) {
		msg_err(MSG_CLI_BAD_VALUE, "pipe", s->val[KW_PIPE], why.msg,
		    kw_def(KW_PIPE)->allowed);
		return EXIT_FAILED;
	}
	free(norm);
	if ((pid = runstate_pid(ctx->home, s->name)) > 0) {
		msg_err(MSG_TSD_DUPLICATE, s->name, pid);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static int
server_start(struct ctx *ctx, const struct server_cfg *s)
{
	int rc;

	if ((rc = start_ready(ctx, s)) != EXIT_OK)
		return rc;
	msg_err(MSG_CLI_NO_DAEMON, s->name);
	return EXIT_FAILED;
}

/* A command for a running server, through its control socket. */
static int
server_request(struct ctx *ctx, const struct server_cfg *s)
{
	char *sock;
	long pid;

	if ((pid = runstate_pid(ctx->home, s->name)) == 0) {
		msg_err(MSG_CLI_SERVER_NOT_RUNNING, s->name, s->name);
		return EXIT_FAILED;
	}
	sock = xasprintf("%s/%s.sock", ctx->home, s->name);
	msg_err(MSG_CLI_CONTROL_ERR, s->name, sock,
	    "this build has no control protocol");
	free(sock);
	return EXIT_FAILED;
}

int
cmd_server(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s = NULL;
	enum cmd c = ctx->req->cmd;
	size_t i;
	int rc = EXIT_FAILED, r, running = 0;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	switch (c) {
	case CMD_STARTALL:
	case CMD_STOPALL:
		if (cfg.nservers == 0) {
			msg_err(MSG_CLI_NO_SERVERS, ctx->cfgpath);
			break;
		}
		rc = EXIT_OK;
		for (i = 0; i < cfg.nservers; i++) {
			s = &cfg.servers[i];
			if (c == CMD_STARTALL)
				r = server_start(ctx, s);
			else if (runstate_pid(ctx->home, s->name) > 0) {
				running++;
				r = server_request(ctx, s);
			} else
				r = EXIT_OK;
			if (r != EXIT_OK)
				rc = r;
		}
		if (c == CMD_STOPALL && running == 0)
			msg_out(ctx->req->opts & OPT_Q, MSG_CLI_NONE_RUNNING,
			    ctx->home);
		break;
	case CMD_START:
		if ((s = ctx_server(ctx, &cfg)) != NULL)
			rc = server_start(ctx, s);
		break;
	case CMD_STARTSEND:
	case CMD_STARTRECEIVE:
		s = server_of_type(ctx, &cfg, c == CMD_STARTSEND ? "OUT" : "IN");
		if (s == NULL)
			break;
		if (strcmp(s->val[KW_SERVERTYPE],
		    c == CMD_STARTSEND ? "OUT" : "IN") != 0) {
			msg_err(MSG_CLI_WRONG_TYPE, s->name,
			    s->val[KW_SERVERTYPE], cli_cmd(c)->name);
			break;
		}
		rc = server_start(ctx, s);
		break;
	case CMD_QUERY:
	case CMD_STOP:
		if ((s = server_by_pid_or_pipe(ctx, &cfg)) != NULL)
			rc = server_request(ctx, s);
		break;
	case CMD_TLTEST:
		if ((s = ctx_server(ctx, &cfg)) == NULL)
			break;
		if (strcmp(srv_val(s, KW_TXLOG), "ON") != 0) {
			msg_err(MSG_CLI_NOT_TXLOG, s->name);
			break;
		}
		rc = server_request(ctx, s);
		break;
	default:	/* check, shutdown, traceon, traceoff */
		if ((s = ctx_server(ctx, &cfg)) != NULL)
			rc = server_request(ctx, s);
		break;
	}
	config_free(&cfg);
	return rc;
}

int
cmd_version(struct ctx *ctx)
{
	fprintf(ctx->out, "tape-socket (tapesock) %s\n", TAPESOCK_VERSION);
	return EXIT_OK;
}
