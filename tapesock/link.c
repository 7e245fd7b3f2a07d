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
 *
 * A connection reaches the role only once its peer is proven (xport.c:
 * TLS 1.3 with the pair key or certificates, or the plain proof of
 * tls=OFF).  Until then it is one of s->unproven (accepted) or the
 * call in phase LP_PROVING, with SRV_AUTH_GRACE seconds to do it, and
 * nothing it sends is read as a frame.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
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
#define LINK_CORK_MIN	(32 * 1024)	/* queued: several TLS records */

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
	int on = 1, off = 0, cork;

	/*
	 * TLS writes each record (16 KiB at most) with its own write(2),
	 * and with TCP_NODELAY each would go as its own segment: corked,
	 * the records of one call leave in full-sized segments, and the
	 * uncork sends what is left at once (doc/PERFORMANCE.md, "What TLS
	 * costs").
	 */
	cork = s->sock >= 0 && xport_encrypted(&s->xp) &&
	    s->out.len - s->out.off > LINK_CORK_MIN &&
	    setsockopt(s->sock, IPPROTO_TCP, TCP_CORK, &on, sizeof(on)) == 0;
	while (s->sock >= 0 && s->out.off < s->out.len) {
		n = xport_send(&s->xp, s->out.buf + s->out.off,
		    s->out.len - s->out.off);
		if (n < 0) {
			if (errno == EAGAIN)
				break;
			if (!quiet)
				server_trace(s, MSG_TS_NWRIT_ERR, errno);
			return -1;
		}
		s->out.off += (size_t)n;
	}
	if (cork && s->sock >= 0)
		(void)setsockopt(s->sock, IPPROTO_TCP, TCP_CORK, &off,
		    sizeof(off));
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
	/* TLS takes its records from the queue (a copy it makes anyway). */
	if (s->sock < 0 || !s->connected || s->out.off < s->out.len ||
	    xport_encrypted(&s->xp))
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
	int got = 0, saved;

	/* TLS may hold decrypted bytes no poll() announces: take them. */
	do {
		if (s->rlen == SRV_RBUF)
			return got;
		n = xport_recv(&s->xp, s->rbuf + s->rlen, SRV_RBUF - s->rlen);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				return got;
			saved = errno;
			if (saved == EPROTO && s->xp.ssl != NULL)
				server_trace(s, MSG_SRV_RECORD_BAD, s->xp.why);
			if (s->rlen > 0 && s->rlen < FRAME_HDR_LEN)
				server_trace(s, MSG_TS_HREAD_TRUNC, s->rlen);
			server_trace(s, MSG_TS_NREAD_ERR, saved);
			return -1;
		}
		if (n == 0 && got) {
			/* What came before the close is handled first (a
			 * SHUTDOWN, an ERROR just before it): the next read
			 * finds the end again. */
			return 1;
		}
		if (n == 0) {
			/* An orderly close is no read error: errno says
			 * nothing of it (it was "Nread err=0"). */
			if (s->rlen > 0 && s->rlen < FRAME_HDR_LEN)
				server_trace(s, MSG_TS_HREAD_TRUNC, s->rlen);
			server_trace(s, MSG_SRV_PEER_CLOSED);
			return -1;
		}
		s->rlen += (size_t)n;
		got = 1;
	} while (xport_pending(&s->xp) > 0);
	return 1;
}

/* Close the transport; with flush, what is queued goes first if it
 * can at once (an ERROR said before a refusal). */
static void
link_close_sock(struct server *s, int flush, int quiet)
{
	if (s->sock >= 0) {
		if (flush && s->phase == LP_UP)
			(void)link_send(s, quiet);
		if (s->xp.state != XS_CLOSED)
			xport_close(&s->xp);	/* closes sock */
		else
			close(s->sock);
		s->sock = -1;
		s->out.off = s->out.len = 0;
	}
	s->phase = LP_NONE;
}

void
server_link_up(struct server *s)
{
	if (s->sock >= 0)
		s->phase = LP_UP;
	s->connected = 1;
	s->hello_done = 0;
	s->rlen = 0;
	s->rhead_traced = 0;
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
	} else if (s->calls == 3) {
		server_notify(s, MSG_SA_NET_DISCONNECTED);
		/* Told of a problem, also one that began at start-up:
		 * the connection made is told as well. */
		s->net_error = 1;
	}
	server_set_state(s, s->disconnects == 0 && s->calls == 1 ?
	    SS_WAIT_1ST_CALL : SS_WAIT_SUBSEQUENT);
}

