/*
 * spool.c — the output server's durable spool (see spool.h).
 *
 * Segment file <first>.seg, first the number of its first message in
 * twenty decimal digits so that names sort in order:
 *
 *	 0  "TSSPOOL1"
 *	 8  u32 version (1), u32 0
 *	16  u64 first message number
 *	24  stream identity (16 bytes)
 *	40  boot identity of the machine that created it (16 bytes)
 *	56  u32 0, u32 CRC32C of bytes 0-59
 *
 * then records, each:
 *
 *	 0  u32 magic, u8 type (FT_DATA or FT_EOF), 3 bytes 0
 *	 8  u64 message number
 *	16  u32 payload length, u32 CRC32C of the payload
 *	24  u32 0, u32 CRC32C of bytes 0-27
 *	32  payload
 *
 * Integers are big-endian, as everywhere in tapesock (codec.h), from
 * version 2 on.  Version 1 segments, little-endian, are still read (and
 * a record cut short in one completed) in their own byte order; every
 * segment this version creates is version 2, and a server always
 * appends to a segment of its own.  A record's header is written after
 * its payload: a header that checks out means a complete record.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "crc32c.h"
#include "spool.h"
#include "spool_sync.h"

#define SEG_MAGIC	"TSSPOOL1"

#define SEG_VERSION	2

/* The byte order of a segment's integers, by its version. */
struct seg_fmt {
	uint32_t	(*get32)(const uint8_t *);
	uint64_t	(*get64)(const uint8_t *);
	void		(*put32)(uint8_t *, uint32_t);
	void		(*put64)(uint8_t *, uint64_t);
};

static const struct seg_fmt fmt_v1 = { le32_get, le64_get, le32_put,
    le64_put };
static const struct seg_fmt fmt_v2 = { be32_get, be64_get, be32_put,
    be64_put };

static const struct seg_fmt *
seg_fmt(int version)
{
	return version == 1 ? &fmt_v1 : &fmt_v2;
}
#define REC_MAGIC	0x31525354u	/* "TSR1" */
#define SEG_NAME_LEN	24		/* 20 digits + ".seg" */
/*
 * Segments are small, so that a trim frees pages soon after they were
 * written: while the link keeps up, the spool holds a few segments
 * (svr_out.c's OUT_AHEAD), and the pages the next block goes into are
 * those the last trim gave back, still warm (doc/PERFORMANCE.md,
 * "Spool segments").
 */
#define SEG_MAX		(4ull * 1024 * 1024)

