/*
 * check_roles.c — the two roles face to face, in memory, with no socket
 * (the harness, roles_pair.c, is the link).
 *
 * What it proves: a stream of blocks and tape marks arrives in order and
 * once; numbering survives a link down and up (resume, duplicates); the
 * window; gaps under each lost= policy; SYNC forward and backward; and
 * each refusal of doc/PROTOCOL.md answers with its ERROR (or a bare
 * close for a frame that does not decode), drops the link and leaves
 * the receiver's state file and the sender's spool as they were.  The
 * protocol's own checks against a peer that lies (issue 9): names,
 * a stream of zeros, SYNC past what the sender holds, rshut=OFF, the
 * announced maxpayload, a second HELLO or HELLO_ACK, a HEARTBEAT flood,
 * a peer's text with escape sequences.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "codec.h"
#include "crc32c.h"
#include "roles_pair.h"
#include "srvconf.h"
#include "svr_common.h"
#include "tests.h"

/* ---- delivery ------------------------------------------------------ */

START_TEST(test_stream_in_order)
{
	struct pair *p = rp_new(LOST_STOP);

	rp_link_both(p);
	/* The receiver adopted the sender's stream, and recorded it. */
	ck_assert_mem_eq(p->b.s.stream, p->a.s.stream, HELLO_STREAM_LEN);
	ck_assert_mem_eq(rp_rcv(p)->st.st.stream, p->a.s.stream,
	    HELLO_STREAM_LEN);
	rp_feed(p, 'a', 1000);
	rp_run(p);
	rp_feed(p, 'b', 1000);
	rp_feed(p, 'c', 1000);
	rp_mark(p);
	rp_run(p);
	rp_feed(p, 'd', 1000);
	rp_feed(p, 'e', 1000);
	rp_mark(p);
	rp_run(p);
	/* 5 blocks and 2 marks: 7 messages, each once, in order. */
	ck_assert_uint_eq(p->b.marks, 2);
	ck_assert_uint_eq(p->b.mark_at[0], 3000);
	ck_assert_uint_eq(p->b.mark_at[1], 5000);
	ck_assert_uint_eq(p->b.got_len, 5000);
	rp_expect_blocks(&p->b, 0, 'a', 5, 1000);
	ck_assert_uint_eq(p->b.s.curmsg, 7);
	ck_assert_uint_eq(rp_rcv(p)->st.st.last, 7);
	ck_assert_uint_eq(p->a.s.curmsg, 7);
	ck_assert_uint_eq(p->a.s.acked, 7);
	ck_assert_uint_eq(rp_snd(p)->spool->first, 8);
	ck_assert(!rp_traced(&p->b, "Seq error"));
	rp_free(p);
}
END_TEST

/*
 * Issue 10 section 2: with (V each block trace carries a hex dump of
 * the data's first 16 bytes, and the sender's msgin counts its pipe's
 * blocks, not the receiver's frames.
 */
START_TEST(test_block_traces_and_counts)
{
	struct pair *p = rp_new(LOST_STOP);
	const char *hex16 = "62626262626262626262626262626262";
	char want[64];
	int k;

	p->a.s.opts |= OPT_V;		/* as traceon does */
	p->b.s.opts |= OPT_V;
	p->a.s.log.verbose = p->b.s.log.verbose = 1;
	rp_link_both(p);
	rp_feed(p, 'b', 500);
	rp_feed(p, 'b', 7);
	rp_run(p);
	ck_assert_uint_eq(p->a.s.acked, 2);
	for (k = 0; k < 4; k++) {
		snprintf(want, sizeof(want), "%s 500 %s\n",
		    (const char *[]){ "Pread", "Nwrit", "Nread", "Pwrit" }[k],
		    hex16);
		ck_assert_msg(rp_traced(k < 2 ? &p->a : &p->b, want),
		    "no '%s'", want);
	}
	/* Shorter than 16 bytes: all of it, no more. */
	ck_assert(rp_traced(&p->a, "Pread 7 62626262626262\n"));
	ck_assert(rp_traced(&p->b, "Pwrit 7 62626262626262\n"));
	/* The ACKs are traced with their header, and not counted. */
	ck_assert(rp_traced(&p->a, "Nread 0 "));
	ck_assert_uint_eq(p->a.s.msgin, 2);
	ck_assert_uint_eq(p->b.s.msgout, 2);
	ck_assert_uint_ge(p->b.s.msgin, 3);	/* HELLO and the two */
	rp_free(p);
}
END_TEST

/* What was in flight when the link went is sent again, and only that. */
START_TEST(test_resume_resends_unacked)
{
	struct pair *p = rp_new(LOST_STOP);
	uint64_t first = 0, last = 0, sent;

	rp_link_both(p);
	rp_feed(p, 'a', 500);
	rp_feed(p, 'b', 500);
	rp_feed(p, 'c', 500);
	rp_run(p);
	ck_assert_uint_eq(p->a.s.acked, 3);
	rp_feed(p, 'd', 500);
	rp_feed(p, 'e', 500);
	ck_assert_uint_eq(rp_queued_count(&p->a, FT_DATA, &first, &last), 2);
	ck_assert_uint_eq(first, 4);
	ck_assert_uint_eq(last, 5);
	rp_cut_both(p);		/* DATA 4 and 5 never arrive */
	ck_assert_uint_eq(p->a.s.disconnects, 1);
	ck_assert_uint_eq(p->a.s.curmsg - p->a.s.acked, 2);	/* spooled */
	sent = p->a.s.msgout;
	rp_link_both(p);
	/* HELLO, then exactly DATA 4 and 5 again. */
	ck_assert_uint_eq(p->a.s.msgout - sent, 3);
	ck_assert_uint_eq(p->b.got_len, 2500);
	rp_expect_blocks(&p->b, 0, 'a', 5, 500);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	ck_assert_uint_eq(p->a.s.acked, 5);
	/* Numbering goes on after the resume. */
	rp_feed(p, 'f', 500);
	rp_run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 6);
	ck_assert_uint_eq(p->a.s.acked, 6);
	rp_free(p);
}
END_TEST

