/*
 * log.c — the permanent log (ts.log,log), syslog, and the logger of a
 * process (tslog_*), which writes a message to them and to the trace
 * ring (ring.c).
 *
 * ts.log,log is append-only, switchlog records (seed 002):
 *
 *   "yyyy-mm-dd hh:mm:ss.xxx: (CODE, NUM): TYPE: line1\n"
 *   "line2: \n"
 *   "====\n"
 *
 * A record is built in memory and written with one write() on an
 * O_APPEND descriptor, without a lock: on a local Linux file system a
 * write() to an O_APPEND file is one step, so concurrent writers never
 * interleave (a home on NFS does not have that guarantee).  Every text
 * line (the first one included) that begins with a backslash, with
 * "====" or with something that looks like a record header gets one
 * extra leading backslash; the parser removes one leading backslash
 * from every text line that has one.  Escaping header-like lines lets
 * the parser tell a record that was cut short from the text of the
 * next one.
 *
 * Durability: a record is not fsync'd, so that a trace never waits for
 * the disk.  When plog_append returns, the record survives the death
 * of the process (kill -9 included), not a crash of the machine: power
 * loss or a kernel panic may lose the records of the last seconds
 * (until the kernel wrote them back, typically up to half a minute)
 * and leave the last one cut short, which the parser reports as a
 * malformed stretch and skips.  What must survive a crash (spool,
 * state files) has its own fsync'd files.  No trace fsyncs anything:
 * neither this log nor ts.log (ring.c).
 *
 * Rotation: the file is opened for each record, so that a rename takes
 * effect at the next record of every writer.  The writer whose record
 * brought the file to logmax bytes (the server's logmax=, the default
 * for the command line) renames it ts.log,log.1 (dropping the one
 * before) under LOCK_EX on it, taken without waiting, and only if the
 * path still names the file it wrote: two writers that both saw it
 * full rotate it once, never the fresh file the first one began.  A
 * record written by a writer that had opened the file just before the
 * rename lands in ts.log,log.1: kept, among the newest of that file.
 * One whose file was dropped meanwhile (a whole logmax written between
 * its open and its write) finds it unlinked and is written again on
 * the path: no record is lost nor kept twice.  The two files take
 * about twice logmax at most.  Readers read ts.log,log.1 then
 * ts.log,log (plog_read_all).
 *
 * Repeated traces: the logger of a process (tslog_vmsg) writes at most
 * TSLOG_BURST_MAX records of one message per TSLOG_BURST_WINDOW
 * seconds, to all three logs alike; the rest are counted and summed up
 * in one LOG_REPEATED record when the window ends (tslog_flush, from
 * the server's loop at the deadline tslog_repeats_due gives), when the
 * message comes again after it, before any other record (so the logs
 * read in order: the summary precedes what followed the flood), and at
 * close.  Verbose traces ((V, traceon) are the operator's choice and
 * are not limited.
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
#include "logfmt.h"

#define RENDER_MAX	4096		/* a rendered catalogue message */
#define TERMINATOR	"===="

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

	if (!logfmt_is_stamp(p, n, ' ') || n < LOGFMT_STAMP_LEN + 3 ||
	    memcmp(p + LOGFMT_STAMP_LEN, ": (", 3) != 0)
		return 0;
	i = LOGFMT_STAMP_LEN + 3;
	code = p + i;
	for (cl = 0; i + cl < n && code[cl] != ','; cl++)
		if (cl > LOGFMT_CODE_MAX)
			return 0;
	if (!logfmt_is_code(code, cl))
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
		memcpy(r->stamp, p, LOGFMT_STAMP_LEN);
		r->stamp[LOGFMT_STAMP_LEN] = '\0';
		memcpy(r->code, code, cl);
		r->code[cl] = '\0';
		r->number = logfmt_digits(num, nl);
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

/*
 * fd, open on path, holds logmax bytes or more: rename it path.1,
 * unless another writer does it now or did it already (log.c's top).
 */
static void
plog_rotate(const char *path, int fd, const struct stat *mine)
{
	char old[PATH_MAX];
	struct stat cur;

	if ((size_t)snprintf(old, sizeof(old), "%s%s", path, PLOG_OLD) >=
	    sizeof(old))
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return;
	if (stat(path, &cur) == 0 && cur.st_dev == mine->st_dev &&
	    cur.st_ino == mine->st_ino)
		(void)rename(path, old);
	(void)flock(fd, LOCK_UN);
}

