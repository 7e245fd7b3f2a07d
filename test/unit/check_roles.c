/*
 * check_roles.c — the two roles face to face, in memory: a sender and a
 * receiver (struct server each, homes in a temporary directory, real
 * FIFOs for their tape pipes) and no socket.  The harness is the link:
 * it moves the bytes of one side's s->out into the other's s->rbuf and
 * calls the role's frames op, turns each role's own loop (its pipes,
 * inotify), and reads the receiver's pipe as a tape reader would.
 *
 * What it proves: a stream of blocks and tape marks arrives in order and
 * once; numbering survives a link down and up (resume, duplicates); the
 * window; gaps under each lost= policy; SYNC forward and backward; and
 * each refusal of doc/PROTOCOL.md answers with its ERROR (or a bare
 * close for a frame that does not decode), drops the link and leaves
 * the receiver's state file and the sender's spool as they were.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "codec.h"
#include "crc32c.h"
#include "server.h"
#include "spool.h"
#include "srvconf.h"
#include "svr_common.h"
#include "svr_in.h"
#include "svr_out.h"
#include "tests.h"

#define GOT_MAX		(4 * 1024 * 1024)

struct side {
	struct server	 s;
	char		*home;
	char		*fifo;
	int		 fd;		/* ours: the writer (sender), reader */
	uint8_t		*got;		/* receiver: what its reader read */
	size_t		 got_len;
	unsigned	 marks;		/* receiver: ends of tape seen */
	size_t		 mark_at[16];	/* got_len at each */
};

struct pair {
	char		*dir;
	struct side	 a;		/* the sender */
	struct side	 b;		/* the receiver */
};

/* ---- the servers --------------------------------------------------- */

