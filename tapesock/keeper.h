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
 *
 * The input server has a keeper too, for the other end (tapesockd -k
 * pipe -w 4): a reader sees end of file as soon as no process has the
 * pipe open for writing, so a stop or a kill of the input server in the
 * middle of a tape file would be a false end of file.  When the input
 * server opens its pipe for a tape file it starts a keeper that holds
 * the same write end (descriptor 4).  It never writes.  At the tape
 * mark the server sends it SIGUSR1: the keeper closes the write end
 * (the reader now sees end of file) and stays until that reader has
 * closed the pipe; the server writes the next tape file only once the
 * keeper is gone.  It also leaves when no reader is left (the reader
 * left in the middle of the file), on SIGTERM, or when the pipe is
 * removed.  A new input server finds it by its pid file and carries on
 * with it: holding (the file goes on) or not (a reader yet to close).
 */
#ifndef TAPESOCK_KEEPER_H
#define TAPESOCK_KEEPER_H

#include "util.h"

/* The pid of the keeper of server name, or 0 when there is none. */
long	keeper_pid(const char *home, const char *name);
/* Start a keeper of pipe for server name: its pid, or -1 and err. */
long	keeper_start(const char *home, const char *name, const char *pipe,
	    struct errbuf *err);
/* Start a keeper of the write end fd of pipe (input server). */
long	keeper_start_writer(const char *home, const char *name,
	    const char *pipe, int fd, struct errbuf *err);
/* 1 if process pid has pipe open for writing (a holding keeper). */
int	keeper_holds(long pid, const char *pipe);
/*
 * 1 while a reader that can see end of file has pipe open: some process
 * has it read-only and none for writing.  Processes of other users are
 * seen only by root.
 */
int	keeper_reader_open(const char *pipe);
/*
 * The moment a look at the pipe's writers starts from: the last pid
 * given and the clock tick.  keeper_writers_before counts the
 * descriptors open for writing on pipe in processes other than ours,
 * leaving out the processes forked after e (their opens are later than
 * e); 1 when it cannot tell.  Processes of other users are seen only by
 * root.
 */
struct keeper_epoch {
	long			last_pid;	/* -1: unknown, none left out */
	unsigned long long	tick;
};
void	keeper_epoch_now(struct keeper_epoch *e);
int	keeper_writers_before(const char *pipe, const struct keeper_epoch *e);
/* The keeper process itself (tapesockd -k): reports on ready_fd; with
 * write_fd >= 0 it keeps that write end (input role). */
int	keeper_main(const char *home, const char *name, const char *pipe,
	    int write_fd, int ready_fd);

#endif
