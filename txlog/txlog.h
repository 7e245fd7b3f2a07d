/*
 * txlog.h — libtxlog: the item store and its durable transaction queue,
 * the Linux meaning of the reference manual's Pick files.
 *
 * A data area is a directory.  A file is a directory in it; an item a
 * regular file in that directory, replaced atomically (written beside
 * it, fsynced, renamed over it).  A file has the attribute DL ("log
 * data-level updates", the files the transaction logger sends with
 * txopt=DL) when it holds the marker ".dl".  Names are those of check
 * (checkcmd.h): 1 to 128 printable bytes, no '/' or blank, not starting
 * with '.'; what starts with '.' is the store's own.
 *
 * Every update goes first into the area's transaction queue,
 * <area>/.txlog/queue: a record with a sequence number and a checksum,
 * appended under a lock and fsynced before the call returns, then into
 * the item.  An update that returned is never lost: a crash between the
 * two is repaired by the next txl_open, which applies again what the
 * queue holds past <area>/.txlog/applied.  The transaction logger
 * (issue 11, item 2) reads the queue from where it stopped.
 */
#ifndef TAPESOCK_TXLOG_H
#define TAPESOCK_TXLOG_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util.h"

#define TXL_BODY_MAX	(1024 * 1024)	/* an item's body */
#define TXL_DIR		".txlog"	/* the store's own, in the area */
#define TXL_DL_MARK	".dl"		/* in a file: it is DL */

enum txl_op {
	TXL_PUT = 1,
	TXL_DEL = 2,
	TXL_NOP = 3,	/* a number the logger does not send (not DL):
			 * no file, no item, no body */
};

#define TXL_F_DL	0x01		/* the item's file is DL */

/* One transaction of the queue. */
struct txl_rec {
	uint64_t	 seq;		/* 1, 2, ... in the order applied */
	uint8_t		 op;		/* enum txl_op */
	uint8_t		 flags;		/* TXL_F_* */
	char		 file[129], item[129];
	uint8_t		*body;		/* owned by the reader; NULL if empty */
	uint32_t	 len;
};

struct txl {
	char		*area;
	int		 area_fd;	/* the area, O_DIRECTORY */
	int		 dir_fd;	/* <area>/.txlog */
	uint64_t	 last;		/* last sequence number in the queue */
	uint64_t	 qend;		/* the queue's bytes read up to last */
};

/*
 * Open the data area (created with mode 0750 if missing, with its
 * .txlog), repairing what a crash left: a torn record at the end of the
 * queue is cut off, updates queued but not applied are applied.
 */
int	 txl_open(struct txl *, const char *area, struct errbuf *);
void	 txl_close(struct txl *);

/*
 * A number the store keeps in <area>/.txlog/NAME as "NAME n" (applied,
 * sent): 0 when there is none; set replaces it atomically (synced with
 * durable).
 */
uint64_t txl_number_get(struct txl *, const char *name);
int	 txl_number_set(struct txl *, const char *name, uint64_t,
	    int durable, struct errbuf *);

/* Bring t->last up to the queue's end (what others appended). */
int	 txl_refresh(struct txl *, struct errbuf *);

/* Files. */
int	 txl_file_create(struct txl *, const char *file, int dl,
	    struct errbuf *);
/* 1 exists (*dl set), 0 not, -1 error. */
int	 txl_file_exists(struct txl *, const char *file, int *dl);

/* Updates: queued durably, then applied.  *seq: its sequence number. */
int	 txl_put(struct txl *, const char *file, const char *item,
	    const void *body, size_t len, uint64_t *seq, struct errbuf *);
int	 txl_del(struct txl *, const char *file, const char *item,
	    uint64_t *seq, struct errbuf *);
/* Read an item: 1 found (*body owned by the caller), 0 none, -1 error. */
int	 txl_get(struct txl *, const char *file, const char *item,
	    uint8_t **body, size_t *len, struct errbuf *);

