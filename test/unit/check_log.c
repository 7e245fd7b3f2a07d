/*
 * check_log.c — the trace ring, the permanent log and tslog_msg.
 */
#include <sys/file.h>
#include <sys/wait.h>

#include <fcntl.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tests.h"

#define STAMP0	1700000000	/* 2023-11-14, any fixed time will do */

static char *
join(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static void
write_text(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	ck_assert_int_eq(fclose(f), 0);
}

static struct trace_entry
entry(const char *server, uint64_t msgnum, const char *text)
{
	struct trace_entry e;

	memset(&e, 0, sizeof(e));
	e.when.tv_sec = STAMP0 + (time_t)msgnum;
	e.when.tv_nsec = 123000000;
	snprintf(e.server, sizeof(e.server), "%s", server);
	e.type = 's';
	e.status = 'R';
	e.msgnum = msgnum;
	snprintf(e.code, sizeof(e.code), "TS");
	e.number = 7;
	snprintf(e.text, sizeof(e.text), "%s", text);
	return e;
}

static void
append(const char *path, const char *server, uint64_t msgnum, unsigned keep)
{
	struct trace_entry e = entry(server, msgnum, "x");

	ck_assert_int_eq(tslog_ring_append(path, &e, keep), 0);
}

#define FLOOD		100000	/* traces of one server in a row */
#define FLOOD_KEEP	50
/* Its last keep, as many again or RING_SLACK (64), the other's one. */
#define FLOOD_BOUND	(FLOOD_KEEP + 64 + 2)
#define TWO_RECORDS	20000	/* of each of two processes at once */
#define TWO_KEEP	50
/*
 * Bounded, if more loosely: a writer can be kept from compacting by the
 * other for a while, and holds up to 256 KiB of lines meanwhile.  Far
 * below the 40000 written, all the same.
 */
#define TWO_BOUND	8000

/* msgnums of server's last max entries (all when max is 0), as "1,2,3". */
static void
ring_nums(const char *path, const char *server, size_t max, char *buf,
    size_t sz)
{
	struct trace_entry *v;
	size_t n, i, at = 0;

	buf[0] = '\0';
	if (max == 0) {
		ck_assert_int_eq(tslog_ring_read(path, &v, &n), 0);
	} else
		ck_assert_int_eq(tslog_ring_tail(path, server, max, &v, &n), 0);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].server, server) == 0)
			at += (size_t)snprintf(buf + at, sz - at, "%s%llu",
			    at ? "," : "", (unsigned long long)v[i].msgnum);
	free(v);
}

/*
 * Lines of the file; *filled those not empty (a writer that found the
 * file ending inside a line, maybe one being written, starts its own
 * with a newline); *whole whether it ends with a newline.
 */
static size_t
file_lines(const char *path, size_t *filled, int *whole)
{
	char *buf;
	size_t len, i, n = 0, f = 0;

	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	for (i = 0; i < len; i++)
		if (buf[i] == '\n') {
			n++;
			f += i > 0 && buf[i - 1] != '\n';
		}
	*whole = len == 0 || buf[len - 1] == '\n';
	if (filled != NULL)
		*filled = f;
	free(buf);
	return n;
}

static void
put(struct tslog_ring *r, uint64_t msgnum, unsigned keep)
{
	struct trace_entry e = entry(r->server, msgnum, "x");

	ck_assert_int_eq(tslog_ring_put(r, &e, keep), 0);
}

