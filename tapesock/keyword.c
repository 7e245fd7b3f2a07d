/*
 * keyword.c — the keywords of the command line and the configuration:
 * help, defaults and validation.  Every value a user gives passes
 * kw_check() before anything acts on it.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkcmd.h"
#include "keyword.h"
#include "notify.h"
#include "pipes.h"

#define COUNT_MAX	1000000000ULL	/* callrep, ndisc, txpriod */
#define TRACE_MAX	100000ULL
#define POLL_MAX	(99ULL * 3600 + 59 * 60 + 59)
#define PID_MAX_VALUE	4194304ULL	/* Linux pid_max ceiling */

static const struct kwdef kwdefs[KW__COUNT] = {
	[KW_CALLREP] = { "callrep", KWF_STORED, "Number of calls",
	    "a whole number >= 0 (0 = call for ever)", "0",
	    "Number of attempts the output server makes to call the input "
	    "server before it gives up. 0 means no limit. Calls are "
	    "calldelay seconds apart (5 by default)." },
	[KW_CALLDELAY] = { "calldelay", KWF_STORED, "Seconds between calls",
	    "a whole number of seconds from 1 to 3600", "5",
	    "Seconds the output server waits between two calls to the input "
	    "server (the reference system used 5). Shorter for tests." },
	[KW_CMD] = { "cmd", 0, "Command to remote",
	    "exec CMD, msgnum, query, shtdwn, test -f FILE, "
	    "test -r[d] FILE ID, tlchk, tlstrt, tron [N], troff", NULL,
	    "Command the remote input server executes (check command): "
	    "exec CMD, msgnum, query, shtdwn, test -f FILE, test -r[d] FILE "
	    "ID, tlchk, tlstrt, tron N, troff. Quote it when it has spaces." },
	[KW_HBINT] = { "hbint", KWF_STORED, "Heartbeat interval",
	    "a whole number of seconds from 1 to 3600", "5",
	    "Seconds of silence on the connection after which a server asks "
	    "its peer for a sign of life (a heartbeat). Both servers use "
	    "their own value; hbtimeout must be at least twice it." },
	[KW_HBTIMEOUT] = { "hbtimeout", KWF_STORED, "Heartbeat timeout",
	    "a whole number of seconds from 2 to 7200, at least twice hbint",
	    "20",
	    "Seconds of silence after which a server takes its peer for "
	    "gone (stopped, hung, or a network that drops everything): it "
	    "traces 'Peer silent for n s', closes the connection, and the "
	    "output server calls again. At least twice hbint." },
	[KW_HOST] = { "host", KWF_STORED, "Remote HOST name",
	    "a host name or IP address", NULL,
	    "Network name of the host where the input server runs. Needed "
	    "by the output server only. It must resolve on the sender." },
	[KW_LISTEN] = { "listen", KWF_STORED, "Listen address",
	    "* (every address), or an IP address or host name of this "
	    "machine", "*",
	    "The address the input server accepts calls on: * for every "
	    "address of the machine, or one address (127.0.0.1, an address "
	    "of one network card, an IPv6 address, a host name that "
	    "resolves to one of them). Used by the input server only." },
	[KW_LOGMAX] = { "logmax", KWF_STORED, "Largest permanent log",
	    "a size from 64K to 1G: bytes, or a number with K, M or G", "8M",
	    "Size at which the permanent log (<home>/ts.log,log) is rotated: "
	    "it is renamed ts.log,log.1 (the previous one is dropped) "
	    "and a new one begun, so the two never take more than twice "
	    "this." },
	[KW_LOST] = { "lost", KWF_STORED, "When messages are missing",
	    "stop, refuse or accept", "stop",
	    "What the input server does when a message number jumps over "
	    "messages it never received (after the trace 'Lost msg=n'): "
	    "stop = stop with an error and notify; refuse = refuse the "
	    "message, close the connection and go on listening; accept = "
	    "accept the jump, trace and count the lost messages." },
	[KW_NDISC] = { "ndisc", KWF_STORED, "Disconnections tolerated",
	    "a whole number >= 0 (0 = no limit)", "0",
	    "Maximum number of network disconnections either server "
	    "tolerates before it stops with 'Too many disc'. 0 = no limit." },
	[KW_NOTIFY] = { "notify", KWF_STORED, "User to notify",
	    "OFF, or a comma-separated list of: user, !tty, *, "
	    "\"exec cmd\" (last)", "OFF",
	    "Who receives the System Administrator messages: OFF; a local "
	    "user name (their terminals); !N or !tty (the terminal "
	    "/dev/pts/N or /dev/tty); * (every logged-in user); exec cmd "
	    "(runs cmd with the message appended). Separate with commas; "
	    "quote the list when it holds exec, which must come last." },
	[KW_PIB] = { "pib", 0, "Server process id",
	    "the process id of a running server (status column id)", NULL,
	    "Process id of a running server, as shown in the id column of "
	    "status: a quick alternative to pipe= for query and stop." },
	[KW_PIPE] = { "pipe", KWF_STORED, "Unix pipe name",
	    "an absolute path to an existing FIFO or character device "
	    "you can read and write", NULL,
	    "The Unix pipe the server reads (output) or writes (input). A "
	    "full path; it must exist (mkfifo) and be readable and writable "
	    "by you. A character device (a raw device) is accepted too." },
	[KW_POLL] = { "poll", KWF_STORED, "Transaction Log test polling",
	    "seconds or HH:MM:SS, up to 99:59:59 (0 = off)", "0",
	    "Period of the transaction log test polling, in seconds or "
	    "HH:MM:SS. 0 disables it." },
	[KW_PORT] = { "port", KWF_STORED, "TCP/IP port number",
	    "a whole number from 1024 to 32767", NULL,
	    "TCP port of the input server on the receiver's side; both "
	    "servers must agree on it. 1024 to 32767." },
	[KW_PROT] = { "prot", KWF_STORED, "Protocol", "inet", "inet",
	    "Network protocol. Only inet (TCP/IP) is supported." },
	[KW_RSHUT] = { "rshut", KWF_STORED, "Remote shutdown allowed",
	    "ON or OFF", "ON",
	    "Whether the input server stops when its output server asks it "
	    "to (the shutdown command on the output side, check "
	    "cmd=shtdwn). OFF: the request is refused and traced, and the "
	    "input server goes on; only a local stop ends it." },
	[KW_SERVER] = { "server", 0, "Server name",
	    "1 to 32 of A-Z a-z 0-9 . _ -, starting with a letter or digit",
	    NULL,
	    "Name of the server. Empty means the default server." },
	[KW_SERVERTYPE] = { "servertype", KWF_STORED, "Server type",
	    "IN or OUT", NULL,
	    "IN for the input server (receiver), OUT for the output server "
	    "(sender). Required by setup." },
	[KW_SPOOLMAX] = { "spoolmax", KWF_STORED, "Largest spool",
	    "a size from 1M to 1T: bytes, or a number with K, M, G or T",
	    "1G",
	    "Most disk space the output server's spool (<home>/NAME.spool) "
	    "may use for blocks not yet acknowledged. When it is full the "
	    "output server stops reading its pipe and the tape process "
	    "blocks: nothing is dropped." },
	[KW_SYNC] = { "sync", KWF_STORED, "Sync to disk",
	    "ON or OFF", "ON",
	    "ON: the output server's spool is flushed to disk (fdatasync, in "
	    "batches) before its blocks are sent, and the input server's "
	    "state before it acknowledges, at most about every 100 ms, so "
	    "that a crash of the machine never loses what was sent nor makes "
	    "an acknowledged position go back. OFF: they survive a crash or "
	    "kill of the server process, not of the machine." },
	[KW_TLS] = { "tls", KWF_STORED, "Encryption of the link",
	    "ON, OFF or CERT", "ON",
	    "ON: the link is TLS 1.3 keyed by the pair key (<home>/pair.key, "
	    "the same file in both homes): each server proves it holds the "
	    "key, and everything is encrypted. CERT: TLS 1.3 with "
	    "certificates (tlsca, tlscert, tlskey; the peer's name checked "
	    "against tlspeer). OFF: the pair key is still proven at every "
	    "connection, but the data travels in clear and a host on the "
	    "path could alter it: only on a network you trust. Both servers "
	    "must have the same setting." },
	[KW_DATADIR] = { "datadir", KWF_STORED, "Data area (check test)",
	    "an absolute path to a directory", NULL,
	    "The data area the check commands test -f FILE and test -r[d] "
	    "FILE ID look in, when the remote server asks: a FILE is a "
	    "directory in it, an ID a file in that directory (a Pick file "
	    "and its item). Not set: those commands answer that there is no "
	    "data area." },
	[KW_FILE] = { "file", 0, "File to send (put)",
	    "a path to a readable file; none: standard input", NULL,
	    "The file put sends as one tape file; without it, standard "
	    "input." },
	[KW_EXECALLOW] = { "execallow", KWF_STORED, "Commands check may exec",
	    "command names or absolute paths, separated by commas", NULL,
	    "The commands the remote server may run on this one with check "
	    "cmd=\"exec CMD ...\" (say execallow=date,uptime). A name is "
	    "looked for in /usr/local/bin, /usr/bin and /bin; a path names "
	    "one program. They run without a shell, as this server's user, "
	    "for 5 seconds at most; only the first line of what they print "
	    "is answered. Not set: exec is refused." },
	[KW_TLSCA] = { "tlsca", KWF_STORED, "CA certificates (tls=CERT)",
	    "an absolute path to a PEM file", NULL,
	    "PEM file of the certificate authorities that sign the peer's "
	    "certificate. Used with tls=CERT." },
	[KW_TLSCERT] = { "tlscert", KWF_STORED, "Own certificate (tls=CERT)",
	    "an absolute path to a PEM file", NULL,
	    "PEM file of this server's certificate (and its chain). Used "
	    "with tls=CERT." },
	[KW_TLSKEY] = { "tlskey", KWF_STORED, "Own private key (tls=CERT)",
	    "an absolute path to a PEM file", NULL,
	    "PEM file of this server's private key, readable by its owner "
	    "only. Used with tls=CERT." },
	[KW_TLSPEER] = { "tlspeer", KWF_STORED, "Peer's certificate name",
	    "a host name", NULL,
	    "The name the peer's certificate must carry (subject "
	    "alternative name or common name). Output server: host= when "
	    "not set. Input server: required with tls=CERT." },
	[KW_TRACE] = { "trace", KWF_STORED, "Number of traces kept",
	    "a whole number from 0 to 100000", "4",
	    "Number of trace entries kept in ts.log for the server; the "
	    "oldest are dropped. The (V option records every event." },
	[KW_TXLOG] = { "txlog", KWF_STORED, "Start transaction logger",
	    "ON or OFF", "OFF",
	    "Whether the server is linked to the transaction logger." },
	[KW_TXOPT] = { "txopt", KWF_STORED, "Log (DL) files or ALL",
	    "DL or ALL", "DL",
	    "Whether the transaction logger logs all files or only files "
	    "with the DL attribute. Used by an OUT server with txlog=ON." },
	[KW_TXPRIOD] = { "txpriod", KWF_STORED,
	    "Transaction log queue period",
	    "a whole number of seconds >= 0 (0 = default)", "0",
	    "Period, in seconds, with which the transaction log queue is "
	    "emptied. 0 means the default." },
	[KW_WAIT] = { "wait", 0, "Seconds to wait for delivery",
	    "a whole number of seconds from 0 to 3600 (0 = stop now)", "30",
	    "How long stop, stopall or shutdown lets a server deliver what "
	    "it holds (output: until acknowledged; input: until written into "
	    "the pipe). If it cannot, the server stops anyway, says what is "
	    "pending, and the command exits 1. wait=0 forces the stop at "
	    "once: what is pending is said, and the command exits 0." },
};

