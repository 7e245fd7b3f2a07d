/*
 * mkseeds.c — writes the seeds of the fuzz targets that are made by
 * the library itself, so that they are what tapesock really writes:
 *
 *   spool/    segments spool_open/spool_take/spool_mark wrote (with
 *             the flags byte of fuzz_spool.c before them), and a
 *             version 1 (little-endian) segment;
 *   instate/  a state file instate_open/instate_write wrote, and one
 *             of the earlier text format;
 *   logs/     a ts.log of tslog_ring_append, a ts.log,log of
 *             plog_append, and the two in one file.
 *
 * Usage: fuzz_mkseeds CORPUS_DIR (test/fuzz/corpus); `make fuzz-seeds`.
 * It works in a temporary directory it removes.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "instate.h"
#include "log.h"
#include "spool.h"
#include "util.h"

int	main(int, char **);

static char	tmp[256];
static const char *corpus;

static void
die(const char *what, const char *why)
{
	fprintf(stderr, "fuzz_mkseeds: %s: %s\n", what, why);
	exit(1);
}

static void
put(const char *sub, const char *name, const void *pre, size_t plen,
    const void *p, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", corpus, sub);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", corpus, sub, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    (plen > 0 && fwrite(pre, 1, plen, f) != plen) ||
	    (n > 0 && fwrite(p, 1, n, f) != n) || fclose(f) != 0)
		die(path, strerror(errno));
}

static void
slurp(const char *path, char **buf, size_t *len)
{
	if (read_file(path, buf, len) < 0)
		die(path, strerror(errno));
}

/* Remove the plain files of dir, then dir. */
static void
rmtree(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (unlink(path) < 0)
				rmtree(path);
		}
	closedir(d);
	rmdir(dir);
}

static void
seeds_spool(void)
{
	static const uint8_t stream[HELLO_STREAM_LEN] = "tapesock-stream";
	uint8_t flags, v1[SPOOL_SEG_HDR + SPOOL_REC_HDR + 5];
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;
	char dir[512], path[600], *buf;
	size_t len;
	int fds[2], i;

	snprintf(dir, sizeof(dir), "%s/s.spool", tmp);
	if (spool_open(&sp, dir, stream, 0, 64 << 20, 0, &rep, &err) < 0)
		die("spool_open", err.msg);
	if (pipe(fds) < 0)
		die("pipe", strerror(errno));
	for (i = 0; i < 3; i++) {
		if (write(fds[1], "block of a tape file\n", 21) != 21)
			die("pipe", strerror(errno));
		if (spool_take(&sp, fds[0], 4096, &err) != 21)
			die("spool_take", err.msg);
	}
	if (spool_mark(&sp, &err) < 0 || spool_flush(&sp, &err) < 0)
		die("spool_mark", err.msg);
	close(fds[0]);
	close(fds[1]);
	spool_close(&sp);
	snprintf(path, sizeof(path), "%s/%020d.seg", dir, 1);
	slurp(path, &buf, &len);
	flags = 0;
	put("spool", "seg-v2", &flags, 1, buf, len);
	flags = 0x02;		/* this machine's: a torn tail is completed */
	put("spool", "seg-v2-boot", &flags, 1, buf, len);
	/* Cut inside the last record: recovery's case. */
	flags = 0x03;
	put("spool", "seg-v2-torn", &flags, 1, buf, len - 3);
	free(buf);

	/* Version 1: little-endian; the target computes its CRCs. */
	memset(v1, 0, sizeof(v1));
	memcpy(v1, "TSSPOOL1", 8);
	le32_put(v1 + 8, 1);
	le64_put(v1 + 16, 7);
	memcpy(v1 + 24, stream, sizeof(stream));
	le32_put(v1 + SPOOL_SEG_HDR, 0x31525354u);
	v1[SPOOL_SEG_HDR + 4] = FT_DATA;
	le64_put(v1 + SPOOL_SEG_HDR + 8, 7);
	le32_put(v1 + SPOOL_SEG_HDR + 16, 5);
	memcpy(v1 + SPOOL_SEG_HDR + SPOOL_REC_HDR, "hello", 5);
	flags = 0x01;
	put("spool", "seg-v1", &flags, 1, v1, sizeof(v1));
	rmtree(dir);
}

