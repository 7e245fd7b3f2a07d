/*
 * fuzz_txrec.c — libFuzzer target of the transaction queue (txlog/):
 * the input is a queue file's image.
 *
 * Each record txl_rec_decode takes must encode back to the same bytes;
 * then the image is written as the queue of a data area and the area
 * opened as txlog opens it (txl_open: a torn end cut, a damaged record
 * refused, what is queued applied), and read through txl_queue_next:
 * whatever the bytes, no crash, no leak.
 */
#include "txlog.h"
#include "fuzz.h"

static char	area[300], queue[400];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();

	if (dir != NULL) {
		snprintf(area, sizeof(area), "%s/area", dir);
		snprintf(queue, sizeof(queue), "%s/%s/queue", area, TXL_DIR);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct txl_rec r;
	struct errbuf err;
	struct txl t;
	uint8_t *back;
	uint64_t pos = 0;
	size_t off = 0;
	long n;
	int fd;

	while (off < size && (n = txl_rec_decode(data + off, size - off,
	    &r)) > 0) {
		FUZZ_CHECK((size_t)n == txl_rec_size(&r));
		back = malloc((size_t)n);
		FUZZ_CHECK(back != NULL);
		txl_rec_encode(&r, back);
		FUZZ_CHECK(memcmp(back, data + off, (size_t)n) == 0);
		free(back);
		txl_rec_free(&r);
		off += (size_t)n;
	}
	if (area[0] == '\0')
		return 0;
	fuzz_empty(area);
	if (txl_open(&t, area, &err) < 0)
		return 0;
	txl_close(&t);
	fd = open(queue, O_WRONLY | O_TRUNC);
	FUZZ_CHECK(fd >= 0);
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size);
	close(fd);
	if (txl_open(&t, area, &err) < 0)
		return 0;
	while (txl_queue_next(&t, 0, &pos, &r, &err) == 1) {
		FUZZ_CHECK(r.seq > 0);
		txl_rec_free(&r);
	}
	txl_close(&t);
	return 0;
}
