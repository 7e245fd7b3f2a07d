/*
 * main.c — tape-socket: the command line of tapesock.
 *
 *	tape-socket {cmd {keyword=value ...}} {(options}
 *
 * Without a command, on a terminal, the menu (menu/); else parse,
 * resolve `?` and `.`, validate everything, then act (cli_run).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "cli.h"
#include "menu.h"

int
main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
			msg_err(MSG_CLI_NO_MENU);
			return EXIT_USAGE;
		}
		return menu_main();
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		cli_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		argv[1] = "version";
	rc = cli_run(argc - 1, argv + 1, stdin, stdout);
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = EXIT_FAILED;
	return rc;
}