void
spool_boot_id(uint8_t out[16])
{
	char text[64], *p;
	size_t i = 0;
	int fd, hi = -1, v;
	ssize_t n;

	memset(out, 0, 16);
	if ((fd = open("/proc/sys/kernel/random/boot_id",
	    O_RDONLY | O_CLOEXEC)) < 0)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	for (p = text; *p != '\0' && i < 16; p++) {
		if (*p >= '0' && *p <= '9')
			v = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			v = *p - 'a' + 10;
		else
			continue;
		if (hi < 0)
			hi = v;
		else {
			out[i++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
}

static void
seg_name(char *buf, size_t sz, uint64_t first)
{
	snprintf(buf, sz, "%020llu.seg", (unsigned long long)first);
}

static void
rec_header(const struct seg_fmt *f, uint8_t *h, uint8_t type, uint64_t n,
    const uint8_t *data, uint32_t len)
{
	memset(h, 0, SPOOL_REC_HDR);
	f->put32(h, REC_MAGIC);
	h[4] = type;
	f->put64(h + 8, n);
	f->put32(h + 16, len);
	f->put32(h + 20, len > 0 ? crc32c(0, data, len) : 0);
	f->put32(h + 28, crc32c(0, h, 28));
}

/* A record header that checks out: 0, else -1. */
static int
rec_parse(const struct seg_fmt *f, const uint8_t *h, struct spool_rec *r)
{
	if (f->get32(h) != REC_MAGIC || f->get32(h + 28) != crc32c(0, h, 28) ||
	    (h[4] != FT_DATA && h[4] != FT_EOF) ||
	    f->get32(h + 16) > SPOOL_REC_MAX ||
	    (h[4] == FT_EOF && f->get32(h + 16) != 0))
		return -1;
	r->type = h[4];
	r->n = f->get64(h + 8);
	r->len = f->get32(h + 16);
	return 0;
}

/* The payload CRC a record header holds. */
static uint32_t
rec_crc(const struct seg_fmt *f, const uint8_t *h)
{
	return f->get32(h + 20);
}

static int
pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		n = pread(fd, (uint8_t *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int
pwrite_all(int fd, const void *buf, size_t len, uint64_t off)
{
	ssize_t n;
	size_t done = 0;

	while (done < len) {
		n = pwrite(fd, (const uint8_t *)buf + done, len - done,
		    (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static void
seg_fail(struct errbuf *err, const struct spool *sp, uint64_t first,
    const char *what)
{
	errbuf_set(err, "spool %s/%020llu.seg: %s: %s", sp->dir,
	    (unsigned long long)first, what, strerror(errno));
}

/* Create the segment whose first message is first, and make it open. */
static int
seg_create(struct spool *sp, uint64_t first, struct errbuf *err)
{
	uint8_t h[SPOOL_SEG_HDR];
	char name[SEG_NAME_LEN + 1];
	int fd;

	seg_name(name, sizeof(name), first);
	memset(h, 0, sizeof(h));
	memcpy(h, SEG_MAGIC, 8);
	be32_put(h + 8, SEG_VERSION);
	be64_put(h + 16, first);
	memcpy(h + 24, sp->stream, HELLO_STREAM_LEN);
	memcpy(h + 40, sp->boot, 16);
	be32_put(h + 60, crc32c(0, h, 60));
	fd = openat(sp->dirfd, name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600);
	if (fd < 0 || pwrite_all(fd, h, sizeof(h), 0) < 0 ||
	    (sp->sync && (fdatasync(fd) < 0 || fsync(sp->dirfd) < 0))) {
		seg_fail(err, sp, first, "cannot create");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (sp->wfd >= 0) {
		spool_syncer_idle(sp);
		if (sp->sync && fdatasync(sp->wfd) < 0) {
			seg_fail(err, sp, sp->segs[sp->nsegs - 1].first,
			    "cannot sync");
			close(fd);
			return -1;
		}
		/* Every record so far is in the segments before this. */
		if (sp->sync)
			sp->synced = sp->next;
		close(sp->wfd);
	}
	sp->segs = xreallocarray(sp->segs, sp->nsegs + 1, sizeof(*sp->segs));
	sp->segs[sp->nsegs].first = first;
	sp->segs[sp->nsegs].size = SPOOL_SEG_HDR;
	sp->segs[sp->nsegs].version = SEG_VERSION;
	sp->nsegs++;
	sp->bytes += SPOOL_SEG_HDR;
	sp->wfd = fd;
	sp->rotate = 0;
	sp->hot_n = 0;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The first numbers of the segments in the directory, sorted. */
static int
seg_list(int dirfd, uint64_t **firsts, size_t *n)
{
	DIR *d;
	struct dirent *de;
	uint64_t v;
	char digits[21];
	int fd = dup(dirfd);

	*firsts = NULL;
	*n = 0;
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != SEG_NAME_LEN ||
		    strcmp(de->d_name + 20, ".seg") != 0)
			continue;
		memcpy(digits, de->d_name, 20);
		digits[20] = '\0';
		if (strspn(digits, "0123456789") != 20 ||
		    parse_u64(digits, FRAME_MSGNUM_MAX, &v) < 0 || v == 0)
			continue;
		*firsts = xreallocarray(*firsts, *n + 1, sizeof(**firsts));
		(*firsts)[(*n)++] = v;
	}
	closedir(d);
	if (*n > 1)
		qsort(*firsts, *n, sizeof(**firsts), cmp_u64);
	return 0;
}

/*
 * Scan the records of an open segment from its header on.  *next is
 * the number the first record must have; on return the number after
 * the last good record, *end the offset after it.  1 when the segment
 * ends cleanly at *end, 0 when something that is not a good record
 * follows.
 */
static int
seg_scan(const struct seg_fmt *f, int fd, uint64_t size, uint64_t *next,
    uint64_t *end, uint8_t *buf)
{
	uint8_t h[SPOOL_REC_HDR];
	struct spool_rec r;
	uint64_t p = SPOOL_SEG_HDR;

	for (;;) {
		*end = p;
		if (p == size)
			return 1;
		if (size - p < SPOOL_REC_HDR ||
		    pread_all(fd, h, sizeof(h), p) < 0 ||
		    rec_parse(f, h, &r) < 0 ||
		    r.n != *next || size - p - SPOOL_REC_HDR < r.len)
			return 0;
		if (r.len > 0 && (pread_all(fd, buf, r.len, p + SPOOL_REC_HDR)
		    < 0 || crc32c(0, buf, r.len) != rec_crc(f, h)))
			return 0;
		p += SPOOL_REC_HDR + r.len;
		(*next)++;
	}
}

/*
 * Something other than a good record follows end in the last segment.
 * If the machine did not restart since it was written, and the header
 * place is still empty, it is the payload of a block the process took
 * from its pipe and died before it recorded: complete the record.
 * 1 done, 0 not a recoverable tail.
 */
static int
seg_recover(struct spool *sp, const struct seg_fmt *f, int fd, uint64_t size,
    uint64_t end, const uint8_t *segboot, uint64_t n, uint8_t *buf,
    struct spool_report *rep)
{
	uint8_t h[SPOOL_REC_HDR];
	static const uint8_t zero[SPOOL_REC_HDR];
	uint64_t len;

	if (memcmp(segboot, sp->boot, 16) != 0 || size - end <= SPOOL_REC_HDR)
		return 0;
	len = size - end - SPOOL_REC_HDR;
	if (len > SPOOL_REC_MAX || pread_all(fd, h, sizeof(h), end) < 0 ||
	    memcmp(h, zero, sizeof(zero)) != 0 ||
	    pread_all(fd, buf, (size_t)len, end + SPOOL_REC_HDR) < 0)
		return 0;
	rec_header(f, h, FT_DATA, n, buf, (uint32_t)len);
	if (pwrite_all(fd, h, sizeof(h), end) < 0)
		return 0;
	rep->recovered_msg = n;
	rep->recovered_len = len;
	return 1;
}

/* The version of a segment header's format (1 or 2), or 0. */
static int
seg_version(const uint8_t *h)
{
	if (memcmp(h, SEG_MAGIC, 8) != 0)
		return 0;
	if (be32_get(h + 8) == 2)
		return 2;
	if (le32_get(h + 8) == 1)
		return 1;
	return 0;
}

/* Read and check a segment header: its version, or -1. */
static int
seg_header(int fd, uint64_t first, const uint8_t *stream, uint8_t *boot,
    int *other_stream)
{
	uint8_t h[SPOOL_SEG_HDR];
	const struct seg_fmt *f;
	int version;

	*other_stream = 0;
	if (pread_all(fd, h, sizeof(h), 0) < 0 ||
	    (version = seg_version(h)) == 0)
		return -1;
	f = seg_fmt(version);
	if (f->get32(h + 60) != crc32c(0, h, 60) || f->get64(h + 16) != first)
		return -1;
	if (memcmp(h + 24, stream, HELLO_STREAM_LEN) != 0) {
		*other_stream = 1;
		return -1;
	}
	memcpy(boot, h + 40, 16);
	return version;
}

/*
 * Cut the spool at offset end of segment i (all of segment i when fd is
 * -1): what follows is lost, and said so in rep.
 */
static int
spool_cut(struct spool *sp, size_t i, int fd, uint64_t end, uint64_t n,
    struct spool_report *rep, struct errbuf *err)
{
	char name[SEG_NAME_LEN + 1];
	size_t j, keep = i + 1;

	if (rep->lost_msg == 0)
		rep->lost_msg = n;
	if (fd < 0) {
		keep = i;
		end = 0;
	} else if (ftruncate(fd, (off_t)end) < 0) {
		seg_fail(err, sp, sp->segs[i].first, "cannot truncate");
		return -1;
	}
	rep->lost_bytes += sp->segs[i].size - end;
	sp->segs[i].size = end;
	for (j = keep; j < sp->nsegs; j++) {
		if (j > i)
			rep->lost_bytes += sp->segs[j].size;
		seg_name(name, sizeof(name), sp->segs[j].first);
		if (unlinkat(sp->dirfd, name, 0) < 0) {
			seg_fail(err, sp, sp->segs[j].first, "cannot remove");
			return -1;
		}
	}
	sp->nsegs = keep;
	return 0;
}

int
spool_open(struct spool *sp, const char *dir, const uint8_t *stream,
    uint64_t next_hint, uint64_t max, int sync, struct spool_report *rep,
    struct errbuf *err)
{
	uint64_t *firsts = NULL, next = 0, end, size;
	uint8_t segboot[16];
	char name[SEG_NAME_LEN + 1];
	struct stat st;
	size_t i, n = 0;
	const struct seg_fmt *f;
	int fd = -1, other, clean;

	memset(sp, 0, sizeof(*sp));
	memset(rep, 0, sizeof(*rep));
	sp->wfd = sp->rfd = sp->dirfd = -1;
	sp->dir = xstrdup(dir);
	memcpy(sp->stream, stream, HELLO_STREAM_LEN);
	spool_boot_id(sp->boot);
	sp->sync = sync;
	sp->max = max;
	sp->segmax = max / 4 < SEG_MAX ? max / 4 : SEG_MAX;
	sp->use_splice = 1;
	sp->buf = xmalloc(SPOOL_REC_MAX);
	if (sync && spool_syncer_open(sp, err) < 0)
		goto fail;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		errbuf_set(err, "spool %s: cannot create: %s", dir,
		    strerror(errno));
		goto fail;
	}
	if ((sp->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 ||
	    seg_list(sp->dirfd, &firsts, &n) < 0) {
		errbuf_set(err, "spool %s: cannot read: %s", dir,
		    strerror(errno));
		goto fail;
	}
	sp->segs = xcalloc(n + 1, sizeof(*sp->segs));
	for (i = 0; i < n; i++) {
		sp->segs[i].first = firsts[i];
		seg_name(name, sizeof(name), firsts[i]);
		if (fstatat(sp->dirfd, name, &st, 0) < 0) {
			seg_fail(err, sp, firsts[i], "cannot read");
			goto fail;
		}
		sp->segs[i].size = (uint64_t)st.st_size;
	}
	sp->nsegs = n;
	/* Walk the records; the first bad place ends the spool. */
	for (i = 0; i < sp->nsegs; i++) {
		seg_name(name, sizeof(name), sp->segs[i].first);
		if ((fd = openat(sp->dirfd, name, O_RDWR | O_CLOEXEC)) < 0) {
			seg_fail(err, sp, sp->segs[i].first, "cannot open");
			goto fail;
		}
		if (i == 0)
			next = sp->segs[0].first;
		size = sp->segs[i].size;
		if (sp->segs[i].first != next || (sp->segs[i].version =
		    seg_header(fd, next, stream, segboot, &other)) < 0) {
			if (other) {
				errno = EINVAL;
				seg_fail(err, sp, sp->segs[i].first,
				    "belongs to another stream (reset the "
				    "server to discard it)");
				goto fail;
			}
			/* A segment the machine's crash left unwritten. */
			rep->other_boot = 1;
			close(fd);
			fd = -1;
			if (spool_cut(sp, i, -1, 0, next, rep, err) < 0)
				goto fail;
			break;
		}
		if (memcmp(segboot, sp->boot, 16) != 0)
			rep->other_boot = 1;
		f = seg_fmt(sp->segs[i].version);
		clean = seg_scan(f, fd, size, &next, &end, sp->buf);
		if (!clean) {
			if (i == sp->nsegs - 1 && seg_recover(sp, f, fd, size,
			    end, segboot, next, sp->buf, rep)) {
				next++;
			} else if (spool_cut(sp, i, fd, end, next, rep,
			    err) < 0)
				goto fail;
		}
		close(fd);
		fd = -1;
	}
	for (i = 0; i < sp->nsegs; i++)
		sp->bytes += sp->segs[i].size;
	/* An empty spool starts where the stream is known to be. */
	if (sp->nsegs == 0 || (next == sp->segs[0].first &&
	    next_hint > next)) {
		while (sp->nsegs > 0) {
			seg_name(name, sizeof(name),
			    sp->segs[--sp->nsegs].first);
			unlinkat(sp->dirfd, name, 0);
		}
		sp->bytes = 0;
		if (next_hint > next)
			next = next_hint;
	}
	if (next == 0)
		next = 1;
	sp->next = next;
	/* Each life of the server writes a segment of its own. */
	if (sp->nsegs > 0 && sp->segs[sp->nsegs - 1].first == next &&
	    sp->segs[sp->nsegs - 1].size == SPOOL_SEG_HDR) {
		seg_name(name, sizeof(name), next);
		unlinkat(sp->dirfd, name, 0);
		sp->nsegs--;
		sp->bytes -= SPOOL_SEG_HDR;
	}
	if (seg_create(sp, next, err) < 0)
		goto fail;
	sp->first = sp->segs[0].first;
	sp->synced = next;
	free(firsts);
	if (spool_seek(sp, sp->first, err) < 0) {
		spool_close(sp);
		return -1;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	free(firsts);
	spool_close(sp);
	return -1;
}

void
spool_close(struct spool *sp)
{
	spool_syncer_close(sp);
	if (sp->wfd >= 0)
		close(sp->wfd);
	if (sp->rfd >= 0)
		close(sp->rfd);
	if (sp->dirfd >= 0)
		close(sp->dirfd);
	free(sp->segs);
	free(sp->dir);
	free(sp->buf);
	memset(sp, 0, sizeof(*sp));
	sp->wfd = sp->rfd = sp->dirfd = -1;
}

int
spool_has_room(const struct spool *sp)
{
	return sp->bytes < sp->max;
}

/* A new record goes at the end of a segment that has room. */
static int
spool_room(struct spool *sp, struct errbuf *err)
{
	if (sp->rotate || sp->segs[sp->nsegs - 1].size >= sp->segmax)
		return seg_create(sp, sp->next, err);
	return 0;
}

ssize_t
spool_take(struct spool *sp, int pipe_fd, size_t want, struct errbuf *err)
{
	struct spool_seg *seg;
	uint8_t h[SPOOL_REC_HDR], *buf = sp->buf;
	loff_t off;
	ssize_t n;
	int saved;

	if (want > SPOOL_REC_MAX)
		want = SPOOL_REC_MAX;
	if (spool_room(sp, err) < 0) {
		errno = EIO;
		return -1;
	}
	seg = &sp->segs[sp->nsegs - 1];
	off = (loff_t)(seg->size + SPOOL_REC_HDR);
	if (sp->use_splice) {
		/* Out of the pipe and into the file in one system call. */
		n = splice(pipe_fd, NULL, sp->wfd, &off, want,
		    SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0)
			sp->hot_n = 0;	/* buf is to hold another payload */
		if (n < 0 && errno == EINVAL) {
			/* The spool's file system cannot: read, then write. */
			sp->use_splice = 0;
		} else if (n > 0 && pread_all(sp->wfd, buf, (size_t)n,
		    seg->size + SPOOL_REC_HDR) < 0) {
			saved = errno;
			seg_fail(err, sp, seg->first, "cannot read back");
			errno = saved ? saved : EIO;
			return -1;
		}
	}
	if (!sp->use_splice) {
		n = read(pipe_fd, buf, want);
		if (n > 0)
			sp->hot_n = 0;
		if (n > 0 && pwrite_all(sp->wfd, buf, (size_t)n,
		    seg->size + SPOOL_REC_HDR) < 0)
			n = -1;
	}
	if (n <= 0) {
		saved = errno;
		if (n < 0 && saved != EAGAIN && saved != EINTR)
			seg_fail(err, sp, seg->first, "cannot take a block");
		errno = saved;
		return n;
	}
	rec_header(&fmt_v2, h, FT_DATA, sp->next, buf, (uint32_t)n);
	if (pwrite_all(sp->wfd, h, sizeof(h), seg->size) < 0) {
		saved = errno;
		seg_fail(err, sp, seg->first, "cannot write");
		errno = saved;
		return -1;
	}
	sp->hot_n = sp->next;
	sp->hot_off = seg->size;
	sp->hot_len = (uint32_t)n;
	sp->hot_type = FT_DATA;
	sp->hot_crc = rec_crc(&fmt_v2, h);
	seg->size += SPOOL_REC_HDR + (uint64_t)n;
	sp->bytes += SPOOL_REC_HDR + (uint64_t)n;
	sp->next++;
	return n;
}

int
spool_mark(struct spool *sp, struct errbuf *err)
{
	struct spool_seg *seg;
	uint8_t h[SPOOL_REC_HDR];

	if (spool_room(sp, err) < 0)
		return -1;
	seg = &sp->segs[sp->nsegs - 1];
	rec_header(&fmt_v2, h, FT_EOF, sp->next, NULL, 0);
	if (pwrite_all(sp->wfd, h, sizeof(h), seg->size) < 0) {
		seg_fail(err, sp, seg->first, "cannot write");
		return -1;
	}
	sp->hot_n = sp->next;
	sp->hot_off = seg->size;
	sp->hot_len = 0;
	sp->hot_type = FT_EOF;
	sp->hot_crc = 0;
	seg->size += SPOOL_REC_HDR;
	sp->bytes += SPOOL_REC_HDR;
	sp->next++;
	return 0;
}

int
spool_flush(struct spool *sp, struct errbuf *err)
{
	if (!sp->sync || sp->synced == sp->next)
		return 0;
	spool_syncer_idle(sp);
	if (fdatasync(sp->wfd) < 0) {
		seg_fail(err, sp, sp->segs[sp->nsegs - 1].first,
		    "cannot sync");
		return -1;
	}
	sp->synced = sp->next;
	return 0;
}

uint64_t
spool_sendable(const struct spool *sp)
{
	return sp->sync ? sp->synced : sp->next;
}

void
spool_trim(struct spool *sp, uint64_t acked)
{
	char name[SEG_NAME_LEN + 1];
	size_t k = 0;

	while (k + 1 < sp->nsegs && sp->segs[k + 1].first <= acked + 1) {
		seg_name(name, sizeof(name), sp->segs[k].first);
		if (unlinkat(sp->dirfd, name, 0) < 0)
			break;
		sp->bytes -= sp->segs[k].size;
		k++;
	}
	if (k > 0) {
		memmove(sp->segs, sp->segs + k,
		    (sp->nsegs - k) * sizeof(*sp->segs));
		sp->nsegs -= k;
		if (sp->rseg >= k)
			sp->rseg -= k;
		else {
			/* The cursor was at the end of a removed segment. */
			if (sp->rfd >= 0)
				close(sp->rfd);
			sp->rfd = -1;
			sp->rseg = 0;
			sp->roff = SPOOL_SEG_HDR;
		}
	}
	sp->first = sp->segs[0].first;
	if (acked + 1 > sp->first)
		sp->first = acked + 1 < sp->next ? acked + 1 : sp->next;
	/* Everything delivered: the next block starts a fresh segment,
	 * so that this one can go, once it is worth it. */
	if (sp->nsegs == 1 && acked + 1 >= sp->next &&
	    sp->segs[0].size >= sp->segmax / 4)
		sp->rotate = 1;
}

int
spool_skip(struct spool *sp, uint64_t n, struct errbuf *err)
{
	if (n <= sp->next)
		return 0;
	if (seg_create(sp, n, err) < 0)
		return -1;
	sp->next = sp->synced = n;
	return 0;
}

static int
cursor_open(struct spool *sp, size_t i, struct errbuf *err)
{
	char name[SEG_NAME_LEN + 1];

	if (sp->rfd >= 0)
		close(sp->rfd);
	seg_name(name, sizeof(name), sp->segs[i].first);
	sp->rfd = openat(sp->dirfd, name, O_RDONLY | O_CLOEXEC);
	if (sp->rfd < 0) {
		seg_fail(err, sp, sp->segs[i].first, "cannot open");
		return -1;
	}
	sp->rseg = i;
	sp->roff = SPOOL_SEG_HDR;
	sp->rnext = sp->segs[i].first;
	return 0;
}

int
spool_seek(struct spool *sp, uint64_t n, struct errbuf *err)
{
	uint8_t h[SPOOL_REC_HDR];
	struct spool_rec r;
	size_t i = 0;

	while (i + 1 < sp->nsegs && sp->segs[i + 1].first <= n)
		i++;
	if (cursor_open(sp, i, err) < 0)
		return -1;
	while (sp->rnext < n) {
		if (sp->roff >= sp->segs[i].size ||
		    pread_all(sp->rfd, h, sizeof(h), sp->roff) < 0 ||
		    rec_parse(seg_fmt(sp->segs[i].version), h, &r) < 0 ||
		    r.n != sp->rnext) {
			errno = EIO;
			seg_fail(err, sp, sp->segs[i].first,
			    "message not found");
			return -1;
		}
		sp->roff += SPOOL_REC_HDR + r.len;
		sp->rnext++;
	}
	return 0;
}

int
spool_read(struct spool *sp, struct spool_rec *r, struct errbuf *err)
{
	uint8_t h[SPOOL_REC_HDR];

	r->data = NULL;
	if (sp->rnext >= spool_sendable(sp))
		return 1;
	if (sp->hot_n != 0 && sp->rnext == sp->hot_n && sp->rfd >= 0 &&
	    sp->rseg == sp->nsegs - 1 && sp->roff == sp->hot_off) {
		/* Just appended from buf, which still holds it. */
		r->n = sp->hot_n;
		r->type = sp->hot_type;
		r->len = sp->hot_len;
		r->data = r->len > 0 ? sp->buf : NULL;
		r->crc = sp->hot_crc;
		sp->roff += SPOOL_REC_HDR + r->len;
		sp->rnext++;
		return 0;
	}
	if (sp->rfd < 0 && spool_seek(sp, sp->rnext, err) < 0)
		return -1;
	while (sp->roff >= sp->segs[sp->rseg].size &&
	    sp->rseg + 1 < sp->nsegs)
		if (cursor_open(sp, sp->rseg + 1, err) < 0)
			return -1;
	sp->disk_reads++;
	if (pread_all(sp->rfd, h, sizeof(h), sp->roff) < 0 ||
	    rec_parse(seg_fmt(sp->segs[sp->rseg].version), h, r) < 0 ||
	    r->n != sp->rnext)
		goto bad;
	r->crc = r->len > 0 ? rec_crc(seg_fmt(sp->segs[sp->rseg].version), h) :
	    0;
	if (r->len > 0) {
		sp->hot_n = 0;	/* buf now holds this one */
		r->data = sp->buf;
		if (pread_all(sp->rfd, r->data, r->len,
		    sp->roff + SPOOL_REC_HDR) < 0 ||
		    crc32c(0, r->data, r->len) != r->crc)
			goto bad;
	}
	sp->roff += SPOOL_REC_HDR + r->len;
	sp->rnext++;
	return 0;
bad:
	r->data = NULL;
	errno = EIO;
	seg_fail(err, sp, sp->segs[sp->rseg].first,
	    "a record does not read back as written");
	return -1;
}

int
spool_remove(const char *dir, uint64_t *msgs, uint64_t *bytes,
    struct errbuf *err)
{
	uint8_t h[SPOOL_REC_HDR], sh[SPOOL_SEG_HDR];
	struct spool_rec r;
	struct stat st;
	uint64_t *firsts = NULL, p;
	char name[SEG_NAME_LEN + 1];
	size_t i, n = 0;
	int dirfd, fd, version;

	*msgs = *bytes = 0;
	if ((dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 0;
		errbuf_set(err, "spool %s: %s", dir, strerror(errno));
		return -1;
	}
	if (seg_list(dirfd, &firsts, &n) < 0) {
		errbuf_set(err, "spool %s: %s", dir, strerror(errno));
		close(dirfd);
		return -1;
	}
	for (i = 0; i < n; i++) {
		seg_name(name, sizeof(name), firsts[i]);
		if ((fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		if (fstat(fd, &st) == 0 && pread_all(fd, sh, sizeof(sh), 0) ==
		    0 && (version = seg_version(sh)) != 0)
			for (p = SPOOL_SEG_HDR; p + SPOOL_REC_HDR <=
			    (uint64_t)st.st_size && pread_all(fd, h, sizeof(h),
			    p) == 0 && rec_parse(seg_fmt(version), h, &r) == 0;
			    p += SPOOL_REC_HDR + r.len) {
				(*msgs)++;
				*bytes += r.len;
			}
		close(fd);
	}
	for (i = 0; i < n; i++) {
		seg_name(name, sizeof(name), firsts[i]);
		if (unlinkat(dirfd, name, 0) < 0 && errno != ENOENT) {
			errbuf_set(err, "spool %s/%s: %s", dir, name,
			    strerror(errno));
			free(firsts);
			close(dirfd);
			return -1;
		}
	}
	free(firsts);
	close(dirfd);
	if (rmdir(dir) < 0 && errno != ENOENT) {
		errbuf_set(err, "spool %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}
