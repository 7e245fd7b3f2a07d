/*
 * svr_in.c — the input server: accept the output server's call, write
 * its blocks into the pipe in order and exactly once, acknowledge only
 * what the pipe has taken, remember the last block written.
 */
#include <sys/inotify.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
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

#define PIPE_RETRY	0.1	/* seconds between opens while no reader */
#define KEEPER_LOOK	0.05	/* seconds between looks: keeper gone? */
#define READER_LOOK	1.0	/* seconds between looks without keeper */
#define READER_TRACE	1.0	/* seconds a held file waits untraced */
#define PEND_WAIT	10.0	/* seconds a new call has to say HELLO */
#define PEND_MAX	(FRAME_HDR_LEN + FRAME_HELLO_MAX)

/* The state file cannot be written: nothing more may be acknowledged. */
static void
in_state_failed(struct server *s, const struct errbuf *why)
{
	if (s->st.fd < 0)
		return;
	instate_close(&s->st);	/* nothing more is recorded */
	s->sletter = 'E';
	server_notify(s, MSG_SA_IN_STOPPED_ERROR);
	server_trace(s, MSG_SRV_STATE_WRITE_ERR, s->state_path, why->msg);
	server_disconnect(s);
	s->exit_code = 1;
	s->done = 1;
}

/*
 * Record where the stream stands: the last message written, and the
 * one under way with the bytes of it written.  One pwrite, no fsync:
 * enough against a crash of the process (see instate.h).
 */
static int
in_record_flags(struct server *s, uint64_t writing, uint64_t done,
    unsigned flags)
{
	struct instate st;
	struct errbuf why;

	if (s->st.fd < 0)
		return -1;
	memset(&st, 0, sizeof(st));
	memcpy(st.stream, s->stream, sizeof(st.stream));
	st.last = s->curmsg;
	st.writing = writing;
	st.done = done;
	st.lost = s->lost;
	st.flags = flags;
	if (instate_write(&s->st, &st, &why) < 0) {
		in_state_failed(s, &why);
		return -1;
	}
	return 0;
}

static int
in_record(struct server *s, uint64_t writing, uint64_t done)
{
	return in_record_flags(s, writing, done, 0);
}

/* Record the current position unless the last record says it already. */
static int
in_record_last(struct server *s)
{
	if (s->st.st.last == s->curmsg && s->st.st.writing == 0 &&
	    s->st.st.lost == s->lost &&
	    memcmp(s->st.st.stream, s->stream, sizeof(s->stream)) == 0)
		return 0;
	return in_record(s, 0, 0);
}

/* sync=on: what is reported to the peer must be on disk first. */
static int
in_durable(struct server *s)
{
	struct errbuf why;

	if (!s->conf.sync)
		return 0;
	if (instate_sync(&s->st, &why) < 0) {
		in_state_failed(s, &why);
		return -1;
	}
	return 0;
}

/* Acknowledge everything written (and recorded, and with sync=on on
 * disk); force: even if it was acknowledged already (a duplicate). */
static void
in_ack(struct server *s, int force)
{
	if (s->sock < 0 || !s->hello_done || (!force && s->acked == s->curmsg))
		return;
	if (in_durable(s) < 0)
		return;
	server_queue_frame(s, FT_ACK, 0, s->curmsg, NULL, 0);
	s->acked = s->curmsg;
	s->ack_due.tv_sec = s->ack_due.tv_nsec = 0;
}

/* Open the state file; say what an end under way left behind. */
static int
in_load_state(struct server *s, struct errbuf *err)
{
	struct errbuf why;
	int rc;

	rc = instate_open(&s->st, s->state_path, &why);
	if (rc < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_SRV_STATE_DAMAGED,
		    s->state_path, why.msg);
		server_trace(s, MSG_SRV_STATE_DAMAGED, s->state_path, why.msg);
		return -1;
	}
	memcpy(s->stream, s->st.st.stream, sizeof(s->stream));
	s->curmsg = s->acked = s->st.st.last;
	s->lost = s->st.st.lost;
	if (rc == 1)
		server_trace(s, MSG_SRV_STATE_CONVERTED, s->state_path);
	if (s->st.st.writing != 0) {
		/* The sender resends it (it was never acknowledged): the
		 * bytes recorded are not written again. */
		s->resume_n = s->mark_resumed = s->st.st.writing;
		s->resume_off = s->st.st.done;
		if (!(s->st.st.flags & INSTATE_EXACT))
			server_trace(s, MSG_SRV_RESUME_WRITE,
			    (unsigned long long)s->resume_n,
			    (unsigned long long)s->resume_off);
	}
	return 0;
}

