/*
 * roles_pair.c — the harness of check_roles.c: a sender and a receiver
 * (struct server each, homes in a temporary directory, real FIFOs for
 * their tape pipes) and no socket.  The test is the link: it moves the
 * bytes of one side's s->out into the other's s->rbuf and calls the
 * role's frames op, turns each role's own loop (its pipes, inotify),
 * and reads the receiver's pipe as a tape reader would.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bsd/string.h>

#include "roles_pair.h"
#include "spool.h"
#include "srvconf.h"
#include "svr_common.h"
#include "tests.h"

/* ---- the servers --------------------------------------------------- */

void
rp_reader_open(struct side *x)
{
	x->fd = open(x->fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(x->fd, 0);
}

void
rp_writer_open(struct side *x)
{
	x->fd = open(x->fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	ck_assert_msg(x->fd >= 0, "writer open: %s", strerror(errno));
}

/*
 * A server as server_main would make it, its configuration filled in:
 * server name in the home dir/home (two homes, two machines).
 */
void
rp_side_setup(struct side *x, const char *dir, const char *home,
    const char *name, int is_out, int lost)
{
	struct server *s = &x->s;
	struct errbuf err;

	memset(x, 0, sizeof(*x));
	x->home = xasprintf("%s/%s", dir, home);
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
	s->conf.rshut = 1;		/* the default */
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
		rp_reader_open(x);
	ck_assert_msg(s->role->start(s, &err) == 0, "%s: start: %s", name,
	    err.msg);
	if (is_out)
		rp_writer_open(x);
}

void
rp_side_free(struct side *x)
{
	struct server *s = &x->s;

	if (x->fd >= 0)
		close(x->fd);
	server_release(s);
	srvconf_free(&s->conf);
	free(s->out.buf);
	free(s->rbuf);
	free(s->state_path);
	free(s->home);
	free(x->home);
	free(x->fifo);
	free(x->got);
}

struct pair *
rp_new(int lost)
{
	struct pair *p = xcalloc(1, sizeof(*p));

	setenv("TAPESOCK_NO_SYSLOG", "1", 1);
	p->dir = test_tmpdir();
	rp_side_setup(&p->a, p->dir, "a", RP_NAME, 1, lost);
	rp_side_setup(&p->b, p->dir, "b", RP_NAME, 0, lost);
	return p;
}

void
rp_free(struct pair *p)
{
	rp_side_free(&p->a);
	rp_side_free(&p->b);
	test_rmtree(p->dir);
	free(p->dir);
	free(p);
}

struct sender *
rp_snd(struct pair *p)
{
	return p->a.s.role_data;
}

struct receiver *
rp_rcv(struct pair *p)
{
	return p->b.s.role_data;
}

/* ---- the in-memory link -------------------------------------------- */

/* One turn of a role's own loop (server_main without the link). */
int
rp_side_turn(struct side *x)
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
int
rp_carry(struct side *from, struct side *to)
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
int
rp_hangup(struct side *gone, struct side *peer)
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
int
rp_reader_drain(struct side *x)
{
	struct receiver *r = x->s.role_data;
	uint8_t buf[65536];
	ssize_t n;
	int moved = 0;

	if (x->fd < 0) {
		/* The next reader comes once the receiver saw this one go. */
		if (r->eof_wait)
			return 0;
		rp_reader_open(x);
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
void
rp_check_window(struct pair *p)
{
	ck_assert_uint_le(rp_snd(p)->send_next - 1 - p->a.s.acked, SRV_WINDOW);
	ck_assert_uint_le(rp_rcv(p)->win_count, SRV_WINDOW);
}

/*
 * Turn both servers and the link until nothing moves for a few turns
 * and no deadline of a role is near (the receiver retries opening its
 * pipe every 100 ms: waited for in poll on the roles' descriptors).
 */
void
rp_run(struct pair *p)
{
	struct pollfd pfd[16];
	int i, n, idle = 0, ta, tb, t, moved;

	for (i = 0; i < 100000 && idle < 3; i++) {
		ta = rp_side_turn(&p->a);
		tb = rp_side_turn(&p->b);
		moved = rp_carry(&p->a, &p->b);
		moved |= rp_carry(&p->b, &p->a);
		moved |= rp_hangup(&p->a, &p->b);
		moved |= rp_hangup(&p->b, &p->a);
		moved |= rp_reader_drain(&p->b);
		rp_check_window(p);
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
void
rp_link_both(struct pair *p)
{
	server_link_up(&p->b.s);
	server_link_up(&p->a.s);
	rp_run(p);
	ck_assert(p->a.s.hello_done);
	ck_assert(p->b.s.hello_done);
}

/* The connection is cut: whatever was on the way is lost. */
void
rp_cut_both(struct pair *p)
{
	server_link_drop(&p->a.s);
	server_link_drop(&p->b.s);
	p->a.s.out.off = p->a.s.out.len = 0;
	p->b.s.out.off = p->b.s.out.len = 0;
}

/* The sender's tape process writes one block; the sender spools it. */
void
rp_feed(struct pair *p, int c, size_t len)
{
	uint64_t before = rp_snd(p)->spool->next;
	uint8_t *buf = xmalloc(len);
	int i;

	memset(buf, c, len);
	ck_assert_int_eq(write(p->a.fd, buf, len), (ssize_t)len);
	free(buf);
	for (i = 0; i < 1000 && rp_snd(p)->spool->next == before; i++)
		rp_side_turn(&p->a);
	ck_assert_uint_eq(rp_snd(p)->spool->next, before + 1);
}

/* The tape process closes the pipe: a tape mark, then a new file. */
void
rp_mark(struct pair *p)
{
	uint64_t before = rp_snd(p)->spool->next;
	int i;

	close(p->a.fd);
	for (i = 0; i < 1000 && rp_snd(p)->spool->next == before; i++)
		rp_side_turn(&p->a);
	ck_assert_uint_eq(rp_snd(p)->spool->next, before + 1);
	rp_writer_open(&p->a);
}

/* What the reader should have read: blocks of c .. c + n - 1. */
void
rp_expect_blocks(struct side *x, size_t from, int c, int n, size_t len)
{
	size_t i;
	int k;

	for (k = 0; k < n; k++)
		for (i = 0; i < len; i++)
			ck_assert_msg(x->got[from + (size_t)k * len + i] == c + k,
			    "byte %zu of block %d", i, k);
}

/* A frame straight into a side's buffer, as a peer would send it. */
void
rp_inject(struct side *x, uint8_t type, uint64_t msgnum, uint64_t aux,
    const uint8_t *payload, uint32_t len)
{
	size_t n;

	n = frame_encode(x->s.rbuf + x->s.rlen, SRV_RBUF - x->s.rlen, type, 0,
	    msgnum, aux, payload, len);
	ck_assert_uint_gt(n, 0);
	x->s.rlen += n;
	x->s.role->frames(&x->s);
}

void
rp_inject_raw(struct side *x, const uint8_t *buf, size_t len)
{
	memcpy(x->s.rbuf + x->s.rlen, buf, len);
	x->s.rlen += len;
	x->s.role->frames(&x->s);
}

/* A HELLO or HELLO_ACK as a peer of role of this pair would fill it. */
void
rp_hello_fill(struct hello *h, uint8_t role, const uint8_t *stream,
    uint64_t last)
{
	memset(h, 0, sizeof(*h));
	h->version = 1;
	h->role = role;
	strlcpy(h->name, RP_NAME, sizeof(h->name));
	strlcpy(h->peer, RP_NAME, sizeof(h->peer));
	memcpy(h->stream, stream, HELLO_STREAM_LEN);
	h->clock_ns = (uint64_t)time(NULL) * 1000000000ULL;
	h->last_msgnum = last;
	h->window = SRV_WINDOW;
	h->max_payload = SRV_BLOCK;
}

/* Its payload into buf (FRAME_HELLO_MAX bytes): the length. */
size_t
rp_hello_put(uint8_t *buf, const struct hello *h)
{
	size_t len;

	ck_assert_int_eq(hello_encode(h, buf, FRAME_HELLO_MAX, &len), 0);
	return len;
}

size_t
rp_hello_of(uint8_t *buf, uint8_t role, const uint8_t *stream, uint64_t last)
{
	struct hello h;

	rp_hello_fill(&h, role, stream, last);
	return rp_hello_put(buf, &h);
}

/* The first ERROR among the frames a side queued, or "" if none. */
const char *
rp_queued_error(struct side *x, char *text, size_t sz)
{
	return rp_queued_text(x, FT_ERROR, text, sz, NULL);
}

/* The text of the last frame of a type a side queued ("" if none). */
const char *
rp_queued_text(struct side *x, uint8_t type, char *text, size_t sz,
    uint64_t *aux)
{
	struct frame_error e;
	struct frame f;
	size_t off = x->s.out.off, used;

	*text = '\0';
	while (frame_decode(x->s.out.buf + off, x->s.out.len - off, &f,
	    &used, &e) == FRAME_OK) {
		if (f.type == type) {
			snprintf(text, sz, "%.*s", (int)f.len,
			    (const char *)f.payload);
			if (aux != NULL)
				*aux = f.aux;
			if (type == FT_ERROR)
				break;
		}
		off += used;
	}
	return text;
}

/* Frames of a type among those a side queued. */
unsigned
rp_queued_count(struct side *x, uint8_t type, uint64_t *first, uint64_t *last)
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
int
rp_traced(struct side *x, const char *text)
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
char *
rp_state_image(struct side *x, size_t *len)
{
	char *buf;

	ck_assert_int_eq(read_file(x->s.state_path, &buf, len), 0);
	return buf;
}

/* The sender's spool: every segment, in name order, and its numbers. */
char *
rp_spool_image(struct side *x, size_t *len)
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

void
rp_same_image(const char *was, size_t was_len, const char *now, size_t now_len,
    const char *what)
{
	ck_assert_msg(was_len == now_len && memcmp(was, now, now_len) == 0,
	    "%s changed", what);
}
