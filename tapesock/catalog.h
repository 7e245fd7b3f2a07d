/*
 * catalog.h — the one message catalogue of tapesock.
 *
 * Every trace, notification and error the project prints or logs has an
 * entry here: a stable symbolic name, a component code and number that
 * are never reused, a syslog severity, a record type, the text, what it
 * means and what to do.  man/tapesock-messages.7 is generated from it.
 *
 * Components:
 *   TS   trace messages of the servers (the seed's "Status Command" list)
 *   SA   System Administrator notifications (sent to the notify list)
 *   SRV  the servers' own traces, beyond the seed's
 *   SPL  the output server's spool and the keeper of its pipe
 *   TSD  daemon life cycle (pid file, daemonizing)
 *   CLI  command line usage and results
 *   CFG  configuration file and state home
 *   LOG  the logs themselves
 */
#ifndef TAPESOCK_CATALOG_H
#define TAPESOCK_CATALOG_H

#include <stdarg.h>
#include <stddef.h>

/* Record type of the permanent log (switchlog msg_type). */
enum msgtype {
	MT_NOTICE,
	MT_WARNING,
	MT_ERROR,
	MT_FATAL,
};

/* Flags of a catalogue entry. */
#define MSGF_SEED	0x01	/* text is the reference manual's words */
#define MSGF_NOPERM	0x02	/* not kept in the permanent log */
#define MSGF_ONCE	0x04	/* SA: issued once per incident */
#define MSGF_VERBOSE	0x08	/* TS: recorded only with the (V option */

enum msgid {
	/* TS: the seed's "Status Command" list, in the seed's order. */
	MSG_TS_ACK_TIMEOUT,
	MSG_TS_ACCEPT_ERR,
	MSG_TS_BAD_HEADER,
	MSG_TS_BAD_MSG_NUM,
	MSG_TS_BIND_ERR,
	MSG_TS_BROKEN_PIPE,
	MSG_TS_CALL_ERR,
	MSG_TS_NO_JOBID,
	MSG_TS_CHECK_ERR,
	MSG_TS_CHECK_OK,
	MSG_TS_CLEAR_PIPE,
	MSG_TS_CONNECT_ACCEPT,
	MSG_TS_CONNECT_ERR,
	MSG_TS_HREAD_TRUNC,
	MSG_TS_LISTEN_ERR,
	MSG_TS_LOCAL_QUERY,
	MSG_TS_LOST_MSG,
	MSG_TS_LOST_POLL,
	MSG_TS_MALLOC_ERR,
	MSG_TS_NREAD_ERR,
	MSG_TS_NREAD,
	MSG_TS_NWRIT_ERR,
	MSG_TS_NWRIT,
	MSG_TS_NWRIT_TRUNC,
	MSG_TS_OPEN_PIPE,
	MSG_TS_PCLEAR_ERR,
	MSG_TS_PEOF_ERR,
	MSG_TS_POPEN_ERR,
	MSG_TS_PREAD_ERR,
	MSG_TS_PREAD,
	MSG_TS_PREAD_TRUNC,
	MSG_TS_PWRIT_ERR,
	MSG_TS_PWRIT,
	MSG_TS_PWRIT_TRUNC,
	MSG_TS_RESYNC,
	MSG_TS_SEND_RESYNC,
	MSG_TS_REMOTE_SHTDWN,
	MSG_TS_RUNNING,
	MSG_TS_SENT_POLL,
	MSG_TS_SEQ_ERROR,
	MSG_TS_STARTED,
	MSG_TS_STOP_ON_REQ,
	MSG_TS_STOP_REFUSED,
	MSG_TS_STOPPED,
	MSG_TS_SOCKET_ERR,
	MSG_TS_TLOG_NOT_OFF,
	MSG_TS_TLOG_RESTARTED,
	MSG_TS_TLOG_TERMINATED,
	MSG_TS_TOO_MANY_DISC,
	MSG_TS_TOO_MANY_ERRORS,
	MSG_TS_TOTAL_ON,
	MSG_TS_TXLOG_OK,
	MSG_TS_UNEXPECTED_MSG,
	MSG_TS_UNKNOWN_CMD,
	MSG_TS_WAIT_ACK,
	MSG_TS_WAIT_CONNECT,
	/* SRV: the servers' own traces (not in the seed). */
	MSG_SRV_CLOCK_OFFSET,	/* "Clock of %s: offset %.3f s" */
	MSG_SRV_CLOCK_SKEW,	/* "Clock of %s: offset %.3f s exceeds 5 s" */
	MSG_SRV_STREAM_MISMATCH,	/* "Stream mismatch: mine %s, peer %s" */
	MSG_SRV_PEER_ERROR,	/* "Peer error '%s'" */
	MSG_SRV_STOP_PENDING,	/* "Stopped with %llu message(s) pending" */
	MSG_SRV_START_FAILED,	/* "Start failed: %s" */
	MSG_SRV_CONTROL_REFUSED, /* "Control refused: uid %u pid %ld" */
	MSG_SRV_PEER_SILENT,	/* "Peer silent for %d s" */
	/* SPL: the spool and the keeper. */
	MSG_SPL_RECOVERED,
	MSG_SPL_TAIL_LOST,
	MSG_SPL_ERROR,
	MSG_SPL_FULL,
	MSG_SPL_ROOM,
	MSG_SPL_KEEPER,
	MSG_SPL_KEEPER_HELD,
	MSG_SPL_KEEPER_FAILED,
	MSG_SPL_DISCARDED,
	MSG_SPL_AHEAD,
	MSG_SRV_RESUME_WRITE,	/* "Write of msg %llu was under way ..." */
	MSG_SRV_LOST_STOP,	/* "Messages %llu to %llu missing: stopped" */
	MSG_SRV_LOST_REFUSED,	/* "... missing: refused (lost=refuse)" */
	MSG_SRV_LOST_ACCEPTED,	/* "... missing: accepted as lost" */
	MSG_SRV_STOP_FORCED,	/* "Stop forced with %llu message(s) ..." */
	MSG_SRV_STATE_DAMAGED,	/* "State file %s is damaged: %s" */
	MSG_SRV_STATE_WRITE_ERR, /* "State file %s: %s" */
	MSG_SRV_STATE_CONVERTED, /* "State file %s converted ..." */
	MSG_SRV_LISTEN_ADDR,	/* "Listen address %s: %s" */
	MSG_SRV_READER_KEEPER_HELD, /* "Pipe held by keeper %ld: ..." */
	MSG_SRV_READER_KEEPER_FAILED, /* "Reader keeper not started: %s" */
	MSG_SRV_READER_WAIT,	/* "Reader has not closed ... mark %llu ..." */
	MSG_SRV_READER_CLOSED,	/* "Reader closed the pipe after %.1f s ..." */

