/*
 * log.c — the trace ring (ts.log), the permanent log (ts.log,log) and
 * syslog.
 *
 * ts.log holds one entry a line, nine tab-separated fields:
 *
 *   yyyy-mm-dd  hh:mm:ss.mmm  server  type  status  msgnum  code  number  text
 *
 * (local time; text with tab, backslash and newline escaped as \t \\ \n).
 * It is small and rewritten whole under "<path>.lock", through a rename,
 * so a reader never needs the lock and never sees half a file.
 *
 * ts.log,log is append-only, switchlog records (seed 002):
 *
 *   "yyyy-mm-dd hh:mm:ss.xxx: (CODE, NUM): TYPE: line1\n"
 *   "line2: \n"
 *   "====\n"
 *
 * A record is built in memory and written with one write() on an
 * O_APPEND descriptor while holding an flock on the file, so concurrent
 * writers never interleave.  Every text line (the first one included)
 * that begins with a backslash, with "====" or with something that
 * looks like a record header gets one extra leading backslash; the
 * parser removes one leading backslash from every text line that has
 * one.  Escaping header-like lines lets the parser tell a record that
 * was cut short (its writer died) from the text of the next one.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOG_MODE	0640
#define STAMP_LEN	23		/* "yyyy-mm-dd hh:mm:ss.xxx" */
#define CODE_MAX	7		/* sizeof(code) - 1 */
#define RENDER_MAX	4096		/* a rendered catalogue message */
#define TERMINATOR	"===="

/* A growable byte buffer; the holder frees data. */
struct sbuf {
	char	*data;
	size_t	 len, cap;
};

static void
sbuf_add(struct sbuf *b, const void *p, size_t n)
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

static void
sbuf_addc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

/* Decimal value of exactly n digits (n small enough not to overflow). */
static int
digits_value(const char *p, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (p[i] - '0');
	return v;
}

/* Server names: printable ASCII other than space and backslash. */
static int
is_name(const char *p, size_t n, size_t max)
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
static int
is_code(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > CODE_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9')))
			return 0;
	return 1;
}

