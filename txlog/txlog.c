/*
 * txlog.c — libtxlog: the item store and its transaction queue
 * (txlog.h).
 *
 * The queue's record, big-endian (doc/PROTOCOL.md has the frames; this
 * is what a frame of the transaction logger will carry):
 *
 *   0  "TXR1"                    4  total length, trailer included
 *   8  sequence number          16  op   17 flags   18 file length
 *  19  item length              20  body length
 *  24  file, item, body          n  CRC32C of all the bytes before it
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "checkcmd.h"
#include "codec.h"
#include "crc32c.h"
#include "txlog.h"

#define TXL_MAGIC	"TXR1"
#define TXL_HDR		24
#define TXL_TRAILER	4
#define TXL_QUEUE	"queue"
#define TXL_LOCK	"lock"
#define TXL_APPLIED	"applied"

size_t
txl_rec_size(const struct txl_rec *r)
{
	if (r->op == TXL_NOP)
		return TXL_HDR + TXL_TRAILER;
	return TXL_HDR + strlen(r->file) + strlen(r->item) + r->len +
	    TXL_TRAILER;
}

void
txl_rec_encode(const struct txl_rec *r, uint8_t *out)
{
	size_t fl = r->op == TXL_NOP ? 0 : strlen(r->file);
	size_t il = r->op == TXL_NOP ? 0 : strlen(r->item), n;

	n = txl_rec_size(r);
	memcpy(out, TXL_MAGIC, 4);
	be32_put(out + 4, (uint32_t)n);
	be64_put(out + 8, r->seq);
	out[16] = r->op;
	out[17] = r->flags;
	out[18] = (uint8_t)fl;
	out[19] = (uint8_t)il;
	be32_put(out + 20, r->len);
	memcpy(out + TXL_HDR, r->file, fl);
	memcpy(out + TXL_HDR + fl, r->item, il);
	if (r->len > 0)
		memcpy(out + TXL_HDR + fl + il, r->body, r->len);
	be32_put(out + n - TXL_TRAILER, crc32c(0, out, n - TXL_TRAILER));
}

/* Decode; with copy 0 the body is checked, not copied (a scan). */
static long
txl_decode(const uint8_t *p, size_t len, struct txl_rec *r, int copy)
{
	uint32_t n, blen;
	uint8_t fl, il;

	memset(r, 0, sizeof(*r));
	if (len < 8)
		return 0;
	if (memcmp(p, TXL_MAGIC, 4) != 0)
		return -1;
	n = be32_get(p + 4);
	if (n < TXL_HDR + TXL_TRAILER ||
	    n > TXL_HDR + 256 + TXL_BODY_MAX + TXL_TRAILER)
		return -1;
	if (len < n)
		return 0;
	fl = p[18];
	il = p[19];
	blen = be32_get(p + 20);
	if (p[16] == TXL_NOP ? fl != 0 || il != 0 || blen != 0 :
	    fl == 0 || fl > 128 || il == 0 || il > 128)
		return -1;
	if ((size_t)TXL_HDR + fl + il + blen + TXL_TRAILER != n)
		return -1;
	if (be32_get(p + n - TXL_TRAILER) != crc32c(0, p, n - TXL_TRAILER))
		return -1;
	r->seq = be64_get(p + 8);
	r->op = p[16];
	r->flags = p[17];
	if (r->seq == 0 || (r->op != TXL_PUT && r->op != TXL_DEL &&
	    r->op != TXL_NOP) || (r->op == TXL_DEL && blen != 0) ||
	    (r->flags & ~TXL_F_DL) != 0)
		return -1;
	memcpy(r->file, p + TXL_HDR, fl);
	memcpy(r->item, p + TXL_HDR + fl, il);
	if (r->op != TXL_NOP && (check_name_ok(r->file) < 0 ||
	    check_name_ok(r->item) < 0))
		return -1;
	r->len = blen;
	if (blen > 0 && copy) {
		r->body = xmalloc(blen);
		memcpy(r->body, p + TXL_HDR + fl + il, blen);
	}
	return (long)n;
}

long
txl_rec_decode(const uint8_t *p, size_t len, struct txl_rec *r)
{
	return txl_decode(p, len, r, 1);
}

void
txl_rec_free(struct txl_rec *r)
{
	free(r->body);
	r->body = NULL;
	r->len = 0;
}

/* ------------------------------------------------------------------ */

