/*
 * svr_out.c — the output server: take blocks from the pipe into the
 * durable spool (spool.h), number them, send them, keep each until the
 * input server acknowledges it, call again after any break and resume
 * where the receiver stands.  A keeper (keeper.h) holds the pipe open
 * while the server is down.  The pipe's opening and the ends of its
 * tape files are svr_out_pipe.c's.
 */
#include <sys/inotify.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/stdlib.h>

#include "catalog.h"
#include "srvconf.h"
#include "home.h"
#include "keeper.h"
#include "pipes.h"
#include "spool.h"
#include "svr_common.h"
#include "svr_out.h"
#include "txagent.h"

static void
out_save(struct server *s)
{
	char hex[2 * HELLO_STREAM_LEN + 1], text[128];

	svr_stream_hex(s->stream, hex, sizeof(hex));
	snprintf(text, sizeof(text), "stream %s\nnext %llu\n", hex,
	    (unsigned long long)s->curmsg + 1);
	/* The spool is the record of where the stream stands; this file
	 * keeps its identity, and its number for when the spool is gone. */
	server_state_save(s, text);
}


/* Unacknowledged messages: what a stop waits for. */
void
out_count(struct server *s)
{
	struct sender *o = s->role_data;

	s->curmsg = o->spool->next - 1;
}

void
out_spool_failed(struct server *s, const struct errbuf *why)
{
	server_trace(s, MSG_SPL_ERROR, why->msg);
	s->sletter = 'E';
	s->exit_code = 1;
	s->done = 1;
}

static int
out_open_spool(struct server *s, uint64_t next, struct errbuf *err)
{
	struct sender *o = s->role_data;
	struct spool_report rep;
	char *dir;
	int rc;

	dir = xasprintf("%s/%s.spool", s->home, s->name);
	o->spool = xcalloc(1, sizeof(*o->spool));
	rc = spool_open(o->spool, dir, s->stream, next, s->conf.spoolmax,
	    s->conf.sync, &rep, err);
	free(dir);
	if (rc < 0) {
		server_trace(s, MSG_SPL_ERROR, err->msg);
		free(o->spool);
		o->spool = NULL;
		return -1;
	}
	if (rep.recovered_msg != 0)
		server_trace(s, MSG_SPL_RECOVERED,
		    (unsigned long long)rep.recovered_msg,
		    (unsigned long long)rep.recovered_len);
	if (rep.lost_msg != 0) {
		server_trace(s, MSG_SPL_TAIL_LOST,
		    (unsigned long long)rep.lost_msg,
		    (unsigned long long)rep.lost_bytes);
		o->lost_from = rep.lost_msg;
	}
	s->acked = o->spool->first - 1;
	o->send_next = o->spool->first;
	out_count(s);
	return 0;
}

/* A keeper's start that failed: said once, until one holds the pipe. */
static void
out_keeper_failed(struct server *s, const struct errbuf *why)
{
	struct sender *o = s->role_data;

	if (o->keeper >= 0)
		server_trace(s, MSG_SPL_KEEPER_FAILED, why->msg);
	o->keeper = -1;
}

/*
 * Have a keeper hold the pipe; start one if there is none.  Its report
 * is collected in the loop (out_keeper_events): nothing waits for it.
 */
static void
out_keeper(struct server *s)
{
	struct sender *o = s->role_data;
	struct errbuf why;
	long pid;

	ts_after(&o->keeper_check, 5);
	/* A device has no writer to keep from EPIPE, and one that opens
	 * once (a tape drive) would refuse us while a keeper held it. */
	if (s->no_keeper || keeper_booting(&o->kboot) || out_is_device(s))
		return;
	if ((pid = keeper_pid(s->home, s->name)) > 0) {
		o->keeper = pid;
		return;
	}
	if (keeper_start(s->home, s->name, s->conf.pipe, &o->kboot,
	    &why) < 0)
		out_keeper_failed(s, &why);
}

