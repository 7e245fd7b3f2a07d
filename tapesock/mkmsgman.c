/*
 * mkmsgman.c — print tapesock-messages(7), generated from the catalogue.
 * `make update-man` refreshes man/tapesock-messages.7 with it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "msgman.h"

int
main(void)
{
	msgman_write(stdout);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("mkmsgman: stdout");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
