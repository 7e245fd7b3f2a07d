/*
 * notify.h — System Administrator messages to the notify list:
 * OFF; a user (each of their terminals); !N or !tty (/dev/pts/N or
 * /dev/tty); * (every logged-in user); exec cmd (cmd runs with the
 * message as its last argument).
 */
#ifndef TAPESOCK_NOTIFY_H
#define TAPESOCK_NOTIFY_H

/* Deliver text to every item of list; never blocks for long. */
void	notify_send(const char *list, const char *server, const char *text);

#endif
