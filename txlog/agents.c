/*
 * agents.c — the transaction logger and the transaction restore
 * (txlog.h): the two processes at the ends of a tapesock pair that
 * carry a data area's transaction queue to the backup's data area.
 *
 * What goes through the pair is the queue's records, byte for byte
 * (txlog.c): the logger is a tape process writing them into the
 * output server's pipe, the restore a reader of the input server's.
 * Exactly once: the logger may send a record again after a stop (it
 * notes the last sent after writing it), the restore applies a number
 * once (txl_apply, under the area's lock, its number kept durably).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "txlog.h"

#define TXL_SENT	"sent"
#define TXL_RETRY_MS	1000	/* no reader (logger), no pipe: again */
#define TXL_IDLE_MS	200	/* period 0: look at the queue this often */

static void
txl_say(FILE *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
txl_say(FILE *log, const char *fmt, ...)
{
	char when[32];
	struct timespec now;
	va_list ap;

	if (log == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	format_timestamp(when, sizeof(when), &now);
	fprintf(log, "%s ", when);
	va_start(ap, fmt);
	vfprintf(log, fmt, ap);
	va_end(ap);
	fputc('\n', log);
	fflush(log);
}

static void
txl_nap(unsigned ms, volatile sig_atomic_t *stop)
{
	struct timespec ts;

	while (ms > 0 && !*stop) {
		unsigned step = ms > 100 ? 100 : ms;

		ts.tv_sec = 0;
		ts.tv_nsec = (long)step * 1000000L;
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

uint64_t
txl_sent(struct txl *t)
{
	char buf[64], val[32];
	uint64_t n = 0;
	ssize_t len;
	int fd;

	fd = openat(t->dir_fd, TXL_SENT, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	if (kv_get(buf, (size_t)len, "sent", val, sizeof(val)) == 0)
		(void)parse_u64(val, UINT64_MAX, &n);
	return n;
}

static int
txl_set_sent(struct txl *t, uint64_t seq)
{
	char *path = xasprintf("%s/%s/%s", t->area, TXL_DIR, TXL_SENT);
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "sent %llu\n",
	    (unsigned long long)seq), rc;

	/* Not synced: a number lost resends records the backup skips. */
	rc = atomic_replace_file(path, buf, (size_t)n, 0640, 0);
	free(path);
	return rc;
}

/* The pipe, for writing, once a reader (the output server) holds it. */
static int
txl_open_writer(const char *pipe, FILE *log, int *said)
{
	struct stat st;
	int fd, fl;

	fd = open(pipe, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (!*said)
			txl_say(log, "logger: %s: %s; trying again every "
			    "second", pipe, errno == ENXIO ? "no reader (is "
			    "the output server running?)" : strerror(errno));
		*said = 1;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		txl_say(log, "logger: %s: not a FIFO", pipe);
		close(fd);
		return -1;
	}
	/* Blocking from here: a full pipe holds the logger, as a tape. */
	fl = fcntl(fd, F_GETFL);
	(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	txl_say(log, "logger: attached to %s", pipe);
	*said = 0;
	return fd;
}

int
txl_logger_run(struct txl *t, const char *pipe, int all, unsigned period_ms,
    volatile sig_atomic_t *stop, FILE *log)
{
	struct txl_rec r;
	struct errbuf err;
	uint64_t sent = txl_sent(t), pos = 0, noted = sent;
	uint8_t *buf;
	size_t n;
	int fd = -1, said = 0, rc;

	signal(SIGPIPE, SIG_IGN);
	txl_say(log, "logger: starts after transaction %llu (%s)",
	    (unsigned long long)sent, all ? "all files" : "DL files");
	while (!*stop) {
		if (fd < 0 && (fd = txl_open_writer(pipe, log, &said)) < 0) {
			txl_nap(TXL_RETRY_MS, stop);
			continue;
		}
		while (!*stop && (rc = txl_queue_next(t, sent, &pos, &r,
		    &err)) == 1) {
			if (all || (r.flags & TXL_F_DL)) {
				n = txl_rec_size(&r);
				buf = xmalloc(n);
				txl_rec_encode(&r, buf);
				rc = write_all(fd, buf, n);
				free(buf);
				if (rc < 0) {
					txl_say(log, "logger: %s: %s at "
					    "transaction %llu: it goes again",
					    pipe, strerror(errno),
					    (unsigned long long)r.seq);
					txl_rec_free(&r);
					close(fd);
					fd = -1;
					pos = 0;
					break;
				}
			}
			sent = r.seq;
			txl_rec_free(&r);
		}
		if (rc < 0) {
			txl_say(log, "logger: %s", err.msg);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (sent != noted && txl_set_sent(t, sent) == 0)
			noted = sent;
		txl_nap(period_ms > 0 ? period_ms : TXL_IDLE_MS, stop);
	}
	if (fd >= 0)
		close(fd);
	if (sent != noted)
		(void)txl_set_sent(t, sent);
	txl_say(log, "logger: stops after transaction %llu",
	    (unsigned long long)sent);
	return 0;
}

/* Apply the whole records at the start of buf; what is left moves up. */
static int
txl_restore_take(struct txl *t, uint8_t *buf, size_t *len, FILE *log,
    uint64_t *skipped)
{
	struct txl_rec r;
	struct errbuf err;
	size_t off = 0;
	long n;
	int rc;

	while (off < *len) {
		n = txl_rec_decode(buf + off, *len - off, &r);
		if (n == 0)
			break;
		if (n < 0) {
			/* Not a record here: on to the next that checks. */
			off++;
			(*skipped)++;
			continue;
		}
		if (*skipped > 0) {
			txl_say(log, "restore: %llu byte(s) that were no "
			    "whole record passed over",
			    (unsigned long long)*skipped);
			*skipped = 0;
		}
		rc = txl_apply(t, &r, &err);
		txl_rec_free(&r);
		if (rc < 0) {
			txl_say(log, "restore: %s", err.msg);
			return -1;
		}
		off += (size_t)n;
	}
	memmove(buf, buf + off, *len - off);
	*len -= off;
	return 0;
}

int
txl_restore_run(struct txl *t, const char *pipe, volatile sig_atomic_t *stop,
    FILE *log)
{
	size_t cap = 2 * (TXL_BODY_MAX + 512), len = 0;
	uint8_t *buf = xmalloc(cap);
	struct pollfd pfd;
	uint64_t skipped = 0;
	struct stat st;
	ssize_t n;
	int fd = -1, said = 0, rc = 0;

	txl_say(log, "restore: starts after transaction %llu",
	    (unsigned long long)txl_applied(t));
	while (!*stop) {
		if (fd < 0) {
			fd = open(pipe, O_RDWR | O_NONBLOCK | O_CLOEXEC |
			    O_NOFOLLOW);
			if (fd < 0 || fstat(fd, &st) < 0 ||
			    !S_ISFIFO(st.st_mode)) {
				if (!said)
					txl_say(log, "restore: %s: %s", pipe,
					    fd < 0 ? strerror(errno) :
					    "not a FIFO");
				said = 1;
				if (fd >= 0)
					close(fd);
				fd = -1;
				txl_nap(TXL_RETRY_MS, stop);
				continue;
			}
			said = 0;
			txl_say(log, "restore: attached to %s", pipe);
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = read(fd, buf + len, cap - len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			txl_say(log, "restore: %s: %s", pipe, n < 0 ?
			    strerror(errno) : "end of file");
			close(fd);
			fd = -1;
			continue;
		}
		len += (size_t)n;
		if (txl_restore_take(t, buf, &len, log, &skipped) < 0) {
			rc = -1;
			break;
		}
		if (len == cap) {
			/* Full of what never checks: drop all but a tail. */
			skipped += len - 8;
			memmove(buf, buf + len - 8, 8);
			len = 8;
		}
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	txl_say(log, "restore: stops after transaction %llu",
	    (unsigned long long)txl_applied(t));
	return rc;
}
