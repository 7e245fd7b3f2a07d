/*
 * cmd_config.c — setup, setarg, show, listserver: the commands that
 * read and change the configuration of a home.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "catalog.h"
#include "cli.h"
#include "runstate.h"

int
ctx_load_config(struct ctx *ctx, struct config *cfg)
{
	struct errbuf err;

	if (config_load(ctx->cfgpath, cfg, &err) < 0) {
		msg_err_line(err.msg);
		return -1;
	}
	return 0;
}

struct server_cfg *
ctx_server(struct ctx *ctx, struct config *cfg)
{
	const char *name = ctx->req->val[KW_SERVER];
	struct server_cfg *s;

	if (name == NULL)
		name = config_default(cfg);
	if ((s = config_find(cfg, name)) == NULL) {
		if (cfg->nservers == 0)
			msg_err(MSG_CLI_NO_SERVERS, ctx->cfgpath);
		else
			msg_err(MSG_CLI_SERVER_UNKNOWN, name, ctx->cfgpath);
	}
	return s;
}

/* txopt means something only to an OUT server linked to txlog. */
static void
warn_txopt(const struct request *req, const struct server_cfg *s)
{
	const char *type = s->val[KW_SERVERTYPE], *txlog = s->val[KW_TXLOG];

	if (req->val[KW_TXOPT] == NULL)
		return;
	if (type == NULL || strcmp(type, "OUT") != 0 || txlog == NULL ||
	    strcmp(txlog, "ON") != 0)
		msg_err(MSG_CLI_TXOPT_IGNORED, req->val[KW_TXOPT]);
}

/* Apply the stored keywords of the request; describe them in buf. */
static void
apply_values(const struct request *req, struct server_cfg *s, char *buf,
    size_t sz)
{
	size_t k;

	buf[0] = '\0';
	for (k = 0; k < KW__COUNT; k++) {
		if (!(kw_def(k)->flags & KWF_STORED) || req->val[k] == NULL)
			continue;
		server_set(s, k, req->val[k]);
		if (buf[0] != '\0')
			strlcat(buf, " ", sz);
		strlcat(buf, kw_def(k)->name, sz);
		strlcat(buf, "=", sz);
		strlcat(buf, req->val[k], sz);
	}
}

/* Lock, load, change with fn, save: the one path that writes. */
static int
config_change(struct ctx *ctx, int (*fn)(struct ctx *, struct config *))
{
	struct config cfg;
	struct errbuf err;
	int fd, rc;

	if ((fd = config_lock(ctx->cfgpath, &err)) < 0) {
		msg_err_line(err.msg);
		return EXIT_FAILED;
	}
	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		rc = EXIT_FAILED;
	else if ((rc = fn(ctx, &cfg)) == EXIT_OK &&
	    config_save(&cfg, &err) < 0) {
		msg_err_line(err.msg);
		rc = EXIT_FAILED;
	}
	config_free(&cfg);
	config_unlock(fd);
	return rc;
}

/* What setup and setarg leave must go together, and with the other
 * servers: EXIT_OK, or EXIT_USAGE said. */
