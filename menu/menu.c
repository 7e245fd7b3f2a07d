/*
 * menu.c — the menu's screens: curses set up and left, colours (or
 * bold and reverse), the header naming the server worked on, and the
 * two menus of the reference manual with their on-line help.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#define MENU_INTERNAL
#include "catalog.h"
#include "cli.h"
#include "home.h"
#include "menu.h"
#include "runstate.h"

#define KEY_ESC		27

/* An entry: what it is called, its help, and what it runs. */
struct mentry {
	const char	*key;		/* "1" .. "11" */
	const char	*label;		/* the reference manual's words */
	const char	*help;
	const char	*cmd;		/* the command it runs, or NULL: fn */
	enum kw		 ask;		/* keyword asked for, or KW__COUNT */
	unsigned	 flags;
	void		(*fn)(struct mstate *);
	const char	*confirm;	/* asked first (%s: server) or NULL */
};
#define ME_SERVER	0x01	/* server= the server worked on */
#define ME_NOCLEAR	0x04	/* the (C option */

static void	menu_servers_entry(struct mstate *);

static const struct mentry main_menu[] = {
	{ "1", "List Status", "The status of every server of this home, one "
	    "line each (tape-socket status), shown again every 2 seconds "
	    "until you leave with q or Esc.", NULL, KW__COUNT, 0,
	    menu_status, NULL },
	{ "2", "Query Server", "Ask the running server its state, counters "
	    "and link (tape-socket query server=NAME).", "query", KW__COUNT,
	    ME_SERVER, NULL, NULL },
	{ "3", "Start Server", "Start the server and wait until it runs or "
	    "says why not; its pipe is cleared first (tape-socket start "
	    "server=NAME). Special Operations 7 starts without clearing.",
	    "start", KW__COUNT, ME_SERVER, NULL, NULL },
	{ "4", "Stop Server", "Stop the server, after a confirmation, once "
	    "what it holds is delivered (tape-socket stop server=NAME).",
	    "stop", KW__COUNT, ME_SERVER, NULL, "Stop server '%s'?" },
	{ "5", "Special Operations", "The sub-menu of seldom used "
	    "operations: traces, polling, notify list, drain, remote "
	    "commands, the permanent log, the transaction log test, pipes.",
	    NULL, KW__COUNT, 0, menu_special, NULL },
	{ "6", "Setup Server", "Set the server up: its type, then the "
	    "remote host (output server), port, protocol, pipe, user to "
	    "notify, polling, transaction logger, each prefilled with its "
	    "value, last value or default (tape-socket setup server=NAME "
	    "...). Other parameters the server has are kept.", NULL,
	    KW__COUNT, 0, menu_setup, NULL },
	{ "7", "Show Server", "The server's parameters, as set up (tape-socket "
	    "show server=NAME).", "show", KW__COUNT, ME_SERVER, NULL, NULL },
	{ "8", "Shutdown", "Stop BOTH servers, after a confirmation: this "
	    "one and, through the link, the one on the other machine "
	    "(tape-socket shutdown server=NAME).", "shutdown", KW__COUNT,
	    ME_SERVER, NULL, "Shut down server '%s' and its remote server?" },
	{ "9", "Other Servers", "Choose the server of this home the menu "
	    "works on (the default one at first), or name a new one to set "
	    "up; it is shown at the top of every screen.", NULL, KW__COUNT, 0,
	    menu_servers_entry, NULL },
};