static void
reader_open(struct side *x)
{
	x->fd = open(x->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(x->fd, 0);
}

static void
writer_open(struct side *x)
{
	x->fd = open(x->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(x->fd >= 0, "writer open: %s", strerror(errno));
}

/* A server as server_main would make it, its configuration filled in. */
static void
side_setup(struct side *x, const char *dir, const char *name, int is_out,
    int lost)
{
	struct server *s = &x->s;
	struct errbuf err;

	memset(x, 0, sizeof(*x));
	x->home = xasprintf("%s/%s", dir, name);
	ck_assert_int_eq(mkdir(x->home, 0700), 0);
	x->fifo = xasprintf("%s/pipe", x->home);
	ck_assert_int_eq(mkfifo(x->fifo, 0600), 0);
	x->fd = -1;
	x->got = xmalloc(GOT_MAX);
	s->home = xstrdup(x->home);
	strlcpy(s->name, name, sizeof(s->name));
	s->opts = OPT_C | OPT_S;	/* no drain, no clock traces */
	strlcpy(s->conf.name, name, sizeof(s->conf.name));
	s->conf.is_out = is_out;
	s->conf.pipe = xstrdup(x->fifo);
	s->conf.host = is_out ? xstrdup("127.0.0.1") : NULL;
	s->conf.spoolmax = 64 * 1024 * 1024;
	s->conf.spoolmax_text = xstrdup("64M");
	s->conf.port = 20000;
	s->conf.calldelay = 1;
	s->conf.hb_interval = 5;
	s->conf.hb_timeout = 20;
	s->conf.trace = 1000;
	s->conf.lost_policy = lost;
	s->role = is_out ? &role_sender : &role_receiver;
	s->sock = s->pipe_fd = s->ctl_fd = s->ino_fd = -1;
	s->listen_fd = s->pend_fd = -1;
	s->stop_wait = SRV_STOP_WAIT;
	s->sletter = 'R';
	s->today_yday = -1;
	s->no_keeper = 1;
	s->rbuf = xmalloc(SRV_RBUF);
	s->state_path = xasprintf("%s/%s.state", x->home, name);
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->last_query = s->last_running = s->started;
	tslog_init(&s->log, x->home, name, s->role->logtype, 1000, 0);
	if (!is_out)
		reader_open(x);
	ck_assert_msg(s->role->start(s, &err) == 0, "%s: start: %s", name,
	    err.msg);
	if (is_out)
		writer_open(x);
}

static void
side_free(struct side *x)
{
	struct server *s = &x->s;

	if (x->fd >= 0)
		close(x->fd);
	link_close(s);
	if (s->pipe_fd >= 0)
		close(s->pipe_fd);
	if (s->ino_fd >= 0)
		close(s->ino_fd);
	s->role->close(s);
	tslog_close(&s->log);
	srvconf_free(&s->conf);
	free(s->out.buf);
	free(s->rbuf);
	free(s->state_path);
	free(s->home);
	free(x->home);
	free(x->fifo);
	free(x->got);
}

static struct pair *
pair_new(int lost)
{
	struct pair *p = xcalloc(1, sizeof(*p));

	setenv("TAPESOCK_NO_SYSLOG", "1", 1);
	p->dir = test_tmpdir();
	side_setup(&p->a, p->dir, "a", 1, lost);
	side_setup(&p->b, p->dir, "b", 0, lost);
	return p;
}

static void
pair_free(struct pair *p)
{
	side_free(&p->a);
	side_free(&p->b);
	test_rmtree(p->dir);
	free(p->dir);
	free(p);
}

static struct sender *
snd(struct pair *p)
{
	return p->a.s.role_data;
}

static struct receiver *
rcv(struct pair *p)
{
	return p->b.s.role_data;
}

/* ---- the in-memory link -------------------------------------------- */

/* One turn of a role's own loop (server_main without the link). */
static int
side_turn(struct side *x)
{
	struct pollfd pfd[8];
	int n = 0, timeout = -1;

	x->s.role->pollfds(&x->s, pfd, &n, &timeout);
	(void)poll(pfd, (nfds_t)n, 0);
	x->s.role->events(&x->s, pfd, n);
	if (x->s.stopping)
		x->s.role->stop(&x->s);
	return timeout;
}

/* Bytes from one side's queue into the other's buffer, as TCP would. */
static int
carry(struct side *from, struct side *to)
{
	struct outq *q = &from->s.out;
	size_t len = q->len - q->off;

	if (len > SRV_RBUF - to->s.rlen)
		len = SRV_RBUF - to->s.rlen;
	if (len > 0 && server_linked(&from->s) && server_linked(&to->s)) {
		memcpy(to->s.rbuf + to->s.rlen, q->buf + q->off, len);
		to->s.rlen += len;
		q->off += len;
		if (q->off == q->len)
			q->off = q->len = 0;
	} else
		len = 0;
	/* The link hands over whatever waits, each turn (link_events). */
	if (server_linked(&to->s) && to->s.rlen > 0)
		to->s.role->frames(&to->s);
	return len > 0;
}

/*
 * A side dropped the link: what it queued last (an ERROR) reaches the
 * peer, then the connection's end.  1 if anything happened.
 */
static int
hangup(struct side *gone, struct side *peer)
{
	struct outq *q = &gone->s.out;
	size_t len = q->len - q->off;

	if (server_linked(&gone->s))
		return 0;
	if (server_linked(&peer->s)) {
		if (len > SRV_RBUF - peer->s.rlen)
			len = SRV_RBUF - peer->s.rlen;
		memcpy(peer->s.rbuf + peer->s.rlen, q->buf + q->off, len);
		peer->s.rlen += len;
		peer->s.role->frames(&peer->s);
		if (server_linked(&peer->s))
			server_link_drop(&peer->s);
		q->off = q->len = 0;
		return 1;
	}
	q->off = q->len = 0;
	return 0;
}

/* The receiver's reader: read what there is, see the ends of tape. */
static int
reader_drain(struct side *x)
{
	struct receiver *r = x->s.role_data;
	uint8_t buf[65536];
	ssize_t n;
	int moved = 0;

	if (x->fd < 0) {
		/* The next reader comes once the receiver saw this one go. */
		if (r->eof_wait)
			return 0;
		reader_open(x);
		return 1;
	}
	while ((n = read(x->fd, buf, sizeof(buf))) > 0) {
		ck_assert_uint_le(x->got_len + (size_t)n, GOT_MAX);
		memcpy(x->got + x->got_len, buf, (size_t)n);
		x->got_len += (size_t)n;
		moved = 1;
	}
	if (n == 0 && r->eof_wait) {
		/* End of file, and the receiver waits for our close. */
		ck_assert_uint_lt(x->marks, ARRAY_LEN(x->mark_at));
		x->mark_at[x->marks++] = x->got_len;
		close(x->fd);
		x->fd = -1;
		moved = 1;
	}
	return moved;
}

/* Invariants every turn: the window holds. */
static void
check_window(struct pair *p)
{
	ck_assert_uint_le(snd(p)->send_next - 1 - p->a.s.acked, SRV_WINDOW);
	ck_assert_uint_le(rcv(p)->win_count, SRV_WINDOW);
}

/*
 * Turn both servers and the link until nothing moves for a few turns
 * and no deadline of a role is near (the receiver retries opening its
 * pipe every 100 ms: waited for in poll on the roles' descriptors).
 */
static void
run(struct pair *p)
{
	struct pollfd pfd[16];
	int i, n, idle = 0, ta, tb, t, moved;

	for (i = 0; i < 100000 && idle < 3; i++) {
		ta = side_turn(&p->a);
		tb = side_turn(&p->b);
		moved = carry(&p->a, &p->b);
		moved |= carry(&p->b, &p->a);
		moved |= hangup(&p->a, &p->b);
		moved |= hangup(&p->b, &p->a);
		moved |= reader_drain(&p->b);
		check_window(p);
		if (moved) {
			idle = 0;
			continue;
		}
		t = ta < 0 || (tb >= 0 && tb < ta) ? tb : ta;
		if (t < 0 || t > 500) {
			idle++;
			continue;
		}
		n = 0;
		ta = tb = -1;
		p->a.s.role->pollfds(&p->a.s, pfd, &n, &ta);
		p->b.s.role->pollfds(&p->b.s, pfd, &n, &tb);
		(void)poll(pfd, (nfds_t)n, t);
	}
	ck_assert_msg(i < 100000, "the pair never settled");
}

/* Both ends see the connection: the receiver first (it accepted). */
static void
link_both(struct pair *p)
{
	server_link_up(&p->b.s);
	server_link_up(&p->a.s);
	run(p);
	ck_assert(p->a.s.hello_done);
	ck_assert(p->b.s.hello_done);
}

/* The connection is cut: whatever was on the way is lost. */
static void
cut_both(struct pair *p)
{
	server_link_drop(&p->a.s);
	server_link_drop(&p->b.s);
	p->a.s.out.off = p->a.s.out.len = 0;
	p->b.s.out.off = p->b.s.out.len = 0;
}

/* The sender's tape process writes one block; the sender spools it. */
static void
feed(struct pair *p, int c, size_t len)
{
	uint64_t before = snd(p)->spool->next;
	uint8_t *buf = xmalloc(len);
	int i;

	memset(buf, c, len);
	ck_assert_int_eq(write(p->a.fd, buf, len), (ssize_t)len);
	free(buf);
	for (i = 0; i < 1000 && snd(p)->spool->next == before; i++)
		side_turn(&p->a);
	ck_assert_uint_eq(snd(p)->spool->next, before + 1);
}

/* The tape process closes the pipe: a tape mark, then a new file. */
static void
mark(struct pair *p)
{
	uint64_t before = snd(p)->spool->next;
	int i;

	close(p->a.fd);
	for (i = 0; i < 1000 && snd(p)->spool->next == before; i++)
		side_turn(&p->a);
	ck_assert_uint_eq(snd(p)->spool->next, before + 1);
	writer_open(&p->a);
}

/* What the reader should have read: blocks of c .. c + n - 1. */
static void
expect_blocks(struct side *x, size_t from, int c, int n, size_t len)
{
	size_t i;
	int k;

	for (k = 0; k < n; k++)
		for (i = 0; i < len; i++)
			ck_assert_msg(x->got[from + (size_t)k * len + i] == c + k,
			    "byte %zu of block %d", i, k);
}

/* A frame straight into a side's buffer, as a peer would send it. */
static void
inject(struct side *x, uint8_t type, uint64_t msgnum, uint64_t aux,
    const uint8_t *payload, uint32_t len)
{
	size_t n;

	n = frame_encode(x->s.rbuf + x->s.rlen, SRV_RBUF - x->s.rlen, type, 0,
	    msgnum, aux, payload, len);
	ck_assert_uint_gt(n, 0);
	x->s.rlen += n;
	x->s.role->frames(&x->s);
}

static void
inject_raw(struct side *x, const uint8_t *buf, size_t len)
{
	memcpy(x->s.rbuf + x->s.rlen, buf, len);
	x->s.rlen += len;
	x->s.role->frames(&x->s);
}

/* A HELLO or HELLO_ACK payload as a peer of role would send it. */
static size_t
hello_of(uint8_t *buf, uint8_t role, const uint8_t *stream, uint64_t last)
{
	struct hello h;
	size_t len;

	memset(&h, 0, sizeof(h));
	h.version = 1;
	h.role = role;
	strlcpy(h.name, role == HELLO_ROLE_OUT ? "a" : "b", sizeof(h.name));
	strlcpy(h.peer, role == HELLO_ROLE_OUT ? "b" : "a", sizeof(h.peer));
	memcpy(h.stream, stream, HELLO_STREAM_LEN);
	h.clock_ns = (uint64_t)time(NULL) * 1000000000ULL;
	h.last_msgnum = last;
	h.window = SRV_WINDOW;
	h.max_payload = SRV_BLOCK;
	ck_assert_int_eq(hello_encode(&h, buf, FRAME_HELLO_MAX, &len), 0);
	return len;
}

/* The first ERROR among the frames a side queued, or "" if none. */
static const char *
queued_error(struct side *x, char *text, size_t sz)
{
	struct frame_error e;
	struct frame f;
	size_t off = x->s.out.off, used;

	*text = '\0';
	while (frame_decode(x->s.out.buf + off, x->s.out.len - off, &f,
	    &used, &e) == FRAME_OK) {
		if (f.type == FT_ERROR) {
			snprintf(text, sz, "%.*s", (int)f.len,
			    (const char *)f.payload);
			break;
		}
		off += used;
	}
	return text;
}

/* Frames of a type among those a side queued. */
static unsigned
queued_count(struct side *x, uint8_t type, uint64_t *first, uint64_t *last)
{
	struct frame_error e;
	struct frame f;
	size_t off = x->s.out.off, used;
	unsigned n = 0;

	while (frame_decode(x->s.out.buf + off, x->s.out.len - off, &f,
	    &used, &e) == FRAME_OK) {
		if (f.type == type) {
			if (n++ == 0 && first != NULL)
				*first = f.msgnum;
			if (last != NULL)
				*last = f.msgnum;
		}
		off += used;
	}
	return n;
}

/* Did the side trace text (its ts.log)? */
static int
traced(struct side *x, const char *text)
{
	char *path = xasprintf("%s/ts.log", x->home), *buf;
	size_t len;
	int found;

	tslog_flush(&x->s.log);
	if (read_file(path, &buf, &len) < 0) {
		free(path);
		return 0;
	}
	found = memmem(buf, len, text, strlen(text)) != NULL;
	free(buf);
	free(path);
	return found;
}

/* The receiver's state file, whole. */
static char *
state_image(struct side *x, size_t *len)
{
	char *buf;

	ck_assert_int_eq(read_file(x->s.state_path, &buf, len), 0);
	return buf;
}

/* The sender's spool: every segment, in name order, and its numbers. */
static char *
spool_image(struct side *x, size_t *len)
{
	struct sender *o = x->s.role_data;
	struct dirent **names;
	char *path, *img, *buf;
	size_t n, k;
	int i, cnt;

	cnt = scandir(o->spool->dir, &names, NULL, alphasort);
	ck_assert_int_ge(cnt, 0);
	img = xasprintf("first %llu next %llu acked %llu\n",
	    (unsigned long long)o->spool->first,
	    (unsigned long long)o->spool->next,
	    (unsigned long long)x->s.acked);
	*len = strlen(img);
	for (i = 0; i < cnt; i++) {
		if (names[i]->d_name[0] != '.') {
			path = xasprintf("%s/%s", o->spool->dir,
			    names[i]->d_name);
			ck_assert_int_eq(read_file(path, &buf, &n), 0);
			k = strlen(names[i]->d_name);
			img = xreallocarray(img, *len + k + n + 1, 1);
			memcpy(img + *len, names[i]->d_name, k);
			memcpy(img + *len + k, buf, n);
			*len += k + n;
			free(buf);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return img;
}

static void
same_image(const char *was, size_t was_len, const char *now, size_t now_len,
    const char *what)
{
	ck_assert_msg(was_len == now_len && memcmp(was, now, now_len) == 0,
	    "%s changed", what);
}

/* ---- delivery ------------------------------------------------------ */

START_TEST(test_stream_in_order)
{
	struct pair *p = pair_new(LOST_STOP);

	link_both(p);
	/* The receiver adopted the sender's stream, and recorded it. */
	ck_assert_mem_eq(p->b.s.stream, p->a.s.stream, HELLO_STREAM_LEN);
	ck_assert_mem_eq(rcv(p)->st.st.stream, p->a.s.stream,
	    HELLO_STREAM_LEN);
	feed(p, 'a', 1000);
	run(p);
	feed(p, 'b', 1000);
	feed(p, 'c', 1000);
	mark(p);
	run(p);
	feed(p, 'd', 1000);
	feed(p, 'e', 1000);
	mark(p);
	run(p);
	/* 5 blocks and 2 marks: 7 messages, each once, in order. */
	ck_assert_uint_eq(p->b.marks, 2);
	ck_assert_uint_eq(p->b.mark_at[0], 3000);
	ck_assert_uint_eq(p->b.mark_at[1], 5000);
	ck_assert_uint_eq(p->b.got_len, 5000);
	expect_blocks(&p->b, 0, 'a', 5, 1000);
	ck_assert_uint_eq(p->b.s.curmsg, 7);
	ck_assert_uint_eq(rcv(p)->st.st.last, 7);
	ck_assert_uint_eq(p->a.s.curmsg, 7);
	ck_assert_uint_eq(p->a.s.acked, 7);
	ck_assert_uint_eq(snd(p)->spool->first, 8);
	ck_assert(!traced(&p->b, "Seq error"));
	pair_free(p);
}
END_TEST

/* What was in flight when the link went is sent again, and only that. */
START_TEST(test_resume_resends_unacked)
{
	struct pair *p = pair_new(LOST_STOP);
	uint64_t first = 0, last = 0, sent;

	link_both(p);
	feed(p, 'a', 500);
	feed(p, 'b', 500);
	feed(p, 'c', 500);
	run(p);
	ck_assert_uint_eq(p->a.s.acked, 3);
	feed(p, 'd', 500);
	feed(p, 'e', 500);
	ck_assert_uint_eq(queued_count(&p->a, FT_DATA, &first, &last), 2);
	ck_assert_uint_eq(first, 4);
	ck_assert_uint_eq(last, 5);
	cut_both(p);		/* DATA 4 and 5 never arrive */
	ck_assert_uint_eq(p->a.s.disconnects, 1);
	ck_assert_uint_eq(p->a.s.curmsg - p->a.s.acked, 2);	/* spooled */
	sent = p->a.s.msgout;
	link_both(p);
	/* HELLO, then exactly DATA 4 and 5 again. */
	ck_assert_uint_eq(p->a.s.msgout - sent, 3);
	ck_assert_uint_eq(p->b.got_len, 2500);
	expect_blocks(&p->b, 0, 'a', 5, 500);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	ck_assert_uint_eq(p->a.s.acked, 5);
	/* Numbering goes on after the resume. */
	feed(p, 'f', 500);
	run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 6);
	ck_assert_uint_eq(p->a.s.acked, 6);
	pair_free(p);
}
END_TEST

/* Written but the ACK lost: the receiver drops what it has, once. */
START_TEST(test_resume_duplicates_dropped)
{
	struct pair *p = pair_new(LOST_STOP);
	uint8_t copy[4096];
	size_t copy_len;
	uint64_t sent;

	link_both(p);
	feed(p, 'a', 500);
	feed(p, 'b', 500);
	feed(p, 'c', 500);
	run(p);
	feed(p, 'd', 500);
	feed(p, 'e', 500);
	copy_len = p->a.s.out.len - p->a.s.out.off;
	ck_assert_uint_le(copy_len, sizeof(copy));
	memcpy(copy, p->a.s.out.buf + p->a.s.out.off, copy_len);
	carry(&p->a, &p->b);
	side_turn(&p->b);
	reader_drain(&p->b);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	p->b.s.out.off = p->b.s.out.len = 0;	/* its ACK 5 is lost */
	/* The same two frames again: each a duplicate, answered ACK 5. */
	inject_raw(&p->b, (const uint8_t *)copy, copy_len);
	ck_assert(server_linked(&p->b.s));
	ck_assert(traced(&p->b, "Seq error 4"));
	ck_assert(traced(&p->b, "Seq error 5"));
	ck_assert_uint_eq(queued_count(&p->b, FT_ACK, NULL, NULL), 2);
	side_turn(&p->b);
	reader_drain(&p->b);
	ck_assert_uint_eq(p->b.got_len, 2500);
	cut_both(p);
	/* The sender still holds 4 and 5; the receiver says it has them. */
	ck_assert_uint_eq(p->a.s.acked, 3);
	sent = p->a.s.msgout;
	link_both(p);
	ck_assert_uint_eq(p->a.s.msgout - sent, 1);	/* the HELLO alone */
	ck_assert_uint_eq(p->a.s.acked, 5);
	ck_assert_uint_eq(snd(p)->spool->first, 6);
	ck_assert_uint_eq(p->b.got_len, 2500);
	expect_blocks(&p->b, 0, 'a', 5, 500);
	pair_free(p);
}
END_TEST

/* Never more than SRV_WINDOW frames sent and not acknowledged. */
START_TEST(test_window)
{
	struct pair *p = pair_new(LOST_STOP);
	uint64_t first = 0, last = 0;
	int i;

	link_both(p);
	for (i = 0; i < 100; i++)
		feed(p, 'A' + i % 26, 100);
	ck_assert_uint_eq(p->a.s.curmsg, 100);
	ck_assert_uint_eq(queued_count(&p->a, FT_DATA, &first, &last),
	    SRV_WINDOW);
	ck_assert_uint_eq(first, 1);
	ck_assert_uint_eq(last, SRV_WINDOW);
	ck_assert_uint_eq(snd(p)->send_next, SRV_WINDOW + 1);
	run(p);		/* check_window holds at every turn */
	ck_assert_uint_eq(p->a.s.acked, 100);
	ck_assert_uint_eq(p->b.s.curmsg, 100);
	ck_assert_uint_eq(p->b.got_len, 100 * 100);
	for (i = 0; i < 100; i++)
		ck_assert_int_eq(p->b.got[i * 100 + 99], 'A' + i % 26);
	pair_free(p);
}
END_TEST

/* ---- gaps, SYNC ---------------------------------------------------- */

/* Two blocks delivered, then the peer jumps to 5: lost 3 and 4. */
static struct pair *
gap_pair(int policy, char **state, size_t *state_len)
{
	struct pair *p = pair_new(policy);
	uint8_t x[10];

	memset(x, 'x', sizeof(x));
	link_both(p);
	feed(p, 'a', 100);
	feed(p, 'b', 100);
	run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 2);
	*state = state_image(&p->b, state_len);
	inject(&p->b, FT_DATA, 5, 0, x, sizeof(x));
	ck_assert(traced(&p->b, "Lost msg=5"));
	return p;
}

START_TEST(test_gap_stop)
{
	char text[128], *was, *now;
	size_t was_len, now_len;
	struct pair *p = gap_pair(LOST_STOP, &was, &was_len);

	ck_assert_str_eq(queued_error(&p->b, text, sizeof(text)),
	    "messages lost: receiver stopped (lost=stop)");
	ck_assert(!server_linked(&p->b.s));
	ck_assert(p->b.s.done);
	ck_assert_int_eq(p->b.s.exit_code, 1);
	now = state_image(&p->b, &now_len);
	same_image(was, was_len, now, now_len, "state file");
	ck_assert_uint_eq(p->b.s.curmsg, 2);
	reader_drain(&p->b);
	ck_assert_uint_eq(p->b.got_len, 200);
	free(was);
	free(now);
	pair_free(p);
}
END_TEST

START_TEST(test_gap_refuse)
{
	char text[128], *was, *now;
	size_t was_len, now_len;
	struct pair *p = gap_pair(LOST_REFUSE, &was, &was_len);

	ck_assert_str_eq(queued_error(&p->b, text, sizeof(text)),
	    "messages lost: refused (lost=refuse)");
	ck_assert(!server_linked(&p->b.s));
	ck_assert(!p->b.s.done);
	now = state_image(&p->b, &now_len);
	same_image(was, was_len, now, now_len, "state file");
	free(was);
	free(now);
	/* The sender hears why; the next link goes on from 3. */
	run(p);
	ck_assert(!server_linked(&p->a.s));
	ck_assert(traced(&p->a, "lost=refuse"));
	link_both(p);
	feed(p, 'c', 100);
	run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 3);
	ck_assert_uint_eq(p->b.got_len, 300);
	expect_blocks(&p->b, 0, 'a', 3, 100);
	pair_free(p);
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
		side_turn(&p->b);
		reader_drain(&p->b);
	}
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	ck_assert_uint_eq(rcv(p)->lost, 2);
	ck_assert_uint_eq(rcv(p)->st.st.last, 5);
	ck_assert_uint_eq(rcv(p)->st.st.lost, 2);
	ck_assert_uint_eq(p->b.got_len, 210);
	ck_assert_int_eq(p->b.got[209], 'x');
	pair_free(p);
}
END_TEST

