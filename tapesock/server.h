/*
 * server.h — the input and output server processes (tapesockd).
 *
 * One process per server, one poll() loop: server.c runs the daemon
 * life cycle, the control socket, timers and traces; link.c the
 * connection between the two servers (listen or call, its bytes,
 * heartbeats); svr_out.c is the output server's role (pipe -> frames),
 * svr_in.c the input server's (frames -> pipe).  A role sees no socket:
 * the link tells it "up", "frames in s->rbuf", "down", and it answers
 * with server_queue_frame() into s->out.  doc/PROTOCOL.md says what
 * goes over the wire.
 */
#ifndef TAPESOCK_SERVER_H
#define TAPESOCK_SERVER_H

#include <poll.h>
#include <stdint.h>
#include <time.h>

#include "rcheck.h"
#include "config.h"
#include "control.h"
#include "frame.h"
#include "log.h"
#include "pipes.h"
#include "srvconf.h"
#include "txagent.h"
#include "xport.h"

#define SRV_WINDOW	64		/* frames in flight */
#define SRV_BLOCK	(128 * 1024)	/* largest block read from a pipe */
#define SRV_CTL_MAX	4		/* control connections at once */
#define SRV_RBUF	(2 * FRAME_MAX_LEN)
#define SRV_RUNNING_EVERY 300		/* seconds between "Running" traces */
#define SRV_CLOCK_WARN	5		/* seconds of clock offset worth a warning */
#define SRV_STOP_WAIT	30		/* seconds a stop waits for ACKs */
#define SRV_SYNC_EVERY	0.1		/* sync=on: seconds between fsyncs at most */
#define SRV_LOG_RETRY_MS 20		/* traces held back: poll this often */
#define SRV_SEND_DIRECT	(32 * 1024)	/* a payload this large goes uncopied */
#define SRV_AUTH_GRACE	10.0		/* seconds to prove the key (LoginGraceTime) */
#define SRV_UNPROVEN_MAX 4		/* connections proving at once (MaxStartups) */
#define SRV_LISTEN_MAX	4		/* listening sockets (addresses) */
#define SRV_TRACE_HEX	16		/* bytes of a block a verbose trace shows */
/*
 * A pipe that fails (open, read or write) is tried again after
 * SRV_PIPE_RETRY_MIN seconds, then after twice as long each time up to
 * SRV_PIPE_RETRY_MAX: a pipe removed or a device full for hours costs
 * a try every few seconds, not ten a second, and one trace.
 */
#define SRV_PIPE_RETRY_MIN 0.1
#define SRV_PIPE_RETRY_MAX 10.0
/* A device at end of file is read again after SRV_DEV_RETRY_MIN s, then
 * after twice as long each time up to SRV_PIPE_RETRY_MAX. */
#define SRV_DEV_RETRY_MIN 1.0
/*
 * The output queue's bound.  A working link never comes near it: the
 * sender stops adding DATA once 2 x SRV_BLOCK wait (out_send), so it
 * holds at most that, one more frame (FRAME_MAX_LEN at the very most)
 * and a few small frames (HELLO, HEARTBEAT, SYNC): under 1.5 MiB.  A
 * receiver queues a small frame (ACK, HEARTBEAT_ACK) per frame it
 * takes, and a working sender sends at most a window of them before it
 * reads.  A queue past SRV_OUTQ_MAX is a peer that sends and does not
 * read: the link is dropped (SRV_OUTQ_FULL).  An empty queue whose
 * buffer grew past SRV_OUTQ_KEEP (above the doubling a working link
 * reaches, so that it is never released and grown again at each turn)
 * gives its memory back.
 */
#define SRV_OUTQ_MAX	(8 * 1024 * 1024)
#define SRV_OUTQ_KEEP	(2 * 1024 * 1024)

