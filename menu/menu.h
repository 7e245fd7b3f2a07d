/*
 * menu.h — the ncurses menu of tape-socket: the reference system's
 * "Network Tape" main menu and its Special Operations, on the server
 * being worked on (the default one, or the one 9) Other Servers chose).
 *
 * Every entry builds a command line and runs it through cli_run(), the
 * path tape-socket takes with arguments: the menu adds the prompts,
 * the confirmations and the screens, never a second implementation.
 * Only the tape-socket program links these files.
 */
#ifndef TAPESOCK_MENU_H
#define TAPESOCK_MENU_H

#include "keyword.h"

/* Open the menu on the terminal; the exit status of tape-socket. */
int	menu_main(void);

#ifdef MENU_INTERNAL

#define MENU_MIN_COLS	40
#define MENU_ARGS_MAX	48	/* the longest command line an entry builds */
#define MENU_MSG_MAX	512

/* What the screens share: the home, the server worked on, a message. */
struct mstate {
	char	 server[SERVER_NAME_MAX + 1];
	char	 msg[MENU_MSG_MAX];	/* shown under the menu, once */
	int	 msg_err;		/* msg is an error */
};

/* Roles of the text on screen; menu_attr gives each its attributes,
 * colours when the terminal has them, bold and reverse otherwise. */
enum mrole {
	MR_TITLE,	/* the top line */
	MR_SERVER,	/* the server worked on */
	MR_SEL,		/* the highlighted entry */
	MR_ERR,		/* errors, bad values */
	MR_OK,		/* a command that succeeded */
	MR_HELP,	/* on-line help */
	MR_KEYS,	/* the bottom line: which keys do what */
	MR__COUNT
};

/* A command line being built: argv for cli_run, strings owned. */
struct margv {
	char	*v[MENU_ARGS_MAX + 1];
	int	 n;
};

/* menu.c */
int	 menu_attr(enum mrole);
void	 menu_header(struct mstate *, const char *title);
void	 menu_keys(const char *keys);
int	 menu_too_small(int lines, int cols);
int	 menu_is_leave(int key);
void	 menu_say(struct mstate *, int err, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
char	*menu_home(struct errbuf *);	/* owned, or NULL with err */
void	 menu_special(struct mstate *);

/* mrun.c: commands, their output, confirmations, the status screen. */
void	 margv_add(struct margv *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 margv_free(struct margv *);
char	*margv_line(const struct margv *);	/* "tape-socket cmd ..." */
int	 menu_exec(struct mstate *, struct margv *, int confirmed,
	    char **text);
void	 menu_run(struct mstate *, const char *title, struct margv *,
	    int confirmed);
void	 menu_pager(struct mstate *, const char *title, const char *text,
	    int rc);
int	 menu_confirm(struct mstate *, const char *question);
void	 menu_status(struct mstate *);

/* prompt.c: prompts with validation and help, setup, other servers. */
int	 menu_ask(struct mstate *, const char *title, char *const done[],
	    int ndone, enum kw, const char *prefill, char **value);
char	*menu_prefill(struct mstate *, enum kw);
void	 menu_setup(struct mstate *);
void	 menu_servers(struct mstate *);

#endif /* MENU_INTERNAL */
#endif
