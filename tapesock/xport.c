/*
 * xport.c — a link's bytes through TLS 1.3 (pair key or certificates)
 * or through a plain stream after the proof of the pair key; the pair
 * key file.  xport.h says what each mode guarantees.
 *
 * OpenSSL does the cryptography: TLS 1.3 with an external PSK on
 * SSL_CTX_set_psk_use_session_callback / _find_session_callback (the
 * way OpenSSL's own s_client -psk and s_server -psk do it), HMAC and
 * SHA-256 through EVP, random bytes from RAND_bytes.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "xport.h"

#define PSK_IDENTITY	"tapesock pair v1"
#define XPORT_READ_AHEAD (64 * 1024)	/* bytes of the socket read at once */
#define PROOF_LABEL	"tapesock pair v1"
/* TLS_AES_128_GCM_SHA256: the PSK's hash must be the suite's. */
static const unsigned char psk_suite[2] = { 0x13, 0x01 };

/* The OpenSSL error queue as one line (and emptied). */
static void
ssl_why(char *why, size_t sz, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e == 0)
		snprintf(why, sz, "%s", what);
	else {
		ERR_error_string_n(e, buf, sizeof(buf));
		snprintf(why, sz, "%s: %s", what, buf);
	}
	ERR_clear_error();
}

/*
 * tlskey: a private key, held to the pair key's rules (a regular file,
 * no link, the user's own, mode 0600 or stricter), read once through
 * those checks and parsed from memory.
 */
static int
load_private_key(SSL_CTX *sc, const char *path, struct errbuf *err)
{
	struct errbuf e;
	char why[300], *pem;
	size_t len;
	EVP_PKEY *pk = NULL;
	BIO *mb;
	int ok;

	if (read_private_file(path, &pem, &len, &e) < 0) {
		errbuf_set(err, "tlskey: %s", e.msg);
		return -1;
	}
	ERR_clear_error();
	if (len <= INT_MAX && (mb = BIO_new_mem_buf(pem, (int)len)) != NULL) {
		pk = PEM_read_bio_PrivateKey(mb, NULL, NULL, NULL);
		BIO_free(mb);
	}
	OPENSSL_cleanse(pem, len);
	free(pem);
	ok = pk != NULL && SSL_CTX_use_PrivateKey(sc, pk) == 1 &&
	    SSL_CTX_check_private_key(sc) == 1;
	EVP_PKEY_free(pk);
	if (!ok) {
		ssl_why(why, sizeof(why), path);
		errbuf_set(err, "tlskey: %s", why);
		return -1;
	}
	return 0;
}

/* The session that carries the pair key as a TLS 1.3 external PSK. */
static SSL_SESSION *
psk_session(SSL *ssl, const struct xport_ctx *ctx)
{
	const SSL_CIPHER *c = SSL_CIPHER_find(ssl, psk_suite);
	SSL_SESSION *sess;

	if (c == NULL || (sess = SSL_SESSION_new()) == NULL)
		return NULL;
	if (!SSL_SESSION_set1_master_key(sess, ctx->key, XPORT_KEY_LEN) ||
	    !SSL_SESSION_set_cipher(sess, c) ||
	    !SSL_SESSION_set_protocol_version(sess, TLS1_3_VERSION)) {
		SSL_SESSION_free(sess);
		return NULL;
	}
	return sess;
}

static int
psk_use(SSL *ssl, const EVP_MD *md, const unsigned char **id, size_t *idlen,
    SSL_SESSION **sessp)
{
	const struct xport_ctx *ctx = SSL_get_app_data(ssl);
	SSL_SESSION *sess = psk_session(ssl, ctx);

	if (sess == NULL)
		return 0;
	if (md != NULL && md != SSL_CIPHER_get_handshake_digest(
	    SSL_SESSION_get0_cipher(sess))) {
		/* A HelloRetryRequest chose another hash: no PSK then. */
		SSL_SESSION_free(sess);
		*id = NULL;
		*idlen = 0;
		*sessp = NULL;
		return 1;
	}
	*id = (const unsigned char *)PSK_IDENTITY;
	*idlen = strlen(PSK_IDENTITY);
	*sessp = sess;
	return 1;
}