/* One write() of the record on path, then the look at its size. */
static int
plog_write(const char *path, uint64_t logmax, const struct logbuf *b,
    int *again)
{
	struct stat st;
	ssize_t w;
	int fd, r, saved;

	*again = 0;
	fd = open_nofollow(path, O_WRONLY | O_APPEND | O_CREAT, LOGFMT_MODE);
	if (fd < 0)
		return -1;
	/* One write(), no lock: the record is one step of the file. */
	do
		w = write(fd, b->data, b->len);
	while (w < 0 && errno == EINTR);
	saved = errno;
	if (w >= 0 && (size_t)w < b->len) {
		/*
		 * Cut short (a full disk): finishing it now could land
		 * after another writer's record.  End its line instead, so
		 * that the next record starts on a line of its own and the
		 * parser skips this one as malformed.
		 */
		saved = write(fd, "\n", 1) == 1 ? EIO : errno;
	}
	r = w >= 0 && (size_t)w == b->len ? 0 : -1;
	if (r == 0 && logmax > 0 && fstat(fd, &st) == 0) {
		if (st.st_nlink == 0)
			*again = 1;	/* its file was rotated away, dropped */
		else if ((uint64_t)st.st_size >= logmax)
			plog_rotate(path, fd, &st);
	}
	if (close(fd) < 0 && r == 0) {
		saved = errno;
		r = -1;
	}
	errno = saved;
	return r;
}

