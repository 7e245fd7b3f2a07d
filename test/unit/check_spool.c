/*
 * check_spool.c — the output server's durable spool: records in and
 * out, across a reopen, a crash between taking a block and recording
 * it, a crash of the machine, damage, trimming, another stream.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "crc32c.h"
#include "spool.h"
#include "tests.h"

static const uint8_t stream_a[HELLO_STREAM_LEN] = { 1, 2, 3, 4 };
static const uint8_t stream_b[HELLO_STREAM_LEN] = { 9, 9, 9, 9 };

#define MB	(1024 * 1024)

/* Take n bytes of pattern c from a pipe into the spool. */
static void
take(struct spool *sp, size_t n, int c)
{
	struct errbuf err;
	uint8_t *buf = malloc(n);
	int p[2];
	size_t done = 0;
	ssize_t r;

	ck_assert_ptr_nonnull(buf);
	memset(buf, c, n);
	ck_assert_int_eq(pipe(p), 0);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[0], F_SETPIPE_SZ, MB);
	ck_assert_int_eq(write(p[1], buf, n), (ssize_t)n);
	close(p[1]);
	while (done < n) {
		r = spool_take(sp, p[0], n - done, &err);
		ck_assert_msg(r > 0, "spool_take: %zd %s", r, err.msg);
		done += (size_t)r;
	}
	ck_assert_int_eq(spool_take(sp, p[0], 100, &err), 0);	/* EOF */
	close(p[0]);
	free(buf);
}

static void
open_ok(struct spool *sp, const char *dir, uint64_t hint,
    struct spool_report *rep)
{
	struct errbuf err;

	ck_assert_msg(spool_open(sp, dir, stream_a, hint, 4 * MB, 0, rep,
	    &err) == 0, "spool_open: %s", err.msg);
}

/* Read the next record: its type, length, and first byte. */
static void
read_ok(struct spool *sp, uint64_t n, uint8_t type, uint32_t len, int c)
{
	struct spool_rec r;
	struct errbuf err;

	ck_assert_msg(spool_read(sp, &r, &err) == 0, "spool_read: %s",
	    err.msg);
	ck_assert_uint_eq(r.n, n);
	ck_assert_uint_eq(r.type, type);
	ck_assert_uint_eq(r.len, len);
	if (len > 0) {
		ck_assert_int_eq(r.data[0], c);
		ck_assert_int_eq(r.data[len - 1], c);
	}
}

/* The path of the last segment of the spool. */
static char *
last_seg(const struct spool *sp)
{
	return xasprintf("%s/%020llu.seg", sp->dir,
	    (unsigned long long)sp->segs[sp->nsegs - 1].first);
}

START_TEST(test_round_trip)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir);
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;
	struct spool_rec r;

	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(sp.next, 1);
	take(&sp, 1000, 'a');
	ck_assert_int_eq(spool_mark(&sp, &err), 0);
	take(&sp, 70000, 'b');
	ck_assert_uint_eq(sp.next, 4);
	read_ok(&sp, 1, FT_DATA, 1000, 'a');
	read_ok(&sp, 2, FT_EOF, 0, 0);
	read_ok(&sp, 3, FT_DATA, 70000, 'b');
	ck_assert_int_eq(spool_read(&sp, &r, &err), 1);
	spool_close(&sp);

	/* A new life: a segment of its own, the same records. */
	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(rep.recovered_msg, 0);
	ck_assert_uint_eq(rep.lost_msg, 0);
	ck_assert_uint_eq(sp.first, 1);
	ck_assert_uint_eq(sp.next, 4);
	ck_assert_uint_eq(sp.nsegs, 2);
	read_ok(&sp, 1, FT_DATA, 1000, 'a');
	ck_assert_int_eq(spool_seek(&sp, 3, &err), 0);
	read_ok(&sp, 3, FT_DATA, 70000, 'b');
	take(&sp, 10, 'c');
	read_ok(&sp, 4, FT_DATA, 10, 'c');
	spool_close(&sp);

	/* An empty spool starts where the stream is known to be. */
	test_rmtree(sd);
	open_ok(&sp, sd, 500, &rep);
	ck_assert_uint_eq(sp.next, 500);
	ck_assert_uint_eq(sp.first, 500);
	spool_close(&sp);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Killed between the splice and the record header: completed. */
