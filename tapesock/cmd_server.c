/*
 * cmd_server.c — the commands addressed to a server process: start*,
 * stop*, query, traceon/off, check, shutdown, tltest.  Each resolves
 * the server, refuses what cannot be done, and answers honestly.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>
#include <bsd/unistd.h>

#include "catalog.h"
#include "cli.h"
#include "control.h"
#include "home.h"
#include "log.h"
#include "paths.h"
#include "pipes.h"
#include "runstate.h"

#define START_WAIT_MS	30000	/* start: how long the daemon may take */
#define STOP_MARGIN_S	10	/* stop: beyond its wait= a server may take */
#define CONTROL_WAIT_MS	10000

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

/* The server program: $TAPESOCKD, beside this one (the build tree),
 * or where make install put it. */
static char *
daemon_path(void)
{
	return prog_beside("TAPESOCKD", "tapesockd", TAPESOCK_LIBEXECDIR);
}

/* Read the daemon's "OK pid" or "ERR reason" within the start wait. */
static int
read_ready(int fd, char *buf, size_t sz)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t len = 0;
	ssize_t n;

	while (len < sz - 1) {
		if (poll(&pfd, 1, START_WAIT_MS) <= 0)
			break;
		n = read(fd, buf + len, sz - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (int)len;
}

/* Start one server and wait until it serves or has failed. */
static void
strlcat_flag(char *flags, char c)
{
	size_t n = strlen(flags);

	flags[n] = c;
	flags[n + 1] = '\0';
}

static int
server_start(struct ctx *ctx, const struct config *cfg,
    const struct server_cfg *s)
{
	const struct server_cfg *other;
	char *prog, flags[8] = "-", ready[ERRBUF_SIZE + 16];
	unsigned opts = ctx->req->opts;
	int p[2], rc;
	pid_t pid;

	/* A configuration written by hand may give two servers one pipe. */
	if ((other = config_pipe_shared(cfg, s)) != NULL) {
		msg_err(MSG_CLI_PIPE_SHARED, s->name, s->val[KW_PIPE],
		    other->name);
		return EXIT_FAILED;
	}
	if ((rc = start_ready(ctx, s)) != EXIT_OK)
		return rc;
	if (opts & OPT_C)
		strlcat_flag(flags, 'C');
	if (opts & OPT_S)
		strlcat_flag(flags, 'S');
	if (opts & OPT_V)
		strlcat_flag(flags, 'V');
	if (pipe2(p, O_CLOEXEC) < 0) {
		msg_err(MSG_CLI_START_FAILED, s->name, strerror(errno));
		return EXIT_FAILED;
	}
	prog = daemon_path();
	fflush(NULL);
	if ((pid = fork()) < 0) {
		msg_err(MSG_CLI_START_FAILED, s->name, strerror(errno));
		free(prog);
		close(p[0]);
		close(p[1]);
		return EXIT_FAILED;
	}
	if (pid == 0) {
		/* A session of its own: no controlling terminal. */
		setsid();
		if (dup2(p[1], 3) < 0)
			_exit(127);
		/* Hold none of the caller's pipes open. */
		closefrom(4);
		if (flags[1] != '\0')
			execl(prog, "tapesockd", flags, "-r", "3", s->name,
			    (char *)NULL);
		else
			execl(prog, "tapesockd", "-r", "3", s->name,
			    (char *)NULL);
		dprintf(3, "ERR cannot run %s: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(p[1]);
	free(prog);
	read_ready(p[0], ready, sizeof(ready));
	close(p[0]);
	if (strncmp(ready, "OK ", 3) == 0) {
		msg_out(opts & OPT_Q, MSG_CLI_STARTED, s->name,
		    atol(ready + 3));
		return EXIT_OK;
	}
	waitpid(pid, NULL, WNOHANG);
	msg_err(MSG_CLI_START_FAILED, s->name, strncmp(ready, "ERR ", 4) == 0 ?
	    ready + 4 : "the server ended without saying why; see "
	    "'tape-socket status'");
	return EXIT_FAILED;
}

/* The trace entry e is message id. */
static int
trace_is(const struct trace_entry *e, enum msgid id)
{
	const struct msgdef *m = catalog_get(id);

	return strcmp(e->code, m->code) == 0 && e->number == m->number;
}

/* Send one control request; print its answer; *keep (if given) takes
 * the answer's lines (a successful one's), for the caller to judge. */
static int
server_control_keep(struct ctx *ctx, const struct server_cfg *s,
    const char *request, int quiet, char **keep)
{
	struct errbuf err;
	char *sock, *resp = NULL;
	size_t l;
	int r;

	sock = xasprintf("%s/%s.sock", ctx->home, s->name);
	r = control_request(sock, request, &resp, CONTROL_WAIT_MS, &err);
	if (resp != NULL) {
		/* One line per line: the answer brings its own newline. */
		l = strlen(resp);
		while (l > 0 && resp[l - 1] == '\n')
			resp[--l] = '\0';
	}
	if (r == -2)
		msg_err(MSG_CLI_SERVER_NOT_RUNNING, s->name, s->name);
	else if (r == -1)
		msg_err(MSG_CLI_CONTROL_ERR, s->name, sock, err.msg);
	else if (r == 1) {
		char *reason = strrchr(resp, '\n');

		if (reason != NULL) {
			*reason++ = '\0';
			fprintf(ctx->out, "%s\n", resp);
		} else
			reason = resp;
		/* Reached: the server's own reason, not "cannot reach". */
		msg_err(MSG_CLI_SERVER_ANSWERED_ERR, s->name, reason);
	} else if (!quiet && resp != NULL && *resp != '\0')
		fprintf(ctx->out, "%s\n", resp);
	if (keep != NULL && r == 0) {
		*keep = resp;
		resp = NULL;
	}
	free(resp);
	free(sock);
	return r == 0 ? EXIT_OK : EXIT_FAILED;
}

int
server_control(struct ctx *ctx, const struct server_cfg *s,
    const char *request, int quiet)
{
	return server_control_keep(ctx, s, request, quiet, NULL);
}

/*
 * stop: warn about data left in the pipe, ask, stop, wait, judge.
 * Success only when the server says it delivered everything ("Stop on
 * req"), or when the operator forced it (wait=0) and it says what was
 * pending; anything else is a failure that names what is pending.
 */
static int
server_stop(struct ctx *ctx, const struct server_cfg *s)
{
	struct trace_entry e;
	struct pipeinfo pi;
	const char *wait = ctx->req->val[KW_WAIT] != NULL ?
	    ctx->req->val[KW_WAIT] : kw_def(KW_WAIT)->defval;
	char *logpath, req[32];
	time_t until;
	int rc, quiet = ctx->req->opts & OPT_Q;

	if (runstate_pid(ctx->home, s->name) == 0) {
		msg_err(MSG_CLI_SERVER_NOT_RUNNING, s->name, s->name);
		return EXIT_FAILED;
	}
	if (srv_val(s, KW_PIPE) != NULL &&
	    pipe_inspect(srv_val(s, KW_PIPE), &pi) == 0 && pi.waiting > 0) {
		/* OUT: the server has not read them; IN: its reader. */
		msg_err(strcmp(s->val[KW_SERVERTYPE], "IN") == 0 ?
		    MSG_CLI_PIPE_NOT_READ : MSG_CLI_PIPE_NOT_EMPTY,
		    srv_val(s, KW_PIPE), pi.waiting);
		if (!quiet && !ask_yes(ctx->in, ctx->out, "Stop anyway")) {
			msg_err(MSG_CLI_NOT_CONFIRMED, "stop");
			return EXIT_FAILED;
		}
	}
	snprintf(req, sizeof(req), "%s %s", ctx->req->cmd == CMD_SHUTDOWN ?
	    "SHUTDOWN" : "STOP", wait);
	if ((rc = server_control(ctx, s, req, 1)) != EXIT_OK)
		return rc;
	/* The server takes up to wait seconds; a margin for the rest. */
	until = time(NULL) + atol(wait) + STOP_MARGIN_S;
	while (runstate_pid(ctx->home, s->name) != 0 && time(NULL) < until) {
		struct timespec tick = { 0, 50 * 1000 * 1000 };

		nanosleep(&tick, NULL);	/* the server is another process */
	}
	if (runstate_pid(ctx->home, s->name) != 0) {
		msg_err(MSG_CLI_STOP_FAILED, s->name, "still running");
		return EXIT_FAILED;
	}
	logpath = home_path(ctx->home, TSLOG_FILE);
	rc = tslog_ring_last(logpath, s->name, &e);
	free(logpath);
	if (rc == 1 && trace_is(&e, MSG_SRV_STOP_NO_SHUTDOWN)) {
		/* The output server stopped; its input server did not. */
		msg_err(MSG_CLI_SHUTDOWN_HALF, s->name);
		return EXIT_FAILED;
	}
	if (rc == 1 && trace_is(&e, MSG_TS_STOP_ON_REQ)) {
		msg_out(quiet, MSG_CLI_STOPPED, s->name, e.text);
		return EXIT_OK;
	}
	if (rc == 1 && trace_is(&e, MSG_SRV_STOP_FORCED)) {
		/* What the operator chose; still said, even with (Q. */
		msg_err(MSG_CLI_STOP_FORCED, s->name, e.text);
		return EXIT_OK;
	}
	msg_err(MSG_CLI_STOP_FAILED, s->name, rc == 1 ? e.text : "no trace");
	return EXIT_FAILED;
}

/*
 * check: the remote server's answer, printed.  A test that found
 * nothing ("0 File 'f' missing") exits 1, as test(1) would, so that a
 * script can ask "is it there?".
 */
static int
server_check(struct ctx *ctx, const struct server_cfg *s)
{
	const char *cmd = ctx->req->val[KW_CMD];
	char *req = xasprintf("CHECK %s", cmd), *resp = NULL;
	int rc;

	rc = server_control_keep(ctx, s, req, 0, &resp);
	if (rc == EXIT_OK && strncmp(cmd, "test ", 5) == 0 && resp != NULL &&
	    strncmp(resp, "0 ", 2) == 0)
		rc = EXIT_FAILED;
	free(resp);
	free(req);
	return rc;
}

/* A command for a running server, through its control socket. */
static int
server_request(struct ctx *ctx, const struct server_cfg *s)
{
	char req[64];

	switch (ctx->req->cmd) {
	case CMD_STOP:
	case CMD_STOPALL:
		return server_stop(ctx, s);
	case CMD_QUERY:
		if (ctx->req->flags & FLBIT(FL_JSON))
			return query_json(ctx, s);
		return server_control(ctx, s, "QUERY", 0);
	case CMD_TRACEON:
		snprintf(req, sizeof(req), "TRACEON %s",
		    ctx->req->val[KW_TRACE] ? ctx->req->val[KW_TRACE] : "");
		return server_control(ctx, s, req, 0);
	case CMD_TRACEOFF:
		return server_control(ctx, s, "TRACEOFF", 0);
	case CMD_CHECK:
		return server_check(ctx, s);
	case CMD_SHUTDOWN:
		return server_stop(ctx, s);
	case CMD_TLTEST:
		/* An output server polls now; an input server has the
		 * remote logger's word. */
		return server_control(ctx, s, strcmp(s->val[KW_SERVERTYPE],
		    "OUT") == 0 ? "TLTEST" : "CHECK tlchk", 0);
	default:
		return server_control(ctx, s, "STATUS", 0);
	}
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
				r = server_start(ctx, &cfg, s);
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
			rc = server_start(ctx, &cfg, s);
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
		rc = server_start(ctx, &cfg, s);
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
