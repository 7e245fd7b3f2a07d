/*
 * relay — a TCP relay between the two servers that misbehaves on order.
 *
 *   relay -l LISTEN_PORT -t TARGET_PORT -c CONTROL_SOCKET [-s SEED]
 *   relay -c CONTROL_SOCKET COMMAND...
 *
 * The first form listens on 127.0.0.1:LISTEN_PORT and joins every
 * connection to 127.0.0.1:TARGET_PORT; it takes one-line commands on
 * the Unix socket CONTROL_SOCKET and answers one line, "OK what it did"
 * or "ERR why".  The second form sends one command and prints the
 * answer (exit 1 on ERR).  Commands:
 *
 *   pass        forward again, accept again (ends stall, blackhole, refuse)
 *   cut         reset every connection (SO_LINGER 0, close: RST both ways)
 *   stall       forward nothing, read nothing: a partitioned network;
 *               TCP keeps what it has, the senders block
 *   blackhole   read both ways and drop it: bytes vanish from the streams
 *   refuse      reset new connections as soon as they are accepted
 *   flip N      flip one bit in each of the next N chunks forwarded
 *               from the output server to the input server
 *   rflip N     the same, from the input server to the output server
 *   junk N      insert N random bytes into the stream towards the input
 *               server
 *   stats       connections, bytes, cuts, flips
 *
 * Every event goes to stdout with a timestamp.  127.0.0.1 only.
 */
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fblock.h"

#define MAXCONN	32
#define BUFLEN	(64 * 1024)

enum mode { M_PASS, M_STALL, M_BLACKHOLE };

/* One direction of a connection: bytes read from `from`, not yet
 * written to the other side. */
struct dir {
	uint8_t		buf[BUFLEN];
	size_t		len, off;
	int		eof;		/* read end of file; shut down after */
	int		shut;
};

struct conn {
	int		used, id;
	int		fd[2];		/* 0: the caller (output server), 1: target */
	int		connecting;	/* fd[1] connect under way */
	struct dir	d[2];		/* d[0]: 0 -> 1, d[1]: 1 -> 0 */
};

static struct conn	conns[MAXCONN];
static enum mode	mode;
static int		refusing, nextid = 1;
static uint64_t		flips[2], junk, rng;
static uint64_t		bytes[2], ncuts, nflips, naccepted, nrefused;
static int		tport;
static volatile sig_atomic_t quit;

static void
on_term(int sig)
{
	quit = 1;
}