int
plog_append(const char *path, uint64_t logmax, const struct timespec *ts,
    const char *code, int number, enum msgtype type, const char *text)
{
	struct logbuf b = { NULL, 0, 0 };
	char head[96], stamp[32];
	const char *p, *nl;
	size_t n, tlen;
	int r = -1, saved, again;

	if (code == NULL || !logfmt_is_code(code, strlen(code)) || number < 0 ||
	    number > 999999999 || (int)type < MT_NOTICE || type > MT_FATAL ||
	    logfmt_stamp(stamp, sizeof(stamp), ts, ' ') < 0) {
		errno = EINVAL;
		return -1;
	}
	snprintf(head, sizeof(head), "%s: (%s, %d): %s: ", stamp, code,
	    number, msgtype_name(type));
	logfmt_add(&b, head, strlen(head));
	if (text == NULL)
		text = "";
	tlen = strlen(text);
	if (tlen > 0 && text[tlen - 1] == '\n')
		tlen--;
	for (p = text;; p = nl + 1) {
		nl = memchr(p, '\n', tlen - (size_t)(p - text));
		n = nl != NULL ? (size_t)(nl - p) : tlen - (size_t)(p - text);
		if (line_needs_escape(p, n))
			logfmt_addc(&b, '\\');
		logfmt_add(&b, p, n);
		if (nl == NULL)
			break;
		logfmt_addc(&b, '\n');
	}
	logfmt_add(&b, ": \n" TERMINATOR "\n", 8);

	r = plog_write(path, logmax, &b, &again);
	/* Once: the new file cannot be dropped as soon again. */
	if (r == 0 && again)
		r = plog_write(path, logmax, &b, &again);
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
	if (!logfmt_next_line(buf, len, &at, &line, &n))
		return 0;
	hl = plog_header(line, n, r);
	if (hl == 0)
		return 0;
	laststart = textstart = (size_t)(line - buf) + hl;
	textend = (size_t)(line - buf) + n;
	for (;;) {
		/* A header before the terminator: the record was cut short. */
		if (!logfmt_next_line(buf, len, &at, &line, &n) ||
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
		logfmt_next_line(buf, len, &pos, &line, &n);
		for (at = pos; logfmt_next_line(buf, len, &at, &line, &n) &&
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

/* Append what fd holds to *buf (len, cap): 0, or -1 with errno. */
static int
plog_slurp(int fd, char **buf, size_t *len, size_t *cap)
{
	ssize_t n;

	for (;;) {
		if (*cap - *len < 4096) {
			*cap = *cap ? *cap * 2 : 8192;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		n = read(fd, *buf + *len, *cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		*len += (size_t)n;
	}
}

/*
 * The current file is opened first: if a rotation comes before the
 * old one is opened, both name the same file, read once; one after
 * changes neither open file.  Records of a generation dropped
 * meanwhile are gone, as rotation means.
 */
int
plog_read_all(const char *path, struct plog_record **out, size_t *n,
    size_t *bad)
{
	struct stat cs, os;
	char *old = xasprintf("%s%s", path, PLOG_OLD), *buf = NULL;
	size_t len = 0, cap = 0;
	int cfd, ofd, r = -1, saved;

	*out = NULL;
	*n = 0;
	*bad = 0;
	cfd = open(path, O_RDONLY | O_CLOEXEC);
	if (cfd < 0 && errno != ENOENT)
		goto done;
	ofd = open(old, O_RDONLY | O_CLOEXEC);
	if (ofd < 0 && errno != ENOENT)
		goto done;
	if (ofd >= 0 && cfd >= 0 && fstat(ofd, &os) == 0 &&
	    fstat(cfd, &cs) == 0 && os.st_dev == cs.st_dev &&
	    os.st_ino == cs.st_ino) {
		close(ofd);
		ofd = -1;
	}
	r = 0;
	if (ofd >= 0) {
		r = plog_slurp(ofd, &buf, &len, &cap);
		saved = errno;
		close(ofd);
		errno = saved;
		/* A last record cut short stays apart from the next file. */
		if (r == 0 && len > 0 && buf[len - 1] != '\n')
			buf[len++] = '\n';
	}
	if (r == 0 && cfd >= 0)
		r = plog_slurp(cfd, &buf, &len, &cap);
	if (r == 0 && len > 0)
		r = plog_parse(buf, len, out, n, bad);
done:
	saved = errno;
	if (cfd >= 0)
		close(cfd);
	free(buf);
	free(old);
	errno = saved;
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

unsigned
tslog_keep(unsigned trace)
{
	return trace > 0 ? trace : 1;
}

void
tslog_init(struct tslog *l, const char *home, const char *server, char type,
    unsigned keep, int verbose)
{
	const char *nosys = getenv("TAPESOCK_NO_SYSLOG");
	char path[TSLOG_PATH_MAX + 1];

	memset(l, 0, sizeof(*l));
	snprintf(l->home, sizeof(l->home), "%s", home);
	snprintf(l->server, sizeof(l->server), "%s", server);
	l->type = type;
	l->keep = tslog_keep(keep);
	l->verbose = verbose;
	l->logmax = PLOG_MAX_DEFAULT;	/* a server sets its logmax= */
	l->use_syslog = nosys == NULL || *nosys == '\0';
	if (l->use_syslog)
		openlog("tape-socket", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	/* A bad name fails here and makes every trace fail (EINVAL). */
	snprintf(path, sizeof(path), "%s/%s", home, TSLOG_FILE);
	(void)tslog_ring_open(&l->ring, path, l->server);
}

/*
 * The permanent log and syslog carry "server[type] msgnum text", e.g.
 * "main[s] 42 Started": the record header has the catalogue code and
 * number but not who logged it, and several servers share a home.
 */
static int
tslog_record(struct tslog *l, char status, uint64_t msgnum,
    const struct msgdef *d, const char *text)
{
	struct trace_entry e;
	char *line, *path;
	int r = 0;

	memset(&e, 0, sizeof(e));
	clock_gettime(CLOCK_REALTIME, &e.when);
	snprintf(e.server, sizeof(e.server), "%s", l->server);
	e.type = l->type;
	e.status = status;
	e.msgnum = msgnum;
	snprintf(e.code, sizeof(e.code), "%s", d->code);
	e.number = d->number;
	snprintf(e.text, sizeof(e.text), "%s", text);

	if (tslog_ring_put(&l->ring, &e, l->keep) < 0)
		r = -1;

	line = xasprintf("%s[%c] %llu %s", l->server, l->type,
	    (unsigned long long)msgnum, text);
	if (!(d->flags & MSGF_NOPERM)) {
		path = xasprintf("%s/%s", l->home, PLOG_FILE);
		if (plog_append(path, l->logmax, &e.when, d->code, d->number,
		    d->type, line) < 0)
			r = -1;
		free(path);
	}
	if (l->use_syslog)
		syslog(d->severity, "(%s, %d): %s", d->code, d->number, line);
	free(line);
	return r;
}

/* Sum up what b held back (LOG_REPEATED), if anything. */
static int
burst_summary(struct tslog *l, struct tslog_burst *b)
{
	const struct msgdef *d = catalog_get(b->id);
	char text[RENDER_MAX];
	double secs;
	unsigned n = b->dropped;

	if (n == 0 || d == NULL)
		return 0;
	b->dropped = 0;
	secs = ts_diff(&b->last, &b->start);
	msg_format(text, sizeof(text), MSG_LOG_REPEATED, d->code, d->number,
	    n, (unsigned)(secs < 0 ? 0 : secs + 0.5), b->text);
	return tslog_record(l, b->status, b->msgnum,
	    catalog_get(MSG_LOG_REPEATED), text);
}

/* The window of message id: its slot, else a free one or that of the
 * message least recently seen, summed up first. */
static struct tslog_burst *
burst_slot(struct tslog *l, enum msgid id, const struct timespec *now)
{
	struct tslog_burst *b, *take = NULL;
	size_t i;

	for (i = 0; i < TSLOG_BURST_IDS; i++) {
		b = &l->burst[i];
		if (b->used && b->id == id)
			return b;
		if (take == NULL || (take->used && (!b->used ||
		    ts_diff(&b->seen, &take->seen) < 0)))
			take = b;
	}
	(void)burst_summary(l, take);
	memset(take, 0, sizeof(*take));
	take->used = 1;
	take->id = id;
	take->start = *now;
	return take;
}

/*
 * 1: write this occurrence of id.  0: it is one too many in its
 * window, counted (its text kept for the summary) instead.
 */
static int
burst_take(struct tslog *l, enum msgid id, char status, uint64_t msgnum,
    const char *text, const struct timespec *now)
{
	struct tslog_burst *b = burst_slot(l, id, now);

	b->seen = *now;
	if (ts_diff(now, &b->start) >= TSLOG_BURST_WINDOW) {
		(void)burst_summary(l, b);
		b->start = *now;
		b->count = 0;
	}
	if (++b->count <= TSLOG_BURST_MAX)
		return 1;
	b->dropped++;
	b->last = *now;
	b->status = status;
	b->msgnum = msgnum;
	snprintf(b->text, sizeof(b->text), "%s", text);
	return 0;
}

void
tslog_repeats_due(const struct tslog *l, struct timespec *at)
{
	const struct tslog_burst *b;
	struct timespec end;
	size_t i;

	at->tv_sec = at->tv_nsec = 0;
	for (i = 0; i < TSLOG_BURST_IDS; i++) {
		b = &l->burst[i];
		if (!b->used || b->dropped == 0)
			continue;
		end = b->start;
		end.tv_sec += TSLOG_BURST_WINDOW;
		if (at->tv_sec == 0 || ts_diff(&end, at) < 0)
			*at = end;
	}
}

int
tslog_repeats_flush(struct tslog *l, const struct timespec *now)
{
	struct tslog_burst *b;
	size_t i;
	int r = 0;

	for (i = 0; i < TSLOG_BURST_IDS; i++) {
		b = &l->burst[i];
		if (!b->used || b->dropped == 0 || (now != NULL &&
		    ts_diff(now, &b->start) < TSLOG_BURST_WINDOW))
			continue;
		if (burst_summary(l, b) < 0)
			r = -1;
		/* The window is over: the next one begins afresh. */
		b->used = 0;
	}
	return r;
}

int
tslog_flush(struct tslog *l)
{
	struct timespec now, at;

	tslog_repeats_due(l, &at);
	if (at.tv_sec != 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		(void)tslog_repeats_flush(l, &now);
	}
	return tslog_ring_flush(&l->ring);
}

int
tslog_close(struct tslog *l)
{
	(void)tslog_repeats_flush(l, NULL);
	return tslog_ring_close(&l->ring);
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

int
tslog_vmsg(struct tslog *l, char status, uint64_t msgnum, enum msgid id,
    va_list ap)
{
	const struct msgdef *d = catalog_get(id);
	struct timespec now;
	char *text;
	size_t i;
	int r = 0;

	if (d == NULL) {
		errno = EINVAL;
		return -1;
	}
	if ((d->flags & MSGF_VERBOSE) && !l->verbose)
		return 0;
	text = xmalloc(RENDER_MAX);
	msg_vformat(text, RENDER_MAX, id, ap);
	if (!(d->flags & MSGF_VERBOSE)) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!burst_take(l, id, status, msgnum, text, &now)) {
			free(text);
			return 0;
		}
		/* What floods held back is said before what follows. */
		for (i = 0; i < TSLOG_BURST_IDS; i++)
			if (burst_summary(l, &l->burst[i]) < 0)
				r = -1;
	}
	if (tslog_record(l, status, msgnum, d, text) < 0)
		r = -1;
	free(text);
	return r;
}
