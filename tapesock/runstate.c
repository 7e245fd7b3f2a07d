/*
 * runstate.c — find whether a server runs from its locked pid file.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "runstate.h"
#include "util.h"

char *
runstate_pidfile(const char *home, const char *server)
{
	return xasprintf("%s/%s.pid", home, server);
}

long
runstate_pid(const char *home, const char *server)
{
	char *path = runstate_pidfile(home, server);
	long pid = runstate_pid_file(path);

	free(path);
	return pid;
}

long
runstate_pid_file(const char *path)
{
	char buf[32];
	uint64_t pid;
	ssize_t n;
	int fd;
	long rc = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return 0;
	/* If we can take the lock, nobody holds it: stale. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK)
		goto done;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		goto done;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (parse_u64(buf, 4194304, &pid) == 0)
		rc = (long)pid;
done:
	close(fd);
	return rc;
}
