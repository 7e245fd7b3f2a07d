/*
 * cli.h — the TCL-style command line of the reference system:
 *
 *	tape-socket {cmd {keyword=value ...}} {(options}
 *
 * cli_parse() only reads argv; cli_resolve() answers `?` and `.`
 * and validates every value; the command then runs.  Nothing acts
 * before everything is valid.
 */
#ifndef TAPESOCK_CLI_H
#define TAPESOCK_CLI_H

#include <stdio.h>

#include "config.h"
#include "keyword.h"
#include "util.h"
#include "srvconf.h"

enum cmd {
	CMD_CHECK,
	CMD_DRAIN,
	CMD_QUERY,
	CMD_SETARG,
	CMD_SETUP,
	CMD_SHOW,
	CMD_SHUTDOWN,
	CMD_START,
	CMD_STARTSEND,
	CMD_STARTRECEIVE,
	CMD_STATUS,
	CMD_STOP,
	CMD_STOPALL,
	CMD_TRACEON,
	CMD_TRACEOFF,
	CMD_LISTPIPES,
	CMD_LISTSERVER,
	CMD_STARTALL,
	CMD_TLTEST,
	CMD_VERSION,
	CMD_RESET,
	CMD_RESYNC,
	CMD_KEY,
	CMD_KEYEXPORT,
	CMD_KEYIMPORT,
	CMD_LISTLOG,
	CMD_CLEARLOG,
	CMD_PUT,
	CMD__COUNT
};

#define KWBIT(k)	(UINT64_C(1) << (k))
/* Every keyword kept in the configuration. */
#define KW_STORED_MASK	(KWBIT(KW_CALLREP) | KWBIT(KW_CALLDELAY) | KWBIT(KW_HOST) |		\
	KWBIT(KW_NDISC) | KWBIT(KW_NOTIFY) | KWBIT(KW_PIPE) |		\
	KWBIT(KW_POLL) | KWBIT(KW_PORT) | KWBIT(KW_PROT) |		\
	KWBIT(KW_SERVERTYPE) | KWBIT(KW_SPOOLMAX) | KWBIT(KW_TRACE) |	\
	KWBIT(KW_TXLOG) | KWBIT(KW_TXOPT) | KWBIT(KW_TXPRIOD) |		\
	KWBIT(KW_HBINT) | KWBIT(KW_HBTIMEOUT) | KWBIT(KW_LISTEN) |	\
	KWBIT(KW_LOST) | KWBIT(KW_SYNC) | KWBIT(KW_LOGMAX) |		\
	KWBIT(KW_RSHUT) | KWBIT(KW_TLS) | KWBIT(KW_TLSCA) |		\
	KWBIT(KW_TLSCERT) | KWBIT(KW_TLSKEY) | KWBIT(KW_TLSPEER) |	\
	KWBIT(KW_DATADIR) | KWBIT(KW_EXECALLOW))

struct ctx;

struct cmddef {
	const char	*name;
	const char	*abbrev;	/* or NULL */
	uint64_t	 allowed;	/* KWBIT mask */
	uint64_t	 required;	/* KWBIT mask */
	const char	*summary;
	int		(*run)(struct ctx *);
};

/*
 * GNU-style flags of the monitoring outputs (status, query): --json,
 * --check and its thresholds, --follow.  A flag is known to some
 * commands only; a threshold needs --check.  Values are whole numbers.
 */
enum flag {
	FL_JSON,
	FL_CHECK,
	FL_FOLLOW,
	FL_INTERVAL,
	FL_WARN_LAG,
	FL_CRIT_LAG,
	FL_WARN_UNACKED,
	FL_CRIT_UNACKED,
	FL_WARN_SPOOL,
	FL_CRIT_SPOOL,
	FL_WARN_POLL,
	FL_CRIT_POLL,
	FL_WARN_CONN,
	FL_CRIT_CONN,
	FL__COUNT
};

#define FLBIT(f)	(1u << (f))
#define CMDBIT(c)	(UINT64_C(1) << (c))

struct flagdef {
	const char	*name;		/* without the leading -- */
	char		 letter;	/* -x, or 0 */
	uint64_t	 cmds;		/* CMDBIT mask of the commands */
	uint64_t	 max;		/* 0: no value; else its largest */
	uint64_t	 defval;	/* when not given */
	const char	*help;
};

struct request {
	enum cmd	 cmd;
	char		*raw[KW__COUNT];	/* as given; NULL = absent */
	char		*val[KW__COUNT];	/* validated, normalized */
	enum kw		 order[KW__COUNT];	/* as given, for prompts */
	int		 norder;
	unsigned	 opts;
	unsigned	 flags;			/* FLBIT mask given */
	uint64_t	 flagval[FL__COUNT];	/* given, else the default */
};

