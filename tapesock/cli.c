/*
 * cli.c — the command table and the parsing of
 * `tape-socket {cmd {keyword=value ...}} {(options}`.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "catalog.h"
#include "cli.h"

#define SRV	KWBIT(KW_SERVER)
#define BY_PID	(KWBIT(KW_SERVER) | KWBIT(KW_PIPE) | KWBIT(KW_PIB))

static const struct cmddef cmds[CMD__COUNT] = {
	[CMD_CHECK] = { "check", "ch", SRV | KWBIT(KW_CMD), KWBIT(KW_CMD),
	    "Check remote Server.", cmd_server },
	[CMD_DRAIN] = { "drain", "dr", SRV | KWBIT(KW_PIPE), 0,
	    "Drain (empty) pipe.", cmd_drain },
	[CMD_QUERY] = { "query", "q", BY_PID, 0,
	    "Query a server.", cmd_server },
	[CMD_SETARG] = { "setarg", NULL, SRV | KW_STORED_MASK, 0,
	    "Change argument.", cmd_setarg },
	[CMD_SETUP] = { "setup", NULL, SRV | KW_STORED_MASK,
	    KWBIT(KW_SERVERTYPE), "Setup Server parameters.", cmd_setup },
	[CMD_SHOW] = { "show", NULL, SRV, 0,
	    "Show Server parameters.", cmd_show },
	[CMD_SHUTDOWN] = { "shutdown", NULL, SRV | KWBIT(KW_WAIT), 0,
	    "Stop BOTH Servers.", cmd_server },
	[CMD_START] = { "start", NULL, SRV, 0,
	    "Start a server by name.", cmd_server },
	[CMD_STARTSEND] = { "startsend", "ss", SRV, 0,
	    "Start the output server.", cmd_server },
	[CMD_STARTRECEIVE] = { "startreceive", "sr", SRV, 0,
	    "Start the input server.", cmd_server },
	[CMD_STATUS] = { "status", "sta", SRV, 0,
	    "List the server status.", cmd_status },
	[CMD_STOP] = { "stop", "sto", BY_PID | KWBIT(KW_WAIT), 0,
	    "Stop a server.", cmd_server },
	[CMD_STOPALL] = { "stopall", "stopa", KWBIT(KW_WAIT), 0,
	    "Stop all servers.", cmd_server },
	[CMD_TRACEON] = { "traceon", "tron", SRV | KWBIT(KW_TRACE), 0,
	    "Turn traces on.", cmd_server },
	[CMD_TRACEOFF] = { "traceoff", "troff", SRV, 0,
	    "Turn traces off.", cmd_server },
	[CMD_LISTPIPES] = { "listpipes", "lp", 0, 0,
	    "List the pipes of the servers.", cmd_listpipes },
	[CMD_LISTSERVER] = { "listserver", NULL, 0, 0,
	    "List the servers set up.", cmd_listserver },
	[CMD_STARTALL] = { "startall", NULL, 0, 0,
	    "Start all servers.", cmd_server },
	[CMD_TLTEST] = { "tltest", NULL, SRV, 0,
	    "Test the transaction log link.", cmd_server },
	[CMD_VERSION] = { "version", "vers", 0, 0,
	    "Show the version.", cmd_version },
	[CMD_RESET] = { "reset", NULL, SRV, 0,
	    "Reset a stopped server's stream.", cmd_reset },
	[CMD_RESYNC] = { "resync", NULL, SRV, 0,
	    "Resync the input server to the output server.", cmd_resync },
	[CMD_KEY] = { "key", NULL, 0, 0,
	    "Show the pair key's file and fingerprint.", cmd_key },
	[CMD_KEYEXPORT] = { "keyexport", NULL, 0, 0,
	    "Print the pair key, to copy it to the other machine.",
	    cmd_keyexport },
	[CMD_KEYIMPORT] = { "keyimport", NULL, 0, 0,
	    "Replace the pair key with the one on standard input.",
	    cmd_keyimport },
	[CMD_LISTLOG] = { "listlog", "ll", SRV, 0,
	    "List the permanent log (of one server with server=).",
	    cmd_listlog },
	[CMD_CLEARLOG] = { "clearlog", NULL, 0, 0,
	    "Clear the permanent log (asks unless (Q).", cmd_clearlog },
	[CMD_PUT] = { "put", NULL, SRV | KWBIT(KW_FILE) | KWBIT(KW_WAIT), 0,
	    "Send one tape file and wait until the input side wrote it.",
	    cmd_put },
};

#define STA	CMDBIT(CMD_STATUS)
#define DAY	(24 * 3600)

static const struct flagdef flags[FL__COUNT] = {
	[FL_JSON] = { "json", 0, STA | CMDBIT(CMD_QUERY), 0, 0,
	    "machine-readable output (doc/*.schema.json)" },
	[FL_CHECK] = { "check", 0, STA, 0, 0,
	    "one Nagios plugin line, exit 0 OK 1 WARNING 2 CRITICAL 3 UNKNOWN" },
	[FL_FOLLOW] = { "follow", 'f', STA, 0, 0,
	    "redraw every interval, with rates and time left, until ^C" },
	[FL_INTERVAL] = { "interval", 0, STA, 3600, 1,
	    "--follow: seconds between two redraws (1)" },
	[FL_WARN_LAG] = { "warn-lag", 0, STA, DAY, 60,
	    "--check: txlog lag in seconds above which WARNING (60)" },
	[FL_CRIT_LAG] = { "crit-lag", 0, STA, DAY, 300,
	    "--check: txlog lag in seconds above which CRITICAL (300)" },
	[FL_WARN_UNACKED] = { "warn-unacked", 0, STA, UINT32_MAX, 1000,
	    "--check: unacknowledged (OUT) or unwritten (IN) messages (1000)" },
	[FL_CRIT_UNACKED] = { "crit-unacked", 0, STA, UINT32_MAX, 10000,
	    "--check: the same, CRITICAL (10000)" },
	[FL_WARN_SPOOL] = { "warn-spool", 0, STA, 100, 50,
	    "--check: spool use in percent of spoolmax (50)" },
	[FL_CRIT_SPOOL] = { "crit-spool", 0, STA, 100, 90,
	    "--check: the same, CRITICAL (90)" },
	[FL_WARN_POLL] = { "warn-poll", 0, STA, DAY, 1800,
	    "--check: seconds since the last poll test seen on the backup (1800)" },
	[FL_CRIT_POLL] = { "crit-poll", 0, STA, DAY, 3600,
	    "--check: the same, CRITICAL (3600)" },
	[FL_WARN_CONN] = { "warn-conn", 0, STA, DAY, 30,
	    "--check: seconds not connected above which WARNING (30)" },
	[FL_CRIT_CONN] = { "crit-conn", 0, STA, DAY, 300,
	    "--check: the same, CRITICAL (300)" },
};

const struct flagdef *
cli_flag(enum flag f)
{
	return &flags[f];
}

/* "--json, --check, ..." for the flags of command c. */
static void
flag_list(enum cmd c, char *buf, size_t sz)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < FL__COUNT; i++) {
		if (!(flags[i].cmds & CMDBIT(c)))
			continue;
		if (buf[0] != '\0')
			strlcat(buf, ", ", sz);
		strlcat(buf, "--", sz);
		strlcat(buf, flags[i].name, sz);
	}
	if (buf[0] == '\0')
		strlcpy(buf, "none", sz);
}

