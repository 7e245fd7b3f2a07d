/*
 * fuzz_qinfo.c — libFuzzer target of what the monitoring outputs
 * decode and encode: a server's query answer read by qinfo_parse
 * (status --check, --follow, query --json) and written again as JSON,
 * and any bytes as a JSON string.
 *
 * The input is the answer's text (a NUL ends it).  Whatever it holds,
 * the parse returns 0 or -1 and says why; an answer read must give a
 * complete JSON document; and the JSON of the raw bytes must hold no
 * control character and no byte that is not valid UTF-8.
 */
#include "fuzz.h"
#include "json.h"
#include "qinfo.h"

/* Valid UTF-8 with no byte under 0x20: what a JSON text may hold. */
static int
clean(const unsigned char *p)
{
	size_t n, i;

	while (*p != '\0') {
		if (*p < 0x20)
			return 0;
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
		if (n == 0 || *p > 0xf4)
			return 0;
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errbuf err;
	struct qinfo q;
	struct json j;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err.msg[0] = '\0';
	if (qinfo_parse(text, &q, &err) == 0) {
		json_init(&j);
		qinfo_json(&q, &j);
		FUZZ_CHECK(json_result(&j) != NULL);
		FUZZ_CHECK(clean((const unsigned char *)json_result(&j)));
		json_free(&j);
		qinfo_free(&q);
	} else
		FUZZ_CHECK(err.msg[0] != '\0');
	json_init(&j);
	json_string_len(&j, (const char *)data, size);
	FUZZ_CHECK(json_result(&j) != NULL);
	FUZZ_CHECK(clean((const unsigned char *)json_result(&j)));
	json_free(&j);
	free(text);
	return 0;
}