	/* SA: the seed's "System Administrator Messages", in its order. */
	MSG_SA_COMM_REESTABLISHED,
	MSG_SA_IN_STOPPED_ERROR,
	MSG_SA_NET_BACK,
	MSG_SA_NET_ERROR,
	MSG_SA_NET_DISCONNECTED,
	MSG_SA_OUT_STOPPED_ERROR,
	MSG_SA_TXLOG_NOT_SENT,
	MSG_SA_TXLOG_LOST_POLL,
	MSG_SA_TXLOG_BACK,
	MSG_SA_TXLOG_NOT_ATTACHED,
	MSG_SA_RESTORE_NOT_RESTARTED,
	MSG_SA_RESTORE_PROBLEM,

	/* TSD: daemon life cycle, in the manner of seed 001. */
	MSG_TSD_DUPLICATE,
	MSG_TSD_PID_FILE_LOCK,
	MSG_TSD_PID_FILE_UPDATE,
	MSG_TSD_DAEMONIZE_FAILED,

	/* CLI: command line. */
	MSG_CLI_UNKNOWN_CMD,
	MSG_CLI_BAD_ARG,
	MSG_CLI_UNKNOWN_KEYWORD,
	MSG_CLI_DUP_KEYWORD,
	MSG_CLI_BAD_VALUE,
	MSG_CLI_KEYWORD_NOT_FOR_CMD,
	MSG_CLI_MISSING_KEYWORD,
	MSG_CLI_UNKNOWN_OPTION,
	MSG_CLI_NO_LAST_VALUE,
	MSG_CLI_PROMPT_QUIT,
	MSG_CLI_PROMPT_EOF,
	MSG_CLI_SERVER_UNKNOWN,
	MSG_CLI_SERVER_NOT_RUNNING,
	MSG_CLI_NO_SERVERS,
	MSG_CLI_TXOPT_IGNORED,
	MSG_CLI_SETUP_DONE,
	MSG_CLI_SETARG_DONE,
	MSG_CLI_DRAINED,
	MSG_CLI_DRAIN_ERR,
	MSG_CLI_NOT_TXLOG,
	/* Added later; formats (arguments in this order):
	 * NO_MENU "no command given, and this build has no menu; give a command, see 'tape-socket --help'"
	 * NOT_CONFIRMED "%s: not confirmed; nothing was done" (command)
	 * NOTHING_TO_SET "setarg: give at least one keyword=value to change: %s" (keyword list)
	 * NO_SERVER_OF_TYPE "no single %s server is set up in %s; name it with server= or set one up with servertype=%s"
	 * NO_SUCH_SERVER "no server of this home has %s=%s; see 'tape-socket status'" (keyword, value)
	 * SERVER_INCOMPLETE "server '%s' has no %s; set it with 'tape-socket setarg server=%s %s=...'"
	 * WRONG_TYPE "server '%s' is of type %s; %s starts the other type" (name, type, command)
		 * CONTROL_ERR "cannot reach server '%s' at %s: %s; check 'tape-socket status'" (name, socket path, reason)
	 * NONE_RUNNING "no server of %s is running" (home)
	 */
	MSG_CLI_NO_MENU,
	MSG_CLI_NOT_CONFIRMED,
	MSG_CLI_NOTHING_TO_SET,
	MSG_CLI_NO_SERVER_OF_TYPE,
	MSG_CLI_NO_SUCH_SERVER,
	MSG_CLI_SERVER_INCOMPLETE,
	MSG_CLI_WRONG_TYPE,
	MSG_CLI_CONTROL_ERR,
	MSG_CLI_NONE_RUNNING,
	MSG_CLI_STARTED,
	MSG_CLI_START_FAILED,
	MSG_CLI_STOPPED,
	MSG_CLI_STOP_FAILED,
	MSG_CLI_PIPE_NOT_EMPTY,
	MSG_CLI_KEYWORD_CONFLICT, /* "server '%s': %s" */
	MSG_CLI_STOP_FORCED,	/* "server '%s' stopped (forced): %s" */
	MSG_CLI_RESET_RUNNING,
	MSG_CLI_RESET_DONE,
	MSG_CLI_OUT_ONLY,

