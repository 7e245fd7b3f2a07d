/*
 * rcheck.c — remote commands (rcheck.h): the asking side, which holds a
 * control client until the peer answers, and the answering side, which
 * runs the reference manual's commands.
 *
 * An answer is one line of text that begins "OK " or "ERR ": OK when
 * the command ran (a test that finds nothing is still OK: "0 File 'f'
 * missing" is its answer), ERR when it was refused or failed.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "rcheck.h"
#include "checkcmd.h"
#include "server.h"
#include "txagent.h"

#define CHECK_POLL_MS	20	/* an exec whose output ended: reap it */
#define CHECK_ITEM_MAX	(CHECK_ANSWER_MAX - 16)

static const char *const check_path[] = { "/usr/local/bin", "/usr/bin",
    "/bin" };

extern char **environ;

void
check_init(struct server *s)
{
	memset(&s->check, 0, sizeof(s->check));
	s->check.ctl = -1;
	s->check.job_fd = -1;
	s->check.next_id = 1;
}

/* ------------------------------------------------------------------ */
/* Asking. */

static void
check_reply(struct server *s, int ok, const char *text)
{
	void (*done)(struct server *, int, const char *) = s->check.done;
	struct control_conn *c;
	int slot = s->check.ctl;

	s->check.pending = 0;
	s->check.ctl = -1;
	s->check.done = NULL;
	if (done != NULL) {
		done(s, ok, text);
		return;
	}
	if (slot < 0 || s->ctl[slot].fd < 0)
		return;
	c = &s->ctl[slot];
	control_answer(c, ok, text);
}

/* Send cmd; its answer goes to control slot, or to done. */
static int
check_send(struct server *s, const char *cmd, int slot,
    void (*done)(struct server *, int ok, const char *text))
{
	s->check.id = s->check.next_id++;
	if (server_queue_frame(s, FT_CHECK_REQ, 0, s->check.id,
	    (const uint8_t *)cmd, (uint32_t)strlen(cmd)) < 0)
		return -1;
	strlcpy(s->check.cmd, cmd, sizeof(s->check.cmd));
	s->check.pending = 1;
	s->check.ctl = slot;
	s->check.done = done;
	ts_after(&s->check.deadline, CHECK_WAIT_S);
	return 0;
}

void
check_request(struct server *s, struct control_conn *c, int slot,
    const char *line)
{
	struct check_cmd cmd;
	struct errbuf err;
	char *norm;

	if (check_parse(line, &cmd, &err) < 0) {
		control_reply_err(c, "%s", err.msg);
		return;
	}
	norm = check_normal(&cmd);
	check_cmd_free(&cmd);
	if (!server_linked(s) || !s->hello_done) {
		control_reply_err(c, "no connection to the remote server "
		    "(status: %s): '%s' was not sent", server_state_name(
		    s->state), norm);
		free(norm);
		return;
	}
	if (s->check.pending) {
		control_reply_err(c, "busy: check '%s' waits for its answer; "
		    "try again in %d seconds", s->check.cmd, CHECK_WAIT_S);
		free(norm);
		return;
	}
	if (check_send(s, norm, slot, NULL) < 0)
		control_reply_err(c, "'%s' could not be sent: the link "
		    "failed", norm);
	else
		c->waiting = 1;
	free(norm);
}

int
check_ask(struct server *s, const char *cmd,
    void (*done)(struct server *, int ok, const char *text))
{
	if (!server_linked(s) || !s->hello_done || s->check.pending)
		return -1;
	return check_send(s, cmd, -1, done);
}

/* CHECK_RESP: the answer to our request, or a stale one (ignored). */
static void
check_answered(struct server *s, const struct frame *f)
{
	char text[4 * CHECK_ANSWER_MAX + 1];
	const char *body;
	int ok;

	if (!s->check.pending || f->aux != s->check.id)
		return;
	frame_printable(text, sizeof(text), f->payload, f->len);
	ok = strncmp(text, "OK", 2) == 0 && (text[2] == ' ' || text[2] == '\0');
	server_trace(s, ok ? MSG_TS_CHECK_OK : MSG_TS_CHECK_ERR);
	if (ok)
		body = text[2] == ' ' ? text + 3 : text + 2;
	else
		body = strncmp(text, "ERR ", 4) == 0 ? text + 4 : text;
	check_reply(s, ok, body);
}

