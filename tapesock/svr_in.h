/*
 * svr_in.h — the receiver: what an input server holds beyond the link
 * (server.h).  Only svr_in.c and svr_in_pipe.c use it; server.c sees
 * the role table.
 *
 * The window is the receiver's alone: messages received in order and
 * not yet written to the pipe.  It holds at most SRV_WINDOW messages,
 * and their payloads are in one ring of WIN_BYTES, in order: a pipe
 * that does not keep up leaves what does not fit in the receive buffer
 * and the socket (TCP holds the sender back), the input server's
 * memory stays bounded, and no message costs an allocation
 * (doc/PERFORMANCE.md, "Memory").
 */
#ifndef TAPESOCK_SVR_IN_H
#define TAPESOCK_SVR_IN_H

#include <stdint.h>
#include <time.h>

#include <stdlib.h>

#include "instate.h"
#include "keeper.h"
#include "server.h"
#include "util.h"

/*
 * One DATA or EOF message, received and not yet written.  Its bytes are
 * data, in the ring, or for the length of one call (in_write_direct)
 * ext: the frame in the receive buffer, written from there, copied into
 * the ring only if the pipe does not take it all.
 */
struct rmsg {
	uint64_t	 n;
	uint8_t		 type;
	uint32_t	 len;
	uint8_t		*data;		/* in the ring, or NULL */
	const uint8_t	*ext;		/* not ours, or NULL */
};

#define WIN_BYTES	(4u * 1024 * 1024)
/* A window with nothing in it takes any frame (win_takes). */
_Static_assert(WIN_BYTES >= FRAME_MAX_PAYLOAD, "a frame fits the ring");

struct receiver {
	/* The window: received, in order, not yet written. */
	struct rmsg	 win[SRV_WINDOW];
	size_t		 win_head, win_count;
	size_t		 write_off;	/* bytes of the head written */
	/* Their payloads: [ring_head, ring_tail), or wrapped:
	 * [ring_head, WIN_BYTES) then [0, ring_tail). */
	uint8_t		*ring;		/* WIN_BYTES, from the first copy */
	size_t		 ring_head;	/* the oldest payload's start */
	size_t		 ring_tail;	/* the end of the newest */
	size_t		 ring_msgs;	/* messages with bytes in it */

	/* The pipe, its tape marks and its reader. */
	struct timespec	 next_pipe_try;
	int		 open_traced;	/* "Open pipe" said for this wait */
	int		 eof_wait;	/* reader yet to close after a tape
					 * mark (2: traced) */
	struct timespec	 eof_deadline;	/* when that wait began */
	struct keeper_readers given;	/* the readers given the mark */
	int		 skip_file;	/* the reader left mid-file */
	uint64_t	 mark_resumed;	/* message under way at the last end
					 * (a mark: delivered by it) */
	long		 keeper;	/* of this tape file; -1 failed */
	struct timespec	 keeper_check;
	struct keeper_boot kboot;	/* its start, until it reports */

	/* Acknowledgements and the crash-safe state (instate.h). */
	struct instate_file st;
	struct timespec	 ack_due;	/* sync=on: fsync and ACK by then */
	struct timespec	 busy_ack_at;	/* next "busy" ACK */
	uint64_t	 lost;		/* messages accepted as lost */
	uint64_t	 resume_n;	/* a write under way at the last end */
	uint64_t	 resume_off;	/* bytes of it recorded written */

	/* What this link's HELLO announced (PROTOCOL.md sections 5, 6). */
	uint64_t	 peer_first;	/* its last: the first it holds */
	uint32_t	 data_max;	/* the least of both maxpayloads */
	struct timespec	 hb_answered;	/* the last HEARTBEAT answered */
};

/* The window ------------------------------------------------------ */

static inline struct rmsg *
win_at(struct receiver *r, size_t i)
{
	return &r->win[(r->win_head + i) % SRV_WINDOW];
}

/* The bytes of a message, wherever they are. */
static inline const uint8_t *
rmsg_bytes(const struct rmsg *m)
{
	return m->ext != NULL ? m->ext : m->data;
}