static const struct mentry special_menu[] = {
	{ "1", "Turn Trace ON on Server", "Record every event in the trace "
	    "log, as the (V option does (tape-socket traceon server=NAME).",
	    "traceon", KW__COUNT, ME_SERVER, NULL, NULL },
	{ "2", "Turn Trace OFF on Server", "Back to the usual traces "
	    "(tape-socket traceoff server=NAME).", "traceoff", KW__COUNT,
	    ME_SERVER, NULL, NULL },
	{ "3", "Change TX LOG polling", "Change the period of the transaction "
	    "log test polling (tape-socket setarg server=NAME poll=...).",
	    "setarg", KW_POLL, ME_SERVER, NULL, NULL },
	{ "4", "Change notify user", "Change who receives the System "
	    "Administrator messages (tape-socket setarg server=NAME "
	    "notify=...).", "setarg", KW_NOTIFY, ME_SERVER, NULL, NULL },
	{ "5", "Drain Pipe", "Empty the server's pipe into the backup file "
	    "of the home (ts.log,backup), after a confirmation (tape-socket "
	    "drain server=NAME).", "drain", KW__COUNT, ME_SERVER, NULL,
	    "Drain the pipe of server '%s' into the backup file?" },
	{ "6", "Send Command to Remote", "Have the remote input server run a "
	    "check command and show its answer; asks cmd= (tape-socket "
	    "check server=NAME cmd=...).", "check", KW_CMD, ME_SERVER, NULL,
	    NULL },
	{ "7", "Start Server with NO clear", "Start the server without "
	    "clearing its pipe first (option C): only when the data in the "
	    "pipe must be kept (tape-socket start server=NAME (C).", "start",
	    KW__COUNT, ME_SERVER | ME_NOCLEAR, NULL, NULL },
	{ "8", "List Permanent Log", "The records of the home's permanent "
	    "log, ts.log,log (tape-socket listlog).", "listlog", KW__COUNT, 0,
	    NULL, NULL },
	{ "9", "Clear Permanent Log", "Empty the home's permanent log, after "
	    "a confirmation (tape-socket clearlog).", "clearlog", KW__COUNT,
	    0, NULL, "Clear the permanent log of this home?" },
	{ "10", "Test transaction Log", "Test the link to the transaction "
	    "logger now (tape-socket tltest server=NAME).", "tltest",
	    KW__COUNT, ME_SERVER, NULL, NULL },
	{ "11", "List pipes", "The pipes of the servers of this home, their "
	    "owners, modes and the bytes waiting (tape-socket listpipes).",
	    "listpipes", KW__COUNT, 0, NULL, NULL },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int	roles[MR__COUNT];

int
menu_attr(enum mrole r)
{
	return roles[r];
}

/* Colours when the terminal has them and NO_COLOR is not set. */
static void
menu_colours(void)
{
	const char *nc = getenv("NO_COLOR");

	roles[MR_TITLE] = A_REVERSE;
	roles[MR_SERVER] = A_BOLD;
	roles[MR_SEL] = A_REVERSE;
	roles[MR_ERR] = A_BOLD;
	roles[MR_OK] = A_NORMAL;
	roles[MR_HELP] = A_NORMAL;
	roles[MR_KEYS] = A_NORMAL;
	if ((nc != NULL && nc[0] != '\0') || !has_colors() ||
	    start_color() == ERR)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_YELLOW, -1);
	init_pair(3, COLOR_RED, -1);
	init_pair(4, COLOR_GREEN, -1);
	init_pair(5, COLOR_CYAN, -1);
	roles[MR_TITLE] = COLOR_PAIR(1) | A_BOLD;
	roles[MR_SERVER] = COLOR_PAIR(2) | A_BOLD;
	roles[MR_SEL] = COLOR_PAIR(1) | A_REVERSE;
	roles[MR_ERR] = COLOR_PAIR(3) | A_BOLD;
	roles[MR_OK] = COLOR_PAIR(4);
	roles[MR_HELP] = COLOR_PAIR(5);
	roles[MR_KEYS] = COLOR_PAIR(5);
}

char *
menu_home(struct errbuf *err)
{
	struct errbuf ignored;

	return home_find(err != NULL ? err : &ignored);
}

void
menu_say(struct mstate *st, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	st->msg_err = err;
}

int
menu_is_leave(int key)
{
	return key == 'q' || key == 'Q' || key == KEY_ESC;
}

int
menu_too_small(int lines, int cols)
{
	char buf[160];

	if (LINES >= lines && COLS >= cols)
		return 0;
	erase();
	msg_format(buf, sizeof(buf), MSG_CLI_MENU_TOO_SMALL, COLS, LINES,
	    cols, lines);
	attron(menu_attr(MR_ERR));
	mvaddnstr(0, 0, buf, COLS);
	attroff(menu_attr(MR_ERR));
	refresh();
	return 1;
}

/* The top line and the server worked on: on every screen. */
void
menu_header(struct mstate *st, const char *title)
{
	struct config cfg;
	struct errbuf err;
	const struct server_cfg *s;
	char *home = menu_home(&err), *path, line[1024];
	const char *state = "not set up";
	long pid = 0;

	erase();
	attron(menu_attr(MR_TITLE));
	mvhline(0, 0, ' ', COLS);
	snprintf(line, sizeof(line), " Network Tape (%s)%s%s",
	    TAPESOCK_VERSION, title ? " : " : "", title ? title : "");
	mvaddnstr(0, 0, line, COLS);
	attroff(menu_attr(MR_TITLE));
	memset(&cfg, 0, sizeof(cfg));
	if (home != NULL) {
		path = home_path(home, CONFIG_FILE);
		if (config_load(path, &cfg, &err) < 0)
			state = "configuration unreadable";
		else if ((s = config_find(&cfg, st->server)) != NULL) {
			pid = runstate_pid(home, s->name);
			if ((state = s->val[KW_SERVERTYPE]) == NULL)
				state = "no type";
		}
		free(path);
	}
	snprintf(line, sizeof(line), " Server: %s (%s%s)   Home: %s",
	    st->server, state, pid > 0 ? ", running" :
	    strcmp(state, "IN") == 0 || strcmp(state, "OUT") == 0 ?
	    ", stopped" : "", home != NULL ? home : err.msg);
	attron(menu_attr(MR_SERVER));
	mvaddnstr(1, 0, line, COLS);
	attroff(menu_attr(MR_SERVER));
	config_free(&cfg);
	free(home);
}

