/*
 * mkcatalog.c — generate the message catalogue's C from messages.txt.
 *
 *	mkcatalog tapesock/messages.txt OUTDIR
 *
 * writes OUTDIR/catalog_ids.h (enum msgid, included by catalog.h),
 * OUTDIR/catalog_table.c (the table catalog.c looks entries up in) and
 * OUTDIR/catalog_sig.h (the printf conversions of each Format, which
 * the unit tests hold the table to).  The format of messages.txt is
 * described at its top.
 *
 * A program of the build host on its own, not linked with the library
 * whose sources it writes.  It reads the whole file and reports every
 * error as file:line before it writes anything; a file is replaced only
 * when its contents change, so that editing a Meaning recompiles the
 * table and not every object that includes catalog.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_ERRORS	20

/* The fields of a record, in the order the file gives them. */
enum field {
	F_NAME, F_CODE, F_NUMBER, F_SEVERITY, F_TYPE, F_FLAGS, F_TEXT,
	F_FORMAT, F_MEANING, F_ACTION, F__COUNT
};

static const char *const fieldnames[F__COUNT] = {
	"Name", "Code", "Number", "Severity", "Type", "Flags", "Text",
	"Format", "Meaning", "Action",
};

/* Adding a component means adding it here and to msgman.c's sections. */
static const char *const components[] = {
	"TS", "SA", "SRV", "SPL", "TSD", "CLI", "CFG", "LOG",
};

/* syslog(3) levels, in the order of their values. */
static const char *const severities[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};
static const char *const severity_macros[] = {
	"LOG_EMERG", "LOG_ALERT", "LOG_CRIT", "LOG_ERR", "LOG_WARNING",
	"LOG_NOTICE", "LOG_INFO", "LOG_DEBUG",
};

/* enum msgtype of catalog.h. */
static const char *const types[] = { "notice", "warning", "error", "fatal" };
static const char *const type_macros[] = {
	"MT_NOTICE", "MT_WARNING", "MT_ERROR", "MT_FATAL",
};

/* The MSGF_* of catalog.h. */
static const char *const flagnames[] = { "seed", "noperm", "once", "verbose" };
static const char *const flag_macros[] = {
	"MSGF_SEED", "MSGF_NOPERM", "MSGF_ONCE", "MSGF_VERBOSE",
};

struct record {
	unsigned	 line;			/* of its first field */
	unsigned	 fline[F__COUNT];	/* 0: field absent */
	char		*val[F__COUNT];		/* owned */
	int		 number, severity, type;
	unsigned	 flags;
	char		 sig[64];		/* conversions of Format */
};

static const char	*srcpath;
static int		 nerrors;

static void
errorx(unsigned line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%u: ", srcpath, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (++nerrors >= MAX_ERRORS) {
		fprintf(stderr, "%s: too many errors\n", srcpath);
		exit(EXIT_FAILURE);
	}
}

static void *
xrealloc(void *p, size_t size)
{
	if ((p = realloc(p, size)) == NULL) {
		perror("mkcatalog");
		exit(EXIT_FAILURE);
	}
	return p;
}

static char *
xstrdup(const char *s)
{
	return strcpy(xrealloc(NULL, strlen(s) + 1), s);
}

static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Append s to the value of a field, after a space if not the first. */
static void
append(char **val, const char *s)
{
	size_t old = *val != NULL ? strlen(*val) : 0;

	*val = xrealloc(*val, old + strlen(s) + 2);
	if (old > 0)
		(*val)[old++] = ' ';
	strcpy(*val + old, s);
}

/*
 * The conversions of a printf format, e.g. "s,lu,lu,s", into sig; only
 * those whose argument type is plain (no *, no %n, no positions).
 * Returns NULL or what is wrong.
 */
