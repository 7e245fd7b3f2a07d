/*
 * daemon.h — the life cycle both tapesockd processes share: the server
 * (server_main) and the keeper of its pipe (keeper_main).
 *
 * A daemon takes its pid file (opened with open_nofollow, flock-held
 * for the life of the process, which is what runstate.c reads), catches the
 * signals it wants as flags and ignores SIGPIPE and SIGHUP, names
 * itself in ps, reports how its start went on the ready descriptor
 * its starter passed (one line, "OK pid" or "ERR reason", then the
 * descriptor is closed) and lets go of the starter's terminal.  The
 * starter reads that line with daemon_report_read.
 */
#ifndef TAPESOCK_DAEMON_H
#define TAPESOCK_DAEMON_H

#include <signal.h>

#include "util.h"

struct daemon_life {
	int		 pid_fd;	/* the pid file held, or -1 */
	char		*pidpath;	/* its path; owned */
	int		 ready_fd;	/* the start-up report's; -1 once sent */
	int		 by_hand;	/* none from the start: errors to stderr */
};

/* A signal a daemon catches (its flag is set to 1) or, with a NULL
 * flag, ignores. */
struct daemon_signal {
	int			 sig;
	volatile sig_atomic_t	*flag;
};

/* Nothing held yet; the report will go to ready_fd (-1: run by hand,
 * errors to stderr). */
void	daemon_init(struct daemon_life *, int ready_fd);
/*
 * Take the pid file path, close-on-exec: 0.  1 when another process
 * holds it: its pid in *other and MSG_TSD_DUPLICATE for server who in
 * err.  -1 with errno and MSG_TSD_PID_FILE_LOCK in err.
 */
int	daemon_pidfile_open(struct daemon_life *, const char *path,
	    const char *who, long *other, struct errbuf *err);
/* Write our pid into it (once serving): 0, or -1 with errno and
 * MSG_TSD_PID_FILE_UPDATE in err. */
int	daemon_pidfile_write(struct daemon_life *, struct errbuf *err);
/* Remove the pid file (if taken), close an unused ready descriptor,
 * free what the daemon_life holds. */
void	daemon_end(struct daemon_life *);

/*
 * SIGTERM and SIGINT set *term, SIGPIPE and SIGHUP are ignored, and
 * each of the n signals of more is caught or ignored as it says.  No
 * SA_RESTART: a poll() under way returns EINTR, and the loop looks at
 * its flags.
 */
void	daemon_signals(volatile sig_atomic_t *term,
	    const struct daemon_signal *more, size_t n);
/* The process title (setproctitle; tapesockd's main called its init). */
/* A descriptor to poll that becomes readable when a caught signal
 * arrives (-1 if it cannot be made), and emptying it. */
int	daemon_wake_fd(void);
void	daemon_wake_drain(void);
void	daemon_title(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));

/*
 * The start-up report, sent once: "OK pid" or "ERR reason" and a
 * newline on the ready descriptor, which is then closed.  0 when
 * written; -1 when there was no descriptor (any more) or the write
 * failed, so that the caller may say it elsewhere.
 */
int	daemon_report_ok(struct daemon_life *, long pid);
int	daemon_report_err(struct daemon_life *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Stdin, stdout and stderr on /dev/null: the starter's terminal or
 * pipes are not held. */
void	daemon_detach_stdio(void);

/*
 * The starter's side: read the report from fd for up to wait_ms (0:
 * only what is there already).  The pid it gives; -1 for "ERR reason"
 * (the reason in err); 0 when nothing complete came (the daemon ended
 * or is still starting).  fd stays open.
 */
long	daemon_report_read(int fd, int wait_ms, struct errbuf *err);

#endif
