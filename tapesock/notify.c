/*
 * notify.c — deliver System Administrator messages to the notify list.
 * Terminals are written without blocking; exec commands run detached
 * with the message as an argument, never through string pasting.
 */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utmpx.h>

#include <bsd/unistd.h>

#include "notify.h"
#include "util.h"

int
notify_tty_dev(const char *name, char *dev, size_t sz)
{
	const char *num = name;
	size_t n = strlen(name);

	if (strncmp(name, "pts/", 4) == 0)
		num = name + 4;
	if (*num != '\0' && strspn(num, "0123456789") == strlen(num) &&
	    strlen(num) <= 9) {
		if (dev != NULL)
			snprintf(dev, sz, "pts/%s", num);
		return 0;
	}
	if (num == name && strncmp(name, "tty", 3) == 0 && n <= 32 &&
	    strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == n) {
		if (dev != NULL)
			snprintf(dev, sz, "%s", name);
		return 0;
	}
	return -1;
}

/*
 * Write line to /dev/dev if it is a terminal: never through a symbolic
 * link, never blocking, never becoming our controlling terminal.  What
 * is passed over is told to skip: always when the operator named the
 * terminal (loud), else (utmp's lines) only when it is no terminal.
 */
static void
to_tty(const char *dev, const char *line, int loud, notify_skip_fn *skip,
    void *arg)
{
	char path[300], why[128];
	int fd;

	if (strchr(dev, '.') != NULL)
		return;		/* no way out of /dev */
	snprintf(path, sizeof(path), "/dev/%s", dev);
	fd = open(path, O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, sizeof(why), "%s", errno == ELOOP ?
		    "a symbolic link" : strerror(errno));
		if (skip != NULL && (loud || errno == ELOOP))
			skip(arg, path, why);
		return;
	}
	if (!isatty(fd)) {
		close(fd);
		if (skip != NULL)
			skip(arg, path, "not a terminal");
		return;
	}
	(void)write_all(fd, line, strlen(line));
	close(fd);
}

/* Every terminal of user (NULL: of everybody) known to utmp. */
static void
to_users(const char *user, const char *line, notify_skip_fn *skip, void *arg)
{
	struct utmpx *u;

	setutxent();
	while ((u = getutxent()) != NULL) {
		if (u->ut_type != USER_PROCESS)
			continue;
		if (user != NULL && strncmp(u->ut_user, user,
		    sizeof(u->ut_user)) != 0)
			continue;
		{
			char dev[sizeof(u->ut_line) + 1];

			memcpy(dev, u->ut_line, sizeof(u->ut_line));
			dev[sizeof(u->ut_line)] = '\0';
			to_tty(dev, line, 0, skip, arg);
		}
	}
	endutxent();
}

/* Run "sh -c 'cmd "$1"' sh text" detached; reap it from a grandchild. */
static void
to_exec(const char *cmd, const char *text)
{
	char *script = xasprintf("%s \"$1\"", cmd);
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			int fd = open("/dev/null", O_RDWR);

			if (fd >= 0) {
				dup2(fd, 0);
				dup2(fd, 1);
				dup2(fd, 2);
			}
			/* Nothing of the server's: its pid file lock above all. */
			closefrom(3);
			execl("/bin/sh", "sh", "-c", script, "sh", text,
			    (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	free(script);
}

void
notify_send(const char *list, const char *server, const char *text,
    notify_skip_fn *skip, void *arg)
{
	char *copy, *p, *item, *line;

	if (list == NULL || strcmp(list, "OFF") == 0)
		return;
	line = xasprintf("\r\ntape-socket %s: %s\r\n", server, text);
	copy = xstrdup(list);
	for (p = copy; p != NULL && *p != '\0'; ) {
		if (strncmp(p, "exec ", 5) == 0) {
			to_exec(p + 5, text);	/* exec takes the rest */
			break;
		}
		item = strsep(&p, ",");
		if (strcmp(item, "*") == 0)
			to_users(NULL, line, skip, arg);
		else if (item[0] == '!') {
			char dev[64];

			/* A list written before the rule: still a terminal. */
			if (notify_tty_dev(item + 1, dev, sizeof(dev)) == 0)
				to_tty(dev, line, 1, skip, arg);
			else if (skip != NULL)
				skip(arg, item, "not a terminal name");
		} else
			to_users(item, line, skip, arg);
	}
	free(copy);
	free(line);
}
