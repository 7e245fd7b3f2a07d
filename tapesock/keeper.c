/*
 * keeper.c — hold an output pipe open while its server is down (see
 * keeper.h).
 */
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
#include <unistd.h>

#include <bsd/libutil.h>
#include <bsd/unistd.h>

#include "keeper.h"
#include "runstate.h"

#define KEEPER_START_WAIT	5000	/* ms a server waits for its keeper */
#define KEEPER_CHECK_EVERY	500	/* ms between two looks */

static volatile sig_atomic_t keeper_term;

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

long
keeper_start(const char *home, const char *name, const char *pipe,
    struct errbuf *err)
{
	char exe[4096], line[ERRBUF_SIZE + 8];
	struct pollfd pfd;
	ssize_t n, len = 0;
	pid_t child;
	uint64_t pid;
	int p[2], status;

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
	if ((child = fork()) < 0) {
		errbuf_set(err, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (child == 0) {
		/* Twice, so that the keeper is nobody's child. */
		int null = open("/dev/null", O_RDWR);

		setsid();
		if (fork() != 0)
			_exit(0);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		if (p[1] == 3)
			fcntl(3, F_SETFD, 0);
		else
			dup2(p[1], 3);
		closefrom(4);
		setenv("TAPESOCK_HOME", home, 1);
		execl(exe, "tapesockd", "-k", pipe, "-r", "3", name,
		    (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	pfd.fd = p[0];
	pfd.events = POLLIN;
	while (len < (ssize_t)sizeof(line) - 1 &&
	    poll(&pfd, 1, KEEPER_START_WAIT) > 0) {
		n = read(p[0], line + len, sizeof(line) - 1 - (size_t)len);
		if (n <= 0)
			break;
		len += n;
		if (memchr(line, '\n', (size_t)len) != NULL)
			break;
	}
	close(p[0]);
	line[len] = '\0';
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "OK ", 3) == 0 &&
	    parse_u64(line + 3, 4194304, &pid) == 0)
		return (long)pid;
	if (strncmp(line, "ERR ", 4) == 0)
		errbuf_set(err, "%s", line + 4);
	else
		errbuf_set(err, "the keeper did not report in %d s",
		    KEEPER_START_WAIT / 1000);
	return -1;
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

/* Does any process (that we may look at) hold the pipe for writing? */
static int
writers_exist(dev_t dev, ino_t ino)
{
	DIR *proc, *fds;
	struct dirent *pe, *fe;
	struct stat st;
	char path[300], self[24];
	int found = 0, mode;

	snprintf(self, sizeof(self), "%ld", (long)getpid());
	if ((proc = opendir("/proc")) == NULL)
		return 1;	/* cannot tell: stay */
	while (!found && (pe = readdir(proc)) != NULL) {
		if (!isdigit((unsigned char)pe->d_name[0]) ||
		    strcmp(pe->d_name, self) == 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/fd", pe->d_name);
		if ((fds = opendir(path)) == NULL)
			continue;
		while ((fe = readdir(fds)) != NULL) {
			if (fe->d_name[0] == '.' ||
			    fstatat(dirfd(fds), fe->d_name, &st, 0) < 0 ||
			    st.st_dev != dev || st.st_ino != ino)
				continue;
			mode = fd_accmode(pe->d_name, fe->d_name);
			if (mode == O_WRONLY || mode == O_RDWR) {
				found = 1;
				break;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	return found;
}

static void
on_keeper_term(int sig)
{
	(void)sig;
	keeper_term = 1;
}

int
keeper_main(const char *home, const char *name, const char *pipe,
    int ready_fd)
{
	char *path = keeper_pidfile(home, name), msg[ERRBUF_SIZE + 8];
	struct sigaction sa;
	struct pidfh *pfh;
	struct stat st, now;
	pid_t other;
	int fd, waiting;

	pfh = pidfile_open(path, 0600, &other);
	free(path);
	if (pfh == NULL) {
		if (errno == EEXIST)
			snprintf(msg, sizeof(msg), "OK %ld\n", (long)other);
		else
			snprintf(msg, sizeof(msg), "ERR keeper pid file: %s\n",
			    strerror(errno));
		report_ready(&ready_fd, msg);
		return errno == EEXIST ? 0 : 1;
	}
	fd = open(pipe, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		snprintf(msg, sizeof(msg), "ERR %s: %s\n", pipe,
		    fd < 0 ? strerror(errno) : "not a FIFO");
		report_ready(&ready_fd, msg);
		pidfile_remove(pfh);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_keeper_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	setproctitle("keeper of %s", name);
	if (pidfile_write(pfh) < 0) {
		snprintf(msg, sizeof(msg), "ERR keeper pid file: %s\n",
		    strerror(errno));
		report_ready(&ready_fd, msg);
		pidfile_remove(pfh);
		return 1;
	}
	snprintf(msg, sizeof(msg), "OK %ld\n", (long)getpid());
	report_ready(&ready_fd, msg);

	while (!keeper_term) {
		poll(NULL, 0, KEEPER_CHECK_EVERY);
		if (runstate_pid(home, name) != 0)
			continue;	/* the server reads: nothing to do */
		/* A pipe removed or replaced is not ours to hold. */
		if (stat(pipe, &now) < 0 || now.st_dev != st.st_dev ||
		    now.st_ino != st.st_ino)
			break;
		waiting = 0;
		if (ioctl(fd, FIONREAD, &waiting) == 0 && waiting > 0)
			continue;
		if (!writers_exist(st.st_dev, st.st_ino))
			break;
	}
	close(fd);
	pidfile_remove(pfh);
	return 0;
}