const struct kwdef *
kw_def(enum kw k)
{
	return &kwdefs[k];
}

int
kw_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < KW__COUNT; i++)
		if (streqi(name, kwdefs[i].name))
			return (int)i;
	return -1;
}

static int
has_ctrl(const char *s)
{
	for (; *s != '\0'; s++)
		if (iscntrl((unsigned char)*s))
			return 1;
	return 0;
}

static int
check_count(const char *v, uint64_t max, char **norm, struct errbuf *err)
{
	uint64_t n;

	if (parse_u64(v, UINT64_MAX, &n) < 0) {
		errbuf_set(err, "not a whole number");
		return -1;
	}
	if (n > max) {
		errbuf_set(err, "out of range");
		return -1;
	}
	*norm = xasprintf("%llu", (unsigned long long)n);
	return 0;
}

static int
check_word(const char *v, const char *a, const char *b, char **norm,
    struct errbuf *err)
{
	if (!streqi(v, a) && !streqi(v, b)) {
		errbuf_set(err, "not a valid choice");
		return -1;
	}
	*norm = xstrdup(streqi(v, a) ? a : b);
	return 0;
}

/* One of three words; normalized to the spelling given here. */
static int
check_word3(const char *v, const char *const w[3], char **norm,
    struct errbuf *err)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (streqi(v, w[i])) {
			*norm = xstrdup(w[i]);
			return 0;
		}
	errbuf_set(err, "not a valid choice");
	return -1;
}

