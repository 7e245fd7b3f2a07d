/*
 * frame.c — encode and decode the frames of wire protocol v1 and the
 * HELLO payload (doc/PROTOCOL.md).  Pure functions over buffers.
 *
 * The decoder checks what bounds the read first (magic, version, type,
 * length), so an oversized or foreign header is refused before anyone
 * waits for its payload; then the CRC; then the remaining fields.  A
 * flipped bit in a msgnum is thus reported as a checksum error rather
 * than as a stream mismatch, which would send the operator the wrong
 * way.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crc32c.h"
#include "codec.h"
#include "frame.h"

#define FRAME_CRC_OFF	28

enum frame_aux {
	AUX_ZERO,	/* must be 0 */
	AUX_MSGNUM,	/* a message number, 0..FRAME_MSGNUM_MAX */
	AUX_ANY		/* opaque */
};

/* What each type may carry: dispatch on this table, not on a switch. */
static const struct frame_rule {
	const char	*name;
	uint32_t	 min, max;	/* payload length bounds */
	int		 numbered;	/* msgnum >= 1, else msgnum == 0 */
	enum frame_aux	 aux;
} frame_rules[FT__COUNT] = {
	/* name, payload min..max, numbered, aux */
	[FT_HELLO] = { "HELLO", 1, FRAME_HELLO_MAX, 0, AUX_ZERO },
	[FT_HELLO_ACK] = { "HELLO_ACK", 1, FRAME_HELLO_MAX, 0, AUX_ZERO },
	[FT_DATA] = { "DATA", 1, FRAME_MAX_PAYLOAD, 1, AUX_ZERO },
	[FT_ACK] = { "ACK", 0, 0, 0, AUX_MSGNUM },
	[FT_SYNC] = { "SYNC", 0, 0, 1, AUX_ZERO },
	[FT_EOF] = { "EOF", 0, 0, 1, AUX_ZERO },
	[FT_CHECK_REQ] = { "CHECK_REQ", 1, FRAME_CHECK_MAX, 0, AUX_ANY },
	[FT_CHECK_RESP] = { "CHECK_RESP", 0, FRAME_CHECK_MAX, 0, AUX_ANY },
	[FT_SHUTDOWN] = { "SHUTDOWN", 0, FRAME_TEXT_MAX, 0, AUX_ZERO },
	[FT_HEARTBEAT] = { "HEARTBEAT", 0, 0, 0, AUX_ANY },
	[FT_HEARTBEAT_ACK] = { "HEARTBEAT_ACK", 0, 0, 0, AUX_ANY },
	[FT_ERROR] = { "ERROR", 1, FRAME_TEXT_MAX, 0, AUX_ZERO },
};

static const uint8_t frame_zero_crc[4];

void
frame_hex(char *out, size_t cap, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (cap == 0)
		return;
	if (n > (cap - 1) / 2)
		n = (cap - 1) / 2;
	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

void
frame_printable(char *out, size_t cap, const uint8_t *p, size_t n)
{
	size_t i, o = 0;

	if (cap == 0)
		return;
	for (i = 0; i < n; i++) {
		/* Escape sequences, carriage returns and backspaces in a
		 * log line would redraw an operator's terminal. */
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (cap - o < 2)
				break;
			out[o++] = (char)p[i];
		} else {
			if (cap - o < 5)
				break;
			out[o++] = '\\';
			out[o++] = (char)('0' + (p[i] >> 6));
			out[o++] = (char)('0' + (p[i] >> 3 & 7));
			out[o++] = (char)('0' + (p[i] & 7));
		}
	}
	out[o] = '\0';
}

static void	frame_fail(struct frame_error *, enum frame_error_kind,
		    const uint8_t *, size_t, uint64_t, const char *, ...)
		    __attribute__((format(printf, 6, 7)));

/* Record why; hex is a dump of p[0..n). */
static void
frame_fail(struct frame_error *err, enum frame_error_kind kind,
    const uint8_t *p, size_t n, uint64_t value, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	err->kind = kind;
	err->value = value;
	frame_hex(err->hex, sizeof(err->hex), p, n);
	va_start(ap, fmt);
	vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	va_end(ap);
}

static void
frame_clear_error(struct frame_error *err)
{
	if (err == NULL)
		return;
	err->kind = FE_NONE;
	err->value = 0;
	err->hex[0] = '\0';
	err->detail[0] = '\0';
}

