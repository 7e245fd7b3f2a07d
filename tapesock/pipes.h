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
/* The same, showing its progress on pg (progress.h) when pg is not
 * NULL: the total is what waits in the pipe when the drain begins. */
struct progress;
int	pipe_drain_progress(const char *pipe, const char *backup,
	    uint64_t *bytes, struct errbuf *, struct progress *pg);
/*
 * A FIFO that no process holds open (/proc): nothing can wait in it.
 * A writer blocked in its open() holds no descriptor yet, so it is not
 * counted: it is let go only by a reader's open.  0 as well when some
 * process's descriptors cannot be seen (another user's): it may hold it.
 */
int	pipe_unheld(const char *pipe);
/*
 * The same through in, a descriptor of the FIFO its caller keeps open
 * (the output server's own read end), or -1 for a FIFO known empty.
 * Exactly the bytes waiting when it is called are drained (FIONREAD):
 * what a writer adds meanwhile stays for the reader of in, so that
 * every byte is either saved here or read after.
 */
int	pipe_drain_fd(int in, const char *pipe, const char *backup,
	    uint64_t *bytes, struct errbuf *);

/*
 * Who a server's pipe is: the file it opened first.  Every later open
 * must find the same one (pipe_open).
 */
struct pipe_id {
	int	 set;		/* an open recorded it */
	dev_t	 dev;
	ino_t	 ino;
	mode_t	 type;		/* S_IFIFO or S_IFCHR */
};

/*
 * May only root and the owners change what the pipe's path names?  No
 * directory from the pipe's up to / (as written, then resolved) may be
 * writable by group or others unless it has the sticky bit.  0, or -1
 * with the directory and the fix in err.
 */
int	pipe_dir_check(const char *path, struct errbuf *);

/*
 * Open a server's pipe with flags (O_RDONLY or O_WRONLY, O_NONBLOCK):
 * pipe_dir_check first, then never through a symbolic link
 * (O_NOFOLLOW), and only a FIFO or a character device is kept.  With
 * id, the first open records which file it is and every later one must
 * find that file again (same st_dev, st_ino and type).  The descriptor;
 * -1 with errno when open() failed (ENXIO: a FIFO without a reader);
 * -2 when the pipe is refused: nothing was read or written, err says
 * why.
 */
int	pipe_open(const char *path, int flags, struct pipe_id *id,
	    struct errbuf *);

#endif
