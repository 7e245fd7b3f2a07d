/*
 * keeper.c — hold an output pipe open while its server is down (see
 * keeper.h).
 */
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "daemon.h"
#include "keeper.h"
#include "pipes.h"
#include "runstate.h"

#define KEEPER_START_WAIT	5000	/* ms a keeper has to report */
#define KEEPER_GONE_LOOK	50	/* ms between looks: failed one gone? */
#define KEEPER_CHECK_EVERY	500	/* ms between two looks */
#define KEEPER_HOLD_CHECK	5	/* s between two looks at the pipe */

static volatile sig_atomic_t keeper_term;	/* SIGTERM, SIGINT */
static volatile sig_atomic_t keeper_mark;	/* SIGUSR1: the tape mark */

static char *
keeper_pidfile(const char *home, const char *name)
{
	return xasprintf("%s/%s.keeper", home, name);
}

long
keeper_pid(const char *home, const char *name)
{
	char *path = keeper_pidfile(home, name);
	long pid = runstate_pid_file(path);

	free(path);
	return pid;
}

/*
 * Start tapesockd -k in a process of its own (nobody's child, its own
 * session), with write_fd (if >= 0) as its descriptor 4 and the write
 * end of a pipe as its descriptor 3, the ready descriptor it reports
 * on: the read end of that pipe, with the keeper's pid in *pid (so that
 * a keeper which does not report can be killed), or -1 and err.  The
 * report is not waited for here: the middle process only forks, says
 * the keeper's pid and exits.
 */
