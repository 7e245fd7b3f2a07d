/*
 * verify — the reader of the fault suite.
 *
 *   verify -f FIFO [-n COUNT | -c COUNT_FILE] [-s SEED] [-t TIMEOUT]
 *          [-l LINGER] [-p PROGRESS_FILE]
 *
 * Reads FIFO as a byte stream and tells, against the ideal stream of
 * the generator (fblock.h), which blocks arrived whole, which are
 * missing, duplicated (all or part of them reached the reader twice),
 * corrupted (bytes replaced, or garbage that belongs nowhere) or late
 * (arrived after a later one).  It follows the stream byte by byte:
 * while the bytes are the ideal ones it advances; at the first that is
 * not, it looks for the next place it can locate (a block header, or
 * an aligned payload word, which carries its offset) and notes the
 * jump: back is a replay, forward a gap, bytes in between that match
 * nothing are garbage.
 *
 * The FIFO is opened read-write: a reader that holds only the read end
 * sees end of file whenever the input server closes the pipe (a
 * restart, a tape mark), and the suite's reader must outlive those.
 *
 * It ends when COUNT blocks (COUNT_FILE: the generator writes it when
 * it ends) have all arrived and nothing more came for LINGER seconds
 * (default 1), after TIMEOUT seconds, or on SIGTERM / SIGINT.  Details
 * go to stderr; the last line on stdout is
 *   verify: expected=N received=R missing=M duplicated=D corrupted=C
 *   outoforder=O dupevents=E dupmax=B garbage=G extra=X bytes=T
 *   result=complete|timeout|stopped
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fblock.h"

#define BUFSZ	(4 * 1024 * 1024)
#define CMPSZ	(64 * 1024)
#define F_DUP	1
#define F_CORRUPT 2

struct ivl {
	uint64_t	a, b;
};

static struct fb_model	 m;
static struct ivl	*cov;		/* delivered ideal bytes, sorted */
static size_t		 ncov, capcov;
static uint8_t		*flags;		/* F_* per block, index seq - 1 */
static uint64_t		 nflags;
static uint64_t		 hw;		/* highest ideal offset delivered */
static uint64_t		 dupevents, dupbytes, dupmax, outoforder;
static uint64_t		 garbage_events, garbage_bytes, nread;
static uint64_t		 corrupt_events;
static int		 details = 20;	/* detail lines left per kind */
static volatile sig_atomic_t stop_asked;

static void
on_term(int sig)
{
	stop_asked = 1;
}

static void
mark(uint64_t a, uint64_t b, uint8_t f)
{
	uint64_t seq;

	if (a >= b)
		return;
	for (seq = fb_block_at(&m, a); fb_block_off(&m, seq) < b; seq++) {
		if (seq > nflags) {
			uint64_t n = nflags ? nflags : 1024;

			while (n < seq)
				n *= 2;
			if ((flags = realloc(flags, n)) == NULL)
				err(2, "flags");
			memset(flags + nflags, 0, n - nflags);
			nflags = n;
		}
		flags[seq - 1] |= f;
	}
}

static void
say_range(const char *what, uint64_t a, uint64_t b)
{
	if (details <= 0)
		return;
	details--;
	fprintf(stderr, "verify: %s: ideal bytes %llu..%llu (%llu), blocks "
	    "%llu..%llu, after %llu bytes read\n", what,
	    (unsigned long long)a, (unsigned long long)b,
	    (unsigned long long)(b - a),
	    (unsigned long long)fb_block_at(&m, a),
	    (unsigned long long)fb_block_at(&m, b - 1),
	    (unsigned long long)nread);
}

/* A run of ideal bytes [a, b) reached the reader. */
static void
cover_add(uint64_t a, uint64_t b)
{
	uint64_t over = 0, below = 0, na = a, nb = b;
	size_t i, j, k;

	if (a >= b)
		return;
	for (i = 0; i < ncov; i++) {
		uint64_t x = cov[i].a > a ? cov[i].a : a;
		uint64_t y = cov[i].b < b ? cov[i].b : b;

		if (x < y) {
			over += y - x;
			mark(x, y, F_DUP);
			say_range("duplicate", x, y);
		}
	}
	if (over > 0) {
		dupevents++;
		dupbytes += over;
		if (over > dupmax)
			dupmax = over;
	}
	/* Bytes below the high-water mark that had not come yet: late. */
	if (a < hw) {
		uint64_t top = b < hw ? b : hw, seen = 0;

		for (i = 0; i < ncov; i++) {
			uint64_t x = cov[i].a > a ? cov[i].a : a;
			uint64_t y = cov[i].b < top ? cov[i].b : top;

			if (x < y)
				seen += y - x;
		}
		below = top - a - seen;
		if (below > 0) {
			outoforder++;
			say_range("late", a, top);
		}
	}
	if (b > hw)
		hw = b;
	/* Merge: drop every interval touching [a, b), insert the union. */
	for (i = 0; i < ncov && cov[i].b < a; i++)
		;
	for (j = i; j < ncov && cov[j].a <= b; j++) {
		if (cov[j].a < na)
			na = cov[j].a;
		if (cov[j].b > nb)
			nb = cov[j].b;
	}
	if (i == j) {
		if (ncov == capcov) {
			capcov = capcov ? capcov * 2 : 64;
			if ((cov = reallocarray(cov, capcov,
			    sizeof(*cov))) == NULL)
				err(2, "coverage");
		}
		memmove(cov + i + 1, cov + i, (ncov - i) * sizeof(*cov));
		ncov++;
	} else {
		k = j - i - 1;
		memmove(cov + i + 1, cov + j, (ncov - j) * sizeof(*cov));
		ncov -= k;
	}
	cov[i].a = na;
	cov[i].b = nb;
}

