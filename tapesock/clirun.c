/*
 * clirun.c — one command line, from argv to its exit status: parse,
 * find the home, resolve `?` and `.`, validate, run, remember the
 * values.  The tape-socket program and the menu both go through it,
 * so that an entry of the menu does exactly what its command does.
 */
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli.h"
#include "home.h"

/* The commands that write into the home (and so may create it). */
static int
writes_home(enum cmd c)
{
	switch (c) {
	case CMD_SETUP:
	case CMD_SETARG:
	case CMD_DRAIN:
	case CMD_START:
	case CMD_STARTSEND:
	case CMD_STARTRECEIVE:
	case CMD_STARTALL:
	case CMD_RESET:
	case CMD_RESYNC:
	case CMD_KEYIMPORT:
	case CMD_CLEARLOG:
		return 1;
	default:
		return 0;
	}
}

int
cli_run(int argc, char **argv, FILE *in, FILE *out)
{
	struct request req;
	struct errbuf err;
	struct ctx ctx;
	int rc, check;

	if ((rc = cli_parse(argc, argv, &req, &err)) != 0) {
		/* A plugin's usage error is its UNKNOWN, said on out. */
		if (cli_wants_check(argc, argv))
			return monitor_unknown(out, err.msg);
		msg_err_line(err.msg);
		return rc;
	}
	check = (req.flags & FLBIT(FL_CHECK)) != 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.req = &req;
	ctx.in = in;
	ctx.out = out;
	ctx.home = writes_home(req.cmd) ? home_open(&err) : home_find(&err);
	if (ctx.home == NULL) {
		if (check)
			rc = monitor_unknown(out, err.msg);
		else {
			msg_err_line(err.msg);
			rc = EXIT_FAILED;
		}
		cli_request_free(&req);
		return rc;
	}
	ctx.cfgpath = home_path(ctx.home, CONFIG_FILE);
	rc = cli_resolve(&req, ctx.home, ctx.in, ctx.out, &err);
	if (rc != 0 && check)
		rc = monitor_unknown(out, err.msg);
	else if (rc != 0)
		msg_err_line(err.msg);
	else {
		rc = cli_cmd(req.cmd)->run(&ctx);
		/* Remember what was given, for keyword=. next time; not by
		 * a monitor, which may not write the home. */
		if (rc == EXIT_OK && !check)
			lastval_save(ctx.home, &req);
	}
	cli_request_free(&req);
	free(ctx.cfgpath);
	free(ctx.home);
	if (fflush(out) != 0 && rc == EXIT_OK)
		rc = EXIT_FAILED;
	return rc;
}
