/*
 * runstate.h — is a server running?  A running server holds an flock
 * on its pid file <home>/<name>.pid (daemon_pidfile_open does so); a
 * pid file nobody holds is stale and means "not running".
 */
#ifndef TAPESOCK_RUNSTATE_H
#define TAPESOCK_RUNSTATE_H

char	*runstate_pidfile(const char *home, const char *server);  /* owned */
/* The pid of the running server, or 0 when it is not running. */
long	 runstate_pid(const char *home, const char *server);
/* The same for any pid file held that way. */
long	 runstate_pid_file(const char *path);

#endif
