/*
 * txagent.h — the transaction logger link of a server (txlog=ON): the
 * txlog process it starts and answers for (txagent.c, txlog(1)).
 */
#ifndef TAPESOCK_TXAGENT_H
#define TAPESOCK_TXAGENT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "txlog.h"
#include "util.h"

struct server;
struct control_conn;

/*
 * Poll tests (poll=, an output server with txlog=ON; txpoll.c): every
 * poll seconds a test item goes into the data area through the
 * transaction queue ("Sent POLL"), and the backup is asked for it with
 * check test -rd until it is there ("Txlog OK") or the next poll comes
 * first ("Lost POLL n", the notify list told, tlchk asked).
 */
#define TXAGENT_AGAIN_S	60	/* a refused stop repeated within: stops */
#define TXPOLL_FILE	"tapesock.poll"
#define TXPOLL_LOOK_S	1	/* ask the backup this often for the item */
#define TXPOLL_TLTEST_S	7	/* tltest: the item there within this */

struct txpoll {
	uint64_t	 every;		/* seconds; 0: no polling */
	struct timespec	 next;		/* the next poll */
	struct timespec	 look;		/* the next question to the backup */
	uint64_t	 n;		/* the last item's number */
	int		 pending;	/* item n not seen on the backup yet */
	char		 id[64];
	struct timespec	 sent_at;
	int		 failing;	/* a poll was lost: "back on line" due */
	int		 ever_ok;
	int		 tltest;	/* control slot waiting, -1 none */
	struct timespec	 tltest_by;
	/* Lag: the backup's number as tlchk last said, the queue's. */
	struct timespec	 lag_ask;
	uint64_t	 theirs, ours;
	int		 lag_known;
	int		 theirs_known;
	struct txl	 area;		/* kept open: its queue read on */
	int		 area_open;
	double		 last_trip;	/* seconds, a poll item's way; <0 none */
	struct timespec	 ok_at;		/* the last item seen on the backup */
};
#define TXPOLL_LAG_S	5	/* ask the backup's number this often */

void	txpoll_init(struct server *);
/* query's "Txlog poll" line: OK or failing, and the last item seen. */
void	txpoll_state(const struct server *, char *, size_t);
void	txpoll_pollfds(struct server *, int *timeout);
void	txpoll_events(struct server *);
/* tltest: a poll now, the answer when its item is on the backup. */
void	txpoll_tltest(struct server *, struct control_conn *, int slot);
void	txpoll_forget(struct server *, int slot);
/* The server ends: what the polling holds open. */
void	txpoll_close(struct server *);
/* query's "Txlog queue" line (its last number, what is not sent yet),
 * or "" when not linked. */
void	txpoll_queue(struct server *, char *out, size_t);
/* query's "Txlog lag" line, or "" when not linked. */
void	txpoll_lag(const struct server *, char *out, size_t);
/* "Next poll time" of query: hh:mm:ss, or "off". */
void	txpoll_next_time(const struct server *, char *out, size_t);

struct server_cfg;

/* The same, from a server's configuration (status, which runs none). */
int	 txagent_cfg_on(const struct server_cfg *);
const char *txagent_cfg_name(const struct server_cfg *);
char	*txagent_cfg_area(const struct server_cfg *, const char *home);
/* One line on it: 1 running, 0 it ran and stopped, -1 it never ran. */
int	 txagent_cfg_describe(const struct server_cfg *, const char *home,
	    char *out, size_t);

/* txlog=ON. */
int	 txagent_on(const struct server *);
/* "restore" (input server) or "logger" (output server). */
const char *txagent_name(const struct server *);
/* Its data area: datadir=, else <home>/data.  The caller frees it. */
char	*txagent_area(const struct server *);
/* Start it unless it runs: 0 started, 1 it ran already, -1 err. */
int	 txagent_start(struct server *, struct errbuf *);
/* Stop it (SIGTERM), if it runs: the server stops on request. */
void	 txagent_stop(struct server *);
/* One line on it: 0 running, -1 not. */
int	 txagent_describe(const struct server *, char *out, size_t);

#endif
