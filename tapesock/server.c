/*
 * server.c — what the input and output servers share: start-up and
 * exit (the daemon life cycle of daemon.c), the poll() loop, the
 * control socket, traces and counters.
 */
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "catalog.h"
#include "daemon.h"
#include "home.h"
#include "notify.h"
#include "runstate.h"
#include "sdnotify.h"
#include "server.h"
#include "txagent.h"
#include "svr_common.h"

static volatile sig_atomic_t got_term;	/* SIGTERM, SIGINT: stop */

/*
 * Lower *timeout (milliseconds for poll(), -1: none yet) so that the
 * loop wakes at deadline t; a zero t is no deadline.  Every timer of
 * the servers is a deadline given here: the loop has no tick.
 */
void
server_wake(int *timeout, const struct timespec *t)
{
	struct timespec now;
	double wait;
	int ms;

	if (t->tv_sec == 0 && t->tv_nsec == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	wait = ts_diff(t, &now);
	ms = wait <= 0 ? 0 : wait > 86400 ? 86400000 : (int)(wait * 1000) + 1;
	if (*timeout < 0 || ms < *timeout)
		*timeout = ms;
}

/* The same for a deadline seconds after t. */
void
server_wake_after(int *timeout, const struct timespec *t, double seconds)
{
	struct timespec at = *t;

	if (t->tv_sec == 0 && t->tv_nsec == 0)
		return;
	at.tv_sec += (time_t)seconds;
	at.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (at.tv_nsec >= 1000000000L) {
		at.tv_sec++;
		at.tv_nsec -= 1000000000L;
	}
	server_wake(timeout, &at);
}

void
server_trace(struct server *s, enum msgid id, ...)
{
	va_list ap;

	va_start(ap, id);
	tslog_vmsg(&s->log, s->sletter, s->curmsg, id, ap);
	va_end(ap);
}

/*
 * A verbose block trace (Pread, Pwrit, Nread, Nwrit): the length and,
 * as the manual has it, a hex dump of the data's first SRV_TRACE_HEX
 * bytes, enough to recognise a block without flooding ts.log.
 */
void
server_trace_block(struct server *s, enum msgid id, size_t len,
    const uint8_t *p, size_t plen)
{
	char hex[2 * SRV_TRACE_HEX + 1];

	if (!(s->opts & OPT_V))
		return;
	frame_hex(hex, sizeof(hex), p, plen);
	server_trace(s, id, len, hex);
}

/* A terminal of the notify list passed over: said in the logs. */
static void
server_notify_skipped(void *arg, const char *dev, const char *why)
{
	server_trace(arg, MSG_SRV_NOTIFY_SKIPPED, dev, why);
}

void
server_notify(struct server *s, enum msgid id, ...)
{
	char text[512];
	va_list ap, again;

	va_start(ap, id);
	va_copy(again, ap);
	msg_vformat(text, sizeof(text), id, ap);
	va_end(ap);
	/* The log renders the message too: with its arguments. */
	tslog_vmsg(&s->log, s->sletter, s->curmsg, id, again);
	va_end(again);
	notify_send(s->conf.notify, s->name, text, server_notify_skipped, s);
}

static const char *const state_names[] = {
	[SS_OPEN_PIPE] = "Open pipe",
	[SS_READING_NETWORK] = "Reading network",
	[SS_READING_PIPE] = "Reading pipe",
	[SS_WAIT_1ST_CALL] = "Wait 1st call",
	[SS_WAIT_INCOMING] = "Wait incoming connect",
	[SS_WAIT_SUBSEQUENT] = "Wait subsequent call",
	[SS_WAIT_ACK] = "Wait ack",
	[SS_WAIT_READER] = "Wait reader close",
	[SS_STOPPED] = "Stopped",
};

const char *
server_state_name(enum srv_state st)
{
	return state_names[st];
}

void
server_set_state(struct server *s, enum srv_state st)
{
	s->state = st;
}

/* State file: a few "key value" lines, replaced atomically. */
int
server_state_save(struct server *s, const char *text)
{
	return atomic_replace_file(s->state_path, text, strlen(text), 0600, 0);
}

char *
server_state_load(struct server *s)
{
	char *buf;

	if (read_file_nofollow(s->state_path, &buf, NULL) < 0)
		return NULL;
	return buf;
}

/* Kilobytes of the day, and "Total on dd/mm" when the day turns. */
void
server_count_bytes(struct server *s, size_t n)
{
	struct tm tm;
	time_t now = time(NULL);

	localtime_r(&now, &tm);
	if (tm.tm_yday != s->today_yday) {
		if (s->kbytes_today > 0) {
			struct tm y;
			time_t yesterday = now - 86400;

			localtime_r(&yesterday, &y);
			server_trace(s, MSG_TS_TOTAL_ON, y.tm_mday,
			    y.tm_mon + 1, (unsigned long long)s->kbytes_today);
		}
		s->today_yday = tm.tm_yday;
		s->kbytes_today = 0;
	}
	s->bytes_frac += n;
	s->kbytes_today += s->bytes_frac / 1024;
	s->bytes_frac %= 1024;
}

void
server_outq_trim(struct server *s)
{
	if (s->out.off == s->out.len && s->out.cap > SRV_OUTQ_KEEP) {
		free(s->out.buf);
		s->out.buf = NULL;
		s->out.cap = s->out.len = s->out.off = 0;
	}
}

/*
 * Room at the end of the queue for need more bytes (compacted first),
 * or NULL when the queue would pass SRV_OUTQ_MAX: a peer that does not
 * read its answers is dropped (server.h says why a working one never
 * comes near), and its queue goes with the link.
 */
static uint8_t *
server_queue_room(struct server *s, size_t need)
{
	size_t held = s->out.len - s->out.off;

	if (held + need > SRV_OUTQ_MAX) {
		if (server_linked(s)) {
			server_trace(s, MSG_SRV_OUTQ_FULL,
			    (size_t)SRV_OUTQ_MAX);
			server_link_drop(s);
		}
		server_outq_trim(s);
		return NULL;
	}
	server_outq_trim(s);
	/* Compact, then grow. */
	if (s->out.off > 0) {
		memmove(s->out.buf, s->out.buf + s->out.off,
		    s->out.len - s->out.off);
		s->out.len -= s->out.off;
		s->out.off = 0;
	}
	need += s->out.len;
	if (need > s->out.cap) {
		s->out.cap = need < 2 * s->out.cap ? 2 * s->out.cap : need;
		s->out.buf = xreallocarray(s->out.buf, s->out.cap, 1);
	}
	return s->out.buf + s->out.len;
}

/*
 * A frame is on its way (queued, or sent): count and trace it, with its
 * data, or its header when it carries none (a protocol frame).
 */
static void
server_frame_out(struct server *s, const uint8_t *hdr,
    const uint8_t *payload, uint32_t len)
{
	s->msgout += s->role->sender;
	if (len > 0)
		server_trace_block(s, MSG_TS_NWRIT, len, payload, len);
	else
		server_trace_block(s, MSG_TS_NWRIT, 0, hdr, FRAME_HDR_LEN);
}

int
server_queue_frame(struct server *s, uint8_t type, uint64_t msgnum,
    uint64_t aux, const uint8_t *payload, uint32_t len)
{
	uint8_t *p = server_queue_room(s, FRAME_HDR_LEN + (size_t)len);

	if (p == NULL ||
	    frame_header(p, type, 0, msgnum, aux, payload, len) < 0)
		return -1;
	if (len > 0)
		memcpy(p + FRAME_HDR_LEN, payload, len);
	s->out.len += FRAME_HDR_LEN + len;
	server_frame_out(s, p, payload, len);
	return 0;
}

int
server_send_frame(struct server *s, uint8_t type, uint64_t msgnum,
    uint64_t aux, const uint8_t *payload, uint32_t len, uint32_t crc)
{
	uint8_t h[FRAME_HDR_LEN], *p;
	size_t sent, left;

	if (len < SRV_SEND_DIRECT)
		return server_queue_frame(s, type, msgnum, aux, payload, len);
	/* No pass over the payload: its CRC is known. */
	if (frame_header_crc(h, type, 0, msgnum, aux, len, crc) < 0)
		return -1;
	if (link_send_direct(s, h, payload, len, &sent) < 0)
		return -1;
	left = FRAME_HDR_LEN + (size_t)len - sent;
	if (left > 0) {
		if ((p = server_queue_room(s, left)) == NULL)
			return -1;
		if (sent < FRAME_HDR_LEN) {
			memcpy(p, h + sent, FRAME_HDR_LEN - sent);
			memcpy(p + FRAME_HDR_LEN - sent, payload, len);
		} else
			memcpy(p, payload + (sent - FRAME_HDR_LEN), left);
		s->out.len += left;
	}
	server_frame_out(s, h, payload, len);
	return 0;
}

void
server_request_stop(struct server *s)
{
	struct timespec at;

	ts_after(&at, s->stop_wait);
	if (!s->stopping || ts_diff(&at, &s->stop_deadline) < 0)
		s->stop_deadline = at;
	if (!s->stopping) {
		struct errbuf err;

		/* systemd shows the unit "deactivating" meanwhile. */
		(void)sdnotify_send("STOPPING=1\nSTATUS=Stopping", &err);
	}
	s->stopping = 1;
}

/*
 * A stop completes when nothing is held any more ("Stop on req", S=C).
 * Past the wait, or at once with wait=0, it ends with what is pending
 * said: how many, which numbers, what becomes of them (S=S; exit 1
 * unless the operator forced it with wait=0).
 */
int
server_stop_due(struct server *s)
{
	const char *fate;
	uint64_t count, first, last;
	int forced;

	if ((count = s->role->pending(s, &first, &last)) == 0) {
		/* Linked: the logger detached, the restore stopped, once
		 * everything is through (the restore reads what is left). */
		if (txagent_on(s))
			txagent_stop(s);
		s->sletter = 'C';
		/* A shutdown whose SHUTDOWN never went (out_stop) says so. */
		server_trace(s, s->shutdown && s->role->sender ?
		    MSG_SRV_STOP_NO_SHUTDOWN : MSG_TS_STOP_ON_REQ);
		s->done = 1;
		return 1;
	}
	forced = s->stop_wait == 0;
	if (!forced && !ts_due(&s->stop_deadline))
		return 0;
	fate = s->role->pending_fate;
	if (txagent_on(s))
		txagent_stop(s);
	s->sletter = 'S';
	server_trace(s, forced ? MSG_SRV_STOP_FORCED : MSG_SRV_STOP_PENDING,
	    (unsigned long long)count, (unsigned long long)first,
	    (unsigned long long)last, fate);
	s->exit_code = forced ? 0 : 1;
	s->done = 1;
	return 1;
}

/*
 * The query answer's common part; the role adds its own lines.  A
 * monitor's query (QUERY MONITOR) has its own start of the rate, so
 * that a Nagios check or a status --follow leaves the operator's
 * "msg/s since the previous query" alone.
 */
static void
query_common(struct server *s, struct control_conn *c, int monitor)
{
	struct timespec now, *since = monitor ? &s->mon_query : &s->last_query;
	uint64_t *since_msg = monitor ? &s->mon_query_msg : &s->last_query_msg;
	double secs, rate = 0;
	char next[32], lag[160];
	size_t k;

	clock_gettime(CLOCK_MONOTONIC, &now);
	secs = ts_diff(&now, since);
	if (secs > 0 && s->curmsg >= *since_msg)
		rate = (double)(s->curmsg - *since_msg) / secs;
	control_reply(c, "Server: %s (%s) pid %ld", s->name,
	    s->role->type, (long)getpid());
	for (k = 0; k < KW__COUNT; k++)
		if ((kw_def(k)->flags & KWF_STORED) && srv_val(&s->cfg, k))
			control_reply(c, "%s: %s", kw_def(k)->name,
			    srv_val(&s->cfg, k));
	txpoll_next_time(s, next, sizeof(next));
	control_reply(c, "Next poll time: %s", next);
	if (txagent_on(s)) {
		txagent_describe(s, lag, sizeof(lag));
		control_reply(c, "Txlog: %s", lag);
	}
	txpoll_queue(s, lag, sizeof(lag));
	if (*lag != '\0')
		control_reply(c, "Txlog queue: %s", lag);
	txpoll_lag(s, lag, sizeof(lag));
	if (*lag != '\0')
		control_reply(c, "Txlog lag: %s", lag);
	txpoll_state(s, lag, sizeof(lag));
	if (*lag != '\0')
		control_reply(c, "Txlog poll: %s", lag);
	control_reply(c, "Total Data transferred: %llu KB",
	    (unsigned long long)s->kbytes_today);
	control_reply(c, "Last msgnum: %llu (%.1f msg/s)",
	    (unsigned long long)s->curmsg, rate);
	control_reply(c, "msgin: %llu", (unsigned long long)s->msgin);
	control_reply(c, "msgout: %llu", (unsigned long long)s->msgout);
	control_reply(c, "curmsg: %llu", (unsigned long long)s->curmsg);
	control_reply(c, "Status: %s", server_state_name(s->state));
	svr_pipe_query(s, c);
	control_reply(c, "Heartbeat timeouts: %u", s->hb_timeouts);
	control_reply(c, "Connection changed: %.0f s ago",
	    ts_diff(&now, &s->conn_changed));
	*since = now;
	*since_msg = s->curmsg;
}

/* A stop refused within TXAGENT_AGAIN_S, asked again. */
static int
stop_repeated(const struct server *s)
{
	const struct timespec *t = &s->stop_refused_until;

	return (t->tv_sec != 0 || t->tv_nsec != 0) && !ts_due(t);
}

static void
control_dispatch(struct server *s, struct control_conn *c, char *line)
{
	struct control_req req;
	uint64_t n;

	if (!control_allowed(c, s->home_uid, s->ctl_gid)) {
		server_trace(s, MSG_SRV_CONTROL_REFUSED, (unsigned)c->uid,
		    (long)c->pid);
		control_reply_err(c, "permission denied: uid %u is not root, "
		    "the owner of the home or in its group", (unsigned)c->uid);
		return;
	}
	if (control_parse_request(line, &req) < 0) {
		char shown[4 * 32 + 1];

		/* The verb only, made printable: it reaches the logs. */
		frame_printable(shown, sizeof(shown), (const uint8_t *)line,
		    strcspn(line, " \t") > 32 ? 32 : strcspn(line, " \t"));
		server_trace(s, MSG_TS_UNKNOWN_CMD, shown);
		control_reply_err(c, "%s", req.error);
		return;
	}
	switch (req.verb) {
	case CONTROL_PING:
	case CONTROL_STATUS:
		control_reply(c, "%s %s", s->name, server_state_name(s->state));
		break;
	case CONTROL_QUERY:
		if (strcmp(req.args, "MONITOR") != 0)
			server_trace(s, MSG_TS_LOCAL_QUERY);
		query_common(s, c, strcmp(req.args, "MONITOR") == 0);
		s->role->query(s, c);
		break;
	case CONTROL_SHUTDOWN:
		/* The output server takes its input server along. */
		s->shutdown = 1;
		/* FALLTHROUGH */
	case CONTROL_STOP:
		/*
		 * An input server linked to the restore while its output
		 * server is connected: refused once, as the manual has it;
		 * the same request again within TXAGENT_AGAIN_S stops it.
		 */
		if (req.verb == CONTROL_STOP && !s->role->sender &&
		    txagent_on(s) && server_linked(s) && s->hello_done &&
		    !stop_repeated(s)) {
			server_trace(s, MSG_TS_STOP_REFUSED);
			ts_after(&s->stop_refused_until, TXAGENT_AGAIN_S);
			control_reply_err(c, "stop refused: the output server is "
			    "connected and the transaction restore linked "
			    "(Stop refused-Txlog up); stop the output server "
			    "first (tape-socket shutdown on its machine), or "
			    "stop again within %d seconds to stop anyway",
			    TXAGENT_AGAIN_S);
			return;
		}
		/* "STOP [seconds]": how long to deliver; 0 forces. */
		if (*req.args != '\0') {
			if (parse_u64(req.args, 3600, &n) < 0) {
				control_reply_err(c, "stop: bad wait '%s'",
				    req.args);
				return;
			}
			s->stop_wait = (unsigned)n;
		}
		server_request_stop(s);
		break;
	case CONTROL_TRACEON:
		if (*req.args != '\0') {
			if (parse_u64(req.args, 100000, &n) < 0) {
				control_reply_err(c, "traceon: bad count '%s'",
				    req.args);
				return;
			}
			s->log.keep = tslog_keep((unsigned)n);
		}
		s->opts |= OPT_V;
		s->log.verbose = 1;
		break;
	case CONTROL_TRACEOFF:
		s->opts &= ~OPT_V;
		s->log.verbose = 0;
		break;
	case CONTROL_CHECK:
		/* Answered when the peer answers (rcheck.c). */
		check_request(s, c, (int)(c - s->ctl), req.args);
		return;
	case CONTROL_TLTEST:
		/* Answered when the poll item is on the backup (txpoll.c). */
		txpoll_tltest(s, c, (int)(c - s->ctl));
		return;
	case CONTROL_RESYNC: {
		const char *r = s->role->resync != NULL ?
		    s->role->resync(s) :
		    "ERR resync is an output server command";

		if (strncmp(r, "OK ", 3) != 0) {
			control_reply_err(c, "%s", r + 4);
			return;
		}
		control_reply(c, "%s", r + 3);
		break;
	}
	default:
		control_reply_err(c, "%s is not served by this version of "
		    "the server", control_verb_name(req.verb));
		return;
	}
	control_reply_ok(c);
}

/*
 * The request came, but its client hung up meanwhile (it gave up
 * waiting: the server was slow to get to it).  Nothing is run: not a
 * stop, shutdown, trace change or resync the operator was told had no
 * answer, and no query or status answer nobody reads.  A request
 * already run stays run, whatever the client does after its answer.
 */
static int
control_abandoned(struct server *s, struct control_conn *c, const char *line)
{
	struct control_req req;

	if (!control_gone(c))
		return 0;
	server_trace(s, MSG_SRV_CONTROL_GONE,
	    control_parse_request(line, &req) == 0 ?
	    control_verb_name(req.verb) : "(bad request)", (unsigned)c->uid,
	    (long)c->pid);
	control_close(c);
	return 1;
}

/*
 * New connections: into a free slot, else answered "ERR busy" and
 * closed at once, never left waiting in the backlog (whose POLLIN
 * would wake the loop at every turn besides).
 */
static void
control_accept_all(struct server *s)
{
	struct control_conn busy;
	struct errbuf err;
	int i, k;

	for (k = 0; k < CONTROL_BACKLOG; k++) {
		for (i = 0; i < SRV_CTL_MAX && s->ctl[i].fd >= 0; i++)
			;
		if (i < SRV_CTL_MAX) {
			if (control_accept(s->ctl_fd, &s->ctl[i], &err) != 1)
				return;
			continue;
		}
		if (control_accept(s->ctl_fd, &busy, &err) != 1)
			return;
		server_trace(s, MSG_SRV_CONTROL_BUSY, (unsigned)busy.uid,
		    (long)busy.pid, SRV_CTL_MAX);
		control_reply_err(&busy, "busy: the server serves %d control "
		    "connections at once; try again", SRV_CTL_MAX);
		(void)control_flush(&busy);	/* one line: it fits */
		control_close(&busy);
	}
}

static void
control_events(struct server *s, struct pollfd *pfd, int n)
{
	struct control_conn *c;
	struct timespec now;
	char *line;
	int i, r;

	for (i = 0; i < n; i++)
		if (pfd[i].fd == s->ctl_fd && (pfd[i].revents & POLLIN))
			control_accept_all(s);
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < SRV_CTL_MAX; i++) {
		c = &s->ctl[i];
		if (c->fd < 0)
			continue;
		if (c->waiting) {
			/* Its check is out; a client that gave up is let go. */
			if (control_gone(c)) {
				server_trace(s, MSG_SRV_CONTROL_GONE, "CHECK",
				    (unsigned)c->uid, (long)c->pid);
				check_forget(s, i);
				txpoll_forget(s, i);
				control_close(c);
			}
			continue;
		}
		if (!c->closing) {
			r = control_read(c, &line);
			if (r == 1 && control_abandoned(s, c, line))
				continue;
			if (r == 1)
				control_dispatch(s, c, line);
		}
		if (c->closing && control_flush(c) != 0) {
			control_close(c);
			continue;
		}
		/* No whole request, or its answer not read, in time. */
		if (control_expired(c, &now)) {
			server_trace(s, MSG_SRV_CONTROL_TIMEOUT,
			    (unsigned)c->uid, (long)c->pid, CONTROL_IDLE_S);
			check_forget(s, i);
			txpoll_forget(s, i);
			control_close(c);
		}
	}
}

