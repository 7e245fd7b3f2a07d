/*
 * check_control.c — the control socket: request parsing; line reading,
 * answer buffering and flushing over socketpairs; the listen rules
 * (stale file replaced, live socket kept); peer permissions; and round
 * trips with a forked server that serves through poll() like a daemon.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "tests.h"
#include "util.h"

#define TEST_MAXCONN	8
#define TEST_TIMEOUT	2000	/* ms: generous, a healthy answer is instant */

/* sv[0] is the server's end (non-blocking, as accepted), sv[1] the client's. */
static void
conn_pair(struct control_conn *c, int *client)
{
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
	    sv), 0);
	ck_assert_int_eq(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	memset(c, 0, sizeof(*c));
	c->fd = sv[0];
	*client = sv[1];
}

static void
write_str(int fd, const char *s)
{
	ck_assert_int_eq(write_all(fd, s, strlen(s)), 0);
}

/*
 * Everything fd sends until EOF, NUL-terminated; the caller frees it.
 * A peer that closed with our input unread makes Linux end with
 * ECONNRESET instead of EOF.
 */
static char *
read_to_eof(int fd)
{
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;

	do {
		buf = xreallocarray(buf, len + 4096 + 1, 1);
		n = read(fd, buf + len, 4096);
		if (n == -1 && errno == ECONNRESET)
			n = 0;
		ck_assert_int_ge(n, 0);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	return buf;
}

/* A socket file nobody listens on, as a crashed server leaves it. */
static void
make_stale(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
}

static int
try_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0), rc;

	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, path);
	rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	return rc;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* What the test server answers: a tiny stand-in for a daemon's table. */
static void
test_dispatch(struct control_conn *c, const char *line, int *stop)
{
	struct control_req req;

	if (!control_allowed(c, getuid(), (gid_t)-1)) {
		control_reply_err(c, "permission denied");
		return;
	}
	if (control_parse_request(line, &req) == -1) {
		control_reply_err(c, "%s", req.error);
		return;
	}
	switch (req.verb) {
	case CONTROL_PING:
		break;
	case CONTROL_QUERY:
		control_reply(c, "server test");
		control_reply(c, "args [%s]", req.args);
		control_reply(c, "line three");
		break;
	case CONTROL_STATUS:
		control_reply(c, "uid=%u gid=%u pid=%ld", (unsigned)c->uid,
		    (unsigned)c->gid, (long)c->pid);
		break;
	case CONTROL_STOP:
		*stop = 1;
		break;
	default:
		control_reply_err(c, "%s not served",
		    control_verb_name(req.verb));
		return;
	}
	control_reply_ok(c);
}

/*
 * The forked server: one poll() loop over the listening socket and its
 * connections, until STOP has been answered.  Exits 3 when idle for
 * 5 s, so that a failed test never leaves it behind.
 */
static void __attribute__((noreturn))
test_serve(int lfd)
{
	struct control_conn conns[TEST_MAXCONN], *c;
	struct pollfd pfd[TEST_MAXCONN + 1];
	struct errbuf err;
	char *line;
	int i, r, stop = 0, nopen = 0;

	for (i = 0; i < TEST_MAXCONN; i++) {
		memset(&conns[i], 0, sizeof(conns[i]));
		conns[i].fd = -1;
	}
	for (;;) {
		if (stop && nopen == 0)
			_exit(0);
		pfd[0].fd = stop || nopen == TEST_MAXCONN ? -1 : lfd;
		pfd[0].events = POLLIN;
		for (i = 0; i < TEST_MAXCONN; i++) {
			c = &conns[i];
			pfd[i + 1].fd = c->fd;
			pfd[i + 1].events = c->outoff < c->outlen ? POLLOUT :
			    POLLIN;
		}
		if (poll(pfd, TEST_MAXCONN + 1, 5000) <= 0)
			_exit(3);
		if (pfd[0].revents != 0) {
			for (i = 0; conns[i].fd != -1; i++)
				;
			if ((r = control_accept(lfd, &conns[i], &err)) == -1)
				_exit(4);
			nopen += r;
		}
		for (i = 0; i < TEST_MAXCONN; i++) {
			c = &conns[i];
			if (pfd[i + 1].fd == -1 || pfd[i + 1].revents == 0)
				continue;
			if (!c->closing && control_read(c, &line) == 1)
				test_dispatch(c, line, &stop);
			r = control_flush(c);
			if (r == -1 || (r == 1 && c->closing)) {
				control_close(c);
				nopen--;
			}
		}
	}
}

