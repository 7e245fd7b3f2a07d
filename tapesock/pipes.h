/*
 * pipes.h — looking at and emptying the Unix pipes of the servers.
 */
#ifndef TAPESOCK_PIPES_H
#define TAPESOCK_PIPES_H

#include <sys/types.h>

#include <stdint.h>

#include "util.h"

struct pipeinfo {
	int	 exists;
	char	 kind[12];	/* fifo, chardev, file, directory, other */
	char	 perms[11];	/* "prw-rw-rw-" */
	uid_t	 uid;
	gid_t	 gid;
	int	 openers;	/* processes holding it open, -1 unknown */
	long	 waiting;	/* bytes in it, -1 unknown */
};

int	pipe_inspect(const char *path, struct pipeinfo *);

/*
 * Empty a FIFO (without blocking) into backup, appending a header line
 * "#tapesock-drain date=... pipe=... bytes=N" followed by exactly N
 * bytes and a newline, so the data can be replayed.  *bytes is set.
 */
int	pipe_drain(const char *pipe, const char *backup, uint64_t *bytes,
	    struct errbuf *);

#endif
