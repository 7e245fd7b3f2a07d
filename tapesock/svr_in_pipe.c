/*
 * svr_in_pipe.c — the receiver's side of the pipe: the crash-safe
 * record of what was written (instate.h), writing the window into the
 * pipe in order, tape marks, the reader (who has the pipe open, when it
 * closes or leaves) and the keeper that holds the pipe across restarts.
 * svr_in.c is the network side: calls, HELLO, frames, acknowledgements.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

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
#include "txagent.h"

#define PIPE_RETRY	0.1	/* seconds between opens while no reader */
#define KEEPER_LOOK	0.05	/* seconds between looks: keeper gone? */
#define READER_LOOK	1.0	/* seconds between looks without keeper */
#define READER_TRACE	1.0	/* seconds a held file waits untraced */

void
in_state_failed(struct server *s, const struct errbuf *why)
{
	struct receiver *r = s->role_data;

	if (r->st.fd < 0)
		return;
	instate_close(&r->st);	/* nothing more is recorded */
	s->sletter = 'E';
	server_notify(s, MSG_SA_IN_STOPPED_ERROR);
	server_trace(s, MSG_SRV_STATE_WRITE_ERR, s->state_path, why->msg);
	server_link_drop(s);
	s->exit_code = 1;
	s->done = 1;
}

/*
 * Record where the stream stands: the last message written, and the
 * one under way with the bytes of it written.  One pwrite, no fsync:
 * enough against a crash of the process (see instate.h).
 */
int
in_record_flags(struct server *s, uint64_t writing, uint64_t done,
    unsigned flags)
{
	struct receiver *r = s->role_data;
	struct instate st;
	struct errbuf why;

	if (r->st.fd < 0)
		return -1;
	memset(&st, 0, sizeof(st));
	memcpy(st.stream, s->stream, sizeof(st.stream));
	st.last = s->curmsg;
	st.writing = writing;
	st.done = done;
	st.lost = r->lost;
	st.flags = flags;
	if (instate_write(&r->st, &st, &why) < 0) {
		in_state_failed(s, &why);
		return -1;
	}
	return 0;
}

int
in_record(struct server *s, uint64_t writing, uint64_t done)
{
	return in_record_flags(s, writing, done, 0);
}

/* Record the current position unless the last record says it already. */
int
in_record_last(struct server *s)
{
	struct receiver *r = s->role_data;

	if (r->st.st.last == s->curmsg && r->st.st.writing == 0 &&
	    r->st.st.lost == r->lost &&
	    memcmp(r->st.st.stream, s->stream, sizeof(s->stream)) == 0)
		return 0;
	return in_record(s, 0, 0);
}

/* sync=on: what is reported to the peer must be on disk first. */
int
in_durable(struct server *s)
{
	struct receiver *r = s->role_data;
	struct errbuf why;

	if (!s->conf.sync)
		return 0;
	if (instate_sync(&r->st, &why) < 0) {
		in_state_failed(s, &why);
		return -1;
	}
	return 0;
}

/* The wait for the reader to close after a tape mark begins. */
void
in_reader_wait_begin(struct server *s)
{
	struct receiver *r = s->role_data;

	r->eof_wait = 1;
	clock_gettime(CLOCK_MONOTONIC, &r->eof_deadline);
	r->keeper_check = r->eof_deadline;	/* look at once */
}

/* s->keeper is still the live keeper of this server. */
int
in_keeper_alive(struct server *s)
{
	struct receiver *r = s->role_data;

	return r->keeper > 0 && keeper_pid(s->home, s->name) == r->keeper;
}

/*
 * A keeper left by the last run: holding the write end (a tape file
 * under way, which goes on into the same reader), or not (it was given
 * the tape mark and waits for the reader to close).
 */
void
in_keeper_adopt(struct server *s)
{
	struct receiver *r = s->role_data;
	long pid = keeper_pid(s->home, s->name);

	if (pid <= 0)
		return;
	r->keeper = pid;
	if (keeper_holds(pid, s->conf.pipe)) {
		server_trace(s, MSG_SRV_READER_KEEPER_HELD, pid);
		return;
	}
	in_reader_wait_begin(s);
	r->eof_wait = 2;
	/* Who had the pipe at that mark is not known: any reader counts. */
	r->given.any = 1;
	r->given.n = 0;
	server_trace(s, MSG_SRV_READER_WAIT, (unsigned long long)
	    (r->st.st.writing != 0 ? r->st.st.writing : s->curmsg));
}

