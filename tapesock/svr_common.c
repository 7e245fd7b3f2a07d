/*
 * svr_common.c — frame helpers shared by the input and output servers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bsd/string.h>

#include "catalog.h"
#include "srvconf.h"
#include "svr_common.h"

void
svr_trace_decode(struct server *s, const struct frame_error *e)
{
	if (e->kind == FE_NOT_OURS)
		server_trace(s, MSG_TS_UNEXPECTED_MSG, e->hex);
	else if (e->kind == FE_BAD_MSGNUM) {
		char n[24];

		snprintf(n, sizeof(n), "%llu", (unsigned long long)e->value);
		server_trace(s, MSG_TS_BAD_MSG_NUM, n);
	} else
		server_trace(s, MSG_TS_BAD_HEADER, e->hex);
}

int
svr_check_pipe(struct server *s, struct errbuf *err)
{
	const char *pipe = s->conf.pipe;
	struct errbuf why;
	char *norm;

	if (kw_check(KW_PIPE, pipe, KWC_FULL, &norm, &why) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_BAD_VALUE,
		    "pipe", pipe, why.msg, kw_def(KW_PIPE)->allowed);
		return -1;
	}
	free(norm);
	return 0;
}

int
svr_open_pipe(struct server *s, int flags)
{
	struct errbuf why;
	int fd;

	if ((fd = pipe_open(s->conf.pipe, flags, &s->pipe_id, &why)) != -2)
		return fd;
	/* Nothing is read from it nor written into it: the server ends. */
	s->sletter = 'E';
	server_notify(s, MSG_SRV_PIPE_REFUSED, s->conf.pipe, why.msg);
	s->exit_code = 1;
	s->done = 1;
	errno = EPERM;
	return -2;
}

/* "Popen err=2": the trace of a pipe error, as an argument. */
static void
svr_pipe_text(const struct pipe_fault *f, char *buf, size_t len)
{
	msg_format(buf, len, f->id, f->err);
}

void
svr_pipe_fault(struct server *s, enum msgid id, int err)
{
	struct pipe_fault *f = &s->perr;
	struct timespec now;
	char text[64];

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (f->active && f->id == id && f->err == err) {
		/* Said already: a try every few seconds, not a line each. */
		f->count++;
		f->total++;
		f->delay = f->delay * 2 > SRV_PIPE_RETRY_MAX ?
		    SRV_PIPE_RETRY_MAX : f->delay * 2;
		ts_after(&f->retry, f->delay);
		return;
	}
	if (f->active) {
		svr_pipe_text(f, text, sizeof(text));
		server_trace(s, MSG_SRV_PIPE_ERR_CHANGED, text,
		    (unsigned long long)f->count,
		    (unsigned)ts_diff(&now, &f->changed));
	} else {
		f->active = 1;
		f->total = 0;
		f->since = now;
		f->delay = SRV_PIPE_RETRY_MIN;
		s->sletter = 'E';
	}
	f->id = id;
	f->err = err;
	f->count = 1;
	f->total++;
	f->changed = now;
	ts_after(&f->retry, f->delay);
	server_trace(s, id, err);
	/* Once an incident, as Network Error: not again when it changes. */
	if (f->total == 1) {
		svr_pipe_text(f, text, sizeof(text));
		server_notify(s, MSG_SRV_PIPE_FAILING, s->conf.pipe, text,
		    (unsigned)SRV_PIPE_RETRY_MAX);
	}
}

void
svr_pipe_back(struct server *s, int io)
{
	struct pipe_fault *f = &s->perr;
	struct timespec now;
	char text[64];

	if (!f->active || (!io && f->id != MSG_TS_POPEN_ERR))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	svr_pipe_text(f, text, sizeof(text));
	/* A stop's letter (C, S) is the stop's: only E is the pipe's. */
	if (s->sletter == 'E' && !s->done)
		s->sletter = 'R';
	server_notify(s, MSG_SRV_PIPE_BACK, text, (unsigned long long)f->total,
	    (unsigned)ts_diff(&now, &f->since));
	memset(f, 0, sizeof(*f));
}

int
svr_pipe_may_try(const struct server *s)
{
	return !s->perr.active || ts_due(&s->perr.retry);
}

