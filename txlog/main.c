/*
 * main.c — txlog: write, delete and read items of a data area through
 * its transaction queue (libtxlog, txlog.h; txlog(1)).
 *
 *   txlog [-d area] create FILE [DL]
 *   txlog [-d area] put [-w seconds] FILE ID [BODY]	(no BODY: stdin)
 *   txlog [-d area] get FILE ID
 *   txlog [-d area] del FILE ID
 *   txlog [-d area] queue
 *   txlog [-d area] logger [-a] [-p seconds] [-s socket] PIPE
 *   txlog [-d area] restore PIPE
 *
 * The area: -d, else $TXLOG_AREA, else <home>/data of the tapesock
 * home ($TAPESOCK_HOME or the default, as tape-socket finds it).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "home.h"
#include "txlog.h"

#define EX_OK		0
#define EX_FAIL		1
#define EX_USAGE	2

static void
usage(void)
{
	fprintf(stderr, "usage: txlog [-d area] create FILE [DL]\n"
	    "       txlog [-d area] put [-w seconds] FILE ID [BODY]\n"
	    "       txlog [-d area] get FILE ID\n"
	    "       txlog [-d area] del FILE ID\n"
	    "       txlog [-d area] queue\n"
	    "       txlog [-d area] logger [-a] [-p seconds] [-s socket] PIPE\n"
	    "       txlog [-d area] restore PIPE\n");
}

static char *
area_of(const char *opt, struct errbuf *err)
{
	const char *env = getenv("TXLOG_AREA");
	char *home, *area;

	if (opt != NULL)
		return xstrdup(opt);
	if (env != NULL && *env != '\0')
		return xstrdup(env);
	if ((home = home_find(err)) == NULL)
		return NULL;
	area = xasprintf("%s/data", home);
	free(home);
	return area;
}

/* A body from standard input, bounded. */
static int
read_stdin(uint8_t **body, size_t *len)
{
	size_t cap = 65536;
	ssize_t n;

	*body = xmalloc(cap);
	*len = 0;
	for (;;) {
		if (*len == cap) {
			if (cap > TXL_BODY_MAX)
				return -1;
			cap *= 2;
			*body = xreallocarray(*body, cap, 1);
		}
		n = read(0, *body + *len, cap - *len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	return *len > TXL_BODY_MAX ? -1 : 0;
}

static volatile sig_atomic_t stop;

static void
on_term(int sig)
{
	stop = 1;
}

/* logger and restore: run until SIGTERM or SIGINT. */
static int
agent(struct txl *t, int argc, char **argv)
{
	struct sigaction sa;
	struct errbuf err;
	uint64_t period = 0;
	const char *sock = NULL;
	long other;
	int all = 0, c, rc, lk;

	optind = 1;
	while ((c = getopt(argc, argv, "ap:s:")) != -1) {
		switch (c) {
		case 'a':
			all = 1;
			break;
		case 's':
			sock = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, 3600, &period) < 0) {
				fprintf(stderr, "txlog: -p: seconds, 0 to "
				    "3600\n");
				return EX_USAGE;
			}
			break;
		default:
			usage();
			return EX_USAGE;
		}
	}
	if (argc - optind != 1 || (strcmp(argv[0], "restore") == 0 &&
	    (all || period != 0 || sock != NULL))) {
		usage();
		return EX_USAGE;
	}
	if ((lk = txl_agent_lock(t, argv[0], &other, &err)) < 0) {
		fprintf(stderr, "txlog: %s: %s\n", argv[0], err.msg);
		return EX_FAIL;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if (strcmp(argv[0], "logger") == 0)
		rc = txl_logger_run(t, argv[optind], all,
		    (unsigned)period * 1000, sock, &stop, stderr);
	else
		rc = txl_restore_run(t, argv[optind], &stop, stderr);
	close(lk);
	return rc == 0 ? EX_OK : EX_FAIL;
}

int
main(int argc, char **argv)
{
	const char *dopt = NULL, *cmd;
	struct errbuf err;
	struct txl t;
	uint8_t *body = NULL;
	uint64_t seq = 0, wait = 0;
	size_t len = 0;
	char *area;
	int c, rc = EX_FAIL, r;

	while ((c = getopt(argc, argv, "+d:h")) != -1) {
		switch (c) {
		case 'd':
			dopt = optarg;
			break;
		case 'h':
			usage();
			return EX_OK;
		default:
			usage();
			return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage();
		return EX_USAGE;
	}
	cmd = argv[0];
	/* put -w SECONDS (--wait SECONDS, --wait=SECONDS): synchronous,
	 * the backup has it when put returns. */
	if (strcmp(cmd, "put") == 0 && argc >= 2 &&
	    strncmp(argv[1], "--wait=", 7) == 0) {
		if (parse_u64(argv[1] + 7, 3600, &wait) < 0 || wait == 0) {
			fprintf(stderr, "txlog: put --wait: seconds, 1 to "
			    "3600\n");
			return EX_USAGE;
		}
		argv[1] = argv[0];
		argv += 1;
		argc -= 1;
	} else if (strcmp(cmd, "put") == 0 && argc >= 3 &&
	    (strcmp(argv[1], "-w") == 0 || strcmp(argv[1], "--wait") == 0)) {
		if (parse_u64(argv[2], 3600, &wait) < 0 || wait == 0) {
			fprintf(stderr, "txlog: put -w: seconds, 1 to 3600\n");
			return EX_USAGE;
		}
		argv[2] = argv[0];
		argv += 2;
		argc -= 2;
	}
	if (!((strcmp(cmd, "create") == 0 && (argc == 2 || (argc == 3 &&
	    strcmp(argv[2], "DL") == 0))) ||
	    (strcmp(cmd, "put") == 0 && (argc == 3 || argc == 4)) ||
	    ((strcmp(cmd, "get") == 0 || strcmp(cmd, "del") == 0) &&
	    argc == 3) || (strcmp(cmd, "queue") == 0 && argc == 1) ||
	    ((strcmp(cmd, "logger") == 0 || strcmp(cmd, "restore") == 0) &&
	    argc >= 2))) {
		usage();
		return EX_USAGE;
	}
	if ((area = area_of(dopt, &err)) == NULL) {
		fprintf(stderr, "txlog: %s\n", err.msg);
		return EX_FAIL;
	}
	if (strcmp(cmd, "put") == 0 && argc == 3 &&
	    read_stdin(&body, &len) < 0) {
		fprintf(stderr, "txlog: put %s %s: standard input: %s\n",
		    argv[1], argv[2], errno != 0 ? strerror(errno) :
		    "more than 1 MiB");
		free(body);
		free(area);
		return EX_FAIL;
	}
	if (txl_open(&t, area, &err) < 0) {
		fprintf(stderr, "txlog: %s\n", err.msg);
		free(body);
		free(area);
		return EX_FAIL;
	}
	if (strcmp(cmd, "logger") == 0 || strcmp(cmd, "restore") == 0)
		rc = agent(&t, argc, argv);
	else if (strcmp(cmd, "create") == 0)
		rc = txl_file_create(&t, argv[1], argc == 3, &err) == 0 ?
		    EX_OK : EX_FAIL;
	else if (strcmp(cmd, "put") == 0) {
		if (argc == 4)
			r = txl_put(&t, argv[1], argv[2], argv[3],
			    strlen(argv[3]), &seq, &err);
		else
			r = txl_put(&t, argv[1], argv[2], body, len, &seq,
			    &err);
		if (r == 0 && wait > 0)
			r = txl_wait_applied(&t, seq, (unsigned)wait, &err);
		rc = r == 0 ? EX_OK : EX_FAIL;
	} else if (strcmp(cmd, "del") == 0)
		rc = txl_del(&t, argv[1], argv[2], &seq, &err) == 0 ? EX_OK :
		    EX_FAIL;
	else if (strcmp(cmd, "get") == 0) {
		free(body);
		body = NULL;
		r = txl_get(&t, argv[1], argv[2], &body, &len, &err);
		if (r == 1) {
			fwrite(body, 1, len, stdout);
			rc = EX_OK;
		} else if (r == 0)
			errbuf_set(&err, "item '%s' of '%s': missing", argv[2],
			    argv[1]);
	} else {
		printf("area %s\nlast %llu\napplied %llu\n", area,
		    (unsigned long long)t.last,
		    (unsigned long long)txl_applied(&t));
		rc = EX_OK;
	}
	if (rc == EX_FAIL && strcmp(cmd, "logger") != 0 &&
	    strcmp(cmd, "restore") != 0)
		fprintf(stderr, "txlog: %s: %s\n", cmd, err.msg);
	txl_close(&t);
	free(body);
	free(area);
	return rc;
}
