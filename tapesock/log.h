/*
 * log.h — the three logs of a home.
 *
 *   ts.log       bounded trace log: the last `trace=N` entries of each
 *                server (oldest dropped); status reads it.
 *   ts.log,log   permanent log, switchlog record format (seed 002):
 *                "yyyy-mm-dd hh:mm:ss.xxx: (CODE, NUM): TYPE: text: \n====\n"
 *   syslog       facility LOG_DAEMON at the catalogue's severity.
 *
 * Several processes (servers, command line) append at once: every
 * writer takes an flock on the file it changes.
 */
#ifndef TAPESOCK_LOG_H
#define TAPESOCK_LOG_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "catalog.h"
#include "util.h"

#define TSLOG_FILE	"ts.log"
#define PLOG_FILE	"ts.log,log"
#define BACKUP_FILE	"ts.log,backup"

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

/* Who is logging: one per server process (or CLI action). */
struct tslog {
	char		 home[4096];
	char		 server[TRACE_NAME_MAX];
	char		 type;		/* 's', 'r' or '-' */
	unsigned	 keep;		/* trace=N: entries kept in ts.log */
	int		 verbose;	/* (V: record MSGF_VERBOSE entries */
	int		 use_syslog;
};

void	tslog_init(struct tslog *, const char *home, const char *server,
	    char type, unsigned keep, int verbose);

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

/* The lower layers, exposed for tests and readers. */
int	tslog_ring_append(const char *path, const struct trace_entry *,
	    unsigned keep);
/* All entries of ts.log, oldest first; *out is the caller's to free. */
int	tslog_ring_read(const char *path, struct trace_entry **out,
	    size_t *n);
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

/* Append one record; text may contain newlines. */
int	plog_append(const char *path, const struct timespec *,
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
void	plog_free(struct plog_record *, size_t n);

#endif