/* Written but the ACK lost: the receiver drops what it has, once. */
START_TEST(test_resume_duplicates_dropped)
{
	struct pair *p = rp_new(LOST_STOP);
	uint8_t copy[4096];
	size_t copy_len;
	uint64_t sent;

	rp_link_both(p);
	rp_feed(p, 'a', 500);
	rp_feed(p, 'b', 500);
	rp_feed(p, 'c', 500);
	rp_run(p);
	rp_feed(p, 'd', 500);
	rp_feed(p, 'e', 500);
	copy_len = p->a.s.out.len - p->a.s.out.off;
	ck_assert_uint_le(copy_len, sizeof(copy));
	memcpy(copy, p->a.s.out.buf + p->a.s.out.off, copy_len);
	rp_carry(&p->a, &p->b);
	rp_side_turn(&p->b);
	rp_reader_drain(&p->b);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	p->b.s.out.off = p->b.s.out.len = 0;	/* its ACK 5 is lost */
	/* The same two frames again: each a duplicate, answered ACK 5. */
	rp_inject_raw(&p->b, (const uint8_t *)copy, copy_len);
	ck_assert(server_linked(&p->b.s));
	ck_assert(rp_traced(&p->b, "Seq error 4"));
	ck_assert(rp_traced(&p->b, "Seq error 5"));
	ck_assert_uint_eq(rp_queued_count(&p->b, FT_ACK, NULL, NULL), 2);
	rp_side_turn(&p->b);
	rp_reader_drain(&p->b);
	ck_assert_uint_eq(p->b.got_len, 2500);
	rp_cut_both(p);
	/* The sender still holds 4 and 5; the receiver says it has them. */
	ck_assert_uint_eq(p->a.s.acked, 3);
	sent = p->a.s.msgout;
	rp_link_both(p);
	ck_assert_uint_eq(p->a.s.msgout - sent, 1);	/* the HELLO alone */
	ck_assert_uint_eq(p->a.s.acked, 5);
	ck_assert_uint_eq(rp_snd(p)->spool->first, 6);
	ck_assert_uint_eq(p->b.got_len, 2500);
	rp_expect_blocks(&p->b, 0, 'a', 5, 500);
	rp_free(p);
}
END_TEST

/* Never more than SRV_WINDOW frames sent and not acknowledged. */
START_TEST(test_window)
{
	struct pair *p = rp_new(LOST_STOP);
	uint64_t first = 0, last = 0;
	int i;

	rp_link_both(p);
	for (i = 0; i < 100; i++)
		rp_feed(p, 'A' + i % 26, 100);
	ck_assert_uint_eq(p->a.s.curmsg, 100);
	ck_assert_uint_eq(rp_queued_count(&p->a, FT_DATA, &first, &last),
	    SRV_WINDOW);
	ck_assert_uint_eq(first, 1);
	ck_assert_uint_eq(last, SRV_WINDOW);
	ck_assert_uint_eq(rp_snd(p)->send_next, SRV_WINDOW + 1);
	rp_run(p);		/* check_window holds at every turn */
	ck_assert_uint_eq(p->a.s.acked, 100);
	ck_assert_uint_eq(p->b.s.curmsg, 100);
	ck_assert_uint_eq(p->b.got_len, 100 * 100);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(p->b.got[i * 100 + 99], 'A' + i % 26);
	rp_free(p);
}
END_TEST

/* DATA n of len bytes, each 'A' + n, into the receiver of p. */
static void
inject_block(struct pair *p, uint8_t *buf, uint64_t n, uint32_t len)
{
	memset(buf, 'A' + (int)n, len);
	rp_inject(&p->b, FT_DATA, n, 0, buf, len);
}

/* Once the reader has read, blocks 1..n of inject_block are in the
 * pipe, in order, and the window is empty. */
static void
expect_written(struct pair *p, uint64_t n, uint32_t len)
{
	rp_reader_drain(&p->b);
	ck_assert_uint_eq(p->b.s.curmsg, n);
	ck_assert_uint_eq(rp_rcv(p)->win_count, 0);
	ck_assert_uint_eq(p->b.got_len, (size_t)n * len);
	rp_expect_blocks(&p->b, 0, 'A' + 1, (int)n, len);
}

/*
 * The receiver writes a frame that is next straight from its receive
 * buffer; what a full pipe does not take waits in the window, copied,
 * and goes in order once the reader reads.  Every message completed
 * is recorded as the last one before the frames at hand are left.
 */
START_TEST(test_direct_write_full_pipe)
{
	enum { BLK = 65536, N = 24 };	/* 1.5 MiB: more than the pipe */
	struct pair *p = rp_new(LOST_STOP);
	struct receiver *r;
	uint8_t *buf = xmalloc(BLK);
	uint64_t n;
	int i;

	rp_link_both(p);
	r = rp_rcv(p);
	for (n = 1; n <= N; n++) {
		inject_block(p, buf, n, BLK);
		ck_assert_uint_eq(r->st.st.last, p->b.s.curmsg);
		if (r->write_off > 0)
			ck_assert_uint_eq(r->st.st.writing, win_at(r, 0)->n);
	}
	ck_assert_uint_gt(r->win_count, 0);
	ck_assert_uint_lt(p->b.s.curmsg, N);
	/* The receiver alone: its ACKs are of frames the sender never
	 * sent, so they do not go to it. */
	for (i = 0; i < 10000 && p->b.s.curmsg < N; i++) {
		rp_reader_drain(&p->b);
		rp_side_turn(&p->b);
	}
	expect_written(p, N, BLK);
	ck_assert_uint_eq(r->st.st.last, N);
	free(buf);
	rp_free(p);
}
END_TEST

/* The payload bytes the window holds. */
static size_t
win_held(struct receiver *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->win_count; i++)
		n += win_at(r, i)->len;
	return n;
}

/*
 * The window's payloads are in one ring of WIN_BYTES: with a reader
 * that does not read, what does not fit waits in the receive buffer
 * (and, on a real link, the socket), so the receiver's memory stays
 * bounded.  Everything comes in order once the reader reads, across
 * many turns of the ring.
 */