/* The keeper's report, when poll() says it came or its time is up. */
static void
out_keeper_events(struct server *s, const struct pollfd *pfd, int n)
{
	struct sender *o = s->role_data;
	struct errbuf why;
	long pid;

	if ((pid = svr_keeper_events(&o->kboot, s->conf.pipe, pfd, n,
	    &why)) == 0)
		return;
	if (pid < 0) {
		out_keeper_failed(s, &why);
		return;
	}
	o->keeper = pid;
	server_trace(s, MSG_SPL_KEEPER, pid);
}

static void
out_close(struct server *s)
{
	struct sender *o = s->role_data;

	if (o == NULL)
		return;
	/* Left to come up: it holds the pipe while we are down. */
	(void)keeper_boot_abandon(&o->kboot, 0);
	if (o->spool != NULL) {
		spool_close(o->spool);
		free(o->spool);
	}
	free(o);
	s->role_data = NULL;
}

static int
out_start(struct server *s, struct errbuf *err)
{
	struct sender *o = s->role_data = xcalloc(1, sizeof(*o));
	char *state, val[64], *backup;
	struct errbuf why;
	uint64_t next = 1, bytes;
	int rc, saved, unheld;

	keeper_boot_init(&o->kboot);

	if (s->conf.host == NULL) {
		msg_format(err->msg, sizeof(err->msg),
		    MSG_CLI_SERVER_INCOMPLETE, s->name, "host", s->name, "host");
		return -1;
	}
	if (svr_check_pipe(s, err) < 0)
		return -1;
	if ((state = server_state_load(s)) != NULL) {
		if (svr_state_get(state, "stream", val, sizeof(val)) == 0)
			svr_stream_parse(val, s->stream);
		if (svr_state_get(state, "next", val, sizeof(val)) == 0)
			parse_u64(val, FRAME_MSGNUM_MAX, &next);
		free(state);
	}
	{
		static const uint8_t zero[HELLO_STREAM_LEN];

		if (memcmp(s->stream, zero, sizeof(zero)) == 0)
			arc4random_buf(s->stream, sizeof(s->stream));
	}
	if (out_open_spool(s, next, err) < 0)
		return -1;
	out_save(s);
	if ((o->keeper = keeper_pid(s->home, s->name)) > 0)
		server_trace(s, MSG_SPL_KEEPER_HELD, o->keeper);
	/*
	 * Nothing can wait in a FIFO nobody holds open: a writer blocked
	 * in its open() has no descriptor yet, and what it writes once
	 * our open lets it go is the stream's, not a leftover.  Looked at
	 * before that open, which would count as a holder.
	 */
	unheld = pipe_unheld(s->conf.pipe);
	/*
	 * Our read end is open before the drain and stays open after it:
	 * a writer let go by this open never finds the pipe without a
	 * reader (SIGPIPE) between a drain's close and our open.
	 */
	if ((rc = out_open_pipe(s)) < 0) {
		saved = errno;		/* EPERM: refused, and traced */
		if (rc == -1)
			server_trace(s, MSG_TS_POPEN_ERR, saved);
		msg_format(err->msg, sizeof(err->msg), MSG_TS_POPEN_ERR, saved);
		out_close(s);
		return -1;
	}
	/*
	 * What waits in the pipe at that open is set aside, unless (C --
	 * or unless the keeper held the pipe since the last run: then it
	 * is this stream's data, written while the server was down.  The
	 * cut is that instant: what waited then is drained and saved,
	 * through this very descriptor; whatever comes after is read and
	 * sent.  A device may never end: only a FIFO is drained.
	 */
	if (o->keeper <= 0 && !(s->opts & OPT_C) && !out_is_device(s) &&
	    !txagent_on(s)) {
		backup = home_path(s->home, BACKUP_FILE);
		server_trace(s, MSG_TS_CLEAR_PIPE);
		if (pipe_drain_fd(unheld ? -1 : s->pipe_fd, s->conf.pipe,
		    backup, &bytes, &why) < 0)
			server_trace(s, MSG_TS_PCLEAR_ERR, errno);
		free(backup);
	}
	out_keeper(s);
	/*
	 * The writers' opens and closes mark the ends of tape files (see
	 * out_marks); not their writes, which would wake us at each one.
	 * Not on a device: who else opens /dev/null says nothing of it.
	 */
	if (!out_is_device(s))
		s->ino_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (s->ino_fd >= 0 && inotify_add_watch(s->ino_fd,
	    s->conf.pipe, IN_OPEN | IN_CLOSE_WRITE) < 0) {
		close(s->ino_fd);
		s->ino_fd = -1;
	}
	server_set_state(s, SS_WAIT_1ST_CALL);
	return 0;
}