/*
 * The receiver's state went back (a new one): resume is refused, the
 * spool kept; the operator's resync moves the receiver on with SYNC.
 */
START_TEST(test_sync_forward)
{
	struct pair *p = pair_new(LOST_STOP);
	char *was, *now;
	size_t was_len, now_len;
	const char *r;

	link_both(p);
	feed(p, 'a', 100);
	feed(p, 'b', 100);
	feed(p, 'c', 100);
	run(p);
	cut_both(p);
	feed(p, 'd', 100);
	feed(p, 'e', 100);
	side_free(&p->b);
	side_setup(&p->b, p->dir, "c", 0, LOST_STOP);
	was = spool_image(&p->a, &was_len);
	server_link_up(&p->b.s);
	server_link_up(&p->a.s);
	run(p);
	ck_assert(!p->a.s.hello_done);
	ck_assert(traced(&p->a, "Bad msg num '0'"));
	ck_assert(traced(&p->b, "cannot resume"));
	now = spool_image(&p->a, &now_len);
	same_image(was, was_len, now, now_len, "spool");
	free(was);
	free(now);
	r = p->a.s.role->resync(&p->a.s);
	ck_assert_str_eq(r, "OK resync at the next call");
	link_both(p);
	ck_assert(traced(&p->a, "Send resync"));
	ck_assert(traced(&p->b, "Re-sync 4"));
	run(p);
	ck_assert_uint_eq(p->b.s.curmsg, 5);
	ck_assert_uint_eq(p->a.s.acked, 5);
	ck_assert_uint_eq(p->b.got_len, 200);
	expect_blocks(&p->b, 0, 'd', 2, 100);
	pair_free(p);
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
	IN_SYNC_BACK, IN_MAGIC, IN_CRC, IN_FLAGS, IN_PEER_ERROR, IN__COUNT };

