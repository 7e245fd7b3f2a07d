/*
 * svr_in.c — the input server: accept the output server's call, write
 * its blocks into the pipe in order and exactly once, acknowledge only
 * what the pipe has taken, remember the last block written.
 */
#include <sys/inotify.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "keeper.h"
#include "srvconf.h"
#include "svr_common.h"
#include "svr_in.h"

/* Acknowledge everything written (and recorded, and with sync=on on
 * disk); force: even if it was acknowledged already (a duplicate). */
static void
in_ack(struct server *s, int force)
{
	struct receiver *r = s->role_data;

	if (!server_linked(s) || !s->hello_done ||
	    (!force && s->acked == s->curmsg))
		return;
	if (in_record_done(s) < 0 || in_durable(s) < 0)
		return;
	server_queue_frame(s, FT_ACK, 0, s->curmsg, NULL, 0);
	s->acked = s->curmsg;
	r->ack_due.tv_sec = r->ack_due.tv_nsec = 0;
}

/* Open the state file; say what an end under way left behind. */
static int
in_load_state(struct server *s, struct errbuf *err)
{
	struct receiver *r = s->role_data;
	struct errbuf why;
	int rc;

	rc = instate_open(&r->st, s->state_path, &why);
	if (rc < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_SRV_STATE_DAMAGED,
		    s->state_path, why.msg);
		server_trace(s, MSG_SRV_STATE_DAMAGED, s->state_path, why.msg);
		return -1;
	}
	memcpy(s->stream, r->st.st.stream, sizeof(s->stream));
	s->curmsg = s->acked = r->st.st.last;
	r->lost = r->st.st.lost;
	if (rc == 1)
		server_trace(s, MSG_SRV_STATE_CONVERTED, s->state_path);
	if (r->st.st.writing != 0) {
		/* The sender resends it (it was never acknowledged): the
		 * bytes recorded are not written again. */
		r->resume_n = r->mark_resumed = r->st.st.writing;
		r->resume_off = r->st.st.done;
		if (!(r->st.st.flags & INSTATE_EXACT))
			server_trace(s, MSG_SRV_RESUME_WRITE,
			    (unsigned long long)r->resume_n,
			    (unsigned long long)r->resume_off);
	}
	return 0;
}

static int
in_start(struct server *s, struct errbuf *err)
{
	struct receiver *r = s->role_data = xcalloc(1, sizeof(*r));

	r->st.fd = -1;
	keeper_boot_init(&r->kboot);
	if (svr_check_pipe(s, err) < 0)
		return -1;
	if (in_load_state(s, err) < 0)
		return -1;
	/* A tape mark is seen by the reader only if no writer comes back
	 * before it reads: watch for the reader's close. */
	s->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->ino_fd >= 0 && inotify_add_watch(s->ino_fd,
	    s->conf.pipe, IN_CLOSE_NOWRITE) < 0) {
		close(s->ino_fd);
		s->ino_fd = -1;
	}
	server_set_state(s, SS_WAIT_INCOMING);
	in_keeper_adopt(s);
	return 0;
}

/* role->link_up: nothing is said before the sender's HELLO. */
static void
in_link_up(struct server *s)
{
	struct receiver *r = s->role_data;

	memset(&r->ack_due, 0, sizeof(r->ack_due));
	memset(&r->busy_ack_at, 0, sizeof(r->busy_ack_at));
	memset(&r->hb_answered, 0, sizeof(r->hb_answered));
	r->peer_first = 0;
	r->data_max = 0;
}

/*
 * role->link_down: drop what was received but not written, the sender
 * resends it; a write under way completes (the old connection of a
 * replaced link goes only once it has).
 */
static void
in_link_down(struct server *s)
{
	struct receiver *r = s->role_data;
	size_t keep = r->write_off > 0 ? 1 : 0;

	while (r->win_count > keep)
		win_drop_last(r);
}

/*
 * What a decoded HELLO must also be (PROTOCOL.md section 5), judged
 * before anything is adopted or answered: NULL if it may be taken,
 * else the reason (an ERROR's text), traced.
 */
