/*
 * control.c — the control socket: request parsing, the non-blocking
 * server side for a poll() loop, and the blocking command-line client.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "util.h"

static const char *const control_verbs[CONTROL__COUNT] = {
	[CONTROL_QUERY] = "QUERY",	[CONTROL_STOP] = "STOP",
	[CONTROL_TRACEON] = "TRACEON",	[CONTROL_TRACEOFF] = "TRACEOFF",
	[CONTROL_SETARG] = "SETARG",	[CONTROL_CHECK] = "CHECK",
	[CONTROL_SHUTDOWN] = "SHUTDOWN", [CONTROL_STATUS] = "STATUS",
	[CONTROL_PING] = "PING",
	[CONTROL_RESYNC] = "RESYNC",	[CONTROL_TLTEST] = "TLTEST",
};

int
control_parse_request(const char *line, struct control_req *req)
{
	size_t len = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
	int v;

	req->args = "";
	req->error = *line == '\0' ? "empty request" : "unknown verb";
	if (line[len] != '\0' && line[len] != ' ' && line[len] != '\t')
		return -1;
	for (v = 0; v < CONTROL__COUNT; v++)
		if (strlen(control_verbs[v]) == len &&
		    strncmp(control_verbs[v], line, len) == 0)
			break;
	if (len == 0 || v == CONTROL__COUNT)
		return -1;
	req->verb = v;
	req->error = NULL;
	req->args = line + len + strspn(line + len, " \t");
	return 0;
}

const char *
control_verb_name(enum control_verb verb)
{
	return verb < CONTROL__COUNT ? control_verbs[verb] : "?";
}

/* sun_path holds 108 bytes: a longer path must not be truncated. */
static int
control_addr(const char *path, struct sockaddr_un *sa, struct errbuf *err)
{
	size_t len = strlen(path);

	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (len == 0 || len >= sizeof(sa->sun_path)) {
		errbuf_set(err, "control socket path %s (%zu bytes; at most "
		    "%zu)", len == 0 ? "is empty" : "is too long", len,
		    sizeof(sa->sun_path) - 1);
		errno = len == 0 ? EINVAL : ENAMETOOLONG;
		return -1;
	}
	memcpy(sa->sun_path, path, len + 1);
	return 0;
}

int
control_listen(const char *path, mode_t mode, struct errbuf *err)
{
	struct sockaddr_un sa;
	struct stat st;
	int fd, probe, r, saved;

	if (control_addr(path, &sa, err) == -1)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		errbuf_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		goto bound;
	if (errno != EADDRINUSE || (probe = socket(AF_UNIX, SOCK_STREAM |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
		errbuf_set(err, "bind %s: %s", path, strerror(errno));
		goto fail;
	}
	/* Is a server answering?  A full backlog (EAGAIN) says yes too. */
	r = connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : errno;
	close(probe);
	if (r == 0 || r == EAGAIN) {
		errbuf_set(err, "%s is in use: a server answers on it", path);
		errno = EADDRINUSE;
		goto fail;
	}
	if (r != ECONNREFUSED) {
		errbuf_set(err, "connect %s: %s", path, strerror(r));
		errno = r;
		goto fail;
	}
	/* Nobody answers: stale.  connect(2) refuses a regular file too. */
	if (lstat(path, &st) == -1 || !S_ISSOCK(st.st_mode)) {
		errbuf_set(err, "%s exists and is not a socket", path);
		errno = EEXIST;
		goto fail;
	}
	if ((unlink(path) == -1 && errno != ENOENT) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		errbuf_set(err, "replace stale %s: %s", path, strerror(errno));
		goto fail;
	}
bound:
	/*
	 * bind(2) creates the file by the umask and fchmod(2) on a socket
	 * does not reach it: chmod the path.  The home (0750) covers the
	 * short window, and control_allowed judges every request anyway.
	 */
	if (chmod(path, mode) == -1) {
		errbuf_set(err, "chmod %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (listen(fd, CONTROL_BACKLOG) == -1) {
		errbuf_set(err, "listen %s: %s", path, strerror(errno));
		goto fail_unlink;
	}
	return fd;
fail_unlink:
	saved = errno;
	unlink(path);
	errno = saved;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

void
control_unlisten(int fd, const char *path)
{
	if (fd >= 0)
		close(fd);
	if (path != NULL)
		unlink(path);
}

int
control_accept(int lfd, struct control_conn *c, struct errbuf *err)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC))
	    == -1) {
		/* A client that gave up before we got to it is no error. */
		if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED)
			return 0;
		errbuf_set(err, "accept: %s", strerror(errno));
		return -1;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		errbuf_set(err, "SO_PEERCRED: %s", strerror(errno));
		close(fd);
		return -1;
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->pid = cred.pid;
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += CONTROL_IDLE_S;
	return 1;
}

int
control_expired(const struct control_conn *c, const struct timespec *now)
{
	if (now->tv_sec != c->deadline.tv_sec)
		return now->tv_sec > c->deadline.tv_sec;
	return now->tv_nsec >= c->deadline.tv_nsec;
}

