/*
 * cmd_put.c — put: one tape file through an output server, with its end
 * known.  A FIFO cannot say where one writer's file ends when the next
 * opens before the server saw the first close (README, "Merged files"):
 * puts take turns (a lock in the home), each waits for the tape mark
 * its close makes, and then for the input server's acknowledgement of
 * that mark, which comes once the file and its mark are written into
 * the input pipe.  So put exits 0 only when the file is on the other
 * side, whole and alone.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "control.h"
#include "home.h"
#include "progress.h"
#include "runstate.h"

#define PUT_ASK_MS	20	/* how often the server is asked */

/* The value of "\nkey: N" in a query answer: 0, or -1. */
static int
put_field(const char *resp, const char *key, uint64_t *v)
{
	char want[64], num[24];
	const char *p;
	size_t n;

	snprintf(want, sizeof(want), "\n%s: ", key);
	if ((p = strstr(resp, want)) == NULL)
		return -1;
	p += strlen(want);
	n = strspn(p, "0123456789");
	if (n == 0 || n >= sizeof(num))
		return -1;
	memcpy(num, p, n);
	num[n] = '\0';
	return parse_u64(num, UINT64_MAX, v);
}

/* The output server's "Last mark" and "Acknowledged": 0, or -1. */
static int
put_ask(const char *sock, uint64_t *mark, uint64_t *acked, char *why,
    size_t sz)
{
	struct errbuf err;
	char *resp = NULL;
	int r;

	/* A monitor's query: asked every few milliseconds, it is not
	 * traced as a Local query, nor does it move the query's rate. */
	r = control_request(sock, "QUERY MONITOR", &resp, 10000, &err);
	if (r != 0) {
		snprintf(why, sz, "%s", r == -2 ? "the server is not running" :
		    err.msg);
		free(resp);
		return -1;
	}
	if (put_field(resp, "Last mark", mark) < 0 ||
	    put_field(resp, "Acknowledged", acked) < 0) {
		snprintf(why, sz, "the server's query has no Last mark or "
		    "Acknowledged (another version?)");
		free(resp);
		return -1;
	}
	free(resp);
	return 0;
}

static void
put_nap(void)
{
	struct timespec t = { 0, PUT_ASK_MS * 1000000L };

	nanosleep(&t, NULL);	/* the server is another process */
}

/* Copy in to the pipe, its progress on pg; -1 with why. */
static int
put_copy(int in, int out, uint64_t *bytes, struct progress *pg, char *why,
    size_t sz)
{
	char buf[65536];
	ssize_t n;

	*bytes = 0;
	for (;;) {
		n = read(in, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(why, sz, "reading: %s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		if (write_all(out, buf, (size_t)n) < 0) {
			snprintf(why, sz, "writing the pipe: %s",
			    strerror(errno));
			return -1;
		}
		*bytes += (uint64_t)n;
		progress_update(pg, *bytes);
	}
}

int
cmd_put(struct ctx *ctx)
{
	const char *file = ctx->req->val[KW_FILE];
	const char *w = ctx->req->val[KW_WAIT] != NULL ?
	    ctx->req->val[KW_WAIT] : "60";
	struct server_cfg *s;
	struct config cfg;
	uint64_t mark0, mark, acked, bytes = 0, limit = 60;
	char why[ERRBUF_SIZE], *sock = NULL, *lockp = NULL;
	struct progress pg;
	struct stat st;
	time_t until;
	int rc = EXIT_FAILED, lk = -1, in = 0, fd = -1, fl, r;

	memset(&cfg, 0, sizeof(cfg));
	if (ctx_load_config(ctx, &cfg) < 0)
		return EXIT_FAILED;
	if ((s = ctx_server(ctx, &cfg)) == NULL)
		goto done;
	(void)parse_u64(w, 3600, &limit);
	if (strcmp(s->val[KW_SERVERTYPE], "OUT") != 0) {
		msg_err(MSG_CLI_WRONG_TYPE, s->name, s->val[KW_SERVERTYPE],
		    "put");
		goto done;
	}
	if (runstate_pid(ctx->home, s->name) <= 0) {
		msg_err(MSG_CLI_SERVER_NOT_RUNNING, s->name, s->name);
		goto done;
	}
	if (file != NULL && (in = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		msg_err(MSG_CLI_PUT_FAILED, s->name, file, strerror(errno));
		goto done;
	}
	signal(SIGPIPE, SIG_IGN);
	sock = xasprintf("%s/%s.sock", ctx->home, s->name);
	/* One put at a time on this server: one tape file at a time. */
	lockp = xasprintf("%s/%s.put", ctx->home, s->name);
	if ((lk = lock_file(lockp)) < 0) {
		msg_err(MSG_CLI_PUT_FAILED, s->name, lockp, strerror(errno));
		goto done;
	}
	if (put_ask(sock, &mark0, &acked, why, sizeof(why)) < 0) {
		msg_err(MSG_CLI_PUT_FAILED, s->name, "query", why);
		goto done;
	}
	fd = open(s->val[KW_PIPE], O_WRONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOFOLLOW);
	if (fd < 0) {
		msg_err(MSG_CLI_PUT_FAILED, s->name, s->val[KW_PIPE],
		    errno == ENXIO ? "the output server does not read its "
		    "pipe" : strerror(errno));
		goto done;
	}
	fl = fcntl(fd, F_GETFL);
	(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	/* On a terminal: bytes into the pipe, of the file's size. */
	progress_init(&pg, STDERR_FILENO, "put", fstat(in, &st) == 0 &&
	    S_ISREG(st.st_mode) ? (uint64_t)st.st_size : PROGRESS_UNKNOWN);
	r = put_copy(in, fd, &bytes, &pg, why, sizeof(why));
	progress_end(&pg, bytes);
	if (r < 0) {
		msg_err(MSG_CLI_PUT_FAILED, s->name, file != NULL ? file :
		    "standard input", why);
		goto done;
	}
	close(fd);
	fd = -1;
	/* The close is the end: the server marks it, the peer writes it. */
	until = time(NULL) + (time_t)limit;
	for (;;) {
		if (put_ask(sock, &mark, &acked, why, sizeof(why)) < 0) {
			msg_err(MSG_CLI_PUT_FAILED, s->name, "query", why);
			goto done;
		}
		if (mark > mark0 && acked >= mark)
			break;
		if (time(NULL) >= until) {
			msg_err(MSG_CLI_PUT_FAILED, s->name, file != NULL ?
			    file : "standard input", mark > mark0 ?
			    "sent, but the input server has not written it "
			    "yet (its reader, the link?)" :
			    "sent, but no tape mark after it yet (another "
			    "writer on the pipe, or a slow server)");
			goto done;
		}
		put_nap();
	}
	msg_out(ctx->req->opts & OPT_Q, MSG_CLI_PUT_DONE, file != NULL ? file :
	    "standard input", (unsigned long long)bytes,
	    (unsigned long long)mark);
	rc = EXIT_OK;
done:
	if (fd >= 0)
		close(fd);
	if (in > 0)
		close(in);
	if (lk >= 0)
		unlock_file(lk);
	free(lockp);
	free(sock);
	config_free(&cfg);
	return rc;
}
