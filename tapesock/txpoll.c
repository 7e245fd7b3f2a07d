/*
 * txpoll.c — the transaction log test polling of an output server
 * linked to the transaction logger (txagent.h): the reference manual's
 * poll items, traces and System Administrator messages.
 *
 * Every poll= seconds an item, tapesock.poll/<server>.<n>, is written
 * into the server's data area through its transaction queue: it goes
 * the way every update goes (logger, pipe, link, restore).  Then the
 * backup is asked each second, check test -rd, whether it has it; its
 * answer "1 ..." is "Txlog OK" (and "Transaction log back on line."
 * after a loss), and the item is deleted here too.  An item not there
 * when the next poll is due is "Lost POLL n": the notify list hears
 * "Test item not sent." if none ever came, "Lost poll." if some did,
 * at every lost poll until one comes, and tlchk is asked; a restore in
 * trouble is "Transaction Restore problem. ...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"
#include "txagent.h"
#include "txlog.h"

void
txpoll_init(struct server *s)
{
	struct txpoll *p = &s->poll;
	uint64_t secs = 0;

	memset(p, 0, sizeof(*p));
	p->tltest = -1;
	p->last_trip = -1;
	if (!s->role->sender || !txagent_on(s))
		return;
	ts_after(&p->lag_ask, 1);
	if (kw_poll_seconds(srv_val(&s->cfg, KW_POLL), &secs) < 0)
		secs = 0;
	p->every = secs;
	if (secs > 0)
		ts_after(&p->next, (double)secs);
}

static void
txpoll_tltest_reply(struct server *s, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
txpoll_tltest_reply(struct server *s, int ok, const char *fmt, ...)
{
	struct txpoll *p = &s->poll;
	struct control_conn *c;
	char text[256];
	va_list ap;

	if (p->tltest < 0)
		return;
	c = &s->ctl[p->tltest];
	p->tltest = -1;
	if (c->fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	control_answer(c, ok, text);
}

/* The restore's state, asked after a lost poll. */
static void
txpoll_tlchk_done(struct server *s, int ok, const char *text)
{
	if (!ok)
		server_notify(s, MSG_SA_RESTORE_PROBLEM, text);
}

/* The data area's queue, kept open and read on: 0, or -1 with err. */
static int
txpoll_area_err(struct server *s, struct errbuf *err)
{
	struct txpoll *p = &s->poll;
	char *area;

	if (!p->area_open) {
		area = txagent_area(s);
		p->area_open = txl_open(&p->area, area, err) == 0;
		free(area);
	} else if (txl_refresh(&p->area, err) < 0) {
		txl_close(&p->area);
		p->area_open = 0;
	}
	return p->area_open ? 0 : -1;
}

static int
txpoll_area(struct server *s)
{
	struct errbuf err;

	return txpoll_area_err(s, &err);
}

/* tlchk's answer: the number the backup applied, for the lag. */
static void
txpoll_lag_done(struct server *s, int ok, const char *text)
{
	struct txpoll *p = &s->poll;
	const char *a = strstr(text, " applied ");

	if (ok && a != NULL && parse_u64(a + 9, UINT64_MAX, &p->theirs) == 0)
		p->theirs_known = 1;
	if (!p->theirs_known)
		return;
	/* The queue read on from where it was: not again from its start. */
	if (txpoll_area(s) == 0) {
		p->ours = p->area.last;
		p->lag_known = 1;
	}
}

/* The item done with (seen, or lost) is deleted here, which is a
 * transaction too: the backup deletes it as well, when it gets there. */
static void
txpoll_drop(struct server *s)
{
	struct errbuf err;

	if (txpoll_area(s) == 0)
		(void)txl_del(&s->poll.area, TXPOLL_FILE, s->poll.id, NULL,
		    &err);
}

