/*
 * qinfo.h — a server's query answer, read: the one text the server
 * writes ("Label: value" lines, README "Query and status") turned into
 * typed fields for status --check and --follow, and into the JSON of
 * query --json.  The text form stays the server's only answer, so the
 * three cannot disagree with it.
 */
#ifndef TAPESOCK_QINFO_H
#define TAPESOCK_QINFO_H

#include <stdint.h>

#include "json.h"
#include "util.h"

struct qline {
	char	*label;		/* owned */
	char	*value;		/* owned */
};

struct qinfo {
	char		 name[64];
	char		 type[8];	/* IN or OUT */
	long		 pid;
	char		 status[64];
	int		 connected;
	double		 conn_changed;	/* seconds; <0 not said */
	uint64_t	 curmsg, msgin, msgout, kbytes;
	double		 rate;		/* msg/s since the previous query */
	int		 has_unacked;	/* OUT: Unacknowledged; IN: Unwritten */
	uint64_t	 unacked;
	int		 has_acked;
	uint64_t	 acked;
	int		 has_spool;	/* OUT */
	uint64_t	 spool_bytes, spool_max, spool_first, spool_last;
	int		 spool_full;
	int		 has_lag;	/* OUT with txlog=ON */
	int		 lag_known;	/* lag_tx known */
	uint64_t	 lag_tx;
	double		 lag_s;		/* <0 not said */
	int		 has_poll;	/* OUT with txlog=ON and poll= */
	int		 poll_failing;
	double		 poll_age;	/* <0 none seen yet */
	char		 pipe_error[256];	/* "" when none */
	struct qline	*lines;		/* every line but Server, in order */
	size_t		 nlines;
};

/* Read a query answer: 0, or -1 with err (a line it needs is missing
 * or not in its form). */
int	qinfo_parse(const char *text, struct qinfo *, struct errbuf *);
void	qinfo_free(struct qinfo *);
/* The value of label, or NULL. */
const char *qinfo_get(const struct qinfo *, const char *label);
/* The query as one JSON object (doc/query.schema.json). */
void	qinfo_json(const struct qinfo *, struct json *);

#endif