/* The "Status" words of query. */
enum srv_state {
	SS_OPEN_PIPE,
	SS_READING_NETWORK,
	SS_READING_PIPE,
	SS_WAIT_1ST_CALL,
	SS_WAIT_INCOMING,
	SS_WAIT_SUBSEQUENT,
	SS_WAIT_ACK,
	SS_WAIT_READER,
	SS_STOPPED,
};

struct addrinfo;

/* Frames queued for the socket (of a large one, what its sendmsg in
 * server_send_frame did not take). */
struct outq {
	uint8_t		*buf;		/* owned, growable */
	size_t		 len, off, cap;
};

/*
 * A pipe error that lasts (svr_pipe_fault): traced once, the notify
 * list told once, the status letter E, tried again on a doubling delay
 * until a try works (svr_pipe_back).
 */
struct pipe_fault {
	int		 active;
	enum msgid	 id;		/* TS_POPEN_ERR, _PREAD_, _PWRIT_ */
	int		 err;		/* its errno */
	uint64_t	 count;		/* failures of (id, err) so far */
	uint64_t	 total;		/* failures of the whole incident */
	double		 delay;		/* seconds from one try to the next */
	struct timespec	 since;		/* the incident's first failure */
	struct timespec	 changed;	/* the first failure of (id, err) */
	struct timespec	 retry;		/* the next try */
};

struct server {
	char		*home;
	char		 name[SERVER_NAME_MAX + 1];
	unsigned	 opts;		/* OPT_* of the start command */
	struct server_cfg cfg;		/* values copied from the config */
	struct srv_conf	 conf;		/* and parsed: what the server uses */
	const struct role *role;	/* sender or receiver */
	void		*role_data;	/* its state: struct sender, receiver */

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
	/* The monitors' queries (status --check, --follow) keep their own
	 * rate's start, and are not traced. */
	uint64_t	 mon_query_msg;
	struct timespec	 mon_query;
	/* When Connected last changed (the loop sees hello_done move). */
	int		 was_connected;
	struct timespec	 conn_changed;

	/* The link (link.c).  sock is its transport; a link that is up
	 * with sock -1 is an in-memory one (test/unit/check_roles.c),
	 * whose owner moves s->out and s->rbuf itself. */
	int		 sock;		/* connected stream, or -1 */
	int		 connected;	/* the link is up: server_linked() */
	uint8_t		*rbuf;		/* bytes received, not yet handled */
	size_t		 rlen;
	int		 rhead_traced;	/* the frame at rbuf's head had its Nread */
	struct outq	 out;		/* frames queued for the peer */
	unsigned	 disconnects, calls;
	struct xport_ctx xctx;		/* how a peer proves itself (tls=) */
	struct xport	 xp;		/* the link's transport; sock is its fd */
	int		 phase;		/* LP_*: where the link's set-up is */
	struct timespec	 auth_deadline;	/* LP_PROVING: the grace time ends */
	int		 listen_fd;	/* LINK_LISTEN: the first listener */
	int		 listen_fds[SRV_LISTEN_MAX];
	int		 nlisten;
	/* Calls accepted that have not proven the key yet. */
	struct xport	 unproven[SRV_UNPROVEN_MAX];
	struct timespec	 unproven_deadline[SRV_UNPROVEN_MAX];
	int		 pend_fd;	/* a second proven call, before its HELLO */
	struct xport	 pend_x;	/* its transport */
	uint8_t		*pend_buf;	/* its first bytes (PEND_MAX) */
	size_t		 pend_len;
	struct timespec	 pend_deadline;
	struct timespec	 next_call;	/* LINK_CALL: when to call */
	struct addrinfo	*call_res;	/* LINK_CALL: host='s addresses */
	struct addrinfo	*call_next;	/* the next to try in this call */
	struct timespec	 rx_at;		/* last bytes received */
	struct timespec	 hb_at;		/* last HEARTBEAT sent */
	uint64_t	 hb_nonce;
	int		 net_error;	/* SA "Network Error" issued */

