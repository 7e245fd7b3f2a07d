/*
 * xport.h — the bytes of a link between two servers, and the proof
 * that the peer is the other half of the pair.
 *
 * Three ways, as tls= says (README "Security"):
 *
 *   tls=ON    TLS 1.3 keyed by the pair key (an external PSK, with an
 *             ephemeral key exchange): no certificates.  A peer
 *             without the key fails the handshake.
 *   tls=CERT  TLS 1.3 with certificates, verified on both sides
 *             against tlsca, the peer's name checked (tlspeer).
 *   tls=OFF   a plain TCP stream, but only after each side proved the
 *             pair key (an HMAC-SHA256 challenge and response, below);
 *             what follows is neither encrypted nor protected.
 *
 * Nothing of the protocol (doc/PROTOCOL.md) passes before the proof:
 * link.c hands a connection to its role only once xport_handshake()
 * said it is up.  Everything is non-blocking; a handshake or an I/O
 * that would block says which poll() event it waits for.
 *
 * The plain proof (tls=OFF), both sides at once:
 *   each sends  "TSAUTH1\n" nonce[32]
 *   each sends  HMAC-SHA256(key, "tapesock pair v1" side own peer)
 * with side 'C' for the caller and 'L' for the listener, own its own
 * nonce, peer the peer's: a side's answer cannot be reflected to it,
 * and an old one cannot be replayed (a fresh nonce each time).
 */
#ifndef TAPESOCK_XPORT_H
#define TAPESOCK_XPORT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include "srvconf.h"
#include "util.h"

#define XPORT_KEY_LEN	32		/* the pair key: 256 bits */
#define XPORT_KEY_FILE	"pair.key"	/* in the home, mode 0600 */
#define XPORT_NONCE_LEN	32
#define XPORT_MAGIC	"TSAUTH1\n"
#define XPORT_MAGIC_LEN	8
#define XPORT_MAC_LEN	32
#define XPORT_PEER_MAX	64		/* "address port" of the peer */

struct ssl_ctx_st;
struct ssl_st;

/* What one server's links share: its mode, key, TLS context. */
struct xport_ctx {
	int		 mode;		/* TLS_PSK, TLS_OFF, TLS_CERT */
	int		 listener;	/* accepts (input) or calls (output) */
	uint8_t		 key[XPORT_KEY_LEN];
	char		*peer_name;	/* tls=CERT: name the peer must carry */
	struct ssl_ctx_st *ssl_ctx;
};

enum xport_state {
	XS_CLOSED,
	XS_HANDSHAKE,
	XS_UP,
};

/* One connection. */
struct xport {
	int		 fd;
	enum xport_state state;
	struct ssl_st	*ssl;
	const struct xport_ctx *ctx;
	char		 peer[XPORT_PEER_MAX];	/* for traces */
	short		 want;		/* the handshake waits for these events */
	short		 rd_want, wr_want;	/* a blocked recv, send waits for */
	/* tls=OFF: the proof under way. */
	uint8_t		 nonce[XPORT_NONCE_LEN];
	uint8_t		 pnonce[XPORT_NONCE_LEN];	/* the peer's */
	uint8_t		 obuf[XPORT_MAGIC_LEN + XPORT_NONCE_LEN];
	size_t		 olen, ooff;	/* what we still have to send */
	uint8_t		 ibuf[XPORT_MAGIC_LEN + XPORT_NONCE_LEN];
	size_t		 ilen;		/* what the peer sent of its part */
	int		 step;		/* 0 nonces, 1 answers */
	char		 why[128];	/* why the last recv/send failed EPROTO */
};

/*
 * Set up ctx from the configuration of a server whose home is home:
 * the pair key (tls=ON, OFF) or the certificates (CERT).  -1 with err
 * saying what is wrong and what to do.
 */
int	xport_ctx_init(struct xport_ctx *, const struct srv_conf *,
	    const char *home, int listener, struct errbuf *err);
void	xport_ctx_free(struct xport_ctx *);

/* Begin the handshake on connected socket fd (the xport owns it). */
void	xport_open(struct xport *, const struct xport_ctx *, int fd,
	    const char *peer);
/*
 * Go on with the handshake: 1 up (the peer is proven), 0 it waits
 * (x->want says for what), -1 failed: why says how, for a trace.
 */
int	xport_handshake(struct xport *, char *why, size_t whysz);
/*
 * Once up: like recv and send (> 0 bytes moved; recv 0 the peer
 * closed; -1 with errno, EAGAIN when it would block, x->want saying
 * for which event).
 */
ssize_t	xport_recv(struct xport *, void *, size_t);
ssize_t	xport_send(struct xport *, const void *, size_t);
/* Bytes already decrypted that a recv would return without reading. */
size_t	xport_pending(const struct xport *);
/* Close (a TLS close_notify if it goes at once) and forget. */
void	xport_close(struct xport *);
/* Does the mode encrypt? (an encrypted link takes no sendmsg.) */
int	xport_encrypted(const struct xport *);

/* The pair key of a home. */
/* Read path: 0, or -1 with err (missing, bad, readable by others). */
int	xport_key_load(const char *path, uint8_t key[XPORT_KEY_LEN],
	    struct errbuf *err);
/* Create path with a new random key unless it exists: 1 created, 0 was
 * there, -1 with err. */
int	xport_key_create(const char *path, struct errbuf *err);
/* Replace path with key (mode 0600, atomically): 0 or -1 with err. */
int	xport_key_store(const char *path, const uint8_t key[XPORT_KEY_LEN],
	    struct errbuf *err);
/* Parse the text form (64 hex digits, white space around): 0 or -1. */
int	xport_key_parse(const char *text, uint8_t key[XPORT_KEY_LEN]);
/* Text form, 64 hex digits and a NUL. */
void	xport_key_format(const uint8_t key[XPORT_KEY_LEN], char out[65]);
/* A fingerprint that can be shown and compared (never the key): the
 * first 8 bytes of SHA-256 of it, in hex with colons. */
void	xport_key_fingerprint(const uint8_t key[XPORT_KEY_LEN], char out[32]);

/*
 * The plain proof's answer, for the tests and the fuzzer:
 * HMAC-SHA256(key, label side own peer) into mac.
 */
void	xport_proof(const uint8_t key[XPORT_KEY_LEN], char side,
	    const uint8_t own[XPORT_NONCE_LEN],
	    const uint8_t peer[XPORT_NONCE_LEN], uint8_t mac[XPORT_MAC_LEN]);

#endif
