/*
 * pipes.c — inspect and drain the servers' pipes.
 *
 * Opening a FIFO is not harmless: a writer blocked in open() is
 * released by a reader's open, and gets EPIPE once that reader closes.
 * So pipe_inspect only opens a FIFO to count the bytes waiting when
 * some process already holds it open (found through /proc).
 */
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "pipes.h"
#include "progress.h"

#define DRAIN_HEADER_FMT "#tapesock-drain date=%s pipe=%s bytes=%020llu\n"

/*
 * Processes with an fd on (dev, ino); -1 if /proc cannot be read.
 * With blind, *blind counts the processes whose descriptors we may not
 * see (another user's, unless we are root).
 */
static int
count_openers(dev_t dev, ino_t ino, int *blind)
{
	char fdpath[300], link[600];
	struct dirent *p, *f;
	struct stat st;
	DIR *proc, *fds;
	int count = 0, hit;

	if (blind != NULL)
		*blind = 0;
	if ((proc = opendir("/proc")) == NULL)
		return -1;
	while ((p = readdir(proc)) != NULL) {
		if (p->d_name[0] < '0' || p->d_name[0] > '9')
			continue;
		snprintf(fdpath, sizeof(fdpath), "/proc/%s/fd", p->d_name);
		if ((fds = opendir(fdpath)) == NULL) {
			if (blind != NULL && errno != ENOENT)
				(*blind)++;
			continue;
		}
		hit = 0;
		while (!hit && (f = readdir(fds)) != NULL) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "%s/%s", fdpath, f->d_name);
			if (stat(link, &st) == 0 && st.st_dev == dev &&
			    st.st_ino == ino)
				hit = 1;
		}
		closedir(fds);
		count += hit;
	}
	closedir(proc);
	return count;
}

int
pipe_inspect(const char *path, struct pipeinfo *pi)
{
	struct stat st;
	int fd, n;

	memset(pi, 0, sizeof(*pi));
	pi->waiting = -1;
	pi->openers = -1;
	if (lstat(path, &st) < 0)
		return -1;
	pi->exists = 1;
	pi->uid = st.st_uid;
	pi->gid = st.st_gid;
	strmode(st.st_mode, pi->perms);
	pi->perms[10] = '\0';
	if (S_ISFIFO(st.st_mode))
		strlcpy(pi->kind, "fifo", sizeof(pi->kind));
	else if (S_ISCHR(st.st_mode))
		strlcpy(pi->kind, "chardev", sizeof(pi->kind));
	else if (S_ISREG(st.st_mode))
		strlcpy(pi->kind, "file", sizeof(pi->kind));
	else if (S_ISDIR(st.st_mode))
		strlcpy(pi->kind, "directory", sizeof(pi->kind));
	else if (S_ISLNK(st.st_mode))
		strlcpy(pi->kind, "symlink", sizeof(pi->kind));
	else
		strlcpy(pi->kind, "other", sizeof(pi->kind));
	if (!S_ISFIFO(st.st_mode))
		return 0;
	pi->openers = count_openers(st.st_dev, st.st_ino, NULL);
	if (pi->openers == 0) {
		pi->waiting = 0;	/* a FIFO nobody holds is empty */
		return 0;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		struct stat now;

		/* The FIFO looked at, not one put in its place since. */
		if (fstat(fd, &now) == 0 && now.st_dev == st.st_dev &&
		    now.st_ino == st.st_ino && ioctl(fd, FIONREAD, &n) == 0)
			pi->waiting = n;
		close(fd);
	}
	return 0;
}

int
pipe_unheld(const char *pipe)
{
	struct stat st;
	int blind;

	/* A process we cannot look into may hold it: not known unheld. */
	return lstat(pipe, &st) == 0 && S_ISFIFO(st.st_mode) &&
	    count_openers(st.st_dev, st.st_ino, &blind) == 0 && blind == 0;
}

static int	drain_fd(int, const char *, const char *, uint64_t *,
		    struct errbuf *, struct progress *);

int
pipe_drain(const char *pipe, const char *backup, uint64_t *bytes,
    struct errbuf *err)
{
	return pipe_drain_progress(pipe, backup, bytes, err, NULL);
}

int
pipe_drain_progress(const char *pipe, const char *backup, uint64_t *bytes,
    struct errbuf *err, struct progress *pg)
{
	int in, rc;

	*bytes = 0;
	/*
	 * A FIFO nobody holds is empty, and opening it would let go a
	 * writer blocked in its open(), whose first write after our close
	 * would get EPIPE: it is not opened, and nothing is drained.
	 */
	if (pipe_dir_check(pipe, err) < 0)
		return -1;
	if (pipe_unheld(pipe))
		return drain_fd(-1, pipe, backup, bytes, err, pg);
	if ((in = pipe_open(pipe, O_RDONLY | O_NONBLOCK, NULL, err)) < 0) {
		if (in == -1)
			errbuf_set(err, "%s", strerror(errno));
		return -1;
	}
	rc = drain_fd(in, pipe, backup, bytes, err, pg);
	close(in);
	return rc;
}

