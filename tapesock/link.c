/*
 * link.c — the connection between an output and an input server: set
 * up by listening or by calling (the role's `link`), its bytes both
 * ways, its heartbeats, and a second call that may replace it.
 *
 * A role never sees a socket.  It hears that the link is up
 * (role->link_up), that bytes wait in s->rbuf (role->frames) and that
 * the link went down (role->link_down); it answers with
 * server_queue_frame() into s->out, which the link sends, and refuses a
 * peer with server_link_drop().  That is what lets the unit tests
 * (check_roles.c) put a sender and a receiver face to face in memory.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "server.h"
#include "srvconf.h"
#include "svr_common.h"

#define PEND_WAIT	10.0	/* seconds a second call has to say HELLO */
#define PEND_MAX	(FRAME_HDR_LEN + FRAME_HELLO_MAX)

int
server_linked(const struct server *s)
{
	return s->connected;
}

/* A stop under way in a role that reads nothing more meanwhile. */
static int
link_deaf(const struct server *s)
{
	return s->stopping && s->role->deaf_stopping;
}

/*
 * Send what is queued: 0 all sent or it would block, -1 the connection
 * failed (traced unless quiet).  Without a socket (an in-memory link)
 * the queue stays for whoever moves it.
 */
static int
link_send(struct server *s, int quiet)
{
	ssize_t n;

	while (s->sock >= 0 && s->out.off < s->out.len) {
		n = send(s->sock, s->out.buf + s->out.off,
		    s->out.len - s->out.off, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			if (!quiet)
				server_trace(s, MSG_TS_NWRIT_ERR, errno);
			return -1;
		}
		s->out.off += (size_t)n;
	}
	if (s->out.off == s->out.len)
		s->out.off = s->out.len = 0;
	return 0;
}

int
link_send_direct(struct server *s, const uint8_t *hdr,
    const uint8_t *payload, uint32_t len, size_t *sent)
{
	struct iovec iov[2];
	struct msghdr mh;
	ssize_t n;

	*sent = 0;
	if (s->sock < 0 || !s->connected || s->out.off < s->out.len)
		return 0;
	/* sendmsg only reads them: the iovec has no const. */
	iov[0].iov_base = (void *)(uintptr_t)hdr;
	iov[0].iov_len = FRAME_HDR_LEN;
	iov[1].iov_base = (void *)(uintptr_t)payload;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	do
		n = sendmsg(s->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN)
			return 0;
		server_trace(s, MSG_TS_NWRIT_ERR, errno);
		server_link_drop(s);
		return -1;
	}
	*sent = (size_t)n;
	return 0;
}

/* 1 read something, 0 would block, -1 closed or failed (traced). */
static int
link_read(struct server *s)
{
	ssize_t n;

	if (s->rlen == SRV_RBUF)
		return 0;
	n = recv(s->sock, s->rbuf + s->rlen, SRV_RBUF - s->rlen, 0);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN)
			return 0;
		server_trace(s, MSG_TS_NREAD_ERR, errno);
		return -1;
	}
	if (n == 0) {
		if (s->rlen > 0 && s->rlen < FRAME_HDR_LEN)
			server_trace(s, MSG_TS_HREAD_TRUNC, s->rlen);
		server_trace(s, MSG_TS_NREAD_ERR, 0);
		return -1;
	}
	s->rlen += (size_t)n;
	return 1;
}

/* Close the transport; with flush, what is queued goes first if it
 * can at once (an ERROR said before a refusal). */
static void
link_close_sock(struct server *s, int flush, int quiet)
{
	if (s->sock >= 0) {
		if (flush)
			(void)link_send(s, quiet);
		close(s->sock);
		s->sock = -1;
		s->out.off = s->out.len = 0;
	}
}

void
server_link_up(struct server *s)
{
	s->connected = 1;
	s->hello_done = 0;
	s->rlen = 0;
	s->out.off = s->out.len = 0;
	s->rx_at.tv_sec = s->rx_at.tv_nsec = 0;
	s->role->link_up(s);
}