/* Where len (> 0) bytes would go in the ring, or -1: no room now. */
static inline long
ring_place(const struct receiver *r, size_t len)
{
	if (r->ring_msgs == 0)
		return len <= WIN_BYTES ? 0 : -1;
	if (r->ring_tail > r->ring_head) {
		if (WIN_BYTES - r->ring_tail >= len)
			return (long)r->ring_tail;
		return r->ring_head >= len ? 0 : -1;	/* wrap */
	}
	return r->ring_head - r->ring_tail >= len ? (long)r->ring_tail : -1;
}

/* The bytes of m go into the ring (ring_place said where they fit). */
static inline void
rmsg_room(struct receiver *r, struct rmsg *m)
{
	long at;

	if (m->len == 0 || m->data != NULL)
		return;
	if (r->ring == NULL)
		r->ring = xmalloc(WIN_BYTES);
	at = ring_place(r, m->len);
	if (at < 0)
		abort();	/* win_takes said it fits */
	m->data = r->ring + at;
	r->ring_tail = (size_t)at + m->len;
	if (r->ring_msgs++ == 0)
		r->ring_head = (size_t)at;
}

/* Forget the message of slot m, and its bytes in the ring. */
static inline void
rmsg_release(struct receiver *r, struct rmsg *m)
{
	if (m->data != NULL && --r->ring_msgs == 0)
		r->ring_head = r->ring_tail = 0;
	m->data = NULL;
	m->n = 0;
	m->type = 0;
	m->len = 0;
	m->ext = NULL;
}

static inline void
win_pop(struct receiver *r)
{
	size_t i;

	rmsg_release(r, &r->win[r->win_head]);
	r->win_head = (r->win_head + 1) % SRV_WINDOW;
	r->win_count--;
	/* The oldest bytes now are those of the first message with any. */
	for (i = 0; r->ring_msgs > 0 && i < r->win_count; i++)
		if (win_at(r, i)->data != NULL) {
			r->ring_head = (size_t)(win_at(r, i)->data - r->ring);
			break;
		}
}

/* The last message of the window is dropped (the sender resends it). */
static inline void
win_drop_last(struct receiver *r)
{
	size_t i;

	rmsg_release(r, win_at(r, r->win_count - 1));
	r->win_count--;
	for (i = r->win_count; r->ring_msgs > 0 && i-- > 0;)
		if (win_at(r, i)->data != NULL) {
			r->ring_tail = (size_t)(win_at(r, i)->data - r->ring) +
			    win_at(r, i)->len;
			break;
		}
}

/* May a message of len bytes join the window? */
static inline int
win_takes(const struct receiver *r, size_t len)
{
	return r->win_count == 0 || (r->win_count < SRV_WINDOW &&
	    (len == 0 || ring_place(r, len) >= 0));
}

/* The next slot, for a message of len bytes, its bytes in the ring
 * unless direct (written from the receive buffer). */
static inline struct rmsg *
win_push(struct receiver *r, size_t len, int direct)
{
	struct rmsg *m = win_at(r, r->win_count);

	m->len = (uint32_t)len;
	m->data = NULL;
	if (!direct)
		rmsg_room(r, m);
	r->win_count++;
	return m;
}

/* svr_in_pipe.c: the state record, the pipe, its reader and keeper. */
void	in_state_failed(struct server *s, const struct errbuf *why);
int	in_record_flags(struct server *s, uint64_t writing, uint64_t done,
	    unsigned flags);
int	in_record(struct server *s, uint64_t writing, uint64_t done);
int	in_record_last(struct server *s);
int	in_durable(struct server *s);
void	in_reader_wait_begin(struct server *s);
int	in_keeper_alive(struct server *s);
void	in_keeper_adopt(struct server *s);
void	in_keeper_start(struct server *s);
int	in_keeper_starting(struct server *s);
void	in_keeper_events(struct server *s, const struct pollfd *pfd, int n);
void	in_keeper_release(struct server *s);
int	in_reader_closed(struct server *s);
void	in_open_pipe(struct server *s);
void	in_reader_left(struct server *s);
void	in_mark(struct server *s);
void	in_reader_wait(struct server *s);
int	in_need_pipe(struct server *s);
int	in_write_pipe(struct server *s);
int	in_record_done(struct server *s);
void	in_write_direct(struct server *s, struct rmsg *m,
	    const uint8_t *bytes);

#endif
