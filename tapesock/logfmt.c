/*
 * logfmt.c — what ts.log and ts.log,log share: see logfmt.h.
 */
#include <stdio.h>
#include <string.h>

#include "logfmt.h"
#include "util.h"

void
logfmt_add(struct logbuf *b, const void *p, size_t n)
{
	if (b->cap - b->len < n + 1) {
		while (b->cap - b->len < n + 1)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
logfmt_addc(struct logbuf *b, char c)
{
	logfmt_add(b, &c, 1);
}

/* Decimal value of exactly n digits (n small enough not to overflow). */
int
logfmt_digits(const char *p, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* Server names: printable ASCII other than space and backslash. */
int
logfmt_is_name(const char *p, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] <= ' ' || p[i] > '~' || p[i] == '\\')
			return 0;
	return 1;
}

/* Component codes are what the catalogue uses: upper case and digits. */
int
logfmt_is_code(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > LOGFMT_CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

/* "yyyy-mm-dd?hh:mm:ss.xxx" with sep at position 10, digits checked. */
int
logfmt_is_stamp(const char *p, size_t n, char sep)
{
	static const char layout[] = "dddd-dd-dd?dd:dd:dd.ddd";
	size_t i;

	if (n < LOGFMT_STAMP_LEN)
		return 0;
	for (i = 0; i < LOGFMT_STAMP_LEN; i++) {
		if (layout[i] == 'd') {
			if (p[i] < '0' || p[i] > '9')
				return 0;
		} else if (layout[i] == '?') {
			if (p[i] != sep)
				return 0;
		} else if (p[i] != layout[i])
			return 0;
	}
	return 1;
}

/* Stamp for both logs; -1 when the time does not fit the layout. */
int
logfmt_stamp(char *buf, size_t sz, const struct timespec *ts, char sep)
{
	format_timestamp(buf, sz, ts);
	if (strlen(buf) != LOGFMT_STAMP_LEN ||
	    !logfmt_is_stamp(buf, LOGFMT_STAMP_LEN, ' '))
		return -1;
	buf[10] = sep;
	return 0;
}

/* Next line of buf at *pos: its start and length; 0 at the end. */
int
logfmt_next_line(const char *buf, size_t len, size_t *pos, const char **line,
    size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*n = nl != NULL ? (size_t)(nl - *line) : len - *pos;
	*pos += *n + (nl != NULL);
	return 1;
}
