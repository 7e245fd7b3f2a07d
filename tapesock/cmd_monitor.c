/*
 * cmd_monitor.c — what cron and monitoring read: status --check (one
 * Nagios plugin line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN),
 * status --json and query --json (doc/status.schema.json,
 * doc/query.schema.json), and status --follow (the status redrawn
 * every interval, with rates and the time left to empty the backlog).
 *
 * All of them read what status and query read: the pid files and
 * ts.log (status_row_get), and the server's query answer (qinfo).
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "catalog.h"
#include "cli.h"
#include "control.h"
#include "home.h"
#include "json.h"
#include "log.h"
#include "progress.h"
#include "qinfo.h"
#include "runstate.h"

#define MON_WAIT_MS	10000	/* a server's query answer */

/* The plugin's states, in the order of their exit codes. */
enum nag { NAG_OK, NAG_WARNING, NAG_CRITICAL, NAG_UNKNOWN };
static const char *const nag_name[] = { "OK", "WARNING", "CRITICAL",
    "UNKNOWN" };

struct verdict {
	enum nag	 state;
	char		 who[96];	/* "NAME (TYPE)": what a problem is of */
	char		 text[1024];	/* what is wrong, or what is fine */
	char		 perf[1024];
};

static void
verdict_add(char *buf, size_t sz, const char *sep, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
verdict_add(char *buf, size_t sz, const char *sep, const char *fmt, ...)
{
	char part[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(part, sizeof(part), fmt, ap);
	va_end(ap);
	if (*buf != '\0')
		strlcat(buf, sep, sz);
	strlcat(buf, part, sz);
}

/* A problem: the state rises to st, and the reason is said. */
static void
verdict_raise(struct verdict *v, enum nag st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
verdict_raise(struct verdict *v, enum nag st, const char *fmt, ...)
{
	char part[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(part, sizeof(part), fmt, ap);
	va_end(ap);
	if (st > v->state) {
		/* The worst first: what the one line must say. */
		v->state = st;
		snprintf(v->text, sizeof(v->text), "%s: %s", v->who, part);
	} else if (st == v->state)
		verdict_add(v->text, sizeof(v->text), ", ", "%s", part);
}

/* The plugin's one line: "TAPESOCK STATE - text | perfdata". */
static int
verdict_print(FILE *out, const struct verdict *v)
{
	char text[1024];
	size_t i;

	/* "|" starts the perfdata: never inside the text. */
	strlcpy(text, v->text, sizeof(text));
	for (i = 0; text[i] != '\0'; i++)
		if (text[i] == '|' || text[i] == '\n' || text[i] == '\r')
			text[i] = text[i] == '|' ? '/' : ' ';
	if (v->perf[0] != '\0')
		fprintf(out, "TAPESOCK %s - %s | %s\n", nag_name[v->state], text,
		    v->perf);
	else
		fprintf(out, "TAPESOCK %s - %s\n", nag_name[v->state], text);
	fflush(out);
	return (int)v->state;
}

int
monitor_unknown(FILE *out, const char *why)
{
	struct verdict v;

	memset(&v, 0, sizeof(v));
	v.state = NAG_UNKNOWN;
	strlcpy(v.text, why, sizeof(v.text));
	return verdict_print(out, &v);
}

/* One threshold pair over a value: the state it gives, and its perf. */
static void
judge(struct verdict *v, const struct request *req, enum flag warn,
    const char *label, double value, const char *uom, const char *what,
    const char *maxs)
{
	uint64_t w = req->flagval[warn], c = req->flagval[warn + 1];

	verdict_add(v->perf, sizeof(v->perf), " ", "%s=%.*f%s;%llu;%llu;0;%s",
	    label, value == (double)(uint64_t)value ? 0 : 1, value, uom,
	    (unsigned long long)w, (unsigned long long)c, maxs);
	if (value > (double)c)
		verdict_raise(v, NAG_CRITICAL, "%s %.*f%s > %llu", what,
		    value == (double)(uint64_t)value ? 0 : 1, value, uom,
		    (unsigned long long)c);
	else if (value > (double)w)
		verdict_raise(v, NAG_WARNING, "%s %.*f%s > %llu", what,
		    value == (double)(uint64_t)value ? 0 : 1, value, uom,
		    (unsigned long long)w);
}

/* The query a monitor asks (not traced): 0 with q, or the state it
 * makes, its reason in v. */
static int
monitor_query(const char *home, const char *name, const char *verb,
    struct qinfo *q, char *why, size_t sz, enum nag *st)
{
	struct errbuf err;
	char *sock = xasprintf("%s/%s.sock", home, name), *resp = NULL;
	int r;

	memset(q, 0, sizeof(*q));
	r = control_request(sock, verb, &resp, MON_WAIT_MS, &err);
	if (r == -2) {
		*st = NAG_CRITICAL;
		msg_format(why, sz, MSG_CLI_SERVER_NOT_RUNNING, name, name);
	} else if (r == -1) {
		*st = NAG_UNKNOWN;
		msg_format(why, sz, MSG_CLI_CONTROL_ERR, name, sock, err.msg);
	} else if (r == 1) {
		*st = NAG_UNKNOWN;
		msg_format(why, sz, MSG_CLI_SERVER_ANSWERED_ERR, name, err.msg);
	} else if (qinfo_parse(resp != NULL ? resp : "", q, &err) < 0) {
		*st = NAG_UNKNOWN;
		msg_format(why, sz, MSG_CLI_QUERY_UNREADABLE, name, err.msg);
		r = 1;
	}
	free(resp);
	free(sock);
	return r;
}

/* The thresholds over one running server's query. */
static void
check_judge(struct verdict *v, const struct request *req,
    const struct qinfo *q)
{
	double down = q->connected ? 0 : (q->conn_changed >= 0 ?
	    q->conn_changed : 0);

	snprintf(v->who, sizeof(v->who), "%s (%s)", q->name, q->type);
	verdict_add(v->text, sizeof(v->text), ", ", "%s running, %s, %s",
	    v->who, q->connected ? "connected" : "not connected",
	    q->status);
	verdict_add(v->perf, sizeof(v->perf), " ", "connected=%d;;;0;1",
	    q->connected);
	judge(v, req, FL_WARN_CONN, "not_connected", down, "s",
	    "not connected for", "");
	if (q->pipe_error[0] != '\0')
		verdict_raise(v, NAG_CRITICAL, "pipe error: %s", q->pipe_error);
	if (q->has_unacked)
		judge(v, req, FL_WARN_UNACKED, "unacked", (double)q->unacked, "",
		    strcmp(q->type, "OUT") == 0 ? "unacknowledged" :
		    "unwritten", "");
	if (q->has_spool)
		judge(v, req, FL_WARN_SPOOL, "spool", q->spool_max > 0 ?
		    (double)(q->spool_bytes * 1000 / q->spool_max) / 10 : 0,
		    "%", "spool", "100");
	verdict_add(v->perf, sizeof(v->perf), " ", "rate=%.1f;;;0;", q->rate);
	verdict_add(v->perf, sizeof(v->perf), " ", "transferred=%lluKB;;;0;",
	    (unsigned long long)q->kbytes);
	if (q->has_lag && q->lag_s >= 0)
		judge(v, req, FL_WARN_LAG, "lag", q->lag_s, "s", "txlog lag",
		    "");
	if (q->has_lag && q->lag_known)
		verdict_add(v->perf, sizeof(v->perf), " ", "lag_tx=%llu;;;0;",
		    (unsigned long long)q->lag_tx);
	if (q->has_poll && q->poll_age >= 0)
		judge(v, req, FL_WARN_POLL, "last_poll", q->poll_age, "s",
		    "last poll seen", "");
	if (q->has_poll && q->poll_failing)
		verdict_raise(v, NAG_CRITICAL, "txlog poll lost");
}

int
cmd_status_check(struct ctx *ctx)
{
	struct config cfg;
	struct server_cfg *s;
	struct errbuf err;
	struct verdict v;
	struct qinfo q;
	char why[ERRBUF_SIZE];
	const char *name = ctx->req->val[KW_SERVER];
	enum nag st = NAG_OK;
	long pid;

	memset(&cfg, 0, sizeof(cfg));
	memset(&v, 0, sizeof(v));
	if (config_load(ctx->cfgpath, &cfg, &err) < 0)
		return monitor_unknown(ctx->out, err.msg);
	if (name == NULL)
		name = config_default(&cfg);
	if ((s = config_find(&cfg, name)) == NULL) {
		if (cfg.nservers == 0)
			msg_format(why, sizeof(why), MSG_CLI_NO_SERVERS,
			    ctx->cfgpath);
		else
			msg_format(why, sizeof(why), MSG_CLI_SERVER_UNKNOWN,
			    name, ctx->cfgpath);
		config_free(&cfg);
		return monitor_unknown(ctx->out, why);
	}
	if ((pid = runstate_pid(ctx->home, s->name)) == 0) {
		struct status_row r;
		char *logpath = home_path(ctx->home, TSLOG_FILE);

		status_row_get(logpath, s, 0, &r);
		free(logpath);
		v.state = NAG_CRITICAL;
		snprintf(v.text, sizeof(v.text), "%s (%s) is not running (S=%c%s%s)",
		    s->name, srv_val(s, KW_SERVERTYPE), r.state,
		    r.traced ? ": " : "", r.traced ? r.text : "");
		strlcpy(v.perf, "connected=0;;;0;1", sizeof(v.perf));
	} else if (monitor_query(ctx->home, s->name, "QUERY MONITOR", &q, why,
	    sizeof(why), &st) != 0) {
		/* Nothing listens, yet the pid file is held: its socket is
		 * what cannot be reached.  Gone meanwhile: not running. */
		if (st == NAG_CRITICAL && runstate_pid(ctx->home, s->name) > 0) {
			char *sock = xasprintf("%s/%s.sock", ctx->home, s->name);

			st = NAG_UNKNOWN;
			msg_format(why, sizeof(why), MSG_CLI_CONTROL_ERR, s->name,
			    sock, "nothing listens there");
			free(sock);
		}
		v.state = st;
		strlcpy(v.text, why, sizeof(v.text));
	} else {
		check_judge(&v, ctx->req, &q);
		qinfo_free(&q);
	}
	config_free(&cfg);
	return verdict_print(ctx->out, &v);
}

/* ---- JSON ------------------------------------------------------- */

static int
json_print(FILE *out, struct json *j)
{
	const char *text = json_result(j);

	if (text == NULL)
		return EXIT_FAILED;	/* a bug of ours: never half a document */
	fprintf(out, "%s\n", text);
	return EXIT_OK;
}

static void
json_row(struct json *j, const char *home, const struct server_cfg *s,
    const struct status_row *r)
{
	char line[PATH_MAX + 128];
	uint64_t port;

	json_object_begin(j);
	json_key(j, "id");
	if (r->pid > 0)
		json_int(j, r->pid);
	else
		json_null(j);
	json_kv_string(j, "server", r->name);
	json_key(j, "type");
	json_string_len(j, &r->type, 1);
	json_kv_string(j, "servertype", srv_val(s, KW_SERVERTYPE));
	json_kv_string(j, "pipe", r->pipe);
	json_kv_string(j, "host", r->host);
	json_key(j, "port");
	if (r->port != NULL && parse_u64(r->port, 65535, &port) == 0)
		json_uint(j, port);
	else
		json_null(j);
	json_key(j, "state");
	json_string_len(j, &r->state, 1);
	json_kv_bool(j, "running", r->pid > 0);
	json_kv_string(j, "time", r->traced ? r->time : NULL);
	json_kv_string(j, "date", r->traced ? r->date : NULL);
	json_key(j, "msgnum");
	if (r->traced)
		json_uint(j, r->msgnum);
	else
		json_null(j);
	json_kv_string(j, "message", r->traced ? r->text : NULL);
	json_kv_string(j, "txlog", status_txlog_text(home, s, line,
	    sizeof(line)) == 0 ? line : NULL);
	json_object_end(j);
}

/* The configuration, and server= (if given) set up in it: 0, or -1
 * reported. */
static int
status_config(struct ctx *ctx, const char *only, struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	if (ctx_load_config(ctx, cfg) < 0)
		return -1;
	if (only != NULL && config_find(cfg, only) == NULL) {
		ctx_server(ctx, cfg);	/* reports it */
		config_free(cfg);
		return -1;
	}
	return 0;
}

/* Whether status lists s (server= and (R), with its row in *r. */
static int
status_listed(struct ctx *ctx, const char *only,
    const struct server_cfg *s, const char *logpath, struct status_row *r)
{
	long pid;

	if (only != NULL && strcmp(only, s->name) != 0)
		return 0;
	pid = runstate_pid(ctx->home, s->name);
	if ((ctx->req->opts & OPT_R) && pid == 0)
		return 0;
	status_row_get(logpath, s, pid, r);
	return 1;
}

int
cmd_status_json(struct ctx *ctx)
{
	struct config cfg;
	struct status_row r;
	struct server_cfg *s;
	struct json j;
	const char *only = ctx->req->val[KW_SERVER];
	char *logpath;
	size_t i;
	int rc;

	if (status_config(ctx, only, &cfg) < 0)
		return EXIT_FAILED;
	logpath = home_path(ctx->home, TSLOG_FILE);
	json_init(&j);
	json_object_begin(&j);
	json_kv_string(&j, "home", ctx->home);
	json_key(&j, "servers");
	json_array_begin(&j);
	for (i = 0; i < cfg.nservers; i++) {
		s = &cfg.servers[i];
		if (!status_listed(ctx, only, s, logpath, &r))
			continue;
		json_row(&j, ctx->home, s, &r);
	}
	json_array_end(&j);
	json_object_end(&j);
	rc = json_print(ctx->out, &j);
	json_free(&j);
	free(logpath);
	config_free(&cfg);
	return rc;
}

int
query_json(struct ctx *ctx, const struct server_cfg *s)
{
	struct errbuf err;
	struct qinfo q;
	struct json j;
	char *sock = xasprintf("%s/%s.sock", ctx->home, s->name), *resp = NULL;
	int r, rc = EXIT_FAILED;

	r = control_request(sock, "QUERY", &resp, MON_WAIT_MS, &err);
	if (r == -2)
		msg_err(MSG_CLI_SERVER_NOT_RUNNING, s->name, s->name);
	else if (r == -1)
		msg_err(MSG_CLI_CONTROL_ERR, s->name, sock, err.msg);
	else if (r == 1)
		msg_err(MSG_CLI_SERVER_ANSWERED_ERR, s->name, err.msg);
	else if (qinfo_parse(resp != NULL ? resp : "", &q, &err) < 0)
		msg_err(MSG_CLI_QUERY_UNREADABLE, s->name, err.msg);
	else {
		json_init(&j);
		qinfo_json(&q, &j);
		rc = json_print(ctx->out, &j);
		json_free(&j);
		qinfo_free(&q);
	}
	free(resp);
	free(sock);
	return rc;
}

/* ---- follow ----------------------------------------------------- */

static volatile sig_atomic_t follow_stop;

static void
follow_signal(int sig)
{
	follow_stop = 1;
}

/* What the previous turn saw of a server, for its rates. */
struct follow_prev {
	int		 seen;
	struct timespec	 at;
	uint64_t	 acked, curmsg, kbytes;
};

static double
mono_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	    (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

/* The rates since the previous turn and the time left to the backlog. */
static void
follow_server(FILE *out, const char *home, const struct server_cfg *s,
    struct follow_prev *prev)
{
	struct timespec now;
	struct qinfo q;
	char why[ERRBUF_SIZE], eta[48], spool[96] = "", b1[32], b2[32];
	double dt, in_rate = 0, ack_rate = 0, kb_rate = 0;
	enum nag st;

	if (monitor_query(home, s->name, "QUERY MONITOR", &q, why,
	    sizeof(why), &st) != 0) {
		fprintf(out, "  %s: %s\n", s->name, why);
		prev->seen = 0;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (prev->seen && (dt = mono_diff(&now, &prev->at)) > 0) {
		if (q.curmsg >= prev->curmsg)
			in_rate = (double)(q.curmsg - prev->curmsg) / dt;
		if (q.acked >= prev->acked)
			ack_rate = (double)(q.acked - prev->acked) / dt;
		if (q.kbytes >= prev->kbytes)
			kb_rate = (double)(q.kbytes - prev->kbytes) / dt;
	}
	if (q.has_spool) {
		progress_bytes(b1, sizeof(b1), q.spool_bytes);
		progress_bytes(b2, sizeof(b2), q.spool_max);
		snprintf(spool, sizeof(spool), ", spool %s of %s", b1, b2);
	}
	if (!q.has_unacked || q.unacked == 0)
		strlcpy(eta, "backlog empty", sizeof(eta));
	else if (!prev->seen)
		strlcpy(eta, "time left: measuring", sizeof(eta));
	else if (ack_rate <= 0)
		strlcpy(eta, "backlog not moving", sizeof(eta));
	else {
		char t[16];

		progress_eta(t, sizeof(t), (double)q.unacked / ack_rate);
		snprintf(eta, sizeof(eta), "%s left", t);
	}
	fprintf(out, "  %s: %s, %s, %llu %s%s; %.1f msg/s in, %.1f msg/s "
	    "acknowledged, %.1f KB/s; %s\n", q.name, q.status,
	    q.connected ? "connected" : "not connected",
	    (unsigned long long)q.unacked, strcmp(q.type, "OUT") == 0 ?
	    "unacknowledged" : "unwritten", spool, in_rate, ack_rate, kb_rate,
	    eta);
	prev->seen = 1;
	prev->at = now;
	prev->acked = q.acked;
	prev->curmsg = q.curmsg;
	prev->kbytes = q.kbytes;
	qinfo_free(&q);
}

int
cmd_status_follow(struct ctx *ctx)
{
	struct follow_prev *prev;
	struct sigaction sa;
	struct config cfg;
	struct status_row r;
	struct server_cfg *s;
	struct timespec wait;
	const char *only = ctx->req->val[KW_SERVER];
	char *logpath, stamp[32], line[PATH_MAX + 128];
	int tty = isatty(fileno(ctx->out));
	size_t i;
	time_t t;

	if (status_config(ctx, only, &cfg) < 0)
		return EXIT_FAILED;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = follow_signal;	/* no SA_RESTART: the sleep ends */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	prev = xcalloc(cfg.nservers + 1, sizeof(*prev));
	logpath = home_path(ctx->home, TSLOG_FILE);
	while (!follow_stop) {
		t = time(NULL);
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S",
		    localtime(&t));
		/* A terminal is redrawn in place; anything else gets one
		 * block after another, with no control characters. */
		if (tty)
			fputs("\033[H\033[J", ctx->out);
		fprintf(ctx->out, "tape-socket status --follow: %s, every %llu "
		    "s%s\n", stamp,
		    (unsigned long long)ctx->req->flagval[FL_INTERVAL],
		    tty ? " (^C ends)" : "");
		status_header(ctx->out);
		for (i = 0; i < cfg.nservers; i++) {
			s = &cfg.servers[i];
			if (!status_listed(ctx, only, s, logpath, &r))
				continue;
			status_row_print(ctx->out, &r);
			if (status_txlog_text(ctx->home, s, line,
			    sizeof(line)) == 0)
				fprintf(ctx->out, "        txlog: %s\n", line);
		}
		for (i = 0; i < cfg.nservers; i++) {
			s = &cfg.servers[i];
			if (only != NULL && strcmp(only, s->name) != 0)
				continue;
			if (runstate_pid(ctx->home, s->name) == 0) {
				prev[i].seen = 0;
				continue;
			}
			follow_server(ctx->out, ctx->home, s, &prev[i]);
		}
		if (!tty)
			fputc('\n', ctx->out);
		if (fflush(ctx->out) != 0)
			break;
		wait.tv_sec = (time_t)ctx->req->flagval[FL_INTERVAL];
		wait.tv_nsec = 0;
		while (!follow_stop && nanosleep(&wait, &wait) < 0 &&
		    errno == EINTR)
			;
	}
	free(logpath);
	free(prev);
	config_free(&cfg);
	return EXIT_OK;
}
