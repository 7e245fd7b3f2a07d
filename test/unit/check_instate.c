/*
 * check_instate.c — the input server's state record: encoding, the
 * choice between its two records, torn and garbled records, the
 * earlier text format, and the file it lives in.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "instate.h"
#include "tests.h"
#include "util.h"

static struct instate
sample(uint64_t seq, uint64_t last, uint64_t writing, uint64_t done)
{
	struct instate st;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.seq = seq;
	for (i = 0; i < HELLO_STREAM_LEN; i++)
		st.stream[i] = (uint8_t)(0x10 + i);
	st.last = last;
	st.writing = writing;
	st.done = done;
	st.lost = 7;
	return st;
}

static void
assert_same(const struct instate *a, const struct instate *b)
{
	ck_assert_uint_eq(a->seq, b->seq);
	ck_assert_uint_eq(a->flags, b->flags);
	ck_assert_mem_eq(a->stream, b->stream, HELLO_STREAM_LEN);
	ck_assert_uint_eq(a->last, b->last);
	ck_assert_uint_eq(a->writing, b->writing);
	ck_assert_uint_eq(a->done, b->done);
	ck_assert_uint_eq(a->lost, b->lost);
}

START_TEST(test_round_trip)
{
	struct instate st = sample(42, 1000, 1001, 4096), back;
	uint8_t rec[INSTATE_REC];

	instate_encode(&st, rec);
	ck_assert_mem_eq(rec, "TSIS\x01\x00\x00\x00", 8);
	ck_assert_int_eq(instate_decode(rec, sizeof(rec), &back), 0);
	assert_same(&st, &back);
	st.flags = INSTATE_EXACT;
	instate_encode(&st, rec);
	ck_assert_int_eq(instate_decode(rec, sizeof(rec), &back), 0);
	assert_same(&st, &back);
	/* Too short to be a record. */
	ck_assert_int_eq(instate_decode(rec, INSTATE_REC - 1, &back), -1);
}
END_TEST

/* Any flipped bit, anywhere a CRC covers or in the CRC, is caught. */
START_TEST(test_every_bit)
{
	struct instate st = sample(3, 9, 0, 0), back;
	uint8_t rec[INSTATE_REC];
	size_t i;
	int b;

	instate_encode(&st, rec);
	for (i = 0; i < 68; i++)
		for (b = 0; b < 8; b++) {
			rec[i] ^= (uint8_t)(1 << b);
			ck_assert_msg(instate_decode(rec, sizeof(rec), &back)
			    == -1, "byte %zu bit %d flipped, still valid", i,
			    b);
			rec[i] ^= (uint8_t)(1 << b);
		}
	ck_assert_int_eq(instate_decode(rec, sizeof(rec), &back), 0);
}
END_TEST

/* Values that no server writes are refused even with a good CRC. */
START_TEST(test_bad_values)
{
	struct instate bad[] = {
		sample(1, 10, 12, 0),		/* writing not last + 1 */
		sample(1, 10, 0, 5),		/* done without writing */
		sample(1, 10, 11, FRAME_MAX_PAYLOAD + 1),
		sample(1, FRAME_MSGNUM_MAX, 0, 0),
	}, back;
	uint8_t rec[INSTATE_REC];
	size_t i;

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		instate_encode(&bad[i], rec);
		ck_assert_msg(instate_decode(rec, sizeof(rec), &back) == -1,
		    "case %zu accepted", i);
	}
	bad[0] = sample(1, 10, 11, 0);
	bad[0].flags = 0x80;
	instate_encode(&bad[0], rec);
	ck_assert_int_eq(instate_decode(rec, sizeof(rec), &back), -1);
}
END_TEST