/* A call did not get through: wait, or give up after callrep calls. */
static void
link_call_failed(struct server *s)
{
	ts_after(&s->next_call, s->conf.calldelay);
	if (s->conf.callrep > 0 && s->calls >= s->conf.callrep) {
		s->sletter = 'E';
		server_trace(s, MSG_TS_TOO_MANY_ERRORS);
		server_notify(s, MSG_SA_OUT_STOPPED_ERROR);
		s->exit_code = 1;
		s->done = 1;
	} else if (s->calls == 3)
		server_notify(s, MSG_SA_NET_DISCONNECTED);
	server_set_state(s, s->disconnects == 0 && s->calls == 1 ?
	    SS_WAIT_1ST_CALL : SS_WAIT_SUBSEQUENT);
}

void
server_link_drop(struct server *s)
{
	int was_up = s->hello_done;

	if (!s->connected) {
		link_close_sock(s, 0, 1);	/* a call under way, if any */
		return;
	}
	s->connected = 0;
	s->role->link_down(s);
	link_close_sock(s, 1, 1);
	s->hello_done = 0;
	s->rlen = 0;
	s->rx_at.tv_sec = s->rx_at.tv_nsec = 0;
	if (was_up)
		s->disconnects++;
	if (s->role->link == LINK_LISTEN) {
		server_set_state(s, SS_WAIT_INCOMING);
		return;
	}
	/* The calling side counts the breaks, tells once, calls again. */
	ts_after(&s->next_call, s->conf.calldelay);
	server_set_state(s, SS_WAIT_SUBSEQUENT);
	if (!was_up)
		return;
	if (!s->net_error) {
		s->net_error = 1;
		server_notify(s, MSG_SA_NET_ERROR);
	}
	if (s->conf.ndisc > 0 && s->disconnects > s->conf.ndisc) {
		s->sletter = 'E';
		server_trace(s, MSG_TS_TOO_MANY_DISC);
		server_notify(s, MSG_SA_OUT_STOPPED_ERROR);
		s->exit_code = 1;
		s->done = 1;
	}
}

void
server_call_soon(struct server *s)
{
	if (s->role->link == LINK_CALL && s->sock < 0)
		clock_gettime(CLOCK_MONOTONIC, &s->next_call);
}

/* Start a non-blocking call to the input server. */
static void
link_call(struct server *s)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int fd = -1, r, one = 1;

	snprintf(port, sizeof(port), "%u", s->conf.port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	s->calls++;
	r = getaddrinfo(s->conf.host, port, &hints, &res);
	if (r != 0) {
		server_trace(s, MSG_TS_CALL_ERR, r == EAI_SYSTEM ? errno :
		    EHOSTUNREACH);
		link_call_failed(s);
		return;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			server_trace(s, MSG_TS_SOCKET_ERR, errno);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS)
			break;
		server_trace(s, MSG_TS_CALL_ERR, errno);
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0) {
		link_call_failed(s);
		return;
	}
	/* Up once the socket is writable (link_called). */
	s->sock = fd;
	s->hello_done = 0;
	s->rlen = 0;
}

/* The call completed, one way or the other. */
static void
link_called(struct server *s)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	getsockopt(s->sock, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (soerr != 0) {
		server_trace(s, MSG_TS_CONNECT_ERR, soerr);
		link_close_sock(s, 0, 1);
		link_call_failed(s);
		return;
	}
	server_link_up(s);
}

/* Bind the listen= address (* = every IPv4 address, as before). */
static int
link_listen(struct server *s, struct errbuf *err)
{
	const char *addr = s->conf.listen;
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int one = 1, rc, e = 0;
	enum msgid failed = MSG_TS_BIND_ERR;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = addr == NULL || strcmp(addr, "*") == 0 ? AF_INET :
	    AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)s->conf.port);
	rc = getaddrinfo(hints.ai_family == AF_INET ? NULL : addr, port, &hints,
	    &res);
	if (rc != 0 || res == NULL) {
		msg_format(err->msg, sizeof(err->msg), MSG_SRV_LISTEN_ADDR,
		    addr, gai_strerror(rc));
		server_trace(s, MSG_SRV_LISTEN_ADDR, addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		s->listen_fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
		if (s->listen_fd < 0) {
			e = errno;
			failed = MSG_TS_SOCKET_ERR;
			continue;
		}
		setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(s->listen_fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		e = errno;
		failed = MSG_TS_BIND_ERR;
		close(s->listen_fd);
		s->listen_fd = -1;
	}
	freeaddrinfo(res);
	if (s->listen_fd < 0) {
		msg_format(err->msg, sizeof(err->msg), failed, e);
		server_trace(s, failed, e);
		return -1;
	}
	if (listen(s->listen_fd, 4) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_TS_LISTEN_ERR, errno);
		server_trace(s, MSG_TS_LISTEN_ERR, errno);
		close(s->listen_fd);
		s->listen_fd = -1;
		return -1;
	}
	return 0;
}

