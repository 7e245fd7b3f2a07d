/*
 * fuzz_cli.c — libFuzzer target of the command line's parsing
 * (tapesock/cli.c, ask.c): words, keywords and options of
 * `tape-socket`, the answers to `keyword=?` prompts and the remembered
 * values of `keyword=.`, without running any command.
 *
 * Input: three parts separated by two NUL bytes:
 *   1. the arguments after the program name, one NUL between words;
 *   2. what the terminal answers the prompts (read_line);
 *   3. the home's last-values file.
 * cli_parse reads the words; when it accepts them, cli_resolve answers
 * the prompts (output to /dev/null) and the `.` values from the home
 * (the target's temporary directory) and validates every value; a
 * request resolved is remembered (lastval_save, as after a command
 * that succeeded) and every value must then come back as remembered.
 */
#include "cli.h"
#include "fuzz.h"

#define ARGS_MAX	64

static char	home[300], lastpath[400];
static FILE	*devnull;

/* The part of p[0..n) from *off to the next "\0\0" (or the end). */
static size_t
part(const uint8_t *p, size_t n, size_t *off, const uint8_t **start)
{
	size_t i = *off;

	*start = p + i;
	while (i < n && !(p[i] == '\0' && i + 1 < n && p[i + 1] == '\0'))
		i++;
	*off = i + 2 < n ? i + 2 : n;
	return (size_t)(*start - p) <= i ? i - (size_t)(*start - p) : 0;
}

static void
fuzz_resolve(struct request *req, const uint8_t *in, size_t inlen)
{
	struct errbuf err;
	FILE *fin;
	char *v;
	int k, r;

	fin = inlen > 0 ? fmemopen((void *)(uintptr_t)in, inlen, "r") :
	    fopen("/dev/null", "r");
	if (fin == NULL)
		return;
	err.msg[0] = '\0';
	r = cli_resolve(req, home, fin, devnull, &err);
	fclose(fin);
	FUZZ_CHECK(r == 0 || r == EXIT_USAGE || r == EXIT_FAILED);
	if (r != 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		return;
	}
	for (k = 0; k < KW__COUNT; k++)
		FUZZ_CHECK(req->raw[k] == NULL || req->val[k] != NULL ||
		    (k == KW_SERVER && req->raw[k][0] == '\0'));
	if (lastval_save(home, req) < 0)
		return;
	for (k = 0; k < KW__COUNT; k++) {
		if (req->val[k] == NULL)
			continue;
		v = lastval_get(home, (enum kw)k);
		FUZZ_CHECK(v != NULL && strcmp(v, req->raw[k]) == 0);
		free(v);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();

	if (dir == NULL)
		return 0;
	snprintf(home, sizeof(home), "%s", dir);
	snprintf(lastpath, sizeof(lastpath), "%s/last-values", dir);
	devnull = fopen("/dev/null", "w");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *words, *in, *last;
	size_t off = 0, wlen, inlen, lastlen, i, start;
	struct request req;
	struct errbuf err;
	char *argv[ARGS_MAX], *buf;
	int argc = 0, r;

	if (devnull == NULL)
		return 0;
	wlen = part(data, size, &off, &words);
	inlen = part(data, size, &off, &in);
	lastlen = part(data, size, &off, &last);
	if (fuzz_write(lastpath, last, lastlen) < 0 ||
	    (buf = fuzz_str(words, wlen)) == NULL)
		return 0;
	for (i = 0, start = 0; i <= wlen && argc < ARGS_MAX; i++)
		if (i == wlen || buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	err.msg[0] = '\0';
	r = cli_parse(argc, argv, &req, &err);
	FUZZ_CHECK(r == 0 || r == EXIT_USAGE);
	if (r == 0) {
		FUZZ_CHECK(req.cmd < CMD__COUNT && cli_cmd(req.cmd) != NULL);
		FUZZ_CHECK(req.norder <= KW__COUNT);
		fuzz_resolve(&req, in, inlen);
	} else
		FUZZ_CHECK(err.msg[0] != '\0');
	cli_request_free(&req);
	free(buf);
	return 0;
}