/* count in [min, max], normalized. */
static int
check_range(const char *v, uint64_t min, uint64_t max, char **norm,
    struct errbuf *err)
{
	if (check_count(v, max, norm, err) < 0)
		return -1;
	if (strtoull(*norm, NULL, 10) < min) {
		free(*norm);
		*norm = NULL;
		errbuf_set(err, "out of range");
		return -1;
	}
	return 0;
}

/*
 * tls=CERT is a whole: the CA, the certificate and its key, and (on an
 * input server, where host= gives no default) the peer's name.  Set
 * half-way it could never start: refused where it is set.
 */
static int
check_tls_cert(char *const val[KW__COUNT], struct errbuf *err)
{
	static const enum kw need[] = { KW_TLSCA, KW_TLSCERT, KW_TLSKEY,
	    KW_TLSPEER };
	char missing[64] = "";
	size_t i;
	int in = val[KW_SERVERTYPE] != NULL && streqi(val[KW_SERVERTYPE], "IN");

	if (val[KW_TLS] == NULL || !streqi(val[KW_TLS], "CERT"))
		return 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (need[i] == KW_TLSPEER && !in)
			continue;	/* the output server checks host= */
		if (val[need[i]] == NULL || val[need[i]][0] == '\0')
			snprintf(missing + strlen(missing), sizeof(missing) -
			    strlen(missing), "%s%s", missing[0] ? ", " : "",
			    kwdefs[need[i]].name);
	}
	if (missing[0] == '\0')
		return 0;
	errbuf_set(err, "tls=CERT needs %s too; give them in the same "
	    "command (absolute paths of PEM files%s), or keep tls=ON and "
	    "the pair key", missing, in ? "; tlspeer: the name in the output "
	    "server's certificate" : "");
	return -1;
}

