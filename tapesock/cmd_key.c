/*
 * cmd_key.c — the pair key of a home: key, keyexport, keyimport, and
 * the key setup makes.  The two servers of a pair hold the same key
 * (<home>/pair.key, mode 0600); it is copied once, as WireGuard's keys
 * are:
 *
 *	tape-socket keyexport | ssh backup tape-socket keyimport
 *
 * The key is printed only by keyexport; everything else shows its
 * fingerprint.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "catalog.h"
#include "cli.h"
#include "xport.h"

static char *
key_path(const struct ctx *ctx)
{
	return xasprintf("%s/%s", ctx->home, XPORT_KEY_FILE);
}

int
key_ensure(struct ctx *ctx, int quiet)
{
	char *path = key_path(ctx), fp[32];
	uint8_t key[XPORT_KEY_LEN];
	struct errbuf err;
	int r;

	r = xport_key_create(path, &err);
	if (r < 0) {
		msg_err(MSG_CLI_KEY_FAILED, err.msg);
		free(path);
		return EXIT_FAILED;
	}
	if (r == 1 && xport_key_load(path, key, &err) == 0) {
		xport_key_fingerprint(key, fp);
		OPENSSL_cleanse(key, sizeof(key));
		msg_out(quiet, MSG_CFG_KEY_CREATED, path, fp);
	}
	free(path);
	return EXIT_OK;
}

/* The home's key into key, its path into *pathp: 0, or -1 said. */
static int
key_read(struct ctx *ctx, uint8_t key[XPORT_KEY_LEN], char **pathp)
{
	char *path = key_path(ctx);
	struct errbuf err;

	if (xport_key_load(path, key, &err) < 0) {
		msg_err(MSG_CLI_KEY_FAILED, err.msg);
		free(path);
		return -1;
	}
	*pathp = path;
	return 0;
}

int
cmd_key(struct ctx *ctx)
{
	char *path, fp[32];
	uint8_t key[XPORT_KEY_LEN];

	if (key_read(ctx, key, &path) < 0)
		return EXIT_FAILED;
	xport_key_fingerprint(key, fp);
	OPENSSL_cleanse(key, sizeof(key));
	msg_out(0, MSG_CLI_KEY_SHOW, path, fp);
	free(path);
	return EXIT_OK;
}

int
cmd_keyexport(struct ctx *ctx)
{
	char *path, text[65];
	uint8_t key[XPORT_KEY_LEN];

	if (key_read(ctx, key, &path) < 0)
		return EXIT_FAILED;
	free(path);
	xport_key_format(key, text);
	OPENSSL_cleanse(key, sizeof(key));
	fprintf(ctx->out, "%s\n", text);
	OPENSSL_cleanse(text, sizeof(text));
	return fflush(ctx->out) == 0 ? EXIT_OK : EXIT_FAILED;
}

int
cmd_keyimport(struct ctx *ctx)
{
	char buf[256], *path, fp[32];
	uint8_t key[XPORT_KEY_LEN];
	struct errbuf err;
	size_t n;

	n = fread(buf, 1, sizeof(buf) - 1, ctx->in);
	buf[n] = '\0';
	if (xport_key_parse(buf, key) < 0) {
		OPENSSL_cleanse(buf, sizeof(buf));
		msg_err(MSG_CLI_KEY_BAD_INPUT);
		return EXIT_FAILED;
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	path = key_path(ctx);
	if (xport_key_store(path, key, &err) < 0) {
		msg_err(MSG_CLI_KEY_FAILED, err.msg);
		OPENSSL_cleanse(key, sizeof(key));
		free(path);
		return EXIT_FAILED;
	}
	xport_key_fingerprint(key, fp);
	OPENSSL_cleanse(key, sizeof(key));
	msg_out(ctx->req->opts & OPT_Q, MSG_CLI_KEY_IMPORTED, path, fp);
	free(path);
	return EXIT_OK;
}
