/*
 * logfmt.h — the text pieces ts.log (ring.c) and ts.log,log (log.c)
 * share: a growable buffer, the field checks, the time stamp, lines.
 * Internal to the two logs; readers and writers use log.h.
 */
#ifndef TAPESOCK_LOGFMT_H
#define TAPESOCK_LOGFMT_H

#include <stddef.h>
#include <time.h>

#define LOGFMT_MODE		0640	/* of a log file made here */
#define LOGFMT_STAMP_LEN	23	/* "yyyy-mm-dd hh:mm:ss.xxx" */
#define LOGFMT_CODE_MAX		7	/* a catalogue code's length, at most */

/* A growable byte buffer, kept NUL-terminated; the holder frees data. */
struct logbuf {
	char	*data;
	size_t	 len, cap;
};

void	logfmt_add(struct logbuf *, const void *, size_t);
void	logfmt_addc(struct logbuf *, char);
/* Decimal value of exactly n digits (n small enough not to overflow). */
int	logfmt_digits(const char *, size_t n);
/* Server names: 1..max printable ASCII other than space and backslash. */
int	logfmt_is_name(const char *, size_t n, size_t max);
/* Catalogue codes: 1..LOGFMT_CODE_MAX upper case letters and digits. */
int	logfmt_is_code(const char *, size_t n);
/* "yyyy-mm-dd?hh:mm:ss.xxx", sep at position 10, digits checked. */
int	logfmt_is_stamp(const char *, size_t n, char sep);
/* That stamp of ts into buf; -1 when the time does not fit it. */
int	logfmt_stamp(char *buf, size_t, const struct timespec *, char sep);
/* Next line of buf at *pos: its start and length; 0 at the end. */
int	logfmt_next_line(const char *buf, size_t len, size_t *pos,
	    const char **line, size_t *n);

#endif
