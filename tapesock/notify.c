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

static void
to_tty(const char *dev, const char *line)
{
	char path[300];
	int fd;

	if (strchr(dev, '.') != NULL)
		return;		/* no way out of /dev */
	snprintf(path, sizeof(path), "/dev/%s", dev);
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)write_all(fd, line, strlen(line));
	close(fd);
}

/* Every terminal of user (NULL: of everybody) known to utmp. */
static void
to_users(const char *user, const char *line)
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
			to_tty(dev, line);
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
notify_send(const char *list, const char *server, const char *text)
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
			to_users(NULL, line);
		else if (item[0] == '!') {
			char dev[64];

			if (strspn(item + 1, "0123456789") == strlen(item + 1))
				snprintf(dev, sizeof(dev), "pts/%s", item + 1);
			else
				snprintf(dev, sizeof(dev), "%s", item + 1);
			to_tty(dev, line);
		} else
			to_users(item, line);
	}
	free(copy);
	free(line);
}