static int
psk_find(SSL *ssl, const unsigned char *id, size_t idlen,
    SSL_SESSION **sessp)
{
	const struct xport_ctx *ctx = SSL_get_app_data(ssl);

	*sessp = NULL;
	if (idlen != strlen(PSK_IDENTITY) ||
	    memcmp(id, PSK_IDENTITY, idlen) != 0)
		return 1;	/* not ours: the handshake fails */
	*sessp = psk_session(ssl, ctx);
	return *sessp != NULL;
}

/* Only the PSK is accepted: a server of tls=ON has no certificate, so a
 * client that offers none fails at once ("no shared cipher"). */
static int
tls_init(struct xport_ctx *ctx, const struct srv_conf *c,
    struct errbuf *err)
{
	SSL_CTX *sc;
	char why[300];

	sc = SSL_CTX_new(ctx->listener ? TLS_server_method() :
	    TLS_client_method());
	if (sc == NULL) {
		ssl_why(why, sizeof(why), "SSL_CTX_new");
		errbuf_set(err, "%s", why);
		return -1;
	}
	ctx->ssl_ctx = sc;
	if (!SSL_CTX_set_min_proto_version(sc, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(sc, TLS1_3_VERSION)) {
		ssl_why(why, sizeof(why), "TLS 1.3");
		errbuf_set(err, "%s", why);
		return -1;
	}
	/* Suites of SHA-256, the hash the pair key's session is bound to
	 * (a server preferring a SHA-384 suite would not use the PSK). */
	if (!SSL_CTX_set_ciphersuites(sc, "TLS_AES_128_GCM_SHA256:"
	    "TLS_CHACHA20_POLY1305_SHA256")) {
		ssl_why(why, sizeof(why), "TLS 1.3 cipher suites");
		errbuf_set(err, "%s", why);
		return -1;
	}
	SSL_CTX_set_mode(sc, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_options(sc, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION);
	/* Read what the socket holds, not a record header at a time. */
	SSL_CTX_set_read_ahead(sc, 1);
	SSL_CTX_set_default_read_buffer_len(sc, XPORT_READ_AHEAD);
	SSL_CTX_set_session_cache_mode(sc, SSL_SESS_CACHE_OFF);
	(void)SSL_CTX_set_num_tickets(sc, 0);
	if (ctx->mode == TLS_PSK) {
		if (ctx->listener)
			SSL_CTX_set_psk_find_session_callback(sc, psk_find);
		else
			SSL_CTX_set_psk_use_session_callback(sc, psk_use);
		return 0;
	}
	/* tls=CERT */
	if (c->tls_ca == NULL || c->tls_cert == NULL || c->tls_key == NULL) {
		errbuf_set(err, "tls=CERT needs tlsca, tlscert and tlskey; set "
		    "them with setarg, or use tls=ON and the pair key");
		return -1;
	}
	if (ctx->peer_name == NULL) {
		errbuf_set(err, "tls=CERT needs tlspeer, the name in the peer's "
		    "certificate (on the output server host= is used when "
		    "tlspeer is not set)");
		return -1;
	}
	if (SSL_CTX_use_certificate_chain_file(sc, c->tls_cert) != 1) {
		ssl_why(why, sizeof(why), c->tls_cert);
		errbuf_set(err, "tlscert: %s", why);
		return -1;
	}
	if (load_private_key(sc, c->tls_key, err) < 0)
		return -1;
	if (SSL_CTX_load_verify_locations(sc, c->tls_ca, NULL) != 1) {
		ssl_why(why, sizeof(why), c->tls_ca);
		errbuf_set(err, "tlsca: %s", why);
		return -1;
	}
	SSL_CTX_set_verify(sc, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
	    NULL);
	return 0;
}

int
xport_ctx_init(struct xport_ctx *ctx, const struct srv_conf *c,
    const char *home, int listener, struct errbuf *err)
{
	char *path;
	int rc = 0;

	memset(ctx, 0, sizeof(*ctx));
	ctx->mode = c->tls;
	ctx->listener = listener;
	if (c->tls_peer != NULL)
		ctx->peer_name = xstrdup(c->tls_peer);
	else if (!listener && c->host != NULL)
		ctx->peer_name = xstrdup(c->host);
	if (ctx->mode != TLS_CERT) {
		path = xasprintf("%s/%s", home, XPORT_KEY_FILE);
		rc = xport_key_load(path, ctx->key, err);
		free(path);
		if (rc < 0)
			return -1;
	}
	if (ctx->mode == TLS_OFF)
		return 0;
	if (tls_init(ctx, c, err) < 0) {
		xport_ctx_free(ctx);
		return -1;
	}
	return 0;
}

void
xport_ctx_free(struct xport_ctx *ctx)
{
	if (ctx->ssl_ctx != NULL)
		SSL_CTX_free(ctx->ssl_ctx);
	free(ctx->peer_name);
	OPENSSL_cleanse(ctx->key, sizeof(ctx->key));
	memset(ctx, 0, sizeof(*ctx));
}

void
xport_proof(const uint8_t key[XPORT_KEY_LEN], char side,
    const uint8_t own[XPORT_NONCE_LEN], const uint8_t peer[XPORT_NONCE_LEN],
    uint8_t mac[XPORT_MAC_LEN])
{
	uint8_t msg[sizeof(PROOF_LABEL) - 1 + 1 + 2 * XPORT_NONCE_LEN];
	unsigned int len = XPORT_MAC_LEN;
	size_t n = sizeof(PROOF_LABEL) - 1;

	memcpy(msg, PROOF_LABEL, n);
	msg[n++] = (uint8_t)side;
	memcpy(msg + n, own, XPORT_NONCE_LEN);
	memcpy(msg + n + XPORT_NONCE_LEN, peer, XPORT_NONCE_LEN);
	if (HMAC(EVP_sha256(), key, XPORT_KEY_LEN, msg, sizeof(msg), mac,
	    &len) == NULL)
		fatalx("HMAC-SHA256 failed");
}

void
xport_open(struct xport *x, const struct xport_ctx *ctx, int fd,
    const char *peer)
{
	memset(x, 0, sizeof(*x));
	x->fd = fd;
	x->ctx = ctx;
	x->state = XS_HANDSHAKE;
	snprintf(x->peer, sizeof(x->peer), "%s", peer != NULL ? peer : "?");
	x->want = POLLIN | POLLOUT;
	if (ctx->mode == TLS_OFF) {
		if (RAND_bytes(x->nonce, sizeof(x->nonce)) != 1)
			fatalx("RAND_bytes failed: no random numbers");
		memcpy(x->obuf, XPORT_MAGIC, XPORT_MAGIC_LEN);
		memcpy(x->obuf + XPORT_MAGIC_LEN, x->nonce, XPORT_NONCE_LEN);
		x->olen = sizeof(x->obuf);
		return;
	}
	if ((x->ssl = SSL_new(ctx->ssl_ctx)) == NULL ||
	    SSL_set_fd(x->ssl, fd) != 1)
		return;		/* xport_handshake reports it */
	SSL_set_app_data(x->ssl, (void *)(uintptr_t)ctx);
	if (ctx->mode == TLS_CERT && ctx->peer_name != NULL)
		(void)SSL_set1_host(x->ssl, ctx->peer_name);
	if (ctx->listener)
		SSL_set_accept_state(x->ssl);
	else {
		SSL_set_connect_state(x->ssl);
		if (ctx->mode == TLS_CERT && ctx->peer_name != NULL)
			(void)SSL_set_tlsext_host_name(x->ssl, ctx->peer_name);
	}
}

/* Move the plain proof's bytes: 1 all sent, 0 blocked, -1 failed. */
static int
plain_flush(struct xport *x, char *why, size_t sz)
{
	ssize_t n;

	while (x->ooff < x->olen) {
		n = send(x->fd, x->obuf + x->ooff, x->olen - x->ooff,
		    MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			x->want = POLLOUT;
			return 0;
		}
		if (n < 0) {
			snprintf(why, sz, "send: %s", strerror(errno));
			return -1;
		}
		x->ooff += (size_t)n;
	}
	return 1;
}

/* Read exactly up to need bytes into ibuf: 1 complete, 0 blocked. */
static int
plain_fill(struct xport *x, size_t need, char *why, size_t sz)
{
	ssize_t n;

	while (x->ilen < need) {
		n = recv(x->fd, x->ibuf + x->ilen, need - x->ilen, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			x->want = POLLIN;
			return 0;
		}
		if (n <= 0) {
			snprintf(why, sz, n == 0 ? "the peer closed the "
			    "connection before proving the pair key" :
			    "recv: %s", strerror(errno));
			return -1;
		}
		x->ilen += (size_t)n;
	}
	return 1;
}

static int
plain_handshake(struct xport *x, char *why, size_t sz)
{
	uint8_t mac[XPORT_MAC_LEN];
	char self = x->ctx->listener ? 'L' : 'C';
	char peer = x->ctx->listener ? 'C' : 'L';
	int r;

	if ((r = plain_flush(x, why, sz)) <= 0)
		return r;
	if (x->step == 0) {
		if ((r = plain_fill(x, sizeof(x->ibuf), why, sz)) <= 0)
			return r;
		if (memcmp(x->ibuf, XPORT_MAGIC, XPORT_MAGIC_LEN) != 0) {
			snprintf(why, sz, "not a tapesock peer with tls=OFF "
			    "(it did not start the proof of the pair key)");
			return -1;
		}
		/* Our answer to its nonce; then its answer to ours. */
		memcpy(x->pnonce, x->ibuf + XPORT_MAGIC_LEN, XPORT_NONCE_LEN);
		xport_proof(x->ctx->key, self, x->nonce, x->pnonce, mac);
		memcpy(x->obuf, mac, XPORT_MAC_LEN);
		x->olen = XPORT_MAC_LEN;
		x->ooff = 0;
		x->ilen = 0;
		x->step = 1;
		if ((r = plain_flush(x, why, sz)) <= 0)
			return r;
	}
	if ((r = plain_fill(x, XPORT_MAC_LEN, why, sz)) <= 0)
		return r;
	xport_proof(x->ctx->key, peer, x->pnonce, x->nonce, mac);
	if (CRYPTO_memcmp(mac, x->ibuf, XPORT_MAC_LEN) != 0) {
		OPENSSL_cleanse(mac, sizeof(mac));
		snprintf(why, sz, "wrong pair key");
		return -1;
	}
	OPENSSL_cleanse(mac, sizeof(mac));
	return 1;
}

/* The name in a verified certificate, for the trace. */
static void
cert_subject(SSL *ssl, char *buf, size_t sz)
{
	X509 *cert = SSL_get1_peer_certificate(ssl);

	buf[0] = '\0';
	if (cert == NULL)
		return;
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName,
	    buf, (int)sz);
	X509_free(cert);
}

int
xport_handshake(struct xport *x, char *why, size_t sz)
{
	char name[128];
	long v;
	int r, e;

	if (x->state == XS_UP)
		return 1;
	if (x->state != XS_HANDSHAKE) {
		snprintf(why, sz, "connection closed");
		return -1;
	}
	if (x->ctx->mode == TLS_OFF) {
		if ((r = plain_handshake(x, why, sz)) == 1) {
			x->state = XS_UP;
			x->rd_want = POLLIN;
			x->wr_want = POLLOUT;
		}
		return r;
	}
	if (x->ssl == NULL) {
		ssl_why(why, sz, "SSL_new");
		return -1;
	}
	ERR_clear_error();
	r = SSL_do_handshake(x->ssl);
	if (r == 1) {
		if (SSL_version(x->ssl) != TLS1_3_VERSION) {
			snprintf(why, sz, "not TLS 1.3");
			return -1;
		}
		if (x->ctx->mode == TLS_PSK && !SSL_session_reused(x->ssl)) {
			snprintf(why, sz, "the pair key was not used");
			return -1;
		}
		if (x->ctx->mode == TLS_CERT) {
			cert_subject(x->ssl, name, sizeof(name));
			snprintf(x->peer + strlen(x->peer), sizeof(x->peer) -
			    strlen(x->peer), " (%s)", name);
		}
		x->state = XS_UP;
		x->want = 0;
		x->rd_want = POLLIN;
		x->wr_want = POLLOUT;
		return 1;
	}
	e = SSL_get_error(x->ssl, r);
	if (e == SSL_ERROR_WANT_READ) {
		x->want = POLLIN;
		return 0;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		x->want = POLLOUT;
		return 0;
	}
	if (x->ctx->mode == TLS_CERT &&
	    (v = SSL_get_verify_result(x->ssl)) != X509_V_OK) {
		snprintf(why, sz, "certificate not accepted: %s",
		    X509_verify_cert_error_string(v));
		ERR_clear_error();
		return -1;
	}
	if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		snprintf(why, sz, "%s", errno != 0 ? strerror(errno) :
		    "the peer closed the connection during the TLS handshake");
		return -1;
	}
	ssl_why(why, sz, x->ctx->mode == TLS_PSK ? "TLS handshake (is the "
	    "pair key the same on both sides?)" : "TLS handshake");
	return -1;
}

