/*
 * prompt.c — the menu's prompts: a line prefilled with the server's
 * value, the last value or the default, checked by the keyword's own
 * validator before anything acts, `?` for the keyword's help (the text
 * `keyword=?` shows on the command line); Setup Server's questions in
 * the reference manual's order; Other Servers.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#define MENU_INTERNAL
#include "catalog.h"
#include "cli.h"
#include "home.h"
#include "menu.h"
#include "runstate.h"

#define KEY_ESC		27
#define LINE_MAX_LEN	400
#define PROMPT_LINES	12

/* The configuration of the home, loaded (empty when none). */
static int
load_config(struct config *cfg, char **home)
{
	struct errbuf err;
	char *path;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((*home = menu_home(NULL)) == NULL)
		return -1;
	path = home_path(*home, CONFIG_FILE);
	rc = config_load(path, cfg, &err);
	free(path);
	return rc;
}

/* Prefill: the server's value, else the last one given, else the
 * keyword's default (owned, or NULL). */
char *
menu_prefill(struct mstate *st, enum kw k)
{
	struct config cfg;
	const struct server_cfg *s;
	char *home = NULL, *v = NULL, buf[16];
	uint64_t secs;

	if (load_config(&cfg, &home) == 0 &&
	    (s = config_find(&cfg, st->server)) != NULL && s->val[k] != NULL) {
		if (k == KW_POLL && kw_poll_seconds(s->val[k], &secs) == 0) {
			kw_poll_format(secs, buf, sizeof(buf));
			v = xstrdup(buf);
		} else
			v = xstrdup(s->val[k]);
	}
	if (v == NULL && home != NULL)
		v = lastval_get(home, k);
	if (v == NULL && kw_def(k)->defval != NULL)
		v = xstrdup(kw_def(k)->defval);
	if (v == NULL && k == KW_CMD)
		v = xstrdup("query");
	config_free(&cfg);
	free(home);
	return v;
}

/* Text in rows y0..y1-1 from column 2, cut at spaces. */
static int
draw_wrapped(int y, int y1, const char *text, int attr)
{
	int width = COLS - 4, len, cut;
	const char *p = text, *nl;

	attron(attr);
	while (*p != '\0' && y < y1) {
		nl = strchr(p, '\n');
		len = nl ? (int)(nl - p) : (int)strlen(p);
		cut = len;
		if (cut > width) {
			cut = width;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = width;
		}
		mvaddnstr(y++, 2, p, cut);
		p += cut;
		if (*p == ' ' || (*p == '\n' && cut == len))
			p++;
	}
	attroff(attr);
	return y;
}

/*
 * Ask for keyword k under title, the answers given so far (done, ndone
 * lines "label : value") above.  0 with *value (owned, as typed) once
 * the keyword's validator takes it, 1 when left with Esc or q.
 */
int
menu_ask(struct mstate *st, const char *title, char *const done[], int ndone,
    enum kw k, const char *prefill, char **value)
{
	const struct kwdef *d = kw_def(k);
	struct errbuf why;
	char buf[LINE_MAX_LEN + 1] = "", *note = NULL, *norm;
	size_t len = 0, cur = 0;
	int key, y, i, fresh = 1, note_err = 0, x0;