START_TEST(test_recover_tail)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir), *seg;
	struct spool_report rep;
	struct spool sp;
	uint8_t buf[32 + 5000];
	int fd;

	open_ok(&sp, sd, 1, &rep);
	take(&sp, 3000, 'a');
	seg = last_seg(&sp);
	spool_close(&sp);
	/* What the splice left: a hole where the header goes, then data. */
	memset(buf, 0, 32);
	memset(buf + 32, 'z', 5000);
	fd = open(seg, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(rep.recovered_msg, 2);
	ck_assert_uint_eq(rep.recovered_len, 5000);
	ck_assert_uint_eq(rep.lost_msg, 0);
	ck_assert_uint_eq(sp.next, 3);
	read_ok(&sp, 1, FT_DATA, 3000, 'a');
	read_ok(&sp, 2, FT_DATA, 5000, 'z');
	spool_close(&sp);
	free(seg);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Rewrite the boot identity of a segment: as if written before a
 * restart of the machine. */
static void
other_boot(const char *seg)
{
	uint8_t h[64];
	uint32_t crc;
	int fd = open(seg, O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, h, 64, 0), 64);
	h[40] ^= 0xff;
	crc = crc32c(0, h, 60);
	be32_put(h + 60, crc);
	ck_assert_int_eq(pwrite(fd, h, 64, 0), 64);
	close(fd);
}

/* After a machine crash an unrecorded tail is cut off, not replayed. */
START_TEST(test_lost_tail)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir), *seg;
	struct spool_report rep;
	struct spool sp;
	struct spool_rec r;
	struct errbuf err;
	uint8_t buf[32 + 700];
	int fd;

	open_ok(&sp, sd, 1, &rep);
	take(&sp, 3000, 'a');
	take(&sp, 2000, 'b');
	seg = last_seg(&sp);
	spool_close(&sp);
	memset(buf, 0, 32);
	memset(buf + 32, 'z', 700);
	fd = open(seg, O_WRONLY | O_APPEND);
	ck_assert_int_eq(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
	other_boot(seg);
	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(rep.recovered_msg, 0);
	ck_assert_uint_eq(rep.lost_msg, 3);
	ck_assert_uint_eq(rep.lost_bytes, sizeof(buf));
	ck_assert_int_eq(rep.other_boot, 1);
	ck_assert_uint_eq(sp.next, 3);
	read_ok(&sp, 1, FT_DATA, 3000, 'a');
	read_ok(&sp, 2, FT_DATA, 2000, 'b');
	ck_assert_int_eq(spool_read(&sp, &r, &err), 1);
	spool_close(&sp);
	free(seg);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* A damaged record ends the spool there: it and what follows are lost. */
START_TEST(test_garbled)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir), *seg;
	struct spool_report rep;
	struct spool sp;
	uint8_t x = 0x55;
	int fd;

	open_ok(&sp, sd, 1, &rep);
	take(&sp, 1000, 'a');
	take(&sp, 1000, 'b');
	take(&sp, 1000, 'c');
	seg = last_seg(&sp);
	spool_close(&sp);
	/* A byte of the second payload flipped. */
	fd = open(seg, O_RDWR);
	ck_assert_int_eq(pwrite(fd, &x, 1, 64 + 32 + 1000 + 32 + 500), 1);
	close(fd);
	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(rep.lost_msg, 2);
	ck_assert_uint_eq(rep.lost_bytes, 2 * (32 + 1000));
	ck_assert_uint_eq(sp.next, 2);
	read_ok(&sp, 1, FT_DATA, 1000, 'a');
	spool_close(&sp);
	free(seg);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_trim_and_room)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir);
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;
	uint64_t msgs, bytes;
	int i;

	/* spoolmax 4M: segments of 1M. */
	open_ok(&sp, sd, 1, &rep);
	for (i = 0; spool_has_room(&sp); i++)
		take(&sp, 100000, 'a' + i % 26);
	ck_assert_int_ge(i, 35);
	ck_assert_int_le(i, 42);
	ck_assert_uint_ge(sp.nsegs, 4);
	/* Delivered up to 20: the segments wholly below go. */
	spool_trim(&sp, 20);
	ck_assert(spool_has_room(&sp));
	ck_assert_uint_eq(sp.first, 21);
	ck_assert_uint_le(sp.segs[0].first, 21);
	ck_assert_uint_gt(sp.segs[0].first, 1);
	ck_assert_int_eq(spool_seek(&sp, 21, &err), 0);
	read_ok(&sp, 21, FT_DATA, 100000, 'a' + 20);
	/* Everything delivered: one segment left once a block comes. */
	spool_trim(&sp, sp.next - 1);
	take(&sp, 10, 'q');
	spool_trim(&sp, sp.next - 1);
	ck_assert_uint_eq(sp.nsegs, 1);
	spool_close(&sp);

	ck_assert_int_eq(spool_remove(sd, &msgs, &bytes, &err), 0);
	ck_assert_uint_eq(msgs, 1);
	ck_assert_uint_eq(bytes, 10);
	ck_assert_int_eq(access(sd, F_OK), -1);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_other_stream)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir);
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;

	open_ok(&sp, sd, 1, &rep);
	take(&sp, 100, 'a');
	spool_close(&sp);
	ck_assert_int_eq(spool_open(&sp, sd, stream_b, 1, 4 * MB, 0, &rep,
	    &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "another stream"));
	/* Refused, and nothing changed: the right stream still reads it. */
	open_ok(&sp, sd, 1, &rep);
	read_ok(&sp, 1, FT_DATA, 100, 'a');
	spool_close(&sp);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* With sync on, nothing is sendable before it was flushed. */