int
kw_check_server(char *const val[KW__COUNT], struct errbuf *err)
{
	const char *hi = val[KW_HBINT] ? val[KW_HBINT] :
	    kwdefs[KW_HBINT].defval;
	const char *ht = val[KW_HBTIMEOUT] ? val[KW_HBTIMEOUT] :
	    kwdefs[KW_HBTIMEOUT].defval;
	uint64_t i, t;

	if (parse_u64(hi, UINT64_MAX, &i) < 0 ||
	    parse_u64(ht, UINT64_MAX, &t) < 0)
		return 0;	/* kw_check reports those */
	if (t < 2 * i) {
		errbuf_set(err, "hbtimeout=%s is less than twice hbint=%s; "
		    "set hbtimeout to at least %llu or hbint to at most %llu",
		    ht, hi, (unsigned long long)(2 * i),
		    (unsigned long long)(t / 2));
		return -1;
	}
	return check_tls_cert(val, err);
}

int
kw_size_bytes(const char *v, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	char num[24];
	const char *u;
	size_t len = strlen(v);
	unsigned shift = 0;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, v, len + 1);
	if ((u = strchr(units, toupper((unsigned char)v[len - 1]))) != NULL) {
		shift = 10 * (unsigned)(u - units + 1);
		num[len - 1] = '\0';
	}
	if (parse_u64(num, UINT64_MAX >> shift, bytes) < 0)
		return -1;
	*bytes <<= shift;
	return 0;
}

