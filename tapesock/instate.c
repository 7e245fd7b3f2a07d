/*
 * instate.c — the input server's crash-safe state file (instate.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"
#include "codec.h"
#include "instate.h"

static const uint8_t magic[4] = { 'T', 'S', 'I', 'S' };

void
instate_encode(const struct instate *st, uint8_t *rec)
{
	struct cursor c;

	memset(rec, 0, INSTATE_REC);
	cur_init(&c, rec, INSTATE_REC);
	cur_put(&c, magic, sizeof(magic));
	cur_put_u8(&c, 1);
	cur_put_u8(&c, (uint8_t)st->flags);
	cur_take(&c, 2);			/* zero */
	cur_put_be64(&c, st->seq);
	cur_put(&c, st->stream, HELLO_STREAM_LEN);
	cur_put_be64(&c, st->last);
	cur_put_be64(&c, st->writing);
	cur_put_be64(&c, st->done);
	cur_put_be64(&c, st->lost);
	cur_put_be32(&c, crc32c(0, rec, 64));
}

int
instate_decode(const uint8_t *rec, size_t len, struct instate *st)
{
	struct cursor c;
	struct instate v;
	const uint8_t *m, *pad, *stream;
	uint8_t version;

	if (len < INSTATE_REC || crc32c(0, rec, 64) != be32_get(rec + 64))
		return -1;
	cur_init(&c, (uint8_t *)rec, INSTATE_REC);
	m = cur_take(&c, sizeof(magic));
	version = cur_u8(&c);
	v.flags = cur_u8(&c);
	pad = cur_take(&c, 2);
	v.seq = cur_be64(&c);
	stream = cur_take(&c, HELLO_STREAM_LEN);
	v.last = cur_be64(&c);
	v.writing = cur_be64(&c);
	v.done = cur_be64(&c);
	v.lost = cur_be64(&c);
	if (c.err || memcmp(m, magic, sizeof(magic)) != 0 || version != 1 ||
	    (v.flags & ~INSTATE_EXACT) != 0 || pad[0] != 0 || pad[1] != 0)
		return -1;
	memcpy(v.stream, stream, HELLO_STREAM_LEN);
	/* Only the next message can be under way, and never past a frame. */
	if (v.last >= FRAME_MSGNUM_MAX ||
	    (v.writing != 0 && v.writing != v.last + 1) ||
	    (v.writing == 0 && v.done != 0) || v.done > FRAME_MAX_PAYLOAD)
		return -1;
	*st = v;
	return 0;
}

static int
parse_text(const uint8_t *buf, size_t len, struct instate *st,
    struct errbuf *why)
{
	char val[80];
	unsigned b;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (kv_get((const char *)buf, len, "last", val, sizeof(val)) < 0 ||
	    parse_u64(val, FRAME_MSGNUM_MAX - 1, &st->last) < 0) {
		errbuf_set(why, "a text state without a valid 'last N' line");
		return -1;
	}
	if (kv_get((const char *)buf, len, "stream", val, sizeof(val)) < 0)
		return 1;
	if (strlen(val) != 2 * HELLO_STREAM_LEN)
		goto bad_stream;
	for (i = 0; i < HELLO_STREAM_LEN; i++) {
		if (sscanf(val + 2 * i, "%2x", &b) != 1 ||
		    strchr("0123456789abcdefABCDEF", val[2 * i]) == NULL ||
		    strchr("0123456789abcdefABCDEF", val[2 * i + 1]) == NULL)
			goto bad_stream;
		st->stream[i] = (uint8_t)b;
	}
	return 1;
bad_stream:
	errbuf_set(why, "a text state whose 'stream' is not 32 hex digits");
	return -1;
}

int
instate_parse(const uint8_t *buf, size_t len, struct instate *st,
    struct errbuf *why)
{
	struct instate a, b;
	int ok_a, ok_b;

	if (len == 0) {
		errbuf_set(why, "the file is empty");
		return -1;
	}
	if (len >= 4 && memcmp(buf, magic, sizeof(magic)) != 0 &&
	    (strncmp((const char *)buf, "stream ", len < 7 ? len : 7) == 0 ||
	    strncmp((const char *)buf, "last ", len < 5 ? len : 5) == 0))
		return parse_text(buf, len, st, why);
	ok_a = instate_decode(buf, len, &a) == 0;
	ok_b = len > INSTATE_SLOT &&
	    instate_decode(buf + INSTATE_SLOT, len - INSTATE_SLOT, &b) == 0;
	if (!ok_a && !ok_b) {
		errbuf_set(why, "neither of its two records is valid (bad "
		    "magic, version, checksum or values)");
		return -1;
	}
	*st = ok_a && (!ok_b || a.seq > b.seq) ? a : b;
	return 0;
}

/* A new file holding st as update 1, made durably (write + rename). */
static int
instate_create(const char *path, struct instate *st, struct errbuf *why)
{
	uint8_t *buf = xcalloc(1, INSTATE_SIZE);
	int rc;

	/* Update k lives in record k % 2: the next one goes to record 0. */
	st->seq = 1;
	instate_encode(st, buf + INSTATE_SLOT);
	rc = atomic_write_file(path, buf, INSTATE_SIZE, 0600);
	if (rc < 0)
		errbuf_set(why, "cannot create it: %s", strerror(errno));
	free(buf);
	return rc;
}

int
instate_open(struct instate_file *f, const char *path, struct errbuf *why)
{
	char *text = NULL;
	size_t len = 0;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	if (read_file_nofollow(path, &text, &len) < 0) {
		if (errno != ENOENT) {
			errbuf_set(why, "cannot read it: %s", strerror(errno));
			return -1;
		}
		if (instate_create(path, &f->st, why) < 0)
			return -1;
	} else {
		rc = instate_parse((const uint8_t *)text, len, &f->st, why);
		free(text);
		if (rc < 0)
			return -1;
		/* Converted, or short (a record lost its page): rewrite. */
		if ((rc == 1 || len < INSTATE_SIZE) &&
		    instate_create(path, &f->st, why) < 0)
			return -1;
	}
	if ((f->fd = open_nofollow(path, O_RDWR, 0)) < 0) {
		errbuf_set(why, "cannot open it: %s", strerror(errno));
		return -1;
	}
	f->path = xstrdup(path);
	return rc;
}

int
instate_write(struct instate_file *f, const struct instate *st,
    struct errbuf *why)
{
	uint8_t rec[INSTATE_REC];
	struct instate v = *st;
	ssize_t n;

	v.seq = f->st.seq + 1;
	instate_encode(&v, rec);
	/* The older record is the one overwritten: the newer survives. */
	n = pwrite(f->fd, rec, sizeof(rec), (off_t)(v.seq % 2) * INSTATE_SLOT);
	if (n != (ssize_t)sizeof(rec)) {
		errbuf_set(why, "write failed: %s", n < 0 ? strerror(errno) :
		    "short write");
		return -1;
	}
	f->st = v;
	f->dirty = 1;
	return 0;
}

int
instate_sync(struct instate_file *f, struct errbuf *why)
{
	if (!f->dirty)
		return 0;
	if (fdatasync(f->fd) < 0) {
		errbuf_set(why, "fdatasync failed: %s", strerror(errno));
		return -1;
	}
	f->dirty = 0;
	return 0;
}

void
instate_close(struct instate_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->path);
	f->path = NULL;
}
