/*
 * fuzz_auth.c — libFuzzer target of the proof of the pair key
 * (tapesock/xport.c): the input is what a peer sends on a fresh
 * connection, before anything of the protocol.
 *
 * The first byte chooses the side and the way:
 *
 *   bit 0   0 the listener (the input server), 1 the caller (output)
 *   bit 1   0 tls=OFF (the HMAC proof), 1 tls=ON (TLS 1.3, the pair
 *           key as external PSK)
 *   bit 2   tls=OFF only: the harness plays an honest peer that holds
 *           the key; the next 32 bytes are its nonce, the 32 after
 *           them are XORed into its correct answer, the rest follows
 *           the proof as data
 *
 * Otherwise the rest is sent as is, then the peer's end is shut for
 * writing.  What must hold: the handshake ends (within a bounded
 * number of steps), a failure says why, and a peer that does not
 * hold the key is never proven.  The honest peer is proven exactly
 * when its answer was left unchanged, and the data after the proof
 * then arrives as sent.
 */
#include <sys/socket.h>

#include <poll.h>

#include "srvconf.h"
#include "xport.h"
#include "fuzz.h"

#define STEPS	64

static struct xport_ctx	ctxs[4];	/* [tls=ON?2:0 | caller?1:0] */
static int		ready;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();
	struct srv_conf c;
	struct errbuf err;
	char path[300];
	int i;

	if (dir == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, XPORT_KEY_FILE);
	if (xport_key_create(path, &err) < 0)
		return 0;
	for (i = 0; i < 4; i++) {
		memset(&c, 0, sizeof(c));
		c.tls = (i & 2) ? TLS_PSK : TLS_OFF;
		if (xport_ctx_init(&ctxs[i], &c, dir, !(i & 1), &err) < 0)
			return 0;
	}
	ready = 1;
	return 0;
}

/* Read and drop what our side sent, so that it never blocks. */
static void
drain(int fd, uint8_t *keep, size_t keepsz, size_t *kept)
{
	uint8_t buf[4096];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
		if (keep != NULL && *kept < keepsz) {
			size_t m = (size_t)n < keepsz - *kept ?
			    (size_t)n : keepsz - *kept;

			memcpy(keep + *kept, buf, m);
			*kept += m;
		}
	}
}

/* A peer without the key: the bytes, then the end. */
static void
stranger(const struct xport_ctx *ctx, const uint8_t *data, size_t size)
{
	struct xport x;
	char why[256];
	int sv[2], r = 0, i;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		return;
	if (size > 0 && send(sv[1], data, size, MSG_NOSIGNAL) != (ssize_t)size) {
		close(sv[0]);
		close(sv[1]);
		return;
	}
	shutdown(sv[1], SHUT_WR);
	xport_open(&x, ctx, sv[0], "fuzz");
	for (i = 0; i < STEPS; i++) {
		why[0] = '\0';
		r = xport_handshake(&x, why, sizeof(why));
		drain(sv[1], NULL, 0, NULL);
		if (r != 0)
			break;
	}
	/* Never proven without the key; a failure says why; it ends. */
	FUZZ_CHECK(r != 1);
	FUZZ_CHECK(r == -1);
	FUZZ_CHECK(why[0] != '\0');
	xport_close(&x);
	close(sv[1]);
}

/* A peer with the key (tls=OFF): its answer altered by mask. */
static void
honest(const struct xport_ctx *ctx, const uint8_t *data, size_t size)
{
	uint8_t nonce[XPORT_NONCE_LEN] = { 0 }, mask[XPORT_MAC_LEN] = { 0 };
	uint8_t got[XPORT_MAGIC_LEN + XPORT_NONCE_LEN], mac[XPORT_MAC_LEN];
	uint8_t hello[XPORT_MAGIC_LEN + XPORT_NONCE_LEN], back[4096];
	char side = ctx->listener ? 'C' : 'L', why[256];
	size_t kept = 0, n, rest_len, have = 0;
	const uint8_t *rest;
	struct xport x;
	int sv[2], r = 0, i, sent = 0, changed = 0;
	ssize_t m;

	n = size < sizeof(nonce) ? size : sizeof(nonce);
	memcpy(nonce, data, n);
	data += n;
	size -= n;
	n = size < sizeof(mask) ? size : sizeof(mask);
	memcpy(mask, data, n);
	data += n;
	size -= n;
	rest = data;
	rest_len = size < sizeof(back) ? size : sizeof(back);
	for (i = 0; i < XPORT_MAC_LEN; i++)
		changed |= mask[i];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		return;
	memcpy(hello, XPORT_MAGIC, XPORT_MAGIC_LEN);
	memcpy(hello + XPORT_MAGIC_LEN, nonce, XPORT_NONCE_LEN);
	FUZZ_CHECK(send(sv[1], hello, sizeof(hello), MSG_NOSIGNAL) ==
	    (ssize_t)sizeof(hello));
	xport_open(&x, ctx, sv[0], "fuzz");
	for (i = 0; i < STEPS; i++) {
		why[0] = '\0';
		r = xport_handshake(&x, why, sizeof(why));
		drain(sv[1], got, sizeof(got), &kept);
		if (!sent && kept == sizeof(got)) {
			/* Its nonce came: the answer, then the data. */
			FUZZ_CHECK(memcmp(got, XPORT_MAGIC,
			    XPORT_MAGIC_LEN) == 0);
			xport_proof(ctx->key, side, nonce,
			    got + XPORT_MAGIC_LEN, mac);
			for (n = 0; n < sizeof(mac); n++)
				mac[n] ^= mask[n];
			FUZZ_CHECK(send(sv[1], mac, sizeof(mac),
			    MSG_NOSIGNAL) == (ssize_t)sizeof(mac));
			if (rest_len > 0)
				FUZZ_CHECK(send(sv[1], rest, rest_len,
				    MSG_NOSIGNAL) == (ssize_t)rest_len);
			shutdown(sv[1], SHUT_WR);
			sent = 1;
		}
		if (r != 0)
			break;
	}
	FUZZ_CHECK(r != 0);
	if (changed) {
		FUZZ_CHECK(r == -1 && why[0] != '\0');
	} else {
		FUZZ_CHECK(r == 1);
		/* What followed the proof is the stream, byte for byte. */
		for (i = 0; i < STEPS && have <= rest_len; i++) {
			m = xport_recv(&x, back + have, sizeof(back) - have);
			if (m <= 0)
				break;
			have += (size_t)m;
		}
		FUZZ_CHECK(have == rest_len);
		FUZZ_CHECK(memcmp(back, rest, rest_len) == 0);
	}
	xport_close(&x);
	close(sv[1]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned sel;

	if (!ready || size < 1)
		return 0;
	sel = data[0];
	if ((sel & 4) && !(sel & 2))
		honest(&ctxs[sel & 3], data + 1, size - 1);
	else
		stranger(&ctxs[sel & 3], data + 1, size - 1);
	return 0;
}
