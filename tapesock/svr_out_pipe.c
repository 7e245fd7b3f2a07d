/*
 * svr_out_pipe.c — the output server's side of the pipe: opening it
 * (again), the ends of tape files (a FIFO's writers through inotify and
 * /proc, a device's reads of end of file) and the tape marks they put
 * in the spool.  svr_out.c is the rest: the spool's reading and
 * sending, the link, the keeper, the stop.
 */
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "keeper.h"
#include "pipes.h"
#include "spool.h"
#include "svr_common.h"
#include "svr_out.h"

/* -1 with errno when open() failed (a refusal was traced: the end). */
int
out_open_pipe(struct server *s)
{
	struct sender *o = s->role_data;
	int fd;

	if ((fd = svr_open_pipe(s, O_RDONLY | O_NONBLOCK)) < 0) {
		s->pipe_fd = -1;
		return fd;
	}
	s->pipe_fd = fd;
	(void)fcntl(s->pipe_fd, F_SETPIPE_SZ, 1024 * 1024);
	o->saw_data = 0;
	server_trace(s, MSG_TS_OPEN_PIPE);	/* waits for a writer */
	return 0;
}

/*
 * The pipe opened again while the server runs (after a tape file, or
 * a failed open): a failure is said once and tried again on the
 * doubling delay of svr_pipe_fault, not at every turn.
 */
void
out_reopen(struct server *s)
{
	int rc;

	if ((rc = out_open_pipe(s)) == 0)
		svr_pipe_back(s, 0);
	else if (rc == -1)
		svr_pipe_fault(s, MSG_TS_POPEN_ERR, errno);
}

/* A character device, not a FIFO: its ends are its reads of 0. */
int
out_is_device(const struct server *s)
{
	return s->pipe_id.set && s->pipe_id.type == S_IFCHR;
}

/*
 * What inotify said since the last look.  Reading the queue until it is
 * empty is a point in time: whatever it gave was queued before, whatever
 * comes later was queued after.
 */
struct out_events {
	int	closes;		/* writers' closes (IN_CLOSE_WRITE) */
	int	opened;		/* an open after the last of those closes */
	int	lost;		/* the queue overflowed: anything may be */
};

static void
out_read_events(struct server *s, struct out_events *e)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n, off;

	while ((n = read(s->ino_fd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += (ssize_t)sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)(buf + off);
			if (ev->mask & IN_Q_OVERFLOW)
				e->lost = 1;
			if (ev->mask & IN_CLOSE_WRITE) {
				e->closes++;
				e->opened = 0;
			} else if (ev->mask & IN_OPEN)
				e->opened = 1;
		}
}

/* Closes of writers that end no tape file: their files go on as one. */
static void
out_merged(struct server *s, int closes)
{
	struct sender *o = s->role_data;

	if (closes <= 0)
		return;
	o->merged += (uint64_t)closes;
	server_trace(s, MSG_SRV_MARK_MERGED, closes,
	    (unsigned long long)o->pipe_bytes);
}

/*
 * A FIFO keeps no trace of where one writer stopped and the next began,
 * and the kernel queues IN_MODIFY only once a write has put its bytes
 * in the pipe: "nobody wrote since the close" cannot be seen.  What can
 * be: IN_OPEN is queued inside open(), before the opener has a
 * descriptor to write with; IN_CLOSE_WRITE at the last close of a
 * writer's file, after its last write.  So, after a writer's close C
 * (the last one the queue gave):
 *
 *   1. Note the last pid given, then W: what waits in the pipe
 *      (FIONREAD), at time T.
 *   2. Read the queue empty: an open after C is a writer that may have
 *      written before T, and cannot be told from one that did not: no
 *      mark.  A later close: it is the new C, from 1.
 *   3. No process forked before 1 has the pipe open for writing
 *      (/proc): one that opened before C and is still open would
 *      straddle T.  Processes forked after 1 opened after C was read:
 *      their opens are in 2 (no mark) or after it, after T.
 *   4. Read the queue empty again: a writer that closed during 3 was
 *      open at T: no mark, and its close is the new C.  Opens now are
 *      after T: their writers' bytes are all after the mark.
 *
 * A writer with bytes in W had a descriptor before T: either it closed
 * before T (a close after C, 2: its bytes are on the same side as the
 * last close's), or it is open after T, and its open was after C (2) or
 * before C (3, or its close in 4).  Only when none is left is the end
 * of the tape file exactly what we read plus W.  Otherwise the files go
 * on as one (out_merged): two tape files merge, a mark is never inside
 * a writer's data.  Blind spots: writers that opened before C in
 * processes /proc does not show us (other users, unless we are root);
 * a descriptor handed at that moment to a new process by one that then
 * drops it.  The look at /proc is once per tape file.
 */