/* "yyyy-mm-dd?hh:mm:ss.xxx" with sep at position 10, digits checked. */
static int
is_stamp(const char *p, size_t n, char sep)
{
	static const char layout[] = "dddd-dd-dd?dd:dd:dd.ddd";
	size_t i;

	if (n < STAMP_LEN)
		return 0;
	for (i = 0; i < STAMP_LEN; i++) {
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
static int
make_stamp(char *buf, size_t sz, const struct timespec *ts, char sep)
{
	format_timestamp(buf, sz, ts);
	if (strlen(buf) != STAMP_LEN || !is_stamp(buf, STAMP_LEN, ' '))
		return -1;
	buf[10] = sep;
	return 0;
}

/* ---- ts.log, the trace ring ---------------------------------------- */

static void
ring_format(struct sbuf *b, const struct trace_entry *e, const char *stamp)
{
	char head[256];
	size_t i, tlen;

	snprintf(head, sizeof(head), "%s\t%s\t%c\t%c\t%llu\t%s\t%d\t",
	    stamp, e->server, e->type, e->status,
	    (unsigned long long)e->msgnum, e->code, e->number);
	sbuf_add(b, head, strlen(head));
	tlen = strnlen(e->text, sizeof(e->text) - 1);
	for (i = 0; i < tlen; i++) {
		char c = e->text[i];

		if (c == '\t' || c == '\n' || c == '\\') {
			sbuf_addc(b, '\\');
			c = c == '\t' ? 't' : c == '\n' ? 'n' : '\\';
		}
		sbuf_addc(b, c);
	}
	sbuf_addc(b, '\n');
}

static int
ring_entry_valid(const struct trace_entry *e)
{
	size_t slen = strnlen(e->server, sizeof(e->server));
	size_t clen = strnlen(e->code, sizeof(e->code));

	return is_name(e->server, slen, sizeof(e->server) - 1) &&
	    is_code(e->code, clen) && e->number >= 0 &&
	    e->type > ' ' && e->type <= '~' &&
	    e->status > ' ' && e->status <= '~';
}

/* Strict decimal field p[0..n) no larger than max. */
static int
field_u64(const char *p, size_t n, uint64_t max, uint64_t *out)
{
	char num[24];

	if (n == 0 || n >= sizeof(num) || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	return parse_u64(num, max, out);
}

/*
 * Parse one line (without its newline) into *e.  0, or -1 when any
 * field is off: such lines are skipped by readers and dropped by the
 * next rewrite.
 */
static int
ring_parse_line(const char *p, size_t n, struct trace_entry *e)
{
	const char *f[9];
	size_t fl[9], i, k, t;
	uint64_t v;
	struct tm tm;

	for (k = 0, i = 0; k < 9; k++) {
		const char *tab = k < 8 ? memchr(p + i, '\t', n - i) : NULL;

		f[k] = p + i;
		fl[k] = tab != NULL ? (size_t)(tab - f[k]) : n - i;
		if (k < 8 && tab == NULL)
			return -1;
		i += fl[k] + 1;
	}
	memset(e, 0, sizeof(*e));
	if (fl[0] != 10 || fl[1] != 12 || !is_stamp(f[0], STAMP_LEN, '\t'))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = digits_value(f[0], 4) - 1900;
	tm.tm_mon = digits_value(f[0] + 5, 2) - 1;
	tm.tm_mday = digits_value(f[0] + 8, 2);
	tm.tm_hour = digits_value(f[1], 2);
	tm.tm_min = digits_value(f[1] + 3, 2);
	tm.tm_sec = digits_value(f[1] + 6, 2);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_isdst = -1;
	e->when.tv_sec = mktime(&tm);
	e->when.tv_nsec = (long)digits_value(f[1] + 9, 3) * 1000000L;

	if (!is_name(f[2], fl[2], sizeof(e->server) - 1))
		return -1;
	memcpy(e->server, f[2], fl[2]);
	if (fl[3] != 1 || fl[4] != 1 || f[3][0] <= ' ' || f[3][0] > '~' ||
	    f[4][0] <= ' ' || f[4][0] > '~')
		return -1;
	e->type = f[3][0];
	e->status = f[4][0];

	if (field_u64(f[5], fl[5], UINT64_MAX, &e->msgnum) < 0 ||
	    !is_code(f[6], fl[6]) || field_u64(f[7], fl[7], INT_MAX, &v) < 0)
		return -1;
	memcpy(e->code, f[6], fl[6]);
	e->number = (int)v;

	for (i = 0, t = 0; i < fl[8]; i++) {
		char c = f[8][i];

		if (c == '\0' || c == '\t')
			return -1;
		if (c == '\\') {
			if (++i == fl[8])
				return -1;
			c = f[8][i];
			if (c != 't' && c != 'n' && c != '\\')
				return -1;
			c = c == 't' ? '\t' : c == 'n' ? '\n' : '\\';
		}
		if (t == sizeof(e->text) - 1)
			return -1;
		e->text[t++] = c;
	}
	return 0;
}

/* Next line of buf at *pos: its start and length; 0 at the end. */
static int
next_line(const char *buf, size_t len, size_t *pos, const char **line,
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

int
tslog_ring_append(const char *path, const struct trace_entry *entry,
    unsigned keep)
{
	struct trace_entry cur;
	struct sbuf out = { NULL, 0, 0 };
	char *lockpath, *buf = NULL, stamp[32];
	const char *line;
	size_t len = 0, pos, n, mine = 0, drop;
	int lockfd, r, saved;

	if (!ring_entry_valid(entry) ||
	    make_stamp(stamp, sizeof(stamp), &entry->when, '\t') < 0) {
		errno = EINVAL;
		return -1;
	}
	lockpath = xasprintf("%s.lock", path);
	lockfd = lock_file(lockpath);
	free(lockpath);
	if (lockfd < 0)
		return -1;
	if (read_file(path, &buf, &len) < 0 && errno != ENOENT) {
		saved = errno;
		unlock_file(lockfd);
		errno = saved;
		return -1;
	}

	/* Count this server's entries, then copy all but its oldest. */
	for (pos = 0; next_line(buf, len, &pos, &line, &n);)
		if (ring_parse_line(line, n, &cur) == 0 &&
		    strcmp(cur.server, entry->server) == 0)
			mine++;
	drop = keep == 0 ? mine : (mine + 1 > keep ? mine + 1 - keep : 0);
	for (pos = 0; next_line(buf, len, &pos, &line, &n);) {
		if (ring_parse_line(line, n, &cur) < 0)
			continue;
		if (strcmp(cur.server, entry->server) == 0 && drop > 0) {
			drop--;
			continue;
		}
		sbuf_add(&out, line, n);
		sbuf_addc(&out, '\n');
	}
	if (keep > 0)
		ring_format(&out, entry, stamp);
	free(buf);

	r = atomic_write_file(path, out.data != NULL ? out.data : "", out.len,
	    LOG_MODE);
	saved = errno;
	free(out.data);
	unlock_file(lockfd);
	errno = saved;
	return r;
}

int
tslog_ring_read(const char *path, struct trace_entry **out, size_t *np)
{
	struct trace_entry *v = NULL;
	char *buf;
	const char *line;
	size_t len, pos, n, cnt = 0, cap = 0;

	*out = NULL;
	*np = 0;
	if (read_file(path, &buf, &len) < 0)
		return errno == ENOENT ? 0 : -1;
	for (pos = 0; next_line(buf, len, &pos, &line, &n);) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (ring_parse_line(line, n, &v[cnt]) == 0)
			cnt++;
	}
	free(buf);
	if (cnt == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*np = cnt;
	return 0;
}

int
tslog_ring_last(const char *path, const char *server,
    struct trace_entry *out)
{
	struct trace_entry *v;
	size_t n, i;

	if (tslog_ring_read(path, &v, &n) < 0)
		return -1;
	for (i = n; i > 0 && strcmp(v[i - 1].server, server) != 0; i--)
		;
	if (i > 0)
		*out = v[i - 1];
	free(v);
	return i > 0;
}

/* ---- ts.log,log, the permanent log ---------------------------------- */

/*
 * Length of the header "stamp: (CODE, NUM): TYPE: " at the start of
 * p[0..n), or 0 when p does not begin with one.  The pieces are
 * optional stores for the parser.
 */
static size_t
plog_header(const char *p, size_t n, struct plog_record *r)
{
	const char *code, *num;
	size_t i, cl, nl, tl;
	enum msgtype t;

	if (!is_stamp(p, n, ' ') || n < STAMP_LEN + 3 ||
	    memcmp(p + STAMP_LEN, ": (", 3) != 0)
		return 0;
	i = STAMP_LEN + 3;
	code = p + i;
	for (cl = 0; i + cl < n && code[cl] != ','; cl++)
		if (cl > CODE_MAX)
			return 0;
	if (!is_code(code, cl))
		return 0;
	i += cl;
	if (n - i < 2 || memcmp(p + i, ", ", 2) != 0)
		return 0;
	i += 2;
	num = p + i;
	for (nl = 0; i + nl < n && num[nl] >= '0' && num[nl] <= '9'; nl++)
		if (nl >= 9)
			return 0;
	if (nl == 0)
		return 0;
	i += nl;
	if (n - i < 3 || memcmp(p + i, "): ", 3) != 0)
		return 0;
	i += 3;
	for (t = MT_NOTICE; t <= MT_FATAL; t++) {
		const char *name = msgtype_name(t);

		tl = strlen(name);
		if (n - i >= tl + 2 && memcmp(p + i, name, tl) == 0 &&
		    memcmp(p + i + tl, ": ", 2) == 0)
			break;
	}
	if (t > MT_FATAL)
		return 0;
	if (r != NULL) {
		memcpy(r->stamp, p, STAMP_LEN);
		r->stamp[STAMP_LEN] = '\0';
		memcpy(r->code, code, cl);
		r->code[cl] = '\0';
		r->number = digits_value(num, nl);
		memcpy(r->type, p + i, tl);
		r->type[tl] = '\0';
	}
	return i + tl + 2;
}

static int
line_needs_escape(const char *p, size_t n)
{
	return (n > 0 && p[0] == '\\') ||
	    (n >= 4 && memcmp(p, TERMINATOR, 4) == 0) ||
	    plog_header(p, n, NULL) > 0;
}

int
plog_append(const char *path, const struct timespec *ts, const char *code,
    int number, enum msgtype type, const char *text)
{
	struct sbuf b = { NULL, 0, 0 };
	char head[96], stamp[32];
	const char *p, *nl;
	size_t n, tlen;
	int fd, r = -1, saved;

	if (code == NULL || !is_code(code, strlen(code)) || number < 0 ||
	    number > 999999999 || (int)type < MT_NOTICE || type > MT_FATAL ||
	    make_stamp(stamp, sizeof(stamp), ts, ' ') < 0) {
		errno = EINVAL;
		return -1;
	}
	snprintf(head, sizeof(head), "%s: (%s, %d): %s: ", stamp, code,
	    number, msgtype_name(type));
	sbuf_add(&b, head, strlen(head));
	if (text == NULL)
		text = "";
	tlen = strlen(text);
	if (tlen > 0 && text[tlen - 1] == '\n')
		tlen--;
	for (p = text;; p = nl + 1) {
		nl = memchr(p, '\n', tlen - (size_t)(p - text));
		n = nl != NULL ? (size_t)(nl - p) : tlen - (size_t)(p - text);
		if (line_needs_escape(p, n))
			sbuf_addc(&b, '\\');
		sbuf_add(&b, p, n);
		if (nl == NULL)
			break;
		sbuf_addc(&b, '\n');
	}
	sbuf_add(&b, ": \n" TERMINATOR "\n", 8);

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, LOG_MODE);
	if (fd < 0)
		goto out;
	while ((r = flock(fd, LOCK_EX)) < 0 && errno == EINTR)
		;
	/*
	 * One write() in practice; should it come back short, finishing
	 * the record under the lock still keeps it in one piece.
	 */
	if (r == 0)
		r = write_all(fd, b.data, b.len);
	saved = errno;
	if (close(fd) < 0 && r == 0) {
		saved = errno;
		r = -1;
	}
	errno = saved;
out:
	saved = errno;
	free(b.data);
	errno = saved;
	return r;
}

/*
 * One record starting at the header line at *pos.  On success *r is
 * filled (r->text malloc'd) and *pos moves past the terminator.
 * Returns 1 done, 0 malformed (*pos untouched), -1 out of memory.
 */
static int
plog_record(const char *buf, size_t len, size_t *pos, struct plog_record *r)
{
	const char *line, *p;
	size_t at = *pos, n, hl, textstart, textend, laststart, i, t;

	memset(r, 0, sizeof(*r));
	if (!next_line(buf, len, &at, &line, &n))
		return 0;
	hl = plog_header(line, n, r);
	if (hl == 0)
		return 0;
	laststart = textstart = (size_t)(line - buf) + hl;
	textend = (size_t)(line - buf) + n;
	for (;;) {
		/* A header before the terminator: the record was cut short. */
		if (!next_line(buf, len, &at, &line, &n) ||
		    plog_header(line, n, NULL) > 0)
			return 0;
		if (n == 4 && memcmp(line, TERMINATOR, 4) == 0)
			break;
		laststart = (size_t)(line - buf);
		textend = laststart + n;
	}
	if (textend - laststart < 2 || memcmp(buf + textend - 2, ": ", 2) != 0)
		return 0;
	textend -= 2;
	if (memchr(buf + textstart, '\0', textend - textstart) != NULL)
		return 0;

	r->text = malloc(textend - textstart + 1);
	if (r->text == NULL)
		return -1;
	/* Copy line by line, removing one leading backslash from each. */
	for (i = textstart, t = 0; i < textend;) {
		p = memchr(buf + i, '\n', textend - i);
		n = p != NULL ? (size_t)(p - (buf + i)) : textend - i;
		if (n > 0 && buf[i] == '\\') {
			i++;
			n--;
		}
		memcpy(r->text + t, buf + i, n);
		t += n;
		i += n;
		if (p != NULL) {
			r->text[t++] = '\n';
			i++;
		}
	}
	r->text[t] = '\0';
	*pos = at;
	return 1;
}

int
plog_parse(const char *buf, size_t len, struct plog_record **out,
    size_t *np, size_t *bad)
{
	struct plog_record *v = NULL, *nv, rec;
	const char *line;
	size_t pos = 0, at, n, cnt = 0, cap = 0;
	int r;

	*out = NULL;
	*np = 0;
	*bad = 0;
	while (pos < len) {
		r = plog_record(buf, len, &pos, &rec);
		if (r < 0)
			goto nomem;
		if (r == 1) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 16;
				nv = reallocarray(v, cap, sizeof(*v));
				if (nv == NULL) {
					free(rec.text);
					goto nomem;
				}
				v = nv;
			}
			v[cnt++] = rec;
			continue;
		}
		/* A malformed stretch: skip to the next line with a header. */
		(*bad)++;
		next_line(buf, len, &pos, &line, &n);
		for (at = pos; next_line(buf, len, &at, &line, &n) &&
		    plog_header(line, n, NULL) == 0; pos = at)
			;
	}
	*out = v;
	*np = cnt;
	return 0;

nomem:
	plog_free(v, cnt);
	*bad = 0;
	errno = ENOMEM;
	return -1;
}

int
plog_read(const char *path, struct plog_record **out, size_t *n,
    size_t *bad)
{
	char *buf;
	size_t len;
	int r;

	*out = NULL;
	*n = 0;
	*bad = 0;
	if (read_file(path, &buf, &len) < 0)
		return errno == ENOENT ? 0 : -1;
	r = plog_parse(buf, len, out, n, bad);
	free(buf);
	return r;
}

void
plog_free(struct plog_record *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

/* ---- the logger of one process -------------------------------------- */

void
tslog_init(struct tslog *l, const char *home, const char *server, char type,
    unsigned keep, int verbose)
{
	const char *nosys = getenv("TAPESOCK_NO_SYSLOG");

	memset(l, 0, sizeof(*l));
	snprintf(l->home, sizeof(l->home), "%s", home);
	snprintf(l->server, sizeof(l->server), "%s", server);
	l->type = type;
	l->keep = keep;
	l->verbose = verbose;
	l->use_syslog = nosys == NULL || *nosys == '\0';
	if (l->use_syslog)
		openlog("tape-socket", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

int
tslog_msg(struct tslog *l, char status, uint64_t msgnum, enum msgid id, ...)
{
	va_list ap;
	int r;

	va_start(ap, id);
	r = tslog_vmsg(l, status, msgnum, id, ap);
	va_end(ap);
	return r;
}

/*
 * The permanent log and syslog carry "server[type] msgnum text", e.g.
 * "main[s] 42 Started": the record header has the catalogue code and
 * number but not who logged it, and several servers share a home.
 */
int
tslog_vmsg(struct tslog *l, char status, uint64_t msgnum, enum msgid id,
    va_list ap)
{
	const struct msgdef *d = catalog_get(id);
	struct trace_entry e;
	char *text, *line, *path;
	int r = 0;

	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((d->flags & MSGF_VERBOSE) && !l->verbose)
		return 0;
	text = xmalloc(RENDER_MAX);
	msg_vformat(text, RENDER_MAX, id, ap);

	memset(&e, 0, sizeof(e));
	clock_gettime(CLOCK_REALTIME, &e.when);
	snprintf(e.server, sizeof(e.server), "%s", l->server);
	e.type = l->type;
	e.status = status;
	e.msgnum = msgnum;
	snprintf(e.code, sizeof(e.code), "%s", d->code);
	e.number = d->number;
	snprintf(e.text, sizeof(e.text), "%s", text);

	path = xasprintf("%s/%s", l->home, TSLOG_FILE);
	if (tslog_ring_append(path, &e, l->keep) < 0)
		r = -1;
	free(path);

	line = xasprintf("%s[%c] %llu %s", l->server, l->type,
	    (unsigned long long)msgnum, text);
	if (!(d->flags & MSGF_NOPERM)) {
		path = xasprintf("%s/%s", l->home, PLOG_FILE);
		if (plog_append(path, &e.when, d->code, d->number, d->type,
		    line) < 0)
			r = -1;
		free(path);
	}
	if (l->use_syslog)
		syslog(d->severity, "(%s, %d): %s", d->code, d->number, line);
	free(line);
	free(text);
	return r;
}