/* Bind the listen= address (* = every IPv4 address, as before). */
static int
in_listen(struct server *s, struct errbuf *err)
{
	const char *addr = s->conf.listen;
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int one = 1, r, e = 0;
	enum msgid failed = MSG_TS_BIND_ERR;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = addr == NULL || strcmp(addr, "*") == 0 ? AF_INET :
	    AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)s->conf.port);
	r = getaddrinfo(hints.ai_family == AF_INET ? NULL : addr, port, &hints,
	    &res);
	if (r != 0 || res == NULL) {
		msg_format(err->msg, sizeof(err->msg), MSG_SRV_LISTEN_ADDR,
		    addr, gai_strerror(r));
		server_trace(s, MSG_SRV_LISTEN_ADDR, addr, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		s->listen_fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (s->listen_fd < 0) {
			e = errno;
			failed = MSG_TS_SOCKET_ERR;
			continue;
		}
		setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(s->listen_fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		failed = MSG_TS_BIND_ERR;
		close(s->listen_fd);
		s->listen_fd = -1;
	}
	freeaddrinfo(res);
	if (s->listen_fd < 0) {
		msg_format(err->msg, sizeof(err->msg), failed, e);
		server_trace(s, failed, e);
		return -1;
	}
	if (listen(s->listen_fd, 4) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_TS_LISTEN_ERR, errno);
		server_trace(s, MSG_TS_LISTEN_ERR, errno);
		return -1;
	}
	return 0;
}

/* The wait for the reader to close after a tape mark begins. */
static void
in_reader_wait_begin(struct server *s)
{
	s->eof_wait = 1;
	clock_gettime(CLOCK_MONOTONIC, &s->eof_deadline);
	s->keeper_check = s->eof_deadline;	/* look at once */
}

/* s->keeper is still the live keeper of this server. */
static int
in_keeper_alive(struct server *s)
{
	return s->keeper > 0 && keeper_pid(s->home, s->name) == s->keeper;
}

/*
 * A keeper left by the last run: holding the write end (a tape file
 * under way, which goes on into the same reader), or not (it was given
 * the tape mark and waits for the reader to close).
 */
static void
in_keeper_adopt(struct server *s)
{
	long pid = keeper_pid(s->home, s->name);

	if (pid <= 0)
		return;
	s->keeper = pid;
	if (keeper_holds(pid, s->conf.pipe)) {
		server_trace(s, MSG_SRV_READER_KEEPER_HELD, pid);
		return;
	}
	in_reader_wait_begin(s);
	s->eof_wait = 2;
	server_trace(s, MSG_SRV_READER_WAIT, (unsigned long long)
	    (s->st.st.writing != 0 ? s->st.st.writing : s->curmsg));
}

/* Have a keeper hold the write end just opened, for this tape file. */
static void
in_keeper_start(struct server *s)
{
	struct errbuf why;
	long pid;

	if (s->keeper != 0)
		return;	/* adopted, or failed once for this file */
	pid = keeper_start_writer(s->home, s->name, s->conf.pipe,
	    s->pipe_fd, &why);
	if (pid < 0) {
		server_trace(s, MSG_SRV_READER_KEEPER_FAILED, why.msg);
		s->keeper = -1;
		return;
	}
	s->keeper = pid;
}

/* The keeper of this tape file is not needed any more. */
static void
in_keeper_release(struct server *s)
{
	if (in_keeper_alive(s))
		kill((pid_t)s->keeper, SIGTERM);
	s->keeper = 0;
}