START_TEST(test_window_bytes)
{
	enum { BLK = SRV_BLOCK, N = 80 };	/* 10 MiB */
	struct pair *p = rp_new(LOST_STOP);
	struct receiver *r;
	uint8_t *buf = xmalloc(BLK);
	uint64_t n = 1;
	int i;

	rp_link_both(p);
	r = rp_rcv(p);
	/* As much as the receive buffer takes, the reader away. */
	while (p->b.s.rlen + FRAME_HDR_LEN + BLK <= SRV_RBUF) {
		inject_block(p, buf, n++, BLK);
		ck_assert_uint_le(win_held(r), WIN_BYTES);
	}
	ck_assert_uint_gt(p->b.s.rlen, 0);	/* frames left waiting */
	ck_assert_uint_le(r->win_count, WIN_BYTES / BLK);
	for (i = 0; i < 100000 && p->b.s.curmsg < N; i++) {
		rp_reader_drain(&p->b);
		rp_side_turn(&p->b);
		if (n <= N && p->b.s.rlen + FRAME_HDR_LEN + BLK <= SRV_RBUF)
			inject_block(p, buf, n++, BLK);
		ck_assert_uint_le(win_held(r), WIN_BYTES);
		ck_assert_uint_le(r->ring_msgs, r->win_count);
	}
	expect_written(p, N, BLK);
	ck_assert_uint_eq(r->ring_msgs, 0);
	free(buf);
	rp_free(p);
}
END_TEST

/*
 * The reader leaves when the pipe has taken part of a block: "Pwrit
 * trunc=n" with the block's length, then Broken pipe, and the rest of
 * the tape file is passed over.
 */
START_TEST(test_pwrit_trunc)
{
	enum { BLK = 50000, N = 40 };	/* no multiple of the pipe's size */
	struct pair *p = rp_new(LOST_STOP);
	struct sigaction sa, was;
	struct receiver *r;
	uint8_t *buf = xmalloc(BLK);
	char want[32];
	uint64_t n;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;	/* as the daemon has it */
	ck_assert_int_eq(sigaction(SIGPIPE, &sa, &was), 0);
	rp_link_both(p);
	r = rp_rcv(p);
	if (p->b.fd < 0)
		rp_reader_open(&p->b);	/* and never reads */
	/* The first block makes the receiver open its pipe (it retries
	 * every 0.1 s while no reader has it open). */
	memset(buf, 'A', BLK);
	rp_inject(&p->b, FT_DATA, 1, 0, buf, BLK);
	for (n = 0; n < 300 && p->b.s.pipe_fd < 0; n++) {
		usleep(10000);
		rp_side_turn(&p->b);
	}
	ck_assert_int_ge(p->b.s.pipe_fd, 0);
	for (n = 2; n <= N && r->write_off == 0; n++) {
		memset(buf, 'A', BLK);
		rp_inject(&p->b, FT_DATA, n, 0, buf, BLK);
	}
	ck_assert_uint_gt(r->write_off, 0);
	ck_assert(!rp_traced(&p->b, "Pwrit trunc="));
	close(p->b.fd);			/* the reader goes, mid-block */
	p->b.fd = -1;
	rp_side_turn(&p->b);
	snprintf(want, sizeof(want), "Pwrit trunc=%d\n", BLK);
	ck_assert_msg(rp_traced(&p->b, want), "no '%s'", want);
	ck_assert(rp_traced(&p->b, "Broken pipe"));
	ck_assert_int_eq(sigaction(SIGPIPE, &was, NULL), 0);
	free(buf);
	rp_free(p);
}
END_TEST

/* ---- gaps, SYNC ---------------------------------------------------- */

/* Two blocks delivered, then the peer jumps to 5: lost 3 and 4. */
static struct pair *
gap_pair(int policy, char **state, size_t *state_len)
{
	struct pair *p = rp_new(policy);
	uint8_t x[10];

	memset(x, 'x', sizeof(x));
	rp_link_both(p);
	rp_feed(p, 'a', 100);
	rp_feed(p, 'b', 100);
	rp_run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 2);
	*state = rp_state_image(&p->b, state_len);
	rp_inject(&p->b, FT_DATA, 5, 0, x, sizeof(x));
	ck_assert(rp_traced(&p->b, "Lost msg=5"));
	return p;
}

START_TEST(test_gap_stop)
{
	char text[128], *was, *now;
	size_t was_len, now_len;
	struct pair *p = gap_pair(LOST_STOP, &was, &was_len);

	ck_assert_str_eq(rp_queued_error(&p->b, text, sizeof(text)),
	    "messages lost: receiver stopped (lost=stop)");
	ck_assert(!server_linked(&p->b.s));
	ck_assert(p->b.s.done);
	ck_assert_int_eq(p->b.s.exit_code, 1);
	now = rp_state_image(&p->b, &now_len);
	rp_same_image(was, was_len, now, now_len, "state file");
	ck_assert_uint_eq(p->b.s.curmsg, 2);
	rp_reader_drain(&p->b);
	ck_assert_uint_eq(p->b.got_len, 200);
	free(was);
	free(now);
	rp_free(p);
}
END_TEST

START_TEST(test_gap_refuse)
{
	char text[128], *was, *now;
	size_t was_len, now_len;
	struct pair *p = gap_pair(LOST_REFUSE, &was, &was_len);

	ck_assert_str_eq(rp_queued_error(&p->b, text, sizeof(text)),
	    "messages lost: refused (lost=refuse)");
	ck_assert(!server_linked(&p->b.s));
	ck_assert(!p->b.s.done);
	now = rp_state_image(&p->b, &now_len);
	rp_same_image(was, was_len, now, now_len, "state file");
	free(was);
	free(now);
	/* The sender hears why; the next link goes on from 3. */
	rp_run(p);
	ck_assert(!server_linked(&p->a.s));
	ck_assert(rp_traced(&p->a, "lost=refuse"));
	rp_link_both(p);
	rp_feed(p, 'c', 100);
	rp_run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 3);
	ck_assert_uint_eq(p->b.got_len, 300);
	rp_expect_blocks(&p->b, 0, 'a', 3, 100);
	rp_free(p);
}
END_TEST