START_TEST(test_ring_keep)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	char nums[256];
	struct trace_entry last;
	struct tslog_ring r;
	uint64_t i;

	for (i = 1; i <= 6; i++) {
		append(path, "a", i, 3);
		append(path, "b", 100 + i, 10);
	}
	/* The file may hold more than keep; the last keep are there. */
	ring_nums(path, "a", 3, nums, sizeof(nums));
	ck_assert_str_eq(nums, "4,5,6");
	ring_nums(path, "b", 10, nums, sizeof(nums));
	ck_assert_str_eq(nums, "101,102,103,104,105,106");

	ck_assert_int_eq(tslog_ring_last(path, "a", &last), 1);
	ck_assert_uint_eq(last.msgnum, 6);
	ck_assert_int_eq(tslog_ring_last(path, "nobody", &last), 0);

	/* keep=0: a keeps nothing, b is untouched. */
	append(path, "a", 7, 0);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "");
	ring_nums(path, "b", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "101,102,103,104,105,106");

	/* A compaction leaves exactly the last keep of its server. */
	ck_assert_int_eq(tslog_ring_open(&r, path, "b"), 0);
	put(&r, 107, 2);
	ck_assert_int_eq(tslog_ring_compact(&r, 2), 1);
	ck_assert_int_eq(tslog_ring_close(&r), 0);
	ring_nums(path, "b", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "106,107");

	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_ring_garbage)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	char nums[256], *buf;
	struct tslog_ring r;
	size_t len;

	append(path, "a", 1, 5);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	{
		char *g = xasprintf("garbage\n\t\t\n%s"
		    "2023-13-01\t00:00:00.000\ta\ts\tR\t9\tTS\t1\tbad month\n"
		    "2023-11-14\t00:00:00.000\ta\ts\tR\t9\tTS\t1\tbad \\q\n"
		    "2023-11-14\t00:00:00.000\ta\ts\tR\tx\tTS\t1\tbad num\n"
		    "2023-11-14\t00:00:00.000\ta\ts\tR\t9\tTS\t1\tx\textra\n"
		    "\n\\\\\\", buf);

		write_text(path, g);
		free(g);
	}
	free(buf);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "1");

	/* The unfinished last line does not swallow the next entry. */
	append(path, "a", 2, 5);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "1,2");
	/* A compaction drops the garbage. */
	ck_assert_int_eq(tslog_ring_open(&r, path, "a"), 0);
	ck_assert_int_eq(tslog_ring_compact(&r, 5), 1);
	ck_assert_int_eq(tslog_ring_close(&r), 0);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_ptr_null(strstr(buf, "garbage"));
	ck_assert_ptr_null(strstr(buf, "bad"));
	ck_assert_ptr_null(strstr(buf, "\\\\\\"));
	free(buf);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "1,2");

	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_ring_text)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	const char *text = "tab\there\\back\nnew line \\n \\t";
	struct trace_entry e = entry("srv-1", 42, text), got;
	char *buf;

	ck_assert_int_eq(tslog_ring_append(path, &e, 1), 0);
	ck_assert_int_eq(read_file(path, &buf, NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf,
	    "\tsrv-1\ts\tR\t42\tTS\t7\t"
	    "tab\\there\\\\back\\nnew line \\\\n \\\\t\n"));
	free(buf);
	ck_assert_int_eq(tslog_ring_last(path, "srv-1", &got), 1);
	ck_assert_str_eq(got.text, text);
	ck_assert_str_eq(got.code, "TS");
	ck_assert_int_eq(got.number, 7);
	ck_assert_int_eq(got.type, 's');
	ck_assert_int_eq(got.status, 'R');
	ck_assert_int_eq((long long)got.when.tv_sec, STAMP0 + 42);
	ck_assert_int_eq(got.when.tv_nsec, 123000000);

	/* Bad names are refused rather than written. */
	e = entry("two words", 1, "x");
	ck_assert_int_eq(tslog_ring_append(path, &e, 1), -1);

	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* A line being written (no newline yet) is no entry for a reader. */
