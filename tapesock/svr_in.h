/*
 * svr_in.h — the receiver: what an input server holds beyond the link
 * (server.h).  Only svr_in.c uses it; server.c sees the role table.
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

#include "instate.h"
#include "server.h"

/* One DATA or EOF message, received and not yet written. */
struct rmsg {
	uint64_t	 n;
	uint8_t		 type;
	uint32_t	 len;
	uint8_t		*data;		/* owned, cap bytes, kept */
	size_t		 cap;
};

struct receiver {
	/* Calls: the listener, and a second call not yet proven. */
	int		 listen_fd;
	int		 pend_sock;
	uint8_t		*pend_buf;
	size_t		 pend_len;
	struct timespec	 pend_deadline;

	/* The window: received, in order, not yet written. */
	struct rmsg	 win[SRV_WINDOW];
	size_t		 win_head, win_count;
	size_t		 write_off;	/* bytes of the head written */

	/* The pipe, its tape marks and its reader. */
	struct timespec	 next_pipe_try;
	int		 eof_wait;	/* reader yet to close after a tape
					 * mark (2: traced) */
	struct timespec	 eof_deadline;	/* when that wait began */
	int		 skip_file;	/* the reader left mid-file */
	uint64_t	 mark_resumed;	/* message under way at the last end
					 * (a mark: delivered by it) */
	long		 keeper;	/* of this tape file; -1 failed */
	struct timespec	 keeper_check;

	/* Acknowledgements and the crash-safe state (instate.h). */
	struct instate_file st;
	struct timespec	 ack_due;	/* sync=on: fsync and ACK by then */
	struct timespec	 busy_ack_at;	/* next "busy" ACK */
	uint64_t	 lost;		/* messages accepted as lost */
	uint64_t	 resume_n;	/* a write under way at the last end */
	uint64_t	 resume_off;	/* bytes of it recorded written */
};

#endif
