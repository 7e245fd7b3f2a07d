/*
 * svr_common.h — small pieces both roles use when talking frames.
 */
#ifndef TAPESOCK_SVR_COMMON_H
#define TAPESOCK_SVR_COMMON_H

#include "keeper.h"
#include "server.h"

/* Trace a decode failure with the seed's words. */
void	svr_trace_decode(struct server *, const struct frame_error *);
/* The server's pipe exists and may be used now; else err says why. */
int	svr_check_pipe(struct server *, struct errbuf *);
/*
 * Open the server's pipe (pipe_open, flags O_RDONLY or O_WRONLY and
 * O_NONBLOCK): the same FIFO or device at every open.  The descriptor;
 * -1 with errno when open() failed (the caller says so, as before);
 * -2 when the pipe is refused: traced and notified (SRV_PIPE_REFUSED),
 * and the server stops with S = E (errno EPERM).
 */
int	svr_open_pipe(struct server *, int flags);
/*
 * A pipe error under way (struct pipe_fault).  svr_pipe_fault: a try
 * failed with (id, err), id TS_POPEN_ERR, TS_PREAD_ERR or TS_PWRIT_ERR;
 * the first failure traces it, tells the notify list (SRV_PIPE_FAILING)
 * and sets S = E; a repeat only counts and doubles the delay to
 * s->perr.retry; a different error traces the count of the last one
 * (SRV_PIPE_ERR_CHANGED) and itself.  svr_pipe_back: a try worked, a
 * read or write (io) or an open, which clears only an open's error;
 * the notify list told, with the count (SRV_PIPE_BACK), and S = R.
 * svr_pipe_may_try: no error, or its retry is due.
 */
void	svr_pipe_fault(struct server *, enum msgid id, int err);
void	svr_pipe_back(struct server *, int io);
int	svr_pipe_may_try(const struct server *);
/* query's line of it. */
void	svr_pipe_query(struct server *, struct control_conn *);
/* Fill a HELLO for this server. */
void	svr_hello(struct server *, struct hello *, uint64_t last);
/* Clock check of a peer's HELLO, unless (S. */
void	svr_clock_check(struct server *, const struct hello *);
/* Stream identity as hex, and back. */
void	svr_stream_hex(const uint8_t *, char *out, size_t);
int	svr_stream_parse(const char *hex, uint8_t *out);
/* Parse "key value" lines of a state file: 0 found, -1 not. */
int	svr_state_get(const char *text, const char *key, char *out, size_t);
/*
 * A HEARTBEAT is answered at most once per SVR_HB_ANSWER seconds, the
 * rest ignored: half the shortest hbint a peer may have (1 s), so a
 * real peer's are all answered and a flood queues little.
 */
#define SVR_HB_ANSWER	0.5
/* Frames both roles treat alike (HEARTBEAT, HEARTBEAT_ACK, ERROR):
 * 1 handled, 0 not one of them, -1 the peer gave up (drop the link).
 * hb_answered: when this link last answered a HEARTBEAT (zero: never). */
int	svr_common_frame(struct server *, const struct frame *,
	    struct timespec *hb_answered);
/* A frame the protocol does not allow here (its state or direction):
 * traced "Bad header" with its header; svr_bad_frame refuses it too. */
void	svr_trace_frame(struct server *, const struct frame *);
void	svr_bad_frame(struct server *, const struct frame *, const char *why);
/* The names of a peer's HELLO or HELLO_ACK are this pair's: 0, or -1
 * traced (a pair's two servers share one name, PROTOCOL.md section 5). */
int	svr_names_check(struct server *, const struct hello *);
/* The stream identity that means "none yet". */
int	svr_stream_none(const uint8_t *);
/* What a role's frame handler says of one frame. */
enum svr_verdict {
	SVR_NEXT,	/* done with it: go on */
	SVR_WAIT,	/* keep it in the buffer for later */
	SVR_DROP,	/* the link was dropped: stop */
};
/*
 * Hand each frame waiting in the receive buffer to handle, in order,
 * while the link is up.  A frame that does not decode is traced and the
 * link dropped.  What a role's frames op calls.
 */
void	svr_frames(struct server *,
	    enum svr_verdict (*handle)(struct server *, const struct frame *));
/* Refuse the peer: an ERROR saying why, then the link is dropped. */
void	svr_refuse(struct server *, const char *why);
/*
 * A keeper's start under way in the loop (keeper.h): its report's
 * descriptor in the poll set and its deadline given to server_wake;
 * then, when poll() says the report came or the deadline is due, what
 * keeper_boot_poll says (the pid, -1 and err failed), else 0.
 */
void	svr_keeper_pollfds(const struct keeper_boot *, struct pollfd *,
	    int *n, int *timeout);
long	svr_keeper_events(struct keeper_boot *, const char *pipe,
	    const struct pollfd *, int n, struct errbuf *err);

#endif