/*
 * Apply one transaction as it comes (the transaction restore on the
 * backup): the same item update, without queueing it again.  Records
 * the sequence applied, so that each is applied once and in order:
 * 0 applied, 1 already applied before (skipped), 2 not the next one
 * (a gap: records were lost on the way; not applied, the logger sends
 * again from the one missing), -1 error.  A TXL_NOP only moves the
 * number on.
 */
int	 txl_apply(struct txl *, const struct txl_rec *, struct errbuf *);
/* The last sequence applied to this area (txl_apply or local updates). */
uint64_t txl_applied(struct txl *);

/*
 * Read the queue: the records after seq, one at a time.  1 a record
 * (*r filled; free with txl_rec_free), 0 no more, -1 error.  *pos is a
 * byte offset into the queue, 0 at first, kept by the caller.
 */
int	 txl_queue_next(struct txl *, uint64_t after, uint64_t *pos,
	    struct txl_rec *r, struct errbuf *);
void	 txl_rec_free(struct txl_rec *);

/* A record as bytes (the queue's format, also the logger's blocks). */
size_t	 txl_rec_size(const struct txl_rec *);
void	 txl_rec_encode(const struct txl_rec *, uint8_t *out);
/* Decode the record at p[0..len): its size, 0 need more, -1 corrupt. */
long	 txl_rec_decode(const uint8_t *p, size_t len, struct txl_rec *r);

/*
 * The transaction logger (production side): the queue's records after
 * the last one sent (<area>/.txlog/sent), those of DL files or all of
 * them, written as they are into the output server's pipe, every
 * period_ms (0: as soon as they come), until *stop.  A record sent
 * twice (the logger stopped before it noted it) is applied once on
 * the backup: txl_apply knows its number.  log: one line per event.
 * sock: the output server's control socket, or NULL.  With it the
 * logger asks the backup what it applied (check tlchk) every
 * TXL_ASK_S seconds while it has sent more, and when two answers in a
 * row say the backup is behind and does not move, it sends again from
 * there: records lost on the way (a restore that left with some in the
 * pipe) reach the backup all the same.
 */
#define TXL_ASK_S	5
int	 txl_logger_run(struct txl *, const char *pipe, int all,
	    unsigned period_ms, const char *sock, volatile sig_atomic_t *stop,
	    FILE *log);
uint64_t txl_sent(struct txl *);
/*
 * The transaction restore (backup side): reads the input server's pipe
 * (open read-write, so that no tape mark is an end of file) and applies
 * each record with txl_apply, until *stop.  Bytes that are not a whole
 * record (a logger that stopped in the middle of one) are passed over
 * up to the next record that checks.
 */
int	 txl_restore_run(struct txl *, const char *pipe,
	    volatile sig_atomic_t *stop, FILE *log);

/*
 * Synchronous writes: wait until the backup has applied transaction
 * seq, within secs seconds.  Asked through the output server whose
 * logger sends this area (the socket it noted in .txlog/logger.sock):
 * 0 applied, -1 not in time or no way to ask (err says which).
 */
int	 txl_wait_applied(struct txl *, uint64_t seq, unsigned secs,
	    struct errbuf *);

/*
 * One logger and one restore per area: each holds the lock
 * <area>/.txlog/<name>.lock while it runs and says where it is in
 * <area>/.txlog/<name>.state ("pid P", "state S", "at N": the last
 * transaction sent or applied).  txl_agent_lock: the lock's fd, -1
 * with *other the pid of the one running (or 0 and err).
 */
int	 txl_agent_lock(struct txl *, const char *name, long *other,
	    struct errbuf *);
void	 txl_agent_state(struct txl *, const char *name, const char *state,
	    uint64_t at);
/* What an agent of area says: 1 running, 0 not (its last words in
 * state and *at, "never ran" if none), -1 no area. */
int	 txl_agent_query(const char *area, const char *name, long *pid,
	    char *state, size_t sz, uint64_t *at);

#endif