/* Listen in the parent, so that the socket answers before the fork. */
static pid_t
server_start(const char *path)
{
	struct errbuf err;
	pid_t pid;
	int lfd;

	lfd = control_listen(path, 0660, &err);
	ck_assert_msg(lfd >= 0, "control_listen: %s", err.msg);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0)
		test_serve(lfd);
	close(lfd);
	return pid;
}

static void
server_stop(const char *path, pid_t pid)
{
	struct errbuf err;
	char *resp;
	int status;

	ck_assert_int_eq(control_request(path, "STOP", &resp, TEST_TIMEOUT,
	    &err), 0);
	free(resp);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}

START_TEST(test_parse)
{
	static const struct {
		const char		*line;
		int			 rc;
		enum control_verb	 verb;
		const char		*args;	/* or the error */
	} cases[] = {
		{ "PING", 0, CONTROL_PING, "" },
		{ "QUERY", 0, CONTROL_QUERY, "" },
		{ "SETARG server=a trace=on", 0, CONTROL_SETARG,
		    "server=a trace=on" },
		{ "STOP \t now", 0, CONTROL_STOP, "now" },
		{ "TRACEOFF ", 0, CONTROL_TRACEOFF, "" },
		{ "SHUTDOWN\tx", 0, CONTROL_SHUTDOWN, "x" },
		{ "", -1, 0, "empty request" },
		{ "ping", -1, 0, "unknown verb" },
		{ "FOO", -1, 0, "unknown verb" },
		{ "PINGS", -1, 0, "unknown verb" },
		{ "PIN", -1, 0, "unknown verb" },
		{ "PING:x", -1, 0, "unknown verb" },
		{ " PING", -1, 0, "unknown verb" },
		{ "CHECk", -1, 0, "unknown verb" },
	};
	struct control_req req;
	size_t i;

	for (i = 0; i < ARRAY_LEN(cases); i++) {
		memset(&req, 0, sizeof(req));
		ck_assert_msg(control_parse_request(cases[i].line, &req) ==
		    cases[i].rc, "case %zu: %s", i, cases[i].line);
		if (cases[i].rc == 0) {
			ck_assert_int_eq(req.verb, cases[i].verb);
			ck_assert_str_eq(req.args, cases[i].args);
			ck_assert_ptr_null(req.error);
		} else
			ck_assert_str_eq(req.error, cases[i].args);
	}
}
END_TEST

START_TEST(test_verb_names)
{
	struct control_req req;
	int v;

	for (v = 0; v < CONTROL__COUNT; v++) {
		ck_assert_int_eq(control_parse_request(control_verb_name(v),
		    &req), 0);
		ck_assert_int_eq(req.verb, v);
	}
	ck_assert_str_eq(control_verb_name(CONTROL_TRACEON), "TRACEON");
	ck_assert_str_eq(control_verb_name(CONTROL__COUNT), "?");
}
END_TEST

/* Each byte arrives alone: nothing is parsed before the newline. */
START_TEST(test_read_bytewise)
{
	static const char req[] = "SETARG trace=on\n";
	struct control_conn c;
	char *line = NULL;
	size_t i;
	int client;

	conn_pair(&c, &client);
	ck_assert_int_eq(control_read(&c, &line), 0);
	for (i = 0; i < sizeof(req) - 2; i++) {
		ck_assert_int_eq(write(client, req + i, 1), 1);
		ck_assert_int_eq(control_read(&c, &line), 0);
		ck_assert_uint_eq(c.inlen, i + 1);
	}
	ck_assert_int_eq(write(client, "\n", 1), 1);
	ck_assert_int_eq(control_read(&c, &line), 1);
	ck_assert_ptr_eq(line, c.in);
	ck_assert_str_eq(line, "SETARG trace=on");
	ck_assert_int_eq(c.closing, 0);
	ck_assert_uint_eq(c.outlen, 0);
	control_close(&c);
	ck_assert_int_eq(c.fd, -1);
	close(client);
}
END_TEST