/* The bottom line. */
void
menu_keys(const char *keys)
{
	attron(menu_attr(MR_KEYS));
	mvaddnstr(LINES - 1, 0, keys, COLS);
	attroff(menu_attr(MR_KEYS));
}

/* The help of every entry of a menu, in the pager. */
static void
menu_help(struct mstate *st, const char *title, const struct mentry *e,
    size_t n)
{
	char *text = xstrdup(""), *t;
	size_t i;

	for (i = 0; i < n; i++) {
		t = xasprintf("%s%s) %s: %s\n", text, e[i].key,
		    e[i].label, e[i].help);
		free(text);
		text = t;
	}
	t = xasprintf("%sChoose an entry with its number (and Enter for "
	    "one that begins a longer number), or with the arrows and Enter. "
	    "q or Esc leaves any screen; ? shows its help. At a prompt, ? "
	    "shows the keyword's help, Esc or q alone leaves it, and Enter "
	    "takes the value shown.\n", text);
	free(text);
	menu_pager(st, title, t, -1);
	free(t);
}

/* Run an entry: prompt, confirm, then its command line. */
static void
menu_entry(struct mstate *st, const struct mentry *e)
{
	struct margv av;
	char *value = NULL, *pre, q[256];

	if (e->fn != NULL) {
		e->fn(st);
		return;
	}
	memset(&av, 0, sizeof(av));
	margv_add(&av, "%s", e->cmd);
	if (e->flags & ME_SERVER)
		margv_add(&av, "server=%s", st->server);
	if (e->ask != KW__COUNT) {
		pre = menu_prefill(st, e->ask);
		if (menu_ask(st, e->label, NULL, 0, e->ask, pre, &value) != 0) {
			free(pre);
			margv_free(&av);
			return;
		}
		free(pre);
		margv_add(&av, "%s=%s", kw_def(e->ask)->name, value);
		free(value);
	}
	if (e->flags & ME_NOCLEAR)
		margv_add(&av, "(C");
	if (e->confirm != NULL) {
		/* The table's own formats, each with at most one %s. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(q, sizeof(q), e->confirm, st->server);
#pragma GCC diagnostic pop
		if (!menu_confirm(st, q)) {
			char m[MENU_MSG_MAX];

			menu_say(st, 0, "%s", msg_format(m, sizeof(m),
			    MSG_CLI_NOT_CONFIRMED, e->cmd));
			margv_free(&av);
			return;
		}
	}
	menu_run(st, e->label, &av, e->confirm != NULL);
	margv_free(&av);
}

/* A menu of entries, until q or Esc. */
static void
menu_loop(struct mstate *st, const char *title, const struct mentry *e,
    size_t n)
{
	char num[4] = "", keys[128];
	size_t i, sel = 0, longer, hit, w = 0, ncol, nrow = n;
	int key, y, a, need = (int)n + 6;

	for (i = 0; i < n; i++)
		if (strlen(e[i].label) > w)
			w = strlen(e[i].label);
	w += 8;
	for (;;) {
		/* In columns as the manual has them (1 4 7 / 2 5 8 / ...)
		 * when the window is wide enough, else one. */
		ncol = n <= 9 ? 3 : 2;
		if ((size_t)COLS < ncol * w + 2)
			ncol = 1;
		nrow = (n + ncol - 1) / ncol;
		need = (int)nrow + 6;
		if (!menu_too_small(need, MENU_MIN_COLS)) {
			menu_header(st, title);
			for (i = 0; i < n; i++) {
				y = 3 + (int)(i % nrow);
				if (i == sel)
					attron(menu_attr(MR_SEL));
				mvprintw(y, 2 + (int)(i / nrow * w), "%2s) %s",
				    e[i].key, e[i].label);
				if (i == sel)
					attroff(menu_attr(MR_SEL));
			}
			y = 4 + (int)nrow;
			if (num[0] != '\0')
				mvprintw(y, 2, "Choice: %s", num);
			else if (st->msg[0] != '\0') {
				a = menu_attr(st->msg_err ? MR_ERR : MR_OK);
				attron(a);
				mvaddnstr(y, 2, st->msg, COLS - 2);
				attroff(a);
			}
			snprintf(keys, sizeof(keys), " 1-%zu or arrows+Enter: "
			    "choose   ?: help   q/Esc: %s", n, title ?
			    "back" : "quit");
			menu_keys(keys);
			refresh();
		}
		key = getch();
		if (key == KEY_RESIZE || key == ERR)
			continue;
		st->msg[0] = '\0';
		if (menu_is_leave(key))
			return;
		if (LINES < need || COLS < MENU_MIN_COLS)
			continue;
		if (key == '?') {
			num[0] = '\0';
			menu_help(st, title ? title : "Help", e, n);
			continue;
		}
		if (key == KEY_UP || key == 'k') {
			sel = (sel + n - 1) % n;
			num[0] = '\0';
			continue;
		}
		if (key == KEY_DOWN || key == 'j') {
			sel = (sel + 1) % n;
			num[0] = '\0';
			continue;
		}
		if (key == KEY_LEFT || key == 'h' || key == KEY_RIGHT ||
		    key == 'l') {
			if ((key == KEY_LEFT || key == 'h') && sel >= nrow)
				sel -= nrow;
			else if ((key == KEY_RIGHT || key == 'l') &&
			    sel + nrow < n)
				sel += nrow;
			num[0] = '\0';
			continue;
		}
		if (key == KEY_BACKSPACE || key == 127 || key == 8) {
			num[0] = '\0';
			continue;
		}
		if (key == '\n' || key == '\r' || key == KEY_ENTER) {
			if (num[0] != '\0') {
				for (i = 0; i < n; i++)
					if (strcmp(e[i].key, num) == 0)
						sel = i;
				num[0] = '\0';
			}
			menu_entry(st, &e[sel]);
			continue;
		}
		if (key < '0' || key > '9' || strlen(num) + 1 >= sizeof(num))
			continue;
		num[strlen(num) + 1] = '\0';
		num[strlen(num)] = (char)key;
		/* Run it now unless a longer number begins with it. */
		hit = n;
		longer = 0;
		for (i = 0; i < n; i++) {
			if (strcmp(e[i].key, num) == 0)
				hit = i;
			else if (strncmp(e[i].key, num, strlen(num)) == 0)
				longer = 1;
		}
		if (hit == n && !longer) {
			num[0] = '\0';
			continue;
		}
		if (hit < n) {
			sel = hit;
			if (!longer) {
				num[0] = '\0';
				menu_entry(st, &e[sel]);
			}
		}
	}
}

void
menu_special(struct mstate *st)
{
	menu_loop(st, "Special Operations", special_menu, NELEM(special_menu));
}

static void
menu_servers_entry(struct mstate *st)
{
	menu_servers(st);
}

/* The default server of the home, else "default". */
static void
menu_default_server(struct mstate *st)
{
	struct config cfg;
	struct errbuf err;
	char *home = menu_home(NULL), *path;

	strlcpy(st->server, CONFIG_DEFAULT_SERVER, sizeof(st->server));
	if (home == NULL)
		return;
	path = home_path(home, CONFIG_FILE);
	memset(&cfg, 0, sizeof(cfg));
	if (config_load(path, &cfg, &err) == 0)
		strlcpy(st->server, config_default(&cfg), sizeof(st->server));
	config_free(&cfg);
	free(path);
	free(home);
}

int
menu_main(void)
{
	struct mstate st;
	SCREEN *scr;
	FILE *tty;
	const char *term = getenv("TERM");
	int fd;

	memset(&st, 0, sizeof(st));
	setlocale(LC_ALL, "");
	/* curses writes to its own copy of the terminal: descriptors 1
	 * and 2 are lent to each command the menu runs. */
	if ((fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (tty = fdopen(fd, "w")) == NULL) {
		msg_err(MSG_CLI_MENU_RUN_ERR, "the menu", strerror(errno));
		return EXIT_FAILED;
	}
	if ((scr = newterm(NULL, tty, stdin)) == NULL) {
		msg_err(MSG_CLI_MENU_TERMINAL, term ? term : "");
		fclose(tty);
		return EXIT_USAGE;
	}
	set_term(scr);
	/* Unbuffered: what a command prints keeps its order with its
	 * errors in the one file that captures both. */
	setvbuf(stdout, NULL, _IONBF, 0);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	menu_colours();
	menu_default_server(&st);
	menu_loop(&st, NULL, main_menu, NELEM(main_menu));
	endwin();
	delscreen(scr);
	fclose(tty);
	return EXIT_OK;
}