int
kw_poll_seconds(const char *v, uint64_t *secs)
{
	uint64_t h, m, s;
	char part[3][16];
	const char *p = v;
	size_t i, len;

	if (strchr(v, ':') == NULL)
		return parse_u64(v, POLL_MAX, secs);
	for (i = 0; i < 3; i++) {
		len = strcspn(p, ":");
		if (len == 0 || len >= sizeof(part[i]))
			return -1;
		memcpy(part[i], p, len);
		part[i][len] = '\0';
		p += len;
		if (i < 2) {
			if (*p != ':')
				return -1;
			p++;
		}
	}
	if (*p != '\0' || parse_u64(part[0], 99, &h) < 0 ||
	    parse_u64(part[1], 59, &m) < 0 || parse_u64(part[2], 59, &s) < 0)
		return -1;
	*secs = h * 3600 + m * 60 + s;
	return 0;
}

void
kw_poll_format(uint64_t secs, char *buf, size_t sz)
{
	snprintf(buf, sz, "%02llu:%02llu:%02llu",
	    (unsigned long long)(secs / 3600),
	    (unsigned long long)(secs / 60 % 60),
	    (unsigned long long)(secs % 60));
}

static int
check_server_name(const char *v, char **norm, struct errbuf *err)
{
	size_t i, len = strlen(v);

	if (len == 0 || len > SERVER_NAME_MAX || !isalnum((unsigned char)v[0])) {
		errbuf_set(err, "not a valid server name");
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && strchr("._-", v[i]) == NULL) {
			errbuf_set(err, "not a valid server name");
			return -1;
		}
	*norm = xstrdup(v);
	return 0;
}

static int
check_host(const char *v, char **norm, struct errbuf *err)
{
	size_t i, len = strlen(v), label = 0;

	if (len == 0 || len > 253) {
		errbuf_set(err, "not a valid host name");
		return -1;
	}
	if (strchr(v, ':') != NULL) {		/* IPv6 literal */
		for (i = 0; i < len; i++)
			if (!isxdigit((unsigned char)v[i]) &&
			    strchr(":.", v[i]) == NULL) {
				errbuf_set(err, "not a valid IPv6 address");
				return -1;
			}
		*norm = xstrdup(v);
		return 0;
	}
	for (i = 0; i < len; i++) {
		if (v[i] == '.') {
			if (label == 0 || v[i - 1] == '-')
				goto bad;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)v[i]) && v[i] != '-' && v[i] != '_')
			goto bad;
		if (v[i] == '-' && label == 0)
			goto bad;
		if (++label > 63)
			goto bad;
	}
	if (label == 0)
		goto bad;
	*norm = xstrdup(v);
	return 0;
bad:
	errbuf_set(err, "not a valid host name");
	return -1;
}

