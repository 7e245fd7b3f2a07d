/*
 * fuzz_keyword.c — libFuzzer target of the keyword checks
 * (tapesock/keyword.c): kw_check for every keyword, at both depths,
 * and kw_check_server on the values accepted.
 *
 * The input is records "K value\0": the byte K picks the keyword
 * (K % KW__COUNT) and the depth (KWC_FULL when K / KW__COUNT is odd:
 * it looks at files and users, never changes them).  Every value
 * accepted must be accepted again, normalized, with the same
 * normalization; sizes and polls must convert.
 */
#include "keyword.h"
#include "fuzz.h"

static void
fuzz_value(enum kw k, enum kwcheck depth, const char *v, char *val[])
{
	struct errbuf err;
	char *norm, *again;
	uint64_t n, s;
	char hms[32];

	err.msg[0] = '\0';
	if (kw_check(k, v, depth, &norm, &err) < 0) {
		FUZZ_CHECK(norm == NULL && err.msg[0] != '\0');
		return;
	}
	FUZZ_CHECK(norm != NULL);
	FUZZ_CHECK(kw_check(k, norm, depth, &again, &err) == 0);
	FUZZ_CHECK(strcmp(norm, again) == 0);
	free(again);
	if (k == KW_SPOOLMAX || k == KW_LOGMAX)
		FUZZ_CHECK(kw_size_bytes(norm, &n) == 0);
	if (k == KW_POLL) {
		FUZZ_CHECK(kw_poll_seconds(norm, &n) == 0);
		kw_poll_format(n, hms, sizeof(hms));
		if (n < 100 * 3600)
			FUZZ_CHECK(kw_poll_seconds(hms, &s) == 0 && s == n);
	}
	free(val[k]);
	val[k] = norm;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *val[KW__COUNT] = { NULL }, *v;
	struct errbuf err;
	size_t off = 0, end, i;
	unsigned sel;

	while (off < size) {
		sel = data[off++];
		for (end = off; end < size && data[end] != '\0'; end++)
			;
		if ((v = fuzz_str(data + off, end - off)) == NULL)
			break;
		fuzz_value((enum kw)(sel % KW__COUNT), (sel / KW__COUNT) & 1 ?
		    KWC_FULL : KWC_SYNTAX, v, val);
		free(v);
		off = end + 1;
	}
	err.msg[0] = '\0';
	if (kw_check_server(val, &err) < 0)
		FUZZ_CHECK(err.msg[0] != '\0');
	for (i = 0; i < KW__COUNT; i++)
		free(val[i]);
	return 0;
}
