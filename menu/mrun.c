/*
 * mrun.c — an entry's command line run through cli_run(), what it
 * prints (results and errors) captured and shown in a pager; the
 * confirmations; the status screen that refreshes itself.
 */
#include <sys/ioctl.h>

#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MENU_INTERNAL
#include "catalog.h"
#include "cli.h"
#include "menu.h"

#define STATUS_REFRESH_MS	2000

void
margv_add(struct margv *av, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (av->n >= MENU_ARGS_MAX)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL)
		return;
	av->v[av->n++] = s;
	av->v[av->n] = NULL;
}

void
margv_free(struct margv *av)
{
	int i;

	for (i = 0; i < av->n; i++)
		free(av->v[i]);
	av->n = 0;
	av->v[0] = NULL;
}

/* The command line as an operator would type it at a shell. */
char *
margv_line(const struct margv *av)
{
	char *line = xstrdup("tape-socket"), *t;
	int i;

	for (i = 0; i < av->n; i++) {
		if (strpbrk(av->v[i], " \t'\"(*?") != NULL)
			t = xasprintf("%s '%s'", line, av->v[i]);
		else
			t = xasprintf("%s %s", line, av->v[i]);
		free(line);
		line = t;
	}
	return line;
}

/*
 * Run the command line as tape-socket would, with descriptors 1 and 2
 * on one temporary file for the time of it: curses has its own copy of
 * the terminal, so nothing a command prints reaches the screen raw.
 * A confirmed command finds "y" where it would ask; any other finds
 * no.  Returns its exit status; *text is what it printed (owned).
 */
int
menu_exec(struct mstate *st, struct margv *av, int confirmed,
    char **text)
{
	static char yes[] = "y\ny\ny\n", no[] = "n\n";
	FILE *cap = NULL, *in = NULL;
	struct sigaction dfl, curses_winch;
	struct winsize ws;
	char *line = margv_line(av);
	size_t len;
	long pos;
	int rc, out = -1, err = -1;

	*text = NULL;
	if ((cap = tmpfile()) == NULL ||
	    fcntl(fileno(cap), F_SETFD, FD_CLOEXEC) < 0 ||
	    (in = confirmed ? fmemopen(yes, strlen(yes), "r") :
	    fmemopen(no, strlen(no), "r")) == NULL ||
	    (out = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0 ||
	    (err = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3)) < 0) {
		char m[MENU_MSG_MAX];

		*text = xstrdup(msg_format(m, sizeof(m), MSG_CLI_MENU_RUN_ERR,
		    line, strerror(errno)));
		rc = EXIT_FAILED;
		goto done;
	}
	/*
	 * No handler of curses for a resize meanwhile: it would interrupt
	 * the command's calls (poll, nanosleep).  Not a blocked signal
	 * either, which a server it starts would inherit for life.  The
	 * size is read again after.
	 */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGWINCH, &dfl, &curses_winch);
	fflush(stdout);
	fflush(stderr);
	dup2(fileno(cap), STDOUT_FILENO);
	dup2(fileno(cap), STDERR_FILENO);
	rc = cli_run(av->n, av->v, in, stdout);
	fflush(stdout);
	fflush(stderr);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	sigaction(SIGWINCH, &curses_winch, NULL);
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	pos = ftell(cap);
	len = pos > 0 ? (size_t)pos : 0;
	*text = xmalloc(len + 1);
	rewind(cap);
	len = fread(*text, 1, len, cap);
	(*text)[len] = '\0';
done:
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
	if (in != NULL)
		fclose(in);
	if (cap != NULL)
		fclose(cap);
	free(line);
	return rc;
}

/* Run an entry's command line and show it, and what it printed. */
void
menu_run(struct mstate *st, const char *title, struct margv *av,
    int confirmed)
{
	char *line = margv_line(av), *text, *shown;
	int rc;

	if (!menu_too_small(6, MENU_MIN_COLS)) {
		menu_header(st, title);
		mvaddnstr(3, 1, line, COLS - 1);
		mvaddnstr(5, 1, "Running ...", COLS - 1);
		refresh();
	}
	rc = menu_exec(st, av, confirmed, &text);
	shown = xasprintf("%s\n\n%s", line, text);
	menu_pager(st, title, shown, rc);
	free(shown);
	free(text);
	free(line);
}

/* The text cut into screen rows of at most width columns. */
static char **
wrap_rows(const char *text, int width, size_t *nrows)
{
	char **rows = NULL;
	size_t n = 0, cap = 0, len;
	const char *p = text, *nl;

	if (width < 1)
		width = 1;
	while (*p != '\0') {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		do {
			size_t take = len > (size_t)width ? (size_t)width : len;

			/* Cut at a space when there is one. */
			if (take < len) {
				while (take > 0 && p[take] != ' ')
					take--;
				if (take == 0)
					take = (size_t)width;
			}

			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				rows = xreallocarray(rows, cap, sizeof(*rows));
			}
			rows[n++] = xstrndup(p, take);
			p += take;
			len -= take;
			if (len > 0 && *p == ' ') {
				p++;
				len--;
			}
		} while (len > 0);
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	*nrows = n;
	return rows;
}