static void
say(const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	va_list ap;
	char t[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(t, sizeof(t), "%H:%M:%S", &tm);
	printf("%s.%03ld relay: ", t, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static uint64_t
rnd(void)
{
	return fb_mix(rng++);
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

static void
rst_close(int fd)
{
	struct linger l = { 1, 0 };

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(fd);
}

static void
conn_drop(struct conn *c, int reset, const char *why)
{
	for (int i = 0; i < 2; i++) {
		if (reset)
			rst_close(c->fd[i]);
		else if (c->fd[i] >= 0)
			close(c->fd[i]);
	}
	say("conn %d closed (%s)", c->id, why);
	memset(c, 0, sizeof(*c));
}

static struct sockaddr_in
lo(int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static void
accept_one(int lfd)
{
	struct sockaddr_in sin = lo(tport);
	struct conn *c = NULL;
	int fd, t;

	if ((fd = accept(lfd, NULL, NULL)) == -1)
		return;
	for (int i = 0; i < MAXCONN; i++)
		if (!conns[i].used) {
			c = &conns[i];
			break;
		}
	if (refusing || c == NULL) {
		nrefused++;
		rst_close(fd);
		say("refused a connection%s", c ? "" : " (too many)");
		return;
	}
	if ((t = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		rst_close(fd);
		return;
	}
	nonblock(fd);
	nonblock(t);
	memset(c, 0, sizeof(*c));
	c->used = 1;
	c->id = nextid++;
	c->fd[0] = fd;
	c->fd[1] = t;
	naccepted++;
	if (connect(t, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		if (errno != EINPROGRESS) {
			say("conn %d: connect to target: %s", c->id,
			    strerror(errno));
			conn_drop(c, 1, "target refused");
			return;
		}
		c->connecting = 1;
	}
	say("conn %d accepted", c->id);
}

/* Move bytes one way; -1 when the connection must be reset. */
static int
pump(struct conn *c, int k, short rev_from, short rev_to)
{
	struct dir *d = &c->d[k];
	int from = c->fd[k], to = c->fd[1 - k];
	ssize_t n;

	if (d->len == d->off && !d->eof && (rev_from & (POLLIN | POLLHUP))) {
		n = read(from, d->buf, sizeof(d->buf));
		if (n == 0)
			d->eof = 1;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		else if (n > 0) {
			bytes[k] += n;
			if (mode == M_BLACKHOLE)
				n = 0;
			d->len = n;
			d->off = 0;
			if (n > 0 && flips[k] > 0) {
				uint64_t r = rnd();
				size_t at = r % n;

				d->buf[at] ^= 1 << (r >> 32) % 8;
				flips[k]--;
				nflips++;
				say("conn %d: flipped bit %d of byte %zu of a "
				    "%zd-byte chunk %s", c->id,
				    (int)((r >> 32) % 8), at, n,
				    k == 0 ? "to the input server" :
				    "to the output server");
			}
		}
	}
	if (k == 0 && junk > 0 && d->len == d->off && mode == M_PASS) {
		size_t n2 = junk < sizeof(d->buf) ? junk : sizeof(d->buf);

		for (size_t i = 0; i < n2; i++)
			d->buf[i] = rnd();
		d->len = n2;
		d->off = 0;
		junk -= n2;
		say("conn %d: inserted %zu junk bytes", c->id, n2);
	}
	/* Non-blocking: try at once rather than wait for a POLLOUT. */
	if (d->off < d->len) {
		n = write(to, d->buf + d->off, d->len - d->off);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (n > 0)
			d->off += n;
	}
	if (d->eof && d->off == d->len && !d->shut) {
		shutdown(to, SHUT_WR);
		d->shut = 1;
	}
	return 0;
}

static void
control(int cfd)
{
	char line[256], ans[512];
	ssize_t n;
	long v = 0;
	int fd, live = 0;
	struct timeval tv = { 2, 0 };

	if ((fd = accept(cfd, NULL, NULL)) == -1)
		return;
	/* The client writes its line at once: a short blocking read. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = read(fd, line, sizeof(line) - 1);
	if (n <= 0) {
		close(fd);
		return;
	}
	line[n] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	for (int i = 0; i < MAXCONN; i++)
		live += conns[i].used;
	if (strcmp(line, "pass") == 0) {
		mode = M_PASS;
		refusing = 0;
		snprintf(ans, sizeof(ans), "OK pass (%d connection(s))", live);
	} else if (strcmp(line, "cut") == 0) {
		for (int i = 0; i < MAXCONN; i++)
			if (conns[i].used)
				conn_drop(&conns[i], 1, "cut");
		ncuts++;
		snprintf(ans, sizeof(ans), "OK cut %d connection(s)", live);
	} else if (strcmp(line, "stall") == 0) {
		mode = M_STALL;
		snprintf(ans, sizeof(ans), "OK stall (%d connection(s))", live);
	} else if (strcmp(line, "blackhole") == 0) {
		mode = M_BLACKHOLE;
		snprintf(ans, sizeof(ans), "OK blackhole (%d connection(s))",
		    live);
	} else if (strcmp(line, "refuse") == 0) {
		refusing = 1;
		snprintf(ans, sizeof(ans), "OK refuse new connections");
	} else if (sscanf(line, "flip %ld", &v) == 1 && v > 0) {
		flips[0] += v;
		snprintf(ans, sizeof(ans), "OK flip %ld", v);
	} else if (sscanf(line, "rflip %ld", &v) == 1 && v > 0) {
		flips[1] += v;
		snprintf(ans, sizeof(ans), "OK rflip %ld", v);
	} else if (sscanf(line, "junk %ld", &v) == 1 && v > 0) {
		junk += v;
		snprintf(ans, sizeof(ans), "OK junk %ld", v);
	} else if (strcmp(line, "stats") == 0) {
		snprintf(ans, sizeof(ans), "OK live=%d accepted=%llu "
		    "refused=%llu cuts=%llu flips=%llu out2in=%llu "
		    "in2out=%llu mode=%s", live,
		    (unsigned long long)naccepted,
		    (unsigned long long)nrefused, (unsigned long long)ncuts,
		    (unsigned long long)nflips, (unsigned long long)bytes[0],
		    (unsigned long long)bytes[1],
		    mode == M_PASS ? "pass" : mode == M_STALL ? "stall" :
		    "blackhole");
	} else
		snprintf(ans, sizeof(ans), "ERR unknown command '%s'", line);
	say("%s: %s", line, ans);
	strcat(ans, "\n");
	if (write(fd, ans, strlen(ans)) < 0)
		say("control answer lost: %s", strerror(errno));
	close(fd);
}

static int
unix_addr(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	strcpy(sun->sun_path, path);
	return 0;
}

static int
client(const char *path, int argc, char **argv)
{
	struct sockaddr_un sun;
	char line[256] = "", ans[512];
	ssize_t n;
	size_t len = 0;
	int fd;

	for (int i = 0; i < argc; i++)
		snprintf(line + strlen(line), sizeof(line) - strlen(line),
		    "%s%s", i ? " " : "", argv[i]);
	strcat(line, "\n");
	if (unix_addr(path, &sun) == -1 ||
	    (fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		err(2, "control socket %s", path);
	if (write(fd, line, strlen(line)) < 0)
		err(2, "control socket %s", path);
	while ((n = read(fd, ans + len, sizeof(ans) - 1 - len)) > 0)
		len += n;
	ans[len] = '\0';
	fputs(ans, stdout);
	return strncmp(ans, "OK", 2) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct pollfd pfd[2 + 2 * MAXCONN];
	struct sockaddr_in sin;
	struct sockaddr_un sun;
	const char *ctl = NULL;
	int ch, lport = 0, lfd, cfd, one = 1;

	while ((ch = getopt(argc, argv, "+l:t:c:s:")) != -1) {
		switch (ch) {
		case 'l': lport = atoi(optarg); break;
		case 't': tport = atoi(optarg); break;
		case 'c': ctl = optarg; break;
		case 's': rng = strtoull(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (ctl != NULL && optind < argc && lport == 0)
		return client(ctl, argc - optind, argv + optind);
	if (ctl == NULL || lport <= 0 || tport <= 0 || optind != argc)
		goto usage;
	if (rng == 0)
		rng = getpid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	sin = lo(lport);
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 16) == -1)
		err(2, "listen on 127.0.0.1:%d", lport);
	unlink(ctl);
	if (unix_addr(ctl, &sun) == -1 ||
	    (cfd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    bind(cfd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(cfd, 8) == -1)
		err(2, "control socket %s", ctl);
	nonblock(lfd);
	say("listening on 127.0.0.1:%d for 127.0.0.1:%d", lport, tport);
	while (!quit) {
		int n = 0;

		pfd[n].fd = lfd;
		pfd[n++].events = POLLIN;
		pfd[n].fd = cfd;
		pfd[n++].events = POLLIN;
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];

			for (int k = 0; k < 2; k++) {
				struct dir *in = &c->d[k], *out = &c->d[1 - k];

				pfd[n].fd = c->used ? c->fd[k] : -1;
				pfd[n].events = 0;
				if (c->used && c->connecting && k == 1)
					pfd[n].events = POLLOUT;
				else if (c->used && !c->connecting &&
				    mode != M_STALL) {
					if (in->len == in->off && !in->eof)
						pfd[n].events |= POLLIN;
					if (out->off < out->len)
						pfd[n].events |= POLLOUT;
				}
				n++;
			}
		}
		if (poll(pfd, n, junk > 0 ? 10 : 500) == -1) {
			if (errno == EINTR)
				continue;
			err(2, "poll");
		}
		if (pfd[0].revents & POLLIN)
			accept_one(lfd);
		if (pfd[1].revents & POLLIN)
			control(cfd);
		for (int i = 0; i < MAXCONN; i++) {
			struct conn *c = &conns[i];
			short r0 = pfd[2 + 2 * i].revents;
			short r1 = pfd[3 + 2 * i].revents;

			if (!c->used)
				continue;
			if (c->connecting) {
				int e = 0;
				socklen_t el = sizeof(e);

				if (!(r1 & (POLLOUT | POLLERR | POLLHUP)))
					continue;
				getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &e,
				    &el);
				if (e != 0) {
					say("conn %d: connect to target: %s",
					    c->id, strerror(e));
					conn_drop(c, 1, "target refused");
					continue;
				}
				c->connecting = 0;
				continue;
			}
			if (mode == M_STALL)
				continue;
			if ((r0 | r1) & POLLERR) {
				conn_drop(c, 1, "reset by a peer");
				continue;
			}
			if (pump(c, 0, r0, r1) == -1 ||
			    pump(c, 1, r1, r0) == -1) {
				conn_drop(c, 1, "reset by a peer");
				continue;
			}
			if (c->d[0].shut && c->d[1].shut)
				conn_drop(c, 0, "closed by both");
		}
	}
	for (int i = 0; i < MAXCONN; i++)
		if (conns[i].used)
			conn_drop(&conns[i], 1, "relay ends");
	unlink(ctl);
	say("ends: %llu connection(s), %llu cut(s), %llu flip(s)",
	    (unsigned long long)naccepted, (unsigned long long)ncuts,
	    (unsigned long long)nflips);
	return 0;
usage:
	fprintf(stderr, "usage: relay -l PORT -t PORT -c CONTROL [-s SEED]\n"
	    "       relay -c CONTROL COMMAND...\n");
	return 2;
}