static int
check_pipe(const char *v, enum kwcheck depth, char **norm, struct errbuf *err)
{
	struct stat st;

	if (v[0] != '/') {
		errbuf_set(err, "not an absolute path");
		return -1;
	}
	if (strlen(v) >= PATH_MAX) {
		errbuf_set(err, "path too long");
		return -1;
	}
	if (depth == KWC_FULL) {
		/* The servers open it with O_NOFOLLOW, in a safe directory. */
		if (lstat(v, &st) < 0) {
			errbuf_set(err, "%s (create it with mkfifo)",
			    strerror(errno));
			return -1;
		}
		if (S_ISLNK(st.st_mode)) {
			errbuf_set(err, "a symbolic link (name the FIFO "
			    "itself)");
			return -1;
		}
		if (pipe_dir_check(v, err) < 0)
			return -1;
		if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
			errbuf_set(err, "not a FIFO or a character device");
			return -1;
		}
		if (access(v, R_OK | W_OK) < 0) {
			errbuf_set(err, "not readable and writable by you");
			return -1;
		}
	}
	*norm = xstrdup(v);
	return 0;
}

/* A file read (a certificate, a key: by a server, so absolute; put's
 * file, by the command line). */
static int
check_file(const char *v, enum kwcheck depth, int absolute, char **norm,
    struct errbuf *err)
{
	if (absolute && v[0] != '/') {
		errbuf_set(err, "not an absolute path");
		return -1;
	}
	if (*v == '\0' || strlen(v) >= PATH_MAX) {
		errbuf_set(err, *v == '\0' ? "an empty path" :
		    "path too long");
		return -1;
	}
	if (depth == KWC_FULL && access(v, R_OK) < 0) {
		errbuf_set(err, "%s", strerror(errno));
		return -1;
	}
	*norm = xstrdup(v);
	return 0;
}