const char *
frame_type_name(uint8_t type)
{
	if (type >= FT__COUNT || frame_rules[type].name == NULL)
		return "UNKNOWN";
	return frame_rules[type].name;
}

const char *
frame_error_name(enum frame_error_kind kind)
{
	switch (kind) {
	case FE_NONE:
		return "OK";
	case FE_NOT_OURS:
		return "Unexpected msg";
	case FE_BAD_MSGNUM:
		return "Bad msg num";
	case FE_BAD_HEADER:
	case FE_BAD_CRC:
	case FE_BAD_HELLO:
		break;
	}
	return "Bad header";
}

/*
 * Type and payload length: what the reader needs before it may wait
 * for a payload.  hdr is dumped into err on failure.
 */
static int
frame_check_shape(uint8_t type, uint32_t len, const uint8_t *hdr,
    struct frame_error *err)
{
	const struct frame_rule *r;

	if (type >= FT__COUNT || frame_rules[type].name == NULL) {
		frame_fail(err, FE_BAD_HEADER, hdr, FRAME_HDR_LEN, 0,
		    "unknown type %u", type);
		return -1;
	}
	r = &frame_rules[type];
	if (len > FRAME_MAX_PAYLOAD) {
		frame_fail(err, FE_BAD_HEADER, hdr, FRAME_HDR_LEN, 0,
		    "%s length %u over the maximum %u", r->name, len,
		    FRAME_MAX_PAYLOAD);
		return -1;
	}
	if (len < r->min || len > r->max) {
		frame_fail(err, FE_BAD_HEADER, hdr, FRAME_HDR_LEN, 0,
		    "%s length %u not in %u..%u", r->name, len, r->min,
		    r->max);
		return -1;
	}
	return 0;
}

/* Flags, msgnum and aux of a frame whose shape is valid. */
static int
frame_check_fields(uint8_t type, uint16_t flags, uint64_t msgnum,
    uint64_t aux, const uint8_t *hdr, struct frame_error *err)
{
	const struct frame_rule *r = &frame_rules[type];

	if (flags != 0) {
		frame_fail(err, FE_BAD_HEADER, hdr, FRAME_HDR_LEN, 0,
		    "%s flags 0x%04x not defined", r->name, flags);
		return -1;
	}
	if (r->numbered ? (msgnum == 0 || msgnum > FRAME_MSGNUM_MAX) :
	    msgnum != 0) {
		frame_fail(err, FE_BAD_MSGNUM, hdr, FRAME_HDR_LEN, msgnum,
		    "%s msgnum %llu", r->name, (unsigned long long)msgnum);
		return -1;
	}
	if (r->aux == AUX_MSGNUM && aux > FRAME_MSGNUM_MAX) {
		frame_fail(err, FE_BAD_MSGNUM, hdr, FRAME_HDR_LEN, aux,
		    "%s number %llu", r->name, (unsigned long long)aux);
		return -1;
	}
	if (r->aux == AUX_ZERO && aux != 0) {
		frame_fail(err, FE_BAD_HEADER, hdr, FRAME_HDR_LEN, 0,
		    "%s aux %llu not 0", r->name, (unsigned long long)aux);
		return -1;
	}
	return 0;
}

/* CRC32C of the header with its CRC field zero, then the payload. */
static uint32_t
frame_crc(const uint8_t *hdr, const uint8_t *payload, uint32_t len)
{
	uint32_t crc;

	crc = crc32c(0, hdr, FRAME_CRC_OFF);
	crc = crc32c(crc, frame_zero_crc, sizeof(frame_zero_crc));
	return crc32c(crc, payload, len);
}

enum frame_result
frame_decode(const uint8_t *p, size_t len, struct frame *f, size_t *used,
    struct frame_error *err)
{
	size_t n = len < 4 ? len : 4;
	uint32_t plen, crc, want;
	uint64_t msgnum, aux;
	uint16_t flags;
	uint8_t type;

