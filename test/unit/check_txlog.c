/*
 * check_txlog.c — libtxlog (txlog/txlog.h): the queue's records, the
 * item store, what a crash leaves (a torn record, an update queued and
 * not applied), a damaged record, the restore's once-only apply, and
 * writers in several processes.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "tests.h"
#include "txlog.h"

static char *
area_in(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
rec_fill(struct txl_rec *r, uint64_t seq, uint8_t op, const char *file,
    const char *item, const char *body)
{
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->op = op;
	strlcpy(r->file, file, sizeof(r->file));
	strlcpy(r->item, item, sizeof(r->item));
	r->body = (uint8_t *)(uintptr_t)body;
	r->len = body != NULL ? (uint32_t)strlen(body) : 0;
}

START_TEST(test_record_round_trip)
{
	struct txl_rec r, back;
	uint8_t buf[256];
	size_t n, i;

	rec_fill(&r, 42, TXL_PUT, "dm,users,", "bob", "Bob\nSmith");
	r.flags = TXL_F_DL;
	n = txl_rec_size(&r);
	ck_assert_uint_le(n, sizeof(buf));
	txl_rec_encode(&r, buf);
	ck_assert_int_eq(txl_rec_decode(buf, n, &back), (long)n);
	ck_assert_uint_eq(back.seq, 42);
	ck_assert_uint_eq(back.op, TXL_PUT);
	ck_assert_uint_eq(back.flags, TXL_F_DL);
	ck_assert_str_eq(back.file, "dm,users,");
	ck_assert_str_eq(back.item, "bob");
	ck_assert_uint_eq(back.len, 9);
	ck_assert_mem_eq(back.body, "Bob\nSmith", 9);
	txl_rec_free(&back);
	/* Short: need more; every byte flipped: refused. */
	for (i = 0; i < n; i++)
		ck_assert_int_eq(txl_rec_decode(buf, i, &back), 0);
	for (i = 0; i < n; i++) {
		buf[i] ^= 0x20;
		ck_assert_msg(txl_rec_decode(buf, n, &back) <= 0,
		    "byte %zu flipped was taken", i);
		buf[i] ^= 0x20;
	}
	/* A NOP: its number alone. */
	rec_fill(&r, 7, TXL_NOP, "", "", NULL);
	n = txl_rec_size(&r);
	txl_rec_encode(&r, buf);
	ck_assert_int_eq(txl_rec_decode(buf, n, &back), (long)n);
	ck_assert_uint_eq(back.op, TXL_NOP);
	ck_assert_uint_eq(back.seq, 7);
	/* A name the store would refuse is refused by the decoder too. */
	rec_fill(&r, 1, TXL_PUT, "..", "x", "y");
	txl_rec_encode(&r, buf);
	ck_assert_int_eq(txl_rec_decode(buf, txl_rec_size(&r), &back), -1);
}
END_TEST

START_TEST(test_store)
{
	char *dir = test_tmpdir(), *area = area_in(dir, "area");
	struct errbuf err;
	struct txl t;
	uint8_t *body;
	uint64_t seq;
	size_t len;
	int dl = 0;

	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_int_eq(txl_file_exists(&t, "f", &dl), 0);
	/* No file, no update, and nothing queued. */
	ck_assert_int_eq(txl_put(&t, "f", "a", "x", 1, &seq, &err), -1);
	ck_assert_uint_eq(t.last, 0);
	ck_assert_int_eq(txl_file_create(&t, "f", 1, &err), 0);
	ck_assert_int_eq(txl_file_exists(&t, "f", &dl), 1);
	ck_assert_int_eq(dl, 1);
	ck_assert_int_eq(txl_put(&t, "f", "a", "one", 3, &seq, &err), 0);
	ck_assert_uint_eq(seq, 1);
	ck_assert_int_eq(txl_put(&t, "f", "a", "two", 3, &seq, &err), 0);
	ck_assert_uint_eq(seq, 2);
	ck_assert_int_eq(txl_get(&t, "f", "a", &body, &len, &err), 1);
	ck_assert_uint_eq(len, 3);
	ck_assert_mem_eq(body, "two", 3);
	free(body);
	ck_assert_int_eq(txl_del(&t, "f", "a", &seq, &err), 0);
	ck_assert_uint_eq(seq, 3);
	ck_assert_int_eq(txl_get(&t, "f", "a", &body, &len, &err), 0);
	ck_assert_uint_eq(txl_applied(&t), 3);
	/* Bad names: refused, nothing queued. */
	ck_assert_int_eq(txl_put(&t, "f", "../x", "y", 1, &seq, &err), -1);
	ck_assert_int_eq(txl_put(&t, "f", ".dl", "y", 1, &seq, &err), -1);
	ck_assert_int_eq(txl_file_create(&t, "a/b", 0, &err), -1);
	ck_assert_uint_eq(t.last, 3);
	txl_close(&t);
	/* Reopened: the same queue goes on. */
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_uint_eq(t.last, 3);
	ck_assert_int_eq(txl_put(&t, "f", "b", "", 0, &seq, &err), 0);
	ck_assert_uint_eq(seq, 4);
	txl_close(&t);
	test_rmtree(dir);
	free(area);
	free(dir);
}
END_TEST

