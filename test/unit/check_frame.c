/*
 * check_frame.c — CRC32C, the frame codec and the HELLO payload of
 * wire protocol v1 (doc/PROTOCOL.md): round trips, every prefix, every
 * flipped bit, every malformed field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "frame.h"
#include "tests.h"
#include "util.h"

/* Also in tests.h; repeated so this file builds before it is listed. */
Suite	*frame_suite(void);

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: reproducible bytes, the same on every run. */
static uint8_t
rng_byte(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint8_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 56);
}

static void
fill_random(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rng_byte();
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)(v >> 32));
	put32(p + 4, (uint32_t)v);
}

/*
 * A frame built by hand, with a correct CRC whatever the fields say:
 * what a broken or hostile peer could send.  Returns its length.
 */
static size_t
raw_frame(uint8_t *out, uint8_t version, uint8_t type, uint16_t flags,
    uint32_t len, uint64_t msgnum, uint64_t aux, const uint8_t *payload,
    size_t have)
{
	uint32_t crc;

	memcpy(out, FRAME_MAGIC, 4);
	out[4] = version;
	out[5] = type;
	out[6] = (uint8_t)(flags >> 8);
	out[7] = (uint8_t)flags;
	put32(out + 8, len);
	put64(out + 12, msgnum);
	put64(out + 20, aux);
	memset(out + 28, 0, 4);
	if (have > 0)
		memcpy(out + FRAME_HDR_LEN, payload, have);
	crc = crc32c(crc32c(0, out, FRAME_HDR_LEN), payload, have);
	put32(out + 28, crc);
	return FRAME_HDR_LEN + have;
}

/* Valid field values for a frame of type t with payload length len. */
static void
valid_fields(uint8_t t, uint64_t *msgnum, uint64_t *aux)
{
	*msgnum = 0;
	*aux = 0;
	if (t == FT_DATA || t == FT_EOF || t == FT_SYNC)
		*msgnum = 0x0102030405060708ULL;
	else if (t == FT_ACK)
		*aux = FRAME_MSGNUM_MAX;
	else if (t == FT_HEARTBEAT || t == FT_HEARTBEAT_ACK)
		*aux = 0xfedcba9876543210ULL;
}

static uint32_t
max_payload(uint8_t t)
{
	switch (t) {
	case FT_HELLO:
	case FT_HELLO_ACK:
		return FRAME_HELLO_MAX;
	case FT_DATA:
		return FRAME_MAX_PAYLOAD;
	case FT_CHECK_REQ:
	case FT_CHECK_RESP:
		return FRAME_CHECK_MAX;
	case FT_SHUTDOWN:
	case FT_ERROR:
		return FRAME_TEXT_MAX;
	}
	return 0;
}

static uint32_t
min_payload(uint8_t t)
{
	switch (t) {
	case FT_HELLO:
	case FT_HELLO_ACK:
	case FT_DATA:
	case FT_CHECK_REQ:
	case FT_ERROR:
		return 1;
	}
	return 0;
}

/* CRC32C --------------------------------------------------------------- */

/* The CRC of a then b from theirs, and a frame header from its
 * payload's CRC, are what a pass over the bytes gives. */
START_TEST(test_crc32c_combine)
{
	static const size_t lens[] = { 0, 1, 3, 7, 8, 255, 4096, 65535,
	    131072, 131073, FRAME_MAX_PAYLOAD };
	uint8_t *buf = malloc(FRAME_MAX_PAYLOAD + 100);
	uint8_t h1[FRAME_HDR_LEN], h2[FRAME_HDR_LEN];
	uint32_t a, b;
	size_t i, k;

	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < FRAME_MAX_PAYLOAD + 100; i++)
		buf[i] = (uint8_t)(i * 131 + (i >> 9));
	for (k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		a = crc32c(0, buf, 100);
		b = crc32c(0, buf + 100, lens[k]);
		ck_assert_uint_eq(crc32c_combine(a, b, lens[k]),
		    crc32c(0, buf, 100 + lens[k]));
		if (lens[k] == 0)
			continue;	/* a DATA frame has a payload */
		ck_assert_int_eq(frame_header(h1, FT_DATA, 0, 42, 0, buf + 100,
		    (uint32_t)lens[k]), 0);
		ck_assert_int_eq(frame_header_crc(h2, FT_DATA, 0, 42, 0,
		    (uint32_t)lens[k], b), 0);
		ck_assert_mem_eq(h1, h2, FRAME_HDR_LEN);
	}
	/* The same refusals as frame_header. */
	ck_assert_int_eq(frame_header_crc(h2, FT_DATA, 0, 42, 0,
	    FRAME_MAX_PAYLOAD + 1, 0), -1);
	ck_assert_int_eq(frame_header_crc(h2, FT_DATA, 0, 0, 0, 10, 0), -1);
	free(buf);
}
END_TEST

START_TEST(test_crc32c_vectors)
{
	/* RFC 3720 appendix B.4 and the usual check value. */
	uint8_t buf[32];
	int i;

	ck_assert_uint_eq(crc32c(0, "123456789", 9), 0xe3069283U);
	ck_assert_uint_eq(crc32c_sw(0, "123456789", 9), 0xe3069283U);
	ck_assert_uint_eq(crc32c(0, NULL, 0), 0);
	ck_assert_uint_eq(crc32c_sw(0, "", 0), 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x8a9136aaU);
	ck_assert_uint_eq(crc32c_sw(0, buf, 32), 0x8a9136aaU);
	memset(buf, 0xff, sizeof(buf));
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x62a8ab43U);
	ck_assert_uint_eq(crc32c_sw(0, buf, 32), 0x62a8ab43U);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x46dd794eU);
	ck_assert_uint_eq(crc32c_sw(0, buf, 32), 0x46dd794eU);
	for (i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	ck_assert_uint_eq(crc32c(0, buf, 32), 0x113fdb5cU);
	ck_assert_uint_eq(crc32c_sw(0, buf, 32), 0x113fdb5cU);
	/* Chaining: the CRC of a then b is the CRC of ab. */
	ck_assert_uint_eq(crc32c(crc32c(0, "1234", 4), "56789", 5),
	    0xe3069283U);
	ck_assert_uint_eq(crc32c_sw(crc32c_sw(0, "12345", 5), "6789", 4),
	    0xe3069283U);
}
END_TEST

