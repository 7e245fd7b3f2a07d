/*
 * home.h — the state home of one "machine": TAPESOCK_HOME, else
 * /var/lib/tapesock for root, else $XDG_STATE_HOME/tapesock or
 * ~/.local/state/tapesock.  Created, mode 0750, by the first command
 * that writes into it; one that only reads finds it or its absence.
 */
#ifndef TAPESOCK_HOME_H
#define TAPESOCK_HOME_H

#include "util.h"

/* Resolve (and create) the home; returns an owned path or NULL. */
char	*home_open(struct errbuf *err);
/* Resolve it, checked as home_open does if it exists, never created:
 * for the commands that only read (their files are then missing). */
char	*home_find(struct errbuf *err);
/* "<home>/<name>", owned by the caller. */
char	*home_path(const char *home, const char *name);

#endif