int
link_start(struct server *s, struct errbuf *err)
{
	s->listen_fd = s->pend_fd = -1;
	if (s->role->link == LINK_CALL) {
		clock_gettime(CLOCK_MONOTONIC, &s->next_call);
		return 0;
	}
	if (link_listen(s, err) < 0)
		return -1;
	server_set_state(s, SS_WAIT_INCOMING);
	server_trace(s, MSG_TS_WAIT_CONNECT);
	return 0;
}

static void
link_pend_close(struct server *s)
{
	if (s->pend_fd >= 0)
		close(s->pend_fd);
	s->pend_fd = -1;
	s->pend_len = 0;
}

/*
 * A call that comes while a stream is up waits here: only a first frame
 * the role accepts (a valid HELLO of the same stream) may replace the
 * current link (the sender calling again after a cut this side has not
 * noticed).  Anything else is closed, and the stream goes on.
 */
static void
link_pend_read(struct server *s)
{
	struct frame_error e;
	struct frame f;
	size_t used;
	ssize_t n;

	n = recv(s->pend_fd, s->pend_buf + s->pend_len,
	    PEND_MAX - s->pend_len, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		link_pend_close(s);
		return;
	}
	s->pend_len += (size_t)n;
	switch (frame_decode(s->pend_buf, s->pend_len, &f, &used, &e)) {
	case FRAME_NEED_MORE:
		if (s->pend_len == PEND_MAX)
			link_pend_close(s);
		return;
	case FRAME_ERROR:
		svr_trace_decode(s, &e);
		link_pend_close(s);
		return;
	case FRAME_OK:
		break;
	}
	if (s->role->replaces == NULL || !s->role->replaces(s, &f)) {
		link_pend_close(s);
		return;
	}
	server_link_drop(s);
	s->sock = s->pend_fd;
	s->pend_fd = -1;
	server_link_up(s);
	memcpy(s->rbuf, s->pend_buf, s->pend_len);
	s->rlen = s->pend_len;
	s->pend_len = 0;
}

static void
link_accept(struct server *s)
{
	int fd, one = 1;

	fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			server_trace(s, MSG_TS_ACCEPT_ERR, errno);
		return;
	}
	/* ACKs are small and must not wait for Nagle. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	server_trace(s, MSG_TS_CONNECT_ACCEPT);
	if (server_linked(s) && s->hello_done) {
		/* Proven by its first frame before it replaces the
		 * stream: see link_pend_read. */
		link_pend_close(s);
		if (s->pend_buf == NULL)
			s->pend_buf = xmalloc(PEND_MAX);
		s->pend_fd = fd;
		ts_after(&s->pend_deadline, PEND_WAIT);
		return;
	}
	/* A link that has not said HELLO yet gives way to the new one. */
	server_link_drop(s);
	s->sock = fd;
	server_link_up(s);
}

/*
 * Liveness of the connection (PROTOCOL.md section 8): after an interval
 * of silence ask with a HEARTBEAT; after the timeout the peer is gone
 * (stopped, blackholed, half-open).  -1: the caller drops the link.
 */
