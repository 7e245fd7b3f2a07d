/*
 * fuzz_logs.c — libFuzzer target of the parsers of the two logs: the
 * permanent log ts.log,log (log.c: plog_parse, plog_read) and the
 * trace ring ts.log (ring.c: tslog_ring_read, _tail, _last, and the
 * parse of every line a compaction does), with logfmt.c under both.
 *
 * The input is a log file.  plog_parse reads it from memory, plog_read
 * and the ring's readers from the file it is written to in the
 * target's temporary directory.  The first trace entries read are
 * appended to a second ring (tslog_ring_append), which must read back
 * the same; then a ring of the first entry's server compacts the file
 * to the number of entries the first byte says, which must leave it
 * readable.
 */
#include "log.h"
#include "fuzz.h"

#define ROUNDTRIP_MAX	16

static char	ringpath[300], copypath[300], plogpath[300];

static void
fuzz_plog(const uint8_t *data, size_t size)
{
	struct plog_record *v, *w;
	size_t n, bad, n2, bad2, i;

	if (plog_parse((const char *)data, size, &v, &n, &bad) < 0)
		return;
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(v[i].text != NULL);
		FUZZ_CHECK(strlen(v[i].stamp) == 23 && v[i].number >= 0);
	}
	if (fuzz_write(plogpath, data, size) == 0 &&
	    plog_read(plogpath, &w, &n2, &bad2) == 0) {
		/* read_file ends the text with a NUL: the same records. */
		FUZZ_CHECK(n2 == n && bad2 == bad);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(strcmp(v[i].text, w[i].text) == 0);
		plog_free(w, n2);
	}
	plog_free(v, n);
}

static int
same_entry(const struct trace_entry *a, const struct trace_entry *b)
{
	return strcmp(a->server, b->server) == 0 && a->type == b->type &&
	    a->status == b->status && a->msgnum == b->msgnum &&
	    strcmp(a->code, b->code) == 0 && a->number == b->number &&
	    strcmp(a->text, b->text) == 0 &&
	    a->when.tv_nsec == b->when.tv_nsec;
}

static void
fuzz_ring(const uint8_t *data, size_t size)
{
	struct trace_entry *v, *w, last;
	struct tslog_ring r;
	size_t n, n2, i, k;
	const char *server;

	if (fuzz_write(ringpath, data, size) < 0 ||
	    tslog_ring_read(ringpath, &v, &n) < 0)
		return;
	FUZZ_CHECK((n == 0) == (v == NULL));
	server = n > 0 ? v[0].server : "prod";
	if (tslog_ring_tail(ringpath, server, 4, &w, &n2) == 0) {
		FUZZ_CHECK(n2 <= 4 && (n2 == 0 || n > 0));
		for (i = 0; i < n2; i++)
			FUZZ_CHECK(strcmp(w[i].server, server) == 0);
		if (tslog_ring_last(ringpath, server, &last) == 1)
			FUZZ_CHECK(n2 > 0 && same_entry(&last, &w[n2 - 1]));
		free(w);
	}
	k = n < ROUNDTRIP_MAX ? n : ROUNDTRIP_MAX;
	unlink(copypath);
	for (i = 0; i < k; i++)
		if (tslog_ring_append(copypath, &v[i], 1000) < 0)
			break;
	if (i == k && k > 0 && tslog_ring_read(copypath, &w, &n2) == 0) {
		FUZZ_CHECK(n2 == k);
		for (i = 0; i < k; i++)
			FUZZ_CHECK(same_entry(&v[i], &w[i]));
		free(w);
	}
	if (tslog_ring_open(&r, ringpath, server) == 0) {
		if (tslog_ring_compact(&r, size > 0 ? data[0] % 8 : 0) == 0)
			FUZZ_CHECK(tslog_ring_read(ringpath, &w, &n2) == 0);
		else
			w = NULL;
		free(w);
		tslog_ring_close(&r);
	}
	free(v);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();

	if (dir == NULL)
		return 0;
	snprintf(ringpath, sizeof(ringpath), "%s/%s", dir, TSLOG_FILE);
	snprintf(copypath, sizeof(copypath), "%s/copy.log", dir);
	snprintf(plogpath, sizeof(plogpath), "%s/%s", dir, PLOG_FILE);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (ringpath[0] == '\0')
		return 0;
	fuzz_plog(data, size);
	fuzz_ring(data, size);
	return 0;
}