START_TEST(test_gap_accept)
{
	char *was;
	size_t was_len;
	struct pair *p = gap_pair(LOST_ACCEPT, &was, &was_len);
	int i;

	free(was);
	ck_assert(server_linked(&p->b.s));
	for (i = 0; i < 100 && p->b.s.curmsg != 5; i++) {
		rp_side_turn(&p->b);
		rp_reader_drain(&p->b);
	}
	/* Block 5 may have gone into the pipe at once, from the receive
	 * buffer (in_write_direct), before any turn: read it. */
	rp_reader_drain(&p->b);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	ck_assert_uint_eq(rp_rcv(p)->lost, 2);
	ck_assert_uint_eq(rp_rcv(p)->st.st.last, 5);
	ck_assert_uint_eq(rp_rcv(p)->st.st.lost, 2);
	ck_assert_uint_eq(p->b.got_len, 210);
	ck_assert_int_eq(p->b.got[209], 'x');
	rp_free(p);
}
END_TEST

/*
 * The receiver's state went back (a new one): resume is refused, the
 * spool kept; the operator's resync moves the receiver on with SYNC.
 */
START_TEST(test_sync_forward)
{
	struct pair *p = rp_new(LOST_STOP);
	char *was, *now;
	size_t was_len, now_len;
	const char *r;

	rp_link_both(p);
	rp_feed(p, 'a', 100);
	rp_feed(p, 'b', 100);
	rp_feed(p, 'c', 100);
	rp_run(p);
	rp_cut_both(p);
	rp_feed(p, 'd', 100);
	rp_feed(p, 'e', 100);
	rp_side_free(&p->b);
	rp_side_setup(&p->b, p->dir, "c", RP_NAME, 0, LOST_STOP);
	was = rp_spool_image(&p->a, &was_len);
	server_link_up(&p->b.s);
	server_link_up(&p->a.s);
	rp_run(p);
	ck_assert(!p->a.s.hello_done);
	ck_assert(rp_traced(&p->a, "Bad msg num '0'"));
	ck_assert(rp_traced(&p->b, "cannot resume"));
	now = rp_spool_image(&p->a, &now_len);
	rp_same_image(was, was_len, now, now_len, "spool");
	free(was);
	free(now);
	r = p->a.s.role->resync(&p->a.s);
	ck_assert_str_eq(r, "OK resync at the next call");
	rp_link_both(p);
	ck_assert(rp_traced(&p->a, "Send resync"));
	ck_assert(rp_traced(&p->b, "Re-sync 4"));
	rp_run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	ck_assert_uint_eq(p->a.s.acked, 5);
	ck_assert_uint_eq(p->b.got_len, 200);
	rp_expect_blocks(&p->b, 0, 'd', 2, 100);
	rp_free(p);
}
END_TEST

/* ---- a peer that lies ---------------------------------------------- */

/*
 * A stream of zeros ("none yet") is never adopted: adopted, the
 * caller's blocks would have been written as the stream's first, and
 * the real sender's 1 dropped as a duplicate, or refused as a mismatch.
 */
START_TEST(test_zero_stream_refused)
{
	struct pair *p = rp_new(LOST_STOP);
	static const uint8_t zero[HELLO_STREAM_LEN];
	uint8_t hello[FRAME_HELLO_MAX];
	char text[128], *was, *now;
	size_t was_len, now_len, len;

	was = rp_state_image(&p->b, &was_len);
	server_link_up(&p->b.s);
	len = rp_hello_of(hello, HELLO_ROLE_OUT, zero, 1);
	rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
	ck_assert(!server_linked(&p->b.s));
	ck_assert_str_eq(rp_queued_error(&p->b, text, sizeof(text)),
	    "no stream identity");
	ck_assert(rp_traced(&p->b, "Stream of zeros from 'tape' refused"));
	ck_assert(svr_stream_none(p->b.s.stream));
	now = rp_state_image(&p->b, &now_len);
	rp_same_image(was, was_len, now, now_len, "state file");
	free(was);
	free(now);
	/* The real sender: its stream adopted, its first block written. */
	p->b.s.out.off = p->b.s.out.len = 0;
	rp_link_both(p);
	ck_assert_mem_eq(p->b.s.stream, p->a.s.stream, HELLO_STREAM_LEN);
	rp_feed(p, 'a', 100);
	rp_run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 1);
	ck_assert_uint_eq(p->b.got_len, 100);
	rp_expect_blocks(&p->b, 0, 'a', 1, 100);
	rp_free(p);
}
END_TEST

/* rshut=OFF: a SHUTDOWN is traced and ignored, the stream goes on. */
START_TEST(test_rshut_off)
{
	struct pair *p = rp_new(LOST_STOP);

	rp_link_both(p);
	p->b.s.conf.rshut = 0;
	rp_inject(&p->b, FT_SHUTDOWN, 0, 0, (const uint8_t *)"bye", 3);
	ck_assert(rp_traced(&p->b, "Remote shtdwn refused (rshut=OFF)"));
	ck_assert(server_linked(&p->b.s));
	ck_assert(!p->b.s.stopping);
	ck_assert(!p->b.s.done);
	rp_feed(p, 'a', 100);
	rp_run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 1);
	ck_assert_uint_eq(p->a.s.acked, 1);
	ck_assert(!p->b.s.stopping);
	/* ON (the default) obeys it, as before. */
	p->b.s.conf.rshut = 1;
	rp_inject(&p->b, FT_SHUTDOWN, 0, 0, NULL, 0);
	ck_assert(p->b.s.stopping);
	rp_free(p);
}
END_TEST

/*
 * CHECK_REQ from a key holder, as it comes, not as the command line
 * would send it: answered in a CHECK_RESP with its request id, the bad
 * ones refused with ERR (nothing outside the data area read, no exec
 * without execallow=), and the link stays.  A CHECK_RESP nobody asked
 * for is ignored.
 */
