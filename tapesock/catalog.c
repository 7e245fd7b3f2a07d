/*
 * catalog.c — the message catalogue: the functions that look entries up
 * and render them.  The entries are tapesock/messages.txt, from which
 * mkcatalog generates the table (catalog_table.c in the build
 * directory) and enum msgid.
 *
 * Numbers are stable: an entry keeps its (code, number) for ever and a
 * retired number is never given to another message.  New messages take
 * the next free number of their component.  The TS and SA texts are the
 * reference manual's words, so that operators of the old system
 * recognise them; test/data/seed-messages.txt lists them.
 *
 * The fmt strings are the contract with every caller, and the compiler
 * cannot check arguments against a format taken from a table: mkcatalog
 * accepts only plain conversions and writes each entry's arguments
 * beside its MSG_ constant, and into catalog_sig.h for the unit tests.
 */
#include <syslog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"

/* Generated from messages.txt (catalog_table.c). */
extern const struct msgdef catalog_table[MSG__COUNT];

const struct msgdef *
catalog_get(enum msgid id)
{
	if ((unsigned)id >= MSG__COUNT)
		return NULL;
	return &catalog_table[id];
}

size_t
catalog_count(void)
{
	return MSG__COUNT;
}

const struct msgdef *
catalog_by_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < MSG__COUNT; i++)
		if (catalog_table[i].name != NULL &&
		    strcmp(catalog_table[i].name, name) == 0)
			return &catalog_table[i];
	return NULL;
}

const struct msgdef *
catalog_by_code(const char *code, int number)
{
	size_t i;

	if (code == NULL)
		return NULL;
	for (i = 0; i < MSG__COUNT; i++)
		if (catalog_table[i].code != NULL &&
		    catalog_table[i].number == number &&
		    strcmp(catalog_table[i].code, code) == 0)
			return &catalog_table[i];
	return NULL;
}

const char *
msgtype_name(enum msgtype t)
{
	switch (t) {
	case MT_NOTICE:
		return "NOTICE";
	case MT_WARNING:
		return "WARNING";
	case MT_ERROR:
		return "ERROR";
	case MT_FATAL:
		return "FATAL ERROR";
	}
	return "ERROR";
}

char *
msg_vformat(char *buf, size_t size, enum msgid id, va_list ap)
{
	const struct msgdef *m = catalog_get(id);

	if (size == 0)
		return buf;
	if (m == NULL || m->fmt == NULL) {
		snprintf(buf, size, "unknown message %d", (int)id);
		return buf;
	}
	/* The format comes from the table; its arguments are pinned by
	 * the catalogue's unit test instead of the compiler. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(buf, size, m->fmt, ap);
#pragma GCC diagnostic pop
	return buf;
}

char *
msg_format(char *buf, size_t size, enum msgid id, ...)
{
	va_list ap;

	va_start(ap, id);
	msg_vformat(buf, size, id, ap);
	va_end(ap);
	return buf;
}

void
msg_err(enum msgid id, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, id);
	msg_vformat(buf, sizeof(buf), id, ap);
	va_end(ap);
	msg_err_line(buf);
}

/*
 * One message is one line: a value that holds a newline or an escape
 * sequence (given on the command line, read from a file) is shown as
 * \n, \t, \r or \ooo, never raw.
 */
static void
one_line(FILE *f, const char *prefix, const char *text)
{
	const unsigned char *p;

	fputs(prefix, f);
	for (p = (const unsigned char *)text; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			putc(*p, f);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p == '\r')
			fputs("\\r", f);
		else
			fprintf(f, "\\%03o", *p);
	}
	putc('\n', f);
}

void
msg_err_line(const char *text)
{
	one_line(stderr, "tape-socket: ", text);
}

void
msg_out(int quiet, enum msgid id, ...)
{
	char buf[4096];
	va_list ap;

	if (quiet)
		return;
	va_start(ap, id);
	msg_vformat(buf, sizeof(buf), id, ap);
	va_end(ap);
	one_line(stdout, "", buf);
}
