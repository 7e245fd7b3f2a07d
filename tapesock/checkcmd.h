/*
 * checkcmd.h — the commands of `tape-socket check cmd=...`: their
 * parsing (pure code, shared by the command line, which refuses a bad
 * one before it reaches a server, and by the server that answers it).
 *
 * The words are the reference manual's: exec CMD, msgnum, query,
 * shtdwn, test -f FILE, test -r[d] FILE ID, tlchk, tlstrt, tron [N],
 * troff, in any case.  A FILE is a directory under the answering
 * server's data area (datadir=), an ID a file in it: the Pick file and
 * item of the reference, given a Linux meaning.
 */
#ifndef TAPESOCK_CHECKCMD_H
#define TAPESOCK_CHECKCMD_H

#include "util.h"

#define CHECK_ARGV_MAX	16	/* words of an exec command */
#define CHECK_NAME_MAX	128	/* a FILE or ID */

enum check_verb {
	CK_EXEC,
	CK_MSGNUM,
	CK_QUERY,
	CK_SHTDWN,
	CK_TEST_F,
	CK_TEST_R,
	CK_TEST_RD,
	CK_TLCHK,
	CK_TLSTRT,
	CK_TRON,
	CK_TROFF,
};

struct check_cmd {
	enum check_verb	 verb;
	int		 argc;		/* CK_EXEC: the command's words */
	char		*argv[CHECK_ARGV_MAX + 1];	/* into buf, NULL-ended */
	const char	*file, *item;	/* CK_TEST_*: into buf */
	unsigned	 tron;		/* CK_TRON: traces kept, 0 = unchanged */
	int		 has_tron;
	char		*buf;		/* owned: the words */
};

/*
 * Parse line.  0: *c filled (free it with check_cmd_free); -1: err
 * says what is wrong and what the commands are.
 */
int	 check_parse(const char *line, struct check_cmd *c, struct errbuf *err);
void	 check_cmd_free(struct check_cmd *c);
/* The command as it travels: its words lower-cased (not exec's, not
 * names), one blank between words.  The caller frees it. */
char	*check_normal(const struct check_cmd *c);
/* A FILE or ID: 1 to CHECK_NAME_MAX printable bytes, no '/', not
 * starting with '.'; 0 yes, -1 no. */
int	 check_name_ok(const char *name);

#endif