static int
in_start(struct server *s, struct errbuf *err)
{
	if (svr_check_pipe(s, err) < 0)
		return -1;
	if (in_load_state(s, err) < 0 || in_listen(s, err) < 0)
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
	server_trace(s, MSG_TS_WAIT_CONNECT);
	in_keeper_adopt(s);
	return 0;
}

/* Read pending inotify events; 1 if a reader closed the pipe. */
static int
in_reader_closed(struct server *s)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int closed = 0;

	if (s->ino_fd < 0)
		return 0;
	while (read(s->ino_fd, buf, sizeof(buf)) > 0)
		closed = 1;
	return closed;
}

/* Drop what was received but not written: the sender resends it. */
static void
in_link_lost(struct server *s)
{
	size_t keep = s->write_off > 0 ? 1 : 0;

	if (s->hello_done)
		s->disconnects++;
	server_disconnect(s);
	while (s->win_count > keep) {
		server_msg_free(svr_win_at(s, s->win_count - 1));
		s->win_count--;
	}
	server_set_state(s, SS_WAIT_INCOMING);
}

static void
in_pend_close(struct server *s)
{
	if (s->pend_sock >= 0)
		close(s->pend_sock);
	s->pend_sock = -1;
	s->pend_len = 0;
	s->connected = 1;
}

/*
 * A call that comes while a stream is up waits here: only a valid HELLO
 * of the same stream may replace the current connection (the sender
 * calling again after a cut this side has not noticed).  Anything else
 * is traced and closed, and the stream goes on undisturbed.
 */
static void
in_pend_read(struct server *s)
{
	static const uint8_t zero[HELLO_STREAM_LEN];
	struct frame_error e;
	struct frame f;
	struct hello h;
	size_t used;
	ssize_t n;

	n = recv(s->pend_sock, s->pend_buf + s->pend_len,
	    PEND_MAX - s->pend_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		in_pend_close(s);
		return;
	}
	s->pend_len += (size_t)n;
	switch (frame_decode(s->pend_buf, s->pend_len, &f, &used, &e)) {
	case FRAME_NEED_MORE:
		if (s->pend_len == PEND_MAX)
			in_pend_close(s);
		return;
	case FRAME_ERROR:
		svr_trace_decode(s, &e);
		in_pend_close(s);
		return;
	case FRAME_OK:
		break;
	}
	if (f.type != FT_HELLO || hello_decode(f.payload, f.len, &h, &e) < 0 ||
	    h.role != HELLO_ROLE_OUT) {
		server_trace(s, MSG_TS_UNKNOWN_CMD, frame_type_name(f.type));
		in_pend_close(s);
		return;
	}
	if (memcmp(s->stream, zero, sizeof(zero)) != 0 &&
	    memcmp(s->stream, h.stream, sizeof(s->stream)) != 0) {
		char mine[40], theirs[40];

		svr_stream_hex(s->stream, mine, sizeof(mine));
		svr_stream_hex(h.stream, theirs, sizeof(theirs));
		server_trace(s, MSG_SRV_STREAM_MISMATCH, mine, theirs);
		in_pend_close(s);
		return;
	}
	in_link_lost(s);
	s->sock = s->pend_sock;
	memcpy(s->rbuf, s->pend_buf, s->pend_len);
	s->rlen = s->pend_len;
	s->pend_sock = -1;
	s->pend_len = 0;
	s->connected = 1;
}

static void
in_refuse(struct server *s, const char *why)
{
	svr_send_error(s, why);
	in_link_lost(s);
}

