/*
 * server.h — the input and output server processes (tapesockd).
 *
 * One process per server, one poll() loop: server.c runs the daemon
 * life cycle, the control socket, timers and traces; svr_out.c is the
 * output server (pipe -> TCP), svr_in.c the input server (TCP -> pipe).
 * doc/PROTOCOL.md says what goes over the wire.
 */
#ifndef TAPESOCK_SERVER_H
#define TAPESOCK_SERVER_H

#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "control.h"
#include "frame.h"
#include "instate.h"
#include "log.h"

#define SRV_WINDOW	64		/* frames in flight */
#define SRV_BLOCK	(128 * 1024)	/* largest block read from a pipe */
#define SRV_CTL_MAX	4		/* control connections at once */
#define SRV_RBUF	(2 * FRAME_MAX_LEN)
#define SRV_RUNNING_EVERY 300		/* seconds between "Running" traces */
#define SRV_CLOCK_WARN	5		/* seconds of clock offset worth a warning */
#define SRV_STOP_WAIT	30		/* seconds a stop waits for ACKs */
#define SRV_HB_INTERVAL	5		/* hbint default: silence before a HEARTBEAT */
#define SRV_HB_TIMEOUT	20		/* hbtimeout default: the link is dead */
#define SRV_SYNC_EVERY	0.1		/* sync=on: seconds between fsyncs at most */
#define SRV_LOG_RETRY_MS 20		/* traces held back: poll this often */

/* The "Status" words of query. */
enum srv_state {
	SS_OPEN_PIPE,
	SS_READING_NETWORK,
	SS_READING_PIPE,
	SS_WAIT_1ST_CALL,
	SS_WAIT_INCOMING,
	SS_WAIT_SUBSEQUENT,
	SS_WAIT_ACK,
	SS_STOPPED,
};

/* One DATA or EOF message held until acknowledged (sender) or written
 * (receiver).  data is owned. */
struct msg {
	uint64_t	 n;
	uint8_t		 type;
	uint32_t	 len;
	uint8_t		*data;
};

/* Frames queued for the socket: header and payload go with writev. */
struct outq {
	uint8_t		*buf;		/* owned, growable */
	size_t		 len, off;
};

struct server {
	char		*home;
	char		 name[SERVER_NAME_MAX + 1];
	int		 is_out;
	unsigned	 opts;		/* OPT_* of the start command */
	struct server_cfg cfg;		/* values copied from the config */
	uint16_t	 port;
	unsigned	 calldelay, callrep, ndisc;

	struct tslog	 log;
	char		 sletter;	/* status S column: R, E, C ... */
	enum srv_state	 state;

	int		 ctl_fd;
	char		*ctl_path;
	struct control_conn ctl[SRV_CTL_MAX];

	/* The stream: identity and message numbers. */
	uint8_t		 stream[HELLO_STREAM_LEN];
	uint64_t	 curmsg;	/* last numbered (out) / written (in) */
	char		*state_path;

	/* Counters of query. */
	uint64_t	 msgin, msgout, kbytes_today, bytes_frac;
	int		 today_yday;
	uint64_t	 last_query_msg;
	struct timespec	 last_query, started, last_running;

	/* Network. */
	int		 sock;		/* connected stream, or -1 */
	int		 listen_fd;	/* input server */
	int		 pend_sock;	/* input: a new call, not yet proven */
	uint8_t		*pend_buf;
	size_t		 pend_len;
	struct timespec	 pend_deadline;
	uint8_t		*rbuf;
	size_t		 rlen;
	struct outq	 out;
	unsigned	 disconnects, calls;
	struct timespec	 rx_at;		/* last bytes received */
	struct timespec	 hb_at;		/* last HEARTBEAT sent */
	uint64_t	 hb_nonce;
	int		 net_error;	/* SA "Network Error" issued */

	/* Pipe. */
	int		 pipe_fd;
	struct timespec	 next_pipe_try;
	int		 ino_fd;	/* input: inotify on the pipe */
	int		 eof_wait;	/* input: reader yet to see a tape mark */
	int		 skip_file;	/* input: reader left mid-file */
	uint64_t	 pipe_bytes;	/* output: bytes read from the pipe */
	int		 eof_at_pos;	/* output: a mark sent, no data since */
	uint64_t	 marks[8];	/* output: tape marks seen, not yet sent */
	size_t		 nmarks;
	struct timespec	 eof_deadline;