/*
 * Have a keeper hold the write end just opened, for this tape file.
 * Its report is collected in the loop (in_keeper_events); meanwhile
 * the file's blocks are written (the keeper has the write end from the
 * fork on), and only its tape mark waits (in_keeper_starting).
 */
void
in_keeper_start(struct server *s)
{
	struct receiver *r = s->role_data;
	struct errbuf why;

	if (r->keeper != 0 || keeper_booting(&r->kboot))
		return;	/* adopted, under way, or failed once for this file */
	/* A device has no reader to show an end of file to: no keeper. */
	if (s->no_keeper || s->pipe_id.type != S_IFIFO) {
		r->keeper = -1;	/* as if it failed, untraced */
		return;
	}
	if (keeper_start_writer(s->home, s->name, s->conf.pipe, s->pipe_fd,
	    &r->kboot, &why) < 0) {
		server_trace(s, MSG_SRV_READER_KEEPER_FAILED, why.msg);
		r->keeper = -1;
	}
}

/*
 * A keeper is on its way: the tape mark waits for its report.  Until it
 * has its pid file and its handler it cannot be told the mark, yet it
 * holds a copy of the write end: closing ours would not end the file.
 */
int
in_keeper_starting(struct server *s)
{
	struct receiver *r = s->role_data;

	return keeper_booting(&r->kboot);
}

/* The keeper's report, when poll() says it came or its time is up. */
void
in_keeper_events(struct server *s, const struct pollfd *pfd, int n)
{
	struct receiver *r = s->role_data;
	struct errbuf why;
	long pid;

	if ((pid = svr_keeper_events(&r->kboot, s->conf.pipe, pfd, n,
	    &why)) == 0)
		return;
	if (pid < 0) {
		/* Gone: the file goes on, and ends, without a keeper. */
		server_trace(s, MSG_SRV_READER_KEEPER_FAILED, why.msg);
		r->keeper = -1;
		return;
	}
	r->keeper = pid;
}

/*
 * The keeper of this tape file is not needed any more.  One still
 * starting is killed, unless it has reported: then it is told like any.
 */
void
in_keeper_release(struct server *s)
{
	struct receiver *r = s->role_data;
	long pid;

	if ((pid = keeper_boot_abandon(&r->kboot, 1)) > 0)
		r->keeper = pid;
	if (in_keeper_alive(s))
		kill((pid_t)r->keeper, SIGTERM);
	r->keeper = 0;
}

/* Read pending inotify events; 1 if a reader closed the pipe. */
int
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

void
in_open_pipe(struct server *s)
{
	struct receiver *r = s->role_data;

	s->pipe_fd = svr_open_pipe(s, O_WRONLY | O_NONBLOCK);
	if (s->pipe_fd < 0) {
		/*
		 * No reader yet (ENXIO): the pipe is there, try again
		 * shortly ("Open pipe" once a wait, not at every try).
		 * Another error: said once, tried again less and less
		 * often (svr_pipe_fault).  Refused: traced, and the
		 * server stops.
		 */
		if (s->pipe_fd == -1 && errno == ENXIO) {
			svr_pipe_back(s, 0);
			ts_after(&r->next_pipe_try, PIPE_RETRY);
			if (!r->open_traced) {
				server_trace(s, MSG_TS_OPEN_PIPE);
				r->open_traced = 1;
			}
		} else if (s->pipe_fd == -1) {
			svr_pipe_fault(s, MSG_TS_POPEN_ERR, errno);
			r->next_pipe_try = s->perr.retry;
		}
		s->pipe_fd = -1;
		server_set_state(s, SS_OPEN_PIPE);
		return;
	}
	svr_pipe_back(s, 0);
	(void)fcntl(s->pipe_fd, F_SETPIPE_SZ, 1024 * 1024);
	r->open_traced = 0;
	server_set_state(s, SS_READING_NETWORK);
	/* An empty tape file needs none: its end is what it shows. */
	if (r->win_count > 0 && win_at(r, 0)->type != FT_EOF)
		in_keeper_start(s);
}

