/*
 * ring.c — ts.log, the trace ring of a home (tslog_ring_* of log.h).
 *
 * One entry a line, nine tab-separated fields:
 *
 *   yyyy-mm-dd  hh:mm:ss.mmm  server  type  status  msgnum  code  number  text
 *
 * (local time; text with tab, backslash and newline escaped as \t \\ \n).
 * Every server of the home writes its own entries in this one file,
 * and status, stop, query and the tests read it without a lock.
 *
 * A trace must never hold up a server: a flood of them (verbose
 * options, duplicates) used to stall ACKs and heartbeats when each one
 * rewrote the file and waited for the disk.  So:
 *
 *   - A writer keeps an O_APPEND descriptor open and writes each entry
 *     as one write() of one whole line: on a local Linux file system
 *     concurrent appends neither interleave nor overwrite each other.
 *     No fsync: ts.log shows the recent past, and a crash of the
 *     machine may lose its last entries (the permanent log has them
 *     too, or not, under the same terms: see log.c).
 *
 *   - The file grows until a server's own entries exceed trace=N by
 *     its room, max(N, RING_SLACK, a quarter of the other servers'
 *     entries); the writer that sees it compacts: it rewrites the
 *     file into "ts.log.new" with its last N entries and everybody
 *     else's, and renames it over ts.log.  Each server trims only its own entries, as each knows
 *     only its own N; so the file holds at least the last N entries of
 *     each server, and about N + room more at most (see below).
 *     The cost of a compaction is repaid by the appends that made it
 *     due, whatever the size of the file.
 *
 *   - Appends hold LOCK_SH on the file, a compaction LOCK_EX, both
 *     taken with LOCK_NB: nobody waits for a lock.  An append that
 *     finds the file being compacted keeps its line in memory and
 *     writes it at its next append or flush, in order (a server
 *     flushes from its loop, every SRV_LOG_RETRY_MS while it holds
 *     lines).  The locks are what keep an append from landing in the
 *     old file once the new one is in place: a rename over a file is
 *     made only under LOCK_EX on it, and an appender that finds its
 *     file unlinked, after it took LOCK_SH, reopens the path.
 *
 *   - Appenders at full speed may leave LOCK_EX no gap.  A compactor
 *     kept out then claims the file: it links it as "ts.log.claim";
 *     an appender that sees two links holds its line (without even
 *     taking LOCK_SH) while the claim is fresh, so the compactor's next
 *     tries get through; whoever replaces a claimed file removes the
 *     claim before it lets go of the file.  A claim left by a process
 *     that died goes stale after RING_CLAIM_STALE seconds.  (So do not
 *     hard-link ts.log: appends would come in bursts.)  A server that
 *     is overdue all the same (2 x its room) holds its own lines until
 *     its compaction is done, which bounds its share of the file.
 *
 *   - Readers see the old file or the new one, whole, and skip a last
 *     line without its newline (one being written) and any line that
 *     does not parse.  A writer that opens a file ending inside a line
 *     (a crash cut it) starts with a newline, so that its first line
 *     stays whole.
 *
 * Nothing here is unbounded: a writer holds at most RING_HELD_MAX bytes
 * of lines; past that (a compaction stalled for good: its process
 * stopped while holding the lock) it writes without the lock, and the
 * compaction, should it resume, sees the file grew and gives up rather
 * than lose that line.  A compactor killed between its rename and the
 * removal of its claim leaves the old file linked; appenders still on
 * it notice within RING_RECHECK appends, which they may lose.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logfmt.h"

#define RING_SLACK	64		/* entries beyond keep, at least */
#define RING_HELD_MAX	(256 * 1024)	/* then write without the lock */
#define RING_RECHECK	256		/* appends between looks at path */
#define RING_CLOSE_TRIES 100		/* of 10 ms, for a compaction */
#define RING_CLAIM_TRIES 16		/* of LOCK_EX, once appenders hold */
#define RING_CLAIM_STALE 2		/* seconds: its compactor is gone */