static const char *
in_hello_refused(struct server *s, const struct frame *f,
    const struct hello *h)
{
	char mine[40], theirs[40];

	if (h->role != HELLO_ROLE_OUT) {
		svr_trace_frame(s, f);
		return "bad HELLO";
	}
	if (svr_names_check(s, h) < 0)
		return "name mismatch";
	/* Zero is "no stream yet": adopted, it would make whatever calls
	 * first the stream, and the real sender's blocks duplicates. */
	if (svr_stream_none(h->stream)) {
		server_trace(s, MSG_SRV_STREAM_ZERO, h->name);
		return "no stream identity";
	}
	if (!svr_stream_none(s->stream) &&
	    memcmp(s->stream, h->stream, sizeof(s->stream)) != 0) {
		svr_stream_hex(s->stream, mine, sizeof(mine));
		svr_stream_hex(h->stream, theirs, sizeof(theirs));
		server_trace(s, MSG_SRV_STREAM_MISMATCH, mine, theirs);
		return "stream mismatch";
	}
	return NULL;
}

/*
 * role->replaces: a call that comes while a stream is up may replace it
 * only with a valid HELLO of the same stream (the sender calling again
 * after a cut this side has not noticed).  Anything else is traced, and
 * the stream goes on undisturbed.
 */
static int
in_replaces(struct server *s, const struct frame *f)
{
	struct frame_error e;
	struct hello h;

	if (f->type != FT_HELLO) {
		svr_trace_frame(s, f);
		return 0;
	}
	if (hello_decode(f->payload, f->len, &h, &e) < 0) {
		svr_trace_decode(s, &e);
		return 0;
	}
	return in_hello_refused(s, f, &h) == NULL;
}

static void
in_hello(struct server *s, const struct frame *f)
{
	struct receiver *r = s->role_data;
	uint8_t buf[FRAME_HELLO_MAX];
	struct frame_error e;
	struct errbuf e2;
	struct hello h, ack;
	const char *why;
	size_t len;

	if (hello_decode(f->payload, f->len, &h, &e) < 0) {
		svr_trace_decode(s, &e);
		svr_refuse(s, "bad HELLO");
		return;
	}
	if ((why = in_hello_refused(s, f, &h)) != NULL) {
		svr_refuse(s, why);
		return;
	}
	if (svr_stream_none(s->stream)) {
		/* Adopted for good before the sender hears of it. */
		memcpy(s->stream, h.stream, sizeof(s->stream));
		if (in_record_last(s) < 0)
			return;
		if (instate_sync(&r->st, &e2) < 0) {
			in_state_failed(s, &e2);
			return;
		}
	}
	svr_clock_check(s, &h);
	/* HELLO_ACK's last lets the sender drop what it holds up to it. */
	if (in_durable(s) < 0)
		return;
	svr_hello(s, &ack, s->curmsg);
	if (hello_encode(&ack, buf, sizeof(buf), &len) < 0) {
		svr_refuse(s, "internal error");
		return;
	}
	server_queue_frame(s, FT_HELLO_ACK, 0, 0, buf, (uint32_t)len);
	s->acked = s->curmsg;
	/* What this link may bring: a SYNC no further than what the
	 * sender holds, no block larger than either side's maxpayload. */
	r->peer_first = h.last_msgnum;
	r->data_max = h.max_payload < ack.max_payload ? h.max_payload :
	    ack.max_payload;
	s->hello_done = 1;
	server_set_state(s, SS_READING_NETWORK);
}

/*
 * A jump: messages expected .. n - 1 never came (the sender lost them).
 * lost= says what to do; -1 when the link was dropped.
 */
static int
in_gap(struct server *s, uint64_t expected, uint64_t n)
{
	struct receiver *r = s->role_data;

	server_trace(s, MSG_TS_LOST_MSG, (unsigned long long)n);
	switch (s->conf.lost_policy) {
	case LOST_ACCEPT:
		server_trace(s, MSG_SRV_LOST_ACCEPTED,
		    (unsigned long long)expected, (unsigned long long)(n - 1));
		r->lost += n - expected;
		s->curmsg = n - 1;
		if (in_record_last(s) < 0)
			return -1;
		return 0;
	case LOST_REFUSE:
		server_trace(s, MSG_SRV_LOST_REFUSED,
		    (unsigned long long)expected, (unsigned long long)(n - 1));
		svr_refuse(s, "messages lost: refused (lost=refuse)");
		return -1;
	default:
		s->sletter = 'E';
		server_notify(s, MSG_SA_IN_STOPPED_ERROR);
		server_trace(s, MSG_SRV_LOST_STOP,
		    (unsigned long long)expected, (unsigned long long)(n - 1));
		svr_refuse(s, "messages lost: receiver stopped (lost=stop)");
		s->exit_code = 1;
		s->done = 1;
		return -1;
	}
}