static void
out_send_hello(struct server *s)
{
	uint8_t buf[FRAME_HELLO_MAX];
	struct hello h;
	size_t len;

	svr_hello(s, &h, s->acked + 1);
	if (hello_encode(&h, buf, sizeof(buf), &len) == 0)
		server_queue_frame(s, FT_HELLO, 0, 0, buf, (uint32_t)len);
}

/*
 * The receiver's last written message is L; we hold from acked + 1 on
 * and numbered up to curmsg.  Resume only where nothing is lost and
 * nothing repeats (doc/PROTOCOL.md, "Resume"); 0 streaming may go on.
 */
static int
out_resume(struct server *s, uint64_t last)
{
	struct sender *o = s->role_data;
	struct errbuf why;
	char n[24];

	if (last + 1 < s->acked + 1 && o->resync_req) {
		/* The operator moves the receiver on to what we hold. */
		server_trace(s, MSG_TS_SEND_RESYNC);
		server_queue_frame(s, FT_SYNC, s->acked + 1, 0, NULL, 0);
		o->resync_req = 0;
		last = s->acked;
	} else if (last > s->curmsg && o->lost_from != 0 &&
	    last + 1 >= o->lost_from) {
		/* What the crash cut off had been delivered: go on after. */
		server_trace(s, MSG_SPL_AHEAD, (unsigned long long)last);
		if (spool_skip(o->spool, last + 1, &why) < 0) {
			out_spool_failed(s, &why);
			return -1;
		}
		o->lost_from = 0;
		out_count(s);
	}
	if (last < s->acked || last > s->curmsg) {
		snprintf(n, sizeof(n), "%llu", (unsigned long long)last);
		server_trace(s, MSG_TS_BAD_MSG_NUM, n);
		svr_refuse(s, "cannot resume: message numbers disagree");
		return -1;
	}
	s->acked = last;
	spool_trim(o->spool, last);
	o->send_next = last + 1;
	if (spool_seek(o->spool, o->send_next, &why) < 0) {
		out_spool_failed(s, &why);
		return -1;
	}
	o->resync_req = 0;
	out_count(s);
	return 0;
}

static void
out_hello_ack(struct server *s, const struct frame *f)
{
	struct sender *o = s->role_data;
	char mine[40], theirs[40];
	struct frame_error e;
	struct hello h;

	/* Once per link: a second would resume again under frames in
	 * flight, and trim the spool by what it says. */
	if (s->hello_done) {
		svr_bad_frame(s, f, "HELLO_ACK already received");
		return;
	}
	if (hello_decode(f->payload, f->len, &h, &e) < 0) {
		svr_trace_decode(s, &e);
		svr_refuse(s, "bad HELLO_ACK");
		return;
	}
	if (h.role != HELLO_ROLE_IN) {
		svr_bad_frame(s, f, "bad HELLO_ACK");
		return;
	}
	if (svr_names_check(s, &h) < 0) {
		svr_refuse(s, "name mismatch");
		return;
	}
	/* The receiver has adopted ours, or holds another's: what it says
	 * it wrote is then no resume point of ours. */
	if (memcmp(h.stream, s->stream, sizeof(s->stream)) != 0) {
		svr_stream_hex(h.stream, theirs, sizeof(theirs));
		svr_stream_hex(s->stream, mine, sizeof(mine));
		server_trace(s, MSG_SRV_PEER_STREAM, theirs, mine);
		svr_refuse(s, "stream mismatch");
		return;
	}
	if (out_resume(s, h.last_msgnum) < 0)
		return;
	s->hello_done = 1;
	s->calls = 0;
	svr_clock_check(s, &h);
	clock_gettime(CLOCK_MONOTONIC, &o->last_ack);
	server_set_state(s, SS_READING_PIPE);
	server_trace(s, MSG_TS_CONNECT_ACCEPT);
	if (s->net_error) {
		s->net_error = 0;
		server_notify(s, MSG_SA_COMM_REESTABLISHED);
		server_notify(s, MSG_SA_NET_BACK);
	}
}