static int
txl_lock(struct txl *t, struct errbuf *err)
{
	int fd = openat(t->dir_fd, TXL_LOCK, O_RDWR | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0640);

	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		errbuf_set(err, "%s/%s/%s: %s", t->area, TXL_DIR, TXL_LOCK,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void
txl_unlock(int fd)
{
	close(fd);	/* the lock goes with it */
}

uint64_t
txl_number_get(struct txl *t, const char *name)
{
	char buf[64], val[32];
	uint64_t n = 0;
	ssize_t len;
	int fd;

	fd = openat(t->dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	if (kv_get(buf, (size_t)len, name, val, sizeof(val)) == 0)
		(void)parse_u64(val, UINT64_MAX, &n);
	return n;
}

int
txl_number_set(struct txl *t, const char *name, uint64_t seq, int durable,
    struct errbuf *err)
{
	char *path = xasprintf("%s/%s/%s", t->area, TXL_DIR, name);
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%s %llu\n", name,
	    (unsigned long long)seq), rc;

	rc = atomic_replace_file(path, buf, (size_t)n, 0640, durable);
	if (rc < 0)
		errbuf_set(err, "%s: %s", path, strerror(errno));
	free(path);
	return rc;
}

uint64_t
txl_applied(struct txl *t)
{
	return txl_number_get(t, TXL_APPLIED);
}

static int
txl_set_applied(struct txl *t, uint64_t seq, int durable,
    struct errbuf *err)
{
	return txl_number_set(t, TXL_APPLIED, seq, durable, err);
}

/* Write an item: beside it, synced, renamed over it, the rename synced. */
static int
txl_write_item(struct txl *t, const char *file, const char *item,
    const void *body, size_t len, struct errbuf *err)
{
	char tmp[160];
	int dfd, fd;

	dfd = openat(t->area_fd, file, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0) {
		errbuf_set(err, "file '%s': %s", file, errno == ENOENT ?
		    "no such file (create it first)" : strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), ".tmp.%ld.%s", (long)getpid(), item);
	fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0640);
	if (fd < 0)
		goto fail;
	if ((len > 0 && write_all(fd, body, len) < 0) || fsync(fd) < 0) {
		close(fd);
		unlinkat(dfd, tmp, 0);
		goto fail;
	}
	close(fd);
	if (renameat(dfd, tmp, dfd, item) < 0) {
		unlinkat(dfd, tmp, 0);
		goto fail;
	}
	if (fsync(dfd) < 0)
		goto fail;
	close(dfd);
	return 0;
fail:
	errbuf_set(err, "item '%s' of '%s': %s", item, file, strerror(errno));
	close(dfd);
	return -1;
}

static int
txl_remove_item(struct txl *t, const char *file, const char *item,
    struct errbuf *err)
{
	int dfd = openat(t->area_fd, file, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);

	if (dfd < 0) {
		errbuf_set(err, "file '%s': %s", file, strerror(errno));
		return -1;
	}
	if (unlinkat(dfd, item, 0) < 0 && errno != ENOENT) {
		errbuf_set(err, "item '%s' of '%s': %s", item, file,
		    strerror(errno));
		close(dfd);
		return -1;
	}
	(void)fsync(dfd);
	close(dfd);
	return 0;
}

static int
txl_do(struct txl *t, const struct txl_rec *r, struct errbuf *err)
{
	int dl;

	/* A file not there (yet, or any more) is made as the record has
	 * it: a queued update is never lost for want of its directory. */
	if (txl_file_exists(t, r->file, &dl) != 1 &&
	    txl_file_create(t, r->file, (r->flags & TXL_F_DL) != 0, err) < 0)
		return -1;
	if (r->op == TXL_PUT)
		return txl_write_item(t, r->file, r->item, r->body, r->len,
		    err);
	return txl_remove_item(t, r->file, r->item, err);
}

/*
 * Bring t->last up to the queue's end, under the lock: a torn record at
 * the end (a writer that crashed in its append) is cut off.  *end: the
 * queue's size after it.
 */
#define TXL_SCAN	(2 * (TXL_HDR + 256 + TXL_BODY_MAX + TXL_TRAILER))

/* Only zeros in the queue from pos to size: 1, else 0.  buf: cap. */
static int
txl_zeros(int qfd, uint64_t pos, uint64_t size, uint8_t *buf, size_t cap)
{
	size_t want, k;

	while (pos < size) {
		want = size - pos < cap ? (size_t)(size - pos) : cap;
		if (pread(qfd, buf, want, (off_t)pos) != (ssize_t)want)
			return 0;
		for (k = 0; k < want; k++)
			if (buf[k] != 0)
				return 0;
		pos += want;
	}
	return 1;
}

static int
txl_tail(struct txl *t, int qfd, off_t *end, struct errbuf *err)
{
	uint64_t pos, size;
	size_t want, off, cap;
	struct stat st;
	struct txl_rec r;
	uint8_t *buf;
	long n = 1;

	if (fstat(qfd, &st) < 0) {
		errbuf_set(err, "%s queue: %s", t->area, strerror(errno));
		return -1;
	}
	size = (uint64_t)st.st_size;
	/* What others appended since we looked; all of it if it shrank. */
	if (size < t->qend)
		t->qend = t->last = 0;
	/* In pieces of two records at most: a queue may be large. */
	cap = size - t->qend < TXL_SCAN ? (size_t)(size - t->qend) : TXL_SCAN;
	buf = xmalloc(cap > 0 ? cap : 1);
	for (pos = t->qend; pos < size; pos += off) {
		want = size - pos < cap ? (size_t)(size - pos) : cap;
		if (pread(qfd, buf, want, (off_t)pos) != (ssize_t)want) {
			errbuf_set(err, "%s queue: short read", t->area);
			free(buf);
			return -1;
		}
		off = 0;
		while (off < want && (n = txl_decode(buf + off, want - off,
		    &r, 0)) > 0) {
			t->last = r.seq;
			off += (size_t)n;
		}
		if (n < 0 || off == 0)
			break;	/* damaged, or a torn end */
	}
	if (pos < size && n < 0 && txl_zeros(qfd, pos + off, size, buf, cap))
		n = 0;	/* a crash in an append may leave zeros */
	free(buf);
	if (pos < size)
		pos += off;
	if (n < 0) {
		/* Not a torn end: a damaged record, with what follows it. */
		errbuf_set(err, "%s/%s/%s: damaged record at byte %llu; "
		    "nothing was cut, nothing queued", t->area, TXL_DIR,
		    TXL_QUEUE, (unsigned long long)pos);
		return -1;
	}
	t->qend = pos;
	if (pos < size && ftruncate(qfd, (off_t)pos) < 0) {
		errbuf_set(err, "%s queue: cutting a torn record: %s",
		    t->area, strerror(errno));
		return -1;
	}
	*end = (off_t)pos;
	return 0;
}

static int
txl_queue_fd(struct txl *t, int flags, struct errbuf *err)
{
	int fd = openat(t->dir_fd, TXL_QUEUE, flags | O_CLOEXEC | O_NOFOLLOW,
	    0640);

	if (fd < 0)
		errbuf_set(err, "%s/%s/%s: %s", t->area, TXL_DIR, TXL_QUEUE,
		    strerror(errno));
	return fd;
}

/* Under the lock: the queue's records past applied, applied again. */
static int
txl_recover(struct txl *t, struct errbuf *err)
{
	uint64_t applied = txl_applied(t), pos = 0, last = applied;
	struct txl_rec r;
	int rc;

	while ((rc = txl_queue_next(t, applied, &pos, &r, err)) == 1) {
		rc = txl_do(t, &r, err);
		last = r.seq;
		txl_rec_free(&r);
		if (rc < 0)
			return -1;
	}
	if (rc < 0)
		return -1;
	if (last != applied)
		return txl_set_applied(t, last, 1, err);
	return 0;
}

int
txl_open(struct txl *t, const char *area, struct errbuf *err)
{
	off_t end;
	int lk, qfd, rc;

	memset(t, 0, sizeof(*t));
	t->area_fd = t->dir_fd = -1;
	if (area[0] != '/') {
		errbuf_set(err, "data area '%s': not an absolute path", area);
		return -1;
	}
	t->area = xstrdup(area);
	if (mkdir(area, 0750) < 0 && errno != EEXIST)
		goto fail;
	if ((t->area_fd = open(area, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		goto fail;
	if (mkdirat(t->area_fd, TXL_DIR, 0750) < 0 && errno != EEXIST)
		goto fail;
	if ((t->dir_fd = openat(t->area_fd, TXL_DIR, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto fail;
	if ((lk = txl_lock(t, err)) < 0) {
		txl_close(t);
		return -1;
	}
	if ((qfd = txl_queue_fd(t, O_RDWR | O_CREAT, err)) < 0) {
		txl_unlock(lk);
		txl_close(t);
		return -1;
	}
	rc = txl_tail(t, qfd, &end, err);
	close(qfd);
	if (rc == 0)
		rc = txl_recover(t, err);
	txl_unlock(lk);
	if (rc < 0) {
		txl_close(t);
		return -1;
	}
	return 0;
fail:
	errbuf_set(err, "data area %s: %s", area, strerror(errno));
	txl_close(t);
	return -1;
}

int
txl_refresh(struct txl *t, struct errbuf *err)
{
	off_t end;
	int lk, qfd, rc;

	if ((lk = txl_lock(t, err)) < 0)
		return -1;
	if ((qfd = txl_queue_fd(t, O_RDWR | O_CREAT, err)) < 0) {
		txl_unlock(lk);
		return -1;
	}
	rc = txl_tail(t, qfd, &end, err);
	close(qfd);
	txl_unlock(lk);
	return rc;
}

void
txl_close(struct txl *t)
{
	if (t->area_fd >= 0)
		close(t->area_fd);
	if (t->dir_fd >= 0)
		close(t->dir_fd);
	free(t->area);
	memset(t, 0, sizeof(*t));
	t->area_fd = t->dir_fd = -1;
}

int
txl_file_create(struct txl *t, const char *file, int dl, struct errbuf *err)
{
	int dfd, fd;

	if (check_name_ok(file) < 0) {
		errbuf_set(err, "bad file name '%s'", file);
		return -1;
	}
	if (mkdirat(t->area_fd, file, 0750) < 0 && errno != EEXIST) {
		errbuf_set(err, "file '%s': %s", file, strerror(errno));
		return -1;
	}
	dfd = openat(t->area_fd, file, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0) {
		errbuf_set(err, "file '%s': %s", file, strerror(errno));
		return -1;
	}
	if (dl) {
		fd = openat(dfd, TXL_DL_MARK, O_WRONLY | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0640);
		if (fd < 0) {
			errbuf_set(err, "file '%s': DL: %s", file,
			    strerror(errno));
			close(dfd);
			return -1;
		}
		close(fd);
	} else
		(void)unlinkat(dfd, TXL_DL_MARK, 0);
	(void)fsync(dfd);
	close(dfd);
	(void)fsync(t->area_fd);
	return 0;
}

int
txl_file_exists(struct txl *t, const char *file, int *dl)
{
	struct stat st;
	int dfd;

	if (check_name_ok(file) < 0)
		return 0;
	dfd = openat(t->area_fd, file, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ?
		    0 : -1;
	if (dl != NULL)
		*dl = fstatat(dfd, TXL_DL_MARK, &st, AT_SYMLINK_NOFOLLOW) == 0;
	close(dfd);
	return 1;
}

/* Queue r (its seq given here), then apply it: the update itself. */
static int
txl_update(struct txl *t, struct txl_rec *r, uint64_t *seq,
    struct errbuf *err)
{
	uint8_t *buf;
	size_t n;
	off_t end;
	int dl = 0, lk, qfd, rc;

	if (check_name_ok(r->file) < 0 || check_name_ok(r->item) < 0) {
		errbuf_set(err, "bad %s name '%s'", check_name_ok(r->file) <
		    0 ? "file" : "item", check_name_ok(r->file) < 0 ?
		    r->file : r->item);
		return -1;
	}
	if (r->len > TXL_BODY_MAX) {
		errbuf_set(err, "item '%s': %u bytes, more than %d", r->item,
		    r->len, TXL_BODY_MAX);
		return -1;
	}
	/* Validate, then act: the file exists before anything is queued. */
	if (txl_file_exists(t, r->file, &dl) != 1) {
		errbuf_set(err, "file '%s': no such file in %s (create it "
		    "first)", r->file, t->area);
		return -1;
	}
	r->flags = dl ? TXL_F_DL : 0;
	if ((lk = txl_lock(t, err)) < 0)
		return -1;
	if ((qfd = txl_queue_fd(t, O_RDWR | O_CREAT, err)) < 0) {
		txl_unlock(lk);
		return -1;
	}
	if (txl_tail(t, qfd, &end, err) < 0) {
		close(qfd);
		txl_unlock(lk);
		return -1;
	}
	r->seq = t->last + 1;
	n = txl_rec_size(r);
	buf = xmalloc(n);
	txl_rec_encode(r, buf);
	rc = pwrite(qfd, buf, n, end) == (ssize_t)n && fdatasync(qfd) == 0 ?
	    0 : -1;
	free(buf);
	if (rc < 0) {
		errbuf_set(err, "%s queue: %s", t->area, strerror(errno));
		/* Best effort: the record is refused either way. */
		(void)!ftruncate(qfd, end);
		close(qfd);
		txl_unlock(lk);
		return -1;
	}
	close(qfd);
	t->last = r->seq;
	t->qend = (uint64_t)end + n;
	/* Queued: from here the update is kept, whatever happens. */
	rc = txl_do(t, r, err);
	if (rc == 0)
		rc = txl_set_applied(t, r->seq, 0, err);
	txl_unlock(lk);
	if (seq != NULL)
		*seq = r->seq;
	return rc;
}

int
txl_put(struct txl *t, const char *file, const char *item, const void *body,
    size_t len, uint64_t *seq, struct errbuf *err)
{
	struct txl_rec r;

	memset(&r, 0, sizeof(r));
	r.op = TXL_PUT;
	if (strlen(file) > 128 || strlen(item) > 128 || len > TXL_BODY_MAX) {
		errbuf_set(err, "name or body too long");
		return -1;
	}
	strlcpy(r.file, file, sizeof(r.file));
	strlcpy(r.item, item, sizeof(r.item));
	r.body = (uint8_t *)(uintptr_t)body;
	r.len = (uint32_t)len;
	return txl_update(t, &r, seq, err);
}

int
txl_del(struct txl *t, const char *file, const char *item, uint64_t *seq,
    struct errbuf *err)
{
	struct txl_rec r;

	memset(&r, 0, sizeof(r));
	r.op = TXL_DEL;
	if (strlen(file) > 128 || strlen(item) > 128) {
		errbuf_set(err, "name too long");
		return -1;
	}
	strlcpy(r.file, file, sizeof(r.file));
	strlcpy(r.item, item, sizeof(r.item));
	return txl_update(t, &r, seq, err);
}

int
txl_get(struct txl *t, const char *file, const char *item, uint8_t **body,
    size_t *len, struct errbuf *err)
{
	struct stat st;
	ssize_t n;
	int dfd, fd;

	*body = NULL;
	*len = 0;
	if (check_name_ok(file) < 0 || check_name_ok(item) < 0) {
		errbuf_set(err, "bad file or item name");
		return -1;
	}
	dfd = openat(t->area_fd, file, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (dfd < 0)
		return 0;
	fd = openat(dfd, item, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	close(dfd);
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > TXL_BODY_MAX) {
		close(fd);
		errbuf_set(err, "item '%s' of '%s': not an item", item, file);
		return -1;
	}
	*body = xmalloc((size_t)st.st_size + 1);
	n = read(fd, *body, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		errbuf_set(err, "item '%s' of '%s': %s", item, file,
		    strerror(errno));
		free(*body);
		*body = NULL;
		return -1;
	}
	(*body)[n] = '\0';
	*len = (size_t)n;
	return 1;
}

int
txl_apply(struct txl *t, const struct txl_rec *r, struct errbuf *err)
{
	uint64_t applied;
	int lk, rc;

	if ((lk = txl_lock(t, err)) < 0)
		return -1;
	applied = txl_applied(t);
	if (r->seq <= applied) {
		txl_unlock(lk);
		return 1;
	}
	if (r->seq != applied + 1) {
		txl_unlock(lk);
		return 2;
	}
	/* A file the backup does not have yet is made, as it was sent. */
	rc = r->op == TXL_NOP ? 0 : txl_do(t, r, err);
	if (rc == 0)
		rc = txl_set_applied(t, r->seq, 1, err);
	txl_unlock(lk);
	return rc;
}

int
txl_queue_next(struct txl *t, uint64_t after, uint64_t *pos,
    struct txl_rec *r, struct errbuf *err)
{
	uint8_t hdr[8], *buf;
	uint32_t n;
	ssize_t got;
	int qfd;
	long used;

	if ((qfd = txl_queue_fd(t, O_RDONLY, err)) < 0)
		return errno == ENOENT ? 0 : -1;
	for (;;) {
		got = pread(qfd, hdr, sizeof(hdr), (off_t)*pos);
		if (got < (ssize_t)sizeof(hdr)) {
			close(qfd);
			return 0;	/* the end, or a record being written */
		}
		if (memcmp(hdr, TXL_MAGIC, 4) != 0) {
			errbuf_set(err, "%s queue: no record at byte %llu",
			    t->area, (unsigned long long)*pos);
			close(qfd);
			return -1;
		}
		n = be32_get(hdr + 4);
		if (n > TXL_HDR + 256 + TXL_BODY_MAX + TXL_TRAILER) {
			errbuf_set(err, "%s queue: bad record at byte %llu",
			    t->area, (unsigned long long)*pos);
			close(qfd);
			return -1;
		}
		buf = xmalloc(n);
		got = pread(qfd, buf, n, (off_t)*pos);
		if (got < (ssize_t)n) {
			free(buf);
			close(qfd);
			return 0;
		}
		used = txl_rec_decode(buf, n, r);
		free(buf);
		if (used <= 0) {
			errbuf_set(err, "%s queue: bad record at byte %llu",
			    t->area, (unsigned long long)*pos);
			close(qfd);
			return -1;
		}
		*pos += (uint64_t)used;
		if (r->seq > after) {
			close(qfd);
			return 1;
		}
		txl_rec_free(r);
	}
}