static void
check_asks(struct pair *p, const char *cmd, size_t len, uint64_t id,
    const char *want)
{
	char text[CHECK_ANSWER_MAX + 8];
	uint64_t aux = 0;

	p->b.s.out.off = p->b.s.out.len = 0;
	rp_inject(&p->b, FT_CHECK_REQ, 0, id, (const uint8_t *)cmd,
	    (uint32_t)len);
	ck_assert_msg(server_linked(&p->b.s), "%s: the link dropped", want);
	rp_queued_text(&p->b, FT_CHECK_RESP, text, sizeof(text), &aux);
	ck_assert_msg(strncmp(text, want, strlen(want)) == 0,
	    "asked '%.*s': answered '%s', not '%s...'", (int)len, cmd, text,
	    want);
	ck_assert_uint_eq(aux, id);
}

START_TEST(test_check_answers)
{
	struct pair *p = rp_new(LOST_STOP);
	char *area = xasprintf("%s/data", p->dir), *f;
	int fd;

	rp_link_both(p);
	rp_feed(p, 'a', 100);
	rp_run(p);
	ck_assert_int_eq(mkdir(area, 0755), 0);
	f = xasprintf("%s/f", area);
	ck_assert_int_eq(mkdir(f, 0755), 0);
	free(f);
	f = xasprintf("%s/f/item", area);
	fd = open(f, O_WRONLY | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "a\nb\n", 4), 4);
	close(fd);
	free(f);

	check_asks(p, "msgnum", 6, 1, "OK 1");
	check_asks(p, "QUERY", 5, 2, "OK tape IN R ");
	check_asks(p, "tron 3", 6, 3, "OK traces on, ");
	ck_assert(p->b.s.log.verbose);
	check_asks(p, "troff", 5, 4, "OK traces off");
	ck_assert(!p->b.s.log.verbose);
	check_asks(p, "tlchk", 5, 5, "ERR no transaction logger");
	check_asks(p, "rm -rf /", 8, 6, "ERR 'rm' is not a check command");
	ck_assert(rp_traced(&p->b, "Unknown cmd 'rm -rf /'"));
	check_asks(p, "query\0x", 7, 7, "ERR not a check command");
	check_asks(p, "exec sh -c id", 13, 8, "ERR exec of 'sh' refused: "
	    "server tape allows none");
	check_asks(p, "test -f f", 9, 9, "ERR no data area");
	p->b.s.cfg.val[KW_DATADIR] = area;
	check_asks(p, "test -f f", 9, 10, "OK 1 File 'f' exists");
	check_asks(p, "test -r f item", 14, 11, "OK 1 a^b");
	check_asks(p, "test -r .. data", 15, 12, "ERR test: bad FILE '..'");
	check_asks(p, "test -r f ../f", 14, 13, "ERR test: bad ID");
	check_asks(p, "test -rd f item", 15, 14, "OK 1 a^b");
	check_asks(p, "test -r f item", 14, 15, "OK 0 Item 'item' missing");
	p->b.s.cfg.val[KW_DATADIR] = NULL;
	ck_assert(rp_traced(&p->b, "Check 'test -rd f item' of the peer "
	    "answered: OK 1 a^b"));
	/* Nobody asked: ignored, no trace, the link stays. */
	rp_inject(&p->a, FT_CHECK_RESP, 0, 77, (const uint8_t *)"OK x", 4);
	ck_assert(server_linked(&p->a.s));
	ck_assert(!rp_traced(&p->a, "Check OK"));
	free(area);
	rp_free(p);
}
END_TEST

/*
 * A HEARTBEAT flood from a peer that never reads: at most one answer
 * per SVR_HB_ANSWER, on both sides; the link stays (they are traffic).
 */
START_TEST(test_heartbeat_flood)
{
	struct pair *p = rp_new(LOST_STOP);
	struct side *x;
	struct timespec *answered;
	uint64_t nonce = 0, n;
	int k;

	rp_link_both(p);
	for (k = 0; k < 2; k++) {
		x = k == 0 ? &p->b : &p->a;
		answered = k == 0 ? &rp_rcv(p)->hb_answered :
		    &rp_snd(p)->hb_answered;
		x->s.out.off = x->s.out.len = 0;
		for (n = 0; n < 1000; n++)
			rp_inject(x, FT_HEARTBEAT, 0, ++nonce, NULL, 0);
		ck_assert(server_linked(&x->s));
		ck_assert_uint_eq(rp_queued_count(x, FT_HEARTBEAT_ACK, NULL,
		    NULL), 1);
		/* Half a second on, the next one is answered. */
		answered->tv_sec -= 1;
		rp_inject(x, FT_HEARTBEAT, 0, ++nonce, NULL, 0);
		rp_inject(x, FT_HEARTBEAT, 0, ++nonce, NULL, 0);
		ck_assert_uint_eq(rp_queued_count(x, FT_HEARTBEAT_ACK, NULL,
		    NULL), 2);
	}
	rp_free(p);
}
END_TEST

/* A peer's ERROR text reaches the log with its controls escaped. */
START_TEST(test_peer_text_printable)
{
	static const char evil[] = "go\033[2J\r\n\200\\x";
	struct pair *p = rp_new(LOST_STOP);
	char *path, *buf;
	size_t len;

	rp_link_both(p);
	rp_inject(&p->a, FT_ERROR, 0, 0, (const uint8_t *)evil,
	    (uint32_t)strlen(evil));
	ck_assert(!server_linked(&p->a.s));
	/* ts.log doubles each backslash of a text (ring.c). */
	ck_assert(rp_traced(&p->a, "Peer error 'go\\\\033[2J\\\\015"
	    "\\\\012\\\\200\\\\134x'"));
	path = xasprintf("%s/ts.log", p->a.home);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_ptr_null(memchr(buf, '\033', len));
	ck_assert_ptr_null(memchr(buf, '\r', len));
	free(buf);
	free(path);
	rp_free(p);
}
END_TEST

/* ---- refusals ------------------------------------------------------ */

/*
 * Receiver refusals: the first frame, or one after a valid HELLO, is
 * wrong.  Each answers error (NULL: a frame that does not decode, the
 * link closes without one), drops the link, changes no state.
 */