/*
 * ndisc: either server ends past that many breaks of a link that was
 * up (the manual's "Too many disc"); the breaks of a stop do not count.
 */
static void
link_disc_limit(struct server *s, int was_up, enum msgid stopped)
{
	if (!was_up || s->stopping || s->conf.ndisc == 0 ||
	    s->disconnects <= s->conf.ndisc)
		return;
	s->sletter = 'E';
	server_trace(s, MSG_TS_TOO_MANY_DISC);
	server_notify(s, stopped);
	s->exit_code = 1;
	s->done = 1;
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
	check_link_down(s);
	s->role->link_down(s);
	link_close_sock(s, 1, 1);
	s->hello_done = 0;
	s->rlen = 0;
	s->rx_at.tv_sec = s->rx_at.tv_nsec = 0;
	if (was_up)
		s->disconnects++;
	if (s->role->link == LINK_LISTEN) {
		server_set_state(s, SS_WAIT_INCOMING);
		link_disc_limit(s, was_up, MSG_SA_IN_STOPPED_ERROR);
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
	link_disc_limit(s, was_up, MSG_SA_OUT_STOPPED_ERROR);
}

void
server_call_soon(struct server *s)
{
	if (s->role->link == LINK_CALL && s->sock < 0)
		clock_gettime(CLOCK_MONOTONIC, &s->next_call);
}

/* "192.0.2.1:4000", "[2001:db8::1]:4000": a peer in traces. */
static void
link_addr_text(const struct sockaddr *sa, socklen_t len, char *buf,
    size_t sz)
{
	char host[48], serv[8];	/* numeric: INET6_ADDRSTRLEN, a port */

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(buf, sz, "?");
	else if (sa->sa_family == AF_INET6)
		snprintf(buf, sz, "[%s]:%s", host, serv);
	else
		snprintf(buf, sz, "%s:%s", host, serv);
}

static void
link_call_reset(struct server *s)
{
	if (s->call_res != NULL)
		freeaddrinfo(s->call_res);
	s->call_res = s->call_next = NULL;
}

/*
 * Start a non-blocking connection to the next address of this call;
 * 0 under way, -1 none left (each failure traced).
 */
static int
link_connect_next(struct server *s)
{
	struct addrinfo *ai;
	char peer[XPORT_PEER_MAX];
	int fd, one = 1;

	while ((ai = s->call_next) != NULL) {
		s->call_next = ai->ai_next;
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0) {
			server_trace(s, MSG_TS_SOCKET_ERR, errno);
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
		link_addr_text(ai->ai_addr, ai->ai_addrlen, peer, sizeof(peer));
		server_trace(s, MSG_SRV_CALL_NEXT, peer);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS) {
			/* Up once the socket is writable (link_called). */
			s->sock = fd;
			s->phase = LP_CONNECTING;
			s->hello_done = 0;
			s->rlen = 0;
			return 0;
		}
		server_trace(s, MSG_TS_CALL_ERR, errno);
		close(fd);
	}
	return -1;
}