START_TEST(test_crc32c_hw_sw)
{
	/* Lengths past 3 x 8192 and 3 x 256 use the 3-way hardware path. */
	static const size_t big[] = { 767, 768, 769, 3 * 8192 - 1,
	    3 * 8192, 3 * 8192 + 1, 3 * 3 * 8192 + 3 * 256 + 13, 100003,
	    FRAME_MAX_PAYLOAD + 5 };
	size_t cap = FRAME_MAX_PAYLOAD + 64, len, off, i;
	uint8_t *buf = malloc(cap);
	uint32_t seed;

	ck_assert_ptr_nonnull(buf);
	fill_random(buf, cap);
	for (off = 0; off < 8; off++)
		for (len = 0; len <= 1024; len++) {
			seed = (uint32_t)(len * 2654435761U);
			ck_assert_uint_eq(crc32c(0, buf + off, len),
			    crc32c_sw(0, buf + off, len));
			ck_assert_uint_eq(crc32c(seed, buf + off, len),
			    crc32c_sw(seed, buf + off, len));
		}
	for (off = 0; off < 8; off++)
		for (i = 0; i < ARRAY_LEN(big); i++)
			ck_assert_uint_eq(crc32c(7, buf + off, big[i]),
			    crc32c_sw(7, buf + off, big[i]));
	/* Split anywhere, chained: the same value. */
	for (len = 0; len <= 3 * 8192 + 100; len += 97)
		ck_assert_uint_eq(crc32c(crc32c(0, buf, len), buf + len,
		    100000 - len), crc32c_sw(0, buf, 100000));
	free(buf);
}
END_TEST

/* Frames ---------------------------------------------------------------- */

/* Round trip of every type at its smallest and largest payload. */
START_TEST(test_round_trip)
{
	uint8_t t = (uint8_t)_i, hdr[FRAME_HDR_LEN];
	size_t cap = FRAME_MAX_LEN, n, used, k;
	uint8_t *buf = malloc(cap), *payload = malloc(FRAME_MAX_PAYLOAD);
	uint32_t lens[2], len;
	struct frame_error err;
	struct frame f;
	uint64_t msgnum, aux;

	ck_assert_ptr_nonnull(buf);
	ck_assert_ptr_nonnull(payload);
	fill_random(payload, FRAME_MAX_PAYLOAD);
	valid_fields(t, &msgnum, &aux);
	lens[0] = min_payload(t);
	lens[1] = max_payload(t);
	for (k = 0; k < 2; k++) {
		len = lens[k];
		n = frame_encode(buf, cap, t, 0, msgnum, aux, payload, len);
		ck_assert_uint_eq(n, FRAME_HDR_LEN + len);
		ck_assert_int_eq(frame_decode(buf, n, &f, &used, &err),
		    FRAME_OK);
		ck_assert_int_eq(err.kind, FE_NONE);
		ck_assert_uint_eq(used, n);
		ck_assert_uint_eq(f.type, t);
		ck_assert_uint_eq(f.flags, 0);
		ck_assert_uint_eq(f.msgnum, msgnum);
		ck_assert_uint_eq(f.aux, aux);
		ck_assert_uint_eq(f.len, len);
		if (len == 0)
			ck_assert_ptr_null(f.payload);
		else {
			ck_assert_ptr_eq(f.payload, buf + FRAME_HDR_LEN);
			ck_assert_mem_eq(f.payload, payload, len);
		}
		/* frame_header is the same header, for writev. */
		ck_assert_int_eq(frame_header(hdr, t, 0, msgnum, aux,
		    payload, len), 0);
		ck_assert_mem_eq(hdr, buf, FRAME_HDR_LEN);
		ck_assert_mem_eq(buf, FRAME_MAGIC, 4);
		ck_assert_uint_eq(buf[4], FRAME_VERSION);
		ck_assert_uint_eq(buf[5], t);
		/* Too small a buffer: nothing. */
		ck_assert_uint_eq(frame_encode(buf, n - 1, t, 0, msgnum, aux,
		    payload, len), 0);
		/* One past the type's limit: refused both ways. */
		ck_assert_int_eq(frame_header(hdr, t, 0, msgnum, aux, payload,
		    lens[1] + 1), -1);
		ck_assert_uint_eq(frame_encode(buf, cap, t, 0, msgnum, aux,
		    payload, lens[1] + 1), 0);
	}
	free(buf);
	free(payload);
}
END_TEST

START_TEST(test_type_names)
{
	ck_assert_str_eq(frame_type_name(FT_HELLO), "HELLO");
	ck_assert_str_eq(frame_type_name(FT_HELLO_ACK), "HELLO_ACK");
	ck_assert_str_eq(frame_type_name(FT_DATA), "DATA");
	ck_assert_str_eq(frame_type_name(FT_ACK), "ACK");
	ck_assert_str_eq(frame_type_name(FT_SYNC), "SYNC");
	ck_assert_str_eq(frame_type_name(FT_EOF), "EOF");
	ck_assert_str_eq(frame_type_name(FT_CHECK_REQ), "CHECK_REQ");
	ck_assert_str_eq(frame_type_name(FT_CHECK_RESP), "CHECK_RESP");
	ck_assert_str_eq(frame_type_name(FT_SHUTDOWN), "SHUTDOWN");
	ck_assert_str_eq(frame_type_name(FT_HEARTBEAT), "HEARTBEAT");
	ck_assert_str_eq(frame_type_name(FT_HEARTBEAT_ACK), "HEARTBEAT_ACK");
	ck_assert_str_eq(frame_type_name(FT_ERROR), "ERROR");
	ck_assert_str_eq(frame_type_name(0), "UNKNOWN");
	ck_assert_str_eq(frame_type_name(FT__COUNT), "UNKNOWN");
	ck_assert_str_eq(frame_type_name(255), "UNKNOWN");
	ck_assert_str_eq(frame_error_name(FE_NOT_OURS), "Unexpected msg");
	ck_assert_str_eq(frame_error_name(FE_BAD_HEADER), "Bad header");
	ck_assert_str_eq(frame_error_name(FE_BAD_CRC), "Bad header");
	ck_assert_str_eq(frame_error_name(FE_BAD_MSGNUM), "Bad msg num");
}
END_TEST