static int
keeper_spawn(const char *home, const char *name, const char *pipe,
    int write_fd, long *pid, struct errbuf *err)
{
	char exe[4096];
	ssize_t n;
	pid_t child, keeper = -1;
	int p[2], q[2], status;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		errbuf_set(err, "/proc/self/exe: %s", strerror(errno));
		return -1;
	}
	exe[n] = '\0';
	if (pipe2(p, O_CLOEXEC) < 0) {
		errbuf_set(err, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(q, O_CLOEXEC) < 0) {
		errbuf_set(err, "pipe: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if ((child = fork()) < 0) {
		errbuf_set(err, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		close(q[0]);
		close(q[1]);
		return -1;
	}
	if (child == 0) {
		/* Twice, so that the keeper is nobody's child. */
		int null = open("/dev/null", O_RDWR), rep, wfd = -1;

		setsid();
		if ((keeper = fork()) != 0) {
			if (write(q[1], &keeper, sizeof(keeper)) < 0)
				_exit(1);
			_exit(0);
		}
		/* Out of the way of 0 to 4 first: dup2 may then place them. */
		rep = fcntl(p[1], F_DUPFD, 10);
		if (write_fd >= 0 && (wfd = fcntl(write_fd, F_DUPFD, 10)) < 0)
			_exit(127);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (rep < 0 || dup2(rep, 3) < 0)
			_exit(127);
		if (wfd >= 0 && dup2(wfd, 4) < 0)
			_exit(127);
		closefrom(wfd >= 0 ? 5 : 4);
		setenv("TAPESOCK_HOME", home, 1);
		if (wfd >= 0)
			execl(exe, "tapesockd", "-k", pipe, "-w", "4", "-r",
			    "3", name, (char *)NULL);
		else
			execl(exe, "tapesockd", "-k", pipe, "-r", "3", name,
			    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	close(q[1]);
	/* The middle child only forks: this wait is not on the keeper. */
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	/* Written before it exited: there already, or never. */
	if (read(q[0], &keeper, sizeof(keeper)) != (ssize_t)sizeof(keeper))
		keeper = -1;
	close(q[0]);
	if (keeper <= 0) {
		errbuf_set(err, "fork: the keeper was not started");
		close(p[0]);
		return -1;
	}
	*pid = (long)keeper;
	return p[0];
}

void
keeper_boot_init(struct keeper_boot *kb)
{
	memset(kb, 0, sizeof(*kb));
	kb->fd = -1;
}

int
keeper_booting(const struct keeper_boot *kb)
{
	return kb->fd >= 0;
}

int
keeper_boot_pollfd(const struct keeper_boot *kb)
{
	return kb->failed ? -1 : kb->fd;
}

static void
keeper_boot_after(struct keeper_boot *kb, int ms)
{
	ts_after(&kb->deadline, ms / 1000.0);
}

static int
keeper_boot_due(const struct keeper_boot *kb)
{
	return ts_due(&kb->deadline);
}

/*
 * The keeper's end of the report is closed: it reported (and closed
 * it), or it is gone.  While it is open the keeper lives, so that its
 * pid is still its own.
 */
static int
keeper_boot_hung_up(const struct keeper_boot *kb)
{
	struct pollfd pfd = { .fd = kb->fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP);
}

/* The report, if it is there: the pid, -1 and err for ERR, or 0. */
static long
keeper_boot_report(struct keeper_boot *kb, struct errbuf *err)
{
	long pid = daemon_report_read(kb->fd, 0, err);

	/* One line in one write: there whole, or not yet.  Hung up after
	 * the look, it may have come just before: look once more. */
	if (pid == 0 && keeper_boot_hung_up(kb))
		pid = daemon_report_read(kb->fd, 0, err);
	return pid;
}

static void
keeper_boot_end(struct keeper_boot *kb)
{
	close(kb->fd);
	kb->fd = -1;
	kb->failed = 0;
}

static int
keeper_run(const char *home, const char *name, const char *pipe,
    int write_fd, struct keeper_boot *kb, struct errbuf *err)
{
	keeper_boot_init(kb);
	if ((kb->fd = keeper_spawn(home, name, pipe, write_fd, &kb->pid,
	    err)) < 0)
		return -1;
	kb->writer = write_fd >= 0;
	keeper_boot_after(kb, KEEPER_START_WAIT);
	return 0;
}

int
keeper_start(const char *home, const char *name, const char *pipe,
    struct keeper_boot *kb, struct errbuf *err)
{
	return keeper_run(home, name, pipe, -1, kb, err);
}

int
keeper_start_writer(const char *home, const char *name, const char *pipe,
    int fd, struct keeper_boot *kb, struct errbuf *err)
{
	return keeper_run(home, name, pipe, fd, kb, err);
}

long
keeper_boot_poll(struct keeper_boot *kb, const char *pipe,
    struct errbuf *err)
{
	long pid;

	if (kb->fd < 0)
		return 0;
	if (!kb->failed) {
		pid = keeper_boot_report(kb, &kb->why);
		if (pid > 0) {
			keeper_boot_end(kb);
			return pid;
		}
		if (pid == 0 && keeper_boot_hung_up(kb))
			errbuf_set(&kb->why, "the keeper ended without a "
			    "report");
		else if (pid == 0 && keeper_boot_due(kb)) {
			/* Alive (its end is open): the pid is its own. */
			kill((pid_t)kb->pid, SIGKILL);
			errbuf_set(&kb->why, "the keeper did not report in "
			    "%d s", KEEPER_START_WAIT / 1000);
		} else if (pid == 0)
			return 0;
		kb->failed = 1;
	}
	/*
	 * Failed: over once the process is gone (its end of the report
	 * closes at its exit) and holds the write end no more (closed in
	 * the same exit, a moment later), so that the server's tape mark
	 * is not kept from the reader by a keeper that was never told.
	 * Not longer than KEEPER_START_WAIT more: a killed process goes.
	 */
	if ((!keeper_boot_hung_up(kb) || (kb->writer &&
	    keeper_holds(kb->pid, pipe))) &&
	    kb->looks++ < KEEPER_START_WAIT / KEEPER_GONE_LOOK) {
		keeper_boot_after(kb, KEEPER_GONE_LOOK);
		return 0;
	}
	errbuf_set(err, "%s", kb->why.msg);
	keeper_boot_end(kb);
	return -1;
}

long
keeper_boot_abandon(struct keeper_boot *kb, int kill_it)
{
	struct errbuf why;
	long pid = 0;

	if (kb->fd < 0)
		return 0;
	if (!kb->failed && (pid = keeper_boot_report(kb, &why)) <= 0) {
		pid = 0;
		if (kill_it && !keeper_boot_hung_up(kb))
			kill((pid_t)kb->pid, SIGKILL);
	}
	keeper_boot_end(kb);
	return pid;
}

/* The access mode of descriptor fd of process pid, or -1. */
static int
fd_accmode(const char *pid, const char *fd)
{
	char path[600], buf[256], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%s/fdinfo/%s", pid, fd);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if ((p = strstr(buf, "flags:")) == NULL)
		return -1;
	return (int)(strtoul(p + 6, NULL, 8) & O_ACCMODE);
}

/* The start of process pid in clock ticks since boot, or 0. */
static unsigned long long
proc_start_tick(const char *pid)
{
	char path[300], buf[1024], *p;
	unsigned long long tick;
	ssize_t n;
	int f, field;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((f = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The name (2) may hold spaces and parentheses; starttime is 22. */
	if ((p = strrchr(buf, ')')) == NULL)
		return 0;
	for (field = 2; field < 22 && p != NULL; field++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &tick) != 1)
		return 0;
	return tick;
}

void
keeper_epoch_now(struct keeper_epoch *e)
{
	char buf[32];
	struct timespec now;
	ssize_t n;
	long hz = sysconf(_SC_CLK_TCK);
	int f;

	e->last_pid = -1;
	if ((f = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC))
	    >= 0) {
		n = read(f, buf, sizeof(buf) - 1);
		close(f);
		if (n > 0) {
			buf[n] = '\0';
			e->last_pid = strtol(buf, NULL, 10);
		}
	}
	clock_gettime(CLOCK_BOOTTIME, &now);
	e->tick = hz <= 0 ? 0 : (unsigned long long)now.tv_sec *
	    (unsigned long long)hz + (unsigned long long)now.tv_nsec /
	    (1000000000ULL / (unsigned long long)hz);
}

/*
 * Process pid was forked after e was taken: a pid above the last one
 * given then, and a start no earlier than its clock tick (so that a pid
 * above it from before a wrap of the numbers is not taken for new).
 */
static int
proc_newer(const char *pid, const struct keeper_epoch *e)
{
	return e->last_pid >= 0 && strtol(pid, NULL, 10) > e->last_pid &&
	    proc_start_tick(pid) >= e->tick;
}

/*
 * Who has the FIFO dev/ino open, among the processes we may look at
 * (all of them as root, else our user's): *readers counts descriptors
 * open read-only, *writers those open for writing (read-write ones
 * included).  What is looked at is said by l: only, a pid to look at
 * alone (NULL: every process but ourselves); e, if not NULL, leaves out
 * the writers forked after it; among, if not NULL, counts only the
 * readers it names; seen, if not NULL, records the readers found.  A
 * process still blocked in its open() has no descriptor yet and is not
 * seen.
 */
struct fifo_look {
	const char			*only;
	const struct keeper_epoch	*e;
	const struct keeper_readers	*among;
	struct keeper_readers		*seen;
};

/* Reader fd of process pid (started at tick) counts for l; recorded. */
static int
reader_look(const struct fifo_look *l, long pid, unsigned long long tick,
    int fd)
{
	struct keeper_readers *k = l->seen;
	int i;

	if (k != NULL) {
		if (k->n < KEEPER_READERS) {
			k->r[k->n].pid = pid;
			k->r[k->n].tick = tick;
			k->r[k->n].fd = fd;
			k->n++;
		} else
			k->any = 1;	/* too many to name: any counts */
	}
	if (l->among == NULL || l->among->any)
		return 1;
	for (i = 0; i < l->among->n; i++)
		if (l->among->r[i].pid == pid && l->among->r[i].fd == fd &&
		    l->among->r[i].tick == tick)
			return 1;
	return 0;
}

static void
fifo_look(dev_t dev, ino_t ino, const struct fifo_look *l, int *readers,
    int *writers)
{
	DIR *proc, *fds;
	struct dirent *pe, *fe;
	struct stat st;
	char path[300], self[24];
	const char *pid;
	unsigned long long tick;
	int mode, named;

	*readers = *writers = 0;
	named = l->among != NULL || l->seen != NULL;
	snprintf(self, sizeof(self), "%ld", (long)getpid());
	proc = l->only == NULL ? opendir("/proc") : NULL;
	if (l->only == NULL && proc == NULL) {
		*writers = 1;	/* cannot tell: as if held */
		return;
	}
	for (;;) {
		if (l->only != NULL)
			pid = l->only;
		else if ((pe = readdir(proc)) == NULL)
			break;
		else if (!isdigit((unsigned char)pe->d_name[0]) ||
		    strcmp(pe->d_name, self) == 0)
			continue;
		else
			pid = pe->d_name;
		snprintf(path, sizeof(path), "/proc/%s/fd", pid);
		tick = 0;
		if ((fds = opendir(path)) != NULL) {
			while ((fe = readdir(fds)) != NULL) {
				if (fe->d_name[0] == '.' ||
				    fstatat(dirfd(fds), fe->d_name, &st, 0) < 0 ||
				    st.st_dev != dev || st.st_ino != ino)
					continue;
				mode = fd_accmode(pid, fe->d_name);
				if (mode == O_RDONLY) {
					if (named && tick == 0)
						tick = proc_start_tick(pid);
					if (!named || reader_look(l,
					    strtol(pid, NULL, 10), tick,
					    atoi(fe->d_name)))
						(*readers)++;
				} else if ((mode == O_WRONLY ||
				    mode == O_RDWR) && (l->e == NULL ||
				    !proc_newer(pid, l->e)))
					(*writers)++;
			}
			closedir(fds);
		}
		if (l->only != NULL)
			break;
	}
	if (proc != NULL)
		closedir(proc);
}

static void
fifo_users(dev_t dev, ino_t ino, const char *only, int *readers,
    int *writers)
{
	const struct fifo_look l = { .only = only };

	fifo_look(dev, ino, &l, readers, writers);
}

int
keeper_writers_before(const char *pipe, const struct keeper_epoch *e)
{
	const struct fifo_look l = { .e = e };
	struct stat st;
	int r, w;

	if (stat(pipe, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 1;	/* cannot tell: as if held */
	fifo_look(st.st_dev, st.st_ino, &l, &r, &w);
	return w;
}

/* Does any process (that we may look at) hold the pipe for writing? */
static int
writers_exist(dev_t dev, ino_t ino)
{
	int r, w;

	fifo_users(dev, ino, NULL, &r, &w);
	return w > 0;
}

/*
 * A reader of set that was given end of file and has not closed yet:
 * it has the pipe open read-only, and nobody has it for writing (else
 * that reader could not see the end of file: a read-write reader such
 * as `cat 0<>pipe` never does, and waiting for it is pointless).
 */
static int
reader_still_open(dev_t dev, ino_t ino, const struct keeper_readers *set)
{
	const struct fifo_look l = { .among = set };
	int r, w;

	fifo_look(dev, ino, &l, &r, &w);
	return r > 0 && w == 0;
}

void
keeper_readers_now(const char *pipe, struct keeper_readers *set)
{
	const struct fifo_look l = { .seen = set };
	struct stat st;
	int r, w;

	set->any = 0;
	set->n = 0;
	if (stat(pipe, &st) < 0 || !S_ISFIFO(st.st_mode))
		return;
	fifo_look(st.st_dev, st.st_ino, &l, &r, &w);
}

int
keeper_readers_open(const char *pipe, const struct keeper_readers *set)
{
	struct stat st;

	if (stat(pipe, &st) < 0 || !S_ISFIFO(st.st_mode))
		return 0;
	return reader_still_open(st.st_dev, st.st_ino, set);
}

int
keeper_holds(long pid, const char *pipe)
{
	struct stat st;
	char p[24];
	int r, w;

	if (pid <= 0 || stat(pipe, &st) < 0)
		return 0;
	snprintf(p, sizeof(p), "%ld", pid);
	fifo_users(st.st_dev, st.st_ino, p, &r, &w);
	return w > 0;
}

/* The pipe at path is still the FIFO st describes. */
static int
same_pipe(const char *pipe, const struct stat *st)
{
	struct stat now;

	return lstat(pipe, &now) == 0 && now.st_dev == st->st_dev &&
	    now.st_ino == st->st_ino;
}

/*
 * The input role: hold the write end wfd of the pipe for the tape file
 * under way, so that no end of the input server (stop, kill) is an end
 * of file for the reader.  SIGUSR1 is the tape mark: the write end is
 * closed, and the keeper stays until the readers that were given the
 * end of file (those that had the pipe open then) have closed it, so
 * that the input server, which waits for the keeper to be gone, never
 * writes the next tape file to them.  The reader leaving (no reader: POLLERR), SIGTERM, or the
 * pipe removed end it at once.
 */
static void
keeper_hold(const char *pipe, int wfd, const struct stat *st)
{
	struct keeper_readers given = { .any = 1 };
	struct pollfd pfd[2];
	struct timespec every;
	sigset_t sigs, none;
	char buf[4096]
	    __attribute__((aligned(__alignof__(struct inotify_event))));
	int ino;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGUSR1);
	sigprocmask(SIG_BLOCK, &sigs, &none);
	sigdelset(&none, SIGTERM);
	sigdelset(&none, SIGINT);
	sigdelset(&none, SIGUSR1);
	/* Watched from the start: no close is missed while we look. */
	ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (ino >= 0 && inotify_add_watch(ino, pipe, IN_CLOSE_NOWRITE) < 0) {
		close(ino);
		ino = -1;
	}
	while (!keeper_term) {
		if (keeper_mark && wfd >= 0) {
			/* Those who read now are given the mark; a reader
			 * that opens the pipe after it is not waited for. */
			keeper_readers_now(pipe, &given);
			close(wfd);
			wfd = -1;
		}
		if (wfd < 0 && !reader_still_open(st->st_dev, st->st_ino,
		    &given))
			break;
		if (!same_pipe(pipe, st))
			break;
		pfd[0].fd = wfd;	/* -1 once closed: ignored */
		pfd[0].events = 0;	/* POLLERR: no reader left */
		pfd[1].fd = ino;
		pfd[1].events = POLLIN;
		every.tv_sec = wfd >= 0 ? KEEPER_HOLD_CHECK : 1;
		every.tv_nsec = 0;
		if (ppoll(pfd, 2, &every, &none) < 0 && errno != EINTR)
			break;
		if (wfd >= 0 && (pfd[0].revents & (POLLERR | POLLHUP)))
			break;	/* the reader left: nothing to hold for */
		if (ino >= 0)
			while (read(ino, buf, sizeof(buf)) > 0)
				;
	}
	if (wfd >= 0)
		close(wfd);
	if (ino >= 0)
		close(ino);
}

/*
 * A test hook (DEVELOPING.md): TAPESOCK_TEST_KEEPER_DELAY_MS slows the
 * keeper's start, before it takes its pid file, so that a test sees
 * what its server does meanwhile.  Read only here.
 */
static void
keeper_test_delay(void)
{
	const char *v = getenv("TAPESOCK_TEST_KEEPER_DELAY_MS");
	uint64_t ms;

	if (v != NULL && parse_u64(v, 60000, &ms) == 0 && ms > 0)
		poll(NULL, 0, (int)ms);
}

int
keeper_main(const char *home, const char *name, const char *pipe,
    int write_fd, int ready_fd)
{
	static const struct daemon_signal mark[] = {
		{ SIGUSR1, &keeper_mark },
	};
	char *path = keeper_pidfile(home, name);
	struct daemon_life life;
	struct errbuf err;
	struct stat st, now, wst;
	long other;
	int fd, waiting, rc, why;

	daemon_init(&life, ready_fd);
	keeper_test_delay();
	rc = daemon_pidfile_open(&life, path, name, &other, &err);
	why = errno;
	free(path);
	if (rc != 0) {
		/* Another keeper holds the pipe: as good as this one. */
		if (rc > 0)
			daemon_report_ok(&life, other);
		else
			daemon_report_err(&life, "keeper pid file: %s",
			    strerror(why));
		daemon_end(&life);
		return rc > 0 ? 0 : 1;
	}
	if (write_fd >= 0) {
		/* The input role: the server opened the write end for us. */
		fd = -1;
		if (lstat(pipe, &st) < 0 || !S_ISFIFO(st.st_mode) ||
		    fstat(write_fd, &wst) < 0 || wst.st_dev != st.st_dev ||
		    wst.st_ino != st.st_ino ||
		    (fcntl(write_fd, F_GETFL) & O_ACCMODE) != O_WRONLY) {
			daemon_report_err(&life,
			    "%s: descriptor %d is not its write end", pipe,
			    write_fd);
			daemon_end(&life);
			return 1;
		}
		(void)fcntl(write_fd, F_SETFD, FD_CLOEXEC);
	} else {
		/* Never through a symbolic link, in a safe directory. */
		fd = pipe_open(pipe, O_RDONLY | O_NONBLOCK, NULL, &err);
		if (fd < 0 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
			daemon_report_err(&life, "%s: %s", pipe,
			    fd == -1 ? strerror(errno) : fd == -2 ? err.msg :
			    "not a FIFO");
			if (fd >= 0)
				close(fd);
			daemon_end(&life);
			return 1;
		}
	}
	daemon_signals(&keeper_term, mark, sizeof(mark) / sizeof(mark[0]));
	daemon_title("%skeeper of %s", write_fd >= 0 ? "reader " : "", name);
	if (daemon_pidfile_write(&life, &err) < 0) {
		daemon_report_err(&life, "keeper pid file: %s",
		    strerror(errno));
		daemon_end(&life);
		return 1;
	}
	daemon_report_ok(&life, (long)getpid());

	if (write_fd >= 0) {
		keeper_hold(pipe, write_fd, &st);
		daemon_end(&life);
		return 0;
	}
	while (!keeper_term) {
		poll(NULL, 0, KEEPER_CHECK_EVERY);
		if (runstate_pid(home, name) != 0)
			continue;	/* the server reads: nothing to do */
		/* A pipe removed or replaced is not ours to hold. */
		if (lstat(pipe, &now) < 0 || now.st_dev != st.st_dev ||
		    now.st_ino != st.st_ino)
			break;
		waiting = 0;
		if (ioctl(fd, FIONREAD, &waiting) == 0 && waiting > 0)
			continue;
		if (!writers_exist(st.st_dev, st.st_ino))
			break;
	}
	close(fd);
	daemon_end(&life);
	return 0;
}
