/*
 * keyword.h — the keywords of `tape-socket cmd keyword=value`: their
 * help, their default, and validation into a normalized value.
 */
#ifndef TAPESOCK_KEYWORD_H
#define TAPESOCK_KEYWORD_H

#include <stdint.h>

#include "util.h"

enum kw {
	KW_CALLREP,
	KW_CALLDELAY,
	KW_CMD,
	KW_HBINT,
	KW_HBTIMEOUT,
	KW_HOST,
	KW_LISTEN,
	KW_LOGMAX,
	KW_LOST,
	KW_NDISC,
	KW_NOTIFY,
	KW_PIB,
	KW_PIPE,
	KW_POLL,
	KW_PORT,
	KW_PROT,
	KW_RSHUT,
	KW_SERVER,
	KW_SERVERTYPE,
	KW_SPOOLMAX,
	KW_SYNC,
	KW_TLS,
	KW_TLSCA,
	KW_TLSCERT,
	KW_TLSKEY,
	KW_TLSPEER,
	KW_TRACE,
	KW_TXLOG,
	KW_TXOPT,
	KW_TXPRIOD,
	KW_WAIT,
	KW_DATADIR,
	KW_EXECALLOW,
	KW_FILE,
	KW__COUNT
};

#define KWF_STORED	0x01	/* a server parameter kept in the configuration */

struct kwdef {
	const char	*name;
	unsigned	 flags;
	const char	*label;		/* prompt / show label, as the seed's menu */
	const char	*allowed;	/* what is allowed, for error messages */
	const char	*defval;	/* default for setup, or NULL */
	const char	*help;		/* shown for `?` at the prompt */
};

#define SERVER_NAME_MAX	32

/* Validation depth: syntax only (a configuration file being read) or
 * also the environment (a pipe that must exist now). */
enum kwcheck {
	KWC_SYNTAX,
	KWC_FULL,
};

const struct kwdef	*kw_def(enum kw);
int			 kw_lookup(const char *name);	/* enum kw or -1 */

/*
 * Validate value for keyword k.  On success *norm is the normalized
 * value (caller frees) and 0 is returned.  On failure -1, and err says
 * what is wrong (without the keyword=value prefix).
 */
int	kw_check(enum kw, const char *value, enum kwcheck, char **norm,
	    struct errbuf *err);

/*
 * Checks between the stored keywords of one server (val[k] normalized or
 * NULL for the default): hbtimeout at least twice hbint.  0, or -1 with
 * err saying what to change.
 */
int	kw_check_server(char *const val[KW__COUNT], struct errbuf *err);

/* Accessors of normalized values. */
int	kw_poll_seconds(const char *norm, uint64_t *secs);
void	kw_poll_format(uint64_t secs, char *buf, size_t);	/* HH:MM:SS */
/* A size with an optional K, M, G or T suffix (powers of 1024). */
int	kw_size_bytes(const char *norm, uint64_t *bytes);

#endif