/* A peer's text for a log: an ESC sequence cannot reach a terminal. */
START_TEST(test_printable)
{
	static const uint8_t evil[] = "a\033[31mb\r\n\\\x00\xc3\xa9\x7f~";
	char out[128];
	size_t i;

	frame_printable(out, sizeof(out), evil, sizeof(evil) - 1);
	ck_assert_str_eq(out,
	    "a\\033[31mb\\015\\012\\134\\000\\303\\251\\177~");
	for (i = 0; out[i] != '\0'; i++)
		ck_assert(out[i] >= 0x20 && out[i] < 0x7f);
	/* Cut to fit, never inside an escape. */
	frame_printable(out, 5, evil, sizeof(evil) - 1);
	ck_assert_str_eq(out, "a");
	frame_printable(out, 6, evil, sizeof(evil) - 1);
	ck_assert_str_eq(out, "a\\033");
	frame_printable(out, 1, evil, sizeof(evil) - 1);
	ck_assert_str_eq(out, "");
	frame_printable(out, sizeof(out), evil, 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_need_more_every_prefix)
{
	uint8_t payload[100], buf[FRAME_HDR_LEN + sizeof(payload)];
	struct frame_error err;
	struct frame f;
	size_t n, k, used;

	fill_random(payload, sizeof(payload));
	n = frame_encode(buf, sizeof(buf), FT_DATA, 0, 42, 0, payload,
	    sizeof(payload));
	ck_assert_uint_eq(n, sizeof(buf));
	for (k = 0; k < n; k++) {
		used = 12345;
		ck_assert_int_eq(frame_decode(buf, k, &f, &used, &err),
		    FRAME_NEED_MORE);
		ck_assert_int_eq(err.kind, FE_NONE);
		ck_assert_uint_eq(used, k < FRAME_HDR_LEN ? FRAME_HDR_LEN : n);
	}
	ck_assert_int_eq(frame_decode(buf, n, &f, &used, &err), FRAME_OK);
	ck_assert_uint_eq(used, n);
	ck_assert_uint_eq(f.msgnum, 42);
	/* Empty input, even without a buffer. */
	ck_assert_int_eq(frame_decode(NULL, 0, &f, &used, NULL),
	    FRAME_NEED_MORE);
}
END_TEST

START_TEST(test_back_to_back)
{
	uint8_t buf[512], data[10] = "0123456789";
	struct frame f;
	size_t n1, n2, n3, off, used;

	n1 = frame_encode(buf, sizeof(buf), FT_DATA, 0, 7, 0, data, 10);
	n2 = frame_encode(buf + n1, sizeof(buf) - n1, FT_ACK, 0, 0, 6,
	    NULL, 0);
	n3 = frame_encode(buf + n1 + n2, sizeof(buf) - n1 - n2, FT_EOF, 0, 8,
	    0, NULL, 0);
	ck_assert_uint_ne(n1, 0);
	ck_assert_uint_ne(n2, 0);
	ck_assert_uint_ne(n3, 0);
	/* The third frame is cut in the middle of its header. */
	off = 0;
	ck_assert_int_eq(frame_decode(buf, n1 + n2 + 20, &f, &used, NULL),
	    FRAME_OK);
	ck_assert_uint_eq(used, n1);
	ck_assert_uint_eq(f.type, FT_DATA);
	ck_assert_uint_eq(f.msgnum, 7);
	ck_assert_mem_eq(f.payload, data, 10);
	off += used;
	ck_assert_int_eq(frame_decode(buf + off, n1 + n2 + 20 - off, &f,
	    &used, NULL), FRAME_OK);
	ck_assert_uint_eq(used, n2);
	ck_assert_uint_eq(f.type, FT_ACK);
	ck_assert_uint_eq(f.aux, 6);
	off += used;
	ck_assert_int_eq(frame_decode(buf + off, 20, &f, &used, NULL),
	    FRAME_NEED_MORE);
	ck_assert_int_eq(frame_decode(buf + off, n3, &f, &used, NULL),
	    FRAME_OK);
	ck_assert_uint_eq(f.type, FT_EOF);
	ck_assert_uint_eq(f.msgnum, 8);
	ck_assert_uint_eq(off + used, n1 + n2 + n3);
}
END_TEST

START_TEST(test_not_ours)
{
	static const char http[] = "GET / HTTP/1.0\r\nHost: x\r\n\r\n";
	struct frame_error err;
	struct frame f;
	size_t used = 99;

	ck_assert_int_eq(frame_decode((const uint8_t *)http, strlen(http), &f,
	    &used, &err), FRAME_ERROR);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(err.kind, FE_NOT_OURS);
	/* The first 16 bytes: "GET / HTTP/1.0\r\n". */
	ck_assert_str_eq(err.hex, "474554202f20485454502f312e300d0a");
	ck_assert_str_eq(frame_error_name(err.kind), "Unexpected msg");
	/* Refused from the first wrong byte, without waiting for more. */
	ck_assert_int_eq(frame_decode((const uint8_t *)"G", 1, &f, &used,
	    &err), FRAME_ERROR);
	ck_assert_int_eq(err.kind, FE_NOT_OURS);
	ck_assert_str_eq(err.hex, "47");
	ck_assert_int_eq(frame_decode((const uint8_t *)"TSK2", 4, &f, &used,
	    &err), FRAME_ERROR);
	ck_assert_int_eq(err.kind, FE_NOT_OURS);
	ck_assert_int_eq(frame_decode((const uint8_t *)"TSK", 3, &f, &used,
	    &err), FRAME_NEED_MORE);
	ck_assert_int_eq(frame_decode((const uint8_t *)"TSK1", 4, &f, &used,
	    &err), FRAME_NEED_MORE);
}
END_TEST

/* A frame whose CRC is right but one header field is not. */
struct bad_case {
	const char		*what;
	uint8_t			 version, type;
	uint16_t		 flags;
	uint32_t		 len;
	uint64_t		 msgnum, aux;
	enum frame_error_kind	 kind;
};

#define BIG	FRAME_MSGNUM_MAX
static const struct bad_case bad_cases[] = {
	{ "version 0", 0, FT_DATA, 0, 1, 1, 0, FE_BAD_HEADER },
	{ "version 2", 2, FT_DATA, 0, 1, 1, 0, FE_BAD_HEADER },
	{ "type 0", 1, 0, 0, 0, 0, 0, FE_BAD_HEADER },
	{ "type 13", 1, FT__COUNT, 0, 0, 0, 0, FE_BAD_HEADER },
	{ "type 255", 1, 255, 0, 0, 0, 0, FE_BAD_HEADER },
	{ "DATA empty", 1, FT_DATA, 0, 0, 1, 0, FE_BAD_HEADER },
	{ "ACK payload", 1, FT_ACK, 0, 1, 0, 1, FE_BAD_HEADER },
	{ "EOF payload", 1, FT_EOF, 0, 1, 1, 0, FE_BAD_HEADER },
	{ "SYNC payload", 1, FT_SYNC, 0, 8, 1, 0, FE_BAD_HEADER },
	{ "HEARTBEAT payload", 1, FT_HEARTBEAT, 0, 1, 0, 1, FE_BAD_HEADER },
	{ "HEARTBEAT_ACK payload", 1, FT_HEARTBEAT_ACK, 0, 4, 0, 1,
	    FE_BAD_HEADER },
	{ "HELLO empty", 1, FT_HELLO, 0, 0, 0, 0, FE_BAD_HEADER },
	{ "HELLO 4097", 1, FT_HELLO, 0, 4097, 0, 0, FE_BAD_HEADER },
	{ "HELLO_ACK 4097", 1, FT_HELLO_ACK, 0, 4097, 0, 0, FE_BAD_HEADER },
	{ "CHECK_REQ empty", 1, FT_CHECK_REQ, 0, 0, 0, 0, FE_BAD_HEADER },
	{ "CHECK_REQ 4097", 1, FT_CHECK_REQ, 0, 4097, 0, 0, FE_BAD_HEADER },
	{ "CHECK_RESP 4097", 1, FT_CHECK_RESP, 0, 4097, 0, 0, FE_BAD_HEADER },
	{ "ERROR empty", 1, FT_ERROR, 0, 0, 0, 0, FE_BAD_HEADER },
	{ "ERROR 1025", 1, FT_ERROR, 0, 1025, 0, 0, FE_BAD_HEADER },
	{ "SHUTDOWN 1025", 1, FT_SHUTDOWN, 0, 1025, 0, 0, FE_BAD_HEADER },
	{ "DATA flags", 1, FT_DATA, 1, 1, 1, 0, FE_BAD_HEADER },
	{ "ACK flags", 1, FT_ACK, 0x8000, 0, 0, 1, FE_BAD_HEADER },
	{ "DATA msgnum 0", 1, FT_DATA, 0, 1, 0, 0, FE_BAD_MSGNUM },
	{ "DATA msgnum 2^63", 1, FT_DATA, 0, 1, BIG + 1, 0, FE_BAD_MSGNUM },
	{ "EOF msgnum 0", 1, FT_EOF, 0, 0, 0, 0, FE_BAD_MSGNUM },
	{ "SYNC msgnum 0", 1, FT_SYNC, 0, 0, 0, 0, FE_BAD_MSGNUM },
	{ "SYNC msgnum max", 1, FT_SYNC, 0, 0, UINT64_MAX, 0, FE_BAD_MSGNUM },
	{ "ACK msgnum", 1, FT_ACK, 0, 0, 5, 5, FE_BAD_MSGNUM },
	{ "HELLO msgnum", 1, FT_HELLO, 0, 1, 1, 0, FE_BAD_MSGNUM },
	{ "HEARTBEAT msgnum", 1, FT_HEARTBEAT, 0, 0, 1, 0, FE_BAD_MSGNUM },
	{ "ACK 2^63", 1, FT_ACK, 0, 0, 0, BIG + 1, FE_BAD_MSGNUM },
	{ "DATA aux", 1, FT_DATA, 0, 1, 1, 1, FE_BAD_HEADER },
	{ "EOF aux", 1, FT_EOF, 0, 0, 1, 1, FE_BAD_HEADER },
	{ "HELLO aux", 1, FT_HELLO, 0, 1, 0, 1, FE_BAD_HEADER },
	{ "ERROR aux", 1, FT_ERROR, 0, 1, 0, 1, FE_BAD_HEADER },
};

START_TEST(test_bad_field)
{
	const struct bad_case *c = &bad_cases[_i];
	uint8_t payload[4097], buf[FRAME_HDR_LEN + sizeof(payload)];
	uint8_t hdr[FRAME_HDR_LEN], zero[FRAME_HDR_LEN];
	char hex[FRAME_HEX_MAX];
	struct frame_error err;
	struct frame f;
	size_t n, used = 1;

	memset(payload, 'p', sizeof(payload));
	n = raw_frame(buf, c->version, c->type, c->flags, c->len, c->msgnum,
	    c->aux, payload, c->len);
	ck_assert_msg(frame_decode(buf, n, &f, &used, &err) == FRAME_ERROR,
	    "%s: accepted", c->what);
	ck_assert_msg(err.kind == c->kind, "%s: kind %d, detail %s", c->what,
	    err.kind, err.detail);
	ck_assert_uint_eq(used, 0);
	ck_assert_str_ne(err.detail, "");
	frame_hex(hex, sizeof(hex), buf, FRAME_HDR_LEN);
	ck_assert_str_eq(err.hex, hex);
	ck_assert_uint_eq(strlen(err.hex), 2 * FRAME_HDR_LEN);
	if (c->kind == FE_BAD_MSGNUM)
		ck_assert(err.value == c->msgnum || err.value == c->aux);
	/* The encoder refuses to produce it. */
	if (c->version == FRAME_VERSION) {
		memset(zero, 0, sizeof(zero));
		ck_assert_int_eq(frame_header(hdr, c->type, c->flags,
		    c->msgnum, c->aux, payload, c->len), -1);
		ck_assert_mem_eq(hdr, zero, FRAME_HDR_LEN);
		ck_assert_uint_eq(frame_encode(buf, sizeof(buf), c->type,
		    c->flags, c->msgnum, c->aux, payload, c->len), 0);
	}
}
END_TEST

/* Corrupt each header field of a valid frame (CRC left as it was). */
START_TEST(test_corrupt_field)
{
	static const struct { size_t off, n; } fields[] = {
		{ 0, 4 }, { 4, 1 }, { 5, 1 }, { 6, 2 }, { 8, 4 }, { 12, 8 },
		{ 20, 8 }, { 28, 4 },
	};
	uint8_t payload[40], buf[FRAME_HDR_LEN + sizeof(payload)];
	struct frame_error err;
	struct frame f;
	size_t n, used, i, k;

	fill_random(payload, sizeof(payload));
	for (i = 0; i < ARRAY_LEN(fields); i++) {
		n = frame_encode(buf, sizeof(buf), FT_DATA, 0, 1000, 0,
		    payload, sizeof(payload));
		for (k = 0; k < fields[i].n; k++)
			buf[fields[i].off + k] ^= 0x5a;
		ck_assert_msg(frame_decode(buf, n, &f, &used, &err) !=
		    FRAME_OK, "field at %zu", fields[i].off);
		if (fields[i].off == 0)
			ck_assert_int_eq(err.kind, FE_NOT_OURS);
	}
}
END_TEST

/*
 * Every single flipped bit of a frame is caught.  The frame is followed
 * by zeros up to the largest frame, so a flip that makes the length
 * grow is decoded to the end (and fails on the CRC) instead of waiting.
 */
START_TEST(test_every_bit_flip)
{
	static const uint8_t types[] = { FT_DATA, FT_ACK, FT_EOF, FT_HELLO,
	    FT_HEARTBEAT, FT_ERROR };
	uint8_t t = types[_i], payload[24];
	size_t cap = FRAME_MAX_LEN + 1, n, used, bit;
	uint8_t *buf = calloc(1, cap);
	enum frame_result r;
	struct frame_error err;
	struct frame f;
	uint64_t msgnum, aux;
	uint32_t len;

	ck_assert_ptr_nonnull(buf);
	fill_random(payload, sizeof(payload));
	valid_fields(t, &msgnum, &aux);
	len = max_payload(t) < sizeof(payload) ? max_payload(t) :
	    sizeof(payload);
	n = frame_encode(buf, cap, t, 0, msgnum, aux, payload, len);
	ck_assert_uint_eq(n, FRAME_HDR_LEN + len);
	ck_assert_int_eq(frame_decode(buf, cap, &f, &used, &err), FRAME_OK);
	for (bit = 0; bit < 8 * n; bit++) {
		buf[bit / 8] ^= (uint8_t)(1U << (bit % 8));
		r = frame_decode(buf, cap, &f, &used, &err);
		ck_assert_msg(r == FRAME_ERROR, "%s: bit %zu gave %d",
		    frame_type_name(t), bit, r);
		ck_assert_int_ne(err.kind, FE_NONE);
		/* With only the frame's bytes: never OK either. */
		r = frame_decode(buf, n, &f, &used, &err);
		ck_assert_msg(r != FRAME_OK, "%s: bit %zu accepted",
		    frame_type_name(t), bit);
		if (r == FRAME_NEED_MORE)	/* only a longer length */
			ck_assert(bit / 8 >= 8 && bit / 8 < 12 && used > n);
		buf[bit / 8] ^= (uint8_t)(1U << (bit % 8));
	}
	free(buf);
}
END_TEST

START_TEST(test_oversize_from_header)
{
	static const uint32_t lens[] = { FRAME_MAX_PAYLOAD + 1, 0x7fffffffU,
	    0xffffffffU };
	uint8_t buf[FRAME_HDR_LEN], payload[1] = { 0 };
	struct frame_error err;
	struct frame f;
	size_t used, i;

	for (i = 0; i < ARRAY_LEN(lens); i++) {
		/* Only the 32 header bytes: refused, no wait for more. */
		raw_frame(buf, 1, FT_DATA, 0, lens[i], 1, 0, payload, 0);
		ck_assert_int_eq(frame_decode(buf, sizeof(buf), &f, &used,
		    &err), FRAME_ERROR);
		ck_assert_int_eq(err.kind, FE_BAD_HEADER);
		ck_assert_ptr_nonnull(strstr(err.detail, "maximum"));
	}
	/* Exactly the maximum: wait for it. */
	raw_frame(buf, 1, FT_DATA, 0, FRAME_MAX_PAYLOAD, 1, 0, payload, 0);
	ck_assert_int_eq(frame_decode(buf, sizeof(buf), &f, &used, &err),
	    FRAME_NEED_MORE);
	ck_assert_uint_eq(used, FRAME_MAX_LEN);
	ck_assert_int_eq(frame_header(buf, FT_DATA, 0, 1, 0, payload,
	    FRAME_MAX_PAYLOAD + 1), -1);
	ck_assert_int_eq(frame_header(buf, FT_DATA, 0, 1, 0, NULL, 1), -1);
}
END_TEST

START_TEST(test_encode_in_place)
{
	uint8_t buf[FRAME_HDR_LEN + 64], copy[64];
	struct frame f;
	size_t used;

	/* Payload already at the front of the output buffer. */
	fill_random(buf, 64);
	memcpy(copy, buf, 64);
	ck_assert_uint_eq(frame_encode(buf, sizeof(buf), FT_DATA, 0, 3, 0,
	    buf, 64), sizeof(buf));
	ck_assert_int_eq(frame_decode(buf, sizeof(buf), &f, &used, NULL),
	    FRAME_OK);
	ck_assert_mem_eq(f.payload, copy, 64);
}
END_TEST

/* HELLO ----------------------------------------------------------------- */

static struct hello
sample_hello(void)
{
	struct hello h;
	int i;

	memset(&h, 0, sizeof(h));
	h.version = 1;
	h.role = HELLO_ROLE_OUT;
	snprintf(h.name, sizeof(h.name), "prod.tx-log_1");
	snprintf(h.peer, sizeof(h.peer), "%s",
	    "backup0123456789012345678901234");	/* 32 characters */
	for (i = 0; i < HELLO_STREAM_LEN; i++)
		h.stream[i] = (uint8_t)(0xa0 + i);
	h.clock_ns = 1700000000123456789ULL;
	h.last_msgnum = 123456789012ULL;
	h.window = 256;
	h.max_payload = FRAME_MAX_PAYLOAD;
	h.options = 0x80000001U;
	return h;
}

static int
hello_eq(const struct hello *a, const struct hello *b)
{
	return a->version == b->version && a->role == b->role &&
	    strcmp(a->name, b->name) == 0 && strcmp(a->peer, b->peer) == 0 &&
	    memcmp(a->stream, b->stream, HELLO_STREAM_LEN) == 0 &&
	    a->clock_ns == b->clock_ns && a->last_msgnum == b->last_msgnum &&
	    a->window == b->window && a->max_payload == b->max_payload &&
	    a->options == b->options;
}

/* Offsets of the TLVs of a payload known to be well formed. */
static size_t
tlv_offsets(const uint8_t *p, size_t len, size_t *offs, size_t max)
{
	size_t off = 0, n = 0;

	while (off + 3 <= len && n < max) {
		offs[n++] = off;
		off += 3 + ((size_t)p[off + 1] << 8 | p[off + 2]);
	}
	return n;
}

static size_t
put_tlv(uint8_t *out, uint8_t tag, const void *v, uint16_t n)
{
	out[0] = tag;
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)n;
	if (n > 0)
		memcpy(out + 3, v, n);
	return 3 + (size_t)n;
}

