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

#include <time.h>

/*
 * A keeper on its way: started, its report not read yet.  The server
 * never waits for it in its loop: it polls fd (POLLIN, while
 * keeper_boot_pollfd says so), wakes at deadline, and then asks
 * keeper_boot_poll.  A keeper that does not report within
 * KEEPER_START_WAIT is killed; a failed one counts as failed only once
 * it is gone, so that a write end it was given is closed by then.
 */
struct keeper_boot {
	int		 fd;		/* its report's read end; -1: none */
	long		 pid;		/* the keeper process, until it reports */
	int		 writer;	/* holds a write end of the pipe */
	int		 failed;	/* failed; waiting for it to be gone */
	int		 looks;		/* since, at the pipe */
	struct timespec	 deadline;	/* report by then; when failed, the
					 * next look */
	struct errbuf	 why;		/* failed: the reason */
};

/* The pid of the keeper of server name, or 0 when there is none. */
long	keeper_pid(const char *home, const char *name);
/* Nothing under way. */
void	keeper_boot_init(struct keeper_boot *);
/* A start is under way: its report is still to be collected. */
int	keeper_booting(const struct keeper_boot *);
/* The descriptor to poll for POLLIN, or -1 (none, or failed: the
 * deadline alone says when to look again). */
int	keeper_boot_pollfd(const struct keeper_boot *);
/*
 * Start a keeper of pipe for server name, without waiting for it: 0
 * with *kb under way, or -1 and err (nothing under way).
 */
int	keeper_start(const char *home, const char *name, const char *pipe,
	    struct keeper_boot *kb, struct errbuf *err);
/* Start a keeper of the write end fd of pipe (input server). */
int	keeper_start_writer(const char *home, const char *name,
	    const char *pipe, int fd, struct keeper_boot *kb,
	    struct errbuf *err);
/*
 * Collect the report of *kb without waiting: the keeper's pid (the
 * start is over), 0 while it is under way, -1 and err when it failed
 * (over too: the process is gone, pipe held by it no more).
 */
long	keeper_boot_poll(struct keeper_boot *kb, const char *pipe,
	    struct errbuf *err);
/*
 * Let go of a start under way (the fd is closed).  A report already
 * there gives the keeper's pid: it is up, and the caller deals with it
 * as with any keeper of its own.  Else 0, and with kill_it the keeper
 * is killed (it is not wanted, and would come up holding the pipe);
 * without, it is left to come up on its own, as a keeper started just
 * before the server ended would.
 */
long	keeper_boot_abandon(struct keeper_boot *kb, int kill_it);
/* 1 if process pid has pipe open for writing (a holding keeper). */
int	keeper_holds(long pid, const char *pipe);
/*
 * The readers given a tape mark: the descriptors open read-only on the
 * pipe when it was made, each named by its process (pid and start, so
 * that a pid used again is not taken for it) and its number.  A reader
 * that opens the pipe later (a poller's O_NONBLOCK open, the next tape
 * file's reader) is not one of them, and is never waited for.  With any
 * set (not known: a keeper found at a restart, or more readers than
 * fit), every reader counts.
 */
#define KEEPER_READERS	16
struct keeper_readers {
	int		 any;
	int		 n;
	struct {
		long			pid;
		unsigned long long	tick;
		int			fd;
	}		 r[KEEPER_READERS];
};
/* Take the set of readers that have pipe open now. */
void	keeper_readers_now(const char *pipe, struct keeper_readers *set);
/*
 * 1 while a reader of set that can see end of file still has pipe
 * open: one of them has it read-only and nobody for writing (a
 * read-write reader never sees the end, and is not waited for).
 * Processes of other users are seen only by root.
 */
int	keeper_readers_open(const char *pipe, const struct keeper_readers *set);
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