/* Append raw bytes to the queue, as a writer that crashed would. */
static void
queue_append(const char *area, const void *p, size_t n)
{
	char *path = xasprintf("%s/%s/queue", area, TXL_DIR);
	int fd = open(path, O_WRONLY | O_APPEND);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
	close(fd);
	free(path);
}

static off_t
queue_size(const char *area)
{
	char *path = xasprintf("%s/%s/queue", area, TXL_DIR);
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	free(path);
	return st.st_size;
}

START_TEST(test_crash_repair)
{
	char *dir = test_tmpdir(), *area = area_in(dir, "area");
	struct txl_rec r;
	struct errbuf err;
	struct txl t;
	uint8_t buf[256], *body;
	uint64_t seq;
	size_t len;
	off_t was;

	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_int_eq(txl_file_create(&t, "f", 0, &err), 0);
	ck_assert_int_eq(txl_put(&t, "f", "a", "1", 1, &seq, &err), 0);
	txl_close(&t);
	/* Queued, not applied: the next open applies it. */
	rec_fill(&r, 2, TXL_PUT, "f", "b", "queued");
	txl_rec_encode(&r, buf);
	queue_append(area, buf, txl_rec_size(&r));
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_uint_eq(t.last, 2);
	ck_assert_uint_eq(txl_applied(&t), 2);
	ck_assert_int_eq(txl_get(&t, "f", "b", &body, &len, &err), 1);
	ck_assert_mem_eq(body, "queued", 6);
	free(body);
	txl_close(&t);
	/* A torn record at the end: cut, the next update takes its place. */
	was = queue_size(area);
	rec_fill(&r, 3, TXL_PUT, "f", "c", "torn");
	txl_rec_encode(&r, buf);
	queue_append(area, buf, txl_rec_size(&r) - 3);
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_int_eq(queue_size(area), was);
	ck_assert_int_eq(txl_get(&t, "f", "c", &body, &len, &err), 0);
	ck_assert_int_eq(txl_put(&t, "f", "c", "ok", 2, &seq, &err), 0);
	ck_assert_uint_eq(seq, 3);
	txl_close(&t);
	/* Zeros where an append was: torn too. */
	was = queue_size(area);
	memset(buf, 0, 64);
	queue_append(area, buf, 64);
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_int_eq(queue_size(area), was);
	txl_close(&t);
	/* A damaged record with records after it: refused, nothing cut. */
	rec_fill(&r, 4, TXL_PUT, "f", "d", "bad");
	txl_rec_encode(&r, buf);
	buf[30] ^= 1;
	queue_append(area, buf, txl_rec_size(&r));
	rec_fill(&r, 5, TXL_PUT, "f", "e", "after");
	txl_rec_encode(&r, buf);
	queue_append(area, buf, txl_rec_size(&r));
	was = queue_size(area);
	ck_assert_int_eq(txl_open(&t, area, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "damaged record"));
	ck_assert_int_eq(queue_size(area), was);
	test_rmtree(dir);
	free(area);
	free(dir);
}
END_TEST

/* The restore: each record once, in order, whatever comes twice. */
/* A queue larger than the scan's piece (two records): read in pieces. */
START_TEST(test_large_queue)
{
	char *dir = test_tmpdir(), *area = area_in(dir, "area");
	uint8_t *big = xmalloc(TXL_BODY_MAX), *body;
	struct errbuf err;
	struct txl t;
	uint64_t seq;
	size_t len;
	char item[16];
	int i;

	memset(big, 'x', TXL_BODY_MAX);
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_int_eq(txl_file_create(&t, "f", 0, &err), 0);
	for (i = 0; i < 6; i++) {
		snprintf(item, sizeof(item), "i%d", i);
		big[0] = (uint8_t)('0' + i);
		ck_assert_int_eq(txl_put(&t, "f", item, big, TXL_BODY_MAX,
		    &seq, &err), 0);
	}
	txl_close(&t);
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_uint_eq(t.last, 6);
	ck_assert_int_eq(txl_put(&t, "f", "small", "s", 1, &seq, &err), 0);
	ck_assert_uint_eq(seq, 7);
	ck_assert_int_eq(txl_get(&t, "f", "i5", &body, &len, &err), 1);
	ck_assert_uint_eq(len, TXL_BODY_MAX);
	ck_assert_int_eq(body[0], '5');
	free(body);
	txl_close(&t);
	free(big);
	test_rmtree(dir);
	free(area);
	free(dir);
}
END_TEST

