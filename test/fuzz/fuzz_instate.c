/*
 * fuzz_instate.c — libFuzzer target of the input server's state file
 * (tapesock/instate.c): the input is a whole file image.
 *
 * instate_parse reads it from memory (both records, or the earlier
 * text format); a state it accepts must encode into a record that
 * decodes to the same state.  Then the image is written as the state
 * file of the target's temporary directory and opened as a starting
 * server opens it (instate_open: a short or text file is rewritten);
 * a state opened must be the one parsed, and one update written must
 * be what the next open finds.
 */
#include "instate.h"
#include "fuzz.h"

static char	statepath[300];

static int
same(const struct instate *a, const struct instate *b)
{
	return a->flags == b->flags && a->last == b->last &&
	    a->writing == b->writing && a->done == b->done &&
	    a->lost == b->lost &&
	    memcmp(a->stream, b->stream, sizeof(a->stream)) == 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();

	if (dir != NULL)
		snprintf(statepath, sizeof(statepath), "%s/in.state", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t rec[INSTATE_REC];
	struct instate st, dec, next;
	struct instate_file f;
	struct errbuf why;
	int r, o;

	why.msg[0] = '\0';
	r = instate_parse(data, size, &st, &why);
	FUZZ_CHECK(r >= -1 && r <= 1);
	if (r < 0)
		FUZZ_CHECK(why.msg[0] != '\0');
	else {
		FUZZ_CHECK(st.last < FRAME_MSGNUM_MAX);
		instate_encode(&st, rec);
		FUZZ_CHECK(instate_decode(rec, sizeof(rec), &dec) == 0);
		FUZZ_CHECK(same(&st, &dec) && dec.seq == st.seq);
	}
	if (statepath[0] == '\0' || fuzz_write(statepath, data, size) < 0)
		return 0;
	o = instate_open(&f, statepath, &why);
	FUZZ_CHECK(o == r);
	if (o < 0)
		return 0;
	FUZZ_CHECK(same(&f.st, &st));
	next = f.st;
	if (next.last + 1 < FRAME_MSGNUM_MAX) {
		next.last++;
		next.writing = next.done = 0;
	}
	r = instate_write(&f, &next, &why);
	instate_close(&f);
	if (r < 0)
		return 0;
	FUZZ_CHECK(instate_open(&f, statepath, &why) == 0);
	FUZZ_CHECK(same(&f.st, &next));
	instate_close(&f);
	return 0;
}
