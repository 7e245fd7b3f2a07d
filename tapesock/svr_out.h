/*
 * svr_out.h — the sender: what an output server holds beyond the link
 * (server.h).  Only svr_out.c uses it; server.c sees the role table.
 *
 * The messages a sender has not yet had acknowledged are its spool's
 * (spool.h): numbers acked+1 .. curmsg of the link, send_next the next
 * one to send.  It holds no window of its own.
 */
#ifndef TAPESOCK_SVR_OUT_H
#define TAPESOCK_SVR_OUT_H

#include <stdint.h>
#include <time.h>

#include "keeper.h"
#include "server.h"
#include "spool.h"

struct sender {
	struct spool	*spool;
	uint64_t	 send_next;	/* number of the next message to send */
	uint64_t	 lost_from;	/* spool tail lost from here (0: none) */
	int		 spool_full;	/* SPL_FULL traced, not yet SPL_ROOM */
	int		 resync_req;	/* the operator asked for a resync */

	/* The pipe and its tape marks. */
	uint64_t	 pipe_bytes;	/* bytes read from the pipe */
	int		 saw_data;	/* bytes since the pipe opened */
	int		 eof_at_pos;	/* a mark sent, no data since */
	uint64_t	 marks[8];	/* tape marks seen, not yet sent */
	size_t		 nmarks;
	uint64_t	 merged;	/* writers' closes left unmarked */
	uint64_t	 last_mark;	/* number of the last tape mark */
	/* A character device at end of file: read again at dev_retry. */
	int		 dev_end;
	double		 dev_delay;
	struct timespec	 dev_retry;

	/* The keeper of the pipe. */
	long		 keeper;	/* pid, 0 none yet, -1 failed (said) */
	struct timespec	 keeper_check;
	struct keeper_boot kboot;	/* its start, until it reports */

	/* Acknowledgements (the calls are the link's: server.h). */
	struct timespec	 last_ack;	/* or the first frame in flight */
	int		 ack_warned;	/* Wait ack traced */
	struct timespec	 hb_answered;	/* the link's last HEARTBEAT answered */

	/* How far the spool runs ahead of the ACKs (out_ahead_held). */
	struct timespec	 held_since;	/* reads held back since; 0: not */
	int		 ahead_free;	/* the link fell behind: run ahead */
};

/* svr_out.c */
void	out_count(struct server *);
void	out_spool_failed(struct server *, const struct errbuf *);

/* svr_out_pipe.c: the pipe, the ends of tape files, their marks. */
int	out_open_pipe(struct server *);
void	out_reopen(struct server *);
int	out_is_device(const struct server *);
void	out_marks(struct server *);
void	out_pipe_ended(struct server *, int pushed);
int	out_push_eof(struct server *);
void	out_device_end(struct server *);
void	out_pop_marks(struct server *);

#endif