int
cli_wants_check(int argc, char **argv)
{
	int i;

	if (argc < 1 || cli_cmd_lookup(argv[0]) != CMD_STATUS)
		return 0;
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--check", 7) == 0 &&
		    (argv[i][7] == '\0' || argv[i][7] == '='))
			return 1;
	return 0;
}

/*
 * One flag, argv[*i]: "--name", "--name=value", "--name value" or
 * "-x".  0, or -1 with err.
 */
static int
parse_flag(int argc, char **argv, int *i, struct request *req,
    struct errbuf *err)
{
	const char *arg = argv[*i], *val = NULL;
	char list[512];
	size_t n, f;

	if (arg[1] == '-') {
		n = strcspn(arg + 2, "=");
		if (arg[2 + n] == '=')
			val = arg + 3 + n;
		for (f = 0; f < FL__COUNT; f++)
			if (n == strlen(flags[f].name) &&
			    strncmp(arg + 2, flags[f].name, n) == 0)
				break;
	} else {
		for (f = 0; f < FL__COUNT; f++)
			if (flags[f].letter != 0 && arg[1] == flags[f].letter &&
			    arg[2] == '\0')
				break;
	}
	if (f == FL__COUNT || !(flags[f].cmds & CMDBIT(req->cmd))) {
		flag_list(req->cmd, list, sizeof(list));
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_UNKNOWN_FLAG,
		    arg, cmds[req->cmd].name, list);
		return -1;
	}
	if (req->flags & FLBIT(f)) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_FLAG_CONFLICT,
		    arg, "it is given twice");
		return -1;
	}
	req->flags |= FLBIT(f);
	if (flags[f].max == 0) {
		if (val != NULL) {
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_FLAG_CONFLICT, arg, "it takes no value");
			return -1;
		}
		return 0;
	}
	if (val == NULL) {
		if (*i + 1 >= argc) {
			val = "";
		} else
			val = argv[++*i];
	}
	if (parse_u64(val, flags[f].max, &req->flagval[f]) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_BAD_FLAG_VALUE,
		    flags[f].name, val, (unsigned long long)flags[f].max);
		return -1;
	}
	return 0;
}