static void
in_hello(struct server *s, const struct frame *f)
{
	static const uint8_t zero[HELLO_STREAM_LEN];
	char mine[40], theirs[40];
	uint8_t buf[FRAME_HELLO_MAX];
	struct frame_error e;
	struct errbuf e2;
	struct hello h, ack;
	size_t len;

	if (hello_decode(f->payload, f->len, &h, &e) < 0 ||
	    h.role != HELLO_ROLE_OUT) {
		svr_trace_decode(s, &e);
		in_refuse(s, "bad HELLO");
		return;
	}
	if (memcmp(s->stream, zero, sizeof(zero)) == 0) {
		/* Adopted for good before the sender hears of it. */
		memcpy(s->stream, h.stream, sizeof(s->stream));
		if (in_record_last(s) < 0)
			return;
		if (instate_sync(&s->st, &e2) < 0) {
			in_state_failed(s, &e2);
			return;
		}
	} else if (memcmp(s->stream, h.stream, sizeof(s->stream)) != 0) {
		svr_stream_hex(s->stream, mine, sizeof(mine));
		svr_stream_hex(h.stream, theirs, sizeof(theirs));
		server_trace(s, MSG_SRV_STREAM_MISMATCH, mine, theirs);
		in_refuse(s, "stream mismatch");
		return;
	}
	svr_clock_check(s, &h);
	/* HELLO_ACK's last lets the sender drop what it holds up to it. */
	if (in_durable(s) < 0)
		return;
	svr_hello(s, &ack, s->curmsg);
	if (hello_encode(&ack, buf, sizeof(buf), &len) < 0) {
		in_refuse(s, "internal error");
		return;
	}
	server_queue_frame(s, FT_HELLO_ACK, 0, 0, buf, (uint32_t)len);
	s->acked = s->curmsg;
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
	server_trace(s, MSG_TS_LOST_MSG, (unsigned long long)n);
	switch (s->conf.lost_policy) {
	case LOST_ACCEPT:
		server_trace(s, MSG_SRV_LOST_ACCEPTED,
		    (unsigned long long)expected, (unsigned long long)(n - 1));
		s->lost += n - expected;
		s->curmsg = n - 1;
		if (in_record_last(s) < 0)
			return -1;
		return 0;
	case LOST_REFUSE:
		server_trace(s, MSG_SRV_LOST_REFUSED,
		    (unsigned long long)expected, (unsigned long long)(n - 1));
		in_refuse(s, "messages lost: refused (lost=refuse)");
		return -1;
	default:
		s->sletter = 'E';
		server_notify(s, MSG_SA_IN_STOPPED_ERROR);
		server_trace(s, MSG_SRV_LOST_STOP,
		    (unsigned long long)expected, (unsigned long long)(n - 1));
		in_refuse(s, "messages lost: receiver stopped (lost=stop)");
		s->exit_code = 1;
		s->done = 1;
		return -1;
	}
}

/* DATA or EOF numbered n: queue it if it is the next one. */
static enum svr_verdict
in_data(struct server *s, const struct frame *f)
{
	uint64_t expected = s->curmsg + s->win_count + 1;
	struct msg *m;

	if (f->msgnum < expected) {
		server_trace(s, MSG_TS_SEQ_ERROR,
		    (unsigned long long)f->msgnum);
		in_ack(s, 1);
		return SVR_NEXT;
	}
	if (f->msgnum > expected) {
		/* Judged once what is held is written: curmsg moves then. */
		if (s->win_count > 0)
			return SVR_WAIT;
		if (in_gap(s, expected, f->msgnum) < 0)
			return SVR_DROP;
	}
	m = svr_win_push(s);
	m->n = f->msgnum;
	m->type = f->type;
	m->len = f->len;
	if (f->len > 0) {
		m->data = xmalloc(f->len);
		memcpy(m->data, f->payload, f->len);
	}
	if (s->resume_n != 0) {
		/* The write cut short at the last end: what the state says
		 * was written is not written again. */
		if (m->n == s->resume_n && s->win_count == 1)
			s->write_off = s->resume_off < m->len ?
			    (size_t)s->resume_off : m->len;
		s->resume_n = 0;
	}
	if (s->opts & OPT_V)
		server_trace(s, MSG_TS_NREAD, (size_t)f->len, "");
	return SVR_NEXT;
}

