/*
 * sdnotify.c — sd_notify(3) by hand (see sdnotify.h).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdnotify.h"

/* The socket systemd gave, taken from the environment; owned here for
 * the life of the process. */
static char *sdnotify_socket;

void
sdnotify_take(void)
{
	const char *v = getenv("NOTIFY_SOCKET");

	free(sdnotify_socket);
	sdnotify_socket = v != NULL && *v != '\0' ? xstrdup(v) : NULL;
	unsetenv("NOTIFY_SOCKET");
}

int
sdnotify_wanted(void)
{
	return sdnotify_socket != NULL;
}

int
sdnotify_send(const char *state, struct errbuf *err)
{
	if (sdnotify_socket == NULL)
		return 0;
	return sdnotify_send_to(sdnotify_socket, state, err);
}

int
sdnotify_send_to(const char *name, const char *state, struct errbuf *err)
{
	struct sockaddr_un sun;
	size_t len = strlen(name);
	socklen_t salen;
	ssize_t n;
	int fd, saved;

	/* A path, or '@' for the abstract namespace (a leading NUL). */
	if ((name[0] != '/' && name[0] != '@') || len < 2 ||
	    len > sizeof(sun.sun_path)) {
		errbuf_set(err, "NOTIFY_SOCKET=%s: not a socket path", name);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, len);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	/* An abstract name is exactly its bytes: no NUL counted after. */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
	    (name[0] == '/' && len < sizeof(sun.sun_path)));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		errbuf_set(err, "NOTIFY_SOCKET=%s: %s", name, strerror(errno));
		return -1;
	}
	do
		n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
		    (struct sockaddr *)&sun, salen);
	while (n < 0 && errno == EINTR);
	saved = errno;
	close(fd);
	if (n != (ssize_t)strlen(state)) {
		errbuf_set(err, "NOTIFY_SOCKET=%s: %s", name,
		    n < 0 ? strerror(saved) : "short write");
		return -1;
	}
	return 1;
}