int
pipe_drain_fd(int in, const char *pipe, const char *backup,
    uint64_t *bytes, struct errbuf *err)
{
	return drain_fd(in, pipe, backup, bytes, err, NULL);
}

static int
drain_fd(int in, const char *pipe, const char *backup,
    uint64_t *bytes, struct errbuf *err, struct progress *pg)
{
	char buf[65536], stamp[32], *header;
	struct timespec now;
	struct stat st;
	off_t start;
	ssize_t n;
	size_t want;
	int out = -1, fix, rc = -1, waiting = 0;

	*bytes = 0;
	/* A device may never end: only a FIFO can be emptied. */
	if (in >= 0 && (fstat(in, &st) < 0 || !S_ISFIFO(st.st_mode))) {
		errbuf_set(err, "not a FIFO");
		return -1;
	}
	/*
	 * What waits now is what is drained: a writer that goes on
	 * writing meanwhile is not drained for ever, and its bytes after
	 * this instant stay in the pipe for whoever reads it next.
	 */
	if (in >= 0 && ioctl(in, FIONREAD, &waiting) < 0) {
		errbuf_set(err, "%s: %s", pipe, strerror(errno));
		return -1;
	}
	if (pg != NULL)
		pg->total = (uint64_t)waiting;
	if ((out = lock_file_append(backup)) < 0) {
		errbuf_set(err, "%s: %s", backup, strerror(errno));
		return -1;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	format_timestamp(stamp, sizeof(stamp), &now);
	/* The byte count is fixed-width and filled in once known. */
	start = lseek(out, 0, SEEK_END);
	header = xasprintf(DRAIN_HEADER_FMT, stamp, pipe, 0ULL);
	if (start < 0 || write_all(out, header, strlen(header)) < 0) {
		free(header);
		goto io_err;
	}
	while (*bytes < (uint64_t)waiting) {
		want = (uint64_t)waiting - *bytes < sizeof(buf) ?
		    (size_t)((uint64_t)waiting - *bytes) : sizeof(buf);
		n = read(in, buf, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			free(header);
			errbuf_set(err, "%s: %s", pipe, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if (write_all(out, buf, (size_t)n) < 0) {
			free(header);
			goto io_err;
		}
		*bytes += (uint64_t)n;
		if (pg != NULL)
			progress_update(pg, *bytes);
	}
	free(header);
	header = xasprintf(DRAIN_HEADER_FMT, stamp, pipe,
	    (unsigned long long)*bytes);
	/* pwrite ignores the offset on an O_APPEND descriptor. */
	fix = open_nofollow(backup, O_WRONLY, 0);
	if (fix < 0 || pwrite(fix, header, strlen(header), start) < 0 ||
	    write_all(out, "\n", 1) < 0 || fsync(out) < 0) {
		free(header);
		if (fix >= 0)
			close(fix);
		goto io_err;
	}
	close(fix);
	free(header);
	rc = 0;
	goto done;
io_err:
	errbuf_set(err, "%s: %s", backup, strerror(errno));
done:
	unlock_file(out);
	return rc;
}

int
pipe_dir_check(const char *path, struct errbuf *err)
{
	char bad[PATH_MAX], *dir = xstrdup(path);
	int rc;

	rc = dir_chain_check(dirname(dir), 0, 0, bad, sizeof(bad), NULL);
	free(dir);
	if (rc == DIRCHK_WRITABLE)
		errbuf_set(err, "directory %s can be written by group or "
		    "others and is not sticky (chmod go-w %s, or chmod +t %s)",
		    bad, bad, bad);
	else if (rc == DIRCHK_ERR)
		errbuf_set(err, "directory %s: %s", bad, strerror(errno));
	return rc == DIRCHK_OK ? 0 : -1;
}

int
pipe_open(const char *path, int flags, struct pipe_id *id, struct errbuf *err)
{
	struct stat st;
	int fd, saved;

	if (pipe_dir_check(path, err) < 0)
		return -2;
	fd = open(path, flags | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		saved = errno;
		if (saved == ELOOP && lstat(path, &st) == 0 &&
		    S_ISLNK(st.st_mode)) {
			errbuf_set(err, "a symbolic link (name the FIFO itself)");
			return -2;
		}
		errno = saved;
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
		errbuf_set(err, "not a FIFO or a character device");
		close(fd);
		return -2;
	}
	if (id == NULL)
		return fd;
	if (id->set && (st.st_dev != id->dev || st.st_ino != id->ino ||
	    (st.st_mode & S_IFMT) != id->type)) {
		errbuf_set(err, "not the %s the server opened first (device "
		    "%lu inode %lu, now %lu %lu): it was replaced",
		    id->type == S_IFIFO ? "FIFO" : "device",
		    (unsigned long)id->dev, (unsigned long)id->ino,
		    (unsigned long)st.st_dev, (unsigned long)st.st_ino);
		close(fd);
		return -2;
	}
	id->set = 1;
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	id->type = st.st_mode & S_IFMT;
	return fd;
}
