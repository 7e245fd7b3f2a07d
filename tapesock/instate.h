/*
 * instate.h — the input server's persisted state: where its stream
 * stands, in a file that no crash leaves torn or empty.
 *
 * The file <home>/<server>.state holds two fixed-size records, one per
 * 4 KiB page (so each is its own disk sector and page), each with an
 * update counter and a CRC32C.  An update rewrites the older record in
 * place with one pwrite(); a load takes the valid record with the
 * higher counter.  A record torn or garbled by a crash fails its CRC
 * and the other one, one update older, is used.  No file is created,
 * renamed or resized after the first write, so an fsync of the data is
 * all a durable update needs.
 *
 * Record (big-endian, INSTATE_REC bytes):
 *
 *	 0  4  magic "TSIS"
 *	 4  1  version (1)
 *	 5  1  flags: INSTATE_EXACT or 0
 *	 6  2  reserved (0)
 *	 8  8  seq: update counter, the newer record wins
 *	16 16  stream identity (all zero: none yet)
 *	32  8  last: last message written completely into the pipe
 *	40  8  writing: message whose write is under way (last + 1), or 0
 *	48  8  done: bytes of it recorded as written
 *	56  8  lost: messages accepted as lost (lost=accept)
 *	64  4  CRC32C of bytes 0..63
 *	68  4  zero
 *
 * The earlier text format ("stream HEX\nlast N\n") is still read.
 */
#ifndef TAPESOCK_INSTATE_H
#define TAPESOCK_INSTATE_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "util.h"

#define INSTATE_REC	72
#define INSTATE_SLOT	4096	/* offset of record 1; file size 2 slots */
#define INSTATE_SIZE	(2 * INSTATE_SLOT)
/* done is exact: written by a stop, not before a write that may have
 * gone further (no doubt to report at the next start). */
#define INSTATE_EXACT	0x01

struct instate {
	uint64_t	seq;
	unsigned	flags;		/* INSTATE_EXACT */
	uint8_t		stream[HELLO_STREAM_LEN];
	uint64_t	last;
	uint64_t	writing;	/* 0, or last + 1 */
	uint64_t	done;
	uint64_t	lost;
};

/* Encode st into rec (INSTATE_REC bytes). */
void	instate_encode(const struct instate *, uint8_t *rec);
/* Decode one record: 0, or -1 if it is not a valid record. */
int	instate_decode(const uint8_t *rec, size_t len, struct instate *);
/*
 * The state a whole file image holds: 0 (the newer valid record),
 * 1 (the earlier text format, converted: st->seq is 0), or -1 with why
 * (neither record valid, or a text file without a valid "last").
 */
int	instate_parse(const uint8_t *buf, size_t len, struct instate *,
	    struct errbuf *why);

/* The open state file of a running input server. */
struct instate_file {
	int		fd;
	char		*path;		/* owned */
	struct instate	st;		/* as last written */
	int		dirty;		/* written since the last fsync */
};

/*
 * Open path, or create it (durably) with an empty state: 0, 1 when an
 * earlier text file was converted, -1 with why (unreadable, damaged,
 * cannot be written).  f->st is the loaded state.
 */
int	instate_open(struct instate_file *, const char *path,
	    struct errbuf *why);
/* Record st (its seq is set here): 0, or -1 with why. */
int	instate_write(struct instate_file *, const struct instate *,
	    struct errbuf *why);
/* fdatasync if anything was written since the last one: 0 or -1. */
int	instate_sync(struct instate_file *, struct errbuf *why);
void	instate_close(struct instate_file *);

#endif