	*used = 0;
	frame_clear_error(err);
	if (n > 0 && memcmp(p, FRAME_MAGIC, n) != 0) {
		frame_fail(err, FE_NOT_OURS, p, len < 16 ? len : 16, 0,
		    "bad magic");
		return FRAME_ERROR;
	}
	if (len < FRAME_HDR_LEN) {
		*used = FRAME_HDR_LEN;
		return FRAME_NEED_MORE;
	}
	if (p[4] != FRAME_VERSION) {
		frame_fail(err, FE_BAD_HEADER, p, FRAME_HDR_LEN, 0,
		    "version %u not supported", p[4]);
		return FRAME_ERROR;
	}
	type = p[5];
	plen = be32_get(p + 8);
	if (frame_check_shape(type, plen, p, err) != 0)
		return FRAME_ERROR;
	if (len - FRAME_HDR_LEN < plen) {
		*used = FRAME_HDR_LEN + (size_t)plen;
		return FRAME_NEED_MORE;
	}
	want = be32_get(p + FRAME_CRC_OFF);
	crc = frame_crc(p, p + FRAME_HDR_LEN, plen);
	if (crc != want) {
		frame_fail(err, FE_BAD_CRC, p, FRAME_HDR_LEN, 0,
		    "%s crc %08x, computed %08x", frame_rules[type].name,
		    want, crc);
		return FRAME_ERROR;
	}
	flags = be16_get(p + 6);
	msgnum = be64_get(p + 12);
	aux = be64_get(p + 20);
	if (frame_check_fields(type, flags, msgnum, aux, p, err) != 0)
		return FRAME_ERROR;
	f->hdr = p;
	f->type = type;
	f->flags = flags;
	f->msgnum = msgnum;
	f->aux = aux;
	f->payload = plen > 0 ? p + FRAME_HDR_LEN : NULL;
	f->len = plen;
	*used = FRAME_HDR_LEN + (size_t)plen;
	return FRAME_OK;
}

/* The header's fields, all but its CRC: 0, or -1 if they break a rule. */
static int
frame_fields(uint8_t hdr[FRAME_HDR_LEN], uint8_t type, uint16_t flags,
    uint64_t msgnum, uint64_t aux, uint32_t len)
{
	memset(hdr, 0, FRAME_HDR_LEN);
	if (frame_check_shape(type, len, hdr, NULL) != 0 ||
	    frame_check_fields(type, flags, msgnum, aux, hdr, NULL) != 0)
		return -1;
	memcpy(hdr, FRAME_MAGIC, 4);
	hdr[4] = FRAME_VERSION;
	hdr[5] = type;
	be16_put(hdr + 6, flags);
	be32_put(hdr + 8, len);
	be64_put(hdr + 12, msgnum);
	be64_put(hdr + 20, aux);
	return 0;
}

int
frame_header(uint8_t hdr[FRAME_HDR_LEN], uint8_t type, uint16_t flags,
    uint64_t msgnum, uint64_t aux, const uint8_t *payload, uint32_t len)
{
	if (frame_fields(hdr, type, flags, msgnum, aux, len) != 0)
		return -1;
	if (payload == NULL && len > 0) {
		memset(hdr, 0, FRAME_HDR_LEN);
		return -1;
	}
	be32_put(hdr + FRAME_CRC_OFF, frame_crc(hdr, payload, len));
	return 0;
}

int
frame_header_crc(uint8_t hdr[FRAME_HDR_LEN], uint8_t type, uint16_t flags,
    uint64_t msgnum, uint64_t aux, uint32_t len, uint32_t payload_crc)
{
	uint32_t crc;

	if (frame_fields(hdr, type, flags, msgnum, aux, len) != 0)
		return -1;
	crc = crc32c(0, hdr, FRAME_CRC_OFF);
	crc = crc32c(crc, frame_zero_crc, sizeof(frame_zero_crc));
	be32_put(hdr + FRAME_CRC_OFF, crc32c_combine(crc, payload_crc, len));
	return 0;
}

size_t
frame_encode(uint8_t *out, size_t cap, uint8_t type, uint16_t flags,
    uint64_t msgnum, uint64_t aux, const uint8_t *payload, uint32_t len)
{
	uint8_t hdr[FRAME_HDR_LEN];

	if (cap < FRAME_HDR_LEN || cap - FRAME_HDR_LEN < len)
		return 0;
	if (frame_header(hdr, type, flags, msgnum, aux, payload, len) != 0)
		return 0;
	/* The payload may already sit in out, even across the header. */
	if (len > 0)
		memmove(out + FRAME_HDR_LEN, payload, len);
	memcpy(out, hdr, FRAME_HDR_LEN);
	return FRAME_HDR_LEN + (size_t)len;
}

/* HELLO payload ------------------------------------------------------ */

