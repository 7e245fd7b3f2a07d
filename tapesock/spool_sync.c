/*
 * spool_sync.c — the spool's group commit (sync on): a thread that runs
 * one fdatasync() of the open segment at a time, each covering every
 * record appended before it began, while the server goes on taking
 * blocks from its pipe (spool.h: spool_sync_fd, spool_sync_poll).
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"
#include "spool_sync.h"

/*
 * Group commit (sync on).  One thread does the fdatasync()s of the open
 * segment, so that the server goes on taking blocks from its pipe while
 * the disk works: each sync covers every record appended since the one
 * before, however many.  The thread touches nothing but the request
 * below; the server learns of a finished sync through an eventfd.
 */
struct spool_syncer {
	pthread_t	 thread;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 efd;		/* readable: a sync finished */
	int		 fd;		/* the segment to sync */
	uint64_t	 upto;		/* records below it, once synced */
	uint64_t	 done;		/* result: records below it are */
	int		 busy;		/* a request is under way */
	int		 err;		/* errno of a failed sync, or 0 */
	int		 quit;
};

static void *
syncer_main(void *arg)
{
	struct spool_syncer *y = arg;
	uint64_t one = 1;
	int fd, rc;

	pthread_mutex_lock(&y->mu);
	for (;;) {
		while (!y->quit && (!y->busy || y->fd < 0))
			pthread_cond_wait(&y->cv, &y->mu);
		if (y->quit)
			break;
		fd = y->fd;
		y->fd = -1;
		pthread_mutex_unlock(&y->mu);
		rc = fdatasync(fd) < 0 ? errno : 0;
		pthread_mutex_lock(&y->mu);
		if (rc != 0)
			y->err = rc;
		else
			y->done = y->upto;
		y->busy = 0;
		pthread_cond_broadcast(&y->cv);
		(void)!write(y->efd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&y->mu);
	return NULL;
}

int
spool_syncer_open(struct spool *sp, struct errbuf *err)
{
	struct spool_syncer *y = xcalloc(1, sizeof(*y));

	y->fd = -1;
	y->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (y->efd < 0) {
		errbuf_set(err, "spool %s: eventfd: %s", sp->dir,
		    strerror(errno));
		free(y);
		return -1;
	}
	pthread_mutex_init(&y->mu, NULL);
	pthread_cond_init(&y->cv, NULL);
	if ((errno = pthread_create(&y->thread, NULL, syncer_main, y)) != 0) {
		errbuf_set(err, "spool %s: cannot start its sync thread: %s",
		    sp->dir, strerror(errno));
		close(y->efd);
		free(y);
		return -1;
	}
	sp->syncer = y;
	return 0;
}

/* Wait until no sync is under way (a segment is about to close). */
void
spool_syncer_idle(struct spool *sp)
{
	struct spool_syncer *y = sp->syncer;

	if (y == NULL)
		return;
	pthread_mutex_lock(&y->mu);
	while (y->busy)
		pthread_cond_wait(&y->cv, &y->mu);
	pthread_mutex_unlock(&y->mu);
}

void
spool_syncer_close(struct spool *sp)
{
	struct spool_syncer *y = sp->syncer;

	if (y == NULL)
		return;
	pthread_mutex_lock(&y->mu);
	y->quit = 1;
	pthread_cond_broadcast(&y->cv);
	pthread_mutex_unlock(&y->mu);
	pthread_join(y->thread, NULL);
	pthread_mutex_destroy(&y->mu);
	pthread_cond_destroy(&y->cv);
	close(y->efd);
	free(y);
	sp->syncer = NULL;
}

int
spool_sync_fd(const struct spool *sp)
{
	return sp->syncer != NULL ? sp->syncer->efd : -1;
}

int
spool_sync_poll(struct spool *sp, struct errbuf *err)
{
	struct spool_syncer *y = sp->syncer;
	uint64_t v;
	int rc = 0;

	if (y == NULL)
		return 0;
	(void)!read(y->efd, &v, sizeof(v));
	pthread_mutex_lock(&y->mu);
	if (y->err != 0) {
		errno = y->err;
		y->err = 0;
		rc = -1;
	} else if (y->done > sp->synced)
		sp->synced = y->done;
	/* What came since is the next group. */
	if (rc == 0 && !y->busy && sp->synced < sp->next) {
		y->fd = sp->wfd;
		y->upto = sp->next;
		y->busy = 1;
		pthread_cond_signal(&y->cv);
	}
	pthread_mutex_unlock(&y->mu);
	if (rc < 0)
		errbuf_set(err, "spool %s/%020llu.seg: cannot sync: %s", sp->dir,
		    (unsigned long long)sp->segs[sp->nsegs - 1].first,
		    strerror(errno));
	return rc;
}