static void
free_rows(char **rows, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

/* Draw rows from top on; errors of tape-socket stand out. */
static void
draw_rows(char **rows, size_t n, size_t top, int y0, int y1)
{
	size_t i;
	int y, a;

	for (y = y0, i = top; y < y1 && i < n; y++, i++) {
		a = strncmp(rows[i], "tape-socket: ", 13) == 0 ? MR_ERR : -1;
		if (a >= 0)
			attron(menu_attr(a));
		mvaddnstr(y, 1, rows[i], COLS - 1);
		if (a >= 0)
			attroff(menu_attr(a));
	}
}

/* Keys that scroll; returns 1 when the key was one. */
static int
scroll_key(int key, size_t *top, size_t n, int page)
{
	size_t last = n > (size_t)page ? n - (size_t)page : 0;

	switch (key) {
	case KEY_UP:
	case 'k':
		if (*top > 0)
			(*top)--;
		return 1;
	case KEY_DOWN:
	case 'j':
		if (*top < last)
			(*top)++;
		return 1;
	case KEY_PPAGE:
	case 'b':
		*top = *top > (size_t)page ? *top - (size_t)page : 0;
		return 1;
	case KEY_NPAGE:
	case ' ':
		*top = *top + (size_t)page < last ? *top + (size_t)page : last;
		return 1;
	case KEY_HOME:
	case 'g':
		*top = 0;
		return 1;
	case KEY_END:
	case 'G':
		*top = last;
		return 1;
	}
	return 0;
}

/*
 * Show text under the header, scrollable, until q, Esc or Enter; the
 * command's exit status (rc >= 0) on the line above the keys.
 */
void
menu_pager(struct mstate *st, const char *title, const char *text, int rc)
{
	char **rows = NULL, done[64];
	size_t n = 0, top = 0;
	int key, page, width = -1;

	for (;;) {
		if (!menu_too_small(6, MENU_MIN_COLS)) {
			if (width != COLS - 2) {
				free_rows(rows, n);
				width = COLS - 2;
				rows = wrap_rows(text, width, &n);
			}
			page = LINES - 5;
			if (top > 0 && top + (size_t)page > n)
				top = n > (size_t)page ? n - (size_t)page : 0;
			menu_header(st, title);
			draw_rows(rows, n, top, 3, LINES - 2);
			if (rc >= 0) {
				snprintf(done, sizeof(done), "%s (exit %d)",
				    rc == EXIT_OK ? "Done" : "Failed", rc);
				attron(menu_attr(rc == EXIT_OK ? MR_OK :
				    MR_ERR));
				mvaddnstr(LINES - 2, 1, done, COLS - 1);
				attroff(menu_attr(rc == EXIT_OK ? MR_OK :
				    MR_ERR));
			}
			menu_keys(n > (size_t)page ? " Up/Down/PgUp/PgDn: "
			    "scroll   q/Esc/Enter: back" :
			    " q/Esc/Enter: back");
			refresh();
		} else
			page = 1;
		key = getch();
		if (key == KEY_RESIZE || key == ERR)
			continue;
		if (menu_is_leave(key) || key == '\r' || key == '\n' ||
		    key == KEY_ENTER)
			break;
		scroll_key(key, &top, n, page);
	}
	free_rows(rows, n);
}

/* A yes/no question in the middle of the screen: 1 for y. */
int
menu_confirm(struct mstate *st, const char *question)
{
	int key, y;

	for (;;) {
		if (!menu_too_small(8, MENU_MIN_COLS)) {
			menu_header(st, "Confirm");
			y = LINES / 2 - 1;
			attron(menu_attr(MR_ERR));
			mvaddnstr(y, 2, question, COLS - 2);
			attroff(menu_attr(MR_ERR));
			mvaddnstr(y + 2, 2, "y: yes, go on    n, q or Esc: no, "
			    "do nothing", COLS - 2);
			menu_keys(" y: yes   n/q/Esc: no");
			refresh();
		}
		key = getch();
		if (key == 'y' || key == 'Y')
			return 1;
		if (key == 'n' || key == 'N' || menu_is_leave(key))
			return 0;
	}
}

/* List Status: the status command again every 2 seconds. */
void
menu_status(struct mstate *st)
{
	struct margv av;
	char **rows = NULL, *text = NULL, stamp[64];
	size_t n = 0, top = 0;
	time_t now;
	int key = ERR, rc = 0, page = 1, fresh = 1;

	memset(&av, 0, sizeof(av));
	margv_add(&av, "status");
	timeout(STATUS_REFRESH_MS);
	for (;;) {
		if (fresh) {
			free(text);
			rc = menu_exec(st, &av, 0, &text);
			now = time(NULL);
			strftime(stamp, sizeof(stamp), "%H:%M:%S",
			    localtime(&now));
			fresh = 0;
		}
		if (!menu_too_small(6, MENU_MIN_COLS)) {
			free_rows(rows, n);
			rows = wrap_rows(text, COLS - 2, &n);
			page = LINES - 5;
			menu_header(st, "List Status");
			draw_rows(rows, n, top, 3, LINES - 2);
			attron(menu_attr(rc == EXIT_OK ? MR_OK : MR_ERR));
			mvprintw(LINES - 2, 1, "tape-socket status at %s, "
			    "again every %d s", stamp,
			    STATUS_REFRESH_MS / 1000);
			attroff(menu_attr(rc == EXIT_OK ? MR_OK : MR_ERR));
			menu_keys(" Up/Down: scroll   q/Esc: back");
			refresh();
		}
		key = getch();
		if (key == ERR) {
			fresh = 1;
			continue;
		}
		if (key == KEY_RESIZE)
			continue;
		if (menu_is_leave(key) || key == '\r' || key == '\n')
			break;
		scroll_key(key, &top, n, page);
	}
	timeout(-1);
	free_rows(rows, n);
	free(text);
	margv_free(&av);
}
