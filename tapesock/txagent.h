/*
 * txagent.h — the transaction logger link of a server (txlog=ON): the
 * txlog process it starts and answers for (txagent.c, txlog(1)).
 */
#ifndef TAPESOCK_TXAGENT_H
#define TAPESOCK_TXAGENT_H

#include <stddef.h>

#include "util.h"

struct server;

/* txlog=ON. */
int	 txagent_on(const struct server *);
/* "restore" (input server) or "logger" (output server). */
const char *txagent_name(const struct server *);
/* Its data area: datadir=, else <home>/data.  The caller frees it. */
char	*txagent_area(const struct server *);
/* Start it unless it runs: 0 started, 1 it ran already, -1 err. */
int	 txagent_start(struct server *, struct errbuf *);
/* One line on it: 0 running, -1 not. */
int	 txagent_describe(const struct server *, char *out, size_t);

#endif