/*
 * POLLHUP on a Unix stream socket is both directions shut: the peer
 * closed (or shut down both).  Its request may still be in our buffer,
 * but nobody reads the answer.
 */
int
control_gone(const struct control_conn *c)
{
	struct pollfd pfd = { .fd = c->fd, .events = 0 };

	if (poll(&pfd, 1, 0) < 0)
		return 0;
	return (pfd.revents & (POLLHUP | POLLERR)) != 0;
}

/* Is user uid a member of group in the user database? */
static int
control_in_group(uid_t uid, gid_t group)
{
	struct passwd pw, *res = NULL;
	char buf[16384];
	gid_t small[64], *groups = small;
	int n = ARRAY_LEN(small), i, found = 0;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return 0;
	/* Too short a list: glibc says how long it must be. */
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) == -1) {
		if (n <= (int)ARRAY_LEN(small) || n > 65536)
			return 0;
		groups = xreallocarray(NULL, n, sizeof(*groups));
		if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) == -1)
			n = 0;
	}
	for (i = 0; i < n && !found; i++)
		found = groups[i] == group;
	if (groups != small)
		free(groups);
	return found;
}

int
control_allowed(const struct control_conn *c, uid_t owner, gid_t group)
{
	if (c->uid == 0 || c->uid == owner)
		return 1;
	if (group == (gid_t)-1)
		return 0;
	return c->gid == group || control_in_group(c->uid, group);
}

int
control_read(struct control_conn *c, char **line)
{
	ssize_t n;
	size_t old;
	char *nl;

	for (;;) {
		if (c->inlen == sizeof(c->in))
			goto bad;
		n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n <= 0) {
			c->closing = 1;
			return -1;
		}
		old = c->inlen;
		c->inlen += n;
		nl = memchr(c->in + old, '\n', n);
		if (memchr(c->in + old, '\0',
		    (nl != NULL ? nl : c->in + c->inlen) - (c->in + old)))
			goto bad;
		if (nl != NULL) {
			*nl = '\0';
			*line = c->in;
			return 1;
		}
	}
bad:
	control_reply_err(c, "bad request");
	return -1;
}

/*
 * Make room for a line of len bytes, newline and vsnprintf's NUL, the
 * answer staying within limit; else mark the overflow and return -1.
 */
static int
control_room(struct control_conn *c, size_t limit, size_t len)
{
	if (c->outlen + len + 1 > limit) {
		c->overflow = 1;
		return -1;
	}
	if (c->outlen + len + 2 > c->outsize) {
		c->outsize = c->outsize == 0 ? 256 : c->outsize;
		while (c->outsize < c->outlen + len + 2)
			c->outsize *= 2;
		c->out = xreallocarray(c->out, c->outsize, 1);
	}
	return 0;
}

void
control_reply(struct control_conn *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->closing || c->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	/* Keep room for the final line, so that it always gets out. */
	if (n < 0 || control_room(c, CONTROL_OUT_MAX - CONTROL_LINE_MAX, n))
		return;
	va_start(ap, fmt);
	vsnprintf(c->out + c->outlen, n + 1, fmt, ap);
	va_end(ap);
	c->outlen += n;
	c->out[c->outlen++] = '\n';
}

static void
control_final(struct control_conn *c, const char *line)
{
	size_t len = strlen(line);

	if (control_room(c, CONTROL_OUT_MAX, len) == 0) {
		memcpy(c->out + c->outlen, line, len);
		c->outlen += len;
		c->out[c->outlen++] = '\n';
	}
	c->closing = 1;
}

void
control_reply_ok(struct control_conn *c)
{
	if (c->overflow)
		control_reply_err(c, "answer too long (over %d bytes)",
		    CONTROL_OUT_MAX);
	else if (!c->closing)
		control_final(c, "OK");
}

void
control_reply_err(struct control_conn *c, const char *fmt, ...)
{
	char line[CONTROL_LINE_MAX];
	va_list ap;
	size_t i;

	if (c->closing)
		return;
	memcpy(line, "ERR ", 4);
	va_start(ap, fmt);
	vsnprintf(line + 4, sizeof(line) - 4, fmt, ap);
	va_end(ap);
	/* The reason is the last line: a newline in it would end it early. */
	for (i = 4; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < ' ')
			line[i] = ' ';
	control_final(c, line);
}

int
control_flush(struct control_conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return 0;
		if (n == -1)
			return -1;
		c->outoff += n;
	}
	return 1;
}