	if (prefill != NULL)
		strlcpy(buf, prefill, sizeof(buf));
	len = cur = strlen(buf);
	curs_set(1);
	for (;;) {
		if (!menu_too_small(PROMPT_LINES, MENU_MIN_COLS)) {
			menu_header(st, title);
			y = 3;
			for (i = 0; i < ndone && y < LINES - 6; i++)
				mvaddnstr(y++, 2, done[i], COLS - 2);
			mvprintw(y, 2, "%s (%s=) : ", d->label, d->name);
			x0 = getcurx(stdscr);
			if (fresh && len > 0)
				attron(A_UNDERLINE);
			mvaddnstr(y, x0, buf, COLS - x0 - 1);
			attroff(A_UNDERLINE);
			if (note != NULL)
				draw_wrapped(y + 2, LINES - 1, note,
				    menu_attr(note_err ? MR_ERR : MR_HELP));
			menu_keys(" Enter: take it   ?: help   Esc or q "
			    "alone: leave");
			move(y, x0 + (int)cur < COLS - 1 ? x0 + (int)cur :
			    COLS - 1);
			refresh();
		}
		key = getch();
		if (key == KEY_RESIZE || key == ERR)
			continue;
		if (key == KEY_ESC)
			break;
		if (LINES < PROMPT_LINES || COLS < MENU_MIN_COLS) {
			if (menu_is_leave(key))
				break;
			continue;
		}
		if (key == '?' && (fresh || len == 0)) {
			free(note);
			note = ask_help(k);
			note_err = 0;
			continue;
		}
		if (key == '\r' || key == '\n' || key == KEY_ENTER) {
			if (strcmp(buf, "?") == 0) {
				free(note);
				note = ask_help(k);
				note_err = 0;
				buf[0] = '\0';
				len = cur = 0;
				continue;
			}
			if (streqi(buf, "q"))
				break;
			if (kw_check(k, buf, KWC_FULL, &norm, &why) == 0) {
				free(norm);
				free(note);
				curs_set(0);
				*value = xstrdup(buf);
				return 0;
			}
			/* Refused: what is wrong, and the help. */
			{
				char m[MENU_MSG_MAX], *help = ask_help(k);

				free(note);
				note = xasprintf("%s\n%s", msg_format(m,
				    sizeof(m), MSG_CLI_BAD_VALUE, d->name, buf,
				    why.msg, d->allowed), help);
				free(help);
			}
			note_err = 1;
			fresh = 1;
			continue;
		}
		switch (key) {
		case KEY_LEFT:
			if (cur > 0)
				cur--;
			break;
		case KEY_RIGHT:
			if (cur < len)
				cur++;
			break;
		case KEY_HOME:
		case 1:			/* ^A */
			cur = 0;
			break;
		case KEY_END:
		case 5:			/* ^E */
			cur = len;
			break;
		case 21:		/* ^U */
			buf[0] = '\0';
			len = cur = 0;
			break;
		case KEY_BACKSPACE:
		case 127:
		case 8:
			if (fresh) {
				buf[0] = '\0';
				len = cur = 0;
			} else if (cur > 0) {
				memmove(buf + cur - 1, buf + cur,
				    len - cur + 1);
				cur--;
				len--;
			}
			break;
		case KEY_DC:
			if (cur < len) {
				memmove(buf + cur, buf + cur + 1, len - cur);
				len--;
			}
			break;
		default:
			if (key < 32 || key > 255 || key == 127)
				continue;
			if (fresh) {	/* typing replaces the prefill */
				buf[0] = '\0';
				len = cur = 0;
			}
			if (len >= LINE_MAX_LEN)
				continue;
			memmove(buf + cur + 1, buf + cur, len - cur + 1);
			buf[cur++] = (char)key;
			len++;
		}
		fresh = 0;
	}
	free(note);
	curs_set(0);
	return 1;
}

/* Setup Server's questions, in the order of the reference manual. */
static const struct {
	enum kw	 k;
	unsigned when;
} setup_steps[] = {
	{ KW_SERVERTYPE, 0 },
	{ KW_HOST, 1 },
	{ KW_PORT, 0 },
	{ KW_PROT, 0 },
	{ KW_PIPE, 0 },
	{ KW_NOTIFY, 0 },
	{ KW_POLL, 1 },
	{ KW_TXLOG, 0 },
	{ KW_TXOPT, 3 },
	{ KW_TXPRIOD, 1 },
};
#define STEP_OUT	1	/* asked of an output server */
#define STEP_TXLOG	2	/* ... linked to the transaction logger */
#define NSTEPS	(sizeof(setup_steps) / sizeof(setup_steps[0]))