/*
 * DATA or EOF numbered n: queue it if it is the next one.  A DATA that
 * is the next to write, with the pipe open and nothing ahead of it, is
 * written at once from the receive buffer (in_write_direct): only what
 * the pipe does not take is copied.
 */
static enum svr_verdict
in_data(struct server *s, const struct frame *f)
{
	struct receiver *r = s->role_data;

	uint64_t expected = s->curmsg + r->win_count + 1;
	struct rmsg *m;
	int direct;

	if (f->len > r->data_max) {
		svr_bad_frame(s, f, "DATA over the announced maxpayload");
		return SVR_DROP;
	}
	if (f->msgnum < expected) {
		server_trace(s, MSG_TS_SEQ_ERROR,
		    (unsigned long long)f->msgnum);
		in_ack(s, 1);
		return SVR_NEXT;
	}
	if (f->msgnum > expected) {
		/* Judged once what is held is written: curmsg moves then. */
		if (r->win_count > 0)
			return SVR_WAIT;
		if (in_gap(s, expected, f->msgnum) < 0)
			return SVR_DROP;
	}
	direct = r->win_count == 0 && f->type == FT_DATA && f->len > 0 &&
	    s->pipe_fd >= 0 && !r->eof_wait && !r->skip_file && !s->done;
	m = win_push(r, f->len, direct);
	m->n = f->msgnum;
	m->type = f->type;
	if (f->len > 0 && !direct)
		memcpy(m->data, f->payload, f->len);
	if (r->resume_n != 0) {
		/* The write cut short at the last end: what the state says
		 * was written is not written again. */
		if (m->n == r->resume_n && r->win_count == 1)
			r->write_off = r->resume_off < m->len ?
			    (size_t)r->resume_off : m->len;
		r->resume_n = 0;
	}
	if (direct) {
		in_write_direct(s, m, f->payload);
		if (!server_linked(s))
			return SVR_DROP;	/* the state file failed */
	}
	return SVR_NEXT;
}

/*
 * SYNC n (PROTOCOL.md section 6): forward only, and no further than the
 * first message the sender said it holds.  A SYNC past that would skip
 * what it still has, and one to 2^63 - 1 would leave the receiver
 * refusing the real sender for ever.
 */
static enum svr_verdict
in_sync(struct server *s, const struct frame *f)
{
	struct receiver *r = s->role_data;
	const char *why = NULL;
	char n[24];

	if (r->win_count > 0 || f->msgnum <= s->curmsg)
		why = "SYNC would go backwards";
	else if (f->msgnum > r->peer_first)
		why = "SYNC beyond what the sender holds";
	if (why != NULL) {
		snprintf(n, sizeof(n), "%llu", (unsigned long long)f->msgnum);
		server_trace(s, MSG_TS_BAD_MSG_NUM, n);
		svr_refuse(s, why);
		return SVR_DROP;
	}
	server_trace(s, MSG_TS_RESYNC, (unsigned long long)f->msgnum);
	s->curmsg = f->msgnum - 1;
	if (in_record_last(s) < 0)
		return SVR_DROP;
	in_ack(s, 1);
	return SVR_NEXT;
}

static enum svr_verdict
in_frame(struct server *s, const struct frame *fp)
{
	struct receiver *r = s->role_data;

	/* A full window waits for the pipe before taking more. */
	if ((fp->type == FT_DATA || fp->type == FT_EOF) &&
	    !win_takes(r, fp->len))
		return SVR_WAIT;
	if (!s->hello_done && fp->type != FT_HELLO) {
		svr_bad_frame(s, fp, "HELLO expected");
		return SVR_DROP;
	}
	switch (svr_common_frame(s, fp, &r->hb_answered)) {
	case 1:
		return SVR_NEXT;
	case -1:
		server_link_drop(s);
		return SVR_DROP;
	}
	switch (fp->type) {
	case FT_HELLO:
		/* Once per link: a second would move the stream, the resume
		 * point and the limits under frames already taken. */
		if (s->hello_done) {
			svr_bad_frame(s, fp, "HELLO already received");
			return SVR_DROP;
		}
		in_hello(s, fp);
		break;
	case FT_DATA:
	case FT_EOF:
		return in_data(s, fp);
	case FT_SYNC:
		return in_sync(s, fp);
	case FT_SHUTDOWN:
		if (!s->conf.rshut) {
			server_trace(s, MSG_SRV_RSHUT_REFUSED);
			break;
		}
		server_trace(s, MSG_TS_REMOTE_SHTDWN);
		server_request_stop(s);
		break;
	default:
		svr_bad_frame(s, fp, "unexpected frame");
		return SVR_DROP;
	}
	return SVR_NEXT;
}