ssize_t
xport_recv(struct xport *x, void *buf, size_t len)
{
	size_t n = 0;
	int r, e;

	if (x->ssl == NULL) {
		ssize_t m;

		do
			m = recv(x->fd, buf, len, 0);
		while (m < 0 && errno == EINTR);
		x->rd_want = POLLIN;
		return m;
	}
	ERR_clear_error();
	r = SSL_read_ex(x->ssl, buf, len, &n);
	x->rd_want = POLLIN;
	if (r == 1)
		return (ssize_t)n;
	e = SSL_get_error(x->ssl, r);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		x->rd_want = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			ERR_clear_error();
			if (errno == 0)
				return 0;	/* closed without close_notify */
			return -1;
		}
		/* FALLTHROUGH */
	default:
		ssl_why(x->why, sizeof(x->why), "read");
		errno = EPROTO;		/* a record failed its check */
		return -1;
	}
}

ssize_t
xport_send(struct xport *x, const void *buf, size_t len)
{
	size_t n = 0;
	int r, e;

	if (x->ssl == NULL) {
		ssize_t m;

		do
			m = send(x->fd, buf, len, MSG_NOSIGNAL);
		while (m < 0 && errno == EINTR);
		x->wr_want = POLLOUT;
		return m;
	}
	ERR_clear_error();
	r = SSL_write_ex(x->ssl, buf, len, &n);
	x->wr_want = POLLOUT;
	if (r == 1)
		return (ssize_t)n;
	e = SSL_get_error(x->ssl, r);
	switch (e) {
	case SSL_ERROR_WANT_READ:
		x->wr_want = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			if (errno == 0)
				errno = EPIPE;
			return -1;
		}
		/* FALLTHROUGH */
	default:
		ssl_why(x->why, sizeof(x->why), "write");
		errno = EPROTO;
		return -1;
	}
}

