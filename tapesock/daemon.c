/*
 * daemon.c — pid file, signals, title and start-up report of a
 * tapesockd process (see daemon.h).
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "catalog.h"
#include "daemon.h"

/* Which flag each caught signal sets: written before its handler is
 * installed, only read by the handler. */
static volatile sig_atomic_t *daemon_flags[NSIG];

void
daemon_init(struct daemon_life *d, int ready_fd)
{
	d->pid_fd = -1;
	d->pidpath = NULL;
	d->ready_fd = ready_fd;
	d->by_hand = ready_fd < 0;
}

/*
 * The pid of the holder of fd's lock, once it has written it (a holder
 * writes it when it serves: wait 0.1 s for one just started, as libbsd
 * did); 0 if it has not.
 */
static long
pidfile_holder(int fd)
{
	char buf[32];
	uint64_t pid;
	ssize_t n;
	int i;

	for (i = 0; i < 20; i++) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\n ")] = '\0';
			if (parse_u64(buf, 4194304, &pid) == 0 && pid > 0)
				return (long)pid;
		}
		poll(NULL, 0, 5);
	}
	return 0;
}

/*
 * The pid file: opened with open_nofollow (never through a symbolic
 * link put in its place, only a regular file), flock'ed for the life of
 * the process (runstate.c looks at that lock), emptied only once held.
 * A lock taken on a file that was removed meanwhile (its last holder
 * leaving) is taken again on the new one.
 */
int
daemon_pidfile_open(struct daemon_life *d, const char *path, const char *who,
    long *other, struct errbuf *err)
{
	struct stat held, now;
	int fd, saved, tries;

	free(d->pidpath);
	d->pidpath = xstrdup(path);
	*other = 0;
	for (tries = 0;; tries++) {
		fd = open_nofollow(path, O_RDWR | O_CREAT, 0600);
		if (fd < 0)
			goto fail;
		while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			if (saved == EWOULDBLOCK) {
				*other = pidfile_holder(fd);
				close(fd);
				msg_format(err->msg, sizeof(err->msg),
				    MSG_TSD_DUPLICATE, who, *other);
				errno = EEXIST;
				return 1;
			}
			close(fd);
			errno = saved;
			goto fail;
		}
		if (fstat(fd, &held) == 0 && lstat(path, &now) == 0 &&
		    held.st_dev == now.st_dev && held.st_ino == now.st_ino)
			break;
		close(fd);
		if (tries == 10) {
			errno = EAGAIN;
			goto fail;
		}
	}
	if (ftruncate(fd, 0) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		goto fail;
	}
	d->pid_fd = fd;
	return 0;
fail:
	saved = errno;
	msg_format(err->msg, sizeof(err->msg), MSG_TSD_PID_FILE_LOCK, path,
	    strerror(saved));
	errno = saved;
	return -1;
}

int
daemon_pidfile_write(struct daemon_life *d, struct errbuf *err)
{
	char buf[32];
	int n, saved;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (d->pid_fd >= 0 && ftruncate(d->pid_fd, 0) == 0 &&
	    pwrite(d->pid_fd, buf, (size_t)n, 0) == n)
		return 0;
	saved = d->pid_fd >= 0 ? errno : EBADF;
	msg_format(err->msg, sizeof(err->msg), MSG_TSD_PID_FILE_UPDATE,
	    d->pidpath, strerror(saved));
	errno = saved;
	return -1;
}

void
daemon_end(struct daemon_life *d)
{
	if (d->pid_fd >= 0) {
		/* Removed while still held: nobody takes it in between. */
		(void)unlink(d->pidpath);
		close(d->pid_fd);
	}
	d->pid_fd = -1;
	if (d->ready_fd >= 0)
		close(d->ready_fd);
	d->ready_fd = -1;
	free(d->pidpath);
	d->pidpath = NULL;
}

/* The self-pipe a caught signal writes to, so that a poll() wakes
 * even for a signal that came just before it began. */