START_TEST(test_ring_partial)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	const char *line =
	    "2023-11-14\t22:13:21.000\ta\ts\tR\t3\tTS\t7\tthird";
	char nums[256], *g;
	struct trace_entry last, *v;
	size_t n;

	append(path, "a", 1, 5);
	append(path, "a", 2, 5);
	ck_assert_int_eq(read_file(path, &g, NULL), 0);
	{
		char *all = xasprintf("%s%s", g, line);

		write_text(path, all);
		free(all);
	}
	free(g);
	/* Cut anywhere, even where it would still parse, it is skipped. */
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "1,2");
	ring_nums(path, "a", 5, nums, sizeof(nums));
	ck_assert_str_eq(nums, "1,2");
	ck_assert_int_eq(tslog_ring_last(path, "a", &last), 1);
	ck_assert_uint_eq(last.msgnum, 2);
	ck_assert_int_eq(tslog_ring_tail(path, "a", 0, &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v);

	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_ring_flood)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	struct trace_entry *v;
	struct tslog_ring r, other;
	size_t n, i, lines;
	uint64_t k;
	int whole;

	ck_assert_int_eq(tslog_ring_open(&other, path, "quiet"), 0);
	put(&other, 1, 4);
	ck_assert_int_eq(tslog_ring_open(&r, path, "busy"), 0);
	for (k = 1; k <= FLOOD; k++) {
		put(&r, k, FLOOD_KEEP);
		if (k % 10000 == 0) {
			lines = file_lines(path, NULL, &whole);
			ck_assert(whole);
			ck_assert_uint_le(lines, FLOOD_BOUND);
		}
	}
	ck_assert_int_eq(tslog_ring_close(&r), 0);
	ck_assert_uint_le(file_lines(path, NULL, &whole), FLOOD_BOUND);

	ck_assert_int_eq(tslog_ring_tail(path, "busy", FLOOD_KEEP, &v, &n), 0);
	ck_assert_uint_eq(n, FLOOD_KEEP);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(v[i].msgnum, FLOOD - FLOOD_KEEP + 1 + i);
	free(v);
	/* The other server's entry is still there, and still last of it. */
	ck_assert_int_eq(tslog_ring_tail(path, "quiet", 10, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(v[0].msgnum, 1);
	free(v);
	ck_assert_int_eq(tslog_ring_close(&other), 0);

	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/*
 * Two processes flood one file while a third reads it: no line is ever
 * torn, each server's entries read back consecutive and in order, and
 * none is lost, compactions and reopenings notwithstanding.
 */
START_TEST(test_ring_concurrent)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	char name[16];
	struct trace_entry *v;
	size_t n, i, reads = 0, lines, filled;
	uint64_t prev[2];
	pid_t pid[2];
	int c, st, done = 0, whole;

	for (c = 0; c < 2; c++) {
		pid[c] = fork();
		ck_assert_int_ge(pid[c], 0);
		if (pid[c] == 0) {
			struct tslog_ring r;
			struct trace_entry e;
			uint64_t k;

			snprintf(name, sizeof(name), "s%d", c);
			if (tslog_ring_open(&r, path, name) < 0)
				_exit(1);
			for (k = 1; k <= TWO_RECORDS; k++) {
				e = entry(name, k, "some words of text");
				if (tslog_ring_put(&r, &e, TWO_KEEP) < 0)
					_exit(1);
			}
			_exit(tslog_ring_close(&r) < 0);
		}
	}
	while (done < 2) {
		/* Read while they write; consecutive within each read. */
		ck_assert_int_eq(tslog_ring_read(path, &v, &n), 0);
		prev[0] = prev[1] = 0;
		for (i = 0; i < n; i++) {
			c = v[i].server[1] - '0';
			ck_assert(c == 0 || c == 1);
			ck_assert_str_eq(v[i].text, "some words of text");
			if (prev[c] != 0)
				ck_assert_uint_eq(v[i].msgnum, prev[c] + 1);
			prev[c] = v[i].msgnum;
		}
		free(v);
		reads++;
		for (c = 0; c < 2; c++)
			if (pid[c] > 0 && waitpid(pid[c], &st, WNOHANG) ==
			    pid[c]) {
				ck_assert(WIFEXITED(st) &&
				    WEXITSTATUS(st) == 0);
				pid[c] = 0;
				done++;
			}
	}
	ck_assert_uint_gt(reads, 0);
	lines = file_lines(path, &filled, &whole);
	ck_assert_uint_le(lines, TWO_BOUND);
	ck_assert(whole);
	ck_assert_int_eq(tslog_ring_read(path, &v, &n), 0);
	ck_assert_uint_eq(n, filled);		/* none torn */
	free(v);
	for (c = 0; c < 2; c++) {
		snprintf(name, sizeof(name), "s%d", c);
		ck_assert_int_eq(tslog_ring_tail(path, name, TWO_KEEP, &v, &n),
		    0);
		ck_assert_uint_eq(n, TWO_KEEP);
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(v[i].msgnum,
			    TWO_RECORDS - TWO_KEEP + 1 + i);
		free(v);
	}
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/*
 * While another process compacts, an entry waits in memory and is
 * written, in order, by the next put or flush, into the file that
 * replaced the old one.
 */
START_TEST(test_ring_held)
{
	char *dir = test_tmpdir(), *path = join(dir, TSLOG_FILE);
	char *other = join(dir, "other"), nums[256];
	char *claim = join(dir, TSLOG_FILE ".claim");
	struct tslog_ring r;
	int fd;

	ck_assert_int_eq(tslog_ring_open(&r, path, "a"), 0);
	put(&r, 1, 10);
	/* Another process's compaction: LOCK_EX on the file. */
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	put(&r, 2, 10);
	put(&r, 3, 10);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "1");
	ck_assert_int_eq(tslog_ring_flush(&r), 1);
	ck_assert_int_eq(tslog_ring_compact(&r, 1), 0);
	/* Kept from compacting, r asked the appenders to hold. */
	ck_assert_int_eq(access(claim, F_OK), 0);
	/*
	 * The other puts its new file in place, removes the claim on the
	 * old one, then lets go of it.
	 */
	write_text(other, "2023-11-14\t00:00:00.000\tb\ts\tR\t7\tTS\t1\tb\n");
	ck_assert_int_eq(rename(other, path), 0);
	ck_assert_int_eq(unlink(claim), 0);
	close(fd);
	ck_assert_int_eq(tslog_ring_flush(&r), 0);
	ck_assert_int_eq(tslog_ring_flush(&r), 0);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "2,3");
	ring_nums(path, "b", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "7");
	put(&r, 4, 10);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "2,3,4");

	/*
	 * A compaction that never ends (its process stopped): close waits
	 * a moment, then writes anyway rather than lose the entry.
	 */
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
	put(&r, 5, 10);
	ck_assert_int_eq(tslog_ring_close(&r), 0);
	close(fd);
	ring_nums(path, "a", 0, nums, sizeof(nums));
	ck_assert_str_eq(nums, "2,3,4,5");

	ck_assert_int_eq(access(claim, F_OK), -1);
	test_rmtree(dir);
	free(claim);
	free(other);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_plog_format)
{
	char *dir = test_tmpdir(), *path = join(dir, PLOG_FILE);
	struct timespec ts = { STAMP0, 45000000 };
	char stamp[32], *want, *buf;
	size_t len;

	format_timestamp(stamp, sizeof(stamp), &ts);
	ck_assert_int_eq(plog_append(path, 0, &ts, "TS", 12, MT_NOTICE,
	    "main[s] 1 Started"), 0);
	ck_assert_int_eq(plog_append(path, 0, &ts, "SA", 3, MT_FATAL, ""), 0);
	want = xasprintf("%s: (TS, 12): NOTICE: main[s] 1 Started: \n====\n"
	    "%s: (SA, 3): FATAL ERROR: : \n====\n", stamp, stamp);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(len, strlen(want));
	free(buf);
	free(want);

	ck_assert_int_eq(plog_append(path, 0, &ts, "bad code", 1, MT_ERROR,
	    "x"), -1);

	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* Append text, read the log back, check the one record's text. */
static void
roundtrip(const char *text, const char *want)
{
	char *dir = test_tmpdir(), *path = join(dir, PLOG_FILE);
	struct timespec ts = { STAMP0, 0 };
	struct plog_record *v;
	size_t n, bad;

	ck_assert_int_eq(plog_append(path, 0, &ts, "LOG", 2, MT_WARNING, text),
	    0);
	ck_assert_int_eq(plog_read(path, &v, &n, &bad), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(bad, 0);
	ck_assert_str_eq(v[0].text, want);
	ck_assert_str_eq(v[0].code, "LOG");
	ck_assert_int_eq(v[0].number, 2);
	ck_assert_str_eq(v[0].type, "WARNING");
	plog_free(v, n);
	test_rmtree(dir);
	free(path);
	free(dir);
}

START_TEST(test_plog_multiline)
{
	roundtrip("line one\nline two\n\nline four: \n",
	    "line one\nline two\n\nline four: ");
	roundtrip("one\n", "one");
	roundtrip("\n", "");
	roundtrip("a\n\n", "a\n");
	roundtrip(": ", ": ");
}
END_TEST

START_TEST(test_plog_escapes)
{
	const char *text = "====\nx\n====\n=====more\n\\====\n\\\\two\n"
	    "\\\nend\\\n2023-11-14 22:13:20.000: (TS, 1): NOTICE: fake: \n"
	    "====";
	char *dir = test_tmpdir(), *path = join(dir, PLOG_FILE);
	struct timespec ts = { STAMP0, 0 };
	char *buf;

	roundtrip(text, text);
	roundtrip("\\", "\\");
	roundtrip("\\: ", "\\: ");

	ck_assert_int_eq(plog_append(path, 0, &ts, "TS", 1, MT_ERROR, text), 0);
	ck_assert_int_eq(read_file(path, &buf, NULL), 0);
	ck_assert_ptr_nonnull(strstr(buf, "ERROR: \\====\nx\n\\====\n"
	    "\\=====more\n\\\\====\n\\\\\\two\n\\\\\nend\\\n\\2023-11-14"));
	ck_assert_ptr_nonnull(strstr(buf, "fake: \n\\====: \n====\n"));
	free(buf);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_plog_bad)
{
	const char *rec1 =
	    "2023-11-14 22:13:20.000: (TS, 1): NOTICE: one: \n====\n";
	const char *rec2 =
	    "2023-11-14 22:13:21.000: (TS, 2): ERROR: two\nlines: \n====\n";
	const char *cut = "2023-11-14 22:13:22.000: (TS, 3): NOTICE: cut\n";
	const char *noend =
	    "2023-11-14 22:13:23.000: (TS, 4): NOTICE: no colon\n====\n";
	struct plog_record *v;
	size_t n, bad;
	char *buf;

	/* Garbage, a cut record, one without ": ", a truncated tail. */
	buf = xasprintf("junk\nmore junk\n%s====\n%s%s%s%s"
	    "2023-11-14 22:13:24.000: (TS, 5): NOTICE: tail\nno end: \n",
	    rec1, cut, rec2, noend, rec1);
	ck_assert_int_eq(plog_parse(buf, strlen(buf), &v, &n, &bad), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(bad, 5);
	ck_assert_str_eq(v[0].text, "one");
	ck_assert_str_eq(v[0].stamp, "2023-11-14 22:13:20.000");
	ck_assert_str_eq(v[1].text, "two\nlines");
	ck_assert_int_eq(v[1].number, 2);
	ck_assert_str_eq(v[2].text, "one");
	plog_free(v, n);
	free(buf);

	/* Headers that are almost right are garbage. */
	buf = xasprintf("%s"
	    "2023-11-14 22:13:20.000: (ts, 1): NOTICE: x: \n====\n"
	    "2023-11-14 22:13:20.000: (TS, 1): NOTE: x: \n====\n"
	    "2023-11-14 22:13:20.000: (TS,1): NOTICE: x: \n====\n"
	    "2023-11-14 22:13:20.00: (TS, 1): NOTICE: x: \n====\n"
	    "2023-11-14 22:13:20.000: (TOOLONGCODE, 1): NOTICE: x: \n====\n"
	    "2023-11-14 22:13:20.000: (TS, 1234567890): NOTICE: x: \n====\n"
	    "%s", rec1, rec2);
	ck_assert_int_eq(plog_parse(buf, strlen(buf), &v, &n, &bad), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(bad, 1);
	plog_free(v, n);
	free(buf);

	/* Nothing at all, and a lone header without a newline. */
	ck_assert_int_eq(plog_parse("", 0, &v, &n, &bad), 0);
	ck_assert_uint_eq(n + bad, 0);
	ck_assert_int_eq(plog_parse(rec1, 30, &v, &n, &bad), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(bad, 1);
	/* Every prefix of a valid log parses without harm. */
	buf = xasprintf("%s%s%s", rec1, rec2, cut);
	for (size_t i = 0; i <= strlen(buf); i++) {
		ck_assert_int_eq(plog_parse(buf, i, &v, &n, &bad), 0);
		plog_free(v, n);
	}
	free(buf);
}
END_TEST

#define CHILDREN	8
#define RECORDS		200

/* The text child c writes as its record i: sizes up to ~9 KB. */
static char *
child_text(int c, int i)
{
	size_t pad = (size_t)((c * 7919 + i * 104729) % 9000), k;
	char *s = xmalloc(pad + 64);
	int at = snprintf(s, 64, "child %d rec %d ", c, i);

	/* Lines of 80; no final newline, which the log would drop. */
	for (k = 0; k < pad; k++)
		s[at + (int)k] = k % 80 == 79 && k + 1 < pad ? '\n' :
		    (char)('a' + (c + i + (int)k) % 26);
	s[at + (int)pad] = '\0';
	return s;
}

START_TEST(test_plog_concurrent)
{
	char *dir = test_tmpdir(), *path = join(dir, PLOG_FILE);
	struct plog_record *v;
	int next[CHILDREN] = { 0 }, c, i, st, big = 0;
	size_t n, bad, k;
	pid_t pid;

	for (c = 0; c < CHILDREN; c++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct timespec ts;

			for (i = 0; i < RECORDS; i++) {
				char *t = child_text(c, i);

				clock_gettime(CLOCK_REALTIME, &ts);
				if (plog_append(path, 0, &ts, "TS", i,
				    MT_NOTICE, t) < 0)
					_exit(1);
				free(t);
			}
			_exit(0);
		}
	}
	for (c = 0; c < CHILDREN; c++) {
		ck_assert_int_gt(wait(&st), 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_int_eq(plog_read(path, &v, &n, &bad), 0);
	ck_assert_uint_eq(n, CHILDREN * RECORDS);
	ck_assert_uint_eq(bad, 0);
	for (k = 0; k < n; k++) {
		char *want;

		ck_assert_int_eq(sscanf(v[k].text, "child %d rec %d", &c, &i),
		    2);
		ck_assert(c >= 0 && c < CHILDREN);
		ck_assert_int_eq(i, next[c]);
		ck_assert_int_eq(v[k].number, i);
		next[c]++;
		want = child_text(c, i);
		ck_assert_str_eq(v[k].text, want);
		big += strlen(want) > 4096;
		free(want);
	}
	ck_assert_int_gt(big, 100);
	plog_free(v, n);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_missing)
{
	char *dir = test_tmpdir(), *path = join(dir, "nothing");
	struct plog_record *v = (void *)1;
	struct trace_entry *t = (void *)1, e;
	size_t n = 9, bad = 9;

	ck_assert_int_eq(plog_read(path, &v, &n, &bad), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(bad, 0);
	plog_free(v, n);
	ck_assert_int_eq(tslog_ring_read(path, &t, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(t);
	ck_assert_int_eq(tslog_ring_last(path, "a", &e), 0);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

START_TEST(test_tslog_msg)
{
	char *dir = test_tmpdir(), *ring = join(dir, TSLOG_FILE);
	char *perm = join(dir, PLOG_FILE), text[TRACE_TEXT_MAX], *want;
	const struct msgdef *d;
	struct tslog l;
	struct trace_entry *v;
	struct plog_record *p;
	size_t n, bad;

	setenv("TAPESOCK_NO_SYSLOG", "1", 1);
	tslog_init(&l, dir, "main", 's', 10, 0);
	ck_assert_int_eq(l.use_syslog, 0);

	/* Not kept in the permanent log. */
	d = catalog_get(MSG_TS_RUNNING);
	ck_assert(d->flags & MSGF_NOPERM);
	ck_assert_int_eq(tslog_msg(&l, 'R', 5, MSG_TS_RUNNING), 0);
	ck_assert_int_eq(tslog_ring_read(ring, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].text, msg_format(text, sizeof(text),
	    MSG_TS_RUNNING));
	ck_assert_str_eq(v[0].code, d->code);
	ck_assert_int_eq(v[0].number, d->number);
	ck_assert_int_eq(v[0].status, 'R');
	ck_assert_uint_eq(v[0].msgnum, 5);
	free(v);
	ck_assert_int_eq(access(perm, F_OK), -1);

	/* Dropped unless verbose. */
	ck_assert(catalog_get(MSG_TS_NREAD)->flags & MSGF_VERBOSE);
	ck_assert_int_eq(tslog_msg(&l, 'R', 6, MSG_TS_NREAD, (size_t)12,
	    "abc"), 0);
	ck_assert_int_eq(tslog_ring_read(ring, &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	free(v);
	l.verbose = 1;
	ck_assert_int_eq(tslog_msg(&l, 'R', 6, MSG_TS_NREAD, (size_t)12,
	    "abc"), 0);
	ck_assert_int_eq(tslog_ring_read(ring, &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[1].text, msg_format(text, sizeof(text),
	    MSG_TS_NREAD, (size_t)12, "abc"));
	free(v);

	/* A plain message reaches both files. */
	d = catalog_get(MSG_TS_STARTED);
	ck_assert(!(d->flags & (MSGF_NOPERM | MSGF_VERBOSE)));
	ck_assert_int_eq(tslog_msg(&l, 'R', 7, MSG_TS_STARTED), 0);
	ck_assert_int_eq(plog_read(perm, &p, &n, &bad), 0);
	/* The verbose Nread went there too, unless it is NOPERM. */
	ck_assert_uint_eq(n, 1 +
	    !(catalog_get(MSG_TS_NREAD)->flags & MSGF_NOPERM));
	ck_assert_uint_eq(bad, 0);
	want = xasprintf("main[s] 7 %s", msg_format(text, sizeof(text),
	    MSG_TS_STARTED));
	ck_assert_str_eq(p[n - 1].text, want);
	ck_assert_str_eq(p[n - 1].code, d->code);
	ck_assert_int_eq(p[n - 1].number, d->number);
	ck_assert_str_eq(p[n - 1].type, msgtype_name(d->type));
	free(want);
	plog_free(p, n);

	ck_assert_int_eq(tslog_close(&l), 0);

	/* An unwritable home is reported. */
	tslog_init(&l, "/nonexistent/tapesock", "main", 's', 10, 0);
	ck_assert_int_eq(tslog_msg(&l, 'R', 8, MSG_TS_STARTED), -1);
	tslog_close(&l);

	test_rmtree(dir);
	free(ring);
	free(perm);
	free(dir);
}
END_TEST

Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("log");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ring_keep);
	tcase_add_test(tc, test_ring_garbage);
	tcase_add_test(tc, test_ring_text);
	tcase_add_test(tc, test_ring_partial);
	tcase_add_test(tc, test_ring_flood);
	tcase_add_test(tc, test_ring_concurrent);
	tcase_add_test(tc, test_ring_held);
	tcase_add_test(tc, test_plog_format);
	tcase_add_test(tc, test_plog_multiline);
	tcase_add_test(tc, test_plog_escapes);
	tcase_add_test(tc, test_plog_bad);
	tcase_add_test(tc, test_plog_concurrent);
	tcase_add_test(tc, test_missing);
	tcase_add_test(tc, test_tslog_msg);
	suite_add_tcase(s, tc);
	return s;
}
