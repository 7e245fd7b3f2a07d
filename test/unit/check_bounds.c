/*
 * check_bounds.c — the bounds of issue 9 "Bounded resources" that can
 * be tested without a network: the permanent log's rotation at logmax
 * (concurrent writers included), the rate limit of repeated traces,
 * the control connections' deadline and hang-up, and the output
 * queue's cap over an in-memory link.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "server.h"
#include "tests.h"

#define ROT_CHILDREN	4
#define ROT_RECORDS	300

static double
elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return ts_diff(&now, t0);
}

static off_t
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* How many entries of the ring, and records of the permanent log (both
 * files), have code and number of id. */
static size_t
ring_count(const char *dir, enum msgid id)
{
	const struct msgdef *d = catalog_get(id);
	char *path = xasprintf("%s/%s", dir, TSLOG_FILE);
	struct trace_entry *v;
	size_t n, i, c = 0;

	ck_assert_int_eq(tslog_ring_read(path, &v, &n), 0);
	for (i = 0; i < n; i++)
		c += strcmp(v[i].code, d->code) == 0 &&
		    v[i].number == d->number;
	free(v);
	free(path);
	return c;
}

static size_t
plog_count(const char *dir, enum msgid id, struct plog_record *last)
{
	const struct msgdef *d = catalog_get(id);
	char *path = xasprintf("%s/%s", dir, PLOG_FILE);
	struct plog_record *v;
	size_t n, bad, i, c = 0;

	ck_assert_int_eq(plog_read_all(path, &v, &n, &bad), 0);
	ck_assert_uint_eq(bad, 0);
	for (i = 0; i < n; i++)
		if (strcmp(v[i].code, d->code) == 0 &&
		    v[i].number == d->number) {
			c++;
			if (last != NULL) {
				free(last->text);
				*last = v[i];
				last->text = xstrdup(v[i].text);
			}
		}
	plog_free(v, n);
	free(path);
	return c;
}

/* One writer: the file is renamed .1 once it reaches logmax, and the
 * two together hold every record of the last two generations. */
START_TEST(test_rotate)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/%s", dir, PLOG_FILE);
	char *old = xasprintf("%s%s", path, PLOG_OLD), text[64];
	struct plog_record *v;
	struct timespec ts = { 1700000000, 0 };
	size_t n, bad;
	int i, rotations = 0;
	off_t before, after;

	for (i = 0; i < 2000; i++) {
		snprintf(text, sizeof(text), "record %d", i);
		before = file_size(path);
		ck_assert_int_eq(plog_append(path, 8192, &ts, "TS", 1,
		    MT_NOTICE, text), 0);
		after = file_size(path);
		if (after < 0)
			rotations++;	/* the next record begins one */
		/* Never much past logmax: one record beyond at most. */
		ck_assert_int_lt(after, 8192 + 100);
		ck_assert_int_lt(file_size(old), 8192 + 100);
		(void)before;
	}
	ck_assert_int_gt(rotations, 10);
	ck_assert_int_eq(plog_read_all(path, &v, &n, &bad), 0);
	ck_assert_uint_eq(bad, 0);
	/* The newest are all there, in order, each once. */
	ck_assert_uint_gt(n, 100);
	for (i = 0; i < (int)n; i++) {
		snprintf(text, sizeof(text), "record %d", 2000 - (int)n + i);
		ck_assert_str_eq(v[i].text, text);
	}
	plog_free(v, n);
	/* logmax 0 never rotates. */
	unlink(path);
	unlink(old);
	for (i = 0; i < 200; i++)
		ck_assert_int_eq(plog_append(path, 0, &ts, "TS", 1, MT_NOTICE,
		    "0123456789012345678901234567890123456789"), 0);
	ck_assert_int_gt(file_size(path), 8192);
	ck_assert_int_eq(file_size(old), -1);
	test_rmtree(dir);
	free(old);
	free(path);
	free(dir);
}
END_TEST

/*
 * Writers at once, through one rotation: every record is read back
 * (ts.log,log.1 then ts.log,log) exactly once, and each writer's in
 * the order it wrote them.  Several writers see the file full at
 * once; only one renames it.
 */