static const char *
fmt_signature(const char *fmt, char *sig, size_t size)
{
	static const char *const lengths[] = {
		"", "hh", "h", "l", "ll", "z", "j", "t",
	};
	const char *p;
	char len[3];
	size_t used = 0, n;

	sig[0] = '\0';
	for (p = fmt; (p = strchr(p, '%')) != NULL; ) {
		p++;
		if (*p == '%') {
			p++;
			continue;
		}
		p += strspn(p, "-+ #0");
		p += strspn(p, "0123456789");
		if (*p == '.') {
			p++;
			p += strspn(p, "0123456789");
		}
		if (*p == '*')
			return "'*' takes its width from the arguments";
		n = strspn(p, "hlzjt");
		if (n > 2)
			return "unknown length modifier";
		memcpy(len, p, n);
		len[n] = '\0';
		if (lookup(lengths, ARRAY_LEN(lengths), len) < 0)
			return "unknown length modifier";
		p += n;
		if (*p == '\0')
			return "'%' at the end (write %% for a percent sign)";
		if (strchr("diuxX", *p) == NULL && (n > 0 ||
		    strchr("csf", *p) == NULL))
			return "conversion other than %s %c %d %i %u %x %X %f "
			    "(with h hh l ll z j t on the integers)";
		if (used + n + 3 > size)
			return "too many conversions";
		if (used > 0)
			sig[used++] = ',';
		memcpy(sig + used, len, n);
		used += n;
		sig[used++] = *p++;
		sig[used] = '\0';
	}
	return NULL;
}

static int
parse_number(const char *s)
{
	int n = 0;

	if (*s < '1' || *s > '9' || strlen(s) > 4)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n;
}

static int
is_name(const char *s)
{
	if (*s < 'A' || *s > 'Z')
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
	    strlen(s) && strlen(s) < 48;
}

/* Check one record's fields on their own; fill its parsed values. */
static void
check_record(struct record *r)
{
	char *flags, *w, *save = NULL;
	const char *why;
	size_t len;
	int f, i;

	for (f = 0; f < F__COUNT; f++)
		if (r->val[f] == NULL && f != F_FLAGS)
			errorx(r->line, "record %s has no %s:", r->val[F_NAME] ?
			    r->val[F_NAME] : "(unnamed)", fieldnames[f]);
		else if (r->val[f] != NULL && *r->val[f] == '\0')
			errorx(r->fline[f], "%s: is empty", fieldnames[f]);
	if (r->val[F_NAME] != NULL && !is_name(r->val[F_NAME]))
		errorx(r->fline[F_NAME], "Name: '%s' is not an upper case "
		    "symbol (A-Z, 0-9, _)", r->val[F_NAME]);
	if (r->val[F_CODE] != NULL) {
		len = strlen(r->val[F_CODE]);
		if (lookup(components, ARRAY_LEN(components),
		    r->val[F_CODE]) < 0)
			errorx(r->fline[F_CODE], "Code: unknown component "
			    "'%s'", r->val[F_CODE]);
		else if (r->val[F_NAME] != NULL &&
		    (strncmp(r->val[F_NAME], r->val[F_CODE], len) != 0 ||
		    r->val[F_NAME][len] != '_' ||
		    r->val[F_NAME][len + 1] == '\0'))
			errorx(r->fline[F_NAME], "Name: %s does not start "
			    "with %s_", r->val[F_NAME], r->val[F_CODE]);
	}
	if (r->val[F_NUMBER] != NULL &&
	    (r->number = parse_number(r->val[F_NUMBER])) < 0)
		errorx(r->fline[F_NUMBER], "Number: '%s' is not a number from "
		    "1 to 9999", r->val[F_NUMBER]);
	if (r->val[F_SEVERITY] != NULL && (r->severity = lookup(severities,
	    ARRAY_LEN(severities), r->val[F_SEVERITY])) < 0)
		errorx(r->fline[F_SEVERITY], "Severity: '%s' is not one of "
		    "emerg alert crit err warning notice info debug",
		    r->val[F_SEVERITY]);
	if (r->val[F_TYPE] != NULL && (r->type = lookup(types,
	    ARRAY_LEN(types), r->val[F_TYPE])) < 0)
		errorx(r->fline[F_TYPE], "Type: '%s' is not one of notice "
		    "warning error fatal", r->val[F_TYPE]);
	if (r->val[F_FLAGS] != NULL) {
		flags = xstrdup(r->val[F_FLAGS]);
		for (w = strtok_r(flags, " ", &save); w != NULL;
		    w = strtok_r(NULL, " ", &save)) {
			if ((i = lookup(flagnames, ARRAY_LEN(flagnames),
			    w)) < 0)
				errorx(r->fline[F_FLAGS], "Flags: unknown flag "
				    "'%s' (seed noperm once verbose)", w);
			else if (r->flags & (1u << i))
				errorx(r->fline[F_FLAGS], "Flags: '%s' twice",
				    w);
			else
				r->flags |= 1u << i;
		}
		free(flags);
	}
	if (r->val[F_FORMAT] != NULL && (why = fmt_signature(r->val[F_FORMAT],
	    r->sig, sizeof(r->sig))) != NULL)
		errorx(r->fline[F_FORMAT], "Format: %s", why);
}

