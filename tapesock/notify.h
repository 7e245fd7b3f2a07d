/*
 * notify.h — System Administrator messages to the notify list:
 * OFF; a user (each of their terminals); !N or !tty... (/dev/pts/N,
 * /dev/tty...: terminals only); * (every logged-in user); exec cmd
 * (cmd runs with the message as its last argument).
 */
#ifndef TAPESOCK_NOTIFY_H
#define TAPESOCK_NOTIFY_H

#include <stddef.h>

/* Told of a terminal of the list passed over (its path), and why. */
typedef void notify_skip_fn(void *arg, const char *dev, const char *why);

/*
 * Deliver text to every item of list; never blocks for long.  A
 * terminal is written only if it opens with O_NOFOLLOW (and O_NOCTTY,
 * O_NONBLOCK) and isatty() says it is one; else skip (if not NULL) is
 * told.
 */
void	notify_send(const char *list, const char *server, const char *text,
	    notify_skip_fn *skip, void *arg);

/*
 * The terminal a "!name" item of notify= names, without its "!": N or
 * pts/N (/dev/pts/N), or tty followed by letters and digits (/dev/tty,
 * /dev/tty1, /dev/ttyS0).  0 and dev ("pts/3", "ttyS0") if dev is not
 * NULL; -1 for anything else.
 */
int	notify_tty_dev(const char *name, char *dev, size_t sz);

#endif
