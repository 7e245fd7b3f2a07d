/*
 * check_daemon.c — the daemon life cycle: the pid file taken, held
 * against a second taker and removed; the start-up report written once
 * and read back; the signal flags; stdio detached.  A keeper's start
 * as the server's loop sees it (keeper_boot_*): collected without a
 * wait, killed past its deadline, failed only once gone.  The
 * readiness datagram of systemd (sdnotify.c): to a path and to an
 * abstract name, nothing without NOTIFY_SOCKET, which it takes out of
 * the environment.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "keeper.h"
#include "runstate.h"
#include "sdnotify.h"
#include "tests.h"
#include "util.h"

START_TEST(test_pidfile_taken)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.pid", dir);
	struct daemon_life d;
	struct errbuf err;
	long other = -1;

	daemon_init(&d, -1);
	ck_assert_int_eq(daemon_pidfile_open(&d, path, "srv", &other, &err), 0);
	/* Not passed on to what the daemon runs. */
	ck_assert_int_ne(fcntl(d.pid_fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(daemon_pidfile_write(&d, &err), 0);
	ck_assert_int_eq(runstate_pid_file(path), (long)getpid());
	daemon_end(&d);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(runstate_pid_file(path), 0);
	ck_assert_ptr_null(d.pidpath);
	daemon_end(&d); /* twice is harmless */
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_pidfile_other)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.pid", dir);
	char want[128], c;
	struct daemon_life d;
	struct errbuf err;
	long other = 0;
	int up[2], go[2], status;
	pid_t child;

	ck_assert_int_eq(pipe(up), 0);
	ck_assert_int_eq(pipe(go), 0);
	if ((child = fork()) == 0) {
		/* The running copy: holds the pid file until told to go. */
		close(up[0]);
		close(go[1]);
		daemon_init(&d, -1);
		if (daemon_pidfile_open(&d, path, "srv", &other, &err) != 0 ||
		    daemon_pidfile_write(&d, &err) != 0)
			_exit(1);
		if (write(up[1], "x", 1) != 1)
			_exit(1);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		daemon_end(&d);
		_exit(0);
	}
	ck_assert_int_gt(child, 0);
	close(up[1]);
	close(go[0]);
	ck_assert_int_eq(read(up[0], &c, 1), 1);

	daemon_init(&d, -1);
	ck_assert_int_eq(daemon_pidfile_open(&d, path, "srv", &other, &err), 1);
	ck_assert_int_eq(other, (long)child);
	snprintf(want, sizeof(want),
	    "Another copy of server 'srv' is running (pid %ld)", (long)child);
	ck_assert_str_eq(err.msg, want);
	daemon_end(&d);
	/* The first copy's pid file is its own still. */
	ck_assert_int_eq(runstate_pid_file(path), (long)child);

	close(go[1]);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(up[0]);
	/* Once it is gone, the next copy takes the file. */
	daemon_init(&d, -1);
	ck_assert_int_eq(daemon_pidfile_open(&d, path, "srv", &other, &err), 0);
	daemon_end(&d);
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Issue 9 §5: a pid file swapped for a symbolic link truncates nothing. */
START_TEST(test_pidfile_symlink)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/srv.pid", dir);
	char *victim = xasprintf("%s/victim", dir), buf[32];
	struct daemon_life d;
	struct errbuf err;
	long other;
	int fd;

	fd = open(victim, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "precious", 8), 8);
	close(fd);
	ck_assert_int_eq(symlink(victim, path), 0);
	daemon_init(&d, -1);
	ck_assert_int_eq(daemon_pidfile_open(&d, path, "srv", &other, &err),
	    -1);
	ck_assert_int_eq(errno, ELOOP);
	daemon_end(&d);
	fd = open(victim, O_RDONLY);
	ck_assert_int_eq(read(fd, buf, sizeof(buf)), 8);
	close(fd);
	ck_assert_int_eq(memcmp(buf, "precious", 8), 0);
	free(victim);
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_pidfile_error)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/no/srv.pid", dir);
	char want[512];
	struct daemon_life d;
	struct errbuf err;
	long other;

	daemon_init(&d, -1);
	ck_assert_int_eq(daemon_pidfile_open(&d, path, "srv", &other, &err),
	    -1);
	ck_assert_int_eq(errno, ENOENT);
	snprintf(want, sizeof(want), "Unable to lock PID file %s: %s", path,
	    strerror(ENOENT));
	ck_assert_str_eq(err.msg, want);
	daemon_end(&d);
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* All that can be read from fd until its end, at most sz - 1 bytes. */
static void
read_all(int fd, char *buf, size_t sz)
{
	size_t len = 0;
	ssize_t n;

	while (len < sz - 1 && (n = read(fd, buf + len, sz - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

START_TEST(test_report_once)
{
	struct daemon_life d;
	char buf[64];
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	daemon_init(&d, p[1]);
	ck_assert_int_eq(daemon_report_ok(&d, 1234), 0);
	ck_assert_int_eq(d.ready_fd, -1);
	/* A later failure has nowhere to go: the starter has its answer. */
	ck_assert_int_eq(daemon_report_err(&d, "too late"), -1);
	read_all(p[0], buf, sizeof(buf)); /* to the end: closed */
	ck_assert_str_eq(buf, "OK 1234\n");
	close(p[0]);

	ck_assert_int_eq(pipe(p), 0);
	daemon_init(&d, p[1]);
	ck_assert_int_eq(daemon_report_err(&d, "%s: %d", "why", 3), 0);
	ck_assert_int_eq(daemon_report_ok(&d, 1), -1);
	read_all(p[0], buf, sizeof(buf));
	ck_assert_str_eq(buf, "ERR why: 3\n");
	close(p[0]);

	/* Run by hand: no descriptor, the error goes to stderr. */
	daemon_init(&d, -1);
	ck_assert_int_eq(daemon_report_err(&d, "x"), 0);
	daemon_end(&d);
}
END_TEST

START_TEST(test_report_read)
{
	struct daemon_life d;
	struct errbuf err;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	daemon_init(&d, p[1]);
	daemon_report_ok(&d, 4321);
	ck_assert_int_eq(daemon_report_read(p[0], 1000, &err), 4321);
	close(p[0]);

	ck_assert_int_eq(pipe(p), 0);
	daemon_init(&d, p[1]);
	daemon_report_err(&d, "keeper pid file: %s", strerror(EROFS));
	ck_assert_int_eq(daemon_report_read(p[0], 1000, &err), -1);
	ck_assert_str_eq(err.msg, "keeper pid file: Read-only file system");
	close(p[0]);

	/* Ended without a word. */
	ck_assert_int_eq(pipe(p), 0);
	close(p[1]);
	ck_assert_int_eq(daemon_report_read(p[0], 1000, &err), 0);
	close(p[0]);

	/* Still starting: nothing yet, within the wait given. */
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(daemon_report_read(p[0], 0, &err), 0);
	ck_assert_int_eq(daemon_report_read(p[0], 20, &err), 0);
	ck_assert_int_eq(write(p[1], "garbage\n", 8), 8);
	ck_assert_int_eq(daemon_report_read(p[0], 0, &err), 0);
	close(p[0]);
	close(p[1]);
}
END_TEST

static volatile sig_atomic_t term_flag, mark_flag;

START_TEST(test_signals)
{
	static const struct daemon_signal more[] = {
		{ SIGUSR1, &mark_flag },
		{ SIGUSR2, NULL },
	};
	struct sigaction sa;

	term_flag = mark_flag = 0;
	daemon_signals(&term_flag, more, sizeof(more) / sizeof(more[0]));
	raise(SIGUSR1);
	ck_assert_int_eq(mark_flag, 1);
	ck_assert_int_eq(term_flag, 0);
	raise(SIGTERM);
	ck_assert_int_eq(term_flag, 1);
	term_flag = 0;
	raise(SIGINT);
	ck_assert_int_eq(term_flag, 1);
	/* Ignored: the process is still here. */
	raise(SIGPIPE);
	raise(SIGHUP);
	raise(SIGUSR2);
	ck_assert_int_eq(sigaction(SIGPIPE, NULL, &sa), 0);
	ck_assert(sa.sa_handler == SIG_IGN);
	ck_assert_int_eq(sigaction(SIGHUP, NULL, &sa), 0);
	ck_assert(sa.sa_handler == SIG_IGN);
	/* A poll() under way must see EINTR. */
	ck_assert_int_eq(sigaction(SIGTERM, NULL, &sa), 0);
	ck_assert_int_eq(sa.sa_flags & SA_RESTART, 0);
}
END_TEST

/* A caught signal makes the wake descriptor readable: a poll() that
 * began just after the signal's flag was looked at still returns. */
START_TEST(test_wake_fd)
{
	static volatile sig_atomic_t flag;
	struct pollfd pfd;
	int fd;

	flag = 0;
	daemon_signals(&flag, NULL, 0);
	fd = daemon_wake_fd();
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(daemon_wake_fd(), fd);
	daemon_wake_drain();
	pfd.fd = fd;
	pfd.events = POLLIN;
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
	raise(SIGTERM);
	ck_assert_int_eq(flag, 1);
	ck_assert_int_eq(poll(&pfd, 1, 1000), 1);
	daemon_wake_drain();
	ck_assert_int_eq(poll(&pfd, 1, 0), 0);
}
END_TEST

START_TEST(test_detach_stdio)
{
	struct stat null, st;
	int status, bad = 0, fd;
	pid_t child;

	ck_assert_int_eq(stat("/dev/null", &null), 0);
	if ((child = fork()) == 0) {
		daemon_detach_stdio();
		for (fd = 0; fd <= 2; fd++)
			if (fstat(fd, &st) < 0 || st.st_rdev != null.st_rdev)
				bad = 1;
		_exit(bad);
	}
	ck_assert_int_gt(child, 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* A start under way on pipe p, as keeper_start leaves it. */
static void
boot_on(struct keeper_boot *kb, int fd, long pid, int ms)
{
	keeper_boot_init(kb);
	kb->fd = fd;
	kb->pid = pid;
	ts_after(&kb->deadline, ms / 1000.0);
}

/* A child that only holds the report's write end until it is killed. */
static pid_t
silent_keeper(int p[2])
{
	pid_t child;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ge(child = fork(), 0);
	if (child == 0) {
		close(p[0]);
		for (;;)
			pause();
	}
	close(p[1]);
	return child;
}

START_TEST(test_keeper_boot_report)
{
	struct keeper_boot kb;
	struct errbuf err;
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	boot_on(&kb, p[0], 1, 5000);
	ck_assert(keeper_booting(&kb));
	ck_assert_int_eq(keeper_boot_pollfd(&kb), p[0]);
	/* Nothing yet: no wait, still under way. */
	ck_assert_int_eq(keeper_boot_poll(&kb, "/nonexistent", &err), 0);
	ck_assert(keeper_booting(&kb));
	ck_assert_int_eq(write(p[1], "OK 4242\n", 8), 8);
	close(p[1]);
	ck_assert_int_eq(keeper_boot_poll(&kb, "/nonexistent", &err), 4242);
	ck_assert(!keeper_booting(&kb));
	ck_assert_int_eq(fcntl(p[0], F_GETFD), -1);	/* closed */

	/* ERR: failed, and over once its end is closed. */
	ck_assert_int_eq(pipe(p), 0);
	boot_on(&kb, p[0], 1, 5000);
	ck_assert_int_eq(write(p[1], "ERR no pid file\n", 16), 16);
	close(p[1]);
	ck_assert_int_eq(keeper_boot_poll(&kb, "/nonexistent", &err), -1);
	ck_assert_str_eq(err.msg, "no pid file");
	ck_assert(!keeper_booting(&kb));

	/* Ended without a word. */
	ck_assert_int_eq(pipe(p), 0);
	boot_on(&kb, p[0], 1, 5000);
	close(p[1]);
	ck_assert_int_eq(keeper_boot_poll(&kb, "/nonexistent", &err), -1);
	ck_assert_str_eq(err.msg, "the keeper ended without a report");
}
END_TEST

START_TEST(test_keeper_boot_timeout)
{
	struct keeper_boot kb;
	struct errbuf err;
	long rc;
	pid_t child;
	int p[2], status;

	child = silent_keeper(p);
	boot_on(&kb, p[0], (long)child, 0);	/* its time is up */
	/* Killed; failed only once it is gone. */
	rc = keeper_boot_poll(&kb, "/nonexistent", &err);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (rc == 0) {
		ck_assert(keeper_booting(&kb));
		ck_assert_int_eq(keeper_boot_pollfd(&kb), -1);
		rc = keeper_boot_poll(&kb, "/nonexistent", &err);
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(err.msg, "the keeper did not report in 5 s");
	ck_assert(!keeper_booting(&kb));
}
END_TEST

START_TEST(test_keeper_boot_abandon)
{
	struct keeper_boot kb;
	pid_t child;
	int p[2], status;

	/* Not wanted, not reported: killed. */
	child = silent_keeper(p);
	boot_on(&kb, p[0], (long)child, 5000);
	ck_assert_int_eq(keeper_boot_abandon(&kb, 1), 0);
	ck_assert(!keeper_booting(&kb));
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

	/* Left to come up on its own: not killed. */
	child = silent_keeper(p);
	boot_on(&kb, p[0], (long)child, 5000);
	ck_assert_int_eq(keeper_boot_abandon(&kb, 0), 0);
	ck_assert_int_eq(waitpid(child, &status, WNOHANG), 0);
	kill(child, SIGKILL);
	ck_assert_int_eq(waitpid(child, &status, 0), child);

	/* Reported already: its pid, for the caller to tell. */
	ck_assert_int_eq(pipe(p), 0);
	boot_on(&kb, p[0], 1, 5000);
	ck_assert_int_eq(write(p[1], "OK 77\n", 6), 6);
	close(p[1]);
	ck_assert_int_eq(keeper_boot_abandon(&kb, 1), 77);
	/* Nothing under way: nothing to do. */
	ck_assert_int_eq(keeper_boot_abandon(&kb, 1), 0);
}
END_TEST

/* A datagram socket bound to name (a path, or @abstract). */
static int
notify_listener(const char *name)
{
	struct sockaddr_un sun;
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '/'))), 0);
	return fd;
}

static void
notify_expect(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	ck_assert_int_eq(n, (ssize_t)strlen(want));
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
}

START_TEST(test_sdnotify)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/notify", dir);
	char abstract[64];
	struct errbuf err;
	int fd;

	/* Not under systemd: nothing sent, no error. */
	unsetenv("NOTIFY_SOCKET");
	sdnotify_take();
	ck_assert_int_eq(sdnotify_wanted(), 0);
	ck_assert_int_eq(sdnotify_send("READY=1", &err), 0);

	/* A path: taken out of the environment, sent there. */
	fd = notify_listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	sdnotify_take();
	ck_assert_ptr_null(getenv("NOTIFY_SOCKET"));
	ck_assert_int_eq(sdnotify_wanted(), 1);
	ck_assert_int_eq(sdnotify_send("READY=1\nSTATUS=Started", &err), 1);
	notify_expect(fd, "READY=1\nSTATUS=Started");
	close(fd);

	/* An abstract name: its bytes exactly, no NUL after them. */
	snprintf(abstract, sizeof(abstract), "@tapesock-unit-%ld",
	    (long)getpid());
	fd = notify_listener(abstract);
	ck_assert_int_eq(sdnotify_send_to(abstract, "STOPPING=1", &err), 1);
	notify_expect(fd, "STOPPING=1");
	close(fd);

	/* Nobody there, and names that are no socket: an error, said. */
	ck_assert_int_eq(sdnotify_send_to(abstract, "READY=1", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, abstract));
	ck_assert_int_eq(sdnotify_send_to("relative", "READY=1", &err), -1);
	ck_assert_int_eq(sdnotify_send_to("@", "READY=1", &err), -1);
	memset(abstract, 'a', sizeof(abstract) - 1);
	abstract[0] = '/';
	abstract[sizeof(abstract) - 1] = '\0';
	{
		char *longname = xasprintf("%s%s", abstract, abstract + 1);

		ck_assert_int_eq(sdnotify_send_to(longname, "READY=1", &err),
		    -1);
		free(longname);
	}
	unsetenv("NOTIFY_SOCKET");
	sdnotify_take();
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("daemon");

	tcase_add_test(tc, test_pidfile_taken);
	tcase_add_test(tc, test_pidfile_other);
	tcase_add_test(tc, test_pidfile_error);
	tcase_add_test(tc, test_pidfile_symlink);
	tcase_add_test(tc, test_report_once);
	tcase_add_test(tc, test_report_read);
	tcase_add_test(tc, test_signals);
	tcase_add_test(tc, test_detach_stdio);
	tcase_add_test(tc, test_wake_fd);
	tcase_add_test(tc, test_keeper_boot_report);
	tcase_add_test(tc, test_keeper_boot_timeout);
	tcase_add_test(tc, test_keeper_boot_abandon);
	tcase_add_test(tc, test_sdnotify);
	suite_add_tcase(s, tc);
	return s;
}