#define HELLO_TLV_HDR	3
#define HELLO_T_LAST_KNOWN	HELLO_T_OPTIONS
#define HELLO_MANDATORY							\
	((1U << HELLO_T_VERSION) | (1U << HELLO_T_ROLE) |		\
	 (1U << HELLO_T_NAME) | (1U << HELLO_T_PEER) |			\
	 (1U << HELLO_T_STREAM) | (1U << HELLO_T_CLOCK) |		\
	 (1U << HELLO_T_LAST) | (1U << HELLO_T_WINDOW) |		\
	 (1U << HELLO_T_MAXPAYLOAD) | (1U << HELLO_T_OPTIONS))

static const char *const hello_tag_names[HELLO_T_LAST_KNOWN + 1] = {
	[HELLO_T_VERSION] = "version",
	[HELLO_T_ROLE] = "role",
	[HELLO_T_NAME] = "name",
	[HELLO_T_PEER] = "peer",
	[HELLO_T_STREAM] = "stream",
	[HELLO_T_CLOCK] = "clock",
	[HELLO_T_LAST] = "last",
	[HELLO_T_WINDOW] = "window",
	[HELLO_T_MAXPAYLOAD] = "maxpayload",
	[HELLO_T_OPTIONS] = "options",
};

/* Exact value length of the fixed-size tags; 0 for the names. */
static const uint16_t hello_tag_len[HELLO_T_LAST_KNOWN + 1] = {
	[HELLO_T_VERSION] = 1,
	[HELLO_T_ROLE] = 1,
	[HELLO_T_STREAM] = HELLO_STREAM_LEN,
	[HELLO_T_CLOCK] = 8,
	[HELLO_T_LAST] = 8,
	[HELLO_T_WINDOW] = 4,
	[HELLO_T_MAXPAYLOAD] = 4,
	[HELLO_T_OPTIONS] = 4,
};

static int
hello_name_char(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return !first && (c == '.' || c == '_' || c == '-');
}

/* A name as it travels: 1..HELLO_NAME_MAX bytes, no NUL. */
static int
hello_name_bytes_valid(const uint8_t *p, size_t n)
{
	size_t i;

	if (n == 0 || n > HELLO_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!hello_name_char((char)p[i], i == 0))
			return 0;
	return 1;
}

int
hello_name_valid(const char *s)
{
	size_t n = strnlen(s, HELLO_NAME_MAX + 1);

	return hello_name_bytes_valid((const uint8_t *)s, n) && s[n] == '\0';
}

static int
hello_valid(const struct hello *h)
{
	return h->version >= 1 &&
	    (h->role == HELLO_ROLE_OUT || h->role == HELLO_ROLE_IN) &&
	    hello_name_valid(h->name) && hello_name_valid(h->peer) &&
	    h->last_msgnum <= FRAME_MSGNUM_MAX && h->window >= 1 &&
	    h->max_payload >= 1 && h->max_payload <= FRAME_MAX_PAYLOAD;
}

/* Append one TLV (a cursor past its end stays in error). */
static void
hello_put(struct cursor *c, uint8_t tag, const void *v, uint16_t n)
{
	cur_put_u8(c, tag);
	cur_put_be16(c, n);
	cur_put(c, v, n);
}

int
hello_encode(const struct hello *h, uint8_t *out, size_t cap, size_t *len)
{
	uint8_t clock[8], last[8], window[4], maxp[4], opts[4];
	struct cursor c;

	*len = 0;
	if (!hello_valid(h))
		return -1;
	be64_put(clock, h->clock_ns);
	be64_put(last, h->last_msgnum);
	be32_put(window, h->window);
	be32_put(maxp, h->max_payload);
	be32_put(opts, h->options);
	cur_init(&c, out, cap);
	hello_put(&c, HELLO_T_VERSION, &h->version, 1);
	hello_put(&c, HELLO_T_ROLE, &h->role, 1);
	hello_put(&c, HELLO_T_NAME, h->name, (uint16_t)strlen(h->name));
	hello_put(&c, HELLO_T_PEER, h->peer, (uint16_t)strlen(h->peer));
	hello_put(&c, HELLO_T_STREAM, h->stream, HELLO_STREAM_LEN);
	hello_put(&c, HELLO_T_CLOCK, clock, 8);
	hello_put(&c, HELLO_T_LAST, last, 8);
	hello_put(&c, HELLO_T_WINDOW, window, 4);
	hello_put(&c, HELLO_T_MAXPAYLOAD, maxp, 4);
	hello_put(&c, HELLO_T_OPTIONS, opts, 4);
	if (c.err)
		return -1;
	*len = c.pos;
	return 0;
}

