/*
 * control.h — the control socket of a server: <home>/<server>.sock.
 *
 * A Unix-domain stream socket.  The client sends ONE request line,
 * "VERB [args]\n" (at most CONTROL_LINE_MAX bytes, newline included,
 * no NUL); the server answers zero or more lines, then a final line
 * "OK" or "ERR <reason>", and closes.  A server is running when its
 * socket answers: the command line is a thin client of it.
 *
 * The server side never blocks and never exits: it is driven by the
 * server's poll() loop.  The client side blocks, up to a timeout.
 */
#ifndef TAPESOCK_CONTROL_H
#define TAPESOCK_CONTROL_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include "util.h"

#define CONTROL_LINE_MAX	4096	/* a request, newline included */
#define CONTROL_OUT_MAX		(1024 * 1024)	/* a whole answer */
#define CONTROL_BACKLOG		16
/*
 * Seconds a connection may live from its accept: to send its request
 * and read the answer.  A deadline, not an idle time: a client that
 * trickles a byte now and then is cut all the same.  A healthy one
 * takes milliseconds; the command line itself waits 10 s for an answer.
 */
#define CONTROL_IDLE_S		10

enum control_verb {
	CONTROL_QUERY,
	CONTROL_STOP,
	CONTROL_TRACEON,
	CONTROL_TRACEOFF,
	CONTROL_SETARG,
	CONTROL_CHECK,
	CONTROL_SHUTDOWN,
	CONTROL_STATUS,
	CONTROL_PING,
	CONTROL_RESYNC,
	CONTROL_TLTEST,
	CONTROL__COUNT
};

/* A parsed request line. */
struct control_req {
	enum control_verb	 verb;
	const char		*args;	/* into the parsed line; "" if none */
	const char		*error;	/* on failure: constant reason text */
};

/*
 * One accepted connection.  The server owns it; control_close frees
 * what it holds.  closing: the final line is queued (or the client is
 * gone): once control_flush answers 1, close it.
 */
struct control_conn {
	int		 fd;
	uid_t		 uid;		/* peer credentials (SO_PEERCRED) */
	gid_t		 gid;
	pid_t		 pid;
	char		 in[CONTROL_LINE_MAX];
	size_t		 inlen;
	char		*out;		/* owned, grown up to CONTROL_OUT_MAX */
	size_t		 outlen, outoff, outsize;
	int		 overflow;	/* a line was dropped: answer ERR */
	int		 closing;
	int		 waiting;	/* its answer comes later (check) */
	struct timespec	 deadline;	/* CLOCK_MONOTONIC: CONTROL_IDLE_S on */
};

/* Parsing: pure code. */
int	 control_parse_request(const char *line, struct control_req *);
const char *control_verb_name(enum control_verb);

/*
 * Server side.  control_listen returns the listening fd (non-blocking,
 * close-on-exec) or -1 with err.  A socket file nobody answers on is
 * stale and replaced; one a live server answers on is left alone.  The
 * caller holds the server's pid file lock, so two servers of the same
 * name never race here.  control_unlisten closes fd and removes path.
 */
int	 control_listen(const char *path, mode_t mode, struct errbuf *err);
void	 control_unlisten(int fd, const char *path);
/* 1 accepted into c (unused or closed), 0 nothing pending, -1 error. */
int	 control_accept(int lfd, struct control_conn *c, struct errbuf *err);
/* 1 when c's deadline (CONTROL_IDLE_S after its accept) is past at now. */
int	 control_expired(const struct control_conn *c,
	    const struct timespec *now);
/*
 * 1 when the client has closed its connection (or shut down both ways):
 * it can read no answer, it gave up.  A client that only shut down its
 * writing side (a half-close after its request) still reads: 0.
 */
int	 control_gone(const struct control_conn *c);
/* Root, owner, or a member of group ((gid_t)-1: no group). */
int	 control_allowed(const struct control_conn *, uid_t owner,
	    gid_t group);
/*
 * Read what is available.  1: *line is the request (in c->in, newline
 * stripped); call it no more on this connection.  0: need more (wait
 * for POLLIN).  -1: no request will come (EOF, error, or a bad request
 * for which "ERR bad request" is queued); closing is set: flush, close.
 */
int	 control_read(struct control_conn *c, char **line);
/*
 * Queue one line of the answer (fmt may render several).  Ignored once
 * the final line is queued.  Lines past the CONTROL_OUT_MAX bound are
 * dropped and the final "OK" becomes "ERR answer too long".
 */
void	 control_reply(struct control_conn *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Queue the final line, "OK" or "ERR <reason>" (one line), set closing. */
void	 control_reply_ok(struct control_conn *c);
void	 control_reply_err(struct control_conn *c, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The answer a waiting connection waited for: text then OK, or ERR
 * text; it waits no more. */
void	 control_answer(struct control_conn *c, int ok, const char *text);
/* 1 all sent, 0 more to send (wait for POLLOUT), -1 error: close. */
int	 control_flush(struct control_conn *c);
void	 control_close(struct control_conn *c);

/*
 * Client side: send request (one line, no newline in it) and read the
 * answer within timeout_ms (negative: no limit).
 *   0  final line OK: *response = the lines before it.
 *   1  final line ERR: *response = the lines before it, then the reason
 *      (after the last newline, with no newline of its own); the reason
 *      is also in err.
 *  -1  cannot connect, I/O error, malformed answer, or timeout (errno
 *      ETIMEDOUT); err says which.
 *  -2  not running: nothing listens on path (ENOENT, ECONNREFUSED).
 * *response is owned by the caller, NULL unless 0 or 1 is returned.
 */
int	 control_request(const char *path, const char *request,
	    char **response, int timeout_ms, struct errbuf *err);

#endif