static void
out_marks_from(struct server *s, struct out_events e)
{
	struct sender *o = s->role_data;
	struct out_events after;
	struct keeper_epoch epoch;
	int waiting = 0, tries;
	uint64_t at;

	if (e.closes == 0 && !e.lost)
		return;		/* opens alone: see the next close */
	for (tries = 0; e.closes > 0 || e.lost; tries++) {
		if (e.lost || e.opened || s->pipe_fd < 0 || tries == 4 ||
		    o->nmarks == ARRAY_LEN(o->marks))
			break;
		keeper_epoch_now(&epoch);
		if (ioctl(s->pipe_fd, FIONREAD, &waiting) < 0)
			break;
		memset(&after, 0, sizeof(after));
		out_read_events(s, &after);
		if (after.closes == 0 && !after.lost) {
			if (after.opened ||
			    keeper_writers_before(s->conf.pipe, &epoch) > 0)
				break;
			out_read_events(s, &after);
		}
		if (after.closes > 0 || after.lost) {
			/* The file of the close we had goes on. */
			out_merged(s, e.closes);
			e = after;
			continue;
		}
		/* Closes before the last one end files we cannot tell. */
		out_merged(s, e.closes - 1);
		at = o->pipe_bytes + (uint64_t)waiting;
		if (o->nmarks > 0 ? at > o->marks[o->nmarks - 1] :
		    at > o->pipe_bytes || !o->eof_at_pos)
			o->marks[o->nmarks++] = at;
		return;
	}
	out_merged(s, e.closes > 0 ? e.closes : 1);
}

void
out_marks(struct server *s)
{
	struct out_events e = { 0 };

	if (s->ino_fd < 0)
		return;
	out_read_events(s, &e);
	out_marks_from(s, e);
}

/*
 * The pipe gave end of file, and its mark is spooled (pushed: here):
 * no writer was left and nothing waited, so every writer's close
 * queued until then ends a file before this mark, every later writer
 * opens after it.  Which events are which, the queue does not say: if
 * the pipe still has no writer and nothing waits after we read it, the
 * events were all before, and the pipe is opened again (a new open
 * reports no hang-up until a writer comes: no loop on POLLHUP).  Our
 * own open is no writer's; a close that comes with it is a writer of
 * that moment, whose file we cannot mark.  If a writer came, its close
 * may be among them: they are looked at as any others (out_marks_from).
 */
void
out_pipe_ended(struct server *s, int pushed)
{
	struct sender *o = s->role_data;
	struct out_events e = { 0 };
	struct pollfd pfd;

	if (s->ino_fd >= 0)
		out_read_events(s, &e);
	pfd.fd = s->pipe_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) < 0 ||
	    (pfd.revents & (POLLHUP | POLLIN)) != POLLHUP) {
		out_marks_from(s, e);
		return;
	}
	/* More than one close: files that ended before this mark, as one. */
	if (pushed)
		out_merged(s, e.lost ? 1 : e.closes - 1);
	close(s->pipe_fd);
	out_reopen(s);
	o->eof_at_pos = 0;
	if (s->ino_fd >= 0) {
		memset(&e, 0, sizeof(e));
		out_read_events(s, &e);
		out_merged(s, e.lost ? 1 : e.closes);
	}
}

/* Spool a tape mark at the current position, once per position. */
int
out_push_eof(struct server *s)
{
	struct sender *o = s->role_data;
	struct errbuf why;

	if (spool_mark(o->spool, &why) < 0) {
		out_spool_failed(s, &why);
		return -1;
	}
	out_count(s);
	s->msgin++;
	o->eof_at_pos = 1;
	o->last_mark = s->curmsg;
	return 0;
}

/*
 * A character device gave end of file (a floppy read to its end,
 * /dev/null at once): one tape mark for it, none if one was just sent
 * here, and one trace.  It would give the same at every read, as fast
 * as we ask: it is read again after SRV_DEV_RETRY_MIN s, then twice as
 * long each time up to SRV_PIPE_RETRY_MAX, and what it gives then (the
 * next file of a tape, a new medium) is sent as any data.
 */
void
out_device_end(struct server *s)
{
	struct sender *o = s->role_data;

	if (o->dev_end) {
		o->dev_delay = o->dev_delay * 2 > SRV_PIPE_RETRY_MAX ?
		    SRV_PIPE_RETRY_MAX : o->dev_delay * 2;
	} else {
		if (!o->eof_at_pos && !s->done && out_push_eof(s) < 0)
			return;
		server_trace(s, MSG_SRV_DEVICE_END, s->conf.pipe,
		    (unsigned long long)o->pipe_bytes);
		o->dev_end = 1;
		o->dev_delay = SRV_DEV_RETRY_MIN;
	}
	ts_after(&o->dev_retry, o->dev_delay);
}

/* Send the marks the reading has reached. */
void
out_pop_marks(struct server *s)
{
	struct sender *o = s->role_data;

	while (o->nmarks > 0 && o->marks[0] <= o->pipe_bytes && !s->done) {
		if (out_push_eof(s) < 0)
			return;
		memmove(o->marks, o->marks + 1,
		    --o->nmarks * sizeof(o->marks[0]));
	}
}