/*
 * role->frames: what the sender sent.  The completion of the last
 * message written straight from the receive buffer is recorded once
 * the frames at hand are through (in_write_direct).
 */
static void
in_frames(struct server *s)
{
	svr_frames(s, in_frame);
	in_record_done(s);
}

/*
 * When to acknowledge what was written.  sync=off: at once.  sync=on:
 * an fsync comes first, so writes are acknowledged in batches: when
 * half a window is waiting, or SRV_SYNC_EVERY after the first of them.
 */
static void
in_ack_due(struct server *s)
{
	struct receiver *r = s->role_data;

	if (!server_linked(s) || !s->hello_done || s->curmsg == s->acked) {
		r->ack_due.tv_sec = r->ack_due.tv_nsec = 0;
		return;
	}
	if (!s->conf.sync || s->curmsg - s->acked >= SRV_WINDOW / 2 ||
	    s->stopping || ts_due(&r->ack_due)) {
		in_ack(s, 0);
		return;
	}
	if (r->ack_due.tv_sec == 0)
		ts_after(&r->ack_due, SRV_SYNC_EVERY);
}

/* A tape mark is next, and waits for the keeper's report. */
static int
in_mark_held(struct server *s)
{
	struct receiver *r = s->role_data;

	return r->win_count > 0 && win_at(r, 0)->type == FT_EOF &&
	    !r->skip_file && in_keeper_starting(s);
}

static void
in_pollfds(struct server *s, struct pollfd *pfd, int *n, int *timeout)
{
	struct receiver *r = s->role_data;

	if (s->pipe_fd >= 0) {
		/* Always: POLLERR says the reader left, written to or not. */
		pfd[*n].fd = s->pipe_fd;
		pfd[(*n)++].events = r->win_count > 0 && !r->eof_wait &&
		    !in_mark_held(s) ? POLLOUT : 0;
	}
	svr_keeper_pollfds(&r->kboot, pfd, n, timeout);
	if (r->eof_wait) {
		/* The reader's close comes as an inotify event; the keeper
		 * is looked at every KEEPER_LOOK. */
		if (s->ino_fd >= 0) {
			pfd[*n].fd = s->ino_fd;
			pfd[(*n)++].events = POLLIN;
		}
		server_wake(timeout, &r->keeper_check);
	} else if (r->win_count > 0 && s->pipe_fd < 0) {
		if (r->next_pipe_try.tv_sec == 0)
			*timeout = 0;
		else
			server_wake(timeout, &r->next_pipe_try);
	}
	if (r->win_count > 0 && server_linked(s) && s->hello_done)
		server_wake(timeout, &r->busy_ack_at);
	if (r->ack_due.tv_sec != 0 && server_linked(s) && s->hello_done)
		server_wake(timeout, &r->ack_due);
}

static void
in_events(struct server *s, struct pollfd *pfd, int n)
{
	struct receiver *r = s->role_data;
	int i;

	for (i = 0; i < n; i++)
		if (pfd[i].revents != 0 && pfd[i].fd == s->pipe_fd &&
		    s->pipe_fd >= 0 && (pfd[i].revents & (POLLERR | POLLHUP)))
			in_reader_left(s);
	/* Blocked on the pipe with messages held: an ACK of where it
	 * stands every hbint tells the sender the data path is fine
	 * (its ACK timeout is for data that went nowhere). */
	if (r->win_count > 0 && server_linked(s) && s->hello_done) {
		/* Armed when messages start to wait (zero is "not armed",
		 * never "due"), sent every hbint while they do. */
		if (r->busy_ack_at.tv_sec == 0 && r->busy_ack_at.tv_nsec == 0)
			ts_after(&r->busy_ack_at, s->conf.hb_interval);
		else if (ts_due(&r->busy_ack_at)) {
			server_queue_frame(s, FT_ACK, 0, s->acked, NULL, 0);
			ts_after(&r->busy_ack_at, s->conf.hb_interval);
		}
	} else
		memset(&r->busy_ack_at, 0, sizeof(r->busy_ack_at));
	in_keeper_events(s, pfd, n);
	if (r->eof_wait)
		in_reader_wait(s);
	if (in_need_pipe(s) && (r->next_pipe_try.tv_sec == 0 ||
	    ts_due(&r->next_pipe_try)))
		in_open_pipe(s);
	/* Acknowledge only what the pipe has taken, once recorded. */
	if (in_write_pipe(s) && server_linked(s) && s->rlen > 0)
		in_frames(s);	/* a frame may wait for the window */
	in_ack_due(s);
	/* Status: the reader's wait, while the stream is up. */
	if (r->eof_wait && server_linked(s) && s->hello_done)
		server_set_state(s, SS_WAIT_READER);
	else if (s->state == SS_WAIT_READER)
		server_set_state(s, server_linked(s) && s->hello_done ?
		    SS_READING_NETWORK : SS_WAIT_INCOMING);
}

