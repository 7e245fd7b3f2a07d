/*
 * log.h — the three logs of a home.
 *
 *   ts.log       bounded trace log: at least the last `trace=N` entries
 *                of each server, a bounded number more between two
 *                compactions; status reads it.
 *   ts.log,log   permanent log, switchlog record format (seed 002):
 *                "yyyy-mm-dd hh:mm:ss.xxx: (CODE, NUM): TYPE: text: \n====\n"
 *   syslog       facility LOG_DAEMON at the catalogue's severity.
 *
 * Several processes (servers, command line) append at once, each
 * record with one write() on an O_APPEND descriptor; nothing on the
 * path of a trace waits for a lock or a disk (log.c says how ts.log is
 * kept bounded).
 */
#ifndef TAPESOCK_LOG_H
#define TAPESOCK_LOG_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "catalog.h"
#include "util.h"

#define TSLOG_FILE	"ts.log"
#define PLOG_FILE	"ts.log,log"
#define BACKUP_FILE	"ts.log,backup"
/* The permanent log rotates: PLOG_FILE becomes PLOG_FILE PLOG_OLD (the
 * one before it is dropped) once it reaches logmax bytes. */
#define PLOG_OLD	".1"
#define PLOG_MAX_DEFAULT ((uint64_t)8 << 20)	/* logmax's default */

/*
 * Repeated traces: more than TSLOG_BURST_MAX records of one message
 * within TSLOG_BURST_WINDOW seconds of its first are counted, not
 * written, and summed up in one LOG_REPEATED record.  A process tracks
 * TSLOG_BURST_IDS messages at once (the one least recently seen gives
 * way, summed up first): more than a flood has.
 */
#define TSLOG_BURST_MAX	20
#define TSLOG_BURST_WINDOW 10
#define TSLOG_BURST_IDS	32

#define TRACE_TEXT_MAX	512
#define TRACE_NAME_MAX	64

/* One entry of ts.log. */
struct trace_entry {
	struct timespec	 when;
	char		 server[TRACE_NAME_MAX];
	char		 type;		/* 's' output, 'r' input, '-' CLI */
	char		 status;	/* E C L Q R S (seed "S" column) */
	uint64_t	 msgnum;	/* current message number */
	char		 code[8];	/* catalogue component */
	int		 number;	/* catalogue number */
	char		 text[TRACE_TEXT_MAX];	/* rendered, one line */
};

#define TSLOG_PATH_MAX	(4096 + 16)

/*
 * The writer of one server's entries in ts.log: a descriptor kept open
 * (O_APPEND) and what it knows of the file.  Lives in the struct that
 * holds it; tslog_ring_close releases it.  All zero is "not open".
 */
struct tslog_ring {
	char		 path[TSLOG_PATH_MAX];	/* "" until tslog_ring_open */
	char		 server[TRACE_NAME_MAX];
	int		 fd;		/* -1 until the first append */
	int		 counted;	/* mine and others are for fd's file */
	int		 torn;		/* it ended inside a line */
	size_t		 mine;		/* entries of server in the file */
	size_t		 others;	/* entries of the other servers */
	size_t		 retry;		/* after a failed compaction */
	unsigned	 keep;		/* of the last put, for flush */
	int		 claimed;	/* made "<path>.claim" (see ring.c) */
	int		 yielding;	/* saw a claim: look before locking */
	unsigned	 appends;	/* since the last look at path */
	char		*pending;	/* lines held back by a compaction */
	size_t		 plen, pcap, plines;
};

/* One message of the rate limit: its window and what it held back. */
struct tslog_burst {
	int		 used;
	enum msgid	 id;
	struct timespec	 start;		/* CLOCK_MONOTONIC: the window began */
	struct timespec	 last;		/* the last one held back */
	struct timespec	 seen;		/* the last one, written or not */
	unsigned	 count;		/* occurrences in the window */
	unsigned	 dropped;	/* of them held back, not summed up */
	char		 status;	/* of the last one held back */
	uint64_t	 msgnum;
	char		 text[TRACE_TEXT_MAX];
};

/* Who is logging: one per server process (or CLI action). */
struct tslog {
	char		 home[4096];
	char		 server[TRACE_NAME_MAX];
	char		 type;		/* 's', 'r' or '-' */
	unsigned	 keep;		/* trace=N: entries kept in ts.log */
	int		 verbose;	/* (V: record MSGF_VERBOSE entries */
	int		 use_syslog;
	uint64_t	 logmax;	/* permanent log rotated at (0: never) */
	struct tslog_ring ring;
	struct tslog_burst burst[TSLOG_BURST_IDS];
};

/* tslog_close releases what tslog_init and tslog_msg took. */
/* Entries of a server the ring keeps for trace=n: n, and the last one
 * even for 0 (status shows it, stop reads how the server ended). */