START_TEST(test_hello_round_trip)
{
	struct hello h = sample_hello(), g;
	uint8_t p[FRAME_HELLO_MAX], buf[FRAME_HDR_LEN + FRAME_HELLO_MAX];
	struct frame_error err;
	struct frame f;
	size_t len, n, used;

	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	ck_assert_int_eq(hello_decode(p, len, &g, &err), 0);
	ck_assert_int_eq(err.kind, FE_NONE);
	ck_assert(hello_eq(&h, &g));
	/* Inside a HELLO_ACK frame, the receiver's side. */
	h.role = HELLO_ROLE_IN;
	h.last_msgnum = 0;
	memset(h.stream, 0, sizeof(h.stream));
	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	n = frame_encode(buf, sizeof(buf), FT_HELLO_ACK, 0, 0, 0, p,
	    (uint32_t)len);
	ck_assert_uint_ne(n, 0);
	ck_assert_int_eq(frame_decode(buf, n, &f, &used, &err), FRAME_OK);
	ck_assert_int_eq(hello_decode(f.payload, f.len, &g, &err), 0);
	ck_assert(hello_eq(&h, &g));
	/* Extreme values. */
	h.last_msgnum = FRAME_MSGNUM_MAX;
	h.clock_ns = UINT64_MAX;
	h.window = UINT32_MAX;
	h.max_payload = 1;
	snprintf(h.name, sizeof(h.name), "a");
	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	ck_assert_int_eq(hello_decode(p, len, &g, &err), 0);
	ck_assert(hello_eq(&h, &g));
	/* Every buffer too small is refused. */
	for (n = 0; n < len; n++)
		ck_assert_int_eq(hello_encode(&h, p, n, &used), -1);
}
END_TEST