/*
 * The reader left in the middle of a tape file (a write failed with
 * EPIPE, or the pipe says no reader is left): like a tape drive, the
 * rest of that file is passed over.  The write end is closed at once,
 * here and by the keeper, so that what the reader left in the pipe is
 * discarded with it rather than read by the next reader.
 */
void
in_reader_left(struct server *s)
{
	struct receiver *r = s->role_data;

	close(s->pipe_fd);
	s->pipe_fd = -1;
	in_keeper_release(s);
	/* Not the transaction restore's stream: one long tape file of
	 * records its next run takes up again (it knows what it applied). */
	r->skip_file = !txagent_on(s);
	/* A block the pipe had taken part of: its rest goes with the
	 * rest of the tape file (or, for the restore, to its next run). */
	if (r->skip_file && r->win_count > 0 && r->write_off > 0)
		server_trace(s, MSG_TS_PWRIT_TRUNC,
		    (size_t)win_at(r, 0)->len);
	server_trace(s, MSG_TS_BROKEN_PIPE);
}

/*
 * The tape mark: every write end is closed (ours, and the keeper's at
 * its SIGUSR1), so the reader sees end of file; the next tape file
 * waits until that reader has closed the pipe (in_reader_wait).  A
 * reader that opens the pipe after the mark is not waited for.
 */
void
in_mark(struct server *s)
{
	struct receiver *r = s->role_data;

	in_reader_closed(s);	/* only closes from now on count */
	/* Those who read now are given the mark: they are waited for, a
	 * reader that opens the pipe after it is not. */
	keeper_readers_now(s->conf.pipe, &r->given);
	if (r->keeper > 0 && in_keeper_alive(s))
		kill((pid_t)r->keeper, SIGUSR1);
	else
		r->keeper = 0;
	if (s->pipe_fd >= 0 && close(s->pipe_fd) < 0)
		server_trace(s, MSG_TS_PEOF_ERR, errno);
	s->pipe_fd = -1;
	r->mark_resumed = 0;
	in_reader_wait_begin(s);
}

/*
 * Are the readers given the last tape mark gone (r->given: those that
 * had the pipe open then)?  The keeper stays until they are; without a
 * keeper, look at who has the pipe open, at each close
 * inotify reports and every READER_LOOK.  Traced once when a tape file
 * is held up, and again when it goes on.
 */
void
in_reader_wait(struct server *s)
{
	struct receiver *r = s->role_data;
	struct timespec now;
	int closed = in_reader_closed(s);

	if (!closed && !ts_due(&r->keeper_check))
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (r->keeper > 0) {
		ts_after(&r->keeper_check, KEEPER_LOOK);
		if (keeper_pid(s->home, s->name) != r->keeper)
			r->keeper = 0;
	} else
		ts_after(&r->keeper_check, READER_LOOK);
	if (r->keeper > 0 || (r->keeper <= 0 &&
	    keeper_readers_open(s->conf.pipe, &r->given))) {
		if (r->eof_wait == 1 && r->win_count > 0 &&
		    ts_diff(&now, &r->eof_deadline) >= READER_TRACE) {
			server_trace(s, MSG_SRV_READER_WAIT,
			    (unsigned long long)s->curmsg);
			r->eof_wait = 2;
		}
		return;
	}
	if (r->eof_wait == 2)
		server_trace(s, MSG_SRV_READER_CLOSED,
		    ts_diff(&now, &r->eof_deadline));
	r->eof_wait = 0;
	r->keeper = 0;
}

/* Must the pipe be opened for what comes next? */
int
in_need_pipe(struct server *s)
{
	struct receiver *r = s->role_data;
	struct rmsg *m;

	if (r->win_count == 0 || s->pipe_fd >= 0 || r->eof_wait ||
	    r->skip_file)
		return 0;
	m = win_at(r, 0);
	/* A mark with a keeper to close, or one the last end delivered,
	 * needs no reader: an empty tape file does. */
	return m->type != FT_EOF || (r->keeper <= 0 && m->n != r->mark_resumed);
}

