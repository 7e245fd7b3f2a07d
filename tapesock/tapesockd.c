/*
 * tapesockd.c — one input or output server process.
 *
 *	tapesockd [-CSV] [-r fd] name
 *	tapesockd -k pipe [-w fd] [-r fd] name
 *
 * Started by `tape-socket start`, which passes -r: the descriptor on
 * which the daemon reports "OK pid" once it serves, or "ERR reason".
 * The state home comes from TAPESOCK_HOME as for the command line.
 * Under systemd (tapesock@.service, Type=notify) it runs without -r
 * and says READY=1 on $NOTIFY_SOCKET where it would report "OK pid".
 * With -k the process is the keeper of a server's pipe (keeper.h),
 * started by that server: of an output server's read end, or with -w
 * of the write end an input server passes as descriptor fd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <bsd/unistd.h>

#include "daemon.h"
#include "home.h"
#include "keeper.h"
#include "sdnotify.h"
#include "server.h"
#include "srvconf.h"

static void
usage(void)
{
	fprintf(stderr, "usage: tapesockd [-CSV] [-r fd] name\n"
	    "       tapesockd -k pipe [-w fd] [-r fd] name\n");
	exit(2);
}

/* The roles this program can play; server.c names none of them. */
static const struct role *const roles[] = {
	&role_sender, &role_receiver, NULL
};

int
main(int argc, char **argv, char **envp)
{
	struct errbuf err;
	unsigned opts = 0;
	int ch, ready_fd = -1, write_fd = -1, rc;
	char *home, *keep = NULL;
	uint64_t fd;

	setproctitle_init(argc, argv, envp);
	/* Before anything is forked: only the server speaks to systemd. */
	sdnotify_take();
	while ((ch = getopt(argc, argv, "CSVk:r:w:")) != -1) {
		switch (ch) {
		case 'C':
			opts |= OPT_C;
			break;
		case 'S':
			opts |= OPT_S;
			break;
		case 'V':
			opts |= OPT_V;
			break;
		case 'k':
			keep = optarg;
			break;
		case 'r':
			if (parse_u64(optarg, 1024, &fd) < 0)
				usage();
			ready_fd = (int)fd;
			break;
		case 'w':
			if (parse_u64(optarg, 1024, &fd) < 0)
				usage();
			write_fd = (int)fd;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || (write_fd >= 0 && keep == NULL))
		usage();
	if ((home = home_open(&err)) == NULL) {
		struct daemon_life life;

		daemon_init(&life, ready_fd);
		(void)daemon_report_err(&life, "%s", err.msg);
		return 1;
	}
	if (keep != NULL) {
		rc = keeper_main(home, argv[optind], keep, write_fd,
		    ready_fd);
		free(home);
		return rc;
	}
	rc = server_main(home, argv[optind], opts, ready_fd, roles);
	free(home);
	return rc;
}