static int
server_load(struct server *s, const char *home, const char *name,
    const struct role *const *roles, struct errbuf *err)
{
	struct config cfg;
	struct server_cfg *sc;
	char *path = home_path(home, CONFIG_FILE);
	size_t k;

	memset(&cfg, 0, sizeof(cfg));
	if (config_load(path, &cfg, err) < 0) {
		free(path);
		return -1;
	}
	if ((sc = config_find(&cfg, name)) == NULL) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_SERVER_UNKNOWN,
		    name, path);
		free(path);
		config_free(&cfg);
		return -1;
	}
	free(path);
	strlcpy(s->name, sc->name, sizeof(s->name));
	strlcpy(s->cfg.name, sc->name, sizeof(s->cfg.name));
	for (k = 0; k < KW__COUNT; k++)
		if (sc->val[k] != NULL)
			s->cfg.val[k] = xstrdup(sc->val[k]);
	s->ctl_gid = (gid_t)-1;
	if (cfg.group != NULL) {
		struct group *gr = getgrnam(cfg.group);

		if (gr == NULL) {
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CFG_NO_GROUP, cfg.group, cfg.path);
			config_free(&cfg);
			return -1;
		}
		s->ctl_gid = gr->gr_gid;
	}
	config_free(&cfg);
	if (srvconf_parse(&s->cfg, &s->conf, err) < 0)
		return -1;
	for (s->role = NULL; *roles != NULL; roles++)
		if ((*roles)->sender == s->conf.is_out)
			s->role = *roles;
	if (s->role == NULL) {
		errbuf_set(err, "server %s: no %s role in this program", name,
		    s->conf.is_out ? "output" : "input");
		return -1;
	}
	tslog_init(&s->log, home, s->name, s->role->logtype,
	    s->conf.trace, (s->opts & OPT_V) != 0);
	s->log.logmax = s->conf.logmax;
	return 0;
}