static const struct {
	const char	*what;
	int		 after_hello;
	const char	*error;		/* its ERROR text, NULL: none */
	const char	*trace;		/* a trace it leaves, or NULL */
} in_cases[IN__COUNT] = {
	[IN_DATA_FIRST] = { "DATA before HELLO", 0, "HELLO expected", NULL },
	[IN_SHUTDOWN_FIRST] = { "SHUTDOWN before HELLO", 0, "HELLO expected",
	    NULL },
	[IN_ROLE] = { "HELLO of role IN", 0, "bad HELLO", NULL },
	[IN_VERSION_TLV] = { "HELLO of version 0", 0, "bad HELLO", NULL },
	[IN_VERSION_HDR] = { "frame version 2", 0, NULL, "Bad header" },
	[IN_STREAM] = { "another stream", 0, "stream mismatch", NULL },
	[IN_ACK] = { "ACK to a receiver", 1, "unexpected frame", NULL },
	[IN_HELLO_ACK] = { "HELLO_ACK to a receiver", 1, "unexpected frame",
	    NULL },
	[IN_CHECK_REQ] = { "CHECK_REQ (not served)", 1, "unexpected frame",
	    NULL },
	[IN_SYNC_BACK] = { "SYNC backwards", 1, "SYNC would go backwards",
	    "Bad msg num '2'" },
	[IN_MAGIC] = { "not our magic", 0, NULL, "Unexpected msg" },
	[IN_CRC] = { "bad CRC", 1, NULL, "Bad header" },
	[IN_FLAGS] = { "flags set", 1, NULL, "Bad header" },
	[IN_PEER_ERROR] = { "the peer's ERROR", 1, NULL, "Peer error 'going'" },
};