static void
out_ack(struct server *s, const struct frame *f)
{
	struct sender *o = s->role_data;
	char n[24];

	if (f->aux < s->acked || f->aux >= o->send_next) {
		snprintf(n, sizeof(n), "%llu", (unsigned long long)f->aux);
		server_trace(s, MSG_TS_BAD_MSG_NUM, n);
		svr_refuse(s, "ACK out of range");
		return;
	}
	if (f->aux > s->acked) {
		s->acked = f->aux;
		spool_trim(o->spool, s->acked);
		out_count(s);
		/* A full spool takes blocks again once a quarter of it is
		 * free: a writer faster than the link sees long runs and
		 * short stops, and the log a pair of lines per run. */
		if (o->spool_full &&
		    o->spool->bytes <= o->spool->max / 4 * 3) {
			o->spool_full = 0;
			server_trace(s, MSG_SPL_ROOM);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &o->last_ack);
	o->ack_warned = 0;
}

static enum svr_verdict
out_frame(struct server *s, const struct frame *fp)
{
	struct sender *o = s->role_data;

	if (!s->hello_done && fp->type != FT_HELLO_ACK &&
	    fp->type != FT_ERROR && fp->type != FT_HEARTBEAT &&
	    fp->type != FT_HEARTBEAT_ACK) {
		svr_bad_frame(s, fp, "HELLO_ACK expected");
		return SVR_DROP;
	}
	switch (svr_common_frame(s, fp, &o->hb_answered)) {
	case 1:
		return SVR_NEXT;
	case -1:
		server_link_drop(s);
		return SVR_DROP;
	}
	switch (fp->type) {
	case FT_HELLO_ACK:
		out_hello_ack(s, fp);
		break;
	case FT_ACK:
		out_ack(s, fp);
		break;
	default:
		svr_bad_frame(s, fp, "unexpected frame");
		return SVR_DROP;
	}
	return SVR_NEXT;
}

/* role->frames: what the receiver said. */
static void
out_frames(struct server *s)
{
	svr_frames(s, out_frame);
}

/* role->link_up: the call got through; the sender speaks first. */
static void
out_link_up(struct server *s)
{
	struct sender *o = s->role_data;

	memset(&o->hb_answered, 0, sizeof(o->hb_answered));
	out_send_hello(s);
}

/*
 * role->link_down: what was sent and not acknowledged went nowhere we
 * know of; the next link resends it from the receiver's position.
 */
static void
out_link_down(struct server *s)
{
	struct sender *o = s->role_data;

	o->send_next = s->acked + 1;
}

/*
 * How far the spool runs ahead of the ACKs (doc/PERFORMANCE.md, "How
 * far the spool runs ahead").  While the link keeps up, the pipe is
 * read only while the spool holds less than OUT_AHEAD: what is taken
 * then goes out and is trimmed within a few segments, into pages still
 * warm, instead of running hundreds of MiB ahead into cold ones.  A
 * link that falls behind (a read held back for OUT_AHEAD_STALL) or is
 * down holds the tape process back no more: the spool takes everything
 * again, up to spoolmax, until it is back under OUT_AHEAD.
 */
#define OUT_AHEAD	(16ull * 1024 * 1024)
#define OUT_AHEAD_STALL	0.1		/* seconds */

/* Is the next read held back for the link?  Says when it stops being. */
static int
out_ahead_held(struct server *s)
{
	struct sender *o = s->role_data;
	struct timespec now;

	if (!server_linked(s) || !s->hello_done || o->spool == NULL ||
	    o->spool->bytes < OUT_AHEAD) {
		o->ahead_free = 0;
		memset(&o->held_since, 0, sizeof(o->held_since));
		return 0;
	}
	if (o->ahead_free)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (o->held_since.tv_sec == 0 && o->held_since.tv_nsec == 0)
		o->held_since = now;
	else if (ts_diff(&now, &o->held_since) >= OUT_AHEAD_STALL) {
		/* Held no more: no wake-up at the stall either. */
		o->ahead_free = 1;
		memset(&o->held_since, 0, sizeof(o->held_since));
		return 0;
	}
	return 1;
}

/* May the server take more from its pipe? */
static int
out_may_read(struct server *s)
{
	struct sender *o = s->role_data;

	return s->pipe_fd >= 0 && !s->stopping && !s->done &&
	    !o->spool_full && spool_has_room(o->spool) &&
	    svr_pipe_may_try(s) && (!o->dev_end || ts_due(&o->dev_retry)) &&
	    !out_ahead_held(s);
}

static void	out_send(struct server *);

/*
 * Take blocks (and ends of tape files) from the pipe into the spool,
 * a batch at a time so that one sync covers many.  1 when the pipe
 * had nothing more to give, 0 when there may be more.
 */
static int
out_read_pipe(struct server *s)
{
	struct sender *o = s->role_data;
	struct errbuf why;
	size_t want;
	ssize_t n;
	int i, pushed, drained = 0;

	why.msg[0] = '\0';
	for (i = 0; i < 16; i++) {
		/* Never read across the end of a tape file. */
		out_pop_marks(s);
		if (!out_may_read(s))
			break;
		want = SRV_BLOCK;
		if (o->nmarks > 0 && o->marks[0] - o->pipe_bytes < want)
			want = (size_t)(o->marks[0] - o->pipe_bytes);
		n = spool_take(o->spool, s->pipe_fd, want, &why);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 1;
			if (why.msg[0] != '\0') {
				out_spool_failed(s, &why);
				return 1;
			}
			/* Read again later through the same descriptor: a
			 * reopen would rewind a device, and a FIFO closed
			 * would give its writer EPIPE. */
			svr_pipe_fault(s, MSG_TS_PREAD_ERR, errno);
			return 1;
		}
		if (n == 0) {
			/*
			 * No writer and nothing left: the end of a tape file
			 * (if the close was not already seen), exact: every
			 * writer's close waiting in the queue is before it,
			 * every later writer opens after.  A new open reports
			 * no hang-up until a writer comes again.
			 */
			out_pop_marks(s);
			if (out_is_device(s)) {
				out_device_end(s);
				return 1;
			}
			pushed = !o->eof_at_pos && !s->done;
			if (pushed && out_push_eof(s) < 0)
				return 1;
			out_pipe_ended(s, pushed);
			return 1;
		}
		svr_pipe_back(s, 1);
		o->dev_end = 0;
		out_count(s);
		s->msgin++;
		o->pipe_bytes += (uint64_t)n;
		o->eof_at_pos = 0;
		server_count_bytes(s, (size_t)n);
		server_trace_block(s, MSG_TS_PREAD, (size_t)n,
		    o->spool->buf, (size_t)n);
		/* With sync off each block may go at once, from the spool's
		 * buffer, before the next take overwrites it: otherwise
		 * all but the last of the batch are read back to be sent. */
		if (!o->spool->sync)
			out_send(s);
		/* Less than asked: the pipe was drained, and another take
		 * would only say EAGAIN.  poll() says when more comes, or
		 * the writer's end (POLLHUP, then a take of 0). */
		if ((size_t)n < want) {
			drained = 1;
			break;
		}
	}
	out_pop_marks(s);
	if (!spool_has_room(o->spool) && !o->spool_full) {
		o->spool_full = 1;
		server_trace(s, MSG_SPL_FULL, s->conf.spoolmax_text);
	}
	return drained;
}

