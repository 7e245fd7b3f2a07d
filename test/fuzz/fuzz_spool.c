/*
 * fuzz_spool.c — libFuzzer target of the spool's recovery
 * (tapesock/spool.c): spool_open on a directory whose segment files
 * hold the input, then every record read back, then spool_remove.
 *
 * Input: one byte of flags, then the segment bytes.
 *   0x01  recompute the CRCs of the segment headers and of the records
 *         that fit (so mutations reach what lies behind the checks);
 *   0x02  stamp this machine's boot identity into the headers (the
 *         completion of a record cut short is tried only then);
 *   0x04  two segments: the next two bytes (big-endian) are where the
 *         second one starts;
 *   0x08  open with another stream than the first header's;
 *   0x10  a hint past the first message (the stream moved on).
 * Each segment is named after the first message number its header
 * holds (1 when that is no valid number).  The directory is the
 * target's own, emptied for each input.
 */
#include "codec.h"
#include "crc32c.h"
#include "spool.h"
#include "fuzz.h"

static char	spooldir[300];

static int
seg_le(const uint8_t *h)
{
	return le32_get(h + 8) == 1 && be32_get(h + 8) != 2;
}

static void
put32(uint8_t *p, uint32_t v, int le)
{
	if (le)
		le32_put(p, v);
	else
		be32_put(p, v);
}

static uint32_t
get32(const uint8_t *p, int le)
{
	return le ? le32_get(p) : be32_get(p);
}

static void
repair(uint8_t *p, size_t n, const uint8_t *boot, int stamp)
{
	size_t off = SPOOL_SEG_HDR;
	uint32_t len;
	int le;

	if (n < SPOOL_SEG_HDR)
		return;
	le = seg_le(p);
	if (stamp)
		memcpy(p + 40, boot, 16);
	put32(p + 60, crc32c(0, p, 60), le);
	while (n - off >= SPOOL_REC_HDR) {
		len = get32(p + off + 16, le);
		if (len > SPOOL_REC_MAX || n - off - SPOOL_REC_HDR < len)
			return;
		put32(p + off + 20, len > 0 ?
		    crc32c(0, p + off + SPOOL_REC_HDR, len) : 0, le);
		put32(p + off + 28, crc32c(0, p + off, 28), le);
		off += SPOOL_REC_HDR + len;
	}
}

static uint64_t
seg_first(const uint8_t *p, size_t n)
{
	uint64_t v;

	if (n < SPOOL_SEG_HDR)
		return 1;
	v = seg_le(p) ? le64_get(p + 16) : be64_get(p + 16);
	return v >= 1 && v <= FRAME_MSGNUM_MAX ? v : 1;
}

static int
seg_put(const uint8_t *p, size_t n, uint64_t first)
{
	char path[400];

	snprintf(path, sizeof(path), "%s/%020llu.seg", spooldir,
	    (unsigned long long)first);
	return fuzz_write(path, p, n);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();

	if (dir != NULL)
		snprintf(spooldir, sizeof(spooldir), "%s/out.spool", dir);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t stream[HELLO_STREAM_LEN] = { 0 }, boot[16], *seg;
	struct spool_report rep;
	struct spool_rec rec;
	struct spool sp;
	struct errbuf err;
	uint64_t first1, first2 = 0, hint = 0, msgs, bytes, expect;
	size_t n, split = 0, nrec = 0;
	unsigned flags;
	int r;

	if (spooldir[0] == '\0' || size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	if (flags & 0x04) {
		if (size < 2)
			return 0;
		split = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (split > size)
			split = size;
	}
	if ((seg = malloc(size + 1)) == NULL)
		return 0;
	memcpy(seg, data, size);
	n = flags & 0x04 ? split : size;
	spool_boot_id(boot);
	if (flags & 0x01) {
		repair(seg, n, boot, flags & 0x02);
		if (flags & 0x04)
			repair(seg + n, size - n, boot, flags & 0x02);
	} else if ((flags & 0x02) && n >= SPOOL_SEG_HDR)
		memcpy(seg + 40, boot, 16);
	if (n >= 40)
		memcpy(stream, seg + 24, sizeof(stream));
	if (flags & 0x08)
		stream[0] ^= 0x5a;
	first1 = seg_first(seg, n);
	if (flags & 0x10)
		hint = first1 + 3;

	fuzz_empty(spooldir);
	rmdir(spooldir);
	if (mkdir(spooldir, 0700) < 0 || seg_put(seg, n, first1) < 0)
		goto out;
	if (flags & 0x04) {
		first2 = seg_first(seg + n, size - n);
		if (first2 != first1 && seg_put(seg + n, size - n, first2) < 0)
			goto out;
	}

	r = spool_open(&sp, spooldir, stream, hint, 64ull << 20, 0, &rep,
	    &err);
	if (r < 0) {
		FUZZ_CHECK(err.msg[0] != '\0');
		goto out;
	}
	FUZZ_CHECK(sp.first >= 1 && sp.first <= sp.next && sp.nsegs >= 1);
	expect = sp.first;
	while ((r = spool_read(&sp, &rec, &err)) == 0) {
		FUZZ_CHECK(rec.n == expect++);
		FUZZ_CHECK(rec.type == FT_DATA || rec.type == FT_EOF);
		FUZZ_CHECK(rec.len <= SPOOL_REC_MAX);
		FUZZ_CHECK(rec.len == 0 || crc32c(0, rec.data, rec.len) ==
		    rec.crc);
		nrec++;
	}
	/* What open kept, it reads back: to the end, without an error. */
	FUZZ_CHECK(r == 1 && expect == sp.next);
	FUZZ_CHECK(nrec <= size / SPOOL_REC_HDR);
	if (sp.next > 1)
		spool_trim(&sp, sp.next - 1);
	spool_close(&sp);
	FUZZ_CHECK(spool_remove(spooldir, &msgs, &bytes, &err) == 0);
out:
	free(seg);
	return 0;
}