void
control_close(struct control_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static long long
control_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Wait for events on fd until deadline (ms; -1: none): 1, 0 timeout, -1. */
static int
control_wait(int fd, short events, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	long long left;
	int r;

	do {
		left = deadline < 0 ? -1 : deadline - control_now_ms();
		if (deadline >= 0 && left <= 0)
			return 0;
		r = poll(&pfd, 1, (int)left);
	} while (r == -1 && errno == EINTR);
	return r;
}

/* Connected, non-blocking fd; -1, or -2 when nothing listens. */
static int
control_connect(const struct sockaddr_un *sa, int timeout_ms,
    struct errbuf *err)
{
	struct timeval tv = { timeout_ms / 1000, timeout_ms % 1000 * 1000 };
	int fd, saved;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		errbuf_set(err, "socket: %s", strerror(errno));
		return -1;
	}
	/*
	 * A Unix connect(2) waits only while the server's backlog is full;
	 * SO_SNDTIMEO bounds that wait (a zero timeval would mean forever).
	 */
	if (timeout_ms >= 0) {
		if (timeout_ms == 0)
			tv.tv_usec = 1;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0 &&
	    fcntl(fd, F_SETFL, O_NONBLOCK) == 0)
		return fd;
	saved = errno;
	close(fd);
	errno = saved;
	if (saved == ENOENT || saved == ECONNREFUSED) {
		errbuf_set(err, "not running (%s)", strerror(saved));
		errno = saved;
		return -2;
	}
	if (saved == EAGAIN || saved == EINPROGRESS) {
		errbuf_set(err, "no answer within %d ms", timeout_ms);
		errno = ETIMEDOUT;
	} else
		errbuf_set(err, "connect: %s", strerror(saved));
	return -1;
}

/* Split the answer at its final line; see control_request. */
static int
control_split(char *buf, size_t len, struct errbuf *err)
{
	char *last;

	if (len == 0) {
		errbuf_set(err, "the server closed without an answer");
		return -1;
	}
	if (buf[len - 1] != '\n' || memchr(buf, '\0', len) != NULL)
		goto bad;
	buf[len - 1] = '\0';
	last = memrchr(buf, '\n', len - 1);
	last = last != NULL ? last + 1 : buf;
	if (strcmp(last, "OK") == 0) {
		*last = '\0';
		return 0;
	}
	if (strcmp(last, "ERR") == 0 || strncmp(last, "ERR ", 4) == 0) {
		memmove(last, last + 3 + (last[3] == ' '),
		    strlen(last + 3 + (last[3] == ' ')) + 1);
		errbuf_set(err, "%s", last);
		return 1;
	}
bad:
	errbuf_set(err, "malformed answer from the server");
	errno = EPROTO;
	return -1;
}

int
control_request(const char *path, const char *request, char **response,
    int timeout_ms, struct errbuf *err)
{
	struct sockaddr_un sa;
	long long deadline = -1;
	char *msg, *buf = NULL;
	size_t len, off = 0, cap = 0;
	ssize_t n;
	int fd, rc = -1;

	*response = NULL;
	if (control_addr(path, &sa, err) == -1)
		return -1;
	if (strchr(request, '\n') != NULL) {
		errbuf_set(err, "a request is one line");
		errno = EINVAL;
		return -1;
	}
	if (timeout_ms >= 0)
		deadline = control_now_ms() + timeout_ms;
	if ((fd = control_connect(&sa, timeout_ms, err)) < 0)
		return fd;

	msg = xasprintf("%s\n", request);
	len = strlen(msg);
	while (off < len) {
		if ((n = send(fd, msg + off, len - off, MSG_NOSIGNAL)) >= 0)
			off += n;
		else if (errno == EPIPE || errno == ECONNRESET)
			break;	/* the server may have refused it: read why */
		else if (errno != EAGAIN && errno != EINTR)
			goto ioerr;
		else if ((n = control_wait(fd, POLLOUT, deadline)) <= 0)
			goto waiterr;
	}
	for (off = 0;;) {
		if (off == cap) {
			cap = cap == 0 ? 4096 : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		if ((n = recv(fd, buf + off, cap - off, 0)) > 0) {
			if ((off += n) <= CONTROL_OUT_MAX)
				continue;
			errbuf_set(err, "answer over %d bytes",
			    CONTROL_OUT_MAX);
			errno = EMSGSIZE;
			goto out;
		}
		/*
		 * Linux reports ECONNRESET, after the data, when the server
		 * closed with input unread (it refused an oversized request):
		 * the end of the answer as much as EOF.
		 */
		if (n == 0 || errno == ECONNRESET)
			break;
		if (errno != EAGAIN && errno != EINTR)
			goto ioerr;
		if ((n = control_wait(fd, POLLIN, deadline)) <= 0)
			goto waiterr;
	}
	if ((rc = control_split(buf, off, err)) >= 0) {
		*response = buf;
		buf = NULL;
	}
	goto out;
waiterr:
	if (n == 0) {
		errbuf_set(err, "no answer within %d ms", timeout_ms);
		errno = ETIMEDOUT;
		goto out;
	}
ioerr:
	errbuf_set(err, "%s", strerror(errno));
out:
	close(fd);
	free(msg);
	free(buf);
	return rc;
}

void
control_answer(struct control_conn *c, int ok, const char *text)
{
	c->waiting = 0;
	if (ok) {
		control_reply(c, "%s", text);
		control_reply_ok(c);
	} else
		control_reply_err(c, "%s", text);
}