/* Where the bytes at p come from in the ideal stream, if anywhere. */
static int
locate(const uint8_t *p, size_t avail, uint64_t *off)
{
	uint8_t want[FB_HDR];
	struct fb_header h;
	uint64_t o;
	size_t n = avail < FB_HDR ? avail : FB_HDR;

	if (avail >= FB_HDR && fb_header_get(p, &h) == 0 && h.seed == m.seed &&
	    h.seq < hw / 16 + 1000000)
		o = fb_block_off(&m, h.seq);
	else if (avail >= 8 && fb_word_get(m.seed, p, &o) == 0 &&
	    o < hw + 256 * 1024 * 1024)
		;
	else
		return -1;
	fb_ideal(&m, o, want, n);
	if (memcmp(p, want, n) != 0)
		return -1;
	*off = o;
	return 0;
}

struct reader {
	uint8_t		*buf;
	size_t		 len, pos;
	int		 synced;
	uint64_t	 p;		/* ideal offset of buf[pos] when synced */
	uint64_t	 runstart;
	uint64_t	 lastend;	/* where the last run ended */
	uint64_t	 g;		/* garbage bytes since it ended */
};

static void
run_end(struct reader *r)
{
	cover_add(r->runstart, r->p);
	r->lastend = r->p;
	r->synced = 0;
	r->g = 0;
}

/* The run under way counts as delivered so far (complete, progress). */
static void
run_flush(struct reader *r)
{
	if (r->synced && r->p > r->runstart) {
		cover_add(r->runstart, r->p);
		r->runstart = r->p;
	}
}

static void
jump(struct reader *r, uint64_t s)
{
	uint64_t e = r->lastend;

	if (r->g > 0 && s == e + r->g) {
		corrupt_events++;
		mark(e, s, F_CORRUPT);
		say_range("corrupted in place", e, s);
	} else if (r->g > 0) {
		garbage_events++;
		garbage_bytes += r->g;
		if (details > 0) {
			details--;
			fprintf(stderr, "verify: %llu garbage bytes between "
			    "ideal %llu and %llu, after %llu bytes read\n",
			    (unsigned long long)r->g, (unsigned long long)e,
			    (unsigned long long)s, (unsigned long long)nread);
		}
	} else if (s > e)
		say_range("gap", e, s);
	r->synced = 1;
	r->p = r->runstart = s;
	r->g = 0;
}

static void
consume(struct reader *r, int final)
{
	static uint8_t want[CMPSZ];

	for (;;) {
		size_t avail = r->len - r->pos, n, i;
		uint64_t o;

		if (avail == 0)
			break;
		if (r->synced) {
			n = avail < CMPSZ ? avail : CMPSZ;
			fb_ideal(&m, r->p, want, n);
			for (i = 0; i < n && r->buf[r->pos + i] == want[i]; i++)
				;
			r->pos += i;
			r->p += i;
			if (i < n)
				run_end(r);
			continue;
		}
		if (avail < 40 && !final)
			break;
		if (locate(r->buf + r->pos, avail, &o) == 0) {
			uint8_t c;

			/* The jump may have happened a few bytes before the
			 * first place that could be located. */
			while (r->g > 0 && r->pos > 0 && o > 0) {
				fb_ideal(&m, o - 1, &c, 1);
				if (r->buf[r->pos - 1] != c)
					break;
				r->pos--;
				o--;
				r->g--;
			}
			jump(r, o);
		} else {
			r->pos++;
			r->g++;
		}
	}
}

static void
compact(struct reader *r)
{
	size_t keep = r->synced ? r->pos : r->pos > 64 ? r->pos - 64 : 0;

	memmove(r->buf, r->buf + keep, r->len - keep);
	r->len -= keep;
	r->pos -= keep;
}

