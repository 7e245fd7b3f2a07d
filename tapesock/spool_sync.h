/*
 * spool_sync.h — what spool.c asks of its sync thread (spool_sync.c).
 * Not for other callers: they use spool_sync_fd and spool_sync_poll.
 */
#ifndef TAPESOCK_SPOOL_SYNC_H
#define TAPESOCK_SPOOL_SYNC_H

#include "spool.h"
#include "util.h"

/* Start the thread (sync on); -1 with err. */
int	spool_syncer_open(struct spool *, struct errbuf *);
/* Wait until no sync is under way (a segment is about to close). */
void	spool_syncer_idle(struct spool *);
/* Stop the thread and free it. */
void	spool_syncer_close(struct spool *);

#endif
