/*
 * util.c — allocation, parsing and file helpers shared by every part.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void
errbuf_set(struct errbuf *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	fputs("tape-socket: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatalx("out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, sz);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t sz)
{
	void *p = reallocarray(old, n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		fatalx("out of memory (%zu x %zu bytes)", n, sz);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		fatalx("out of memory");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (r < 0)
		fatalx("out of memory");
	return p;
}

int
parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

int
streqi(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_parent(const char *path)
{
	char *copy = xstrdup(path);
	int fd, r;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int
atomic_write_file(const char *path, const void *buf, size_t len, int mode)
{
	return atomic_replace_file(path, buf, len, mode, 1);
}

int
atomic_replace_file(const char *path, const void *buf, size_t len, int mode,
    int durable)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	struct stat st;
	int fd, saved;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		goto fail;
	/* Keep the permissions of the file being replaced. */
	if (stat(path, &st) == 0)
		mode = (int)(st.st_mode & 07777);
	if (fchmod(fd, (mode_t)mode) < 0 || write_all(fd, buf, len) < 0 ||
	    (durable && fsync(fd) < 0))
		goto fail_unlink;
	if (close(fd) < 0) {
		fd = -1;
		goto fail_unlink;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail_unlink;
	free(tmp);
	return durable ? fsync_parent(path) : 0;

fail_unlink:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
fail:
	saved = errno;
	free(tmp);
	errno = saved;
	return -1;
}

/* Read all of fd, then close it: a NUL-terminated copy in *bufp. */
static int
read_fd(int fd, char **bufp, size_t *lenp)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int saved;

	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xreallocarray(buf, cap, 1);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			saved = errno;
			free(buf);
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	*bufp = buf;
	if (lenp != NULL)
		*lenp = len;
	return 0;
}

int
read_file(const char *path, char **bufp, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -1 : read_fd(fd, bufp, lenp);
}

/* Open path with flags and wait for an exclusive flock on it. */
static int
open_locked(const char *path, int flags, mode_t mode)
{
	int fd, saved;

	fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -1;
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
	}
	return fd;
}

int
lock_file(const char *path)
{
	return open_locked(path, O_RDWR, 0600);
}

int
lock_file_append(const char *path)
{
	return open_locked(path, O_WRONLY | O_APPEND, 0640);
}

void
unlock_file(int fd)
{
	if (fd >= 0)
		close(fd);	/* closing releases the flock */
}