/*
 * Write queued blocks into the pipe; 1 if any message completed.
 *
 * Around each write the state file says where the stream stands:
 * "writing n" with the bytes of n written so far before the first byte
 * goes and after every partial write, "last n" once n is complete (in
 * the record that marks n + 1, or alone when nothing follows: the
 * caller's in_record_done, before it returns to poll).  A kill between
 * a write() and its record is the only way a piece of n can reach the
 * reader twice, and the restart names n (in_load_state).
 */
static int
in_write_window(struct server *s)
{
	struct receiver *r = s->role_data;
	struct rmsg *m;
	ssize_t n;
	int progress = 0;

	while (r->win_count > 0 && !r->eof_wait && !s->done) {
		m = win_at(r, 0);
		if (r->skip_file) {
			/* The reader left in the middle of this tape file:
			 * like a tape drive, the rest of it is passed over. */
			if (m->type == FT_EOF)
				r->skip_file = 0;
		} else if (m->type == FT_EOF ? in_need_pipe(s) ||
		    in_keeper_starting(s) : s->pipe_fd < 0) {
			break;
		} else if (r->st.st.writing != m->n &&
		    in_record(s, m->n, r->write_off) < 0) {
			break;
		} else if (m->type == FT_EOF) {
			in_mark(s);
		} else {
			n = write(s->pipe_fd, rmsg_bytes(m) + r->write_off,
			    m->len - r->write_off);
			if (n < 0) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				if (errno == EPIPE) {
					in_reader_left(s);
					continue;
				}
				svr_pipe_fault(s, MSG_TS_PWRIT_ERR, errno);
				close(s->pipe_fd);
				s->pipe_fd = -1;
				r->next_pipe_try = s->perr.retry;
				break;
			}
			svr_pipe_back(s, 1);
			r->write_off += (size_t)n;
			if (r->write_off < m->len) {
				if (in_record(s, m->n, r->write_off) < 0)
					break;
				continue;
			}
			server_count_bytes(s, m->len);
			server_trace_block(s, MSG_TS_PWRIT, m->len,
			    rmsg_bytes(m), m->len);
		}
		r->write_off = 0;
		s->curmsg = m->n;
		s->msgout++;
		win_pop(r);
		progress = 1;
	}
	return progress;
}

/*
 * "last n" alone, for the last message completed, if no later record
 * has said it: after a batch of writes, before an ACK of n, and before
 * the loop sleeps, so that a kill can repeat no completed message.
 */
int
in_record_done(struct server *s)
{
	struct receiver *r = s->role_data;

	if (r->st.fd < 0 || r->st.st.last == s->curmsg)
		return 0;
	return in_record(s, 0, 0);
}

int
in_write_pipe(struct server *s)
{
	int progress = in_write_window(s);

	in_record_done(s);
	return progress;
}

/*
 * m, just pushed into an empty window, is the next to write: written
 * straight from bytes (the frame in the receive buffer), with the
 * state records of in_write_window.  Only what the pipe did not take
 * (it was full, or took a part) is copied into the window's ring.
 *
 * Its "last n" is left to the caller's in_record_done, once the frames
 * at hand are through: if the next frame is written straight too, its
 * "writing n + 1" record says "last n" as well, one record a message
 * instead of two.  Nothing is written between n's write() and the
 * record that says it complete (any message after n is written only
 * after its own "writing" record), so a kill still repeats at most the
 * message whose write was under way, and the restart names it.  The
 * ACK of n waits for that record (in_ack).
 */
void
in_write_direct(struct server *s, struct rmsg *m, const uint8_t *bytes)
{
	struct receiver *r = s->role_data;

	m->ext = bytes;
	(void)in_write_window(s);
	/* Still set: m is the head of the window, not (wholly) written. */
	if (m->ext != NULL) {
		rmsg_room(r, m);
		memcpy(m->data + r->write_off, bytes + r->write_off,
		    m->len - r->write_off);
		m->ext = NULL;
	}
}
