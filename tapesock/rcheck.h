/*
 * rcheck.h — remote commands: `tape-socket check cmd=...` on one server
 * of a pair is answered by the other, over the proven link
 * (CHECK_REQ / CHECK_RESP, doc/PROTOCOL.md section 9).
 *
 * Either server may ask, one request at a time; the control client
 * that asked waits for the answer (CHECK_WAIT_S at most).  The
 * answering server runs the command in its own loop: an exec is a
 * child process, without a shell, of a program its execallow= names,
 * watched by poll() and killed after CHECK_EXEC_S; nothing blocks.
 */
#ifndef TAPESOCK_RCHECK_H
#define TAPESOCK_RCHECK_H

#include <sys/types.h>

#include <poll.h>
#include <stdint.h>
#include <time.h>

#define CHECK_WAIT_S	8	/* the asker waits (below CONTROL_IDLE_S) */
#define CHECK_EXEC_S	5	/* an exec'd command may run */
#define CHECK_ANSWER_MAX 1024	/* bytes of an answer's text */
#define CHECK_CMD_MAX	1024	/* bytes of a request */

struct server;
struct control_conn;
struct frame;

struct check_state {
	/* Asking: the request out, and the control client waiting. */
	int		 pending;
	int		 ctl;		/* index in s->ctl, -1: nobody waits */
	/* Or the server's own request (txpoll.c): told of the answer. */
	void		(*done)(struct server *, int ok, const char *text);
	uint64_t	 id, next_id;
	char		 cmd[80];	/* for traces */
	struct timespec	 deadline;
	/* Answering: a command that changes nothing is traced (V) only. */
	int		 quiet;
	/* Answering: the exec under way. */
	pid_t		 job_pid;	/* 0: none */
	int		 job_fd;	/* its output, -1 at its end */
	uint64_t	 job_id;
	char		 job_cmd[80];
	char		 job_out[CHECK_ANSWER_MAX];
	size_t		 job_len;
	int		 job_killed;
	struct timespec	 job_deadline;
};

void	check_init(struct server *);
/* The control request "CHECK cmd": send it, or answer why not. */
void	check_request(struct server *, struct control_conn *, int slot,
	    const char *cmd);
/* The server's own request: 0 sent (done is called with the answer,
 * a timeout or a lost link), -1 not (no link, or one is out). */
int	check_ask(struct server *, const char *cmd,
	    void (*done)(struct server *, int ok, const char *text));
/* A CHECK_REQ or CHECK_RESP of the peer (after the HELLO): handled. */
void	check_frame(struct server *, const struct frame *);
void	check_pollfds(struct server *, struct pollfd *, int *n, int *timeout);
void	check_events(struct server *, const struct pollfd *, int n);
/* The link went down: the asker is told; an exec's answer has nowhere
 * to go, so the exec is ended. */
void	check_link_down(struct server *);
/* The control client of slot is gone. */
void	check_forget(struct server *, int slot);
/* The server ends. */
void	check_close(struct server *);

#endif