	/* CFG: configuration file and state home. */
	MSG_CFG_SYNTAX,
	MSG_CFG_STRUCTURE,
	MSG_CFG_UNKNOWN_KEY,
	MSG_CFG_DUP_KEY,
	MSG_CFG_BAD_VALUE,
	MSG_CFG_MISSING_KEY,
	MSG_CFG_READ_ERR,
	MSG_CFG_WRITE_ERR,
	MSG_CFG_LOCK_ERR,
	MSG_CFG_HOME_ERR,
	MSG_CFG_HOME_UNSAFE,
	MSG_CFG_NO_GROUP,	/* "group '%s' of %s does not exist" */
	MSG_CFG_KEYWORD_CONFLICT, /* "%s:%lu:%lu: server '%s': %s" */

	/* LOG: the logs themselves. */
	MSG_LOG_WRITE_ERR,
	MSG_LOG_READ_ERR,
	MSG_LOG_BAD_RECORD,

	MSG__COUNT
};

struct msgdef {
	const char	*name;		/* stable symbol, e.g. "TS_LOST_MSG" */
	const char	*code;		/* component: TS SA TSD CLI CFG LOG */
	int		 number;	/* unique within code, never reused */
	int		 severity;	/* syslog LOG_* level */
	enum msgtype	 type;
	unsigned	 flags;		/* MSGF_* */
	const char	*text;		/* documented form: "Lost msg=n" */
	const char	*fmt;		/* printf format that renders it */
	const char	*meaning;
	const char	*action;
};

const struct msgdef	*catalog_get(enum msgid);
size_t			 catalog_count(void);	/* == MSG__COUNT */
const struct msgdef	*catalog_by_name(const char *name);
const struct msgdef	*catalog_by_code(const char *code, int number);
const char		*msgtype_name(enum msgtype);	/* "NOTICE" ... "FATAL ERROR" */

/*
 * Render message id with its arguments (the entry's fmt) into buf.
 * Returns buf.  Arguments must match fmt: each entry documents them.
 */
char	*msg_format(char *buf, size_t, enum msgid, ...);
char	*msg_vformat(char *buf, size_t, enum msgid, va_list);

/*
 * Print "tape-socket: <rendered message>\n" on stderr: the one way the
 * command line reports an error or a warning.
 */
void	 msg_err(enum msgid, ...);
/* Print the rendered message on stdout, unless quiet. */
void	 msg_out(int quiet, enum msgid, ...);

#endif