/* What only the whole file can tell: identities, numbering, texts. */
static void
check_catalogue(struct record *recs, size_t n)
{
	struct record *a, *b, *prev;
	size_t i, j;

	for (i = 0; i < n; i++) {
		a = &recs[i];
		if (a->val[F_NAME] == NULL || a->val[F_CODE] == NULL ||
		    a->val[F_TEXT] == NULL || a->number < 1)
			continue;
		prev = NULL;
		for (j = 0; j < i; j++) {
			b = &recs[j];
			if (b->val[F_NAME] == NULL || b->val[F_CODE] == NULL ||
			    b->val[F_TEXT] == NULL || b->number < 1)
				continue;
			if (strcmp(a->val[F_NAME], b->val[F_NAME]) == 0)
				errorx(a->fline[F_NAME], "Name: %s already at "
				    "line %u", a->val[F_NAME], b->line);
			if (strcmp(a->val[F_CODE], b->val[F_CODE]) != 0)
				continue;
			if (a->number == b->number)
				errorx(a->fline[F_NUMBER], "Number: (%s, %d) "
				    "already given to %s at line %u",
				    a->val[F_CODE], a->number, b->val[F_NAME],
				    b->line);
			if (strcmp(a->val[F_TEXT], b->val[F_TEXT]) == 0)
				errorx(a->fline[F_TEXT], "Text: the same as %s "
				    "at line %u", b->val[F_NAME], b->line);
			prev = b;
		}
		if (prev != NULL && a->number < prev->number)
			errorx(a->fline[F_NUMBER], "Number: (%s, %d) after "
			    "(%s, %d) at line %u; numbers increase down the "
			    "file", a->val[F_CODE], a->number,
			    prev->val[F_CODE], prev->number, prev->line);
	}
}

/* Finish the record being read, if any. */
static void
end_record(struct record **recs, size_t *n, struct record *cur)
{
	if (cur->line == 0)
		return;
	check_record(cur);
	*recs = xrealloc(*recs, (*n + 1) * sizeof(**recs));
	(*recs)[(*n)++] = *cur;
	memset(cur, 0, sizeof(*cur));
}

static struct record *
read_catalogue(FILE *f, size_t *np)
{
	struct record *recs = NULL, cur;
	char *line = NULL, *colon, *v;
	size_t cap = 0, n = 0, i;
	ssize_t len;
	unsigned lineno = 0;
	int f_last = -1, fi;

	memset(&cur, 0, sizeof(cur));
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#')
			continue;
		if (len == 0) {
			end_record(&recs, &n, &cur);
			f_last = -1;
			continue;
		}
		for (i = 0; i < (size_t)len; i++)
			if ((unsigned char)line[i] > '~' || (line[i] < ' ' &&
			    line[i] != '\t'))
				break;
		if (i < (size_t)len) {
			errorx(lineno, "byte 0x%02x: values are printable "
			    "ASCII", (unsigned char)line[i]);
			continue;
		}
		if (line[len - 1] == ' ' || line[len - 1] == '\t') {
			errorx(lineno, "white space at the end of the line");
			continue;
		}
		if (line[0] == ' ' || line[0] == '\t') {
			v = line + strspn(line, " \t");
			if (f_last < 0)
				errorx(lineno, "continuation line outside a "
				    "field");
			else if (strchr(v, '\t') != NULL)
				errorx(lineno, "tab in a value");
			else
				append(&cur.val[f_last], v);
			continue;
		}
		if ((colon = strchr(line, ':')) == NULL) {
			errorx(lineno, "not 'Field: value', a comment (#) or "
			    "a continuation (indented)");
			continue;
		}
		*colon = '\0';
		v = colon + 1 + strspn(colon + 1, " \t");
		if ((fi = lookup(fieldnames, F__COUNT, line)) < 0) {
			errorx(lineno, "unknown field '%s'", line);
			f_last = -1;
			continue;
		}
		if (strchr(v, '\t') != NULL)
			errorx(lineno, "tab in a value");
		if (cur.line == 0)
			cur.line = lineno;
		if (cur.fline[fi] != 0) {
			errorx(lineno, "%s: twice in a record (line %u)",
			    line, cur.fline[fi]);
		} else if (fi <= f_last) {
			errorx(lineno, "%s: after %s; the fields go Name Code "
			    "Number Severity Type Flags Text Format Meaning "
			    "Action", line, fieldnames[f_last]);
		} else if (fi != F_NAME && cur.fline[F_NAME] == 0) {
			errorx(lineno, "%s: a record starts with Name:", line);
		}
		cur.fline[fi] = lineno;
		append(&cur.val[fi], v);
		f_last = fi;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: %s\n", srcpath, strerror(errno));
		exit(EXIT_FAILURE);
	}
	free(line);
	end_record(&recs, &n, &cur);
	if (n == 0)
		errorx(lineno, "no message");
	check_catalogue(recs, n);
	*np = n;
	return recs;
}

