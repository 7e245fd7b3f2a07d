/*
 * sdnotify.h — the readiness protocol of systemd (sd_notify(3)),
 * without libsystemd: one datagram of "VAR=value" lines to the socket
 * $NOTIFY_SOCKET names (a path, or "@name" for the abstract namespace).
 *
 * A server under a unit of Type=notify (etc/systemd/tapesock@.service)
 * is "started" for systemd only once it says READY=1, which it does
 * where it reports "OK pid" to tape-socket start: bound, its pipe
 * opened, its pid file written.  The variable is taken out of the
 * environment at the start of tapesockd, before any keeper or txlog
 * agent is forked, so that only the server itself ever speaks to
 * systemd (NotifyAccess=main).
 */
#ifndef TAPESOCK_SDNOTIFY_H
#define TAPESOCK_SDNOTIFY_H

#include "util.h"

/* Take NOTIFY_SOCKET out of the environment and keep it for
 * sdnotify_send; without it (not under systemd) sending does nothing. */
void	sdnotify_take(void);
/* 1 if a socket was given (we run under a unit of Type=notify). */
int	sdnotify_wanted(void);
/*
 * Send state ("READY=1\nSTATUS=...") as one datagram: 1 when sent, 0
 * when no socket was given, -1 with the reason in err.
 */
int	sdnotify_send(const char *state, struct errbuf *err);
/* The same for a socket named explicitly (the unit tests). */
int	sdnotify_send_to(const char *socket_name, const char *state,
	    struct errbuf *err);

#endif