static uint64_t
read_count(const char *path)
{
	FILE *f;
	unsigned long long n = 0;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%llu", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

static void
progress(const char *path)
{
	char tmp[4096];
	FILE *f;

	if (path == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fprintf(f, "read=%llu contig=%llu\n", (unsigned long long)nread,
	    (unsigned long long)(ncov > 0 && cov[0].a == 0 ? cov[0].b : 0));
	if (fclose(f) == 0)
		rename(tmp, path);
}

static int
complete(uint64_t count)
{
	return count > 0 && ncov > 0 && cov[0].a == 0 &&
	    cov[0].b >= fb_block_end(&m, count);
}

static void
usage(void)
{
	fprintf(stderr, "usage: verify -f FIFO [-n COUNT | -c COUNT_FILE] "
	    "[-s SEED] [-t TIMEOUT] [-l LINGER] [-p PROGRESS]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *fifo = NULL, *countfile = NULL, *pgfile = NULL;
	const char *result;
	struct reader r = { 0 };
	uint64_t count = 0, seq, received = 0, missing = 0, dup = 0;
	uint64_t corrupt = 0, extra = 0, end;
	double timeout = 0, linger = 1, t0, lastread, lastpg = 0;
	int ch, fd, mdetails = 20;
	uint32_t seed = 1;
	struct pollfd pfd;

	while ((ch = getopt(argc, argv, "f:n:c:s:t:l:p:")) != -1) {
		switch (ch) {
		case 'f': fifo = optarg; break;
		case 'n': count = strtoull(optarg, NULL, 10); break;
		case 'c': countfile = optarg; break;
		case 's': seed = strtoul(optarg, NULL, 10); break;
		case 't': timeout = atof(optarg); break;
		case 'l': linger = atof(optarg); break;
		case 'p': pgfile = optarg; break;
		default: usage();
		}
	}
	if (fifo == NULL || optind != argc)
		usage();
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	fb_model_init(&m, seed);
	if ((r.buf = malloc(BUFSZ)) == NULL)
		err(2, "buffer");
	r.synced = 1;
	if ((fd = open(fifo, O_RDWR | O_NONBLOCK)) == -1)
		err(2, "open %s", fifo);
	t0 = lastread = fb_now();
	result = "stopped";
	for (;;) {
		ssize_t n;

		if (countfile != NULL && count == 0)
			count = read_count(countfile);
		if (fb_now() - lastpg >= 0.2) {
			progress(pgfile);
			lastpg = fb_now();
		}
		if (complete(count) && fb_now() - lastread >= linger) {
			result = "complete";
			break;
		}
		if (timeout > 0 && fb_now() - t0 >= timeout) {
			result = "timeout";
			break;
		}
		if (stop_asked)
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) == -1 && errno != EINTR)
			err(2, "poll");
		if (r.len == BUFSZ)
			compact(&r);
		n = read(fd, r.buf + r.len, BUFSZ - r.len);
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			err(2, "read %s", fifo);
		if (n <= 0)
			continue;
		r.len += n;
		nread += n;
		lastread = fb_now();
		consume(&r, 0);
		run_flush(&r);
		if (r.pos > BUFSZ / 2)
			compact(&r);
	}
	consume(&r, 1);
	if (r.synced)
		run_end(&r);
	if (r.g > 0) {
		garbage_events++;
		garbage_bytes += r.g;
		fprintf(stderr, "verify: %llu garbage bytes at the end\n",
		    (unsigned long long)r.g);
	}
	progress(pgfile);
	if (count == 0) {
		/* Not told: as many as reached the reader. */
		count = hw > 0 ? fb_block_at(&m, hw - 1) : 0;
	}
	end = count > 0 ? fb_block_end(&m, count) : 0;
	for (seq = 1; seq <= count; seq++) {
		uint64_t a = fb_block_off(&m, seq), b = fb_block_end(&m, seq);
		uint8_t f = seq <= nflags ? flags[seq - 1] : 0;
		int whole = 0;

		for (size_t i = 0; i < ncov; i++)
			if (cov[i].a <= a && cov[i].b >= b)
				whole = 1;
		if (f & F_DUP)
			dup++;
		if (f & F_CORRUPT)
			corrupt++;
		else if (whole)
			received++;
		else {
			missing++;
			if (mdetails-- > 0)
				fprintf(stderr, "verify: block %llu missing\n",
				    (unsigned long long)seq);
		}
	}
	for (size_t i = 0; i < ncov; i++)
		if (cov[i].b > end)
			extra += cov[i].b - (cov[i].a > end ? cov[i].a : end);
	printf("verify: expected=%llu received=%llu missing=%llu "
	    "duplicated=%llu corrupted=%llu outoforder=%llu dupevents=%llu "
	    "dupmax=%llu garbage=%llu extra=%llu bytes=%llu result=%s\n",
	    (unsigned long long)count, (unsigned long long)received,
	    (unsigned long long)missing, (unsigned long long)dup,
	    (unsigned long long)(corrupt + garbage_events),
	    (unsigned long long)outoforder, (unsigned long long)dupevents,
	    (unsigned long long)dupmax, (unsigned long long)garbage_bytes,
	    (unsigned long long)extra, (unsigned long long)nread, result);
	(void)corrupt_events;
	(void)dupbytes;
	fb_model_free(&m);
	free(r.buf);
	free(cov);
	free(flags);
	return 0;
}