START_TEST(test_hello_truncated)
{
	struct hello h = sample_hello(), g;
	uint8_t p[FRAME_HELLO_MAX];
	struct frame_error err;
	size_t len, k;

	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	for (k = 0; k < len; k++) {
		ck_assert_msg(hello_decode(p, k, &g, &err) == -1,
		    "accepted %zu of %zu bytes", k, len);
		ck_assert_int_eq(err.kind, FE_BAD_HELLO);
		ck_assert_str_ne(err.detail, "");
	}
}
END_TEST

START_TEST(test_hello_unknown_ignored)
{
	struct hello h = sample_hello(), g;
	uint8_t p[FRAME_HELLO_MAX], q[FRAME_HELLO_MAX];
	size_t len, offs[16], ntlv, i, n;
	struct frame_error err;

	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	ntlv = tlv_offsets(p, len, offs, ARRAY_LEN(offs));
	ck_assert_uint_eq(ntlv, 10);
	/* An unknown TLV before each TLV and at the end. */
	for (i = 0; i <= ntlv; i++) {
		size_t at = i < ntlv ? offs[i] : len;

		memcpy(q, p, at);
		n = at + put_tlv(q + at, (uint8_t)(200 + i), "future", 6);
		n += put_tlv(q + n, 255, NULL, 0);
		memcpy(q + n, p + at, len - at);
		n += len - at;
		ck_assert_int_eq(hello_decode(q, n, &g, &err), 0);
		ck_assert(hello_eq(&h, &g));
	}
	/* Unknown ones may repeat: a later version defines them. */
	n = put_tlv(q, 99, "x", 1);
	n += put_tlv(q + n, 99, "y", 1);
	memcpy(q + n, p, len);
	ck_assert_int_eq(hello_decode(q, n + len, &g, &err), 0);
	/* Reversed order is as good. */
	n = 0;
	for (i = ntlv; i-- > 0;) {
		size_t end = i + 1 < ntlv ? offs[i + 1] : len;

		memcpy(q + n, p + offs[i], end - offs[i]);
		n += end - offs[i];
	}
	ck_assert_uint_eq(n, len);
	ck_assert_int_eq(hello_decode(q, n, &g, &err), 0);
	ck_assert(hello_eq(&h, &g));
}
END_TEST