enum { IN_DATA_FIRST, IN_SHUTDOWN_FIRST, IN_ROLE, IN_VERSION_TLV,
	IN_VERSION_HDR, IN_STREAM, IN_ACK, IN_HELLO_ACK, IN_CHECK_REQ,
	IN_SYNC_BACK, IN_MAGIC, IN_CRC, IN_FLAGS, IN_PEER_ERROR, IN_NAME,
	IN_PEER, IN_SYNC_MAX, IN_SYNC_PAST, IN_DATA_BIG, IN_DATA_OURS,
	IN_HELLO_TWICE, IN__COUNT };

/* What the HELLO of the after_hello cases announces as its maxpayload. */
#define IN_MAXPAYLOAD	100

static const struct {
	const char	*what;
	int		 after_hello;
	const char	*error;		/* its ERROR text, NULL: none */
	const char	*trace;		/* a trace it leaves, or NULL */
} in_cases[IN__COUNT] = {
	[IN_DATA_FIRST] = { "DATA before HELLO", 0, "HELLO expected",
	    "Bad header '54534b3101030000000000010000000000000003" },
	[IN_SHUTDOWN_FIRST] = { "SHUTDOWN before HELLO", 0, "HELLO expected",
	    "Bad header '54534b3101090000" },
	[IN_ROLE] = { "HELLO of role IN", 0, "bad HELLO",
	    "Bad header '54534b3101010000" },
	[IN_VERSION_TLV] = { "HELLO of version 0", 0, "bad HELLO", NULL },
	[IN_VERSION_HDR] = { "frame version 2", 0, NULL, "Bad header" },
	[IN_STREAM] = { "another stream", 0, "stream mismatch", NULL },
	[IN_ACK] = { "ACK to a receiver", 1, "unexpected frame",
	    "Bad header '54534b3101040000" },
	[IN_HELLO_ACK] = { "HELLO_ACK to a receiver", 1, "unexpected frame",
	    "Bad header '54534b3101020000" },
	[IN_CHECK_REQ] = { "CHECK_REQ before HELLO", 0, "HELLO expected",
	    "Bad header '54534b3101070000" },
	[IN_SYNC_BACK] = { "SYNC backwards", 1, "SYNC would go backwards",
	    "Bad msg num '2'" },
	[IN_MAGIC] = { "not our magic", 0, NULL, "Unexpected msg" },
	[IN_CRC] = { "bad CRC", 1, NULL, "Bad header" },
	[IN_FLAGS] = { "flags set", 1, NULL, "Bad header" },
	[IN_PEER_ERROR] = { "the peer's ERROR", 1, NULL, "Peer error 'going'" },
	[IN_NAME] = { "HELLO from another pair's sender", 0, "name mismatch",
	    "Name mismatch: mine 'tape', peer's name 'other' "
	    "expecting 'tape'" },
	[IN_PEER] = { "HELLO for another receiver", 0, "name mismatch",
	    "Name mismatch: mine 'tape', peer's name 'tape' "
	    "expecting 'other'" },
	[IN_SYNC_MAX] = { "SYNC to 2^63 - 1", 1,
	    "SYNC beyond what the sender holds",
	    "Bad msg num '9223372036854775807'" },
	[IN_SYNC_PAST] = { "SYNC past the HELLO's first held", 1,
	    "SYNC beyond what the sender holds", "Bad msg num '4'" },
	[IN_DATA_BIG] = { "DATA over the HELLO's maxpayload", 1,
	    "DATA over the announced maxpayload",
	    "Bad header '54534b3101030000000000650000000000000003" },
	[IN_DATA_OURS] = { "DATA over the receiver's maxpayload", 0,
	    "DATA over the announced maxpayload",
	    "Bad header '54534b3101030000000200010000000000000003" },
	[IN_HELLO_TWICE] = { "a second HELLO", 1, "HELLO already received",
	    "Bad header '54534b3101010000" },
};