unsigned tslog_keep(unsigned trace);
void	tslog_init(struct tslog *, const char *home, const char *server,
	    char type, unsigned keep, int verbose);
/*
 * Write the entries a compaction by another process held back, without
 * waiting: 0 none left, 1 some still held (try again soon), -1 error.
 * A server calls it from its loop; it costs nothing when none are held.
 */
int	tslog_flush(struct tslog *);
/* Flush (waiting a moment for a compaction if need be) and close;
 * what the rate limit held back is summed up first. */
int	tslog_close(struct tslog *);
/*
 * The rate limit's deadline: *at (CLOCK_MONOTONIC) is when the first
 * window that held records back ends, all zero when none did; a server
 * gives it to server_wake.  tslog_flush writes the summaries due then;
 * tslog_repeats_flush does it for a given now (the tests' clock), all
 * of them with now NULL.
 */
void	tslog_repeats_due(const struct tslog *, struct timespec *at);
int	tslog_repeats_flush(struct tslog *, const struct timespec *now);

/*
 * Record message id (rendered with its arguments) for this server:
 * ts.log ring, permanent log unless MSGF_NOPERM, syslog.  MSGF_VERBOSE
 * entries are dropped unless verbose.  status is the S column letter.
 * Returns 0, or -1 when a log file could not be written (the message
 * still reached syslog).
 */
int	tslog_msg(struct tslog *, char status, uint64_t msgnum,
	    enum msgid, ...);
int	tslog_vmsg(struct tslog *, char status, uint64_t msgnum,
	    enum msgid, va_list);

/*
 * The lower layers, exposed for tests and readers.  A writer: open
 * (no I/O), put entries of its server (each one write() of one line;
 * keep is that server's trace=N, 0 keeping nothing), close.  put and
 * compact never wait: put holds an entry back in memory while another
 * process compacts the file, and writes it with the next put or flush.
 * compact drops the server's entries beyond the last keep and the
 * lines that do not parse: 1 done, 0 left to whoever holds the file,
 * -1 error.  put compacts by itself when the server's entries are
 * well beyond keep.
 */
int	tslog_ring_open(struct tslog_ring *, const char *path,
	    const char *server);
int	tslog_ring_put(struct tslog_ring *, const struct trace_entry *,
	    unsigned keep);
int	tslog_ring_compact(struct tslog_ring *, unsigned keep);
int	tslog_ring_flush(struct tslog_ring *);
int	tslog_ring_close(struct tslog_ring *);
/* open, put, close: for a process that writes one entry. */
int	tslog_ring_append(const char *path, const struct trace_entry *,
	    unsigned keep);

/*
 * Readers take no lock.  A last line without its newline (being
 * written, or cut short) is skipped, as is any line that does not
 * parse.
 */
/* All entries of ts.log, oldest first; *out is the caller's to free. */
int	tslog_ring_read(const char *path, struct trace_entry **out,
	    size_t *n);
/*
 * The last (at most) max entries of server, oldest first; *out is the
 * caller's to free (NULL when *n is 0).  The file may hold more of
 * them than trace=N: a reader that shows "the ring" asks for N.
 */
int	tslog_ring_tail(const char *path, const char *server, size_t max,
	    struct trace_entry **out, size_t *n);
/* Latest entry of server; 1 found, 0 none, -1 error. */
int	tslog_ring_last(const char *path, const char *server,
	    struct trace_entry *out);

/* One record of the permanent log. */
struct plog_record {
	char		 stamp[32];	/* "yyyy-mm-dd hh:mm:ss.xxx" */
	char		 code[8];
	int		 number;
	char		 type[16];	/* NOTICE WARNING ERROR "FATAL ERROR" */
	char		*text;		/* may hold several lines; owned */
};

/*
 * Append one record; text may contain newlines.  A writer that finds
 * the file at logmax bytes or more (0: never) renames it path PLOG_OLD
 * (see log.c for concurrent writers).
 */
int	plog_append(const char *path, uint64_t logmax, const struct timespec *,
	    const char *code, int number, enum msgtype, const char *text);
/*
 * Parse a permanent log held in memory.  Complete records go to *out
 * (caller frees with plog_free); *bad counts malformed stretches that
 * were skipped.  Never fails on content; -1 only on memory exhaustion.
 */
int	plog_parse(const char *buf, size_t len, struct plog_record **out,
	    size_t *n, size_t *bad);
int	plog_read(const char *path, struct plog_record **out, size_t *n,
	    size_t *bad);
/* The same for the rotated log too: path PLOG_OLD, then path, each
 * record once even if a rotation happens meanwhile. */
int	plog_read_all(const char *path, struct plog_record **out, size_t *n,
	    size_t *bad);
void	plog_free(struct plog_record *, size_t n);

#endif