static void
ring_format(struct logbuf *b, const struct trace_entry *e, const char *stamp)
{
	char head[256];
	size_t i, tlen;

	snprintf(head, sizeof(head), "%s\t%s\t%c\t%c\t%llu\t%s\t%d\t",
	    stamp, e->server, e->type, e->status,
	    (unsigned long long)e->msgnum, e->code, e->number);
	logfmt_add(b, head, strlen(head));
	tlen = strnlen(e->text, sizeof(e->text) - 1);
	for (i = 0; i < tlen; i++) {
		char c = e->text[i];

		if (c == '\t' || c == '\n' || c == '\\') {
			logfmt_addc(b, '\\');
			c = c == '\t' ? 't' : c == '\n' ? 'n' : '\\';
		}
		logfmt_addc(b, c);
	}
	logfmt_addc(b, '\n');
}

static int
ring_entry_valid(const struct trace_entry *e)
{
	size_t slen = strnlen(e->server, sizeof(e->server));
	size_t clen = strnlen(e->code, sizeof(e->code));

	return logfmt_is_name(e->server, slen, sizeof(e->server) - 1) &&
	    logfmt_is_code(e->code, clen) && e->number >= 0 &&
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
 * next compaction.  with_time 0 leaves e->when.tv_sec 0.
 */
static int
ring_parse_line(const char *p, size_t n, struct trace_entry *e,
    int with_time)
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
	if (fl[0] != 10 || fl[1] != 12 ||
	    !logfmt_is_stamp(f[0], LOGFMT_STAMP_LEN, '\t'))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = logfmt_digits(f[0], 4) - 1900;
	tm.tm_mon = logfmt_digits(f[0] + 5, 2) - 1;
	tm.tm_mday = logfmt_digits(f[0] + 8, 2);
	tm.tm_hour = logfmt_digits(f[1], 2);
	tm.tm_min = logfmt_digits(f[1] + 3, 2);
	tm.tm_sec = logfmt_digits(f[1] + 6, 2);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -1;
	tm.tm_isdst = -1;
	/* mktime is the dear part; a compaction only checks the line. */
	e->when.tv_sec = with_time ? mktime(&tm) : 0;
	e->when.tv_nsec = (long)logfmt_digits(f[1] + 9, 3) * 1000000L;

	if (!logfmt_is_name(f[2], fl[2], sizeof(e->server) - 1))
		return -1;
	memcpy(e->server, f[2], fl[2]);
	if (fl[3] != 1 || fl[4] != 1 || f[3][0] <= ' ' || f[3][0] > '~' ||
	    f[4][0] <= ' ' || f[4][0] > '~')
		return -1;
	e->type = f[3][0];
	e->status = f[4][0];

	if (field_u64(f[5], fl[5], UINT64_MAX, &e->msgnum) < 0 ||
	    !logfmt_is_code(f[6], fl[6]) ||
	    field_u64(f[7], fl[7], INT_MAX, &v) < 0)
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

/*
 * Length of the complete lines at the start of buf: what follows the
 * last newline is a line still being written (or cut short by a full
 * disk) and is no entry yet.
 */
static size_t
complete_len(const char *buf, size_t len)
{
	const char *nl = len > 0 ? memrchr(buf, '\n', len) : NULL;

	return nl != NULL ? (size_t)(nl - buf) + 1 : 0;
}

/* Is the server field (the third) of line p[0..n) server? */
static int
line_of(const char *p, size_t n, const char *server)
{
	const char *f = p, *end = p + n, *tab;
	size_t sl = strlen(server);
	int k;

	for (k = 0; k < 2; k++) {
		if ((tab = memchr(f, '\t', (size_t)(end - f))) == NULL)
			return 0;
		f = tab + 1;
	}
	return (size_t)(end - f) > sl && memcmp(f, server, sl) == 0 &&
	    f[sl] == '\t';
}

/* The line of buf[0..*end) that ends at *end (its newline excluded). */
static int
prev_line(const char *buf, size_t *end, const char **line, size_t *n)
{
	const char *nl;
	size_t stop;

	if (*end == 0)
		return 0;
	stop = buf[*end - 1] == '\n' ? *end - 1 : *end;
	nl = stop > 0 ? memrchr(buf, '\n', stop) : NULL;
	*line = nl != NULL ? nl + 1 : buf;
	*n = stop - (size_t)(*line - buf);
	*end = (size_t)(*line - buf);
	return 1;
}

/* The whole file behind fd (from offset 0); *buf is the caller's. */
static int
read_fd(int fd, char **bufp, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			buf = xreallocarray(buf, cap, 1);
		}
		n = pread(fd, buf + len, cap - len - 1, (off_t)len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int saved = errno;

			free(buf);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* flock without waiting: 0 held, 1 someone else holds it, -1 error. */
static int
flock_now(int fd, int op)
{
	while (flock(fd, op | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		return errno == EWOULDBLOCK ? 1 : -1;
	}
	return 0;
}

static int
ring_open_fd(struct tslog_ring *r)
{
	r->fd = open_nofollow(r->path, O_RDWR | O_APPEND | O_CREAT,
	    LOGFMT_MODE);
	r->counted = 0;
	r->appends = 0;
	return r->fd < 0 ? -1 : 0;
}

static void
ring_drop_fd(struct tslog_ring *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->counted = 0;
}

/*
 * A second name on ts.log is a compactor's claim, made when appenders
 * kept it from LOCK_EX: they hold their lines while it is fresh.  The
 * link sets the file's ctime, and nothing else changes the file while
 * it is claimed, so a claim whose compactor died goes stale.
 */
static int
claim_fresh(const struct stat *st)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec - st->st_ctim.tv_sec < RING_CLAIM_STALE;
}

static void
claim_name(const struct tslog_ring *r, char *buf, size_t sz)
{
	snprintf(buf, sz, "%s.claim", r->path);
}

/* Claim the file behind r->fd: 0 done, -1 not (someone else has). */
static int
ring_claim(struct tslog_ring *r)
{
	char claim[TSLOG_PATH_MAX + 8];
	struct stat mine, cl;

	claim_name(r, claim, sizeof(claim));
	if (fstat(r->fd, &mine) < 0)
		return -1;
	if (link(r->path, claim) < 0) {
		/* A dead compactor's: of another file, or stale. */
		if (errno != EEXIST || stat(claim, &cl) < 0 ||
		    (cl.st_ino == mine.st_ino && cl.st_dev == mine.st_dev &&
		    claim_fresh(&cl)) || unlink(claim) < 0 ||
		    link(r->path, claim) < 0)
			return -1;
	}
	r->claimed = 1;
	if (stat(claim, &cl) < 0 || cl.st_ino != mine.st_ino ||
	    cl.st_dev != mine.st_dev) {
		unlink(claim);		/* the path had moved on */
		r->claimed = 0;
		return -1;
	}
	return 0;
}

/*
 * Remove the claim on the file behind r->fd, whoever made it: the
 * compactor does it before it lets go of the file it replaced, so that
 * an appender still on that file finds it unlinked.
 */
static void
ring_unclaim(struct tslog_ring *r)
{
	char claim[TSLOG_PATH_MAX + 8];
	struct stat mine, cl;

	r->claimed = 0;
	claim_name(r, claim, sizeof(claim));
	if (r->fd >= 0 && fstat(r->fd, &mine) == 0 && mine.st_nlink > 0 &&
	    stat(claim, &cl) == 0 && cl.st_ino == mine.st_ino &&
	    cl.st_dev == mine.st_dev)
		unlink(claim);
}

/*
 * Lock (LOCK_SH to append, LOCK_EX to compact) the file that is now
 * ts.log, without waiting.  A compaction renames a new file over the
 * old one only while it holds LOCK_EX on the old one, so a lock held
 * on a file that is still linked keeps it current until released; a
 * file found unlinked was replaced, and is reopened.  Every
 * RING_RECHECK appends the path is looked at too, in case the file
 * was moved by hand.  0 locked (*st its state), 1 busy, -1 error.
 */
static int
ring_lock(struct tslog_ring *r, int op, struct stat *st)
{
	struct stat cur;
	int tries, b, saved;

	for (tries = 0; tries < 4; tries++) {
		if (r->fd < 0 && ring_open_fd(r) < 0)
			return -1;
		/*
		 * Even a moment's LOCK_SH to look would keep the claimer
		 * from LOCK_EX, again and again: look first.
		 */
		if (op == LOCK_SH && r->yielding) {
			if (fstat(r->fd, st) < 0)
				return -1;
			if (st->st_nlink > 1 && claim_fresh(st))
				return 1;
			r->yielding = 0;
		}
		if ((b = flock_now(r->fd, op)) != 0)
			return b;
		if (fstat(r->fd, st) < 0) {
			saved = errno;
			flock(r->fd, LOCK_UN);
			errno = saved;
			return -1;
		}
		if (op == LOCK_SH && st->st_nlink > 1 && claim_fresh(st)) {
			flock(r->fd, LOCK_UN);
			r->yielding = 1;
			return 1;
		}
		/*
		 * A compaction always looks at the path: a file that lost
		 * its name but keeps a claim's is linked and not current.
		 */
		if (st->st_nlink > 0 && ((op == LOCK_SH && st->st_nlink == 1 &&
		    ++r->appends % RING_RECHECK != 0) ||
		    (stat(r->path, &cur) == 0 && cur.st_ino == st->st_ino &&
		    cur.st_dev == st->st_dev)))
			return 0;
		flock(r->fd, LOCK_UN);
		ring_drop_fd(r);
	}
	return 1;	/* replaced again and again: someone is compacting */
}

/*
 * Count the entries of the file (locked by the caller): the server's,
 * to know when to compact, and the others', to compact no more often
 * than the file's size repays.
 */
static int
ring_count(struct tslog_ring *r)
{
	const char *line;
	char *buf;
	size_t full, len, pos, n;

	if (read_fd(r->fd, &buf, &full) < 0)
		return -1;
	len = complete_len(buf, full);
	/*
	 * A line cut short by a crash would swallow the next one.  (Or it
	 * is another writer's line half copied yet: an empty line then,
	 * which readers skip, is all it costs.)
	 */
	r->torn = len != full;
	r->mine = r->others = 0;
	for (pos = 0; logfmt_next_line(buf, len, &pos, &line, &n);) {
		if (line_of(line, n, r->server))
			r->mine++;
		else
			r->others++;
	}
	free(buf);
	r->counted = 1;
	return 0;
}

int
tslog_ring_open(struct tslog_ring *r, const char *path, const char *server)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (!logfmt_is_name(server, strlen(server), sizeof(r->server) - 1) ||
	    strlen(path) >= sizeof(r->path)) {
		r->path[0] = '\0';
		errno = strlen(path) >= sizeof(r->path) ? ENAMETOOLONG :
		    EINVAL;
		return -1;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	snprintf(r->server, sizeof(r->server), "%s", server);
	return 0;
}

/*
 * Write the held lines with one write() under LOCK_SH.  force: write
 * even without the lock (the compaction has taken too long: its
 * process is probably stopped, and a line it may overwrite is better
 * than a line dropped).  0 written, 1 still held, -1 error (the lines
 * are dropped: a failing disk must not grow memory).
 */
static int
ring_write_held(struct tslog_ring *r, int force)
{
	struct iovec iov[2];
	struct stat st;
	ssize_t w;
	int b, saved;

	if (r->plen == 0)
		return 0;
	if ((b = ring_lock(r, LOCK_SH, &st)) < 0)
		goto fail;
	if (b == 1 && !force)
		return 1;
	if (b == 1 && r->fd < 0 && ring_open_fd(r) < 0)
		goto fail;
	if (b == 0 && !r->counted && ring_count(r) < 0) {
		saved = errno;
		flock(r->fd, LOCK_UN);
		errno = saved;
		goto fail;
	}
	iov[0].iov_base = (void *)"\n";
	iov[0].iov_len = r->torn;
	iov[1].iov_base = r->pending;
	iov[1].iov_len = r->plen;
	do
		w = writev(r->fd, iov, 2);
	while (w < 0 && errno == EINTR);
	saved = errno;
	if (w > 0) {
		w -= r->torn;
		r->torn = 0;
	}
	if (w >= 0 && (size_t)w < r->plen) {
		/* End the fragment, so that the next line starts whole. */
		if (write(r->fd, "\n", 1) == 1)
			saved = EIO;
		else
			saved = errno;
	}
	if (b == 0)
		flock(r->fd, LOCK_UN);
	errno = saved;
	if (w < 0 || (size_t)w < r->plen)
		goto fail;
	r->mine += r->plines;
	r->plen = r->plines = 0;
	return 0;
fail:
	r->plen = r->plines = 0;
	return -1;
}

/*
 * How far beyond keep the server's entries go before a compaction is
 * due: keep again, at least RING_SLACK, and a quarter of the other
 * servers' entries, so that rewriting a file full of them is repaid.
 */
static size_t
ring_room(const struct tslog_ring *r, unsigned keep)
{
	size_t room = keep > RING_SLACK ? keep : RING_SLACK;

	return room > r->others / 4 ? room : r->others / 4;
}

/* 0 not due, 1 due, 2 overdue: stop adding until it is done. */
static int
ring_due(const struct tslog_ring *r, unsigned keep)
{
	size_t excess, room;

	if (!r->counted || r->mine < r->retry)
		return 0;
	if (keep == 0)
		return r->mine > 0;
	excess = r->mine > keep ? r->mine - keep : 0;
	room = ring_room(r, keep);
	return excess >= 2 * room ? 2 : excess >= room;
}

/*
 * Compact when due.  Overdue (the file was always in use when this
 * writer tried: other processes appending at full speed), the held
 * lines wait until it is done, so that the file stays bounded; until
 * RING_HELD_MAX, as ever.  0, or -1 when the compaction failed.
 */
static int
ring_maybe_compact(struct tslog_ring *r, unsigned keep)
{
	if (ring_due(r, keep) == 0)
		return 0;
	if (tslog_ring_compact(r, keep) < 0) {
		/* Say so once, and do not read the file at every trace. */
		r->retry = 2 * r->mine + 1;
		return -1;
	}
	return 0;
}

/* Write the held lines, unless the server is overdue for compaction. */
static int
ring_write_or_hold(struct tslog_ring *r, unsigned keep)
{
	int rc = 0;

	if (ring_due(r, keep) == 2 && ring_maybe_compact(r, keep) < 0)
		rc = -1;
	if (ring_due(r, keep) == 2 && r->plen <= RING_HELD_MAX)
		return rc;
	if (ring_write_held(r, r->plen > RING_HELD_MAX) < 0)
		return -1;
	if (ring_maybe_compact(r, keep) < 0)
		rc = -1;
	return rc;
}

int
tslog_ring_put(struct tslog_ring *r, const struct trace_entry *e,
    unsigned keep)
{
	struct logbuf line;
	char stamp[32];

	if (r->path[0] == '\0' || !ring_entry_valid(e) ||
	    strcmp(e->server, r->server) != 0 ||
	    logfmt_stamp(stamp, sizeof(stamp), &e->when, '\t') < 0) {
		errno = EINVAL;
		return -1;
	}
	if (keep == 0) {
		/* Nothing to keep: not the new entry, nor the held ones. */
		r->plen = r->plines = 0;
		r->keep = 0;
		if (!r->counted)
			return tslog_ring_compact(r, 0) < 0 ? -1 : 0;
		return ring_maybe_compact(r, 0);
	}
	/* After the held lines, if any: they are older. */
	line.data = r->pending;
	line.len = r->plen;
	line.cap = r->pcap;
	ring_format(&line, e, stamp);
	r->pending = line.data;
	r->plen = line.len;
	r->pcap = line.cap;
	r->plines++;
	r->keep = keep;
	return ring_write_or_hold(r, keep);
}

int
tslog_ring_compact(struct tslog_ring *r, unsigned keep)
{
	struct trace_entry cur;
	struct logbuf out = { NULL, 0, 0 };
	struct stat st, now;
	const char *line;
	char *buf = NULL, tmp[TSLOG_PATH_MAX + 8];
	size_t len, full, pos, n, mine = 0, others = 0, skip, bad = 0;
	int b, t, fd = -1, rc = -1, saved;

	if (r->path[0] == '\0') {
		errno = EINVAL;
		return -1;
	}
	b = ring_lock(r, LOCK_EX, &st);
	if (b == 1 && r->fd >= 0 && (r->claimed || ring_claim(r) == 0))
		/* In-flight appends take microseconds; new ones hold. */
		for (t = 0; t < RING_CLAIM_TRIES &&
		    (b = ring_lock(r, LOCK_EX, &st)) == 1; t++)
			sched_yield();
	if (b != 0)
		return b < 0 ? -1 : 0;	/* the claim stays: next time */
	if (read_fd(r->fd, &buf, &full) < 0)
		goto out;
	len = complete_len(buf, full);
	for (pos = 0; logfmt_next_line(buf, len, &pos, &line, &n);)
		if (ring_parse_line(line, n, &cur, 0) < 0)
			bad++;
		else if (strcmp(cur.server, r->server) == 0)
			mine++;
		else
			others++;
	skip = mine > keep ? mine - keep : 0;
	r->counted = 1;
	r->others = others;
	r->torn = len != full;
	if (skip == 0 && bad == 0 && len == full) {
		r->mine = mine;		/* nothing to drop: no rewrite */
		rc = 1;
		goto out;
	}
	mine = others = 0;
	for (pos = 0; logfmt_next_line(buf, len, &pos, &line, &n);) {
		if (ring_parse_line(line, n, &cur, 0) < 0)
			continue;
		if (strcmp(cur.server, r->server) == 0) {
			if (skip > 0) {
				skip--;
				continue;
			}
			mine++;
		} else
			others++;
		logfmt_add(&out, line, n);
		logfmt_addc(&out, '\n');
	}

	/*
	 * Not fsync'd: ts.log is a view of the recent past, and a trace
	 * must not wait for the disk.  The fixed name is safe: only the
	 * holder of LOCK_EX on ts.log writes it.
	 */
	snprintf(tmp, sizeof(tmp), "%s.new", r->path);
	/* A new file of ours: a leftover (or a link put there) goes. */
	(void)unlink(tmp);
	fd = open_nofollow(tmp, O_RDWR | O_APPEND | O_CREAT | O_EXCL,
	    LOGFMT_MODE);
	if (fd < 0)
		goto out;
	if (fchmod(fd, st.st_mode & 07777) < 0 ||
	    write_all(fd, out.data != NULL ? out.data : "", out.len) < 0 ||
	    fstat(r->fd, &now) < 0)
		goto out_unlink;
	if ((size_t)now.st_size != full) {
		/* A line written without the lock (see ring_write_held). */
		rc = 0;
		goto out_unlink;
	}
	if (rename(tmp, r->path) < 0)
		goto out_unlink;
	ring_unclaim(r);	/* then the old file has no name left */
	close(r->fd);		/* releases LOCK_EX on the old file */
	r->fd = fd;
	fd = -1;
	r->mine = mine;
	r->others = others;
	r->torn = 0;
	r->appends = 0;
	r->retry = 0;
	rc = 1;
	goto out;

out_unlink:
	saved = errno;
	unlink(tmp);
	errno = saved;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (r->claimed)
		ring_unclaim(r);
	if (r->fd >= 0)		/* the old file, or a no-op on the new */
		flock(r->fd, LOCK_UN);
	free(buf);
	free(out.data);
	errno = saved;
	return rc;
}

int
tslog_ring_flush(struct tslog_ring *r)
{
	if (r->plen == 0)
		return 0;
	if (ring_write_or_hold(r, r->keep) < 0)
		return -1;
	return r->plen > 0;
}

int
tslog_ring_close(struct tslog_ring *r)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	int i, rc = 0;

	if (r->path[0] == '\0')
		return 0;
	if (r->plen > 0 && ring_due(r, r->keep) == 2)
		(void)ring_maybe_compact(r, r->keep);
	/*
	 * A compaction takes milliseconds: wait for it a little, then
	 * write anyway rather than lose the last words of a process.
	 */
	for (i = 0; r->plen > 0; i++) {
		rc = ring_write_held(r, i >= RING_CLOSE_TRIES);
		if (rc != 1)
			break;
		nanosleep(&tick, NULL);
	}
	if (r->claimed)
		ring_unclaim(r);
	ring_drop_fd(r);
	free(r->pending);
	r->pending = NULL;
	r->plen = r->pcap = r->plines = 0;
	r->path[0] = '\0';
	return rc < 0 ? -1 : 0;
}

int
tslog_ring_append(const char *path, const struct trace_entry *e,
    unsigned keep)
{
	struct tslog_ring r;
	int rc, saved;

	if (tslog_ring_open(&r, path, e->server) < 0)
		return -1;
	rc = tslog_ring_put(&r, e, keep);
	saved = errno;
	if (tslog_ring_close(&r) < 0 && rc == 0)
		return -1;
	errno = saved;
	return rc;
}

/* The complete lines of ts.log; *buf is the caller's; ENOENT: none. */
static int
ring_load(const char *path, char **buf, size_t *len)
{
	if (read_file(path, buf, len) < 0)
		return -1;
	*len = complete_len(*buf, *len);
	return 0;
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
	if (ring_load(path, &buf, &len) < 0)
		return errno == ENOENT ? 0 : -1;
	for (pos = 0; logfmt_next_line(buf, len, &pos, &line, &n);) {
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (ring_parse_line(line, n, &v[cnt], 1) == 0)
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
tslog_ring_tail(const char *path, const char *server, size_t max,
    struct trace_entry **out, size_t *np)
{
	struct trace_entry *v = NULL, t;
	char *buf;
	const char *line;
	size_t len, end, n, cnt = 0, cap = 0, i;

	*out = NULL;
	*np = 0;
	if (max == 0)
		return 0;
	if (ring_load(path, &buf, &len) < 0)
		return errno == ENOENT ? 0 : -1;
	/* From the end: only the lines asked for are parsed. */
	for (end = len; cnt < max && prev_line(buf, &end, &line, &n);) {
		if (!line_of(line, n, server))
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 16;
			if (cap > max)
				cap = max;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		if (ring_parse_line(line, n, &v[cnt], 1) == 0)
			cnt++;
	}
	free(buf);
	for (i = 0; i < cnt / 2; i++) {
		t = v[i];
		v[i] = v[cnt - 1 - i];
		v[cnt - 1 - i] = t;
	}
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
	size_t n;

	if (tslog_ring_tail(path, server, 1, &v, &n) < 0)
		return -1;
	if (n > 0)
		*out = v[0];
	free(v);
	return n > 0;
}