START_TEST(test_hello_duplicate_missing)
{
	struct hello h = sample_hello(), g;
	uint8_t p[FRAME_HELLO_MAX], q[2 * FRAME_HELLO_MAX];
	size_t len, offs[16], ntlv, i, n, end;
	struct frame_error err;

	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	ntlv = tlv_offsets(p, len, offs, ARRAY_LEN(offs));
	for (i = 0; i < ntlv; i++) {
		end = i + 1 < ntlv ? offs[i + 1] : len;
		/* Each TLV twice. */
		memcpy(q, p, len);
		memcpy(q + len, p + offs[i], end - offs[i]);
		n = len + end - offs[i];
		ck_assert_msg(hello_decode(q, n, &g, &err) == -1,
		    "tag %u twice accepted", p[offs[i]]);
		ck_assert_ptr_nonnull(strstr(err.detail, "twice"));
		/* Each TLV left out: all are mandatory. */
		memcpy(q, p, offs[i]);
		memcpy(q + offs[i], p + end, len - end);
		n = len - (end - offs[i]);
		ck_assert_msg(hello_decode(q, n, &g, &err) == -1,
		    "tag %u missing accepted", p[offs[i]]);
		ck_assert_ptr_nonnull(strstr(err.detail, "missing"));
	}
	ck_assert_int_eq(hello_decode(p, 0, &g, &err), -1);
}
END_TEST