START_TEST(test_read_limits)
{
	struct control_conn c;
	char big[CONTROL_LINE_MAX + 1], *line;
	int client;

	/* The longest request: 4095 bytes and the newline. */
	conn_pair(&c, &client);
	memset(big, 'A', CONTROL_LINE_MAX - 1);
	big[CONTROL_LINE_MAX - 1] = '\n';
	ck_assert_int_eq(write_all(client, big, CONTROL_LINE_MAX), 0);
	ck_assert_int_eq(control_read(&c, &line), 1);
	ck_assert_uint_eq(strlen(line), CONTROL_LINE_MAX - 1);
	control_close(&c);
	close(client);

	/* One byte more and it is refused, with an answer. */
	conn_pair(&c, &client);
	memset(big, 'A', CONTROL_LINE_MAX);
	big[CONTROL_LINE_MAX] = '\n';
	ck_assert_int_eq(write_all(client, big, CONTROL_LINE_MAX + 1), 0);
	ck_assert_int_eq(control_read(&c, &line), -1);
	ck_assert_int_eq(c.closing, 1);
	ck_assert_int_eq(control_flush(&c), 1);
	control_close(&c);
	line = read_to_eof(client);
	ck_assert_str_eq(line, "ERR bad request\n");
	free(line);
	close(client);

	/* A NUL is refused too. */
	conn_pair(&c, &client);
	ck_assert_int_eq(write_all(client, "PI\0NG\n", 6), 0);
	ck_assert_int_eq(control_read(&c, &line), -1);
	ck_assert_int_eq(c.closing, 1);
	ck_assert_uint_eq(c.outlen, strlen("ERR bad request\n"));
	ck_assert_int_eq(memcmp(c.out, "ERR bad request\n", c.outlen), 0);
	control_close(&c);
	close(client);

	/* EOF before the newline: nothing to answer. */
	conn_pair(&c, &client);
	write_str(client, "PIN");
	ck_assert_int_eq(control_read(&c, &line), 0);
	close(client);
	ck_assert_int_eq(control_read(&c, &line), -1);
	ck_assert_int_eq(c.closing, 1);
	ck_assert_uint_eq(c.outlen, 0);
	ck_assert_int_eq(control_flush(&c), 1);
	control_close(&c);
}
END_TEST

START_TEST(test_reply_lines)
{
	struct control_conn c;
	char *text;
	int client;

	conn_pair(&c, &client);
	control_reply(&c, "first %d", 1);
	control_reply(&c, "%s", "");
	control_reply(&c, "third");
	control_reply_ok(&c);
	ck_assert_int_eq(c.closing, 1);
	/* Nothing gets in after the final line. */
	control_reply(&c, "late");
	control_reply_ok(&c);
	control_reply_err(&c, "late");
	ck_assert_int_eq(control_flush(&c), 1);
	control_close(&c);
	text = read_to_eof(client);
	ck_assert_str_eq(text, "first 1\n\nthird\nOK\n");
	free(text);
	close(client);

	/* The reason stays on the final line. */
	conn_pair(&c, &client);
	control_reply(&c, "partial");
	control_reply_err(&c, "two\nlines %s", "x\ty");
	ck_assert_int_eq(c.closing, 1);
	ck_assert_int_eq(control_flush(&c), 1);
	control_close(&c);
	text = read_to_eof(client);
	ck_assert_str_eq(text, "partial\nERR two lines x y\n");
	free(text);
	close(client);
}
END_TEST

START_TEST(test_reply_bound)
{
	struct control_conn c;
	char line[1000];
	int i;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 2000; i++)
		control_reply(&c, "%s", line);
	ck_assert_int_eq(c.overflow, 1);
	ck_assert_uint_le(c.outlen, CONTROL_OUT_MAX - CONTROL_LINE_MAX);
	/* Only whole lines are kept. */
	ck_assert_uint_eq(c.outlen % sizeof(line), 0);
	control_reply_ok(&c);
	ck_assert_uint_le(c.outlen, CONTROL_OUT_MAX);
	ck_assert_int_eq(c.closing, 1);
	c.out[c.outlen - 1] = '\0';
	ck_assert_str_eq(strrchr(c.out, '\n') + 1,
	    "ERR answer too long (over 1048576 bytes)");
	control_close(&c);
}
END_TEST