/* Flags that make sense only together, or not at all together. */
static int
check_flags(struct request *req, struct errbuf *err)
{
	unsigned modes = req->flags & (FLBIT(FL_JSON) | FLBIT(FL_CHECK) |
	    FLBIT(FL_FOLLOW));
	size_t f;

	if (modes & (modes - 1)) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_FLAG_CONFLICT,
		    (modes & FLBIT(FL_FOLLOW)) ? "--follow" : "--check",
		    "--json, --check and --follow are one of three outputs");
		return -1;
	}
	for (f = FL_WARN_LAG; f < FL__COUNT; f++)
		if ((req->flags & FLBIT(f)) && !(req->flags & FLBIT(FL_CHECK))) {
			char name[40];

			snprintf(name, sizeof(name), "--%s", flags[f].name);
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_FLAG_CONFLICT, name, "it is a threshold of "
			    "--check");
			return -1;
		}
	if ((req->flags & FLBIT(FL_INTERVAL)) &&
	    !(req->flags & FLBIT(FL_FOLLOW))) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_FLAG_CONFLICT,
		    "--interval", "it is the interval of --follow");
		return -1;
	}
	if ((req->flags & FLBIT(FL_INTERVAL)) && req->flagval[FL_INTERVAL] == 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_BAD_FLAG_VALUE,
		    "interval", "0", (unsigned long long)flags[FL_INTERVAL].max);
		return -1;
	}
	for (f = 0; f < FL__COUNT; f++)
		if (!(req->flags & FLBIT(f)))
			req->flagval[f] = flags[f].defval;
	return 0;
}

const struct cmddef *
cli_cmd(enum cmd c)
{
	return &cmds[c];
}

int
cli_cmd_lookup(const char *word)
{
	size_t i;

	for (i = 0; i < CMD__COUNT; i++)
		if (streqi(word, cmds[i].name) ||
		    (cmds[i].abbrev != NULL && streqi(word, cmds[i].abbrev)))
			return (int)i;
	return -1;
}

int
cli_parse_opts(const char *token, unsigned *opts, struct errbuf *err)
{
	static const char letters[] = "CQRSV";
	const char *p, *hit;

	for (p = token + 1; *p != '\0'; p++) {
		if (*p == ')')		/* "(cv)" is tolerated */
			continue;
		hit = strchr(letters, toupper((unsigned char)*p));
		if (hit == NULL || *p == '\0') {
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_UNKNOWN_OPTION, *p, token);
			return -1;
		}
		*opts |= 1u << (hit - letters);
	}
	return 0;
}

/* "callrep, cmd, ..." for the keywords in mask. */
static void
kw_list(uint64_t mask, char *buf, size_t sz)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < KW__COUNT; i++) {
		if (!(mask & KWBIT(i)))
			continue;
		if (buf[0] != '\0')
			strlcat(buf, ", ", sz);
		strlcat(buf, kw_def(i)->name, sz);
	}
	if (buf[0] == '\0')
		strlcpy(buf, "no keyword", sz);
}

int
cli_parse(int argc, char **argv, struct request *req, struct errbuf *err)
{
	const struct cmddef *def;
	char list[256], *eq, *name;
	int c, i, k;

	memset(req, 0, sizeof(*req));
	if (argc < 1)
		return 0;
	if ((c = cli_cmd_lookup(argv[0])) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CLI_UNKNOWN_CMD,
		    argv[0]);
		return EXIT_USAGE;
	}
	req->cmd = (enum cmd)c;
	def = &cmds[c];
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '(') {
			if (cli_parse_opts(argv[i], &req->opts, err) < 0)
				goto usage;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_flag(argc, argv, &i, req, err) < 0)
				goto usage;
			continue;
		}
		if ((eq = strchr(argv[i], '=')) == NULL || eq == argv[i]) {
			msg_format(err->msg, sizeof(err->msg), MSG_CLI_BAD_ARG,
			    argv[i]);
			goto usage;
		}
		name = xstrndup(argv[i], (size_t)(eq - argv[i]));
		k = kw_lookup(name);
		if (k < 0) {
			kw_list(KWBIT(KW__COUNT) - 1, list, sizeof(list));
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_UNKNOWN_KEYWORD, name, list);
			free(name);
			goto usage;
		}
		free(name);
		if (!(def->allowed & KWBIT(k))) {
			kw_list(def->allowed, list, sizeof(list));
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_KEYWORD_NOT_FOR_CMD, kw_def(k)->name,
			    def->name, list);
			goto usage;
		}
		if (req->raw[k] != NULL) {
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_DUP_KEYWORD, kw_def(k)->name);
			goto usage;
		}
		req->raw[k] = xstrdup(eq + 1);
		req->order[req->norder++] = (enum kw)k;
	}
	for (k = 0; k < KW__COUNT; k++)
		if ((def->required & KWBIT(k)) && req->raw[k] == NULL) {
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CLI_MISSING_KEYWORD, def->name, kw_def(k)->name,
			    kw_def(k)->name, kw_def(k)->name);
			goto usage;
		}
	if (check_flags(req, err) < 0)
		goto usage;
	return 0;