void
check_forget(struct server *s, int slot)
{
	if (s->check.ctl == slot)
		s->check.ctl = -1;
}

/* ------------------------------------------------------------------ */
/* Answering. */

static void
check_answer(struct server *s, uint64_t id, const char *cmd, int ok,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
check_answer(struct server *s, uint64_t id, const char *cmd, int ok,
    const char *fmt, ...)
{
	char text[CHECK_ANSWER_MAX + 8], body[CHECK_ANSWER_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	snprintf(text, sizeof(text), "%s %s", ok ? "OK" : "ERR", body);
	/* What changes something is kept; a question (the poll's and the
	 * logger's tlchk every few seconds) only with (V. */
	server_trace(s, s->check.quiet ? MSG_SRV_CHECK_ASKED :
	    MSG_SRV_CHECK_ANSWERED, cmd, text);
	if (server_linked(s))
		server_queue_frame(s, FT_CHECK_RESP, 0, id,
		    (const uint8_t *)text, (uint32_t)strlen(text));
}

/* The program an allowed exec runs, or NULL. */
static char *
check_program(const struct server *s, const char *word)
{
	const char *allow = srv_val(&s->cfg, KW_EXECALLOW);
	char *copy, *p, *e, *found = NULL;
	size_t i;

	if (allow == NULL)
		return NULL;
	copy = xstrdup(allow);
	for (p = copy; found == NULL && (e = strsep(&p, ",")) != NULL; ) {
		if (e[0] == '/') {
			const char *base = strrchr(e, '/') + 1;

			if (strcmp(word, e) == 0 || strcmp(word, base) == 0)
				found = xstrdup(e);
			continue;
		}
		if (strcmp(word, e) != 0)
			continue;
		for (i = 0; i < ARRAY_LEN(check_path); i++) {
			char *path = xasprintf("%s/%s", check_path[i], e);

			if (access(path, X_OK) == 0) {
				found = path;
				break;
			}
			free(path);
		}
	}
	free(copy);
	return found;
}

static void
check_exec(struct server *s, uint64_t id, const char *norm,
    const struct check_cmd *cmd)
{
	static char *const env[] = { "PATH=/usr/local/bin:/usr/bin:/bin",
	    "LC_ALL=C", "HOME=/", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	char *prog;
	pid_t pid;
	int p[2], rc;

	if (s->check.job_pid != 0) {
		check_answer(s, id, norm, 0, "busy: exec '%s' is still "
		    "running", s->check.job_cmd);
		return;
	}
	if (strchr(cmd->argv[0], '/') != NULL && cmd->argv[0][0] != '/')
		prog = NULL;
	else
		prog = check_program(s, cmd->argv[0]);
	if (prog == NULL && srv_val(&s->cfg, KW_EXECALLOW) == NULL) {
		check_answer(s, id, norm, 0, "exec of '%s' refused: server %s "
		    "allows none (no execallow=)", cmd->argv[0], s->name);
		return;
	}
	if (prog == NULL) {
		check_answer(s, id, norm, 0, "exec of '%s' refused: server %s "
		    "allows only %s (execallow=)", cmd->argv[0], s->name,
		    srv_val(&s->cfg, KW_EXECALLOW));
		return;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
		check_answer(s, id, norm, 0, "exec '%s': pipe: %s",
		    cmd->argv[0], strerror(errno));
		free(prog);
		return;
	}
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	/* Nothing of the server's: its pid file lock, its sockets. */
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	/* In the data area, else in /: never where the server started. */
	posix_spawn_file_actions_addchdir_np(&fa, srv_val(&s->cfg,
	    KW_DATADIR) != NULL ? srv_val(&s->cfg, KW_DATADIR) : "/");
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setpgroup(&at, 0);
	rc = posix_spawn(&pid, prog, &fa, &at, cmd->argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc != 0) {
		check_answer(s, id, norm, 0, "exec '%s': %s: %s",
		    cmd->argv[0], prog, strerror(rc));
		close(p[0]);
		free(prog);
		return;
	}
	free(prog);
	s->check.job_pid = pid;
	s->check.job_fd = p[0];
	s->check.job_id = id;
	s->check.job_len = 0;
	s->check.job_killed = 0;
	strlcpy(s->check.job_cmd, norm, sizeof(s->check.job_cmd));
	ts_after(&s->check.job_deadline, CHECK_EXEC_S);
}

/* test -f FILE, test -r[d] FILE ID in the data area. */
static void
check_test_in(struct server *s, uint64_t id, const char *norm,
    const struct check_cmd *cmd, const char *area)
{
	char body[CHECK_ITEM_MAX + 1];
	struct stat st;
	ssize_t n;
	size_t i;
	int dfd, fd;

	if (area == NULL) {
		check_answer(s, id, norm, 0, "no data area: server %s has no "
		    "datadir=", s->name);
		return;
	}
	dfd = open(area, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0) {
		check_answer(s, id, norm, 0, "data area %s: %s", area,
		    strerror(errno));
		return;
	}
	fd = openat(dfd, cmd->file, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	close(dfd);
	if (fd < 0) {
		check_answer(s, id, norm, 1, "0 File '%s' missing", cmd->file);
		return;
	}
	if (cmd->verb == CK_TEST_F) {
		close(fd);
		check_answer(s, id, norm, 1, "1 File '%s' exists", cmd->file);
		return;
	}
	dfd = fd;
	fd = openat(dfd, cmd->item, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		close(dfd);
		check_answer(s, id, norm, 1, "0 Item '%s' missing", cmd->item);
		return;
	}
	n = read(fd, body, sizeof(body) - 1);
	close(fd);
	if (n < 0) {
		close(dfd);
		check_answer(s, id, norm, 0, "item '%s' of '%s': %s",
		    cmd->item, cmd->file, strerror(errno));
		return;
	}
	/* One line: attributes (lines) shown as Pick shows them, ^. */
	while (n > 0 && body[n - 1] == '\n')
		n--;
	body[n] = '\0';
	for (i = 0; i < (size_t)n; i++)
		if (body[i] == '\n')
			body[i] = '^';
	if (cmd->verb == CK_TEST_RD && unlinkat(dfd, cmd->item, 0) < 0) {
		close(dfd);
		check_answer(s, id, norm, 0, "item '%s' of '%s' read but not "
		    "deleted: %s", cmd->item, cmd->file, strerror(errno));
		return;
	}
	close(dfd);
	check_answer(s, id, norm, 1, "1 %s", body);
}

/* The data area: datadir=, else (txlog=ON) the restore's, HOME/data. */
static void
check_test(struct server *s, uint64_t id, const char *norm,
    const struct check_cmd *cmd)
{
	char *area = NULL;

	if (srv_val(&s->cfg, KW_DATADIR) != NULL || txagent_on(s))
		area = txagent_area(s);
	check_test_in(s, id, norm, cmd, area);
	free(area);
}

/* tlchk, tlstrt: the restore (or logger) of a server with txlog=ON. */
static void
check_tl(struct server *s, uint64_t id, const char *norm, int start)
{
	char line[CHECK_ANSWER_MAX];
	struct errbuf err;
	int r;

	if (!txagent_on(s)) {
		check_answer(s, id, norm, 0, "no transaction logger: server "
		    "%s is not linked to one (txlog=OFF)", s->name);
		return;
	}
	if (start) {
		r = txagent_start(s, &err);
		if (r < 0) {
			check_answer(s, id, norm, 0, "%s not started: %s",
			    txagent_name(s), err.msg);
			return;
		}
		if (r == 1) {
			txagent_describe(s, line, sizeof(line));
			check_answer(s, id, norm, 1, "%s", line);
			return;
		}
		server_trace(s, MSG_SRV_TXAGENT_STARTED, txagent_name(s),
		    s->conf.pipe);
		check_answer(s, id, norm, 1, "%s started on %s",
		    txagent_name(s), s->conf.pipe);
		return;
	}
	r = txagent_describe(s, line, sizeof(line));
	check_answer(s, id, norm, r == 0, "%s", line);
}

/* CHECK_REQ: run it, or refuse it, and answer. */
static void
check_run(struct server *s, const struct frame *f)
{
	char line[CHECK_CMD_MAX + 1], shown[4 * 64 + 1];
	struct check_cmd cmd;
	struct errbuf err;
	char *norm;

	if (f->len > CHECK_CMD_MAX || memchr(f->payload, '\0', f->len)) {
		frame_printable(shown, sizeof(shown), f->payload,
		    f->len > 64 ? 64 : f->len);
		check_answer(s, f->aux, shown, 0, "not a check command");
		return;
	}
	memcpy(line, f->payload, f->len);
	line[f->len] = '\0';
	if (check_parse(line, &cmd, &err) < 0) {
		frame_printable(shown, sizeof(shown), f->payload,
		    f->len > 64 ? 64 : f->len);
		server_trace(s, MSG_TS_UNKNOWN_CMD, shown);
		check_answer(s, f->aux, shown, 0, "%s (the check commands: "
		    "%s)", err.msg, kw_def(KW_CMD)->allowed);
		return;
	}
	norm = check_normal(&cmd);
	s->check.quiet = cmd.verb == CK_QUERY || cmd.verb == CK_MSGNUM ||
	    cmd.verb == CK_TLCHK || cmd.verb == CK_TEST_F ||
	    cmd.verb == CK_TEST_R;
	switch (cmd.verb) {
	case CK_EXEC:
		check_exec(s, f->aux, norm, &cmd);
		break;
	case CK_MSGNUM:
		check_answer(s, f->aux, norm, 1, "%llu",
		    (unsigned long long)s->curmsg);
		break;
	case CK_QUERY:
		check_answer(s, f->aux, norm, 1, "%s %s %c %s, msgnum %llu, "
		    "pid %ld", s->name, s->role->type, s->sletter,
		    server_state_name(s->state),
		    (unsigned long long)s->curmsg, (long)getpid());
		break;
	case CK_SHTDWN:
		if (!s->conf.rshut) {
			server_trace(s, MSG_SRV_RSHUT_REFUSED);
			check_answer(s, f->aux, norm, 0, "shtdwn refused: "
			    "server %s has rshut=OFF", s->name);
			break;
		}
		check_answer(s, f->aux, norm, 1, "server %s stops", s->name);
		server_trace(s, MSG_TS_REMOTE_SHTDWN);
		server_request_stop(s);
		break;
	case CK_TEST_F:
	case CK_TEST_R:
	case CK_TEST_RD:
		check_test(s, f->aux, norm, &cmd);
		break;
	case CK_TLCHK:
	case CK_TLSTRT:
		check_tl(s, f->aux, norm, cmd.verb == CK_TLSTRT);
		break;
	case CK_TRON:
		if (cmd.has_tron)
			s->log.keep = tslog_keep(cmd.tron);
		s->opts |= OPT_V;
		s->log.verbose = 1;
		check_answer(s, f->aux, norm, 1, "traces on, %u kept",
		    s->log.keep);
		break;
	case CK_TROFF:
		s->opts &= ~OPT_V;
		s->log.verbose = 0;
		check_answer(s, f->aux, norm, 1, "traces off");
		break;
	}
	s->check.quiet = 0;
	free(norm);
	check_cmd_free(&cmd);
}

void
check_frame(struct server *s, const struct frame *f)
{
	if (f->type == FT_CHECK_REQ)
		check_run(s, f);
	else
		check_answered(s, f);
}

/* ------------------------------------------------------------------ */
/* The exec under way, and the deadlines. */

static void
check_job_end(struct server *s, int status)
{
	char line[CHECK_ANSWER_MAX];
	size_t n;

	memcpy(line, s->check.job_out, s->check.job_len);
	line[s->check.job_len < sizeof(line) ? s->check.job_len :
	    sizeof(line) - 1] = '\0';
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (s->check.job_killed)
		check_answer(s, s->check.job_id, s->check.job_cmd, 0,
		    "exec '%s' did not end within %d seconds: killed%s%s",
		    s->check.job_cmd, CHECK_EXEC_S, n ? ": " : "", line);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		check_answer(s, s->check.job_id, s->check.job_cmd, 1, "%s",
		    line);
	else if (WIFEXITED(status))
		check_answer(s, s->check.job_id, s->check.job_cmd, 0,
		    "exec '%s' exited with status %d%s%s", s->check.job_cmd,
		    WEXITSTATUS(status), n ? ": " : "", line);
	else
		check_answer(s, s->check.job_id, s->check.job_cmd, 0,
		    "exec '%s' was killed by signal %d", s->check.job_cmd,
		    WTERMSIG(status));
	s->check.job_pid = 0;
}

/* Read what the exec printed: the first line is kept, the rest read
 * and dropped, so that the command never blocks on a full pipe. */
static void
check_job_read(struct server *s)
{
	char sink[4096];
	ssize_t n;

	for (;;) {
		if (s->check.job_len < sizeof(s->check.job_out) - 1)
			n = read(s->check.job_fd, s->check.job_out +
			    s->check.job_len, sizeof(s->check.job_out) - 1 -
			    s->check.job_len);
		else
			n = read(s->check.job_fd, sink, sizeof(sink));
		if (n > 0) {
			if (s->check.job_len < sizeof(s->check.job_out) - 1)
				s->check.job_len += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(s->check.job_fd);
		s->check.job_fd = -1;
		return;
	}
}

void
check_pollfds(struct server *s, struct pollfd *pfd, int *n, int *timeout)
{
	if (s->check.pending)
		server_wake(timeout, &s->check.deadline);
	if (s->check.job_pid == 0)
		return;
	server_wake(timeout, &s->check.job_deadline);
	if (s->check.job_fd >= 0) {
		pfd[*n].fd = s->check.job_fd;
		pfd[(*n)++].events = POLLIN;
	} else if (*timeout < 0 || *timeout > CHECK_POLL_MS)
		*timeout = CHECK_POLL_MS;
}

void
check_events(struct server *s, const struct pollfd *pfd, int n)
{
	int i, status;
	pid_t r;

	if (s->check.pending && ts_due(&s->check.deadline)) {
		char why[160];

		server_trace(s, MSG_SRV_CHECK_TIMEOUT, s->check.cmd,
		    CHECK_WAIT_S);
		snprintf(why, sizeof(why), "no answer to '%s' within %d "
		    "seconds", s->check.cmd, CHECK_WAIT_S);
		check_reply(s, 0, why);
	}
	if (s->check.job_pid == 0)
		return;
	for (i = 0; i < n; i++)
		if (s->check.job_fd >= 0 && pfd[i].fd == s->check.job_fd &&
		    pfd[i].revents != 0)
			check_job_read(s);
	if (!s->check.job_killed && ts_due(&s->check.job_deadline)) {
		(void)kill(-s->check.job_pid, SIGKILL);
		s->check.job_killed = 1;
		if (s->check.job_fd >= 0) {
			close(s->check.job_fd);
			s->check.job_fd = -1;
		}
	}
	if (s->check.job_fd >= 0)
		return;
	r = waitpid(s->check.job_pid, &status, WNOHANG);
	if (r == s->check.job_pid)
		check_job_end(s, status);
	else if (r < 0 && errno == ECHILD) {
		/* Reaped by someone else: what it printed, no status. */
		s->check.job_killed = 0;
		check_job_end(s, W_EXITCODE(255, 0));
	}
}

static void
check_job_kill(struct server *s)
{
	if (s->check.job_pid == 0)
		return;
	(void)kill(-s->check.job_pid, SIGKILL);
	while (waitpid(s->check.job_pid, NULL, 0) < 0 && errno == EINTR)
		;
	if (s->check.job_fd >= 0)
		close(s->check.job_fd);
	s->check.job_fd = -1;
	s->check.job_pid = 0;
}

void
check_link_down(struct server *s)
{
	if (s->check.pending)
		check_reply(s, 0, "the connection to the remote server was "
		    "lost before it answered");
	check_job_kill(s);
}

void
check_close(struct server *s)
{
	check_job_kill(s);
}