START_TEST(test_sync)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir);
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;
	struct spool_rec r;

	ck_assert_int_eq(spool_open(&sp, sd, stream_a, 1, 4 * MB, 1, &rep,
	    &err), 0);
	take(&sp, 100, 'a');
	ck_assert_uint_eq(spool_sendable(&sp), 1);
	ck_assert_int_eq(spool_read(&sp, &r, &err), 1);
	ck_assert_int_eq(spool_flush(&sp, &err), 0);
	ck_assert_uint_eq(spool_sendable(&sp), 2);
	read_ok(&sp, 1, FT_DATA, 100, 'a');
	spool_close(&sp);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Wait until the spool's sync thread reports, then take its result. */
static void
sync_wait(struct spool *sp)
{
	struct pollfd pfd = { .fd = spool_sync_fd(sp), .events = POLLIN };
	struct errbuf err;

	ck_assert_int_ge(pfd.fd, 0);
	ck_assert_int_eq(poll(&pfd, 1, 10000), 1);
	ck_assert_msg(spool_sync_poll(sp, &err) == 0, "%s", err.msg);
}

/*
 * Group commit: a sync runs in the background and covers every record
 * appended before it began; records appended during it wait for the
 * next one, which starts as soon as the first reports.  Nothing is
 * sendable before a sync that covers it.
 */
START_TEST(test_group_commit)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir);
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;
	int i, rounds;

	ck_assert_int_eq(spool_open(&sp, sd, stream_a, 1, 4 * MB, 1, &rep,
	    &err), 0);
	ck_assert_int_eq(spool_sync_poll(&sp, &err), 0);	/* nothing */
	take(&sp, 100, 'a');
	ck_assert_int_eq(spool_sync_poll(&sp, &err), 0);	/* starts it */
	for (i = 0; i < 20; i++)
		take(&sp, 100, 'b');
	ck_assert_uint_ge(spool_sendable(&sp), 1);
	ck_assert_uint_le(spool_sendable(&sp), sp.next);
	/* However many were appended, a few syncs make them all durable. */
	for (rounds = 0; spool_sendable(&sp) < sp.next; rounds++) {
		ck_assert_int_lt(rounds, 3);
		sync_wait(&sp);
	}
	ck_assert_uint_eq(spool_sendable(&sp), 22);
	read_ok(&sp, 1, FT_DATA, 100, 'a');
	read_ok(&sp, 2, FT_DATA, 100, 'b');
	/* Idle: no sync is started for nothing. */
	ck_assert_int_eq(spool_sync_poll(&sp, &err), 0);
	{
		struct pollfd pfd = { .fd = spool_sync_fd(&sp),
		    .events = POLLIN };

		ck_assert_int_eq(poll(&pfd, 1, 200), 0);
	}
	spool_close(&sp);
	/* With sync off there is no thread and all is sendable at once. */
	ck_assert_int_eq(spool_open(&sp, sd, stream_a, 1, 4 * MB, 0, &rep,
	    &err), 0);
	ck_assert_int_eq(spool_sync_fd(&sp), -1);
	take(&sp, 100, 'c');
	ck_assert_uint_eq(spool_sendable(&sp), sp.next);
	spool_close(&sp);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* A record of a version 1 (little-endian) segment. */