START_TEST(test_refusal_receiver)
{
	struct pair *p = pair_new(LOST_STOP);
	uint8_t buf[FRAME_HDR_LEN + FRAME_HELLO_MAX], hello[FRAME_HELLO_MAX];
	static const uint8_t other[HELLO_STREAM_LEN] = { 7, 7, 7 };
	char text[128], *was, *now;
	size_t was_len, now_len, len;
	uint64_t got;

	/* A stream of two messages, then a new link. */
	link_both(p);
	feed(p, 'a', 100);
	feed(p, 'b', 100);
	run(p);
	cut_both(p);
	got = p->b.got_len;
	was = state_image(&p->b, &was_len);
	server_link_up(&p->b.s);
	if (in_cases[_i].after_hello) {
		len = hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 3);
		inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		ck_assert(p->b.s.hello_done);
		p->b.s.out.off = p->b.s.out.len = 0;	/* its HELLO_ACK */
	}
	switch (_i) {
	case IN_DATA_FIRST:
		inject(&p->b, FT_DATA, 3, 0, (const uint8_t *)"x", 1);
		break;
	case IN_SHUTDOWN_FIRST:
		inject(&p->b, FT_SHUTDOWN, 0, 0, NULL, 0);
		break;
	case IN_ROLE:
		len = hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 3);
		inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_VERSION_TLV:
		len = hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 3);
		ck_assert_int_eq(hello[0], HELLO_T_VERSION);
		hello[3] = 0;
		inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_VERSION_HDR:
		len = hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 3);
		len = frame_encode(buf, sizeof(buf), FT_HELLO, 0, 0, 0, hello,
		    (uint32_t)len);
		buf[4] = 2;
		inject_raw(&p->b, buf, len);
		break;
	case IN_STREAM:
		len = hello_of(hello, HELLO_ROLE_OUT, other, 3);
		inject(&p->b, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case IN_ACK:
		inject(&p->b, FT_ACK, 0, 2, NULL, 0);
		break;
	case IN_HELLO_ACK:
		len = hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 2);
		inject(&p->b, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case IN_CHECK_REQ:
		inject(&p->b, FT_CHECK_REQ, 0, 0, (const uint8_t *)"query", 5);
		break;
	case IN_SYNC_BACK:
		inject(&p->b, FT_SYNC, 2, 0, NULL, 0);
		break;
	case IN_MAGIC:
		inject_raw(&p->b, (const uint8_t *)"GET / HTTP/1.0\r\n", 16);
		break;
	case IN_CRC:
		len = frame_encode(buf, sizeof(buf), FT_DATA, 0, 3, 0,
		    (const uint8_t *)"abc", 3);
		buf[len - 1] ^= 1;
		inject_raw(&p->b, buf, len);
		break;
	case IN_FLAGS:
		/* A flag set, under a CRC that is right: the flag is refused. */
		len = frame_encode(buf, sizeof(buf), FT_DATA, 0, 3, 0,
		    (const uint8_t *)"abc", 3);
		buf[7] = 1;
		memset(buf + 28, 0, 4);
		be32_put(buf + 28, crc32c(crc32c(0, buf, FRAME_HDR_LEN),
		    buf + FRAME_HDR_LEN, 3));
		inject_raw(&p->b, buf, len);
		break;
	case IN_PEER_ERROR:
		inject(&p->b, FT_ERROR, 0, 0, (const uint8_t *)"going", 5);
		ck_assert(traced(&p->b, "going"));
		break;
	}
	ck_assert_msg(!server_linked(&p->b.s), "%s: the link stayed",
	    in_cases[_i].what);
	ck_assert_str_eq(queued_error(&p->b, text, sizeof(text)),
	    in_cases[_i].error != NULL ? in_cases[_i].error : "");
	if (in_cases[_i].trace != NULL)
		ck_assert_msg(traced(&p->b, in_cases[_i].trace), "%s: no '%s'",
		    in_cases[_i].what, in_cases[_i].trace);
	now = state_image(&p->b, &now_len);
	same_image(was, was_len, now, now_len, "state file");
	ck_assert_uint_eq(p->b.s.curmsg, 2);
	ck_assert_uint_eq(rcv(p)->win_count, 0);
	ck_assert(!p->b.s.done);
	reader_drain(&p->b);
	ck_assert_uint_eq(p->b.got_len, got);
	free(was);
	free(now);
	pair_free(p);
}
END_TEST