static void
seeds_instate(void)
{
	struct instate_file f;
	struct instate st;
	struct errbuf why;
	char path[512], *buf;
	size_t len, i;
	static const char text[] =
	    "stream 00112233445566778899aabbccddeeff\nlast 41\n";

	snprintf(path, sizeof(path), "%s/in.state", tmp);
	if (instate_open(&f, path, &why) < 0)
		die("instate_open", why.msg);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < HELLO_STREAM_LEN; i++)
		st.stream[i] = (uint8_t)(i * 13 + 1);
	st.last = 41;
	st.writing = 42;
	st.done = 1000;
	if (instate_write(&f, &st, &why) < 0)
		die("instate_write", why.msg);
	st.last = 42;
	st.writing = st.done = 0;
	st.lost = 2;
	st.flags = INSTATE_EXACT;
	if (instate_write(&f, &st, &why) < 0)
		die("instate_write", why.msg);
	instate_close(&f);
	slurp(path, &buf, &len);
	put("instate", "state-two-records", NULL, 0, buf, len);
	put("instate", "state-one-page", NULL, 0, buf, INSTATE_SLOT);
	free(buf);
	unlink(path);
	put("instate", "state-text", NULL, 0, text, sizeof(text) - 1);
}

static void
seeds_logs(void)
{
	struct trace_entry e;
	struct timespec ts = { 1700000000, 123000000 };
	char ring[512], plog[512], *a, *b, *both;
	size_t alen, blen;

	snprintf(ring, sizeof(ring), "%s/%s", tmp, TSLOG_FILE);
	snprintf(plog, sizeof(plog), "%s/%s", tmp, PLOG_FILE);
	memset(&e, 0, sizeof(e));
	e.when = ts;
	snprintf(e.server, sizeof(e.server), "prod");
	e.type = 's';
	e.status = 'R';
	e.msgnum = 12;
	snprintf(e.code, sizeof(e.code), "SRV");
	e.number = 3;
	snprintf(e.text, sizeof(e.text), "link up to backup:3000");
	if (tslog_ring_append(ring, &e, 100) < 0)
		die(ring, strerror(errno));
	snprintf(e.server, sizeof(e.server), "backup");
	e.type = 'r';
	e.status = 'E';
	e.number = 17;
	snprintf(e.text, sizeof(e.text), "tab\there, backslash \\ and\nnewline");
	if (tslog_ring_append(ring, &e, 100) < 0)
		die(ring, strerror(errno));
	snprintf(e.server, sizeof(e.server), "prod");
	e.type = '-';
	e.status = 'C';
	e.msgnum = 0;
	snprintf(e.code, sizeof(e.code), "CLI");
	snprintf(e.text, sizeof(e.text), "stop");
	if (tslog_ring_append(ring, &e, 100) < 0)
		die(ring, strerror(errno));
	if (plog_append(plog, &ts, "SRV", 3, MT_NOTICE, "server prod started")
	    < 0 || plog_append(plog, &ts, "SPL", 12, MT_ERROR,
	    "spool: cannot write\n\\a line with a backslash\n====") < 0 ||
	    plog_append(plog, &ts, "SRV", 99, MT_FATAL, "") < 0)
		die(plog, strerror(errno));
	slurp(ring, &a, &alen);
	slurp(plog, &b, &blen);
	put("logs", "ts.log", NULL, 0, a, alen);
	put("logs", "ts.log,log", NULL, 0, b, blen);
	both = xmalloc(alen + blen);
	memcpy(both, b, blen);
	memcpy(both + blen, a, alen);
	put("logs", "both", NULL, 0, both, alen + blen);
	free(both);
	free(a);
	free(b);
	unlink(ring);
	unlink(plog);
}

int
main(int argc, char **argv)
{
	const char *t = getenv("TMPDIR");

	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
		return 2;
	}
	corpus = argv[1];
	snprintf(tmp, sizeof(tmp), "%s/tapesock-seeds.XXXXXX",
	    t != NULL && *t == '/' && strlen(t) < 200 ? t : "/tmp");
	if (mkdtemp(tmp) == NULL)
		die(tmp, strerror(errno));
	seeds_spool();
	seeds_instate();
	seeds_logs();
	rmtree(tmp);
	return 0;
}