static enum svr_verdict
in_frame(struct server *s, const struct frame *fp)
{
	char n[24];

	/* A full window waits for the pipe before taking more. */
	if ((fp->type == FT_DATA || fp->type == FT_EOF) &&
	    s->win_count >= SRV_WINDOW)
		return SVR_WAIT;
	if (!s->hello_done && fp->type != FT_HELLO) {
		server_trace(s, MSG_TS_UNKNOWN_CMD,
		    frame_type_name(fp->type));
		in_refuse(s, "HELLO expected");
		return SVR_DROP;
	}
	switch (svr_common_frame(s, fp)) {
	case 1:
		return SVR_NEXT;
	case -1:
		in_link_lost(s);
		return SVR_DROP;
	}
	switch (fp->type) {
	case FT_HELLO:
		in_hello(s, fp);
		break;
	case FT_DATA:
	case FT_EOF:
		return in_data(s, fp);
	case FT_SYNC:
		if (s->win_count > 0 || fp->msgnum <= s->curmsg) {
			snprintf(n, sizeof(n), "%llu",
			    (unsigned long long)fp->msgnum);
			server_trace(s, MSG_TS_BAD_MSG_NUM, n);
			in_refuse(s, "SYNC would go backwards");
			return SVR_DROP;
		}
		server_trace(s, MSG_TS_RESYNC,
		    (unsigned long long)fp->msgnum);
		s->curmsg = fp->msgnum - 1;
		if (in_record_last(s) < 0)
			return SVR_DROP;
		in_ack(s, 1);
		break;
	case FT_SHUTDOWN:
		server_trace(s, MSG_TS_REMOTE_SHTDWN);
		server_request_stop(s);
		break;
	default:
		server_trace(s, MSG_TS_UNKNOWN_CMD,
		    frame_type_name(fp->type));
		in_refuse(s, "unexpected frame");
		return SVR_DROP;
	}
	return SVR_NEXT;
}

static void
in_frames(struct server *s)
{
	svr_frames(s, in_frame, in_link_lost);
}