static size_t
v1_record(uint8_t *p, uint8_t type, uint64_t n, const uint8_t *data,
    uint32_t len)
{
	memset(p, 0, 32);
	le32_put(p, 0x31525354u);
	p[4] = type;
	le64_put(p + 8, n);
	le32_put(p + 16, len);
	le32_put(p + 20, len > 0 ? crc32c(0, data, len) : 0);
	le32_put(p + 28, crc32c(0, p, 28));
	if (len > 0)
		memcpy(p + 32, data, len);
	return 32 + (size_t)len;
}

/*
 * A spool written by version 1 of the format (little-endian) is read
 * as it is: what it holds is sent after an upgrade, and what the new
 * server takes goes into a version 2 segment of its own.
 */
START_TEST(test_v1_segment)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir), *seg;
	uint8_t file[64 + 32 + 100 + 32], data[100], boot[16];
	struct spool_report rep;
	struct spool sp;
	size_t len = 64;
	int fd;

	ck_assert_int_eq(mkdir(sd, 0700), 0);
	memset(file, 0, sizeof(file));
	memcpy(file, "TSSPOOL1", 8);
	le32_put(file + 8, 1);
	le64_put(file + 16, 7);
	memcpy(file + 24, stream_a, HELLO_STREAM_LEN);
	spool_boot_id(boot);
	memcpy(file + 40, boot, 16);
	le32_put(file + 60, crc32c(0, file, 60));
	memset(data, 'v', sizeof(data));
	len += v1_record(file + len, FT_DATA, 7, data, sizeof(data));
	len += v1_record(file + len, FT_EOF, 8, NULL, 0);
	seg = xasprintf("%s/%020llu.seg", sd, 7ULL);
	fd = open(seg, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, file, len), (ssize_t)len);
	close(fd);

	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(rep.lost_msg, 0);
	ck_assert_uint_eq(sp.first, 7);
	ck_assert_uint_eq(sp.next, 9);
	ck_assert_int_eq(sp.segs[0].version, 1);
	ck_assert_int_eq(sp.segs[sp.nsegs - 1].version, 2);
	take(&sp, 50, 'n');
	read_ok(&sp, 7, FT_DATA, 100, 'v');
	read_ok(&sp, 8, FT_EOF, 0, 0);
	read_ok(&sp, 9, FT_DATA, 50, 'n');
	spool_close(&sp);
	/* And once more, both versions in one spool. */
	open_ok(&sp, sd, 1, &rep);
	ck_assert_uint_eq(rep.lost_msg, 0);
	ck_assert_uint_eq(sp.next, 10);
	read_ok(&sp, 7, FT_DATA, 100, 'v');
	read_ok(&sp, 8, FT_EOF, 0, 0);
	read_ok(&sp, 9, FT_DATA, 50, 'n');
	spool_close(&sp);
	free(seg);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * A sender that keeps up sends the record it took last from memory;
 * an older one (after another take, a reopen) is read back and checked.
 */
START_TEST(test_hot_record)
{
	char *dir = test_tmpdir(), *sd = xasprintf("%s/s.spool", dir);
	struct spool_report rep;
	struct spool sp;
	struct errbuf err;

	ck_assert_int_eq(spool_open(&sp, sd, stream_a, 1, 4 * MB, 0, &rep,
	    &err), 0);
	take(&sp, 300, 'a');
	read_ok(&sp, 1, FT_DATA, 300, 'a');
	ck_assert_uint_eq(sp.disk_reads, 0);
	ck_assert_int_eq(spool_mark(&sp, &err), 0);
	read_ok(&sp, 2, FT_EOF, 0, 0);
	ck_assert_uint_eq(sp.disk_reads, 0);
	take(&sp, 200, 'b');
	take(&sp, 100, 'c');		/* buf holds c now */
	read_ok(&sp, 3, FT_DATA, 200, 'b');
	ck_assert_uint_eq(sp.disk_reads, 1);
	read_ok(&sp, 4, FT_DATA, 100, 'c');
	ck_assert_uint_eq(sp.disk_reads, 2);	/* b's read-back took buf */
	spool_close(&sp);
	free(sd);
	test_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
spool_suite(void)
{
	Suite *s = suite_create("spool");
	TCase *tc = tcase_create("spool");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_recover_tail);
	tcase_add_test(tc, test_lost_tail);
	tcase_add_test(tc, test_garbled);
	tcase_add_test(tc, test_trim_and_room);
	tcase_add_test(tc, test_other_stream);
	tcase_add_test(tc, test_sync);
	tcase_add_test(tc, test_group_commit);
	tcase_add_test(tc, test_hot_record);
	tcase_add_test(tc, test_v1_segment);
	suite_add_tcase(s, tc);
	return s;
}
