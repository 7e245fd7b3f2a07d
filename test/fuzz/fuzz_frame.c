/*
 * fuzz_frame.c — libFuzzer target for the frame decoder and the HELLO
 * payload decoder (tapesock/frame.c).
 *
 * The input is a byte stream as a receiver reads it from a socket: it
 * is decoded frame after frame, advancing by `used`, until the decoder
 * wants more or refuses.  A second pass decodes a copy whose CRCs were
 * recomputed, so that mutations also reach the checks behind the CRC
 * and the HELLO decoder instead of dying on the checksum.  Every frame
 * accepted must re-encode to the very same bytes; every HELLO accepted
 * must survive an encode/decode round trip.
 *
 * Built with -DFUZZ_FRAME_SEED it is instead a plain program that
 * writes a seed corpus of valid frames into the directory argv[1].
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"
#include "frame.h"

#define FUZZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint8_t	fuzz_out[FRAME_MAX_LEN];

static uint32_t
fuzz_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
fuzz_hello(const uint8_t *p, size_t len)
{
	uint8_t out[FRAME_HELLO_MAX];
	struct frame_error err;
	struct hello h, g;
	size_t n;

	if (hello_decode(p, len, &h, &err) != 0) {
		FUZZ_CHECK(err.kind == FE_BAD_HELLO);
		FUZZ_CHECK(memchr(err.detail, '\0', sizeof(err.detail)));
		return;
	}
	FUZZ_CHECK(hello_name_valid(h.name) && hello_name_valid(h.peer));
	FUZZ_CHECK(hello_encode(&h, out, sizeof(out), &n) == 0);
	FUZZ_CHECK(n <= len);	/* unknown TLVs are dropped */
	FUZZ_CHECK(hello_decode(out, n, &g, &err) == 0);
	FUZZ_CHECK(memcmp(&h, &g, sizeof(h)) == 0);
}

/* Decode p[0..size) as a stream of frames. */
static void
fuzz_stream(const uint8_t *p, size_t size)
{
	struct frame_error err;
	enum frame_result r;
	struct frame f;
	size_t off = 0, used, n;

	while (off < size) {
		r = frame_decode(p + off, size - off, &f, &used, &err);
		if (r == FRAME_ERROR) {
			FUZZ_CHECK(used == 0 && err.kind != FE_NONE);
			FUZZ_CHECK(memchr(err.hex, '\0', sizeof(err.hex)));
			return;
		}
		if (r == FRAME_NEED_MORE) {
			FUZZ_CHECK(used > size - off && used <= FRAME_MAX_LEN);
			return;
		}
		FUZZ_CHECK(r == FRAME_OK);
		FUZZ_CHECK(used == FRAME_HDR_LEN + (size_t)f.len);
		FUZZ_CHECK(used <= size - off);
		FUZZ_CHECK(f.len == 0 ? f.payload == NULL :
		    f.payload == p + off + FRAME_HDR_LEN);
		n = frame_encode(fuzz_out, sizeof(fuzz_out), f.type, f.flags,
		    f.msgnum, f.aux, f.payload, f.len);
		FUZZ_CHECK(n == used && memcmp(fuzz_out, p + off, n) == 0);
		FUZZ_CHECK(strcmp(frame_type_name(f.type), "UNKNOWN") != 0);
		if (f.type == FT_HELLO || f.type == FT_HELLO_ACK)
			fuzz_hello(f.payload, f.len);
		off += used;
	}
}

/* Recompute the CRC of every complete frame of a copy of p. */
static void
fuzz_repair(uint8_t *p, size_t size)
{
	size_t off = 0;
	uint32_t len, crc;

	while (size - off >= FRAME_HDR_LEN) {
		len = fuzz_get32(p + off + 8);
		if (len > FRAME_MAX_PAYLOAD || size - off - FRAME_HDR_LEN < len)
			return;
		memset(p + off + 28, 0, 4);
		crc = crc32c(0, p + off, FRAME_HDR_LEN);
		crc = crc32c(crc, p + off + FRAME_HDR_LEN, len);
		p[off + 28] = (uint8_t)(crc >> 24);
		p[off + 29] = (uint8_t)(crc >> 16);
		p[off + 30] = (uint8_t)(crc >> 8);
		p[off + 31] = (uint8_t)crc;
		off += FRAME_HDR_LEN + len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy;

	fuzz_stream(data, size);
	fuzz_hello(data, size);
	if (size == 0)
		return 0;
	copy = malloc(size);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	fuzz_repair(copy, size);
	fuzz_stream(copy, size);
	free(copy);
	return 0;
}

#ifdef FUZZ_FRAME_SEED

int	main(int, char **);

static int
seed_write(const char *dir, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL || fwrite(p, 1, n, f) != n ||
	    fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static uint8_t stream[8 * 1024 + 4 * FRAME_HELLO_MAX];
	uint8_t hp[FRAME_HELLO_MAX], data[3000];
	struct hello h;
	size_t hlen, n, off = 0, i;
	char name[64];
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
		return 2;
	}
	memset(&h, 0, sizeof(h));
	h.version = 1;
	h.role = HELLO_ROLE_OUT;
	snprintf(h.name, sizeof(h.name), "prod");
	snprintf(h.peer, sizeof(h.peer), "backup");
	for (i = 0; i < HELLO_STREAM_LEN; i++)
		h.stream[i] = (uint8_t)(i * 17);
	h.clock_ns = 1700000000000000000ULL;
	h.last_msgnum = 1;
	h.window = 64;
	h.max_payload = FRAME_MAX_PAYLOAD;
	if (hello_encode(&h, hp, sizeof(hp), &hlen) != 0)
		return 1;
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)("tape block "[i % 11]);

	/* One file per type, and all of them in one stream. */
#define SEED(type, msgnum, aux, p, len) do {				\
	n = frame_encode(stream + off, sizeof(stream) - off, (type), 0,	\
	    (msgnum), (aux), (p), (len));				\
	if (n == 0)							\
		return 1;						\
	snprintf(name, sizeof(name), "frame-%s", frame_type_name(type));\
	rc |= seed_write(argv[1], name, stream + off, n);		\
	off += n;							\
} while (0)
	SEED(FT_HELLO, 0, 0, hp, (uint32_t)hlen);
	h.role = HELLO_ROLE_IN;
	h.last_msgnum = 0;
	if (hello_encode(&h, hp, sizeof(hp), &hlen) != 0)
		return 1;
	SEED(FT_HELLO_ACK, 0, 0, hp, (uint32_t)hlen);
	SEED(FT_DATA, 1, 0, data, sizeof(data));
	SEED(FT_ACK, 0, 1, NULL, 0);
	SEED(FT_SYNC, 2, 0, NULL, 0);
	SEED(FT_EOF, 2, 0, NULL, 0);
	SEED(FT_CHECK_REQ, 0, 0, (const uint8_t *)"query", 5);
	SEED(FT_CHECK_RESP, 0, 0, (const uint8_t *)"OK running", 10);
	SEED(FT_SHUTDOWN, 0, 0, (const uint8_t *)"operator", 8);
	SEED(FT_HEARTBEAT, 0, 77, NULL, 0);
	SEED(FT_HEARTBEAT_ACK, 0, 77, NULL, 0);
	SEED(FT_ERROR, 0, 0, (const uint8_t *)"stream mismatch", 15);
#undef SEED
	rc |= seed_write(argv[1], "stream-all", stream, off);
	rc |= seed_write(argv[1], "hello-payload", hp, hlen);
	return rc == 0 ? 0 : 1;
}

#endif /* FUZZ_FRAME_SEED */