/* Is there something the window allows to send now? */
static int
out_want_send(const struct server *s)
{
	struct sender *o = s->role_data;

	return server_linked(s) && s->hello_done && o->spool != NULL &&
	    o->send_next - s->acked <= SRV_WINDOW &&
	    o->send_next < spool_sendable(o->spool);
}

/* Send what the window allows, from the spool, in order. */
static void
out_send(struct server *s)
{
	struct sender *o = s->role_data;
	struct spool_rec r;
	struct errbuf why;
	int rc;

	if (!server_linked(s) || !s->hello_done)
		return;
	while (o->send_next - s->acked <= SRV_WINDOW &&
	    s->out.len - s->out.off < 2 * SRV_BLOCK) {
		rc = spool_read(o->spool, &r, &why);
		if (rc == 1)
			break;
		/* The ACK timeout counts from the first frame in flight. */
		if (rc == 0 && o->send_next - 1 == s->acked)
			clock_gettime(CLOCK_MONOTONIC, &o->last_ack);
		if (rc < 0) {
			out_spool_failed(s, &why);
			return;
		}
		/* Large payloads go from the spool's buffer, uncopied. */
		if (server_send_frame(s, r.type, r.n, 0, r.data, r.len,
		    r.crc) < 0 && !server_linked(s))
			return;	/* send_next is the next link's (link_down) */
		o->send_next = r.n + 1;
	}
}