usage:
	cli_request_free(req);
	return EXIT_USAGE;
}

int
cli_resolve(struct request *req, const char *home, FILE *in, FILE *out,
    struct errbuf *err)
{
	const char *cmdname = cmds[req->cmd].name;
	struct errbuf why;
	enum kwcheck depth;
	char *v;
	int i, k, r;

	/* Prompts come in the order the keywords were given. */
	for (i = 0; i < req->norder; i++) {
		k = req->order[i];
		if (strcmp(req->raw[k], "?") == 0) {
			r = ask_value(k, in, out, &v);
			if (r != 0) {
				msg_format(err->msg, sizeof(err->msg), r == 1 ?
				    MSG_CLI_PROMPT_QUIT : MSG_CLI_PROMPT_EOF,
				    cmdname, kw_def(k)->name);
				return EXIT_FAILED;
			}
			free(req->raw[k]);
			req->raw[k] = v;
		} else if (strcmp(req->raw[k], ".") == 0) {
			if ((v = lastval_get(home, k)) == NULL) {
				msg_format(err->msg, sizeof(err->msg),
				    MSG_CLI_NO_LAST_VALUE, kw_def(k)->name,
				    kw_def(k)->name);
				return EXIT_USAGE;
			}
			free(req->raw[k]);
			req->raw[k] = v;
		}
		/* An empty server= means the default server. */
		if (k == KW_SERVER && req->raw[k][0] == '\0')
			continue;
		/* query and stop name a server by its pipe, which may be
		 * gone: only what configures a pipe must find it there. */
		depth = (k == KW_PIPE && (req->cmd == CMD_QUERY ||
		    req->cmd == CMD_STOP)) ? KWC_SYNTAX : KWC_FULL;
		if (kw_check(k, req->raw[k], depth, &req->val[k], &why) < 0) {
			msg_format(err->msg, sizeof(err->msg), MSG_CLI_BAD_VALUE,
			    kw_def(k)->name, req->raw[k], why.msg,
			    kw_def(k)->allowed);
			return EXIT_USAGE;
		}
	}
	return 0;
}

void
cli_request_free(struct request *req)
{
	size_t k;

	for (k = 0; k < KW__COUNT; k++) {
		free(req->raw[k]);
		free(req->val[k]);
		req->raw[k] = req->val[k] = NULL;
	}
}

void
cli_usage(FILE *fp)
{
	size_t i;

	fputs("usage: tape-socket {cmd {keyword=value ...}} {(options}\n"
	    "       tape-socket --help | --version\n"
	    "Without a command, at a terminal, tape-socket opens the menu\n"
	    "of the default server (see THE MENU in tape-socket(1)); in a\n"
	    "script give the command.\n\n"
	    "Commands (abbreviation):\n", fp);
	for (i = 0; i < CMD__COUNT; i++)
		fprintf(fp, "  %-13s %-6s %s\n", cmds[i].name,
		    cmds[i].abbrev ? cmds[i].abbrev : "", cmds[i].summary);
	fputs("\nKeywords:\n", fp);
	for (i = 0; i < KW__COUNT; i++)
		fprintf(fp, "  %-11s %s\n", kw_def(i)->name,
		    kw_def(i)->allowed);
	fputs("\nFlags (status; query takes --json):\n", fp);
	for (i = 0; i < FL__COUNT; i++) {
		char name[40], letter[8] = "";

		if (flags[i].letter != 0)
			snprintf(letter, sizeof(letter), ", -%c",
			    flags[i].letter);
		snprintf(name, sizeof(name), "--%s%s%s", flags[i].name,
		    flags[i].max != 0 ? "=N" : "", letter);
		fprintf(fp, "  %-16s %s\n", name, flags[i].help);
	}
	fputs("\nkeyword=? asks for the value; keyword=. reuses the last one.\n"
	    "Options after '(' (quote it in a shell: '(cv'):\n"
	    "  C  do not clear the pipe when starting a server\n"
	    "  Q  quiet: no confirmation prompts\n"
	    "  R  status: running servers only\n"
	    "  S  no clock check at start\n"
	    "  V  verbose: record every event\n"
	    "Exit status: 0 success, 1 the command failed, 2 usage error;\n"
	    "status --check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
	    "See tape-socket(1).\n", fp);
}