static int daemon_wake[2] = { -1, -1 };

static void
daemon_on_signal(int sig)
{
	int saved = errno;

	if (sig > 0 && sig < NSIG && daemon_flags[sig] != NULL)
		*daemon_flags[sig] = 1;
	if (daemon_wake[1] >= 0)
		(void)!write(daemon_wake[1], "", 1);
	errno = saved;
}

int
daemon_wake_fd(void)
{
	if (daemon_wake[0] < 0 && pipe2(daemon_wake, O_NONBLOCK | O_CLOEXEC)
	    < 0)
		daemon_wake[0] = daemon_wake[1] = -1;
	return daemon_wake[0];
}

void
daemon_wake_drain(void)
{
	char buf[64];

	if (daemon_wake[0] >= 0)
		while (read(daemon_wake[0], buf, sizeof(buf)) > 0)
			;
}

static void
daemon_catch(int sig, volatile sig_atomic_t *flag)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	daemon_flags[sig] = flag;
	sa.sa_handler = flag != NULL ? daemon_on_signal : SIG_IGN;
	sigaction(sig, &sa, NULL);
}

void
daemon_signals(volatile sig_atomic_t *term, const struct daemon_signal *more,
    size_t n)
{
	size_t i;

	daemon_catch(SIGTERM, term);
	daemon_catch(SIGINT, term);
	daemon_catch(SIGPIPE, NULL);
	daemon_catch(SIGHUP, NULL);
	for (i = 0; i < n; i++)
		if (more[i].sig > 0 && more[i].sig < NSIG)
			daemon_catch(more[i].sig, more[i].flag);
}

void
daemon_title(const char *fmt, ...)
{
	char title[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(title, sizeof(title), fmt, ap);
	va_end(ap);
	setproctitle("%s", title);
}

static int
daemon_report(struct daemon_life *d, const char *line)
{
	int rc;

	if (d->ready_fd < 0)
		return -1;
	rc = write_all(d->ready_fd, line, strlen(line));
	close(d->ready_fd);
	d->ready_fd = -1;
	return rc;
}

int
daemon_report_ok(struct daemon_life *d, long pid)
{
	char line[32];

	snprintf(line, sizeof(line), "OK %ld\n", pid);
	return daemon_report(d, line);
}

int
daemon_report_err(struct daemon_life *d, const char *fmt, ...)
{
	char line[ERRBUF_SIZE + 8];
	va_list ap;
	size_t len;

	memcpy(line, "ERR ", 4);
	va_start(ap, fmt);
	vsnprintf(line + 4, sizeof(line) - 5, fmt, ap);
	va_end(ap);
	len = strlen(line);
	line[len] = '\n';
	line[len + 1] = '\0';
	/* Run by hand, not by start: nobody reads a report; say it. */
	if (d->by_hand) {
		fprintf(stderr, "tapesockd: %s", line + 4);
		return 0;
	}
	return daemon_report(d, line);
}

void
daemon_detach_stdio(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* Milliseconds left until deadline t, at least 0. */
static int
ms_left(const struct timespec *t)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(t->tv_sec - now.tv_sec) * 1000 +
	    (t->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 86400000 ? 86400000 : (int)ms;
}

long
daemon_report_read(int fd, int wait_ms, struct errbuf *err)
{
	char line[ERRBUF_SIZE + 8];
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec deadline;
	size_t len = 0;
	ssize_t n;
	uint64_t pid;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += wait_ms / 1000;
	deadline.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (len < sizeof(line) - 1) {
		n = poll(&pfd, 1, ms_left(&deadline));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(line, '\n', len) != NULL)
			break;
	}
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "OK ", 3) == 0 &&
	    parse_u64(line + 3, 4194304, &pid) == 0 && pid > 0)
		return (long)pid;
	if (strncmp(line, "ERR ", 4) == 0) {
		errbuf_set(err, "%s", line + 4);
		return -1;
	}
	return 0;
}
