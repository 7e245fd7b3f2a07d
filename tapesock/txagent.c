/*
 * txagent.c — the transaction logger link of a server with txlog=ON
 * (txagent.h): its agent is the transaction restore on an input server,
 * the transaction logger on an output server, each a `txlog` process
 * (txlog/agents.c) on the server's pipe and data area.  The server
 * starts it (at its own start, and for check cmd=tlstrt) and answers
 * for it (check cmd=tlchk); the agent runs on its own, so that a
 * server's restart is no restart of the restore.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "paths.h"
#include "server.h"
#include "txagent.h"
#include "txlog.h"

int
txagent_cfg_on(const struct server_cfg *sc)
{
	const char *v = srv_val(sc, KW_TXLOG);

	return v != NULL && streqi(v, "ON");
}

const char *
txagent_cfg_name(const struct server_cfg *sc)
{
	const char *t = srv_val(sc, KW_SERVERTYPE);

	return t != NULL && strcmp(t, "OUT") == 0 ? "logger" : "restore";
}

char *
txagent_cfg_area(const struct server_cfg *sc, const char *home)
{
	const char *d = srv_val(sc, KW_DATADIR);

	return d != NULL ? xstrdup(d) : xasprintf("%s/data", home);
}

int
txagent_cfg_describe(const struct server_cfg *sc, const char *home,
    char *out, size_t sz)
{
	const char *name = txagent_cfg_name(sc);
	char *area = txagent_cfg_area(sc, home), state[32];
	uint64_t at;
	long pid;
	int r;

	r = txl_agent_query(area, name, &pid, state, sizeof(state), &at);
	if (r == 1)
		snprintf(out, sz, "%s of %s running, pid %ld, %s, %s %llu",
		    name, area, pid, state, strcmp(name, "logger") == 0 ?
		    "sent" : "applied", (unsigned long long)at);
	else if (r == 0 && pid != 0)
		snprintf(out, sz, "%s of %s not running (%s, last at %llu)",
		    name, area, state, (unsigned long long)at);
	else {
		snprintf(out, sz, "%s of %s not running (never ran)", name,
		    area);
		r = -1;
	}
	free(area);
	return r;
}

int
txagent_on(const struct server *s)
{
	return txagent_cfg_on(&s->cfg);
}

const char *
txagent_name(const struct server *s)
{
	return txagent_cfg_name(&s->cfg);
}

char *
txagent_area(const struct server *s)
{
	return txagent_cfg_area(&s->cfg, s->home);
}

/* The txlog program: $TXLOG, else beside this one (the build tree),
 * else where make install put it (tapesockd is in LIBEXECDIR). */
static char *
txagent_prog(void)
{
	return prog_beside("TXLOG", "txlog", TAPESOCK_BINDIR);
}

int
txagent_start(struct server *s, struct errbuf *err)
{
	char *area = txagent_area(s), *prog = txagent_prog(), *logf, period[16];
	const char *opt = srv_val(&s->cfg, KW_TXOPT);
	const char *pri = srv_val(&s->cfg, KW_TXPRIOD);
	char state[32];
	uint64_t at;
	char *av[12];
	long pid;
	pid_t child;
	int st, fd, n = 0;

	if (txl_agent_query(area, txagent_name(s), &pid, state, sizeof(state),
	    &at) == 1) {
		free(area);
		free(prog);
		return 1;
	}
	if (access(prog, X_OK) < 0) {
		errbuf_set(err, "%s: %s", prog, strerror(errno));
		free(area);
		free(prog);
		return -1;
	}
	logf = xasprintf("%s/ts.log,%s", s->home, txagent_name(s));
	snprintf(period, sizeof(period), "%s", pri != NULL ? pri : "0");
	fflush(NULL);
	if ((child = fork()) < 0) {
		errbuf_set(err, "fork: %s", strerror(errno));
		free(area);
		free(prog);
		free(logf);
		return -1;
	}
	if (child == 0) {
		/* A session of its own, and no parent to wait for it. */
		setsid();
		if (fork() != 0)
			_exit(0);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
		fd = open(logf, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW,
		    0640);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		closefrom(3);
		av[n++] = "txlog";
		av[n++] = "-d";
		av[n++] = area;
		av[n++] = (char *)(uintptr_t)txagent_name(s);
		if (s->role->sender) {
			/* txopt=ALL: every file; DL: the DL files. */
			if (opt != NULL && streqi(opt, "ALL"))
				av[n++] = "-a";
			av[n++] = "-p";
			av[n++] = period;
			/* To ask the backup what it applied. */
			av[n++] = "-s";
			av[n++] = s->ctl_path;
		}
		av[n++] = s->conf.pipe;
		av[n] = NULL;
		execv(prog, av);
		_exit(127);
	}
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	free(area);
	free(prog);
	free(logf);
	return 0;
}

void
txagent_stop(struct server *s)
{
	char *area = txagent_area(s), state[32];
	uint64_t at;
	long pid;

	if (txl_agent_query(area, txagent_name(s), &pid, state, sizeof(state),
	    &at) == 1 && pid > 1 && kill((pid_t)pid, SIGTERM) == 0)
		server_trace(s, MSG_SRV_TXAGENT_STOPPED, txagent_name(s), pid);
	free(area);
}

int
txagent_describe(const struct server *s, char *out, size_t sz)
{
	return txagent_cfg_describe(&s->cfg, s->home, out, sz) == 1 ? 0 : -1;
}
