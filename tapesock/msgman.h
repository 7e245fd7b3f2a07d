/*
 * msgman.h — the tapesock-messages(7) man page, generated from the
 * message catalogue (mkmsgman prints it; a unit test compares it with
 * the checked-in man/tapesock-messages.7).
 */
#ifndef TAPESOCK_MSGMAN_H
#define TAPESOCK_MSGMAN_H

#include <stdio.h>

/* Write the whole page in troff (man macros); deterministic output. */
void	msgman_write(FILE *);

#endif