	/* Pipe. */
	int		 pipe_fd;
	int		 ino_fd;	/* input: inotify on the pipe */
	struct pipe_id	 pipe_id;	/* the file of its first open */
	struct pipe_fault perr;		/* a pipe error under way */

	/* Role state. */
	int		 hello_done;	/* the HELLO exchange completed */
	int		 no_keeper;	/* in-process tests: start no keeper */
	int		 stopping;	/* stop requested */
	int		 shutdown;	/* output: stop the input server too */
	uid_t		 home_uid;
	gid_t		 ctl_gid;	/* group: may use the control socket */
	struct timespec	 stop_deadline;
	int		 done;		/* leave the loop */
	int		 exit_code;

	unsigned	 hb_timeouts;	/* links dropped for silence */
	/* Stop: wait= of the request (0 = force at once). */
	unsigned	 stop_wait;

	uint64_t	 acked;		/* last number acknowledged (OUT: by the peer) */

	struct check_state check;	/* rcheck.c: remote commands */
	struct txpoll	 poll;		/* txpoll.c: poll tests */
	struct timespec	 stop_refused_until;	/* a refused stop, repeated */
};

/* server.c */
void	server_trace(struct server *, enum msgid, ...);
void	server_trace_block(struct server *, enum msgid, size_t len,
	    const uint8_t *, size_t);
void	server_notify(struct server *, enum msgid, ...);
int	server_state_save(struct server *, const char *text);
char	*server_state_load(struct server *);
void	server_count_bytes(struct server *, size_t);
void	server_set_state(struct server *, enum srv_state);
const char *server_state_name(enum srv_state);
/* Queue a frame for the peer.  -1: it cannot be encoded, or the queue
 * would pass SRV_OUTQ_MAX (traced, the link dropped). */
int	server_queue_frame(struct server *, uint8_t type, uint64_t msgnum,
	    uint64_t aux, const uint8_t *payload, uint32_t len);
/* An empty queue past SRV_OUTQ_KEEP gives its memory back. */
void	server_outq_trim(struct server *);
/*
 * The same, for a payload that may be large and whose own CRC,
 * crc32c(0, payload, len), is known (a spool record's).  One of
 * SRV_SEND_DIRECT bytes or more gets its frame CRC from crc, not from
 * another pass over it, and with nothing queued goes at once, header
 * and payload in one sendmsg from where they are (link_send_direct):
 * only what the socket did not take is copied into the queue.  Smaller
 * ones are queued, to go several to a send.  -1: the frame cannot be
 * encoded, or the link failed and was dropped (traced).
 */
int	server_send_frame(struct server *, uint8_t type, uint64_t msgnum,
	    uint64_t aux, const uint8_t *payload, uint32_t len, uint32_t crc);
/* Begin a stop: deliver what is held within s->stop_wait seconds (a
 * later request may shorten the wait, never lengthen it). */
void	server_request_stop(struct server *);
/* Judge a stop under way: 1 when the server may leave (traced). */
int	server_stop_due(struct server *);
void	server_wake(int *timeout, const struct timespec *);
void	server_wake_after(int *timeout, const struct timespec *, double);
void	server_release(struct server *);
/* Run server name of home with the role of its servertype, taken from
 * roles (NULL-terminated): the program names the roles, not server.c. */
int	server_main(const char *home, const char *name, unsigned opts,
	    int ready_fd, const struct role *const *roles);

/* link.c: the connection, for server_main and the roles. */
/* Load what proves the peer (the pair key, certificates): before the
 * role starts, so that a server that could not be proven never runs. */
int	link_secure(struct server *, struct errbuf *);
/* No descriptor yet: what link_close may then be given. */
void	link_init(struct server *);
/* Listen or prepare the first call, as the role's link says (after
 * link_init). */