/* Store one known TLV's value (length already checked) into h. */
static int
hello_take(struct hello *h, uint8_t tag, const uint8_t *v, uint16_t n,
    const uint8_t *at, struct frame_error *err)
{
	const char *what = hello_tag_names[tag];

	switch (tag) {
	case HELLO_T_VERSION:
		h->version = v[0];
		if (h->version == 0)
			goto bad;
		break;
	case HELLO_T_ROLE:
		h->role = v[0];
		if (h->role != HELLO_ROLE_OUT && h->role != HELLO_ROLE_IN)
			goto bad;
		break;
	case HELLO_T_NAME:
	case HELLO_T_PEER:
		if (!hello_name_bytes_valid(v, n))
			goto bad;
		memcpy(tag == HELLO_T_NAME ? h->name : h->peer, v, n);
		(tag == HELLO_T_NAME ? h->name : h->peer)[n] = '\0';
		break;
	case HELLO_T_STREAM:
		memcpy(h->stream, v, HELLO_STREAM_LEN);
		break;
	case HELLO_T_CLOCK:
		h->clock_ns = be64_get(v);
		break;
	case HELLO_T_LAST:
		h->last_msgnum = be64_get(v);
		if (h->last_msgnum > FRAME_MSGNUM_MAX)
			goto bad;
		break;
	case HELLO_T_WINDOW:
		h->window = be32_get(v);
		if (h->window == 0)
			goto bad;
		break;
	case HELLO_T_MAXPAYLOAD:
		h->max_payload = be32_get(v);
		if (h->max_payload == 0 || h->max_payload > FRAME_MAX_PAYLOAD)
			goto bad;
		break;
	case HELLO_T_OPTIONS:
		h->options = be32_get(v);
		break;
	}
	return 0;
bad:
	frame_fail(err, FE_BAD_HELLO, at, HELLO_TLV_HDR + (size_t)n, 0,
	    "HELLO %s value not valid", what);
	return -1;
}

int
hello_decode(const uint8_t *p, size_t len, struct hello *h,
    struct frame_error *err)
{
	const uint8_t *at;
	size_t off = 0;
	uint32_t seen = 0, missing;
	uint16_t n;
	uint8_t tag;

	memset(h, 0, sizeof(*h));
	frame_clear_error(err);
	if (len > FRAME_HELLO_MAX) {
		frame_fail(err, FE_BAD_HELLO, p, 16, 0,
		    "HELLO payload %zu over %u", len, FRAME_HELLO_MAX);
		return -1;
	}
	while (off < len) {
		at = p + off;
		if (len - off < HELLO_TLV_HDR) {
			frame_fail(err, FE_BAD_HELLO, at, len - off, 0,
			    "HELLO TLV header cut at offset %zu", off);
			return -1;
		}
		tag = at[0];
		n = be16_get(at + 1);
		off += HELLO_TLV_HDR;
		if (n > len - off) {
			frame_fail(err, FE_BAD_HELLO, at, HELLO_TLV_HDR, 0,
			    "HELLO TLV %u length %u past the end at offset %zu",
			    tag, n, off - HELLO_TLV_HDR);
			return -1;
		}
		off += n;
		if (tag == 0) {
			frame_fail(err, FE_BAD_HELLO, at, HELLO_TLV_HDR, 0,
			    "HELLO TLV tag 0 at offset %zu",
			    off - n - HELLO_TLV_HDR);
			return -1;
		}
		if (tag > HELLO_T_LAST_KNOWN)
			continue;	/* a later version's: skip it */
		if ((seen & 1U << tag) != 0) {
			frame_fail(err, FE_BAD_HELLO, at, HELLO_TLV_HDR, 0,
			    "HELLO %s given twice", hello_tag_names[tag]);
			return -1;
		}
		seen |= 1U << tag;
		if (hello_tag_len[tag] != 0 ? n != hello_tag_len[tag] :
		    (n == 0 || n > HELLO_NAME_MAX)) {
			frame_fail(err, FE_BAD_HELLO, at, HELLO_TLV_HDR, 0,
			    "HELLO %s length %u not valid",
			    hello_tag_names[tag], n);
			return -1;
		}
		if (hello_take(h, tag, at + HELLO_TLV_HDR, n, at, err) != 0)
			return -1;
	}
	missing = HELLO_MANDATORY & ~seen;
	if (missing != 0) {
		tag = (uint8_t)__builtin_ctz(missing);
		frame_fail(err, FE_BAD_HELLO, p, len < 16 ? len : 16, 0,
		    "HELLO %s missing", hello_tag_names[tag]);
		return -1;
	}
	return 0;
}