/* A directory the server reads (the data area). */
static int
check_dir(const char *v, enum kwcheck depth, char **norm, struct errbuf *err)
{
	struct stat st;

	if (v[0] != '/') {
		errbuf_set(err, "not an absolute path");
		return -1;
	}
	if (strlen(v) >= PATH_MAX - 2 * CHECK_NAME_MAX - 2) {
		errbuf_set(err, "path too long");
		return -1;
	}
	if (depth == KWC_FULL) {
		if (stat(v, &st) < 0) {
			errbuf_set(err, "%s", strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			errbuf_set(err, "not a directory");
			return -1;
		}
	}
	*norm = xstrdup(v);
	return 0;
}

/* execallow: names or absolute paths, comma-separated. */
static int
check_execallow(const char *v, char **norm, struct errbuf *err)
{
	char *copy = xstrdup(v), *p = copy, *e;
	size_t i, n = 0;

	while ((e = strsep(&p, ",")) != NULL) {
		if (*e == '\0' || strlen(e) >= 256) {
			errbuf_set(err, "an empty or too long command");
			goto bad;
		}
		for (i = 0; e[i] != '\0'; i++)
			if (!isalnum((unsigned char)e[i]) &&
			    strchr("._+-/", e[i]) == NULL) {
				errbuf_set(err, "'%s': a command name or "
				    "absolute path has only letters, digits "
				    "and . _ + - /", e);
				goto bad;
			}
		if (strchr(e, '/') != NULL && (e[0] != '/' ||
		    strstr(e, "/../") != NULL || strstr(e, "//") != NULL ||
		    e[strlen(e) - 1] == '/')) {
			errbuf_set(err, "'%s' is neither a command name nor a "
			    "plain absolute path", e);
			goto bad;
		}
		n++;
	}
	free(copy);
	*norm = xstrdup(v);
	return 0;
bad:
	free(copy);
	return -1;
}

/* One item of a notify list other than exec. */
static int
check_notify_item(const char *item, enum kwcheck depth, struct errbuf *err)
{
	size_t i;

	if (strcmp(item, "*") == 0)
		return 0;
	if (item[0] == '!') {
		/* A terminal only: !N or !pts/N (/dev/pts/N), !tty... */
		if (notify_tty_dev(item + 1, NULL, 0) < 0) {
			errbuf_set(err, "'%s' is not a terminal: use !N for "
			    "/dev/pts/N, or !tty, !ttyN, !ttyS0 ...", item);
			return -1;
		}
		return 0;
	}
	if (!isalpha((unsigned char)item[0]) && item[0] != '_')
		goto bad;
	for (i = 0; item[i] != '\0'; i++)
		if (!isalnum((unsigned char)item[i]) &&
		    strchr("._-", item[i]) == NULL)
			goto bad;
	if (depth == KWC_FULL && getpwnam(item) == NULL) {
		errbuf_set(err, "no such user '%s'", item);
		return -1;
	}
	return 0;
bad:
	errbuf_set(err, "'%s' is not a user, !tty, * or exec cmd", item);
	return -1;
}

static int
check_notify(const char *v, enum kwcheck depth, char **norm,
    struct errbuf *err)
{
	char *copy, *p, *item, *out;
	size_t len;
	int rc = -1;

	/* OFF with spaces around it too: else it would be the user "OFF"
	 * here, and the word OFF once read back from the configuration. */
	len = strspn(v, " ");
	if (strncasecmp(v + len, "OFF", 3) == 0 &&
	    v[len + 3 + strspn(v + len + 3, " ")] == '\0') {
		*norm = xstrdup("OFF");
		return 0;
	}
	copy = xstrdup(v);
	out = xcalloc(strlen(v) + 1, 1);
	for (p = copy; p != NULL; ) {
		while (*p == ' ')
			p++;
		if (strncmp(p, "exec ", 5) == 0) {
			/* exec takes the rest, commas and all. */
			item = p + 5;
			while (*item == ' ')
				item++;
			if (*item == '\0') {
				errbuf_set(err, "exec needs a command");
				goto done;
			}
			strcat(out, *out ? "," : "");
			strcat(out, "exec ");
			strcat(out, item);
			break;
		}
		item = strsep(&p, ",");
		len = strlen(item);
		while (len > 0 && item[len - 1] == ' ')
			item[--len] = '\0';
		if (strcmp(item, "exec") == 0) {
			errbuf_set(err, "exec needs a command");
			goto done;
		}
		if (len == 0) {
			errbuf_set(err, "empty item in list");
			goto done;
		}
		if (check_notify_item(item, depth, err) < 0)
			goto done;
		strcat(out, *out ? "," : "");
		strcat(out, item);
	}
	*norm = out;
	out = NULL;
	rc = 0;
done:
	free(out);
	free(copy);
	return rc;
}

static int
check_cmd(const char *v, char **norm, struct errbuf *err)
{
	struct check_cmd c;

	if (check_parse(v, &c, err) < 0)
		return -1;
	*norm = check_normal(&c);
	check_cmd_free(&c);
	return 0;
}

int
kw_check(enum kw k, const char *v, enum kwcheck depth, char **norm,
    struct errbuf *err)
{
	uint64_t n;

	*norm = NULL;
	if (v == NULL || *v == '\0') {
		errbuf_set(err, "empty value");
		return -1;
	}
	if (has_ctrl(v)) {
		errbuf_set(err, "control characters are not allowed");
		return -1;
	}
	/* The configuration is YAML, which is UTF-8: a value it could not
	 * hold is refused here, before anything is written. */
	if (!utf8_valid(v)) {
		errbuf_set(err, "not valid UTF-8 (give the name in UTF-8)");
		return -1;
	}
	switch (k) {
	case KW_CALLREP:
	case KW_NDISC:
	case KW_TXPRIOD:
		return check_count(v, COUNT_MAX, norm, err);
	case KW_TRACE:
		return check_count(v, TRACE_MAX, norm, err);
	case KW_CALLDELAY:
		if (check_count(v, 3600, norm, err) < 0)
			return -1;
		if (strcmp(*norm, "0") == 0) {
			free(*norm);
			*norm = NULL;
			errbuf_set(err, "out of range");
			return -1;
		}
		return 0;
	case KW_CMD:
		return check_cmd(v, norm, err);
	case KW_HBINT:
		return check_range(v, 1, 3600, norm, err);
	case KW_HBTIMEOUT:
		return check_range(v, 2, 7200, norm, err);
	case KW_LISTEN:
		if (strcmp(v, "*") == 0) {
			*norm = xstrdup("*");
			return 0;
		}
		return check_host(v, norm, err);
	case KW_LOST: {
		static const char *const w[3] = { "stop", "refuse", "accept" };

		return check_word3(v, w, norm, err);
	}
	case KW_WAIT:
		return check_count(v, 3600, norm, err);
	case KW_HOST:
		return check_host(v, norm, err);
	case KW_NOTIFY:
		return check_notify(v, depth, norm, err);
	case KW_PIB:
		if (parse_u64(v, PID_MAX_VALUE, &n) < 0 || n == 0) {
			errbuf_set(err, "not a process id");
			return -1;
		}
		*norm = xasprintf("%llu", (unsigned long long)n);
		return 0;
	case KW_PIPE:
		return check_pipe(v, depth, norm, err);
	case KW_POLL:
		if (kw_poll_seconds(v, &n) < 0) {
			errbuf_set(err, "not seconds or HH:MM:SS");
			return -1;
		}
		*norm = xasprintf("%llu", (unsigned long long)n);
		return 0;
	case KW_PORT:
		if (parse_u64(v, UINT64_MAX, &n) < 0) {
			errbuf_set(err, "not a whole number");
			return -1;
		}
		if (n < 1024 || n > 32767) {
			errbuf_set(err, "out of range");
			return -1;
		}
		*norm = xasprintf("%llu", (unsigned long long)n);
		return 0;
	case KW_PROT:
		if (!streqi(v, "inet")) {
			errbuf_set(err, "unsupported protocol");
			return -1;
		}
		*norm = xstrdup("inet");
		return 0;
	case KW_SERVER:
		return check_server_name(v, norm, err);
	case KW_SERVERTYPE:
		return check_word(v, "IN", "OUT", norm, err);
	case KW_SPOOLMAX:
		if (kw_size_bytes(v, &n) < 0 || n < ((uint64_t)1 << 20) ||
		    n > ((uint64_t)1 << 40)) {
			errbuf_set(err, "not a size from 1M to 1T");
			return -1;
		}
		*norm = xstrdup(v);
		(*norm)[strlen(*norm) - 1] = (char)toupper(
		    (unsigned char)(*norm)[strlen(*norm) - 1]);
		return 0;
	case KW_LOGMAX:
		if (kw_size_bytes(v, &n) < 0 || n < ((uint64_t)64 << 10) ||
		    n > ((uint64_t)1 << 30)) {
			errbuf_set(err, "not a size from 64K to 1G");
			return -1;
		}
		*norm = xstrdup(v);
		(*norm)[strlen(*norm) - 1] = (char)toupper(
		    (unsigned char)(*norm)[strlen(*norm) - 1]);
		return 0;
	case KW_TLS: {
		static const char *const w[3] = { "ON", "OFF", "CERT" };

		return check_word3(v, w, norm, err);
	}
	case KW_DATADIR:
		return check_dir(v, depth, norm, err);
	case KW_EXECALLOW:
		return check_execallow(v, norm, err);
	case KW_FILE:
		return check_file(v, depth, 0, norm, err);
	case KW_TLSCA:
	case KW_TLSCERT:
	case KW_TLSKEY:
		return check_file(v, depth, 1, norm, err);
	case KW_TLSPEER:
		return check_host(v, norm, err);
	case KW_SYNC:
	case KW_RSHUT:
	case KW_TXLOG:
		return check_word(v, "ON", "OFF", norm, err);
	case KW_TXOPT:
		return check_word(v, "DL", "ALL", norm, err);
	case KW__COUNT:
		break;
	}
	errbuf_set(err, "unknown keyword");
	return -1;
}