START_TEST(test_rotate_concurrent)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/%s", dir, PLOG_FILE);
	char *old = xasprintf("%s%s", path, PLOG_OLD);
	struct plog_record *v;
	int next[ROT_CHILDREN] = { 0 }, c, i, st;
	size_t n, bad, k;
	pid_t pid;

	for (c = 0; c < ROT_CHILDREN; c++) {
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			struct timespec ts;
			char text[128];

			for (i = 0; i < ROT_RECORDS; i++) {
				snprintf(text, sizeof(text), "child %d rec %d "
				    "padding padding padding padding", c, i);
				clock_gettime(CLOCK_REALTIME, &ts);
				/* ~100 bytes a record, 120 KB in all: one
				 * rotation at 80 KB, none of the second
				 * generation's 40 KB. */
				if (plog_append(path, 80 * 1024, &ts, "TS", i,
				    MT_NOTICE, text) < 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (c = 0; c < ROT_CHILDREN; c++) {
		ck_assert_int_gt(wait(&st), 0);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	ck_assert_int_gt(file_size(old), 80 * 1024 - 1);
	ck_assert_int_eq(plog_read_all(path, &v, &n, &bad), 0);
	ck_assert_uint_eq(bad, 0);
	ck_assert_uint_eq(n, ROT_CHILDREN * ROT_RECORDS);
	for (k = 0; k < n; k++) {
		ck_assert_int_eq(sscanf(v[k].text, "child %d rec %d", &c, &i),
		    2);
		ck_assert(c >= 0 && c < ROT_CHILDREN);
		ck_assert_int_eq(i, next[c]);
		next[c]++;
	}
	plog_free(v, n);
	test_rmtree(dir);
	free(old);
	free(path);
	free(dir);
}
END_TEST

/*
 * 20,000 identical traces (a peer's duplicate DATA frames, each a
 * "Seq error"): TSLOG_BURST_MAX written, the rest summed up once,
 * before the next other record; and quickly, no trace waiting for the
 * disk.  Verbose traces, the operator's choice, are not limited: the
 * same number of them, each written to ts.log and the permanent log
 * on this disk, shows no fsync per trace either.
 */
START_TEST(test_repeats)
{
	char *dir = test_tmpdir();
	struct plog_record last = { .text = NULL };
	struct timespec t0, due, now;
	struct tslog l;
	double secs;
	char *want;
	int i;

	setenv("TAPESOCK_NO_SYSLOG", "1", 1);
	tslog_init(&l, dir, "main", 'r', 100, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20000; i++)
		ck_assert_int_eq(tslog_msg(&l, 'R', 5, MSG_TS_SEQ_ERROR,
		    (unsigned long long)i), 0);
	secs = elapsed(&t0);
	printf("bounds: 20000 Seq error traces in %.3f s\n", secs);
	ck_assert(secs < 10);
	ck_assert_uint_eq(ring_count(dir, MSG_TS_SEQ_ERROR), TSLOG_BURST_MAX);
	ck_assert_uint_eq(plog_count(dir, MSG_TS_SEQ_ERROR, NULL),
	    TSLOG_BURST_MAX);
	ck_assert_uint_eq(plog_count(dir, MSG_LOG_REPEATED, NULL), 0);
	/* Its window's end is the deadline a server wakes for. */
	tslog_repeats_due(&l, &due);
	ck_assert(due.tv_sec != 0);
	ck_assert(ts_diff(&due, &t0) <= TSLOG_BURST_WINDOW + 1);

	/* Another record: the summary comes first. */
	ck_assert_int_eq(tslog_msg(&l, 'R', 5, MSG_TS_STARTED), 0);
	ck_assert_uint_eq(plog_count(dir, MSG_LOG_REPEATED, &last), 1);
	want = xasprintf("main[r] 5 (TS, %d) repeated %d more times in ",
	    catalog_get(MSG_TS_SEQ_ERROR)->number, 20000 - TSLOG_BURST_MAX);
	ck_assert_msg(strncmp(last.text, want, strlen(want)) == 0, "%s",
	    last.text);
	ck_assert(strstr(last.text, "the last: Seq error 19999") != NULL);
	free(want);
	ck_assert_uint_eq(plog_count(dir, MSG_TS_STARTED, NULL), 1);
	tslog_repeats_due(&l, &due);
	ck_assert_int_eq(due.tv_sec, 0);

	/* The flood goes on in the same window: held back, then summed up
	 * when the window ends (tslog_flush at the deadline). */
	for (i = 0; i < 25; i++)
		tslog_msg(&l, 'R', 6, MSG_TS_SEQ_ERROR, (unsigned long long)i);
	ck_assert_uint_eq(plog_count(dir, MSG_TS_SEQ_ERROR, NULL),
	    TSLOG_BURST_MAX);
	tslog_repeats_due(&l, &due);
	ck_assert(due.tv_sec != 0);
	now = due;
	now.tv_sec -= 1;
	ck_assert_int_eq(tslog_repeats_flush(&l, &now), 0);
	ck_assert_uint_eq(plog_count(dir, MSG_LOG_REPEATED, NULL), 1);
	ck_assert_int_eq(tslog_repeats_flush(&l, &due), 0);
	ck_assert_uint_eq(plog_count(dir, MSG_LOG_REPEATED, &last), 2);
	ck_assert(strstr(last.text, "repeated 25 more times") != NULL);
	/* A new window: the message is written again. */
	ck_assert_int_eq(tslog_msg(&l, 'R', 7, MSG_TS_SEQ_ERROR,
	    (unsigned long long)7), 0);
	ck_assert_uint_eq(plog_count(dir, MSG_TS_SEQ_ERROR, NULL),
	    TSLOG_BURST_MAX + 1);

	/* Verbose traces are not limited, and cost no fsync each. */
	l.verbose = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 20000; i++)
		ck_assert_int_eq(tslog_msg(&l, 'R', 8, MSG_TS_NREAD,
		    (size_t)i, ""), 0);
	secs = elapsed(&t0);
	printf("bounds: 20000 verbose traces written in %.3f s\n", secs);
	ck_assert(secs < 30);
	ck_assert_uint_eq(plog_count(dir, MSG_TS_NREAD, NULL), 20000);

	/* What is held back at close is summed up. */
	for (i = 0; i < TSLOG_BURST_MAX + 3; i++)
		tslog_msg(&l, 'R', 9, MSG_TS_LOCAL_QUERY);
	ck_assert_int_eq(tslog_close(&l), 0);
	ck_assert_uint_eq(plog_count(dir, MSG_LOG_REPEATED, &last), 3);
	ck_assert(strstr(last.text, "repeated 3 more times") != NULL);
	free(last.text);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* More messages flooding than the limiter tracks: each still written at
 * most TSLOG_BURST_MAX times a window, or summed up. */
START_TEST(test_repeats_many)
{
	static const enum msgid ids[] = {
		MSG_TS_SEQ_ERROR, MSG_TS_LOCAL_QUERY, MSG_TS_STARTED,
		MSG_TS_STOPPED, MSG_TS_ACK_TIMEOUT, MSG_SRV_PEER_SILENT,
		MSG_SRV_CONTROL_BUSY, MSG_SRV_CONTROL_TIMEOUT,
		MSG_SRV_CONTROL_GONE, MSG_SRV_OUTQ_FULL,
	};
	char *dir = test_tmpdir();
	struct tslog l;
	size_t k;
	int i;

	setenv("TAPESOCK_NO_SYSLOG", "1", 1);
	tslog_init(&l, dir, "main", 'r', 10, 0);
	for (i = 0; i < 1000; i++)
		for (k = 0; k < ARRAY_LEN(ids); k++)
			switch (ids[k]) {
			case MSG_TS_SEQ_ERROR:
				tslog_msg(&l, 'R', 1, ids[k], 1ULL);
				break;
			case MSG_SRV_PEER_SILENT:
				tslog_msg(&l, 'R', 1, ids[k], 3);
				break;
			case MSG_SRV_CONTROL_BUSY:
			case MSG_SRV_CONTROL_TIMEOUT:
				tslog_msg(&l, 'R', 1, ids[k], 0u, 1L, 4);
				break;
			case MSG_SRV_CONTROL_GONE:
				tslog_msg(&l, 'R', 1, ids[k], "STOP", 0u, 1L);
				break;
			case MSG_SRV_OUTQ_FULL:
				tslog_msg(&l, 'R', 1, ids[k], (size_t)1);
				break;
			default:
				tslog_msg(&l, 'R', 1, ids[k]);
			}
	ck_assert_int_eq(tslog_close(&l), 0);
	/* 10 messages x 1000 would be 10,000 records. */
	ck_assert_uint_lt(plog_count(dir, MSG_TS_SEQ_ERROR, NULL) +
	    plog_count(dir, MSG_TS_STARTED, NULL) +
	    plog_count(dir, MSG_LOG_REPEATED, NULL), 3000);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* A control connection's deadline, and a client that hung up. */
START_TEST(test_control_deadline)
{
	struct control_conn c;
	struct timespec now;
	int sv[2];

	memset(&c, 0, sizeof(c));
	c.deadline.tv_sec = 100;
	c.deadline.tv_nsec = 500;
	now.tv_sec = 99;
	now.tv_nsec = 999999999;
	ck_assert_int_eq(control_expired(&c, &now), 0);
	now.tv_sec = 100;
	now.tv_nsec = 499;
	ck_assert_int_eq(control_expired(&c, &now), 0);
	now.tv_nsec = 500;
	ck_assert_int_eq(control_expired(&c, &now), 1);
	now.tv_sec = 101;
	now.tv_nsec = 0;
	ck_assert_int_eq(control_expired(&c, &now), 1);

	/* A client still there; one that half-closed after its request
	 * (it still reads its answer); one that closed. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	c.fd = sv[0];
	ck_assert_int_eq(write(sv[1], "STOP 30\n", 8), 8);
	ck_assert_int_eq(control_gone(&c), 0);
	ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
	ck_assert_int_eq(control_gone(&c), 0);
	close(sv[1]);
	ck_assert_int_eq(control_gone(&c), 1);
	close(sv[0]);
}
END_TEST

/* An accepted connection gets its deadline CONTROL_IDLE_S on. */
START_TEST(test_control_accept_deadline)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/t.sock", dir);
	struct sockaddr_un sa;
	struct control_conn c;
	struct timespec now;
	struct errbuf err;
	int lfd, cfd;

	lfd = control_listen(path, 0600, &err);
	ck_assert_int_ge(lfd, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	cfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(cfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(control_accept(lfd, &c, &err), 1);
	clock_gettime(CLOCK_MONOTONIC, &now);
	ck_assert_int_eq(control_expired(&c, &now), 0);
	ck_assert(ts_diff(&c.deadline, &now) > CONTROL_IDLE_S - 1);
	ck_assert(ts_diff(&c.deadline, &now) <= CONTROL_IDLE_S);
	now.tv_sec += CONTROL_IDLE_S + 1;
	ck_assert_int_eq(control_expired(&c, &now), 1);
	control_close(&c);
	close(cfd);
	control_unlisten(lfd, path);
	test_rmtree(dir);
	free(path);
	free(dir);
}
END_TEST

/* ---- the output queue over an in-memory link ---------------------------- */

static int downs;

static void
fake_link_down(struct server *s)
{
	downs++;
}

static const struct role fake_role = {
	.name = "input", .type = "IN", .logtype = 'r', .sender = 0,
	.link = LINK_LISTEN, .link_down = fake_link_down,
};

static void
fake_server(struct server *s, const char *dir)
{
	memset(s, 0, sizeof(*s));
	s->role = &fake_role;
	s->sock = s->pipe_fd = s->ctl_fd = s->ino_fd = -1;
	s->listen_fd = s->pend_fd = -1;
	s->sletter = 'R';
	s->connected = 1;	/* up, with no socket: the test is the peer */
	tslog_init(&s->log, dir, "in", 'r', 100, 0);
}

/*
 * A peer that sends and never reads: each of its HEARTBEATs queues a
 * HEARTBEAT_ACK.  Up to SRV_OUTQ_MAX they wait; the one past it drops
 * the link, traced.  Once the queue is empty its memory goes back.
 */
START_TEST(test_outq_cap)
{
	char *dir = test_tmpdir();
	struct server s;
	size_t frames = 0;
	int r;

	setenv("TAPESOCK_NO_SYSLOG", "1", 1);
	fake_server(&s, dir);
	downs = 0;
	while ((r = server_queue_frame(&s, FT_HEARTBEAT_ACK, 0, frames, NULL,
	    0)) == 0)
		frames++;
	ck_assert_int_eq(r, -1);
	ck_assert_uint_eq(frames, SRV_OUTQ_MAX / FRAME_HDR_LEN);
	ck_assert_int_eq(server_linked(&s), 0);
	ck_assert_int_eq(downs, 1);
	ck_assert_uint_le(s.out.len - s.out.off, SRV_OUTQ_MAX);
	ck_assert_uint_eq(ring_count(dir, MSG_SRV_OUTQ_FULL), 1);
	/* A dropped link queues no more. */
	ck_assert_int_eq(server_queue_frame(&s, FT_ACK, 0, 1, NULL, 0), -1);
	ck_assert_int_eq(downs, 1);

	/* The peer (here, the test) took it all: the memory goes back. */
	ck_assert_uint_gt(s.out.cap, SRV_OUTQ_KEEP);
	s.out.off = s.out.len;
	server_outq_trim(&s);
	ck_assert_ptr_null(s.out.buf);
	ck_assert_uint_eq(s.out.cap, 0);

	/* A working link's queue is kept: no free and grow at each turn. */
	s.connected = 1;
	ck_assert_int_eq(server_queue_frame(&s, FT_ACK, 0, 1, NULL, 0), 0);
	s.out.off = s.out.len;
	server_outq_trim(&s);
	ck_assert_ptr_nonnull(s.out.buf);
	ck_assert_int_eq(server_linked(&s), 1);
	free(s.out.buf);
	tslog_close(&s.log);
	test_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
bounds_suite(void)
{
	Suite *s = suite_create("bounds");
	TCase *tc = tcase_create("bounds");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rotate);
	tcase_add_test(tc, test_rotate_concurrent);
	tcase_add_test(tc, test_repeats);
	tcase_add_test(tc, test_repeats_many);
	tcase_add_test(tc, test_control_deadline);
	tcase_add_test(tc, test_control_accept_deadline);
	tcase_add_test(tc, test_outq_cap);
	suite_add_tcase(s, tc);
	return s;
}
