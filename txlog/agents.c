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
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "control.h"
#include "txlog.h"

#define TXL_SENT	"sent"
#define TXL_LOCKSUF	".lock"
#define TXL_STATESUF	".state"
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

int
txl_agent_lock(struct txl *t, const char *name, long *other,
    struct errbuf *err)
{
	char lock[64], path[64], buf[128], val[32];
	uint64_t pid = 0;
	ssize_t n;
	int fd, sfd;

	*other = 0;
	snprintf(lock, sizeof(lock), "%s%s", name, TXL_LOCKSUF);
	fd = openat(t->dir_fd, lock, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0640);
	if (fd < 0) {
		errbuf_set(err, "%s/%s/%s: %s", t->area, TXL_DIR, lock,
		    strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	snprintf(path, sizeof(path), "%s%s", name, TXL_STATESUF);
	if ((sfd = openat(t->dir_fd, path, O_RDONLY | O_CLOEXEC |
	    O_NOFOLLOW)) >= 0) {
		n = read(sfd, buf, sizeof(buf) - 1);
		close(sfd);
		if (n > 0) {
			buf[n] = '\0';
			if (kv_get(buf, (size_t)n, "pid", val,
			    sizeof(val)) == 0)
				(void)parse_u64(val, 1u << 22, &pid);
		}
	}
	*other = (long)pid;
	errbuf_set(err, "the %s of %s runs already (pid %ld)", name, t->area,
	    *other);
	return -1;
}

void
txl_agent_state(struct txl *t, const char *name, const char *state,
    uint64_t at)
{
	char *path = xasprintf("%s/%s/%s%s", t->area, TXL_DIR, name,
	    TXL_STATESUF);
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "pid %ld\nstate %s\nat %llu\n",
	    (long)getpid(), state, (unsigned long long)at);

	(void)atomic_replace_file(path, buf, (size_t)n, 0640, 0);
	free(path);
}

int
txl_agent_query(const char *area, const char *name, long *pid, char *state,
    size_t sz, uint64_t *at)
{
	char *path, buf[128], val[32];
	uint64_t n64 = 0;
	ssize_t n;
	int fd, running;

	*pid = 0;
	*at = 0;
	snprintf(state, sz, "never ran");
	path = xasprintf("%s/%s/%s%s", area, TXL_DIR, name, TXL_LOCKSUF);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	running = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	path = xasprintf("%s/%s/%s%s", area, TXL_DIR, name, TXL_STATESUF);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	free(path);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			if (kv_get(buf, (size_t)n, "pid", val,
			    sizeof(val)) == 0 && parse_u64(val, 1u << 22,
			    &n64) == 0)
				*pid = (long)n64;
			if (kv_get(buf, (size_t)n, "at", val,
			    sizeof(val)) == 0)
				(void)parse_u64(val, UINT64_MAX, at);
			(void)kv_get(buf, (size_t)n, "state", state, sz);
		}
	}
	return running;
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
	return txl_number_get(t, TXL_SENT);
}