/* The backup's answer to test -rd: there, or not yet. */
static void
txpoll_look_done(struct server *s, int ok, const char *text)
{
	struct txpoll *p = &s->poll;
	struct timespec now;

	if (!p->pending)
		return;
	if (!ok || strncmp(text, "1 ", 2) != 0) {
		ts_after(&p->look, TXPOLL_LOOK_S);
		return;
	}
	p->pending = 0;
	server_trace(s, MSG_TS_TXLOG_OK);
	if (p->failing)
		server_notify(s, MSG_SA_TXLOG_BACK);
	p->failing = 0;
	p->ever_ok = 1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	p->last_trip = ts_diff(&now, &p->sent_at);
	p->ok_at = now;
	txpoll_tltest_reply(s, 1, "Txlog OK: poll %llu on the backup after "
	    "%.1f s", (unsigned long long)p->n, ts_diff(&now, &p->sent_at));
	txpoll_drop(s);
}

/* A new item through the queue. */
static void
txpoll_send(struct server *s)
{
	struct txpoll *p = &s->poll;
	char body[128], when[32];
	struct timespec now;
	struct errbuf err;
	int rc;

	p->n++;
	snprintf(p->id, sizeof(p->id), "%s.%llu", s->name,
	    (unsigned long long)p->n);
	clock_gettime(CLOCK_REALTIME, &now);
	format_timestamp(when, sizeof(when), &now);
	snprintf(body, sizeof(body), "POLL %llu %s",
	    (unsigned long long)p->n, when);
	/* The area held open: no scan of its queue at every poll. */
	if ((rc = txpoll_area_err(s, &err)) == 0)
		rc = txl_file_create(&p->area, TXPOLL_FILE, 1, &err);
	if (rc == 0)
		rc = txl_put(&p->area, TXPOLL_FILE, p->id, body, strlen(body),
		    NULL, &err);
	if (rc < 0) {
		server_trace(s, MSG_SRV_TXPOLL_FAILED, err.msg);
		server_notify(s, MSG_SA_TXLOG_NOT_SENT);
		p->failing = 1;
		txpoll_tltest_reply(s, 0, "poll %llu not sent: %s",
		    (unsigned long long)p->n, err.msg);
		return;
	}
	server_trace(s, MSG_TS_SENT_POLL);
	p->pending = 1;
	clock_gettime(CLOCK_MONOTONIC, &p->sent_at);
	ts_after(&p->look, TXPOLL_LOOK_S);
}

/* The next poll is due with the last item not seen on the backup. */
static void
txpoll_lost(struct server *s)
{
	struct txpoll *p = &s->poll;

	server_trace(s, MSG_TS_LOST_POLL, (unsigned long long)p->n);
	server_notify(s, p->ever_ok ? MSG_SA_TXLOG_LOST_POLL :
	    MSG_SA_TXLOG_NOT_SENT);
	p->failing = 1;
	p->pending = 0;
	txpoll_drop(s);
	/* The manual: a failed poll asks tlchk of the input server. */
	(void)check_ask(s, "tlchk", txpoll_tlchk_done);
}

void
txpoll_queue(struct server *s, char *out, size_t sz)
{
	uint64_t sent;

	*out = '\0';
	if (!s->role->sender || !txagent_on(s) || txpoll_area(s) < 0)
		return;
	sent = txl_sent(&s->poll.area);
	snprintf(out, sz, "last %llu, sent %llu, %llu not sent yet",
	    (unsigned long long)s->poll.area.last, (unsigned long long)sent,
	    (unsigned long long)(s->poll.area.last > sent ?
	    s->poll.area.last - sent : 0));
}

void
txpoll_lag(const struct server *s, char *out, size_t sz)
{
	const struct txpoll *p = &s->poll;
	struct timespec now;
	char secs[64] = "";

	*out = '\0';
	if (!s->role->sender || !txagent_on(s))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->pending)
		snprintf(secs, sizeof(secs), ", %.1f s (poll %llu on its way)",
		    ts_diff(&now, &p->sent_at), (unsigned long long)p->n);
	else if (p->last_trip >= 0)
		snprintf(secs, sizeof(secs), ", %.1f s (poll %llu's way)",
		    p->last_trip, (unsigned long long)p->n);
	if (!p->lag_known)
		snprintf(out, sz, "not known yet%s", secs);
	else
		snprintf(out, sz, "%llu transaction(s)%s",
		    (unsigned long long)(p->ours > p->theirs ?
		    p->ours - p->theirs : 0), secs);
}