/* The newer valid record wins; a torn one leaves the other. */
START_TEST(test_two_records)
{
	uint8_t *img = xcalloc(1, INSTATE_SIZE);
	struct instate a = sample(5, 100, 0, 0), b = sample(6, 100, 101, 17);
	struct instate st;
	struct errbuf why;

	instate_encode(&a, img + INSTATE_SLOT);
	instate_encode(&b, img);
	ck_assert_int_eq(instate_parse(img, INSTATE_SIZE, &st, &why), 0);
	assert_same(&st, &b);
	/* Record 0 torn half-way: record 1, one update older. */
	memset(img + 30, 0, 30);
	ck_assert_int_eq(instate_parse(img, INSTATE_SIZE, &st, &why), 0);
	assert_same(&st, &a);
	/* Both garbled: damaged, said why. */
	img[INSTATE_SLOT + 40] ^= 1;
	ck_assert_int_eq(instate_parse(img, INSTATE_SIZE, &st, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.msg, "neither"));
	/* Empty. */
	ck_assert_int_eq(instate_parse(img, 0, &st, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.msg, "empty"));
	/* Only record 0 (a file cut short). */
	instate_encode(&b, img);
	ck_assert_int_eq(instate_parse(img, INSTATE_REC, &st, &why), 0);
	assert_same(&st, &b);
	free(img);
}
END_TEST

START_TEST(test_text_format)
{
	static const char good[] =
	    "stream 101112131415161718191a1b1c1d1e1f\nlast 1234\n";
	struct instate st, want = sample(0, 1234, 0, 0);
	struct errbuf why;

	want.lost = 0;
	ck_assert_int_eq(instate_parse((const uint8_t *)good, strlen(good),
	    &st, &why), 1);
	assert_same(&st, &want);
	/* No stream yet. */
	ck_assert_int_eq(instate_parse((const uint8_t *)"last 0\n", 7, &st,
	    &why), 1);
	ck_assert_uint_eq(st.last, 0);
	ck_assert_int_eq(instate_parse((const uint8_t *)"last x\n", 7, &st,
	    &why), -1);
	ck_assert_int_eq(instate_parse((const uint8_t *)
	    "stream 12\nlast 1\n", 17, &st, &why), -1);
	ck_assert_int_eq(instate_parse((const uint8_t *)"stream 101112131415"
	    "161718191a1b1c1d1e1g\nlast 1\n", 51, &st, &why), -1);
	ck_assert_int_eq(instate_parse((const uint8_t *)"garbage", 7, &st,
	    &why), -1);
}
END_TEST

/* The file: created, updated in alternate records, reopened, converted. */
START_TEST(test_file)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/x.state", dir);
	struct instate_file f;
	struct instate st;
	struct errbuf why;
	char *buf;
	size_t len;
	int i;

	ck_assert_int_eq(instate_open(&f, path, &why), 0);
	ck_assert_uint_eq(f.st.last, 0);
	for (i = 1; i <= 5; i++) {
		st = sample(0, (uint64_t)i, (uint64_t)i + 1, 10);
		ck_assert_int_eq(instate_write(&f, &st, &why), 0);
	}
	ck_assert_int_eq(instate_sync(&f, &why), 0);
	ck_assert_int_eq(f.dirty, 0);
	instate_close(&f);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, INSTATE_SIZE);
	/* Both records valid: the last two updates. */
	ck_assert_int_eq(instate_decode((uint8_t *)buf, INSTATE_REC, &st), 0);
	ck_assert_uint_eq(st.seq, 6);
	ck_assert_uint_eq(st.last, 5);
	free(buf);
	ck_assert_int_eq(instate_open(&f, path, &why), 0);
	ck_assert_uint_eq(f.st.last, 5);
	ck_assert_uint_eq(f.st.writing, 6);
	ck_assert_uint_eq(f.st.done, 10);
	instate_close(&f);

	/* The earlier text format is converted, values kept. */
	ck_assert_int_eq(atomic_write_file(path, "last 77\n", 8, 0600), 0);
	ck_assert_int_eq(instate_open(&f, path, &why), 1);
	ck_assert_uint_eq(f.st.last, 77);
	instate_close(&f);
	ck_assert_int_eq(instate_open(&f, path, &why), 0);
	ck_assert_uint_eq(f.st.last, 77);
	instate_close(&f);

	/* Damaged: refused, the file left as it was for the operator. */
	ck_assert_int_eq(atomic_write_file(path, "TSIS garbage", 12, 0600), 0);
	ck_assert_int_eq(instate_open(&f, path, &why), -1);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, 12);
	free(buf);
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
instate_suite(void)
{
	Suite *s = suite_create("instate");
	TCase *tc = tcase_create("instate");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_every_bit);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_two_records);
	tcase_add_test(tc, test_text_format);
	tcase_add_test(tc, test_file);
	suite_add_tcase(s, tc);
	return s;
}