void
menu_setup(struct mstate *st)
{
	struct config cfg;
	const struct server_cfg *s;
	struct margv av;
	struct errbuf why;
	char *done[NSTEPS], *ans[KW__COUNT], *pre, *home = NULL, *norm;
	unsigned have = 0;
	size_t i, k;
	int ndone = 0, asked[KW__COUNT];

	memset(ans, 0, sizeof(ans));
	memset(asked, 0, sizeof(asked));
	memset(&av, 0, sizeof(av));
	for (i = 0; i < NSTEPS; i++) {
		k = setup_steps[i].k;
		if ((setup_steps[i].when & have) != setup_steps[i].when)
			continue;
		pre = menu_prefill(st, k);
		if (menu_ask(st, "Setup Server", done, ndone, k, pre,
		    &ans[k]) != 0) {
			free(pre);
			goto leave;
		}
		free(pre);
		asked[k] = 1;
		done[ndone++] = xasprintf("%s : %s", kw_def(k)->label, ans[k]);
		if (kw_check(k, ans[k], KWC_SYNTAX, &norm, &why) == 0) {
			if (k == KW_SERVERTYPE && strcmp(norm, "OUT") == 0)
				have |= STEP_OUT;
			if (k == KW_TXLOG && strcmp(norm, "ON") == 0)
				have |= STEP_TXLOG;
			free(norm);
		}
	}
	margv_add(&av, "setup");
	margv_add(&av, "server=%s", st->server);
	for (i = 0; i < NSTEPS; i++)
		if (asked[k = setup_steps[i].k])
			margv_add(&av, "%s=%s", kw_def(k)->name, ans[k]);
	/* The parameters not asked for stay as the server has them. */
	if (load_config(&cfg, &home) == 0 &&
	    (s = config_find(&cfg, st->server)) != NULL)
		for (k = 0; k < KW__COUNT; k++)
			if (!asked[k] && (kw_def(k)->flags & KWF_STORED) &&
			    s->val[k] != NULL && (kw_def(k)->defval == NULL ||
			    strcmp(s->val[k], kw_def(k)->defval) != 0))
				margv_add(&av, "%s=%s", kw_def(k)->name,
				    s->val[k]);
	config_free(&cfg);
	free(home);
	menu_run(st, "Setup Server", &av, 0);
leave:
	margv_free(&av);
	for (i = 0; i < (size_t)ndone; i++)
		free(done[i]);
	for (k = 0; k < KW__COUNT; k++)
		free(ans[k]);
}

/* Line i of Other Servers: a server of cfg, or (i == nservers) a new
 * one. */
static void
server_line(char *buf, size_t sz, const struct config *cfg, size_t i,
    const char *home)
{
	const struct server_cfg *s;
	const char *type;

	if (i == cfg->nservers) {
		snprintf(buf, sz, " n) A new server (its name is asked)");
		return;
	}
	s = &cfg->servers[i];
	type = s->val[KW_SERVERTYPE] != NULL ? s->val[KW_SERVERTYPE] : "-";
	snprintf(buf, sz, "%2zu) %-32s %-4s %s%s", i + 1, s->name, type,
	    runstate_pid(home, s->name) > 0 ? "running" : "stopped",
	    strcmp(s->name, config_default(cfg)) == 0 ? " (default)" : "");
}

/* Other Servers: the servers of the home, or a new name. */
void
menu_servers(struct mstate *st)
{
	struct config cfg;
	char *home = NULL, *name = NULL, line[256], m[MENU_MSG_MAX];
	size_t i, sel = 0, n;
	int key, y;

	memset(&cfg, 0, sizeof(cfg));
	for (;;) {
		config_free(&cfg);
		free(home);
		home = NULL;
		if (load_config(&cfg, &home) < 0)
			config_free(&cfg);
		n = cfg.nservers;
		if (sel > n)
			sel = n;
		if (!menu_too_small((int)n + 7 < 8 ? 8 : (int)n + 7,
		    MENU_MIN_COLS)) {
			menu_header(st, "Other Servers");
			for (i = 0; i <= n; i++) {
				server_line(line, sizeof(line), &cfg, i, home);
				y = 3 + (int)i;
				if (i == sel)
					attron(menu_attr(MR_SEL));
				mvaddnstr(y, 2, line, COLS - 2);
				if (i == sel)
					attroff(menu_attr(MR_SEL));
			}
			menu_keys(" number, n or arrows+Enter: choose   "
			    "q/Esc: back");
			refresh();
		}
		key = getch();
		if (key == KEY_RESIZE || key == ERR)
			continue;
		if (menu_is_leave(key))
			break;
		if (key == KEY_UP || key == 'k')
			sel = (sel + n) % (n + 1);
		else if (key == KEY_DOWN || key == 'j')
			sel = (sel + 1) % (n + 1);
		else if (key >= '1' && key <= '9' && (size_t)(key - '0') <= n) {
			sel = (size_t)(key - '1');
			key = '\r';
		} else if (key == 'n' || key == 'N') {
			sel = n;
			key = '\r';
		}
		if (key != '\r' && key != '\n' && key != KEY_ENTER)
			continue;
		if (sel < n)
			strlcpy(st->server, cfg.servers[sel].name,
			    sizeof(st->server));
		else if (menu_ask(st, "Other Servers", NULL, 0, KW_SERVER,
		    NULL, &name) != 0 || name[0] == '\0') {
			free(name);
			name = NULL;
			continue;
		} else {
			strlcpy(st->server, name, sizeof(st->server));
			free(name);
			name = NULL;
		}
		menu_say(st, 0, "%s", msg_format(m, sizeof(m),
		    MSG_CLI_MENU_SERVER, st->server));
		break;
	}
	config_free(&cfg);
	free(home);
}