/* One TLV replaced by (tag, value): the rest as sample_hello. */
static int
hello_with(uint8_t tag, const void *v, uint16_t vn, struct frame_error *err)
{
	struct hello h = sample_hello(), g;
	uint8_t p[FRAME_HELLO_MAX], q[2 * FRAME_HELLO_MAX];
	size_t len, offs[16], ntlv, i, n = 0, end;

	ck_assert_int_eq(hello_encode(&h, p, sizeof(p), &len), 0);
	ntlv = tlv_offsets(p, len, offs, ARRAY_LEN(offs));
	for (i = 0; i < ntlv; i++) {
		end = i + 1 < ntlv ? offs[i + 1] : len;
		if (p[offs[i]] == tag)
			n += put_tlv(q + n, tag, v, vn);
		else {
			memcpy(q + n, p + offs[i], end - offs[i]);
			n += end - offs[i];
		}
	}
	return hello_decode(q, n, &g, err);
}

START_TEST(test_hello_bad_values)
{
	static const char *bad_names[] = { "",
	    "a23456789012345678901234567890123", "-lead", ".lead", "_lead",
	    "sp ace", "sla/sh", "tab\t", "colon:", "\xc3\xa9t\xc3\xa9" };
	uint8_t v8[8], v4[4], big[64];
	struct frame_error err;
	struct hello h;
	size_t i, len;
	uint8_t out[FRAME_HELLO_MAX];

	/* Sanity: the untouched sample decodes. */
	ck_assert_int_eq(hello_with(HELLO_T_WINDOW, "\0\0\1\0", 4, &err), 0);
	for (i = 0; i < ARRAY_LEN(bad_names); i++) {
		ck_assert_msg(hello_with(HELLO_T_NAME, bad_names[i],
		    (uint16_t)strlen(bad_names[i]), &err) == -1,
		    "name '%s' accepted", bad_names[i]);
		ck_assert_int_eq(err.kind, FE_BAD_HELLO);
		ck_assert_int_eq(hello_with(HELLO_T_PEER, bad_names[i],
		    (uint16_t)strlen(bad_names[i]), &err), -1);
		ck_assert_int_eq(hello_name_valid(bad_names[i]), 0);
		h = sample_hello();
		snprintf(h.name, sizeof(h.name), "%s", bad_names[i]);
		if (strlen(bad_names[i]) <= HELLO_NAME_MAX)
			ck_assert_int_eq(hello_encode(&h, out, sizeof(out),
			    &len), -1);
	}
	ck_assert_int_eq(hello_with(HELLO_T_NAME, "a\0b", 3, &err), -1);
	ck_assert_int_eq(hello_name_valid("Z9.-_"), 1);
	/* Names at the limit, and one over it (33 characters). */
	ck_assert_int_eq(hello_with(HELLO_T_NAME,
	    "a2345678901234567890123456789012", 32, &err), 0);
	ck_assert_int_eq(hello_with(HELLO_T_NAME,
	    "a23456789012345678901234567890123", 33, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.detail, "name"));
	/* Fixed sizes, exactly. */
	memset(big, 0, sizeof(big));
	ck_assert_int_eq(hello_with(HELLO_T_VERSION, "\1\0", 2, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_VERSION, "", 0, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_VERSION, "\0", 1, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_VERSION, "\2", 1, &err), 0);
	ck_assert_int_eq(hello_with(HELLO_T_ROLE, "\3", 1, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_ROLE, "\0", 1, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_ROLE, "\2", 1, &err), 0);
	ck_assert_int_eq(hello_with(HELLO_T_STREAM, big, 15, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_STREAM, big, 17, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_STREAM, big, 16, &err), 0);
	ck_assert_int_eq(hello_with(HELLO_T_CLOCK, big, 4, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_LAST, big, 9, &err), -1);
	put64(v8, FRAME_MSGNUM_MAX + 1);
	ck_assert_int_eq(hello_with(HELLO_T_LAST, v8, 8, &err), -1);
	put32(v4, 0);
	ck_assert_int_eq(hello_with(HELLO_T_WINDOW, v4, 4, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_MAXPAYLOAD, v4, 4, &err), -1);
	put32(v4, FRAME_MAX_PAYLOAD + 1);
	ck_assert_int_eq(hello_with(HELLO_T_MAXPAYLOAD, v4, 4, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_OPTIONS, big, 8, &err), -1);
	ck_assert_int_eq(hello_with(HELLO_T_WINDOW, big, 2, &err), -1);
	/* The encoder checks the same rules. */
	h = sample_hello();
	h.role = 0;
	ck_assert_int_eq(hello_encode(&h, out, sizeof(out), &len), -1);
	h = sample_hello();
	h.version = 0;
	ck_assert_int_eq(hello_encode(&h, out, sizeof(out), &len), -1);
	h = sample_hello();
	h.window = 0;
	ck_assert_int_eq(hello_encode(&h, out, sizeof(out), &len), -1);
	h = sample_hello();
	h.max_payload = FRAME_MAX_PAYLOAD + 1;
	ck_assert_int_eq(hello_encode(&h, out, sizeof(out), &len), -1);
	h = sample_hello();
	h.last_msgnum = FRAME_MSGNUM_MAX + 1;
	ck_assert_int_eq(hello_encode(&h, out, sizeof(out), &len), -1);
	h = sample_hello();
	memset(h.peer, 'a', sizeof(h.peer));	/* no NUL at all */
	ck_assert_int_eq(hello_encode(&h, out, sizeof(out), &len), -1);
}
END_TEST