/* Call the input server: every address host= resolves to, in turn. */
static void
link_call(struct server *s)
{
	struct addrinfo hints;
	char port[8];
	int r;

	snprintf(port, sizeof(port), "%u", s->conf.port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	s->calls++;
	link_call_reset(s);
	r = getaddrinfo(s->conf.host, port, &hints, &s->call_res);
	if (r != 0) {
		s->call_res = NULL;
		server_trace(s, MSG_TS_CALL_ERR, r == EAI_SYSTEM ? errno :
		    EHOSTUNREACH);
		link_call_failed(s);
		return;
	}
	s->call_next = s->call_res;
	if (link_connect_next(s) < 0) {
		link_call_reset(s);
		link_call_failed(s);
	}
}

/* The proof of the link's peer goes on: up, waiting, or failed. */
static void
link_prove(struct server *s)
{
	char why[256];
	int r;

	r = xport_handshake(&s->xp, why, sizeof(why));
	if (r == 0)
		return;
	if (r < 0) {
		server_trace(s, MSG_SRV_PEER_NOT_PROVEN, s->xp.peer, why);
		link_close_sock(s, 0, 1);
		link_call_failed(s);
		return;
	}
	server_trace(s, MSG_SRV_PEER_PROVEN, s->xp.peer,
	    s->xctx.mode == TLS_PSK ? "TLS 1.3, pair key" :
	    s->xctx.mode == TLS_CERT ? "TLS 1.3, certificate" :
	    "pair key, no encryption");
	link_call_reset(s);
	server_link_up(s);
}

/* The call completed, one way or the other. */
static void
link_called(struct server *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(int), slen = sizeof(ss);
	char peer[XPORT_PEER_MAX] = "?";
	int soerr = 0, fd;

	getsockopt(s->sock, SOL_SOCKET, SO_ERROR, &soerr, &len);
	if (soerr != 0) {
		server_trace(s, MSG_TS_CONNECT_ERR, soerr);
		link_close_sock(s, 0, 1);
		if (link_connect_next(s) == 0)
			return;		/* the next address */
		link_call_reset(s);
		link_call_failed(s);
		return;
	}
	if (getpeername(s->sock, (struct sockaddr *)&ss, &slen) == 0)
		link_addr_text((struct sockaddr *)&ss, slen, peer,
		    sizeof(peer));
	fd = s->sock;
	xport_open(&s->xp, &s->xctx, fd, peer);
	s->phase = LP_PROVING;
	ts_after(&s->auth_deadline, SRV_AUTH_GRACE);
	link_prove(s);
}

/* Bind one listening socket: 0, or -1 with *failed and *e. */
static int
link_bind(struct server *s, const struct addrinfo *ai, int v6only,
    enum msgid *failed, int *e)
{
	int fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*e = errno;
		*failed = MSG_TS_SOCKET_ERR;
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only,
		    sizeof(v6only));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		*e = errno;
		*failed = MSG_TS_BIND_ERR;
		close(fd);
		return -1;
	}
	if (listen(fd, 8) < 0) {
		*e = errno;
		*failed = MSG_TS_LISTEN_ERR;
		close(fd);
		return -1;
	}
	s->listen_fds[s->nlisten++] = fd;
	return 0;
}

static void
link_unlisten(struct server *s)
{
	int i;

	for (i = 0; i < s->nlisten; i++)
		close(s->listen_fds[i]);
	s->nlisten = 0;
	s->listen_fd = -1;
}

/*
 * Bind listen=: * is every address, IPv6 and IPv4 on one socket (so
 * that nobody can take the IPv6 port next to an IPv4 listener), or
 * IPv4 alone on a machine without IPv6; a name or address is each
 * address it resolves to.  Every one must bind: a port another process
 * holds on one of them is an error, not a half-listening server.
 */