size_t
xport_pending(const struct xport *x)
{
	int n;

	if (x->ssl == NULL || x->state != XS_UP)
		return 0;
	/* Read ahead: records not yet decrypted count too, or they would
	 * wait for a poll() that the empty socket never wakes. */
	n = SSL_pending(x->ssl);
	return n > 0 ? (size_t)n : (size_t)SSL_has_pending(x->ssl);
}

int
xport_encrypted(const struct xport *x)
{
	return x->ssl != NULL;
}

void
xport_close(struct xport *x)
{
	if (x->ssl != NULL) {
		if (x->state == XS_UP)
			(void)SSL_shutdown(x->ssl);	/* no wait for the reply */
		SSL_free(x->ssl);
		ERR_clear_error();
	}
	if (x->fd >= 0 && x->state != XS_CLOSED)
		close(x->fd);
	OPENSSL_cleanse(x->nonce, sizeof(x->nonce));
	memset(x, 0, sizeof(*x));
	x->fd = -1;
	x->state = XS_CLOSED;
}

/* The pair key file. */

int
xport_key_parse(const char *text, uint8_t key[XPORT_KEY_LEN])
{
	const char *p = text;
	size_t i;
	int hi, lo;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	for (i = 0; i < XPORT_KEY_LEN; i++) {
		hi = OPENSSL_hexchar2int((unsigned char)p[2 * i]);
		lo = hi < 0 ? -1 : OPENSSL_hexchar2int((unsigned char)p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	for (p += 2 * XPORT_KEY_LEN; *p != '\0'; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return -1;
	return 0;
}

void
xport_key_format(const uint8_t key[XPORT_KEY_LEN], char out[65])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < XPORT_KEY_LEN; i++) {
		out[2 * i] = hex[key[i] >> 4];
		out[2 * i + 1] = hex[key[i] & 15];
	}
	out[64] = '\0';
}

void
xport_key_fingerprint(const uint8_t key[XPORT_KEY_LEN], char out[32])
{
	uint8_t md[32];
	size_t i, n = 0;

	SHA256(key, XPORT_KEY_LEN, md);
	for (i = 0; i < 8; i++)
		n += (size_t)snprintf(out + n, 32 - n, "%s%02x", i ? ":" : "",
		    md[i]);
}

int
xport_key_load(const char *path, uint8_t key[XPORT_KEY_LEN],
    struct errbuf *err)
{
	char buf[256];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT)
			errbuf_set(err, "%s: no pair key; create one with "
			    "setup, or copy the peer's: tape-socket keyexport "
			    "on the other machine, tape-socket keyimport here",
			    path);
		else
			errbuf_set(err, "%s: %s", path, errno == ELOOP ?
			    "a symbolic link (not followed)" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		errbuf_set(err, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid()) {
		errbuf_set(err, "%s: owned by uid %u, not by the server's user "
		    "(uid %u): chown it", path, (unsigned)st.st_uid,
		    (unsigned)geteuid());
		close(fd);
		return -1;
	}
	if (st.st_mode & 077) {
		errbuf_set(err, "%s: readable or writable by others (mode "
		    "%04o): chmod 600 %s, and make a new key (others may "
		    "have read it)", path, (unsigned)(st.st_mode & 07777), path);
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		errbuf_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf[n] = '\0';
	if (xport_key_parse(buf, key) < 0) {
		OPENSSL_cleanse(buf, sizeof(buf));
		errbuf_set(err, "%s: not a pair key (64 hexadecimal digits); "
		    "copy it again from the peer with keyexport and keyimport",
		    path);
		return -1;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	return 0;
}

int
xport_key_store(const char *path, const uint8_t key[XPORT_KEY_LEN],
    struct errbuf *err)
{
	char text[66];

	xport_key_format(key, text);
	text[64] = '\n';
	text[65] = '\0';
	if (atomic_write_file(path, text, 65, 0600) < 0) {
		errbuf_set(err, "cannot write %s: %s", path, strerror(errno));
		OPENSSL_cleanse(text, sizeof(text));
		return -1;
	}
	OPENSSL_cleanse(text, sizeof(text));
	/* A file replaced keeps no mode of the old one: make sure. */
	if (chmod(path, 0600) < 0) {
		errbuf_set(err, "chmod 600 %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
xport_key_create(const char *path, struct errbuf *err)
{
	uint8_t key[XPORT_KEY_LEN];
	struct stat st;
	int rc;

	if (lstat(path, &st) == 0)
		return 0;
	if (errno != ENOENT) {
		errbuf_set(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (RAND_bytes(key, sizeof(key)) != 1) {
		errbuf_set(err, "no random numbers for a pair key");
		return -1;
	}
	rc = xport_key_store(path, key, err);
	OPENSSL_cleanse(key, sizeof(key));
	return rc < 0 ? -1 : 1;
}
