/*
 * svr_in.h — the receiver: what an input server holds beyond the link
 * (server.h).  Only svr_in.c and svr_in_pipe.c use it; server.c sees
 * the role table.
 *
 * The window is the receiver's alone: messages received in order and
 * not yet written to the pipe, each in a slot whose buffer is kept for
 * the next message (no allocation per message once the slots have
 * grown to the blocks the sender sends).
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
 * data, or for the length of one call (in_write_direct) ext: the frame
 * in the receive buffer, written from there, copied into data only if
 * the pipe does not take it all.
 */
struct rmsg {
	uint64_t	 n;
	uint8_t		 type;
	uint32_t	 len;
	uint8_t		*data;		/* owned, cap bytes, kept */
	size_t		 cap;
	const uint8_t	*ext;		/* not ours, or NULL */
};

struct receiver {
	/* The window: received, in order, not yet written. */
	struct rmsg	 win[SRV_WINDOW];
	size_t		 win_head, win_count;
	size_t		 write_off;	/* bytes of the head written */

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

/* Forget a message; its slot keeps the buffer for the next one. */
static inline void
rmsg_clear(struct rmsg *m)
{
	m->n = 0;
	m->type = 0;
	m->len = 0;
	m->ext = NULL;
}

/* The bytes of a message, wherever they are. */
static inline const uint8_t *
rmsg_bytes(const struct rmsg *m)
{
	return m->ext != NULL ? m->ext : m->data;
}

/* Room for len bytes in the slot's own buffer. */
static inline void
rmsg_room(struct rmsg *m, size_t len)
{
	if (len > m->cap) {
		free(m->data);
		m->data = xmalloc(len);
		m->cap = len;
	}
}

static inline void
win_pop(struct receiver *r)
{
	rmsg_clear(&r->win[r->win_head]);
	r->win_head = (r->win_head + 1) % SRV_WINDOW;
	r->win_count--;
}

/* The next slot, with room for len bytes (0: none asked yet). */
static inline struct rmsg *
win_push(struct receiver *r, size_t len)
{
	struct rmsg *m = win_at(r, r->win_count);

	rmsg_room(m, len);
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