static int
link_heartbeat(struct server *s)
{
	struct timespec now;

	/* A role that stops reading while it stops cannot judge silence:
	 * dropping the link would drop what it still holds for the pipe. */
	if (!s->connected || link_deaf(s))
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (s->rx_at.tv_sec == 0)
		s->rx_at = now;
	if (ts_diff(&now, &s->rx_at) >= s->conf.hb_timeout) {
		s->hb_timeouts++;
		server_trace(s, MSG_SRV_PEER_SILENT, (int)s->conf.hb_timeout);
		return -1;
	}
	if (ts_diff(&now, &s->rx_at) >= s->conf.hb_interval &&
	    ts_diff(&now, &s->hb_at) >= s->conf.hb_interval) {
		server_queue_frame(s, FT_HEARTBEAT, 0, ++s->hb_nonce, NULL, 0);
		s->hb_at = now;
	}
	return 0;
}

/* Milliseconds until the heartbeat has something to do, or -1. */
static int
link_heartbeat_wait(struct server *s)
{
	struct timespec now;
	double silent, next;

	if (!s->connected || link_deaf(s) || s->rx_at.tv_sec == 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	silent = ts_diff(&now, &s->rx_at);
	next = s->conf.hb_timeout - silent;
	if (silent < s->conf.hb_interval)
		next = s->conf.hb_interval - silent;
	else if (s->conf.hb_interval - ts_diff(&now, &s->hb_at) < next)
		next = s->conf.hb_interval - ts_diff(&now, &s->hb_at);
	return next <= 0 ? 0 : (int)(next * 1000) + 1;
}

void
link_pollfds(struct server *s, struct pollfd *pfd, int *n, int *timeout)
{
	short ev;
	int ms;

	if (s->listen_fd >= 0 && !s->stopping) {
		pfd[*n].fd = s->listen_fd;
		pfd[(*n)++].events = POLLIN;
	}
	if (s->pend_fd >= 0) {
		pfd[*n].fd = s->pend_fd;
		pfd[(*n)++].events = POLLIN;
		server_wake(timeout, &s->pend_deadline);
	}
	if (s->sock >= 0) {
		ev = 0;
		if (!s->connected)
			ev = POLLOUT;	/* the call completes */
		else {
			if (s->rlen < SRV_RBUF && !link_deaf(s))
				ev |= POLLIN;
			if (s->out.len > s->out.off)
				ev |= POLLOUT;
		}
		pfd[*n].fd = s->sock;
		pfd[(*n)++].events = ev;
	} else if (s->role->link == LINK_CALL && !s->done && !s->stopping)
		server_wake(timeout, &s->next_call);
	if ((ms = link_heartbeat_wait(s)) >= 0 && (*timeout < 0 ||
	    ms < *timeout))
		*timeout = ms;
}

void
link_events(struct server *s, struct pollfd *pfd, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		if (pfd[i].fd == s->listen_fd && s->listen_fd >= 0)
			link_accept(s);
		else if (pfd[i].fd == s->pend_fd && s->pend_fd >= 0)
			link_pend_read(s);
		else if (pfd[i].fd == s->sock && s->sock >= 0) {
			if (!s->connected && (pfd[i].revents &
			    (POLLOUT | POLLERR | POLLHUP)))
				link_called(s);
			if (s->connected && (pfd[i].revents &
			    (POLLIN | POLLHUP | POLLERR)) && link_read(s) < 0)
				server_link_drop(s);
		}
	}
	if (s->pend_fd >= 0 && ts_due(&s->pend_deadline))
		link_pend_close(s);
	if (server_linked(s) && s->rlen > 0)
		s->role->frames(s);
	/* Heartbeats bound the wait for the HELLO exchange too. */
	if (link_heartbeat(s) < 0)
		server_link_drop(s);
	if (s->role->link == LINK_CALL && s->sock < 0 && !s->done &&
	    !s->stopping && ts_due(&s->next_call))
		link_call(s);
}

void
link_output(struct server *s)
{
	if (s->sock >= 0 && s->connected && link_send(s, 0) < 0)
		server_link_drop(s);
}

void
link_close(struct server *s)
{
	link_close_sock(s, s->connected, 0);
	s->connected = 0;
	s->hello_done = 0;
	s->rlen = 0;
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	s->listen_fd = -1;
	link_pend_close(s);
	free(s->pend_buf);
	s->pend_buf = NULL;
}