void
svr_pipe_query(struct server *s, struct control_conn *c)
{
	const struct pipe_fault *f = &s->perr;
	struct timespec now;
	char text[64];
	double next;

	if (!f->active) {
		control_reply(c, "Pipe error: none");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	svr_pipe_text(f, text, sizeof(text));
	next = ts_diff(&f->retry, &now);
	control_reply(c, "Pipe error: %s, %llu failures in %.0f s, next try "
	    "in %.1f s", text, (unsigned long long)f->total,
	    ts_diff(&now, &f->since), next > 0 ? next : 0.0);
}

void
svr_hello(struct server *s, struct hello *h, uint64_t last)
{
	struct timespec now;

	memset(h, 0, sizeof(*h));
	clock_gettime(CLOCK_REALTIME, &now);
	h->version = FRAME_VERSION;
	h->role = s->conf.is_out ? HELLO_ROLE_OUT : HELLO_ROLE_IN;
	strlcpy(h->name, s->name, sizeof(h->name));
	/* The two servers of a pair share one name: ours is the peer's. */
	strlcpy(h->peer, s->name, sizeof(h->peer));
	memcpy(h->stream, s->stream, HELLO_STREAM_LEN);
	h->clock_ns = (uint64_t)now.tv_sec * 1000000000ULL +
	    (uint64_t)now.tv_nsec;
	h->last_msgnum = last;
	h->window = SRV_WINDOW;
	h->max_payload = SRV_BLOCK;
}

void
svr_clock_check(struct server *s, const struct hello *h)
{
	char name[4 * HELLO_NAME_MAX + 1];
	struct timespec now;
	double offset;

	if (s->opts & OPT_S)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	offset = ((double)h->clock_ns / 1e9) -
	    ((double)now.tv_sec + (double)now.tv_nsec / 1e9);
	/* hello_decode allows only [A-Za-z0-9._-]; a peer's text all the
	 * same, should that rule ever widen. */
	frame_printable(name, sizeof(name), (const uint8_t *)h->name,
	    strlen(h->name));
	server_trace(s, offset > SRV_CLOCK_WARN || offset < -SRV_CLOCK_WARN ?
	    MSG_SRV_CLOCK_SKEW : MSG_SRV_CLOCK_OFFSET, name, offset);
}

int
svr_names_check(struct server *s, const struct hello *h)
{
	char name[4 * HELLO_NAME_MAX + 1], peer[4 * HELLO_NAME_MAX + 1];

	if (strcmp(h->name, s->name) == 0 && strcmp(h->peer, s->name) == 0)
		return 0;
	frame_printable(name, sizeof(name), (const uint8_t *)h->name,
	    strlen(h->name));
	frame_printable(peer, sizeof(peer), (const uint8_t *)h->peer,
	    strlen(h->peer));
	server_trace(s, MSG_SRV_NAME_MISMATCH, s->name, name, peer);
	return -1;
}

int
svr_stream_none(const uint8_t *id)
{
	static const uint8_t zero[HELLO_STREAM_LEN];

	return memcmp(id, zero, sizeof(zero)) == 0;
}

void
svr_stream_hex(const uint8_t *id, char *out, size_t sz)
{
	frame_hex(out, sz, id, HELLO_STREAM_LEN);
}

int
svr_stream_parse(const char *hex, uint8_t *out)
{
	unsigned v;
	size_t i;

	if (strlen(hex) != 2 * HELLO_STREAM_LEN)
		return -1;
	for (i = 0; i < HELLO_STREAM_LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

int
svr_state_get(const char *text, const char *key, char *out, size_t sz)
{
	return kv_get(text, strlen(text), key, out, sz);
}

int
svr_common_frame(struct server *s, const struct frame *f,
    struct timespec *hb_answered)
{
	char text[4 * FRAME_TEXT_MAX + 1];
	struct timespec now;

	switch (f->type) {
	case FT_HEARTBEAT:
		/* A peer that floods HEARTBEATs and never reads must not
		 * fill the output queue with their answers. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((hb_answered->tv_sec != 0 || hb_answered->tv_nsec != 0) &&
		    ts_diff(&now, hb_answered) < SVR_HB_ANSWER)
			return 1;
		*hb_answered = now;
		server_queue_frame(s, FT_HEARTBEAT_ACK, 0, f->aux, NULL, 0);
		return 1;
	case FT_HEARTBEAT_ACK:
		return 1;
	case FT_CHECK_REQ:
	case FT_CHECK_RESP:
		check_frame(s, f);
		return 1;
	case FT_ERROR:
		/* It goes to the logs and the operator's terminal. */
		frame_printable(text, sizeof(text), f->payload, f->len);
		server_trace(s, MSG_SRV_PEER_ERROR, text);
		return -1;
	default:
		return 0;
	}
}

void
svr_trace_frame(struct server *s, const struct frame *f)
{
	char hex[FRAME_HEX_MAX];

	frame_hex(hex, sizeof(hex), f->hdr, FRAME_HDR_LEN);
	server_trace(s, MSG_TS_BAD_HEADER, hex);
}

void
svr_bad_frame(struct server *s, const struct frame *f, const char *why)
{
	svr_trace_frame(s, f);
	svr_refuse(s, why);
}

void
svr_frames(struct server *s,
    enum svr_verdict (*handle)(struct server *, const struct frame *))
{
	struct frame_error e;
	struct frame f;
	size_t used, off = 0;

	while (server_linked(s)) {
		switch (frame_decode(s->rbuf + off, s->rlen - off, &f, &used,
		    &e)) {
		case FRAME_NEED_MORE:
			goto done;
		case FRAME_ERROR:
			svr_trace_decode(s, &e);
			server_link_drop(s);
			return;
		case FRAME_OK:
			break;
		}
		/* Traced before it is handled (its Pwrit after its Nread),
		 * once even if it waits at the head for a later turn. */
		if (off > 0 || !s->rhead_traced) {
			if (f.len > 0)
				server_trace_block(s, MSG_TS_NREAD, f.len,
				    f.payload, f.len);
			else
				server_trace_block(s, MSG_TS_NREAD, 0, f.hdr,
				    FRAME_HDR_LEN);
		}
		s->rhead_traced = 0;
		switch (handle(s, &f)) {
		case SVR_WAIT:
			s->rhead_traced = 1;
			goto done;
		case SVR_DROP:
			return;
		case SVR_NEXT:
			break;
		}
		/* Only whole frames show the peer alive: bytes of a frame
		 * that never completes (a path that dropped some) do not. */
		clock_gettime(CLOCK_MONOTONIC, &s->rx_at);
		/* The manual's msgin: the network messages of an input
		 * server; an output server counts the blocks of its pipe. */
		if (!s->role->sender)
			s->msgin++;
		off += used;
	}
done:
	/* A handler that dropped the link has emptied the buffer. */
	if (off > 0 && server_linked(s)) {
		memmove(s->rbuf, s->rbuf + off, s->rlen - off);
		s->rlen -= off;
	}
}

void
svr_refuse(struct server *s, const char *why)
{
	server_queue_frame(s, FT_ERROR, 0, 0, (const uint8_t *)why,
	    (uint32_t)strlen(why));
	server_link_drop(s);
}

void
svr_keeper_pollfds(const struct keeper_boot *kb, struct pollfd *pfd,
    int *n, int *timeout)
{
	if (!keeper_booting(kb))
		return;
	if (keeper_boot_pollfd(kb) >= 0) {
		pfd[*n].fd = keeper_boot_pollfd(kb);
		pfd[(*n)++].events = POLLIN;
	}
	server_wake(timeout, &kb->deadline);
}

long
svr_keeper_events(struct keeper_boot *kb, const char *pipe,
    const struct pollfd *pfd, int n, struct errbuf *err)
{
	int i, ready = 0;

	if (!keeper_booting(kb))
		return 0;
	for (i = 0; i < n && !ready; i++)
		ready = pfd[i].fd == keeper_boot_pollfd(kb) &&
		    pfd[i].fd >= 0 && pfd[i].revents != 0;
	if (!ready && !ts_due(&kb->deadline))
		return 0;
	return keeper_boot_poll(kb, pipe, err);
}