/* Sender refusals; the sender holds 3 and 4 unacknowledged. */
enum { OUT_ACK_FIRST, OUT_ROLE, OUT_AHEAD, OUT_BEHIND, OUT_ACK_BACK,
	OUT_ACK_AHEAD, OUT_DATA, OUT_HELLO, OUT_CRC, OUT_PEER_ERROR,
	OUT__COUNT };

static const struct {
	const char	*what;
	int		 after_hello;
	const char	*error;
	const char	*trace;
} out_cases[OUT__COUNT] = {
	[OUT_ACK_FIRST] = { "ACK before HELLO_ACK", 0, "HELLO_ACK expected",
	    NULL },
	[OUT_ROLE] = { "HELLO_ACK of role OUT", 0, "bad HELLO_ACK", NULL },
	[OUT_AHEAD] = { "receiver ahead", 0,
	    "cannot resume: message numbers disagree", "Bad msg num '9'" },
	[OUT_BEHIND] = { "receiver behind", 0,
	    "cannot resume: message numbers disagree", "Bad msg num '1'" },
	[OUT_ACK_BACK] = { "ACK backwards", 1, "ACK out of range",
	    "Bad msg num '1'" },
	[OUT_ACK_AHEAD] = { "ACK of what was never sent", 1,
	    "ACK out of range", "Bad msg num '7'" },
	[OUT_DATA] = { "DATA to a sender", 1, "unexpected frame", NULL },
	[OUT_HELLO] = { "HELLO to a sender", 1, "unexpected frame", NULL },
	[OUT_CRC] = { "bad CRC", 1, NULL, "Bad header" },
	[OUT_PEER_ERROR] = { "the peer's ERROR", 1, NULL,
	    "Peer error 'going'" },
};