/* What a command runs with. */
struct ctx {
	struct request	*req;
	char		*home;
	char		*cfgpath;
	FILE		*in;		/* prompts and confirmations */
	FILE		*out;
};

const struct cmddef	*cli_cmd(enum cmd);
const struct flagdef	*cli_flag(enum flag);
/* argv asks for status --check: its usage errors are the plugin's
 * UNKNOWN (exit 3), not exit 2. */
int			 cli_wants_check(int argc, char **argv);
int			 cli_cmd_lookup(const char *word);	/* or -1 */

/* Parse argv (after the program name).  0, or EXIT_USAGE with err. */
int	cli_parse(int argc, char **argv, struct request *, struct errbuf *);
/* Parse "(cv" into opts; -1 with err on an unknown letter. */
int	cli_parse_opts(const char *token, unsigned *opts, struct errbuf *);
/*
 * Answer `?` (prompting on in/out) and `.` (last values of home), then
 * validate every value.  Returns 0, EXIT_USAGE (bad value) or
 * EXIT_FAILED (prompt abandoned), with err.
 */
int	cli_resolve(struct request *, const char *home, FILE *in, FILE *out,
	    struct errbuf *);
void	cli_request_free(struct request *);
void	cli_usage(FILE *);
/*
 * One command line (argv after the program name) from parse to exit
 * status, prompts on in, results on out, errors on stderr: what
 * tape-socket does with its arguments, and what each menu entry runs.
 */
int	cli_run(int argc, char **argv, FILE *in, FILE *out);

/* ask.c: prompts and remembered values. */
/* Ask for keyword k: 0 answered (*value owned), 1 quit, 2 end of input. */
int	ask_value(enum kw, FILE *in, FILE *out, char **value);
/* The help `?` shows for keyword k: its help, what is allowed and its
 * default, one line each (owned by the caller). */
char	*ask_help(enum kw);
/* Ask a yes/no question; 1 yes, 0 no or end of input. */
int	ask_yes(FILE *in, FILE *out, const char *question);
char	*lastval_get(const char *home, enum kw);	/* owned or NULL */
int	 lastval_save(const char *home, const struct request *);

/* Commands (cmd_*.c). */
int	cmd_setup(struct ctx *);
int	cmd_setarg(struct ctx *);
int	cmd_show(struct ctx *);
int	cmd_listserver(struct ctx *);
int	cmd_status(struct ctx *);
int	cmd_drain(struct ctx *);
int	cmd_listpipes(struct ctx *);
int	cmd_listlog(struct ctx *);
int	cmd_clearlog(struct ctx *);
int	cmd_put(struct ctx *);
/* cmd_status.c: a server's line of status, shared with --json. */
struct status_row {
	long		 pid;		/* 0: not running */
	const char	*name, *pipe, *host, *port;	/* the config's */
	char		 type;		/* s or r */
	char		 state;		/* the S letter */
	int		 traced;	/* a last trace was found */
	char		 date[16], time[16];
	uint64_t	 msgnum;
	char		 text[512];
};
void	status_row_get(const char *logpath, const struct server_cfg *,
	    long pid, struct status_row *);
void	status_row_print(FILE *, const struct status_row *);
void	status_header(FILE *);
/* The txlog agent's line of a server linked to it: 0, or -1 none. */
int	status_txlog_text(const char *home, const struct server_cfg *,
	    char *, size_t);
/* cmd_monitor.c: status --check, status --json, query --json,
 * status --follow. */
int	cmd_status_check(struct ctx *);
int	cmd_status_json(struct ctx *);
int	cmd_status_follow(struct ctx *);
int	query_json(struct ctx *, const struct server_cfg *);
/* The plugin's UNKNOWN line for why; returns its exit code, 3. */
int	monitor_unknown(FILE *, const char *why);
int	cmd_server(struct ctx *);	/* every command of a running server */
int	cmd_version(struct ctx *);
int	cmd_reset(struct ctx *);
int	cmd_resync(struct ctx *);
int	cmd_key(struct ctx *);
int	cmd_keyexport(struct ctx *);
int	cmd_keyimport(struct ctx *);
/* Make the home's pair key if it has none (said unless quiet). */
int	key_ensure(struct ctx *, int quiet);
/* Send one request to a running server's control socket; print the
 * answer (unless quiet).  EXIT_OK or EXIT_FAILED. */
int	server_control(struct ctx *, const struct server_cfg *,
	    const char *request, int quiet);

/* Shared by commands: load the configuration or report why not. */
int	ctx_load_config(struct ctx *, struct config *);
/* The server a request names (server=, else the default); NULL with
 * the error reported. */
struct server_cfg *ctx_server(struct ctx *, struct config *);

#endif