static void
in_stop(struct server *s)
{
	struct receiver *r = s->role_data;
	struct errbuf why;
	uint64_t writing = 0;

	/*
	 * A keeper on its way is waited for within the stop's time, as the
	 * loop used to: the stop then leaves what a keeper in place leaves.
	 * Past that time it is left to come up and hold the write end, like
	 * a keeper started just before a kill of this server; killing it
	 * would make our close of the write end an end of file.
	 */
	if (in_keeper_starting(s) && s->stop_wait != 0 &&
	    !ts_due(&s->stop_deadline))
		return;
	if (!server_stop_due(s) || r->st.fd < 0)
		return;
	/* A stop knows exactly what it wrote: the next start resumes a
	 * block cut short after those bytes, with no doubt to trace. */
	if (r->win_count > 0 && r->write_off > 0)
		writing = win_at(r, 0)->n;
	if (in_record_flags(s, writing, writing ? r->write_off : 0,
	    INSTATE_EXACT) < 0)
		return;
	if (instate_sync(&r->st, &why) < 0) {
		in_state_failed(s, &why);
		return;
	}
	in_ack(s, 0);	/* sent at the exit (link_close) */
}

static void
in_query(struct server *s, struct control_conn *c)
{
	struct receiver *r = s->role_data;

	control_reply(c, "Connected: %s", s->hello_done ? "yes" : "no");
	control_reply(c, "Unwritten: %zu", r->win_count);
	control_reply(c, "Acknowledged: %llu", (unsigned long long)s->acked);
	control_reply(c, "Disconnections: %u", s->disconnects);
	control_reply(c, "Lost: %llu", (unsigned long long)r->lost);
	if (r->eof_wait) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		control_reply(c, "Reader wait: %.0f s since tape mark %llu",
		    ts_diff(&now, &r->eof_deadline),
		    (unsigned long long)s->curmsg);
	}
	if (in_keeper_starting(s))
		control_reply(c, "Keeper: starting");
	else if (r->keeper > 0)
		control_reply(c, "Keeper: %ld", r->keeper);
}

/* The receiver's pending messages: received, not yet written. */
static uint64_t
in_pending(const struct server *s, uint64_t *first, uint64_t *last)
{
	struct receiver *r = s->role_data;

	if (r->win_count == 0)
		return 0;
	*first = win_at(r, 0)->n;
	*last = win_at(r, r->win_count - 1)->n;
	return r->win_count;
}

static void
in_close(struct server *s)
{
	struct receiver *r = s->role_data;

	if (r == NULL)
		return;
	/* Not killed: see in_stop. */
	(void)keeper_boot_abandon(&r->kboot, 0);
	instate_close(&r->st);
	free(r->ring);
	free(r);
	s->role_data = NULL;
}

const struct role role_receiver = {
	.name = "input",
	.type = "IN",
	.logtype = 'r',
	.sender = 0,
	.link = LINK_LISTEN,
	.deaf_stopping = 1,
	.link_up = in_link_up,
	.frames = in_frames,
	.link_down = in_link_down,
	.replaces = in_replaces,
	.pending_fate = "not acknowledged: the output server sends them again",
	.start = in_start,
	.pollfds = in_pollfds,
	.events = in_events,
	.stop = in_stop,
	.query = in_query,
	.resync = NULL,
	.close = in_close,
	.pending = in_pending,
};