int	link_start(struct server *, struct errbuf *);
/* Add the link's descriptors; lower *timeout to its deadlines. */
void	link_pollfds(struct server *, struct pollfd *, int *n, int *timeout);
/* Calls, reads, heartbeats: before the role's events. */
void	link_events(struct server *, struct pollfd *, int n);
/* Send what the role queued: after the role's events. */
void	link_output(struct server *);
/* With nothing queued, send the frame of header hdr and payload at once
 * (server_send_frame): *sent the bytes the socket took, 0 without a
 * socket or with output queued.  -1: the connection failed (traced,
 * and the link dropped). */
int	link_send_direct(struct server *, const uint8_t *hdr,
	    const uint8_t *payload, uint32_t len, size_t *sent);
/* The process ends: send what is queued if possible, close it all. */
void	link_close(struct server *);
/* The link is up (a call accepted or completed, or an in-memory link
 * set up by a test): fresh buffers, then role->link_up. */
void	server_link_up(struct server *);
/* Drop the link: role->link_down, close; then listen or call again.
 * What s->out holds (an ERROR just queued) goes out first.  A role
 * refusing a peer calls this; so does the link on any failure. */
void	server_link_drop(struct server *);
/* Is the link up?  Role logic asks this, never about a socket. */
int	server_linked(const struct server *);
/* LINK_CALL: call at once unless a call is under way. */
void	server_call_soon(struct server *);

/* Where the set-up of the link is (s->phase). */
enum {
	LP_NONE,	/* no connection */
	LP_CONNECTING,	/* a call under way (LINK_CALL) */
	LP_PROVING,	/* connected; the peer proves the key */
	LP_UP,		/* proven: the role has it */
};

/* How a role's link is set up. */
enum link_dir {
	LINK_LISTEN,	/* accept calls on listen=, port= (input) */
	LINK_CALL,	/* call host=, port= (output) */
};

/*
 * A role: what makes a link an output server (sender, svr_out.c) or an
 * input server (receiver, svr_in.c).  server.c owns the loop and the
 * control socket, link.c the connection; both call the role only
 * through this table, set once when the configuration is read.
 */
struct role {
	const char	*name;		/* "output", "input" */
	const char	*type;		/* "OUT", "IN": servertype */
	char		 logtype;	/* ts.log type: 's' sends, 'r' receives */
	int		 sender;	/* counts the frames it sends as msgout */
	enum link_dir	 link;
	int		 deaf_stopping;	/* a stop reads no more frames */
	/* The link is up: the sender queues its HELLO. */
	void		(*link_up)(struct server *);
	/* Bytes wait in s->rbuf: handle the whole frames among them,
	 * replying with server_queue_frame; a role that refuses the peer
	 * queues ERROR and calls server_link_drop. */
	void		(*frames)(struct server *);
	/* The link went down (s->hello_done still says if the stream was
	 * up): forget what belonged to that connection. */
	void		(*link_down)(struct server *);
	/* LINK_LISTEN: may a second call, whose first frame is f, replace
	 * the link that streams now?  1 yes; 0 no (traced). */
	int		(*replaces)(struct server *, const struct frame *);
	/* What becomes of pending messages at a stop, for its trace. */
	const char	*pending_fate;
	int		(*start)(struct server *, struct errbuf *);
	/* Add descriptors to poll; lower *timeout (ms, -1: none) to the
	 * role's nearest deadline (server_wake). */
	void		(*pollfds)(struct server *, struct pollfd *, int *n,
			    int *timeout);
	void		(*events)(struct server *, struct pollfd *, int n);
	/* A stop is under way: finish it when nothing is pending. */
	void		(*stop)(struct server *);
	void		(*query)(struct server *, struct control_conn *);
	/* The operator's resync: a reply for the control client, or NULL
	 * for a role that has none. */
	const char	*(*resync)(struct server *);
	void		(*close)(struct server *);
	/* Messages held that a stop waits for: how many, which numbers. */
	uint64_t	(*pending)(const struct server *, uint64_t *first,
			    uint64_t *last);
};

extern const struct role role_sender;	/* svr_out.c */
extern const struct role role_receiver;	/* svr_in.c */

#endif