START_TEST(test_refusal_receiver)
{
	struct pair *p = rp_new(LOST_STOP);
	uint8_t buf[FRAME_HDR_LEN + FRAME_HELLO_MAX], hello[FRAME_HELLO_MAX];
	static const uint8_t other[HELLO_STREAM_LEN] = { 7, 7, 7 };
	char text[128], *was, *now;
	size_t was_len, now_len, len;
	uint8_t *big;
	struct hello h;
	uint64_t got;

	/* A stream of two messages, then a new link. */
	rp_link_both(p);
	rp_feed(p, 'a', 100);
	rp_feed(p, 'b', 100);
	rp_run(p);
	rp_cut_both(p);
	got = p->b.got_len;
	was = rp_state_image(&p->b, &was_len);
	server_link_up(&p->b.s);
	if (in_cases[_i].after_hello) {
		/* A sender that holds 3 on and sends blocks of at most
		 * IN_MAXPAYLOAD bytes. */
		rp_hello_fill(&h, HELLO_ROLE_OUT, p->a.s.stream, 3);
		h.max_payload = IN_MAXPAYLOAD;
		len = rp_hello_put(hello, &h);
		rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		ck_assert(p->b.s.hello_done);
		p->b.s.out.off = p->b.s.out.len = 0;	/* its HELLO_ACK */
	}
	switch (_i) {
	case IN_DATA_FIRST:
		rp_inject(&p->b, FT_DATA, 3, 0, (const uint8_t *)"x", 1);
		break;
	case IN_SHUTDOWN_FIRST:
		rp_inject(&p->b, FT_SHUTDOWN, 0, 0, NULL, 0);
		break;
	case IN_ROLE:
		len = rp_hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 3);
		rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_VERSION_TLV:
		len = rp_hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 3);
		ck_assert_int_eq(hello[0], HELLO_T_VERSION);
		hello[3] = 0;
		rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_VERSION_HDR:
		len = rp_hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 3);
		len = frame_encode(buf, sizeof(buf), FT_HELLO, 0, 0, 0, hello,
		    (uint32_t)len);
		buf[4] = 2;
		rp_inject_raw(&p->b, buf, len);
		break;
	case IN_STREAM:
		len = rp_hello_of(hello, HELLO_ROLE_OUT, other, 3);
		rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_ACK:
		rp_inject(&p->b, FT_ACK, 0, 2, NULL, 0);
		break;
	case IN_HELLO_ACK:
		len = rp_hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 2);
		rp_inject(&p->b, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case IN_CHECK_REQ:
		rp_inject(&p->b, FT_CHECK_REQ, 0, 0, (const uint8_t *)"query", 5);
		break;
	case IN_SYNC_BACK:
		rp_inject(&p->b, FT_SYNC, 2, 0, NULL, 0);
		break;
	case IN_MAGIC:
		rp_inject_raw(&p->b, (const uint8_t *)"GET / HTTP/1.0\r\n", 16);
		break;
	case IN_CRC:
		len = frame_encode(buf, sizeof(buf), FT_DATA, 0, 3, 0,
		    (const uint8_t *)"abc", 3);
		buf[len - 1] ^= 1;
		rp_inject_raw(&p->b, buf, len);
		break;
	case IN_FLAGS:
		/* A flag set, under a CRC that is right: the flag is refused. */
		len = frame_encode(buf, sizeof(buf), FT_DATA, 0, 3, 0,
		    (const uint8_t *)"abc", 3);
		buf[7] = 1;
		memset(buf + 28, 0, 4);
		be32_put(buf + 28, crc32c(crc32c(0, buf, FRAME_HDR_LEN),
		    buf + FRAME_HDR_LEN, 3));
		rp_inject_raw(&p->b, buf, len);
		break;
	case IN_PEER_ERROR:
		rp_inject(&p->b, FT_ERROR, 0, 0, (const uint8_t *)"going", 5);
		ck_assert(rp_traced(&p->b, "going"));
		break;
	case IN_NAME:
	case IN_PEER:
		rp_hello_fill(&h, HELLO_ROLE_OUT, p->a.s.stream, 3);
		strlcpy(_i == IN_NAME ? h.name : h.peer, "other",
		    sizeof(h.name));
		len = rp_hello_put(hello, &h);
		rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_SYNC_MAX:
		rp_inject(&p->b, FT_SYNC, FRAME_MSGNUM_MAX, 0, NULL, 0);
		break;
	case IN_SYNC_PAST:
		/* Forward of the receiver's 2, past the sender's 3. */
		rp_inject(&p->b, FT_SYNC, 4, 0, NULL, 0);
		break;
	case IN_DATA_BIG:
	case IN_DATA_OURS:
		/* The next message, one byte over the least of the two
		 * maxpayloads: the HELLO's, or the receiver's own. */
		if (_i == IN_DATA_OURS) {
			len = rp_hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream,
			    3);
			rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
			ck_assert(p->b.s.hello_done);
			p->b.s.out.off = p->b.s.out.len = 0;
		}
		len = _i == IN_DATA_BIG ? IN_MAXPAYLOAD + 1 : SRV_BLOCK + 1;
		big = xcalloc(1, len);
		rp_inject(&p->b, FT_DATA, 3, 0, big, (uint32_t)len);
		free(big);
		break;
	case IN_HELLO_TWICE:
		len = rp_hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 3);
		rp_inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	}
	ck_assert_msg(!server_linked(&p->b.s), "%s: the link stayed",
	    in_cases[_i].what);
	/* A frame out of place is a protocol error, not a command. */
	ck_assert(!rp_traced(&p->b, "Unknown cmd"));
	ck_assert_str_eq(rp_queued_error(&p->b, text, sizeof(text)),
	    in_cases[_i].error != NULL ? in_cases[_i].error : "");
	if (in_cases[_i].trace != NULL)
		ck_assert_msg(rp_traced(&p->b, in_cases[_i].trace), "%s: no '%s'",
		    in_cases[_i].what, in_cases[_i].trace);
	now = rp_state_image(&p->b, &now_len);
	rp_same_image(was, was_len, now, now_len, "state file");
	ck_assert_uint_eq(p->b.s.curmsg, 2);
	ck_assert_uint_eq(rp_rcv(p)->win_count, 0);
	ck_assert(!p->b.s.done);
	rp_reader_drain(&p->b);
	ck_assert_uint_eq(p->b.got_len, got);
	free(was);
	free(now);
	rp_free(p);
}
END_TEST

/* Sender refusals; the sender holds 3 and 4 unacknowledged. */
enum { OUT_ACK_FIRST, OUT_ROLE, OUT_AHEAD, OUT_BEHIND, OUT_ACK_BACK,
	OUT_ACK_AHEAD, OUT_DATA, OUT_HELLO, OUT_CRC, OUT_PEER_ERROR,
	OUT_NAME, OUT_PEER, OUT_STREAM, OUT_ZERO_STREAM, OUT_ACK_TWICE,
	OUT__COUNT };

static const struct {
	const char	*what;
	int		 after_hello;
	const char	*error;
	const char	*trace;
} out_cases[OUT__COUNT] = {
	[OUT_ACK_FIRST] = { "ACK before HELLO_ACK", 0, "HELLO_ACK expected",
	    "Bad header '54534b3101040000" },
	[OUT_ROLE] = { "HELLO_ACK of role OUT", 0, "bad HELLO_ACK",
	    "Bad header '54534b3101020000" },
	[OUT_AHEAD] = { "receiver ahead", 0,
	    "cannot resume: message numbers disagree", "Bad msg num '9'" },
	[OUT_BEHIND] = { "receiver behind", 0,
	    "cannot resume: message numbers disagree", "Bad msg num '1'" },
	[OUT_ACK_BACK] = { "ACK backwards", 1, "ACK out of range",
	    "Bad msg num '1'" },
	[OUT_ACK_AHEAD] = { "ACK of what was never sent", 1,
	    "ACK out of range", "Bad msg num '7'" },
	[OUT_DATA] = { "DATA to a sender", 1, "unexpected frame",
	    "Bad header '54534b3101030000" },
	[OUT_HELLO] = { "HELLO to a sender", 1, "unexpected frame",
	    "Bad header '54534b3101010000" },
	[OUT_CRC] = { "bad CRC", 1, NULL, "Bad header" },
	[OUT_PEER_ERROR] = { "the peer's ERROR", 1, NULL,
	    "Peer error 'going'" },
	[OUT_NAME] = { "HELLO_ACK from another pair's receiver", 0,
	    "name mismatch",
	    "Name mismatch: mine 'tape', peer's name 'other' "
	    "expecting 'tape'" },
	[OUT_PEER] = { "HELLO_ACK for another sender", 0, "name mismatch",
	    "Name mismatch: mine 'tape', peer's name 'tape' "
	    "expecting 'other'" },
	[OUT_STREAM] = { "HELLO_ACK of another stream", 0, "stream mismatch",
	    "Receiver's stream 07070700" },
	[OUT_ZERO_STREAM] = { "HELLO_ACK of no stream", 0, "stream mismatch",
	    "Receiver's stream 00000000000000000000000000000000, mine" },
	/* Say 4 was written: a second HELLO_ACK taken would trim 3 and
	 * 4 from the spool, on the word of a resume already made. */
	[OUT_ACK_TWICE] = { "a second HELLO_ACK", 1,
	    "HELLO_ACK already received", "Bad header '54534b3101020000" },
};

