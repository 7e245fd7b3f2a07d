/*
 * srvconf.c — a server's configuration, parsed once into typed values
 * (srvconf.h).  config.c has checked every value's syntax when it read
 * the file; what is left here is what a running server needs.
 */
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "catalog.h"
#include "srvconf.h"

static char *
dup_or_null(const char *v)
{
	return v != NULL ? xstrdup(v) : NULL;
}

static unsigned
num(const struct server_cfg *sc, enum kw k, uint64_t max)
{
	uint64_t v = 0;

	if (srv_val(sc, k) == NULL || parse_u64(srv_val(sc, k), max, &v) < 0)
		v = 0;
	return (unsigned)v;
}

int
srvconf_parse(const struct server_cfg *sc, struct srv_conf *c,
    struct errbuf *err)
{
	const char *v;
	uint64_t port;

	strlcpy(c->name, sc->name, sizeof(c->name));
	v = srv_val(sc, KW_SERVERTYPE);
	c->is_out = v != NULL && strcmp(v, "OUT") == 0;
	v = srv_val(sc, KW_PORT);
	if (v == NULL || parse_u64(v, 32767, &port) < 0) {
		msg_format(err->msg, sizeof(err->msg),
		    MSG_CLI_SERVER_INCOMPLETE, sc->name, "port", sc->name,
		    "port");
		return -1;
	}
	c->port = (uint16_t)port;
	c->pipe = dup_or_null(srv_val(sc, KW_PIPE));
	c->host = dup_or_null(srv_val(sc, KW_HOST));
	c->listen = dup_or_null(srv_val(sc, KW_LISTEN));
	c->notify = dup_or_null(srv_val(sc, KW_NOTIFY));
	c->spoolmax_text = dup_or_null(srv_val(sc, KW_SPOOLMAX));
	if (c->spoolmax_text != NULL)
		kw_size_bytes(c->spoolmax_text, &c->spoolmax);
	c->calldelay = num(sc, KW_CALLDELAY, 3600);
	c->callrep = num(sc, KW_CALLREP, UINT32_MAX);
	c->ndisc = num(sc, KW_NDISC, UINT32_MAX);
	c->hb_interval = num(sc, KW_HBINT, 3600);
	if (c->hb_interval == 0)
		c->hb_interval = SRV_HB_INTERVAL;
	c->hb_timeout = num(sc, KW_HBTIMEOUT, 7200);
	if (c->hb_timeout < 2 * c->hb_interval)
		c->hb_timeout = 2 * c->hb_interval;
	c->trace = num(sc, KW_TRACE, 100000);
	v = srv_val(sc, KW_SYNC);
	c->sync = v == NULL || !streqi(v, "OFF");
	v = srv_val(sc, KW_LOST);
	c->lost_policy = v == NULL ? LOST_STOP : strcmp(v, "accept") == 0 ?
	    LOST_ACCEPT : strcmp(v, "refuse") == 0 ? LOST_REFUSE : LOST_STOP;
	v = srv_val(sc, KW_RSHUT);
	c->rshut = v == NULL || !streqi(v, "OFF");
	v = srv_val(sc, KW_LOGMAX);
	if (v == NULL || kw_size_bytes(v, &c->logmax) < 0)
		c->logmax = (uint64_t)8 << 20;
	v = srv_val(sc, KW_TLS);
	c->tls = v != NULL && streqi(v, "OFF") ? TLS_OFF :
	    v != NULL && streqi(v, "CERT") ? TLS_CERT : TLS_PSK;
	c->tls_ca = dup_or_null(srv_val(sc, KW_TLSCA));
	c->tls_cert = dup_or_null(srv_val(sc, KW_TLSCERT));
	c->tls_key = dup_or_null(srv_val(sc, KW_TLSKEY));
	c->tls_peer = dup_or_null(srv_val(sc, KW_TLSPEER));
	return 0;
}

void
srvconf_free(struct srv_conf *c)
{
	free(c->pipe);
	free(c->host);
	free(c->listen);
	free(c->notify);
	free(c->spoolmax_text);
	free(c->tls_ca);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->tls_peer);
	memset(c, 0, sizeof(*c));
}
