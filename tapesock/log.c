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
 * state files) has its own fsync'd files.  The file is opened for each
 * record, so that an operator's rotation (rename) takes effect at once.
 */
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

int
plog_append(const char *path, const struct timespec *ts, const char *code,
    int number, enum msgtype type, const char *text)
{
	struct logbuf b = { NULL, 0, 0 };
	char head[96], stamp[32];
	const char *p, *nl;
	size_t n, tlen;
	ssize_t w;
	int fd, r = -1, saved;

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

	fd = open_nofollow(path, O_WRONLY | O_APPEND | O_CREAT, LOGFMT_MODE);
	if (fd < 0)
		goto out;
	/* One write(), no lock: the record is one step of the file. */
	do
		w = write(fd, b.data, b.len);
	while (w < 0 && errno == EINTR);
	saved = errno;
	if (w >= 0 && (size_t)w < b.len) {
		/*
		 * Cut short (a full disk): finishing it now could land
		 * after another writer's record.  End its line instead, so
		 * that the next record starts on a line of its own and the
		 * parser skips this one as malformed.
		 */
		saved = write(fd, "\n", 1) == 1 ? EIO : errno;
	}
	r = w >= 0 && (size_t)w == b.len ? 0 : -1;
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
	char path[TSLOG_PATH_MAX + 1];

	memset(l, 0, sizeof(*l));
	snprintf(l->home, sizeof(l->home), "%s", home);
	snprintf(l->server, sizeof(l->server), "%s", server);
	l->type = type;
	l->keep = keep;
	l->verbose = verbose;
	l->use_syslog = nosys == NULL || *nosys == '\0';
	if (l->use_syslog)
		openlog("tape-socket", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	/* A bad name fails here and makes every trace fail (EINVAL). */
	snprintf(path, sizeof(path), "%s/%s", home, TSLOG_FILE);
	(void)tslog_ring_open(&l->ring, path, l->server);
}

int
tslog_flush(struct tslog *l)
{
	return tslog_ring_flush(&l->ring);
}

int
tslog_close(struct tslog *l)
{
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

	if (tslog_ring_put(&l->ring, &e, l->keep) < 0)
		r = -1;

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