void
format_timestamp(char *buf, size_t sz, const struct timespec *ts)
{
	struct tm tm;

	localtime_r(&ts->tv_sec, &tm);
	snprintf(buf, sz, "%04d-%02d-%02d %02d:%02d:%02d.%03ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts->tv_nsec / 1000000);
}

int
kv_get(const char *text, size_t len, const char *key, char *out, size_t sz)
{
	size_t klen = strlen(key), l;
	const char *p = text, *end = text + len, *eol;

	while (p < end) {
		eol = memchr(p, '\n', (size_t)(end - p));
		l = eol ? (size_t)(eol - p) : (size_t)(end - p);
		if (l > klen && strncmp(p, key, klen) == 0 && p[klen] == ' ') {
			l -= klen + 1;
			if (l >= sz)
				return -1;
			memcpy(out, p + klen + 1, l);
			out[l] = '\0';
			return 0;
		}
		p = eol ? eol + 1 : end;
	}
	return -1;
}

/* Time on CLOCK_MONOTONIC: differences, deadlines. */
double
ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	    (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

void
ts_after(struct timespec *t, double seconds)
{
	clock_gettime(CLOCK_MONOTONIC, t);
	t->tv_sec += (time_t)seconds;
	t->tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

int
ts_due(const struct timespec *t)
{
	struct timespec now;

	if (t->tv_sec == 0 && t->tv_nsec == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_diff(&now, t) >= 0;
}

/*
 * Files the servers and the command line make or read in the home (the
 * logs, pid files, state files, the pair key): never through a symbolic
 * link put in their place, never blocked in open() by a FIFO, and only
 * a regular file is kept.
 */
int
open_nofollow(const char *path, int flags, mode_t mode)
{
	struct stat st;
	int fd, saved;

	fd = open(path, flags | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC,
	    mode);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		st.st_mode = 0;
	else if (!S_ISREG(st.st_mode))
		errno = EINVAL;
	if (!S_ISREG(st.st_mode)) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!(flags & O_NONBLOCK) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* read_file through open_nofollow. */
int
read_file_nofollow(const char *path, char **bufp, size_t *lenp)
{
	int fd = open_nofollow(path, O_RDONLY, 0);

	return fd < 0 ? -1 : read_fd(fd, bufp, lenp);
}

int
read_private_file(const char *path, char **bufp, size_t *lenp,
    struct errbuf *err)
{
	struct stat st;
	int fd;

	if ((fd = open_nofollow(path, O_RDONLY, 0)) < 0) {
		errbuf_set(err, "%s: %s", path, errno == ELOOP ?
		    "a symbolic link" : errno == EINVAL ?
		    "not a regular file" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		errbuf_set(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (st.st_uid != geteuid()) {
		errbuf_set(err, "%s is owned by uid %lu, not by you (uid %lu); "
		    "run: chown %lu %s", path, (unsigned long)st.st_uid,
		    (unsigned long)geteuid(), (unsigned long)geteuid(), path);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		errbuf_set(err, "%s can be read or written by others "
		    "(mode %04o); run: chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	/* Opened again: what was checked is what is read, or an error. */
	if (read_file_nofollow(path, bufp, lenp) < 0) {
		errbuf_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
write_private_file(const char *path, const void *buf, size_t len)
{
	int fd, saved;

	if ((fd = open_nofollow(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0)
		return -1;
	if (fchmod(fd, 0600) < 0 || write_all(fd, buf, len) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(path);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0) {
		saved = errno;
		unlink(path);
		errno = saved;
		return -1;
	}
	return fsync_parent(path);
}

/* May others than root and uid change the entries of a directory of st? */
static int
dir_writable_by_others(const struct stat *st)
{
	return (st->st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
	    (st->st_mode & S_ISVTX) == 0;
}

/* One walk from dir up to "/" over the path as given. */
static int
dir_walk(const char *dir, int owner, uid_t uid, char *bad, size_t badsz,
    struct stat *badst)
{
	char *p = xstrdup(dir), *s;
	struct stat st;
	size_t n;
	int rc = DIRCHK_OK, saved;

	/* No trailing slashes but the root's. */
	for (n = strlen(p); n > 1 && p[n - 1] == '/'; n--)
		p[n - 1] = '\0';
	for (;;) {
		if (stat(p, &st) < 0) {
			rc = DIRCHK_ERR;
			break;
		}
		if (!S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = DIRCHK_ERR;
			break;
		}
		if (owner && st.st_uid != 0 && st.st_uid != uid) {
			rc = DIRCHK_OWNER;
			break;
		}
		if (dir_writable_by_others(&st)) {
			rc = DIRCHK_WRITABLE;
			break;
		}
		if (strcmp(p, "/") == 0)
			break;
		if ((s = strrchr(p, '/')) == NULL)
			break;		/* relative: stop at its top */
		if (s == p)
			s[1] = '\0';
		else
			*s = '\0';
	}
	if (rc != DIRCHK_OK) {
		saved = errno;
		snprintf(bad, badsz, "%s", p);
		if (badst != NULL && rc != DIRCHK_ERR)
			*badst = st;
		errno = saved;
	}
	free(p);
	return rc;
}

int
dir_chain_check(const char *dir, int owner, uid_t uid, char *bad,
    size_t badsz, struct stat *badst)
{
	char *real;
	int rc, saved;

	if ((rc = dir_walk(dir, owner, uid, bad, badsz, badst)) != DIRCHK_OK)
		return rc;
	/* And where its symbolic links lead. */
	if ((real = realpath(dir, NULL)) == NULL) {
		snprintf(bad, badsz, "%s", dir);
		return DIRCHK_ERR;
	}
	rc = dir_walk(real, owner, uid, bad, badsz, badst);
	saved = errno;
	free(real);
	errno = saved;
	return rc;
}

char *
prog_beside(const char *env, const char *prog, const char *installed)
{
	const char *v = getenv(env);
	char self[PATH_MAX], *beside;
	ssize_t n;

	if (v != NULL && *v != '\0')
		return xstrdup(v);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return installed != NULL ? xasprintf("%s/%s", installed, prog) :
		    xstrdup(prog);
	self[n] = '\0';
	beside = xasprintf("%s/%s", dirname(self), prog);
	/* The build tree keeps them together; an installed copy has each
	 * in its own directory (make install, the Debian package). */
	if (installed == NULL || access(beside, X_OK) == 0)
		return beside;
	free(beside);
	return xasprintf("%s/%s", installed, prog);
}

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0. */
size_t
utf8_seq_len(const unsigned char *p, size_t left)
{
	size_t n, i;
	unsigned cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and beyond U+10FFFF are not UTF-8. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int
utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0, n;

	while (i < len) {
		if ((n = utf8_seq_len(p + i, len - i)) == 0)
			return 0;
		i += n;
	}
	return 1;
}
