/*
 * fuzz_control.c — libFuzzer target of the control socket's decoders
 * (tapesock/control.c), the input read three ways:
 *
 *   - as a request line: control_parse_request on it (up to its first
 *     NUL), whose verb must name itself back and whose arguments must
 *     lie inside the line;
 *   - as what a client sends the server: written into a socket pair
 *     whose other end control_read reads, as the server's poll loop
 *     does, then answered (control_reply, _ok/_err, control_flush);
 *   - as what a server answers the client: control_request connects to
 *     a socket in the target's temporary directory, where a thread
 *     accepts, reads the request and sends the input back, so that the
 *     answer's split (final OK or ERR line) is exercised.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <pthread.h>

#include "control.h"
#include "fuzz.h"

static int	lfd = -1;
static char	sockpath[300];

struct answer {
	const uint8_t	*p;
	size_t		 n;
};

static void
fuzz_parse(const char *line)
{
	struct control_req req;

	if (control_parse_request(line, &req) != 0) {
		FUZZ_CHECK(req.error != NULL);
		return;
	}
	FUZZ_CHECK(req.error == NULL && req.verb < CONTROL__COUNT);
	FUZZ_CHECK(strncmp(line, control_verb_name(req.verb),
	    strlen(control_verb_name(req.verb))) == 0);
	FUZZ_CHECK(req.args >= line && req.args <= line + strlen(line));
}

/* The server side: p[0..n) arrives from a client. */
static void
fuzz_server(const uint8_t *p, size_t n)
{
	struct control_conn c;
	char *line, drain[4096];
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
	    sv) < 0)
		return;
	memset(&c, 0, sizeof(c));
	c.fd = sv[0];
	/* Written in two pieces; an odd first byte leaves the client's end
	 * open (the server must then wait), an even one shuts it. */
	if (n > 0 && send(sv[1], p, n / 2, MSG_NOSIGNAL) < 0)
		goto out;
	r = control_read(&c, &line);
	if (r == 0) {
		if (n / 2 < n && send(sv[1], p + n / 2, n - n / 2,
		    MSG_NOSIGNAL) < 0)
			goto out;
		if (n == 0 || (p[0] & 1) == 0)
			shutdown(sv[1], SHUT_WR);
		r = control_read(&c, &line);
	}
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (r == 1) {
		FUZZ_CHECK(strlen(line) < CONTROL_LINE_MAX);
		fuzz_parse(line);
		control_reply(&c, "echo %s", line);
		if (n > 0 && (p[0] & 2))
			control_reply_err(&c, "%s", line);
		control_reply_ok(&c);
	} else if (r == -1)
		FUZZ_CHECK(c.closing);
	while ((r = control_flush(&c)) == 0)
		if (read(sv[1], drain, sizeof(drain)) <= 0)
			break;
out:
	control_close(&c);
	close(sv[1]);
}

static void *
fuzz_answerer(void *arg)
{
	const struct answer *a = arg;
	char buf[CONTROL_LINE_MAX];
	size_t off = 0;
	ssize_t r;
	int fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) < 0)
		return NULL;
	/* The request first, so that the close is not a reset. */
	while (off < sizeof(buf) && (r = read(fd, buf + off,
	    sizeof(buf) - off)) > 0) {
		off += (size_t)r;
		if (memchr(buf, '\n', off) != NULL)
			break;
	}
	for (off = 0; off < a->n; off += (size_t)r)
		if ((r = send(fd, a->p + off, a->n - off, MSG_NOSIGNAL)) <= 0)
			break;
	close(fd);
	return NULL;
}

/* The client side: p[0..n) is the server's answer. */
static void
fuzz_client(const uint8_t *p, size_t n)
{
	struct answer a = { p, n };
	struct errbuf err;
	pthread_t t;
	char *resp;
	int rc;

	if (lfd < 0 || pthread_create(&t, NULL, fuzz_answerer, &a) != 0)
		return;
	rc = control_request(sockpath, "QUERY", &resp, 10000, &err);
	pthread_join(t, NULL);
	FUZZ_CHECK(rc >= -2 && rc <= 1);
	FUZZ_CHECK((rc >= 0) == (resp != NULL));
	if (rc == 1)
		FUZZ_CHECK(strchr(err.msg, '\n') == NULL);
	free(resp);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_un sa;
	const char *dir = fuzz_tmpdir();

	if (dir == NULL)
		return 0;
	snprintf(sockpath, sizeof(sockpath), "%s/s.sock", dir);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	if ((lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return 0;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0) {
		close(lfd);
		lfd = -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = fuzz_str(data, size);

	if (line == NULL)
		return 0;
	fuzz_parse(line);
	free(line);
	fuzz_server(data, size);
	fuzz_client(data, size);
	return 0;
}
