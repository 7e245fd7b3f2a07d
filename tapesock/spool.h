/*
 * spool.h — the output server's durable spool.
 *
 * Every block the output server takes from its pipe goes into the
 * spool, <home>/<name>.spool/, before it is sent, and stays there until
 * the input server acknowledges it.  The spool is a series of segment
 * files named by the number of their first message; each holds a
 * header and records, each record a 32-byte header and its payload.
 *
 * Taking a block from the pipe is one splice(2) from the pipe into the
 * segment: bytes leave the pipe and land in the file in one system
 * call, so a crash of the process can never lose what it took.  The
 * record header is written after the payload and says it is complete.
 * At the next open, a payload with no header is completed if the
 * machine did not restart since (the page cache kept it); after a crash
 * of the machine only complete records are trusted, and what follows
 * them is reported and cut off, never replayed.
 *
 * With sync on, every record is durable before the server sends it:
 * a thread of the spool runs one fdatasync() at a time, each covering
 * every record taken since the last (group commit), while the server
 * goes on reading its pipe.
 */
#ifndef TAPESOCK_SPOOL_H
#define TAPESOCK_SPOOL_H

#include <sys/types.h>

#include <stdint.h>

#include "frame.h"
#include "util.h"

#define SPOOL_SEG_HDR	64
#define SPOOL_REC_HDR	32
#define SPOOL_REC_MAX	(1024 * 1024)	/* largest payload of a record */

struct spool_seg {
	uint64_t	 first;		/* number of its first record */
	uint64_t	 size;		/* bytes in the file */
	int		 version;	/* of its format: 2, or 1 (read only) */
};

/* What spool_open found and repaired; all zero when nothing. */
struct spool_report {
	uint64_t	 recovered_msg;	/* a record completed after a crash */
	uint64_t	 recovered_len;
	uint64_t	 lost_msg;	/* first message of a tail cut off */
	uint64_t	 lost_bytes;
	int		 other_boot;	/* the machine restarted since */
};

struct spool {
	char		*dir;
	int		 dirfd;
	uint8_t		 stream[HELLO_STREAM_LEN];
	uint8_t		 boot[16];
	int		 sync;
	uint64_t	 max;		/* spoolmax */
	uint64_t	 segmax;	/* a segment is closed past this */

	struct spool_seg *segs;		/* oldest first; the last is open */
	size_t		 nsegs;
	int		 wfd;		/* the open (last) segment */
	int		 rotate;	/* start a new segment at next append */
	int		 use_splice;
	uint8_t		*buf;		/* SPOOL_REC_MAX: one record's payload */
	struct spool_syncer *syncer;	/* sync on: the group commit thread */
	/* The record appended last, while its payload is still in buf: it
	 * is sent from memory, not read back (hot_n 0: none). */
	uint64_t	 hot_n;
	uint64_t	 hot_off;	/* where it starts in the last segment */
	uint32_t	 hot_len;
	uint8_t		 hot_type;
	uint32_t	 hot_crc;	/* of its payload */
	uint64_t	 disk_reads;	/* records read back from the files */

	uint64_t	 first;		/* oldest message held */
	uint64_t	 next;		/* number the next record gets */
	uint64_t	 synced;	/* messages below this are on disk */
	uint64_t	 bytes;		/* sum of segment sizes */

	/* Reading cursor: the record numbered rnext is at roff of segs[rseg]. */
	int		 rfd;
	size_t		 rseg;
	uint64_t	 roff;
	uint64_t	 rnext;
};

/* One record read back. */
struct spool_rec {
	uint64_t	 n;
	uint8_t		 type;		/* FT_DATA or FT_EOF */
	uint32_t	 len;
	uint8_t		*data;		/* the spool's: valid until its next call */
	uint32_t	 crc;		/* crc32c(0, data, len) */
};

/*
 * Open (create) the spool in dir for stream.  next_hint is the number
 * the stream is known to have reached (an empty spool starts there).
 * A spool of another stream is refused.  rep says what was repaired.
 */
int	spool_open(struct spool *, const char *dir, const uint8_t *stream,
	    uint64_t next_hint, uint64_t max, int sync,
	    struct spool_report *rep, struct errbuf *);
void	spool_close(struct spool *);

/* Room for another block (the spool is under spoolmax). */
int	spool_has_room(const struct spool *);

/*
 * Move at most want bytes (<= SPOOL_REC_MAX) from pipe_fd into a new
 * DATA record.  Returns the bytes moved (its number is next - 1), 0 when
 * the pipe has no writer and is empty, -1 with errno (EAGAIN: nothing
 * waiting) and err set for errors of the spool itself.
 */
ssize_t	spool_take(struct spool *, int pipe_fd, size_t want,
	    struct errbuf *);
/* Append an EOF record (a tape mark).  0, or -1 with err. */
int	spool_mark(struct spool *, struct errbuf *);
/* With sync on, make every record durable now (waits for the disk);
 * 0, or -1 with err. */
int	spool_flush(struct spool *, struct errbuf *);
/*
 * Group commit, with sync on: a thread syncs in the background, each
 * sync covering every record appended before it began.  spool_sync_fd
 * is readable when one finished (-1 with sync off); spool_sync_poll
 * takes its result (spool_sendable moves on) and starts the next one if
 * records wait.  Call it after appending, too.  0, or -1 with err.
 */
int	spool_sync_fd(const struct spool *);
int	spool_sync_poll(struct spool *, struct errbuf *);
/* Messages below this may be sent (all of them with sync off). */
uint64_t spool_sendable(const struct spool *);
/* Every message <= acked is delivered: drop what can go. */
void	spool_trim(struct spool *, uint64_t acked);

/*
 * Number on from n (> next) in a new segment: the receiver holds
 * everything before n.  The caller trims up to n - 1 at once.
 */
int	spool_skip(struct spool *, uint64_t n, struct errbuf *);

/* Position the cursor on message n (first <= n <= next). */
int	spool_seek(struct spool *, uint64_t n, struct errbuf *);
/* Read the record at the cursor and advance: 0, 1 none left, -1 err.
 * The record appended last comes from memory when the cursor is on it
 * (the common case of a sender keeping up with its pipe). */
int	spool_read(struct spool *, struct spool_rec *, struct errbuf *);

/*
 * Remove the spool in dir (the operator's reset).  *msgs and *bytes say
 * what was discarded.  0, or -1 with err.
 */
int	spool_remove(const char *dir, uint64_t *msgs, uint64_t *bytes,
	    struct errbuf *);

/* This boot of the machine (kernel boot_id); zeros if unknown. */
void	spool_boot_id(uint8_t out[16]);

#endif