static void
out_pollfds(struct server *s, struct pollfd *pfd, int *n, int *timeout)
{
	struct sender *o = s->role_data;

	if (out_may_read(s)) {
		pfd[*n].fd = s->pipe_fd;
		pfd[(*n)++].events = POLLIN;
	}
	if (s->ino_fd >= 0) {
		pfd[*n].fd = s->ino_fd;
		pfd[(*n)++].events = POLLIN;
	}
	/* out_send stops at two blocks queued: once the link has sent
	 * them, come back at once for more. */
	if (out_want_send(s) && s->out.len - s->out.off < 2 * SRV_BLOCK)
		*timeout = 0;
	/* sync=on: a sync of the spool finished (group commit). */
	if (o->spool != NULL && spool_sync_fd(o->spool) >= 0) {
		pfd[*n].fd = spool_sync_fd(o->spool);
		pfd[(*n)++].events = POLLIN;
	}
	server_wake(timeout, &o->keeper_check);
	/* The next try of a failed pipe, the next read of a device at
	 * its end. */
	if (s->perr.active && !s->stopping &&
	    (s->pipe_fd < 0 || !ts_due(&s->perr.retry)))
		server_wake(timeout, &s->perr.retry);
	if (o->dev_end && !s->stopping && !ts_due(&o->dev_retry))
		server_wake(timeout, &o->dev_retry);
	svr_keeper_pollfds(&o->kboot, pfd, n, timeout);
	/* A read held back for the link: an ACK wakes us, or the stall. */
	server_wake_after(timeout, &o->held_since, OUT_AHEAD_STALL);
	/* The warning and the ACK timeout of messages in flight. */
	if (s->hello_done && o->send_next - 1 > s->acked) {
		if (!o->ack_warned)
			server_wake_after(timeout, &o->last_ack,
			    s->conf.hb_timeout / 2.0);
		server_wake_after(timeout, &o->last_ack, s->conf.hb_timeout);
	}
}

static void
out_events(struct server *s, struct pollfd *pfd, int n)
{
	struct sender *o = s->role_data;
	struct errbuf why;
	int i;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == s->ino_fd && s->ino_fd >= 0)
			out_marks(s);
		else if (pfd[i].fd == s->pipe_fd && s->pipe_fd >= 0)
			out_read_pipe(s);
	}
	if (s->pipe_fd < 0 && !s->stopping && !s->done &&
	    svr_pipe_may_try(s))
		out_reopen(s);
	out_pop_marks(s);
	/* What the pipe gave is synced while the loop goes on; what a
	 * finished sync made durable may be sent. */
	if (spool_sync_poll(o->spool, &why) < 0) {
		out_spool_failed(s, &why);
		return;
	}
	if (s->done)
		return;
	out_send(s);
	out_keeper_events(s, pfd, n);
	if (ts_due(&o->keeper_check))
		out_keeper(s);
	if (s->hello_done) {
		struct timespec now;

		server_set_state(s, o->send_next - s->acked > SRV_WINDOW ||
		    !spool_has_room(o->spool) ? SS_WAIT_ACK : SS_READING_PIPE);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (o->send_next - 1 > s->acked && !o->ack_warned &&
		    ts_diff(&now, &o->last_ack) >= s->conf.hb_timeout / 2.0) {
			server_trace(s, MSG_TS_WAIT_ACK);
			o->ack_warned = 1;
		}
		/*
		 * No ACK, not even the one a receiver busy with its pipe
		 * sends every hbint: what was sent went nowhere (a path
		 * that drops data and keeps the connection).  Retry: a new
		 * connection resends everything not acknowledged.
		 */
		if (o->send_next - 1 > s->acked &&
		    ts_diff(&now, &o->last_ack) >= s->conf.hb_timeout) {
			server_trace(s, MSG_TS_ACK_TIMEOUT);
			server_link_drop(s);
		}
	}
}