void
txpoll_state(const struct server *s, char *out, size_t sz)
{
	const struct txpoll *p = &s->poll;
	struct timespec now;

	*out = '\0';
	if (!s->role->sender || !txagent_on(s) || p->every == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!p->ever_ok)
		snprintf(out, sz, "%s, none seen on the backup yet",
		    p->failing ? "failing" : "OK");
	else
		snprintf(out, sz, "%s, last seen on the backup %.0f s ago",
		    p->failing ? "failing" : "OK", ts_diff(&now, &p->ok_at));
}

void
txpoll_pollfds(struct server *s, int *timeout)
{
	struct txpoll *p = &s->poll;

	if (s->role->sender && txagent_on(s))
		server_wake(timeout, &p->lag_ask);
	if (p->every > 0)
		server_wake(timeout, &p->next);
	if (p->pending)
		server_wake(timeout, &p->look);
	if (p->tltest >= 0)
		server_wake(timeout, &p->tltest_by);
}

void
txpoll_events(struct server *s)
{
	struct txpoll *p = &s->poll;
	char test[160];

	if (p->tltest >= 0 && ts_due(&p->tltest_by))
		txpoll_tltest_reply(s, 0, "poll %llu not on the backup within "
		    "%d seconds (sent, not yet seen: see tape-socket status "
		    "on both sides)", (unsigned long long)p->n,
		    TXPOLL_TLTEST_S);
	if (p->every > 0 && ts_due(&p->next)) {
		ts_after(&p->next, (double)p->every);
		if (p->pending)
			txpoll_lost(s);
		txpoll_send(s);
	}
	if (s->role->sender && txagent_on(s) && ts_due(&p->lag_ask)) {
		ts_after(&p->lag_ask, TXPOLL_LAG_S);
		if (!s->check.pending)
			(void)check_ask(s, "tlchk", txpoll_lag_done);
	}
	if (p->pending && ts_due(&p->look) && !s->check.pending) {
		snprintf(test, sizeof(test), "test -rd %s %s", TXPOLL_FILE,
		    p->id);
		if (check_ask(s, test, txpoll_look_done) < 0)
			ts_after(&p->look, TXPOLL_LOOK_S);
		else
			p->look.tv_sec = p->look.tv_nsec = 0;
	}
}

void
txpoll_tltest(struct server *s, struct control_conn *c, int slot)
{
	struct txpoll *p = &s->poll;

	if (!s->role->sender || !txagent_on(s)) {
		control_reply_err(c, "tltest: server %s is not an output server "
		    "linked to the transaction logger", s->name);
		return;
	}
	if (p->tltest >= 0) {
		control_reply_err(c, "busy: a tltest waits for its poll");
		return;
	}
	p->tltest = slot;
	c->waiting = 1;
	ts_after(&p->tltest_by, TXPOLL_TLTEST_S);
	if (p->pending)
		txpoll_lost(s);
	txpoll_send(s);
}

void
txpoll_forget(struct server *s, int slot)
{
	if (s->poll.tltest == slot)
		s->poll.tltest = -1;
}

void
txpoll_next_time(const struct server *s, char *out, size_t sz)
{
	struct timespec now;
	time_t at;
	struct tm tm;

	if (s->poll.every == 0) {
		snprintf(out, sz, "off");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	at = time(NULL) + (time_t)ts_diff(&s->poll.next, &now);
	localtime_r(&at, &tm);
	strftime(out, sz, "%H:%M:%S", &tm);
}

void
txpoll_close(struct server *s)
{
	if (s->poll.area_open)
		txl_close(&s->poll.area);
	s->poll.area_open = 0;
}