static int
check_server(const struct config *cfg, const struct server_cfg *s)
{
	const struct server_cfg *other;
	struct errbuf why;

	if (kw_check_server(s->val, &why) < 0) {
		msg_err(MSG_CLI_KEYWORD_CONFLICT, s->name, why.msg);
		return EXIT_USAGE;
	}
	if ((other = config_pipe_shared(cfg, s)) != NULL) {
		msg_err(MSG_CLI_PIPE_SHARED, s->name, s->val[KW_PIPE],
		    other->name);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static int
do_setup(struct ctx *ctx, struct config *cfg)
{
	const struct request *req = ctx->req;
	const char *name = req->val[KW_SERVER];
	struct server_cfg *s;
	char done[1024];
	size_t k;
	long pid;
	int rc;

	if (name == NULL)
		name = config_default(cfg);
	/* A running server keeps what it started with: not replaced
	 * under it (its type, its pipe, its port). */
	if (config_find(cfg, name) != NULL &&
	    (pid = runstate_pid(ctx->home, name)) > 0) {
		msg_err(MSG_CLI_SERVER_RUNNING_CHANGE, name, pid,
		    "replace it with setup");
		return EXIT_FAILED;
	}
	/* The first server set up becomes the default one. */
	if (cfg->nservers == 0 && cfg->default_name == NULL &&
	    strcmp(name, CONFIG_DEFAULT_SERVER) != 0)
		cfg->default_name = xstrdup(name);
	s = config_add(cfg, name);
	server_clear(s);
	for (k = 0; k < KW__COUNT; k++)
		if ((kw_def(k)->flags & KWF_STORED) && kw_def(k)->defval)
			server_set(s, k, kw_def(k)->defval);
	apply_values(req, s, done, sizeof(done));
	if ((rc = check_server(cfg, s)) != EXIT_OK)
		return rc;
	warn_txopt(req, s);
	/* tls=CERT needs no key, but a later tls=ON would. */
	if (key_ensure(ctx, req->opts & OPT_Q) != EXIT_OK)
		return EXIT_FAILED;
	msg_out(req->opts & OPT_Q, MSG_CLI_SETUP_DONE, s->name, ctx->cfgpath);
	return EXIT_OK;
}

int
cmd_setup(struct ctx *ctx)
{
	return config_change(ctx, do_setup);
}

static int
do_setarg(struct ctx *ctx, struct config *cfg)
{
	const struct request *req = ctx->req;
	struct server_cfg *s;
	char done[1024];
	long pid;
	int rc;

	if ((s = ctx_server(ctx, cfg)) == NULL)
		return EXIT_FAILED;
	if (req->val[KW_SERVERTYPE] != NULL &&
	    strcmp(req->val[KW_SERVERTYPE], s->val[KW_SERVERTYPE]) != 0 &&
	    (pid = runstate_pid(ctx->home, s->name)) > 0) {
		msg_err(MSG_CLI_SERVER_RUNNING_CHANGE, s->name, pid,
		    "change its servertype");
		return EXIT_FAILED;
	}
	apply_values(req, s, done, sizeof(done));
	if ((rc = check_server(cfg, s)) != EXIT_OK)
		return rc;
	warn_txopt(req, s);
	msg_out(req->opts & OPT_Q, MSG_CLI_SETARG_DONE, s->name, done);
	return EXIT_OK;
}

int
cmd_setarg(struct ctx *ctx)
{
	size_t k;

	for (k = 0; k < KW__COUNT; k++)
		if ((kw_def(k)->flags & KWF_STORED) && ctx->req->val[k])
			return config_change(ctx, do_setarg);
	msg_err(MSG_CLI_NOTHING_TO_SET,
	    "callrep calldelay hbint hbtimeout host listen lost ndisc notify "
	    "pipe poll port prot servertype sync trace txlog txopt txpriod");
	return EXIT_USAGE;
}

static void
show_one(FILE *out, const struct config *cfg, const struct server_cfg *s)
{
	char poll[16];
	const char *v;
	uint64_t secs;
	size_t k;

	fprintf(out, "Server %s%s\n", s->name,
	    strcmp(s->name, config_default(cfg)) == 0 ? " (default)" : "");
	for (k = 0; k < KW__COUNT; k++) {
		if (!(kw_def(k)->flags & KWF_STORED))
			continue;
		v = s->val[k];
		if (k == KW_POLL && v != NULL && kw_poll_seconds(v, &secs) == 0) {
			kw_poll_format(secs, poll, sizeof(poll));
			v = poll;
		}
		fprintf(out, "  %-31s %-11s %s\n", kw_def(k)->label,
		    kw_def(k)->name, v ? v : "(not set)");
	}
}

int
cmd_show(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s;
	size_t i;
	int rc = EXIT_OK;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	if (ctx->req->val[KW_SERVER] != NULL) {
		if ((s = ctx_server(ctx, &cfg)) == NULL)
			rc = EXIT_FAILED;
		else
			show_one(ctx->out, &cfg, s);
	} else if (cfg.nservers == 0) {
		msg_err(MSG_CLI_NO_SERVERS, ctx->cfgpath);
		rc = EXIT_FAILED;
	} else
		for (i = 0; i < cfg.nservers; i++)
			show_one(ctx->out, &cfg, &cfg.servers[i]);
	config_free(&cfg);
	return rc;
}

int
cmd_listserver(struct ctx *ctx)
{
	struct config cfg;
	const struct server_cfg *s;
	size_t i;
	long pid;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	fprintf(ctx->out, "  %-32s %-4s %-5s %-8s %-24s %s\n", "Server", "Type",
	    "Port", "State", "Pipe", "Host");
	for (i = 0; i < cfg.nservers; i++) {
		s = &cfg.servers[i];
		pid = runstate_pid(ctx->home, s->name);
		fprintf(ctx->out, "%c %-32s %-4s %-5s %-8s %-24s %s\n",
		    strcmp(s->name, config_default(&cfg)) == 0 ? '*' : ' ',
		    s->name, s->val[KW_SERVERTYPE],
		    s->val[KW_PORT] ? s->val[KW_PORT] : "-",
		    pid > 0 ? "running" : "stopped",
		    s->val[KW_PIPE] ? s->val[KW_PIPE] : "-",
		    s->val[KW_HOST] ? s->val[KW_HOST] : "");
	}
	config_free(&cfg);
	return EXIT_OK;
}