/* Not synced: a number lost resends records the backup skips. */
static int
txl_set_sent(struct txl *t, uint64_t seq)
{
	struct errbuf err;

	return txl_number_set(t, TXL_SENT, seq, 0, &err);
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

/* The backup's "applied N", through the output server: 0, or -1. */
static int
txl_ask_applied(const char *sock, uint64_t *n, char *why, size_t sz)
{
	struct errbuf err;
	char *resp = NULL, *p;
	int r;

	r = control_request(sock, "CHECK tlchk", &resp, 9000, &err);
	if (r != 0 || resp == NULL || (p = strstr(resp, " applied ")) == NULL) {
		if (why != NULL)
			strlcpy(why, r == 1 && resp != NULL ? resp : r < 0 ?
			    err.msg : "no answer", sz);
		free(resp);
		return -1;
	}
	p += strlen(" applied ");
	p[strspn(p, "0123456789")] = '\0';
	r = parse_u64(p, UINT64_MAX, n);
	free(resp);
	return r;
}

int
txl_logger_run(struct txl *t, const char *pipe, int all, unsigned period_ms,
    const char *sock, volatile sig_atomic_t *stop, FILE *log)
{
	struct timespec ask_at, hold = { 0, 0 };
	uint64_t behind = UINT64_MAX, theirs, rewound = UINT64_MAX;
	struct txl_rec r;
	struct errbuf err;
	uint64_t sent = txl_sent(t), pos = 0, noted = sent;
	uint8_t *buf;
	size_t n;
	int fd = -1, said = 0, rc = 0, wr;

	signal(SIGPIPE, SIG_IGN);
	ts_after(&ask_at, TXL_ASK_S);
	if (sock != NULL) {
		/* For the writers who wait for the backup (txl_wait_applied). */
		char *p = xasprintf("%s/%s/logger.sock", t->area, TXL_DIR);

		/* A path, no secret: writers of other users read it. */
		if (atomic_replace_file(p, sock, strlen(sock), 0644, 0) == 0)
			(void)chmod(p, 0644);	/* whatever the umask */
		free(p);
	}
	txl_say(log, "logger: starts after transaction %llu (%s)",
	    (unsigned long long)sent, all ? "all files" : "DL files");
	txl_agent_state(t, "logger", "detached", sent);
	while (!*stop) {
		if (fd < 0) {
			if ((fd = txl_open_writer(pipe, log, &said)) < 0) {
				txl_nap(TXL_RETRY_MS, stop);
				continue;
			}
			txl_agent_state(t, "logger", "attached", sent);
		}
		while (!*stop && (rc = txl_queue_next(t, sent, &pos, &r,
		    &err)) == 1) {
			if (!all && !(r.flags & TXL_F_DL)) {
				/* Its number only: the backup then knows a
				 * gap from a record it does not get. */
				txl_rec_free(&r);
				r.op = TXL_NOP;
				r.flags = 0;
			}
			n = txl_rec_size(&r);
			buf = xmalloc(n);
			txl_rec_encode(&r, buf);
			wr = write_all(fd, buf, n);
			free(buf);
			if (wr < 0) {
				/* The pipe went (the output server and its
				 * keeper): attach again, send it again. */
				txl_say(log, "logger: %s: %s at transaction "
				    "%llu: it goes again", pipe,
				    strerror(errno), (unsigned long long)r.seq);
				txl_rec_free(&r);
				close(fd);
				fd = -1;
				pos = 0;
				txl_agent_state(t, "logger", "detached", sent);
				break;
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
		if (sent != noted && txl_set_sent(t, sent) == 0) {
			noted = sent;
			txl_agent_state(t, "logger", fd >= 0 ? "attached" :
			    "detached", sent);
		}
		if (sock != NULL && fd >= 0 && sent > 0 && ts_due(&ask_at)) {
			ts_after(&ask_at, TXL_ASK_S);
			if (txl_ask_applied(sock, &theirs, NULL, 0) < 0 ||
			    theirs >= sent)
				behind = UINT64_MAX;
			else if (theirs != behind)
				behind = theirs;	/* once more, to see */
			else if (theirs == rewound && !ts_due(&hold))
				;	/* sent again already: give it time */
			else {
				txl_say(log, "logger: the backup applied %llu "
				    "of %llu sent and does not move: sending "
				    "again from %llu", (unsigned long long)
				    theirs, (unsigned long long)sent,
				    (unsigned long long)theirs + 1);
				sent = theirs;
				pos = 0;
				behind = UINT64_MAX;
				rewound = theirs;
				ts_after(&hold, 12 * TXL_ASK_S);
				continue;
			}
		}
		txl_nap(period_ms > 0 ? period_ms : TXL_IDLE_MS, stop);
	}
	if (fd >= 0)
		close(fd);
	if (sent != noted)
		(void)txl_set_sent(t, sent);
	txl_agent_state(t, "logger", "stopped", sent);
	txl_say(log, "logger: stops after transaction %llu",
	    (unsigned long long)sent);
	return 0;
}

/* Apply the whole records at the start of buf; what is left moves up. */
static int
txl_restore_take(struct txl *t, uint8_t *buf, size_t *len, FILE *log,
    uint64_t *skipped, uint64_t *gap)
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
		if (rc == 2 && *gap == 0) {
			txl_say(log, "restore: transaction %llu came after "
			    "%llu: those between were lost on the way; it "
			    "waits for the logger to send them again",
			    (unsigned long long)r.seq,
			    (unsigned long long)txl_applied(t));
		}
		*gap = rc == 2 ? r.seq : 0;
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
	uint64_t skipped = 0, gap = 0;
	struct stat st;
	ssize_t n;
	int fd = -1, said = 0, rc = 0;

	txl_say(log, "restore: starts after transaction %llu",
	    (unsigned long long)txl_applied(t));
	txl_agent_state(t, "restore", "detached", txl_applied(t));
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
			txl_agent_state(t, "restore", "reading",
			    txl_applied(t));
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
		if (txl_restore_take(t, buf, &len, log, &skipped, &gap) < 0) {
			rc = -1;
			break;
		}
		/* Waiting: a gap, the logger to send again from it. */
		txl_agent_state(t, "restore", gap != 0 ? "waiting" : "reading",
		    txl_applied(t));
		if (len == cap) {
			/* Full of what never checks: drop all but a tail. */
			skipped += len - 8;
			memmove(buf, buf + len - 8, 8);
			len = 8;
		}
	}
	/* Stopped: what the pipe holds now is taken first, not left. */
	while (fd >= 0 && rc == 0 && (n = read(fd, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (txl_restore_take(t, buf, &len, log, &skipped, &gap) < 0)
			rc = -1;
		if (len == cap)
			break;
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	txl_agent_state(t, "restore", rc < 0 ? "failed" : "stopped",
	    txl_applied(t));
	txl_say(log, "restore: stops after transaction %llu",
	    (unsigned long long)txl_applied(t));
	return rc;
}

int
txl_wait_applied(struct txl *t, uint64_t seq, unsigned secs,
    struct errbuf *err)
{
	struct timespec until, nap = { 0, 20 * 1000 * 1000 };
	char *path, *sock = NULL;
	size_t len;
	uint64_t theirs = 0;
	char why[256] = "";
	int asked = 0;

	path = xasprintf("%s/%s/logger.sock", t->area, TXL_DIR);
	if (read_file_nofollow(path, &sock, &len) < 0 || len == 0) {
		errbuf_set(err, "%s: %s: no logger of an output server noted "
		    "its socket here (txlog=ON on the output server?)", t->area,
		    path);
		free(path);
		free(sock);
		return -1;
	}
	free(path);
	ts_after(&until, secs);
	do {
		if (txl_ask_applied(sock, &theirs, why, sizeof(why)) == 0) {
			asked = 1;
			if (theirs >= seq) {
				free(sock);
				return 0;
			}
		}
		nanosleep(&nap, NULL);
	} while (!ts_due(&until));
	if (asked)
		errbuf_set(err, "transaction %llu not applied on the backup "
		    "within %u seconds (it has %llu): it is queued, and goes "
		    "on", (unsigned long long)seq, secs,
		    (unsigned long long)theirs);
	else
		errbuf_set(err, "transaction %llu not applied on the backup "
		    "within %u seconds (%s): it is queued, and goes on",
		    (unsigned long long)seq, secs, why);
	free(sock);
	return -1;
}