/* s as the body of a C string literal. */
static void
put_cstring(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		/* Keep trigraphs (??x) from being seen at all. */
		if (*s == '?' && s[1] == '?')
			fputs("?\\", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* s inside a C comment. */
static void
put_comment_text(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		fputc(*s, f);
		if ((*s == '*' && s[1] == '/') || (*s == '/' && s[1] == '*'))
			fputc(' ', f);
	}
}

static void
put_banner(FILE *f, const char *what)
{
	fprintf(f, "/*\n * %s\n * Generated by mkcatalog from %s: do not "
	    "edit, edit that file.\n */\n", what, srcpath);
}

static void
write_ids(FILE *f, const struct record *recs, size_t n)
{
	size_t i;

	put_banner(f, "catalog_ids.h — enum msgid, one MSG_<Name> per "
	    "message, in the file's order.");
	fputs("#ifndef TAPESOCK_CATALOG_IDS_H\n#define TAPESOCK_CATALOG_IDS_H"
	    "\n\n/* Each comment: (Code, Number) (arguments) Format. */\n"
	    "enum msgid {\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "\tMSG_%s,\t/* (%s, %d) (%s) ", recs[i].val[F_NAME],
		    recs[i].val[F_CODE], recs[i].number, recs[i].sig);
		put_comment_text(f, recs[i].val[F_FORMAT]);
		fputs(" */\n", f);
	}
	fputs("\n\tMSG__COUNT\n};\n\n#endif\n", f);
}

static void
write_table(FILE *f, const struct record *recs, size_t n)
{
	const struct record *r;
	size_t i, j;
	int any;

	put_banner(f, "catalog_table.c — the message catalogue's table, "
	    "looked up by catalog.c.");
	fputs("#include <syslog.h>\n\n#include \"catalog.h\"\n\n"
	    "extern const struct msgdef catalog_table[MSG__COUNT];\n\n"
	    "const struct msgdef catalog_table[MSG__COUNT] = {\n", f);
	for (i = 0; i < n; i++) {
		r = &recs[i];
		fprintf(f, "\t/* %s:%u */\n\t[MSG_%s] = {\n", srcpath, r->line,
		    r->val[F_NAME]);
		fprintf(f, "\t\t.name = \"%s\", .code = \"%s\", .number = %d,"
		    "\n", r->val[F_NAME], r->val[F_CODE], r->number);
		fprintf(f, "\t\t.severity = %s, .type = %s,\n",
		    severity_macros[r->severity], type_macros[r->type]);
		if (r->flags != 0) {
			fputs("\t\t.flags = ", f);
			for (j = 0, any = 0; j < ARRAY_LEN(flag_macros); j++)
				if (r->flags & (1u << j)) {
					fprintf(f, "%s%s", any ? " | " : "",
					    flag_macros[j]);
					any = 1;
				}
			fputs(",\n", f);
		}
		fputs("\t\t.text = ", f);
		put_cstring(f, r->val[F_TEXT]);
		fputs(",\n\t\t.fmt = ", f);
		put_cstring(f, r->val[F_FORMAT]);
		fputs(",\n\t\t.meaning = ", f);
		put_cstring(f, r->val[F_MEANING]);
		fputs(",\n\t\t.action = ", f);
		put_cstring(f, r->val[F_ACTION]);
		fputs(",\n\t},\n", f);
	}
	fputs("};\n", f);
}

static void
write_sigs(FILE *f, const struct record *recs, size_t n)
{
	size_t i;

	put_banner(f, "catalog_sig.h — the printf conversions of each "
	    "message's Format, e.g.\n * \"s,lu\": the arguments its callers "
	    "pass, in order.  For the unit tests.");
	fputs("#ifndef TAPESOCK_CATALOG_SIG_H\n#define TAPESOCK_CATALOG_SIG_H"
	    "\n\n#include \"catalog.h\"\n\n"
	    "static const char *const catalog_signatures[MSG__COUNT] = {\n",
	    f);
	for (i = 0; i < n; i++)
		fprintf(f, "\t[MSG_%s] = \"%s\",\n", recs[i].val[F_NAME],
		    recs[i].sig);
	fputs("};\n\n#endif\n", f);
}

/* Contents of path, or NULL; *lenp its length. */
static char *
slurp(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, got;

	if (f == NULL)
		return NULL;
	for (;;) {
		buf = xrealloc(buf, len + 65536);
		got = fread(buf + len, 1, 65536, f);
		len += got;
		if (got < 65536)
			break;
	}
	if (ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*lenp = len;
	return buf;
}

/*
 * Write dir/name with fn, replacing it (atomically) only if it changes.
 * Two runs at once (make -j) each use their own temporary file.
 */
static int
write_if_changed(const char *dir, const char *name,
    void (*fn)(FILE *, const struct record *, size_t),
    const struct record *recs, size_t n)
{
	char path[4096], tmp[4200];
	char *mem = NULL, *old;
	size_t memlen = 0, oldlen = 0;
	FILE *f;
	int same;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	if ((f = open_memstream(&mem, &memlen)) == NULL)
		return -1;
	fn(f, recs, n);
	if (fclose(f) != 0)
		return -1;
	old = slurp(path, &oldlen);
	same = old != NULL && oldlen == memlen &&
	    memcmp(old, mem, memlen) == 0;
	free(old);
	if (!same) {
		if ((f = fopen(tmp, "w")) == NULL)
			goto fail;
		if (fwrite(mem, 1, memlen, f) != memlen) {
			fclose(f);
			goto fail;
		}
		if (fclose(f) != 0 || rename(tmp, path) != 0)
			goto fail;
	}
	free(mem);
	return 0;
fail:
	fprintf(stderr, "mkcatalog: %s: %s\n", path, strerror(errno));
	unlink(tmp);
	free(mem);
	return -1;
}

int
main(int argc, char *argv[])
{
	struct record *recs;
	size_t n, i;
	FILE *f;
	int f_i, rc = EXIT_SUCCESS;

	if (argc != 3) {
		fprintf(stderr, "usage: mkcatalog messages.txt outdir\n");
		return 2;
	}
	srcpath = argv[1];
	if ((f = fopen(srcpath, "r")) == NULL) {
		fprintf(stderr, "mkcatalog: %s: %s\n", srcpath,
		    strerror(errno));
		return EXIT_FAILURE;
	}
	recs = read_catalogue(f, &n);
	fclose(f);
	if (nerrors > 0)
		rc = EXIT_FAILURE;
	else if (write_if_changed(argv[2], "catalog_ids.h", write_ids, recs,
	    n) != 0 || write_if_changed(argv[2], "catalog_table.c",
	    write_table, recs, n) != 0 || write_if_changed(argv[2],
	    "catalog_sig.h", write_sigs, recs, n) != 0)
		rc = EXIT_FAILURE;
	for (i = 0; i < n; i++)
		for (f_i = 0; f_i < F__COUNT; f_i++)
			free(recs[i].val[f_i]);
	free(recs);
	return rc;
}
