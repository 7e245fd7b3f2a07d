/*
 * progress.h — the progress of long work (drain, put, status --follow)
 * on the terminal, as mbuffer shows it: one line that overwrites
 * itself, "put: 12.0 MiB of 40.0 MiB (30%) @ 11.9 MiB/s, 0:02 left",
 * redrawn at most PROGRESS_EVERY_MS apart, and ended with a newline.
 *
 * Only a terminal gets it: progress_init() looks at its descriptor
 * with isatty(), and on a pipe or a file every call does nothing, so
 * that scripts and logs never see a carriage return or an escape.
 */
#ifndef TAPESOCK_PROGRESS_H
#define TAPESOCK_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PROGRESS_EVERY_MS	250
#define PROGRESS_UNKNOWN	UINT64_MAX	/* no total known */

struct progress {
	int		 fd;		/* -1: not a terminal, nothing drawn */
	char		 label[32];
	uint64_t	 total;		/* bytes, or PROGRESS_UNKNOWN */
	struct timespec	 start, drawn_at;
	int		 drawn;		/* a line is on the terminal */
};

/* Progress on fd (stderr, usually) when it is a terminal. */
void	progress_init(struct progress *, int fd, const char *label,
	    uint64_t total);
/* done bytes so far: redrawn if PROGRESS_EVERY_MS have passed. */
void	progress_update(struct progress *, uint64_t done);
/* The last state drawn, then a newline (a terminal only). */
void	progress_end(struct progress *, uint64_t done);

/*
 * The text of the line, without control characters: "LABEL: DONE[ of
 * TOTAL (P%)] @ RATE MiB/s[, ETA left]".  secs is the time since the
 * start; the rate is done/secs.  Pure: for the tests and --follow.
 */
void	progress_format(char *, size_t, const char *label, uint64_t done,
	    uint64_t total, double secs);
/* "1.5 MiB", "512 B", "3.2 GiB". */
void	progress_bytes(char *, size_t, uint64_t);
/* "0:07", "12:03", "1:02:03", or "-" for a negative or huge value. */
void	progress_eta(char *, size_t, double secs);

#endif
