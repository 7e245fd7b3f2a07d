/*
 * srvconf.h — what the command line and the servers share: the options
 * of a start, the exit codes, and a server's configuration parsed once
 * into typed values.
 *
 * The daemon (server.c, the roles, the keeper) includes this and never
 * cli.h: it knows nothing of commands, prompts or requests.
 */
#ifndef TAPESOCK_SRVCONF_H
#define TAPESOCK_SRVCONF_H

#include <stdint.h>

#include "config.h"
#include "keyword.h"
#include "util.h"

/* Options, after a '(' : C Q R S V. */
#define OPT_C	0x01	/* do not clear (drain) the pipe at start */
#define OPT_Q	0x02	/* quiet: no confirmations */
#define OPT_R	0x04	/* status: running servers only */
#define OPT_S	0x08	/* no clock check at start */
#define OPT_V	0x10	/* verbose: record every event */

/* Exit codes. */
#define EXIT_OK		0
#define EXIT_FAILED	1
#define EXIT_USAGE	2

#define SRV_HB_INTERVAL	5	/* hbint default: silence before a HEARTBEAT */

/* What the input server does about messages the sender no longer has. */
enum { LOST_STOP, LOST_REFUSE, LOST_ACCEPT };

/* How the link is protected (tls=). */
enum { TLS_PSK, TLS_OFF, TLS_CERT };

/* A server's configuration, validated and typed.  Strings are owned. */
struct srv_conf {
	char		 name[SERVER_NAME_MAX + 1];
	int		 is_out;	/* servertype OUT */
	char		*pipe;
	char		*host;		/* output: whom to call, or NULL */
	char		*listen;	/* input: address to bind, or NULL */
	char		*notify;	/* the notify list, or NULL */
	char		*spoolmax_text;	/* as configured, for query */
	uint64_t	 spoolmax;	/* bytes */
	uint16_t	 port;
	unsigned	 calldelay, callrep, ndisc;
	unsigned	 hb_interval, hb_timeout;
	unsigned	 trace;		/* entries of the ts.log ring */
	int		 sync;		/* sync=ON */
	int		 lost_policy;	/* LOST_* */
	int		 rshut;		/* rshut=ON: a remote shutdown is obeyed */
	uint64_t	 logmax;	/* bytes of ts.plog before it rotates */
	int		 tls;		/* TLS_* */
	char		*tls_ca, *tls_cert, *tls_key, *tls_peer;
};

/* A server's value of k, else the keyword's default (or NULL). */
static inline const char *
srv_val(const struct server_cfg *s, enum kw k)
{
	return s->val[k] != NULL ? s->val[k] : kw_def(k)->defval;
}

/* Parse sc into c (which the caller zeroed); -1 with err when the
 * server cannot run as configured (a message of the catalogue). */
int	srvconf_parse(const struct server_cfg *sc, struct srv_conf *c,
	    struct errbuf *err);
void	srvconf_free(struct srv_conf *);

#endif