static void
in_open_pipe(struct server *s)
{
	s->pipe_fd = open(s->conf.pipe,
	    O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (s->pipe_fd < 0) {
		/* No reader yet (ENXIO): try again shortly. */
		if (errno != ENXIO)
			server_trace(s, MSG_TS_POPEN_ERR, errno);
		ts_after(&s->next_pipe_try, PIPE_RETRY);
		server_set_state(s, SS_OPEN_PIPE);
		return;
	}
	(void)fcntl(s->pipe_fd, F_SETPIPE_SZ, 1024 * 1024);
	server_set_state(s, SS_READING_NETWORK);
	/* An empty tape file needs none: its end is what it shows. */
	if (s->win_count > 0 && svr_win_at(s, 0)->type != FT_EOF)
		in_keeper_start(s);
}

/*
 * The reader left in the middle of a tape file (a write failed with
 * EPIPE, or the pipe says no reader is left): like a tape drive, the
 * rest of that file is passed over.  The write end is closed at once,
 * here and by the keeper, so that what the reader left in the pipe is
 * discarded with it rather than read by the next reader.
 */
static void
in_reader_left(struct server *s)
{
	close(s->pipe_fd);
	s->pipe_fd = -1;
	in_keeper_release(s);
	s->skip_file = 1;
	server_trace(s, MSG_TS_BROKEN_PIPE);
}

/*
 * The tape mark: every write end is closed (ours, and the keeper's at
 * its SIGUSR1), so the reader sees end of file; the next tape file
 * waits until that reader has closed the pipe (in_reader_wait).
 */
static void
in_mark(struct server *s)
{
	in_reader_closed(s);	/* only closes from now on count */
	if (s->keeper > 0 && in_keeper_alive(s))
		kill((pid_t)s->keeper, SIGUSR1);
	else
		s->keeper = 0;
	if (s->pipe_fd >= 0 && close(s->pipe_fd) < 0)
		server_trace(s, MSG_TS_PEOF_ERR, errno);
	s->pipe_fd = -1;
	s->mark_resumed = 0;
	in_reader_wait_begin(s);
}

/*
 * Is the reader given the last tape mark gone?  The keeper stays until
 * it is; without a keeper, look at who has the pipe open, at each close
 * inotify reports and every READER_LOOK.  Traced once when a tape file
 * is held up, and again when it goes on.
 */
static void
in_reader_wait(struct server *s)
{
	struct timespec now;
	int closed = in_reader_closed(s);

	if (!closed && !ts_due(&s->keeper_check))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (s->keeper > 0) {
		ts_after(&s->keeper_check, KEEPER_LOOK);
		if (keeper_pid(s->home, s->name) != s->keeper)
			s->keeper = 0;
	} else
		ts_after(&s->keeper_check, READER_LOOK);
	if (s->keeper > 0 || (s->keeper <= 0 &&
	    keeper_reader_open(s->conf.pipe))) {
		if (s->eof_wait == 1 && s->win_count > 0 &&
		    ts_diff(&now, &s->eof_deadline) >= READER_TRACE) {
			server_trace(s, MSG_SRV_READER_WAIT,
			    (unsigned long long)s->curmsg);
			s->eof_wait = 2;
		}
		return;
	}
	if (s->eof_wait == 2)
		server_trace(s, MSG_SRV_READER_CLOSED,
		    ts_diff(&now, &s->eof_deadline));
	s->eof_wait = 0;
	s->keeper = 0;
}

/* Must the pipe be opened for what comes next? */
static int
in_need_pipe(struct server *s)
{
	struct msg *m;

	if (s->win_count == 0 || s->pipe_fd >= 0 || s->eof_wait ||
	    s->skip_file)
		return 0;
	m = svr_win_at(s, 0);
	/* A mark with a keeper to close, or one the last end delivered,
	 * needs no reader: an empty tape file does. */
	return m->type != FT_EOF || (s->keeper <= 0 && m->n != s->mark_resumed);
}

/*
 * Write queued blocks into the pipe; 1 if any message completed.
 *
 * Around each write the state file says where the stream stands:
 * "writing n" with the bytes of n written so far before the first byte
 * goes and after every partial write, "last n" once n is complete (in
 * the record that marks n + 1, or alone when nothing follows).  A kill
 * between a write() and its record is the only way a piece of n can
 * reach the reader twice, and the restart names n (in_load_state).
 */
static int
in_write_pipe(struct server *s)
{
	struct msg *m;
	ssize_t n;
	int progress = 0;

	while (s->win_count > 0 && !s->eof_wait && !s->done) {
		m = svr_win_at(s, 0);
		if (s->skip_file) {
			/* The reader left in the middle of this tape file:
			 * like a tape drive, the rest of it is passed over. */
			if (m->type == FT_EOF)
				s->skip_file = 0;
		} else if (m->type == FT_EOF ? in_need_pipe(s) :
		    s->pipe_fd < 0) {
			break;
		} else if (s->st.st.writing != m->n &&
		    in_record(s, m->n, s->write_off) < 0) {
			break;
		} else if (m->type == FT_EOF) {
			in_mark(s);
		} else {
			n = write(s->pipe_fd, m->data + s->write_off,
			    m->len - s->write_off);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				if (errno == EPIPE) {
					in_reader_left(s);
					continue;
				}
				server_trace(s, MSG_TS_PWRIT_ERR, errno);
				close(s->pipe_fd);
				s->pipe_fd = -1;
				ts_after(&s->next_pipe_try, PIPE_RETRY);
				break;
			}
			s->write_off += (size_t)n;
			if (s->write_off < m->len) {
				if (in_record(s, m->n, s->write_off) < 0)
					break;
				continue;
			}
			server_count_bytes(s, m->len);
			if (s->opts & OPT_V)
				server_trace(s, MSG_TS_PWRIT, (size_t)m->len,
				    "");
		}
		s->write_off = 0;
		s->curmsg = m->n;
		s->msgout++;
		svr_win_pop(s);
		progress = 1;
	}
	/* The last completion, if no later mark has recorded it. */
	if (progress && s->st.st.last != s->curmsg)
		in_record(s, 0, 0);
	return progress;
}

/*
 * When to acknowledge what was written.  sync=off: at once.  sync=on:
 * an fsync comes first, so writes are acknowledged in batches: when
 * half a window is waiting, or SRV_SYNC_EVERY after the first of them.
 */