/* Close the link, the pipe and the role, and write the last traces:
 * the end of a server, whoever ran it (server_main, the unit tests). */
void
server_release(struct server *s)
{
	check_close(s);
	txpoll_close(s);
	link_close(s);
	if (s->pipe_fd >= 0)
		close(s->pipe_fd);
	if (s->ino_fd >= 0)
		close(s->ino_fd);
	s->pipe_fd = s->ino_fd = -1;
	s->role->close(s);
	tslog_close(&s->log);
}

/* The memory of a server, after server_release or before any of it. */
static void
server_free(struct server *s)
{
	server_clear(&s->cfg);
	srvconf_free(&s->conf);
	free(s->out.buf);
	free(s->rbuf);
	free(s->state_path);
	free(s->ctl_path);
	free(s->home);
	free(s);
}

int
server_main(const char *home, const char *name, unsigned opts, int ready_fd,
    const struct role *const *roles)
{
	struct server *s = xcalloc(1, sizeof(*s));
	struct pollfd pfd[16 + SRV_CTL_MAX];
	struct daemon_life life;
	struct timespec now, at;
	struct errbuf err;
	char *pidpath;
	long other;
	int i, n, timeout, rc;

	daemon_init(&life, ready_fd);
	s->home = xstrdup(home);
	s->opts = opts;
	{
		struct stat st;

		s->home_uid = stat(home, &st) == 0 ? st.st_uid : getuid();
	}
	s->sock = s->pipe_fd = s->ctl_fd = s->ino_fd = -1;
	link_init(s);
	s->stop_wait = SRV_STOP_WAIT;
	for (i = 0; i < SRV_CTL_MAX; i++)
		s->ctl[i].fd = -1;
	s->sletter = 'R';
	s->rbuf = xmalloc(SRV_RBUF);
	if (server_load(s, home, name, roles, &err) < 0) {
		daemon_report_err(&life, "%s", err.msg);
		tslog_close(&s->log);
		daemon_end(&life);
		server_free(s);
		return 1;
	}
	pidpath = runstate_pidfile(home, s->name);
	rc = daemon_pidfile_open(&life, pidpath, s->name, &other, &err);
	free(pidpath);
	if (rc != 0) {
		daemon_report_err(&life, "%s", err.msg);
		tslog_close(&s->log);
		daemon_end(&life);
		server_free(s);
		return 1;
	}
	s->state_path = xasprintf("%s/%s.state", home, s->name);
	s->ctl_path = xasprintf("%s/%s.sock", home, s->name);
	daemon_signals(&got_term, NULL, 0);
	(void)daemon_wake_fd();
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->last_query = s->last_running = s->started;
	s->mon_query = s->conn_changed = s->started;
	s->today_yday = -1;

	rc = link_secure(s, &err);
	if (rc == 0)
		rc = s->role->start(s, &err);
	if (rc == 0)
		rc = link_start(s, &err);
	if (rc == 0 && (s->ctl_fd = control_listen(s->ctl_path, 0660,
	    &err)) < 0)
		rc = -1;
	/* Members of the configured group may talk to the server. */
	if (rc == 0 && s->ctl_gid != (gid_t)-1 &&
	    chown(s->ctl_path, (uid_t)-1, s->ctl_gid) < 0) {
		errbuf_set(&err, "%s: %s", s->ctl_path, strerror(errno));
		rc = -1;
	}
	if (rc < 0 || daemon_pidfile_write(&life, &err) < 0) {
		s->sletter = 'E';
		tslog_msg(&s->log, 'E', s->curmsg, MSG_TS_STOPPED);
		daemon_report_err(&life, "%s", err.msg);
		if (s->ctl_fd >= 0)
			control_unlisten(s->ctl_fd, s->ctl_path);
		server_release(s);
		daemon_end(&life);
		server_free(s);
		return 1;
	}
	daemon_title("%s server %s", s->role->name, s->name);
	server_trace(s, MSG_TS_STARTED);
	txpoll_init(s);
	/* Linked to the transaction logger: its logger or restore runs. */
	if (txagent_on(s)) {
		switch (txagent_start(s, &err)) {
		case 0:
			server_trace(s, MSG_SRV_TXAGENT_STARTED,
			    txagent_name(s), s->conf.pipe);
			break;
		case -1:
			server_trace(s, MSG_SRV_TXAGENT_FAILED,
			    txagent_name(s), err.msg);
			break;
		}
	}
	daemon_report_ok(&life, (long)getpid());
	/* Under systemd the same moment is READY=1 (sdnotify.h). */
	if (sdnotify_send("READY=1\nSTATUS=Started", &err) < 0)
		server_trace(s, MSG_TSD_NOTIFY_FAILED, err.msg);
	daemon_detach_stdio();

	while (!s->done) {
		if (got_term)
			server_request_stop(s);
		n = 0;
		timeout = -1;
		server_wake_after(&timeout, &s->last_running,
		    SRV_RUNNING_EVERY);
		if (s->stopping)
			server_wake(&timeout, &s->stop_deadline);
		pfd[n].fd = s->ctl_fd;
		pfd[n++].events = POLLIN;
		if (daemon_wake_fd() >= 0) {
			pfd[n].fd = daemon_wake_fd();
			pfd[n++].events = POLLIN;
		}
		for (i = 0; i < SRV_CTL_MAX; i++)
			if (s->ctl[i].fd >= 0) {
				pfd[n].fd = s->ctl[i].fd;
				pfd[n++].events = s->ctl[i].waiting ? 0 :
				    s->ctl[i].closing ? POLLOUT : POLLIN;
				server_wake(&timeout, &s->ctl[i].deadline);
			}
		/* A flood of one trace ends in its summary on time. */
		tslog_repeats_due(&s->log, &at);
		server_wake(&timeout, &at);
		link_pollfds(s, pfd, &n, &timeout);
		check_pollfds(s, pfd, &n, &timeout);
		txpoll_pollfds(s, &timeout);
		s->role->pollfds(s, pfd, &n, &timeout);
		if (s->stopping && s->stop_wait == 0)
			timeout = 0;
		/* Traces another process's compaction of ts.log held back. */
		if (tslog_flush(&s->log) > 0 &&
		    (timeout < 0 || timeout > SRV_LOG_RETRY_MS))
			timeout = SRV_LOG_RETRY_MS;
		if (poll(pfd, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		/* A stop by signal is judged in this turn, not the next. */
		daemon_wake_drain();
		if (got_term)
			server_request_stop(s);
		control_events(s, pfd, n);
		link_events(s, pfd, n);
		check_events(s, pfd, n);
		txpoll_events(s);
		s->role->events(s, pfd, n);
		link_output(s);
		server_outq_trim(s);
		if (s->stopping)
			s->role->stop(s);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (s->hello_done != s->was_connected) {
			s->was_connected = s->hello_done;
			s->conn_changed = now;
		}
		if (ts_diff(&now, &s->last_running) >= SRV_RUNNING_EVERY) {
			server_trace(s, MSG_TS_RUNNING);
			s->last_running = now;
		}
	}

	/*
	 * Only a stop on request said how it ended (Stop on req, or with
	 * what was pending); any other end is spontaneous and, as the
	 * manual has it, traced "Stopped" after the entry saying why.
	 */
	if (s->sletter != 'C' && s->sletter != 'S') {
		s->sletter = 'E';
		server_trace(s, MSG_TS_STOPPED);
		if (s->exit_code == 0)
			s->exit_code = 1;
	}
	for (i = 0; i < SRV_CTL_MAX; i++)
		if (s->ctl[i].fd >= 0) {
			control_flush(&s->ctl[i]);
			control_close(&s->ctl[i]);
		}
	control_unlisten(s->ctl_fd, s->ctl_path);
	/* The last traces are in ts.log before the pid file goes, which
	 * is what stop waits for before it reads them. */
	server_release(s);
	daemon_end(&life);
	rc = s->exit_code;
	server_free(s);
	return rc;
}