START_TEST(test_refusal_sender)
{
	struct pair *p = pair_new(LOST_STOP);
	uint8_t buf[FRAME_HDR_LEN + 64], hello[FRAME_HELLO_MAX];
	char text[128], *was, *now;
	size_t was_len, now_len, len;

	link_both(p);
	feed(p, 'a', 100);
	feed(p, 'b', 100);
	run(p);
	cut_both(p);
	feed(p, 'c', 100);
	feed(p, 'd', 100);
	ck_assert_uint_eq(p->a.s.acked, 2);
	ck_assert_uint_eq(p->a.s.curmsg, 4);
	server_link_up(&p->a.s);
	ck_assert_uint_eq(queued_count(&p->a, FT_HELLO, NULL, NULL), 1);
	p->a.s.out.off = p->a.s.out.len = 0;
	if (out_cases[_i].after_hello) {
		len = hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 2);
		inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		ck_assert(p->a.s.hello_done);
		side_turn(&p->a);	/* sends 3 and 4 */
		ck_assert_uint_eq(queued_count(&p->a, FT_DATA, NULL, NULL), 2);
		p->a.s.out.off = p->a.s.out.len = 0;
	}
	was = spool_image(&p->a, &was_len);
	switch (_i) {
	case OUT_ACK_FIRST:
		inject(&p->a, FT_ACK, 0, 2, NULL, 0);
		break;
	case OUT_ROLE:
		len = hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 2);
		inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_AHEAD:
		len = hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 9);
		inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_BEHIND:
		len = hello_of(hello, HELLO_ROLE_IN, p->a.s.stream, 1);
		inject(&p->a, FT_HELLO_ACK, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_ACK_BACK:
		inject(&p->a, FT_ACK, 0, 1, NULL, 0);
		break;
	case OUT_ACK_AHEAD:
		inject(&p->a, FT_ACK, 0, 7, NULL, 0);
		break;
	case OUT_DATA:
		inject(&p->a, FT_DATA, 1, 0, (const uint8_t *)"x", 1);
		break;
	case OUT_HELLO:
		len = hello_of(hello, HELLO_ROLE_OUT, p->a.s.stream, 1);
		inject(&p->a, FT_HELLO, 0, 0, hello, (uint32_t)len);
		break;
	case OUT_CRC:
		len = frame_encode(buf, sizeof(buf), FT_ACK, 0, 0, 3, NULL, 0);
		buf[30] ^= 0x10;
		inject_raw(&p->a, buf, len);
		break;
	case OUT_PEER_ERROR:
		inject(&p->a, FT_ERROR, 0, 0, (const uint8_t *)"going", 5);
		ck_assert(traced(&p->a, "going"));
		break;
	}
	ck_assert_msg(!server_linked(&p->a.s), "%s: the link stayed",
	    out_cases[_i].what);
	ck_assert_str_eq(queued_error(&p->a, text, sizeof(text)),
	    out_cases[_i].error != NULL ? out_cases[_i].error : "");
	if (out_cases[_i].trace != NULL)
		ck_assert_msg(traced(&p->a, out_cases[_i].trace),
		    "%s: no '%s'", out_cases[_i].what, out_cases[_i].trace);
	now = spool_image(&p->a, &now_len);
	same_image(was, was_len, now, now_len, "spool");
	ck_assert_uint_eq(p->a.s.curmsg, 4);
	ck_assert(!p->a.s.done);
	free(was);
	free(now);
	pair_free(p);
}
END_TEST

Suite *
roles_suite(void)
{
	Suite *s = suite_create("roles");
	TCase *tc = tcase_create("in memory");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_stream_in_order);
	tcase_add_test(tc, test_resume_resends_unacked);
	tcase_add_test(tc, test_resume_duplicates_dropped);
	tcase_add_test(tc, test_window);
	tcase_add_test(tc, test_gap_stop);
	tcase_add_test(tc, test_gap_refuse);
	tcase_add_test(tc, test_gap_accept);
	tcase_add_test(tc, test_sync_forward);
	tcase_add_loop_test(tc, test_refusal_receiver, 0, IN__COUNT);
	tcase_add_loop_test(tc, test_refusal_sender, 0, OUT__COUNT);
	suite_add_tcase(s, tc);
	return s;
}