static void
in_ack_due(struct server *s)
{
	if (s->sock < 0 || !s->hello_done || s->curmsg == s->acked) {
		s->ack_due.tv_sec = s->ack_due.tv_nsec = 0;
		return;
	}
	if (!s->conf.sync || s->curmsg - s->acked >= SRV_WINDOW / 2 ||
	    s->stopping || ts_due(&s->ack_due)) {
		in_ack(s, 0);
		return;
	}
	if (s->ack_due.tv_sec == 0)
		ts_after(&s->ack_due, SRV_SYNC_EVERY);
}

static void
in_pollfds(struct server *s, struct pollfd *pfd, int *n, int *timeout)
{
	if (!s->stopping) {
		pfd[*n].fd = s->listen_fd;
		pfd[(*n)++].events = POLLIN;
	}
	if (s->pend_sock >= 0) {
		pfd[*n].fd = s->pend_sock;
		pfd[(*n)++].events = POLLIN;
		server_wake(timeout, &s->pend_deadline);
	}
	if (s->sock >= 0) {
		pfd[*n].fd = s->sock;
		pfd[(*n)++].events = (s->rlen < SRV_RBUF && !s->stopping ?
		    POLLIN : 0) |
		    (s->out.len > s->out.off ? POLLOUT : 0);
	}
	if (s->pipe_fd >= 0) {
		/* Always: POLLERR says the reader left, written to or not. */
		pfd[*n].fd = s->pipe_fd;
		pfd[(*n)++].events = s->win_count > 0 && !s->eof_wait ?
		    POLLOUT : 0;
	}
	if (s->eof_wait) {
		/* The reader's close comes as an inotify event; the keeper
		 * is looked at every KEEPER_LOOK. */
		if (s->ino_fd >= 0) {
			pfd[*n].fd = s->ino_fd;
			pfd[(*n)++].events = POLLIN;
		}
		server_wake(timeout, &s->keeper_check);
	} else if (s->win_count > 0 && s->pipe_fd < 0) {
		if (s->next_pipe_try.tv_sec == 0)
			*timeout = 0;
		else
			server_wake(timeout, &s->next_pipe_try);
	}
	if (s->win_count > 0 && s->sock >= 0 && s->hello_done)
		server_wake(timeout, &s->busy_ack_at);
	if (s->ack_due.tv_sec != 0 && s->sock >= 0 && s->hello_done)
		server_wake(timeout, &s->ack_due);
}