START_TEST(test_hello_malformed_tlv)
{
	struct hello h = sample_hello(), g;
	uint8_t p[FRAME_HELLO_MAX + 16];
	struct frame_error err;
	size_t len, n;

	ck_assert_int_eq(hello_encode(&h, p, FRAME_HELLO_MAX, &len), 0);
	/* Tag 0 is never valid (zero padding is garbage, not a TLV). */
	n = len + put_tlv(p + len, 0, NULL, 0);
	ck_assert_int_eq(hello_decode(p, n, &g, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.detail, "tag 0"));
	/* A length running past the end. */
	p[len] = 200;
	p[len + 1] = 0;
	p[len + 2] = 5;
	memcpy(p + len + 3, "abcd", 4);
	ck_assert_int_eq(hello_decode(p, len + 7, &g, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.detail, "past the end"));
	p[len + 1] = 0xff;
	p[len + 2] = 0xff;
	ck_assert_int_eq(hello_decode(p, len + 7, &g, &err), -1);
	/* One or two trailing bytes: a cut TLV header. */
	ck_assert_int_eq(hello_decode(p, len + 1, &g, &err), -1);
	ck_assert_int_eq(hello_decode(p, len + 2, &g, &err), -1);
	ck_assert_int_eq(hello_decode(p, len + 3, &g, &err), -1);
	/* Over 4096 bytes in all, even if well formed. */
	n = len + put_tlv(p + len, 201, NULL, 0);
	memset(p + n, 0, sizeof(p) - n);
	p[n] = 202;
	p[n + 1] = (uint8_t)((FRAME_HELLO_MAX - n - 3) >> 8);
	p[n + 2] = (uint8_t)(FRAME_HELLO_MAX - n - 3);
	ck_assert_int_eq(hello_decode(p, FRAME_HELLO_MAX, &g, &err), 0);
	p[n + 1] = (uint8_t)((FRAME_HELLO_MAX + 1 - n - 3) >> 8);
	p[n + 2] = (uint8_t)(FRAME_HELLO_MAX + 1 - n - 3);
	ck_assert_int_eq(hello_decode(p, FRAME_HELLO_MAX + 1, &g, &err), -1);
	ck_assert_int_eq(err.kind, FE_BAD_HELLO);
}
END_TEST

/* The examples of doc/PROTOCOL.md section 11, byte for byte. */
START_TEST(test_doc_examples)
{
	static const uint8_t data1[] = {
		0x54, 0x53, 0x4b, 0x31, 0x01, 0x03, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x2d, 0x52, 0x93, 0xfc,
		'h', 'e', 'l', 'l', 'o', '\n' };
	static const uint8_t ack1[] = {
		0x54, 0x53, 0x4b, 0x31, 0x01, 0x04, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x01, 0x8b, 0xb3, 0xfb, 0x2f };
	static const uint8_t hb[] = {
		0x54, 0x53, 0x4b, 0x31, 0x01, 0x0a, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x12, 0x34, 0xe7, 0xaa, 0x0f, 0x99 };
	static const uint8_t hello[] = {
		0x54, 0x53, 0x4b, 0x31, 0x01, 0x01, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x56, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0xa3, 0xae, 0x89, 0x29,
		0x01, 0x00, 0x01, 0x01, 0x02, 0x00, 0x01, 0x01,
		0x03, 0x00, 0x04, 'p', 'r', 'o', 'd',
		0x04, 0x00, 0x06, 'b', 'a', 'c', 'k', 'u', 'p',
		0x05, 0x00, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44,
		0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
		0xdd, 0xee, 0xff, 0x06, 0x00, 0x08, 0x17, 0x97,
		0x9c, 0xfe, 0x36, 0x2a, 0x00, 0x00, 0x07, 0x00,
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x40,
		0x09, 0x00, 0x04, 0x00, 0x10, 0x00, 0x00, 0x0a,
		0x00, 0x04, 0x00, 0x00, 0x00, 0x00 };
	uint8_t buf[256], hp[FRAME_HELLO_MAX];
	struct hello h, g;
	size_t hlen;
	int i;

	ck_assert_uint_eq(frame_encode(buf, sizeof(buf), FT_DATA, 0, 1, 0,
	    (const uint8_t *)"hello\n", 6), sizeof(data1));
	ck_assert_mem_eq(buf, data1, sizeof(data1));
	ck_assert_uint_eq(frame_encode(buf, sizeof(buf), FT_ACK, 0, 0, 1,
	    NULL, 0), sizeof(ack1));
	ck_assert_mem_eq(buf, ack1, sizeof(ack1));
	ck_assert_uint_eq(frame_encode(buf, sizeof(buf), FT_HEARTBEAT, 0, 0,
	    0x1234, NULL, 0), sizeof(hb));
	ck_assert_mem_eq(buf, hb, sizeof(hb));
	memset(&h, 0, sizeof(h));
	h.version = 1;
	h.role = HELLO_ROLE_OUT;
	snprintf(h.name, sizeof(h.name), "prod");
	snprintf(h.peer, sizeof(h.peer), "backup");
	for (i = 0; i < HELLO_STREAM_LEN; i++)
		h.stream[i] = (uint8_t)(0x11 * i);
	h.clock_ns = 1700000000000000000ULL;
	h.last_msgnum = 1;
	h.window = 64;
	h.max_payload = FRAME_MAX_PAYLOAD;
	ck_assert_int_eq(hello_encode(&h, hp, sizeof(hp), &hlen), 0);
	ck_assert_uint_eq(frame_encode(buf, sizeof(buf), FT_HELLO, 0, 0, 0,
	    hp, (uint32_t)hlen), sizeof(hello));
	ck_assert_mem_eq(buf, hello, sizeof(hello));
	ck_assert_int_eq(hello_decode(hello + FRAME_HDR_LEN,
	    sizeof(hello) - FRAME_HDR_LEN, &g, NULL), 0);
	ck_assert(hello_eq(&h, &g));
}
END_TEST

Suite *
frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *tc = tcase_create("frame");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_crc32c_vectors);
	tcase_add_test(tc, test_crc32c_hw_sw);
	tcase_add_test(tc, test_crc32c_combine);
	tcase_add_loop_test(tc, test_round_trip, FT_HELLO, FT__COUNT);
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_printable);
	tcase_add_test(tc, test_need_more_every_prefix);
	tcase_add_test(tc, test_back_to_back);
	tcase_add_test(tc, test_not_ours);
	tcase_add_loop_test(tc, test_bad_field, 0, (int)ARRAY_LEN(bad_cases));
	tcase_add_test(tc, test_corrupt_field);
	tcase_add_loop_test(tc, test_every_bit_flip, 0, 6);
	tcase_add_test(tc, test_oversize_from_header);
	tcase_add_test(tc, test_encode_in_place);
	tcase_add_test(tc, test_hello_round_trip);
	tcase_add_test(tc, test_hello_truncated);
	tcase_add_test(tc, test_hello_unknown_ignored);
	tcase_add_test(tc, test_hello_duplicate_missing);
	tcase_add_test(tc, test_hello_bad_values);
	tcase_add_test(tc, test_hello_malformed_tlv);
	tcase_add_test(tc, test_doc_examples);
	suite_add_tcase(s, tc);
	return s;
}