static int
link_listen(struct server *s, struct errbuf *err)
{
	const char *addr = s->conf.listen;
	int any = addr == NULL || strcmp(addr, "*") == 0;
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int rc, e = 0;
	enum msgid failed = MSG_TS_BIND_ERR;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = any ? AF_INET6 : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", (unsigned)s->conf.port);
	s->nlisten = 0;
	if (any) {
		rc = getaddrinfo(NULL, port, &hints, &res);
		if (rc == 0 && link_bind(s, res, 0, &failed, &e) == 0)
			goto bound;
		if (res != NULL)
			freeaddrinfo(res);
		res = NULL;
		if (rc == 0 && e != EAFNOSUPPORT && e != EADDRNOTAVAIL)
			goto failed;
		hints.ai_family = AF_INET;	/* no IPv6 here */
		rc = getaddrinfo(NULL, port, &hints, &res);
		if (rc == 0 && link_bind(s, res, 0, &failed, &e) == 0)
			goto bound;
		if (rc == 0)
			goto failed;
	} else
		rc = getaddrinfo(addr, port, &hints, &res);
	if (rc != 0 || res == NULL) {
		msg_format(err->msg, sizeof(err->msg), MSG_SRV_LISTEN_ADDR,
		    addr == NULL ? "*" : addr, gai_strerror(rc));
		server_trace(s, MSG_SRV_LISTEN_ADDR, addr == NULL ? "*" : addr,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (s->nlisten == SRV_LISTEN_MAX ||
		    link_bind(s, ai, 1, &failed, &e) < 0)
			goto failed;
bound:
	freeaddrinfo(res);
	s->listen_fd = s->listen_fds[0];
	return 0;
failed:
	if (res != NULL)
		freeaddrinfo(res);
	link_unlisten(s);
	msg_format(err->msg, sizeof(err->msg), failed, e);
	server_trace(s, failed, e);
	return -1;
}

int
link_secure(struct server *s, struct errbuf *err)
{
	struct errbuf why;

	if (xport_ctx_init(&s->xctx, &s->conf, s->home,
	    s->role->link == LINK_LISTEN, &why) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_LINK_SECURITY,
		    s->name, why.msg);
		server_trace(s, MSG_CFG_LINK_SECURITY, s->name, why.msg);
		return -1;
	}
	return 0;
}

void
link_init(struct server *s)
{
	int i;

	s->listen_fd = s->pend_fd = -1;
	s->nlisten = 0;
	s->xp.fd = s->pend_x.fd = -1;
	for (i = 0; i < SRV_UNPROVEN_MAX; i++)
		s->unproven[i].fd = -1;
	check_init(s);
	s->poll.tltest = -1;
}

int
link_start(struct server *s, struct errbuf *err)
{
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
		xport_close(&s->pend_x);
	s->pend_fd = -1;
	s->pend_len = 0;
}

/* A proven connection becomes the link. */
static void
link_install(struct server *s, struct xport *x)
{
	s->xp = *x;
	s->sock = x->fd;
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->state = XS_CLOSED;
	server_trace(s, MSG_TS_CONNECT_ACCEPT);
	server_link_up(s);
}

/*
 * A second proven call that comes while a stream is up waits here:
 * only a first frame the role accepts (a valid HELLO of the same
 * stream) may replace the current link (the sender calling again after
 * a cut this side has not noticed).  Anything else is closed, and the
 * stream goes on.
 */
static void
link_pend_read(struct server *s)
{
	struct frame_error e;
	struct frame f;
	char peer[XPORT_PEER_MAX];
	size_t used;
	ssize_t n;

	n = xport_recv(&s->pend_x, s->pend_buf + s->pend_len,
	    PEND_MAX - s->pend_len);
	if (n < 0 && errno == EAGAIN)
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
	snprintf(peer, sizeof(peer), "%s", s->pend_x.peer);
	server_trace(s, MSG_SRV_LINK_REPLACED, peer);
	server_link_drop(s);
	s->pend_fd = -1;
	link_install(s, &s->pend_x);
	memcpy(s->rbuf, s->pend_buf, s->pend_len);
	s->rlen = s->pend_len;
	s->pend_len = 0;
}

/* An accepted connection proved itself: the link, or a second call. */
static void
link_proven(struct server *s, struct xport *x)
{
	server_trace(s, MSG_SRV_PEER_PROVEN, x->peer,
	    s->xctx.mode == TLS_PSK ? "TLS 1.3, pair key" :
	    s->xctx.mode == TLS_CERT ? "TLS 1.3, certificate" :
	    "pair key, no encryption");
	if (server_linked(s) && s->hello_done) {
		/* Proven by its first frame before it replaces the
		 * stream: see link_pend_read. */
		link_pend_close(s);
		if (s->pend_buf == NULL)
			s->pend_buf = xmalloc(PEND_MAX);
		s->pend_x = *x;
		s->pend_fd = x->fd;
		memset(x, 0, sizeof(*x));
		x->fd = -1;
		ts_after(&s->pend_deadline, PEND_WAIT);
		if (xport_pending(&s->pend_x) > 0)
			link_pend_read(s);
		return;
	}
	/* A link that has not said HELLO yet gives way to the new one. */
	server_link_drop(s);
	link_install(s, x);
}

/* Go on with the proof of accepted connection i. */
static void
link_unproven_step(struct server *s, int i)
{
	struct xport *x = &s->unproven[i];
	char why[256];
	int r;

	r = xport_handshake(x, why, sizeof(why));
	if (r == 0)
		return;
	if (r < 0) {
		server_trace(s, MSG_SRV_PEER_NOT_PROVEN, x->peer, why);
		xport_close(x);
		return;
	}
	link_proven(s, x);
}

static void
link_accept(struct server *s, int lfd)
{
	struct sockaddr_storage ss;
	socklen_t slen = sizeof(ss);
	char peer[XPORT_PEER_MAX];
	int fd, i, one = 1, busy = 0;

	fd = accept4(lfd, (struct sockaddr *)&ss, &slen,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			server_trace(s, MSG_TS_ACCEPT_ERR, errno);
		return;
	}
	link_addr_text((struct sockaddr *)&ss, slen, peer, sizeof(peer));
	server_trace(s, MSG_SRV_CONN_FROM, peer);
	for (i = 0; i < SRV_UNPROVEN_MAX; i++)
		if (s->unproven[i].fd < 0)
			break;
	if (i == SRV_UNPROVEN_MAX) {
		for (busy = 0; busy < SRV_UNPROVEN_MAX &&
		    s->unproven[busy].fd >= 0; busy++)
			;
		server_trace(s, MSG_SRV_CONN_BUSY, peer, busy);
		close(fd);
		return;
	}
	/* ACKs are small and must not wait for Nagle. */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	xport_open(&s->unproven[i], &s->xctx, fd, peer);
	ts_after(&s->unproven_deadline[i], SRV_AUTH_GRACE);
	link_unproven_step(s, i);
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
	int i, ms;

	for (i = 0; i < s->nlisten && !s->stopping; i++) {
		pfd[*n].fd = s->listen_fds[i];
		pfd[(*n)++].events = POLLIN;
	}
	for (i = 0; i < SRV_UNPROVEN_MAX; i++)
		if (s->unproven[i].fd >= 0) {
			pfd[*n].fd = s->unproven[i].fd;
			pfd[(*n)++].events = s->unproven[i].want;
			server_wake(timeout, &s->unproven_deadline[i]);
		}
	if (s->pend_fd >= 0) {
		pfd[*n].fd = s->pend_fd;
		pfd[(*n)++].events = s->pend_x.rd_want;
		server_wake(timeout, &s->pend_deadline);
	}
	if (s->sock >= 0) {
		ev = 0;
		if (s->phase == LP_CONNECTING)
			ev = POLLOUT;	/* the call completes */
		else if (s->phase == LP_PROVING) {
			ev = s->xp.want;
			server_wake(timeout, &s->auth_deadline);
		} else if (s->connected) {
			if (s->rlen < SRV_RBUF && !link_deaf(s)) {
				ev |= s->xp.rd_want;
				if (xport_pending(&s->xp) > 0)
					*timeout = 0;
			}
			if (s->out.len > s->out.off)
				ev |= s->xp.wr_want;
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
	int i, j;

	for (i = 0; i < n; i++) {
		if (pfd[i].revents == 0)
			continue;
		for (j = 0; j < s->nlisten; j++)
			if (pfd[i].fd == s->listen_fds[j])
				link_accept(s, pfd[i].fd);
		for (j = 0; j < SRV_UNPROVEN_MAX; j++)
			if (pfd[i].fd == s->unproven[j].fd &&
			    s->unproven[j].fd >= 0)
				link_unproven_step(s, j);
		if (pfd[i].fd == s->pend_fd && s->pend_fd >= 0)
			link_pend_read(s);
		else if (pfd[i].fd == s->sock && s->sock >= 0) {
			if (s->phase == LP_CONNECTING && (pfd[i].revents &
			    (POLLOUT | POLLERR | POLLHUP)))
				link_called(s);
			else if (s->phase == LP_PROVING)
				link_prove(s);
			else if (s->connected && (pfd[i].revents &
			    (POLLIN | POLLOUT | POLLHUP | POLLERR)) &&
			    !link_deaf(s) && link_read(s) < 0)
				server_link_drop(s);
		}
	}
	/* Bytes TLS decrypted already, that no poll() announces. */
	if (s->connected && s->sock >= 0 && !link_deaf(s) &&
	    xport_pending(&s->xp) > 0 && link_read(s) < 0)
		server_link_drop(s);
	/* The grace time of a proof (sshd's LoginGraceTime). */
	for (j = 0; j < SRV_UNPROVEN_MAX; j++)
		if (s->unproven[j].fd >= 0 &&
		    ts_due(&s->unproven_deadline[j])) {
			server_trace(s, MSG_SRV_PEER_NOT_PROVEN,
			    s->unproven[j].peer, "no proof within the grace "
			    "time");
			xport_close(&s->unproven[j]);
		}
	if (s->phase == LP_PROVING && ts_due(&s->auth_deadline)) {
		server_trace(s, MSG_SRV_PEER_NOT_PROVEN, s->xp.peer,
		    "no proof within the grace time");
		link_close_sock(s, 0, 1);
		link_call_reset(s);
		link_call_failed(s);
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
	int i;

	link_close_sock(s, s->connected, 0);
	s->connected = 0;
	s->hello_done = 0;
	s->rlen = 0;
	link_unlisten(s);
	for (i = 0; i < SRV_UNPROVEN_MAX; i++)
		if (s->unproven[i].fd >= 0)
			xport_close(&s->unproven[i]);
	link_pend_close(s);
	free(s->pend_buf);
	s->pend_buf = NULL;
	link_call_reset(s);
	xport_ctx_free(&s->xctx);
}