	/* Messages: sender's unacknowledged, receiver's unwritten. */
	struct msg	 win[SRV_WINDOW];
	size_t		 win_head, win_count;
	size_t		 next_send;	/* sender: index into win to send */
	size_t		 write_off;	/* receiver: bytes of head written */

	/* Output: the durable spool and where the stream stands. */
	struct spool	*spool;
	uint64_t	 send_next;	/* number of the next message to send */
	uint64_t	 lost_from;	/* spool tail lost from here (0: none) */
	int		 spool_full;	/* SPL_FULL traced, not yet SPL_ROOM */
	int		 resync_req;	/* the operator asked for a resync */
	long		 keeper;	/* pid of the pipe's keeper */
	struct timespec	 keeper_check;

	/* Role state. */
	int		 connected;	/* the call completed */
	int		 hello_done;
	int		 saw_data;	/* sender: bytes since the pipe opened */
	struct timespec	 next_call, last_ack;
	int		 stopping;	/* stop requested */
	int		 shutdown;	/* output: stop the input server too */
	int		 ack_warned;	/* output: Wait ack traced */
	struct timespec	 busy_ack_at;	/* input: next "busy" ACK */
	uid_t		 home_uid;
	gid_t		 ctl_gid;	/* group: may use the control socket */
	struct timespec	 stop_deadline;
	int		 done;		/* leave the loop */
	int		 exit_code;

	/* Heartbeats (hbint, hbtimeout): both roles, server_heartbeat. */
	unsigned	 hb_interval, hb_timeout;
	unsigned	 hb_timeouts;	/* links dropped for silence */
	/* Stop: wait= of the request (0 = force at once). */
	unsigned	 stop_wait;
	/* What becomes of messages pending at a stop, for its trace; the
	 * role sets it (static text), else server.c says it by role. */
	const char	*pending_fate;
	int		 sync;		/* sync=on: fsync before acknowledging */

	/* Input server: crash-safe state (instate.h) and policies. */
	struct instate_file st;
	uint64_t	 acked;		/* last number acknowledged (OUT: by the peer) */
	struct timespec	 ack_due;	/* sync=on: fsync and ACK by then */
	uint64_t	 lost;		/* messages accepted as lost */
	uint64_t	 resume_n;	/* a write under way at the last end */
	uint64_t	 resume_off;	/* bytes of it recorded written */
	int		 lost_policy;	/* LOST_STOP, LOST_REFUSE, LOST_ACCEPT */
};

enum { LOST_STOP, LOST_REFUSE, LOST_ACCEPT };

/* server.c */
void	server_trace(struct server *, enum msgid, ...);
void	server_notify(struct server *, enum msgid, ...);
int	server_state_save(struct server *, const char *text);
char	*server_state_load(struct server *);
void	server_count_bytes(struct server *, size_t);
void	server_set_state(struct server *, enum srv_state);
const char *server_state_name(enum srv_state);
int	server_queue_frame(struct server *, uint8_t type, uint64_t msgnum,
	    uint64_t aux, const uint8_t *payload, uint32_t len);
int	server_flush(struct server *);
void	server_disconnect(struct server *);
/* Begin a stop: deliver what is held within s->stop_wait seconds (a
 * later request may shorten the wait, never lengthen it). */
void	server_request_stop(struct server *);
/* Judge a stop under way: 1 when the server may leave (traced). */
int	server_stop_due(struct server *);
int	server_read_sock(struct server *);
int	server_heartbeat(struct server *);
void	server_msg_free(struct msg *);
double	ts_diff(const struct timespec *, const struct timespec *);
void	ts_after(struct timespec *, double seconds);
int	ts_due(const struct timespec *);
int	server_main(const char *home, const char *name, unsigned opts,
	    int ready_fd);

/* svr_out.c */
int	out_start(struct server *, struct errbuf *);
void	out_pollfds(struct server *, struct pollfd *, int *n, int *timeout);
void	out_events(struct server *, struct pollfd *, int n);
void	out_stop(struct server *);
void	out_query(struct server *, struct control_conn *);
/* The operator's resync: a reply for the control client. */
const char *out_resync(struct server *);
void	out_close(struct server *);

/* svr_in.c */
int	in_start(struct server *, struct errbuf *);
void	in_pollfds(struct server *, struct pollfd *, int *n, int *timeout);
void	in_events(struct server *, struct pollfd *, int n);
void	in_stop(struct server *);
void	in_query(struct server *, struct control_conn *);

#endif