static void
in_events(struct server *s, struct pollfd *pfd, int n)
{
	int i, fd;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == s->listen_fd && s->listen_fd >= 0) {
			fd = accept4(s->listen_fd, NULL, NULL,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno != EAGAIN && errno != EINTR)
					server_trace(s, MSG_TS_ACCEPT_ERR,
					    errno);
				continue;
			}
			server_trace(s, MSG_TS_CONNECT_ACCEPT);
			if (s->sock >= 0 && s->hello_done) {
				/* Proven by its HELLO before it replaces the
				 * stream: see in_pend_read. */
				in_pend_close(s);
				if (s->pend_buf == NULL)
					s->pend_buf = xmalloc(PEND_MAX);
				s->pend_sock = fd;
				ts_after(&s->pend_deadline, PEND_WAIT);
				continue;
			}
			if (s->sock >= 0)
				in_link_lost(s);
			s->sock = fd;
			s->connected = 1;
			s->rlen = 0;
		} else if (pfd[i].fd == s->pipe_fd && s->pipe_fd >= 0 &&
		    (pfd[i].revents & (POLLERR | POLLHUP))) {
			in_reader_left(s);
		} else if (pfd[i].fd == s->pend_sock && s->pend_sock >= 0) {
			in_pend_read(s);
		} else if (pfd[i].fd == s->sock && s->sock >= 0 &&
		    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (server_read_sock(s) < 0) {
				in_link_lost(s);
				continue;
			}
		}
	}
	if (s->pend_sock >= 0 && ts_due(&s->pend_deadline))
		in_pend_close(s);
	if (server_heartbeat(s) < 0)
		in_link_lost(s);
	if (s->sock >= 0)
		in_frames(s);
	/* Blocked on the pipe with messages held: an ACK of where it
	 * stands every hbint tells the sender the data path is fine
	 * (its ACK timeout is for data that went nowhere). */
	if (s->win_count > 0 && s->sock >= 0 && s->hello_done) {
		/* Armed when messages start to wait (zero is "not armed",
		 * never "due"), sent every hbint while they do. */
		if (s->busy_ack_at.tv_sec == 0 && s->busy_ack_at.tv_nsec == 0)
			ts_after(&s->busy_ack_at, s->conf.hb_interval);
		else if (ts_due(&s->busy_ack_at)) {
			server_queue_frame(s, FT_ACK, 0, s->acked, NULL, 0);
			ts_after(&s->busy_ack_at, s->conf.hb_interval);
		}
	} else
		memset(&s->busy_ack_at, 0, sizeof(s->busy_ack_at));
	if (s->eof_wait)
		in_reader_wait(s);
	if (in_need_pipe(s) && (s->next_pipe_try.tv_sec == 0 ||
	    ts_due(&s->next_pipe_try)))
		in_open_pipe(s);
	/* Acknowledge only what the pipe has taken, once recorded. */
	if (in_write_pipe(s) && s->sock >= 0 && s->rlen > 0)
		in_frames(s);	/* a frame may wait for the window */
	in_ack_due(s);
	if (s->sock >= 0 && server_flush(s) < 0)
		in_link_lost(s);
	/* Status: the reader's wait, while the stream is up. */
	if (s->eof_wait && s->sock >= 0 && s->hello_done)
		server_set_state(s, SS_WAIT_READER);
	else if (s->state == SS_WAIT_READER)
		server_set_state(s, s->sock >= 0 && s->hello_done ?
		    SS_READING_NETWORK : SS_WAIT_INCOMING);
}

static void
in_stop(struct server *s)
{
	struct errbuf why;
	uint64_t writing = 0;

	if (!server_stop_due(s) || s->st.fd < 0)
		return;
	/* A stop knows exactly what it wrote: the next start resumes a
	 * block cut short after those bytes, with no doubt to trace. */
	if (s->win_count > 0 && s->write_off > 0)
		writing = svr_win_at(s, 0)->n;
	if (in_record_flags(s, writing, writing ? s->write_off : 0,
	    INSTATE_EXACT) < 0)
		return;
	if (instate_sync(&s->st, &why) < 0) {
		in_state_failed(s, &why);
		return;
	}
	in_ack(s, 0);
	server_flush(s);
}

static void
in_query(struct server *s, struct control_conn *c)
{
	control_reply(c, "Connected: %s", s->hello_done ? "yes" : "no");
	control_reply(c, "Unwritten: %zu", s->win_count);
	control_reply(c, "Acknowledged: %llu", (unsigned long long)s->acked);
	control_reply(c, "Disconnections: %u", s->disconnects);
	control_reply(c, "Lost: %llu", (unsigned long long)s->lost);
	if (s->eof_wait) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		control_reply(c, "Reader wait: %.0f s since tape mark %llu",
		    ts_diff(&now, &s->eof_deadline),
		    (unsigned long long)s->curmsg);
	}
	if (s->keeper > 0)
		control_reply(c, "Keeper: %ld", s->keeper);
}

/* The receiver's pending messages: received, not yet written. */
static uint64_t
in_pending(const struct server *s, uint64_t *first, uint64_t *last)
{
	if (s->win_count == 0)
		return 0;
	*first = svr_win_at((struct server *)s, 0)->n;
	*last = svr_win_at((struct server *)s, s->win_count - 1)->n;
	return s->win_count;
}

static void
in_close(struct server *s)
{
	size_t k;

	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->pend_sock >= 0)
		close(s->pend_sock);
	free(s->pend_buf);
	instate_close(&s->st);
	for (k = 0; k < SRV_WINDOW; k++)
		server_msg_free(&s->win[k]);
}

const struct role role_receiver = {
	.name = "input",
	.type = "IN",
	.logtype = 'r',
	.sender = 0,
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
