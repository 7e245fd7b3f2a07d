/*
 * keeper.h — the keeper of an output pipe.
 *
 * A FIFO writer gets EPIPE as soon as no process has the pipe open for
 * reading, and the pipe's contents vanish when the last process closes
 * it.  So that a restart or a crash of the output server does neither
 * to the tape process, the server starts a keeper: a small process of
 * its own (tapesockd -k) that only holds the pipe open for reading.
 * It never reads; the server does.  While the server is down, the
 * writer goes on writing until the pipe's buffer is full, then blocks,
 * and the next server takes what waits in the pipe.  The keeper leaves
 * when the server is gone, the pipe is empty and no process has it open
 * for writing, or when the pipe is removed.  Its pid file is
 * <home>/<name>.keeper.
 */
#ifndef TAPESOCK_KEEPER_H
#define TAPESOCK_KEEPER_H

#include "util.h"

/* The pid of the keeper of server name, or 0 when there is none. */
long	keeper_pid(const char *home, const char *name);
/* Start a keeper of pipe for server name: its pid, or -1 and err. */
long	keeper_start(const char *home, const char *name, const char *pipe,
	    struct errbuf *err);
/* The keeper process itself (tapesockd -k): reports on ready_fd. */
int	keeper_main(const char *home, const char *name, const char *pipe,
	    int ready_fd);

#endif