/* An answer larger than the socket buffer goes out over several flushes. */
START_TEST(test_flush_partial)
{
	struct control_conn c;
	char line[1000], buf[65536], *want;
	size_t got = 0;
	ssize_t n;
	int client, i, r, zeros = 0;

	conn_pair(&c, &client);
	memset(line, 'y', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	for (i = 0; i < 800; i++)
		control_reply(&c, "%04d %s", i, line);
	control_reply_ok(&c);
	want = xstrndup(c.out, c.outlen);
	while ((r = control_flush(&c)) == 0) {
		zeros++;
		n = read(client, buf, sizeof(buf));
		ck_assert_int_gt(n, 0);
		ck_assert_int_eq(memcmp(buf, want + got, n), 0);
		got += n;
	}
	ck_assert_int_eq(r, 1);
	ck_assert_int_gt(zeros, 0);
	ck_assert_uint_eq(c.outoff, c.outlen);
	control_close(&c);
	while ((n = read(client, buf, sizeof(buf))) > 0) {
		ck_assert_int_eq(memcmp(buf, want + got, n), 0);
		got += n;
	}
	ck_assert_uint_eq(got, strlen(want));
	free(want);
	close(client);
}
END_TEST

START_TEST(test_listen_stale)
{
	struct errbuf err;
	struct stat st;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	int lfd;

	make_stale(path);
	ck_assert_int_eq(try_connect(path), -1);
	ck_assert_int_eq(errno, ECONNREFUSED);
	lfd = control_listen(path, 0660, &err);
	ck_assert_msg(lfd >= 0, "control_listen: %s", err.msg);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_int_eq(st.st_mode & 07777, 0660);
	ck_assert(fcntl(lfd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(lfd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(try_connect(path), 0);
	control_unlisten(lfd, path);
	ck_assert_int_eq(access(path, F_OK), -1);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_listen_live_kept)
{
	struct control_conn c;
	struct errbuf err;
	struct stat before, after;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	int lfd;

	lfd = control_listen(path, 0600, &err);
	ck_assert_msg(lfd >= 0, "control_listen: %s", err.msg);
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(control_listen(path, 0660, &err), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	ck_assert_ptr_nonnull(strstr(err.msg, "in use"));
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	ck_assert_int_eq(after.st_mode & 07777, 0600);
	/* The first server still gets its clients (the probe came first). */
	ck_assert_int_eq(try_connect(path), 0);
	ck_assert_int_eq(control_accept(lfd, &c, &err), 1);
	control_close(&c);
	ck_assert_int_eq(control_accept(lfd, &c, &err), 1);
	control_close(&c);
	ck_assert_int_eq(control_accept(lfd, &c, &err), 0);
	control_unlisten(lfd, path);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_listen_not_socket)
{
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	char *text;
	size_t len;

	ck_assert_int_eq(atomic_write_file(path, "keep", 4, 0600), 0);
	ck_assert_int_eq(control_listen(path, 0660, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a socket"));
	ck_assert_int_eq(read_file(path, &text, &len), 0);
	ck_assert_str_eq(text, "keep");
	free(text);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_path_too_long)
{
	struct sockaddr_un sa;
	struct errbuf err;
	char *dir = test_tmpdir(), *path, *resp = (char *)1;
	char name[sizeof(sa.sun_path) + 1];

	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	path = xasprintf("%s/%s.sock", dir, name);
	ck_assert_int_eq(control_listen(path, 0660, &err), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(err.msg, "too long"));
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(control_request(path, "PING", &resp, 100, &err), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_ptr_null(resp);
	ck_assert_int_eq(control_listen("", 0660, &err), -1);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_not_running)
{
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	char *resp = (char *)1;

	ck_assert_int_eq(control_request(path, "PING", &resp, TEST_TIMEOUT,
	    &err), -2);
	ck_assert_ptr_null(resp);
	ck_assert_ptr_nonnull(strstr(err.msg, "not running"));
	make_stale(path);
	ck_assert_int_eq(control_request(path, "PING", &resp, TEST_TIMEOUT,
	    &err), -2);
	ck_assert_ptr_null(resp);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_round_trip)
{
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	char *resp, *want, big[5001];
	pid_t pid = server_start(path);

	ck_assert_int_eq(control_request(path, "PING", &resp, TEST_TIMEOUT,
	    &err), 0);
	ck_assert_str_eq(resp, "");
	free(resp);

	ck_assert_int_eq(control_request(path, "QUERY a  b", &resp,
	    TEST_TIMEOUT, &err), 0);
	ck_assert_str_eq(resp, "server test\nargs [a  b]\nline three\n");
	free(resp);

	/* The server sees who asks. */
	ck_assert_int_eq(control_request(path, "STATUS", &resp, TEST_TIMEOUT,
	    &err), 0);
	want = xasprintf("uid=%u gid=%u pid=%ld\n", (unsigned)getuid(),
	    (unsigned)getgid(), (long)getpid());
	ck_assert_str_eq(resp, want);
	free(want);
	free(resp);

	ck_assert_int_eq(control_request(path, "FROB x", &resp, TEST_TIMEOUT,
	    &err), 1);
	ck_assert_str_eq(resp, "unknown verb");
	ck_assert_str_eq(err.msg, "unknown verb");
	free(resp);

	ck_assert_int_eq(control_request(path, "TRACEON", &resp, TEST_TIMEOUT,
	    &err), 1);
	ck_assert_str_eq(resp, "TRACEON not served");
	free(resp);

	ck_assert_int_eq(control_request(path, "", &resp, TEST_TIMEOUT, &err),
	    1);
	ck_assert_str_eq(resp, "empty request");
	free(resp);

	memset(big, 'Q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(control_request(path, big, &resp, TEST_TIMEOUT,
	    &err), 1);
	ck_assert_str_eq(resp, "bad request");
	free(resp);

	/* The client refuses to send two lines. */
	ck_assert_int_eq(control_request(path, "PING\nSTOP", &resp,
	    TEST_TIMEOUT, &err), -1);
	ck_assert_ptr_null(resp);

	server_stop(path, pid);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/*
 * A client that sends half a line does not hold the server: another is
 * served meanwhile, then the first completes its line byte by byte.
 */
START_TEST(test_partial_concurrent)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	char *resp;
	const char *rest = "RY slow\n";
	pid_t pid = server_start(path);
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	write_str(fd, "QUE");

	ck_assert_int_eq(control_request(path, "PING", &resp, TEST_TIMEOUT,
	    &err), 0);
	free(resp);

	for (; *rest != '\0'; rest++)
		ck_assert_int_eq(write(fd, rest, 1), 1);
	resp = read_to_eof(fd);
	ck_assert_str_eq(resp, "server test\nargs [slow]\nline three\nOK\n");
	free(resp);
	close(fd);

	server_stop(path, pid);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* A server that accepts nothing: the request stays in its backlog. */
START_TEST(test_timeout)
{
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	char *resp = (char *)1;
	long long t0, elapsed;
	int lfd;

	lfd = control_listen(path, 0660, &err);
	ck_assert_int_ge(lfd, 0);
	t0 = now_ms();
	ck_assert_int_eq(control_request(path, "PING", &resp, 200, &err), -1);
	elapsed = now_ms() - t0;
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_ptr_null(resp);
	ck_assert_ptr_nonnull(strstr(err.msg, "200 ms"));
	ck_assert_int_ge(elapsed, 190);
	ck_assert_int_lt(elapsed, 1500);
	control_unlisten(lfd, path);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* A full backlog: connect(2) itself would wait; the timeout bounds it. */
START_TEST(test_timeout_backlog)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	char *resp = (char *)1;
	long long t0, elapsed;
	int lfd, fds[64], n;

	lfd = control_listen(path, 0660, &err);
	ck_assert_int_ge(lfd, 0);
	strcpy(sa.sun_path, path);
	for (n = 0; n < 64; n++) {
		fds[n] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fds[n], 0);
		if (connect(fds[n], (struct sockaddr *)&sa, sizeof(sa)) == -1) {
			ck_assert_int_eq(errno, EAGAIN);
			break;
		}
	}
	ck_assert_int_lt(n, 64);
	t0 = now_ms();
	ck_assert_int_eq(control_request(path, "PING", &resp, 200, &err), -1);
	elapsed = now_ms() - t0;
	ck_assert_int_eq(errno, ETIMEDOUT);
	ck_assert_ptr_null(resp);
	ck_assert_int_ge(elapsed, 150);
	ck_assert_int_lt(elapsed, 1500);
	/* A live server, busy as it is, is not taken over. */
	ck_assert_int_eq(control_listen(path, 0660, &err), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	while (n >= 0)
		close(fds[n--]);
	control_unlisten(lfd, path);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_accept_creds)
{
	struct control_conn c;
	struct errbuf err;
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.sock", dir);
	int lfd;

	lfd = control_listen(path, 0660, &err);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(control_accept(lfd, &c, &err), 0);
	ck_assert_int_eq(try_connect(path), 0);
	ck_assert_int_eq(control_accept(lfd, &c, &err), 1);
	ck_assert_int_eq(c.uid, getuid());
	ck_assert_int_eq(c.gid, getgid());
	ck_assert_int_eq(c.pid, getpid());
	ck_assert(fcntl(c.fd, F_GETFL) & O_NONBLOCK);
	ck_assert(fcntl(c.fd, F_GETFD) & FD_CLOEXEC);
	ck_assert_int_eq(control_allowed(&c, getuid(), (gid_t)-1), 1);
	control_close(&c);
	control_unlisten(lfd, path);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* A user of the password file with a supplementary group; 0 if none. */
static int
find_member(uid_t *uid, gid_t *gid, gid_t *group)
{
	struct group *gr;
	struct passwd *pw;
	int found = 0;

	setgrent();
	while (!found && (gr = getgrent()) != NULL) {
		if (gr->gr_mem[0] == NULL ||
		    (pw = getpwnam(gr->gr_mem[0])) == NULL ||
		    pw->pw_uid == 0 || pw->pw_gid == gr->gr_gid)
			continue;
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		*group = gr->gr_gid;
		found = 1;
	}
	endgrent();
	return found;
}

START_TEST(test_allowed)
{
	struct control_conn c;
	uid_t owner = 4242;
	gid_t group = 4343;

	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.uid = 0;
	c.gid = 0;
	ck_assert_int_eq(control_allowed(&c, owner, (gid_t)-1), 1);
	c.uid = owner;
	c.gid = 9999;
	ck_assert_int_eq(control_allowed(&c, owner, (gid_t)-1), 1);
	ck_assert_int_eq(control_allowed(&c, owner, group), 1);
	c.uid = 4444;
	ck_assert_int_eq(control_allowed(&c, owner, (gid_t)-1), 0);
	ck_assert_int_eq(control_allowed(&c, owner, group), 0);
	/* The peer's own group. */
	c.gid = group;
	ck_assert_int_eq(control_allowed(&c, owner, group), 1);
	ck_assert_int_eq(control_allowed(&c, owner, (gid_t)-1), 0);

	/* A supplementary group, from the group database. */
	if (find_member(&c.uid, &c.gid, &group)) {
		ck_assert_int_eq(control_allowed(&c, owner, group), 1);
		ck_assert_int_eq(control_allowed(&c, owner, group + 1000), 0);
		ck_assert_int_eq(control_allowed(&c, owner, (gid_t)-1), 0);
	}
}
END_TEST

Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_verb_names);
	tcase_add_test(tc, test_read_bytewise);
	tcase_add_test(tc, test_read_limits);
	tcase_add_test(tc, test_reply_lines);
	tcase_add_test(tc, test_reply_bound);
	tcase_add_test(tc, test_flush_partial);
	tcase_add_test(tc, test_listen_stale);
	tcase_add_test(tc, test_listen_live_kept);
	tcase_add_test(tc, test_listen_not_socket);
	tcase_add_test(tc, test_path_too_long);
	tcase_add_test(tc, test_not_running);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_partial_concurrent);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_timeout_backlog);
	tcase_add_test(tc, test_accept_creds);
	tcase_add_test(tc, test_allowed);
	suite_add_tcase(s, tc);
	return s;
}