static void
out_stop(struct server *s)
{
	struct sender *o = s->role_data;

	if (s->curmsg == s->acked && s->shutdown && s->hello_done) {
		/* Everything is delivered: now the input server may go. */
		server_queue_frame(s, FT_SHUTDOWN, 0, 0, NULL, 0);
		s->shutdown = 0;
	}
	/*
	 * A keeper on its way is waited for within the stop's time, so that
	 * the pipe is held when we are gone, as it was when the loop waited
	 * for it.  Past that time it is left to come up on its own.
	 */
	if (keeper_booting(&o->kboot) && s->stop_wait != 0 &&
	    !ts_due(&s->stop_deadline))
		return;
	/* What is queued goes at the exit (link_close). */
	if (server_stop_due(s))
		out_save(s);
}

static void
out_query(struct server *s, struct control_conn *c)
{
	struct sender *o = s->role_data;

	control_reply(c, "Connected: %s", s->hello_done ? "yes" : "no");
	control_reply(c, "Unacknowledged: %llu",
	    (unsigned long long)(s->curmsg - s->acked));
	control_reply(c, "Disconnections: %u", s->disconnects);
	control_reply(c, "Spool: %llu of %s bytes, messages %llu to %llu%s",
	    (unsigned long long)o->spool->bytes, s->conf.spoolmax_text,
	    (unsigned long long)s->acked + 1, (unsigned long long)s->curmsg,
	    o->spool_full ? " (full)" : "");
	control_reply(c, "Sync: %s", o->spool->sync ? "ON" : "OFF");
	control_reply(c, "Tape files merged: %llu",
	    (unsigned long long)o->merged);
	control_reply(c, "Acknowledged: %llu", (unsigned long long)s->acked);
	control_reply(c, "Last mark: %llu", (unsigned long long)o->last_mark);
	if (out_is_device(s) && o->dev_end) {
		struct timespec now;
		double next;

		clock_gettime(CLOCK_MONOTONIC, &now);
		next = ts_diff(&o->dev_retry, &now);
		control_reply(c, "Device: at end of file, read again in %.1f s",
		    next > 0 ? next : 0.0);
	} else if (out_is_device(s))
		control_reply(c, "Device: reading");
	if (keeper_booting(&o->kboot))
		control_reply(c, "Keeper: starting");
	else if (o->keeper > 0)
		control_reply(c, "Keeper: %ld", o->keeper);
	else
		control_reply(c, "Keeper: none");
}

static const char *
out_resync(struct server *s)
{
	struct sender *o = s->role_data;

	if (s->hello_done)
		return "ERR the pair agrees on the numbering: nothing to resync";
	o->resync_req = 1;
	server_call_soon(s);
	return "OK resync at the next call";
}

/* The sender's pending messages are its spool's, not yet acknowledged. */
static uint64_t
out_pending(const struct server *s, uint64_t *first, uint64_t *last)
{
	*first = s->acked + 1;
	*last = s->curmsg;
	return s->curmsg - s->acked;
}

const struct role role_sender = {
	.name = "output",
	.type = "OUT",
	.logtype = 's',
	.sender = 1,
	.link = LINK_CALL,
	.deaf_stopping = 0,
	.link_up = out_link_up,
	.frames = out_frames,
	.link_down = out_link_down,
	.replaces = NULL,
	.pending_fate = "kept in the spool: sent after the next start",
	.start = out_start,
	.pollfds = out_pollfds,
	.events = out_events,
	.stop = out_stop,
	.query = out_query,
	.resync = out_resync,
	.close = out_close,
	.pending = out_pending,
};