START_TEST(test_refusal_sender)
{
	struct pair *p = rp_new(LOST_STOP);
	uint8_t buf[FRAME_HDR_LEN + 64], hello[FRAME_HELLO_MAX];
	static const uint8_t other[HELLO_STREAM_LEN] = { 7, 7, 7 };
	static const uint8_t zero[HELLO_STREAM_LEN];
	char text[128], *was, *now;
	size_t was_len, now_len, len;
	struct hello h;

	rp_link_both(p);
	rp_feed(p, 'a', 100);
	rp_feed(p, 'b', 100);
	rp_run(p);
	rp_cut_both(p);
	rp_feed(p, 'c', 100);
	rp_feed(p, 'd', 100);
	ck_assert_uint_eq(p->a.s.acked, 2);
	ck_assert_uint_eq(p->a.s.curmsg, 4);
	server_link_up(&p->a.s);
	ck_assert_uint_eq(rp_queued_count(&p->a, FT_HELLO, NULL, NULL), 1);
	p->a.s.out.off = p->a.s.out.len = 0;
	if (out_cases[_i].after_hello) {
		len = rp_hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 2);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		ck_assert(p->a.s.hello_done);
		rp_side_turn(&p->a);	/* sends 3 and 4 */
		ck_assert_uint_eq(rp_queued_count(&p->a, FT_DATA, NULL, NULL), 2);
		p->a.s.out.off = p->a.s.out.len = 0;
	}
	was = rp_spool_image(&p->a, &was_len);
	switch (_i) {
	case OUT_ACK_FIRST:
		rp_inject(&p->a, FT_ACK, 0, 2, NULL, 0);
		break;
	case OUT_ROLE:
		len = rp_hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 2);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_AHEAD:
		len = rp_hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 9);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_BEHIND:
		len = rp_hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 1);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_ACK_BACK:
		rp_inject(&p->a, FT_ACK, 0, 1, NULL, 0);
		break;
	case OUT_ACK_AHEAD:
		rp_inject(&p->a, FT_ACK, 0, 7, NULL, 0);
		break;
	case OUT_DATA:
		rp_inject(&p->a, FT_DATA, 1, 0, (const uint8_t *)"x", 1);
		break;
	case OUT_HELLO:
		len = rp_hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 1);
		rp_inject(&p->a, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_CRC:
		len = frame_encode(buf, sizeof(buf), FT_ACK, 0, 0, 3, NULL, 0);
		buf[30] ^= 0x10;
		rp_inject_raw(&p->a, buf, len);
		break;
	case OUT_PEER_ERROR:
		rp_inject(&p->a, FT_ERROR, 0, 0, (const uint8_t *)"going", 5);
		ck_assert(rp_traced(&p->a, "going"));
		break;
	case OUT_NAME:
	case OUT_PEER:
		rp_hello_fill(&h, HELLO_ROLE_IN, p->a.s.stream, 2);
		strlcpy(_i == OUT_NAME ? h.name : h.peer, "other",
		    sizeof(h.name));
		len = rp_hello_put(hello, &h);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_STREAM:
	case OUT_ZERO_STREAM:
		len = rp_hello_of(hello, HELLO_ROLE_IN,
		    _i == OUT_STREAM ? other : zero, 2);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_ACK_TWICE:
		len = rp_hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 4);
		rp_inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	}
	ck_assert_msg(!server_linked(&p->a.s), "%s: the link stayed",
	    out_cases[_i].what);
	ck_assert(!rp_traced(&p->a, "Unknown cmd"));
	ck_assert_uint_eq(p->a.s.acked, 2);
	ck_assert_str_eq(rp_queued_error(&p->a, text, sizeof(text)),
	    out_cases[_i].error != NULL ? out_cases[_i].error : "");
	if (out_cases[_i].trace != NULL)
		ck_assert_msg(rp_traced(&p->a, out_cases[_i].trace),
		    "%s: no '%s'", out_cases[_i].what, out_cases[_i].trace);
	now = rp_spool_image(&p->a, &now_len);
	rp_same_image(was, was_len, now, now_len, "spool");
	ck_assert_uint_eq(p->a.s.curmsg, 4);
	ck_assert(!p->a.s.done);
	free(was);
	free(now);
	rp_free(p);
}
END_TEST

Suite *
roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("in memory");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_stream_in_order);
	tcase_add_test(tc, test_block_traces_and_counts);
	tcase_add_test(tc, test_resume_resends_unacked);
	tcase_add_test(tc, test_resume_duplicates_dropped);
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_direct_write_full_pipe);
	tcase_add_test(tc, test_window_bytes);
	tcase_add_test(tc, test_pwrit_trunc);
	tcase_add_test(tc, test_gap_stop);
	tcase_add_test(tc, test_gap_refuse);
	tcase_add_test(tc, test_gap_accept);
	tcase_add_test(tc, test_sync_forward);
	tcase_add_test(tc, test_zero_stream_refused);
	tcase_add_test(tc, test_rshut_off);
	tcase_add_test(tc, test_check_answers);
	tcase_add_test(tc, test_heartbeat_flood);
	tcase_add_test(tc, test_peer_text_printable);
	tcase_add_loop_test(tc, test_refusal_receiver, 0, IN__COUNT);
	tcase_add_loop_test(tc, test_refusal_sender, 0, OUT__COUNT);
	suite_add_tcase(s, tc);
	return s;
}