START_TEST(test_apply_once)
{
	char *dir = test_tmpdir(), *prod = area_in(dir, "prod"),
	    *bak = area_in(dir, "backup");
	struct txl p, b;
	struct txl_rec r;
	struct errbuf err;
	uint8_t *body;
	uint64_t pos = 0, seq;
	size_t len;
	int n = 0;

	ck_assert_int_eq(txl_open(&p, prod, &err), 0);
	ck_assert_int_eq(txl_file_create(&p, "dl", 1, &err), 0);
	ck_assert_int_eq(txl_put(&p, "dl", "x", "1", 1, &seq, &err), 0);
	ck_assert_int_eq(txl_put(&p, "dl", "x", "2", 1, &seq, &err), 0);
	ck_assert_int_eq(txl_put(&p, "dl", "y", "3", 1, &seq, &err), 0);
	ck_assert_int_eq(txl_del(&p, "dl", "y", &seq, &err), 0);
	ck_assert_int_eq(txl_open(&b, bak, &err), 0);
	while (txl_queue_next(&p, 0, &pos, &r, &err) == 1) {
		ck_assert_uint_eq(r.seq, (uint64_t)++n);
		ck_assert_uint_eq(r.flags, TXL_F_DL);
		ck_assert_int_eq(txl_apply(&b, &r, &err), 0);
		ck_assert_int_eq(txl_apply(&b, &r, &err), 1);	/* again */
		txl_rec_free(&r);
	}
	ck_assert_int_eq(n, 4);
	ck_assert_uint_eq(txl_applied(&b), 4);
	/* A gap: not applied; a NOP moves the number on. */
	rec_fill(&r, 6, TXL_PUT, "dl", "z", "six");
	ck_assert_int_eq(txl_apply(&b, &r, &err), 2);
	ck_assert_uint_eq(txl_applied(&b), 4);
	ck_assert_int_eq(txl_get(&b, "dl", "z", &body, &len, &err), 0);
	rec_fill(&r, 5, TXL_NOP, "", "", NULL);
	ck_assert_int_eq(txl_apply(&b, &r, &err), 0);
	rec_fill(&r, 6, TXL_PUT, "dl", "z", "six");
	ck_assert_int_eq(txl_apply(&b, &r, &err), 0);
	ck_assert_uint_eq(txl_applied(&b), 6);
	ck_assert_int_eq(txl_get(&b, "dl", "x", &body, &len, &err), 1);
	ck_assert_mem_eq(body, "2", 1);
	free(body);
	ck_assert_int_eq(txl_get(&b, "dl", "y", &body, &len, &err), 0);
	/* From the middle: only what follows. */
	pos = 0;
	ck_assert_int_eq(txl_queue_next(&p, 2, &pos, &r, &err), 1);
	ck_assert_uint_eq(r.seq, 3);
	txl_rec_free(&r);
	txl_close(&p);
	txl_close(&b);
	test_rmtree(dir);
	free(prod);
	free(bak);
	free(dir);
}
END_TEST

/* Writers in several processes: every update a number of its own. */
START_TEST(test_writers)
{
	char *dir = test_tmpdir(), *area = area_in(dir, "area");
	struct txl_rec r;
	struct errbuf err;
	struct txl t;
	uint64_t pos = 0, seen = 0, seq;
	char item[32];
	int k, i, status;
	pid_t pid[4];

	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_int_eq(txl_file_create(&t, "f", 0, &err), 0);
	txl_close(&t);
	for (k = 0; k < 4; k++) {
		if ((pid[k] = fork()) == 0) {
			if (txl_open(&t, area, &err) < 0)
				_exit(1);
			for (i = 0; i < 50; i++) {
				snprintf(item, sizeof(item), "w%d-%d", k, i);
				if (txl_put(&t, "f", item, item, strlen(item),
				    &seq, &err) < 0)
					_exit(1);
			}
			txl_close(&t);
			_exit(0);
		}
		ck_assert_int_gt(pid[k], 0);
	}
	for (k = 0; k < 4; k++) {
		ck_assert_int_eq(waitpid(pid[k], &status, 0), pid[k]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ck_assert_int_eq(txl_open(&t, area, &err), 0);
	ck_assert_uint_eq(t.last, 200);
	while (txl_queue_next(&t, 0, &pos, &r, &err) == 1) {
		ck_assert_uint_eq(r.seq, ++seen);
		txl_rec_free(&r);
	}
	ck_assert_uint_eq(seen, 200);
	txl_close(&t);
	test_rmtree(dir);
	free(area);
	free(dir);
}
END_TEST

Suite *
txlog_suite(void)
{
	Suite *s = suite_create("txlog");
	TCase *tc = tcase_create("store");

	tcase_add_test(tc, test_record_round_trip);
	tcase_add_test(tc, test_store);
	tcase_add_test(tc, test_crash_repair);
	tcase_add_test(tc, test_large_queue);
	tcase_add_test(tc, test_apply_once);
	tcase_add_test(tc, test_writers);
	suite_add_tcase(s, tc);
	return s;
}
