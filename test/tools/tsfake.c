/*
 * tsfake — a scripted output server for the integration tests: it says
 * what a real one never would (a jump in message numbers, a foreign
 * stream, a number that goes back) so that the input server's refusals
 * can be tested.  Loopback only.
 *
 *	tsfake PORT STREAMHEX FIRST ACTION...
 *
 * FIRST is the "last" of the HELLO (first number held).  Actions, in
 * order, after the HELLO_ACK: data:N (DATA N, payload "msg N\n"),
 * eof:N, sync:N, shutdown:0, error:N (an ERROR whose text carries
 * terminal escape sequences), hb:N (HEARTBEAT N, not reading what
 * comes back), repeat:N (the action before, N times more).  A send
 * the input server refused by closing prints "CLOSED" and ends the
 * run (exit 0).  Then it reads for 3 seconds, answering heartbeats,
 * and prints one line per frame received: "HELLO_ACK last=L", "ACK n",
 * "ERROR text", and "CLOSED" if the input server closed the
 * connection.  Exit 0 once it has run, 1 if it could not connect.
 *
 * It proves itself as an output server does, with the pair key of the
 * home TSFAKE_HOME and the tls= of TSFAKE_TLS (ON, OFF; ON by
 * default); without TSFAKE_HOME it speaks the protocol in clear, as a
 * stranger would.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "srvconf.h"
#include "xport.h"
#include "util.h"

static uint8_t rbuf[2 * FRAME_MAX_LEN];
static size_t rlen;
static struct xport_ctx xctx;
static struct xport xp;
static int secured;

static int
xwrite(int fd, const uint8_t *p, size_t len)
{
	ssize_t n;

	if (!secured)
		return write_all(fd, p, len);
	while (len > 0) {
		if ((n = xport_send(&xp, p, len)) <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t
xread(int fd, uint8_t *p, size_t len)
{
	return secured ? xport_recv(&xp, p, len) : recv(fd, p, len, 0);
}

/* Prove the pair key on connected fd, as an output server does. */
static int
secure(int fd)
{
	const char *home = getenv("TSFAKE_HOME"), *tls = getenv("TSFAKE_TLS");
	struct srv_conf c;
	struct errbuf err;
	char why[256];

	if (home == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	c.tls = tls != NULL && streqi(tls, "OFF") ? TLS_OFF : TLS_PSK;
	if (xport_ctx_init(&xctx, &c, home, 0, &err) < 0) {
		fprintf(stderr, "tsfake: %s\n", err.msg);
		return -1;
	}
	xport_open(&xp, &xctx, fd, "input server");
	if (xport_handshake(&xp, why, sizeof(why)) != 1) {
		printf("NOT PROVEN %s\n", why);
		return -1;
	}
	secured = 1;
	return 0;
}

static void
send_frame(int fd, uint8_t type, uint64_t n, uint64_t aux,
    const uint8_t *p, uint32_t len)
{
	uint8_t *buf = xmalloc(FRAME_HDR_LEN + len);
	size_t flen = frame_encode(buf, FRAME_HDR_LEN + len, type, 0, n, aux,
	    p, len);

	if (flen == 0) {
		fprintf(stderr, "tsfake: cannot encode %s\n",
		    frame_type_name(type));
		exit(1);
	}
	if (xwrite(fd, buf, flen) < 0) {
		printf("CLOSED\n");
		exit(0);
	}
	free(buf);
}

/* Print the frames received; 1 when HELLO_ACK came, -1 on close. */
static int
read_frames(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct frame f;
	struct frame_error e;
	struct hello h;
	size_t used;
	ssize_t n;
	int got_ack = 0;
	time_t until = time(NULL) + (ms + 999) / 1000;

	while (!got_ack && time(NULL) < until && ((secured &&
	    xport_pending(&xp) > 0 && (pfd.revents = POLLIN)) ||
	    poll(&pfd, 1, 200) >= 0)) {
		if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = xread(fd, rbuf + rlen, sizeof(rbuf) - rlen);
		if (n <= 0) {
			printf("CLOSED\n");
			return -1;
		}
		rlen += (size_t)n;
		while (frame_decode(rbuf, rlen, &f, &used, &e) == FRAME_OK) {
			switch (f.type) {
			case FT_HELLO_ACK:
				if (hello_decode(f.payload, f.len, &h, &e) == 0)
					printf("HELLO_ACK last=%llu\n",
					    (unsigned long long)h.last_msgnum);
				got_ack = 1;
				break;
			case FT_ACK:
				printf("ACK %llu\n", (unsigned long long)f.aux);
				break;
			case FT_ERROR:
				printf("ERROR %.*s\n", (int)f.len,
				    (const char *)f.payload);
				break;
			case FT_HEARTBEAT:
				send_frame(fd, FT_HEARTBEAT_ACK, 0, f.aux,
				    NULL, 0);
				break;
			default:
				printf("%s\n", frame_type_name(f.type));
			}
			memmove(rbuf, rbuf + used, rlen - used);
			rlen -= used;
		}
		fflush(stdout);
	}
	return got_ack;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin;
	uint8_t hbuf[FRAME_HELLO_MAX];
	char payload[64];
	struct hello h;
	unsigned b;
	uint64_t port, n;
	size_t len, i;
	int fd, a;

	if (argc < 4 || parse_u64(argv[1], 65535, &port) < 0 ||
	    strlen(argv[2]) != 2 * HELLO_STREAM_LEN) {
		fprintf(stderr, "usage: tsfake PORT STREAMHEX FIRST "
		    "[data:N|eof:N|sync:N]...\n");
		return 2;
	}
	memset(&h, 0, sizeof(h));
	h.version = 1;
	h.role = HELLO_ROLE_OUT;
	/* A pair's two servers share one name: the input server's. */
	strcpy(h.name, "default");
	strcpy(h.peer, "default");
	for (i = 0; i < HELLO_STREAM_LEN; i++) {
		if (sscanf(argv[2] + 2 * i, "%2x", &b) != 1)
			return 2;
		h.stream[i] = (uint8_t)b;
	}
	if (parse_u64(argv[3], FRAME_MSGNUM_MAX, &h.last_msgnum) < 0)
		return 2;
	h.clock_ns = (uint64_t)time(NULL) * 1000000000ULL;
	h.window = 64;
	h.max_payload = 128 * 1024;
	if (hello_encode(&h, hbuf, sizeof(hbuf), &len) < 0)
		return 2;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		fprintf(stderr, "tsfake: connect: %s\n", strerror(errno));
		return 1;
	}
	if (secure(fd) < 0)
		return 0;
	send_frame(fd, FT_HELLO, 0, 0, hbuf, (uint32_t)len);
	if (read_frames(fd, 5000) != 1)
		return 0;
	signal(SIGPIPE, SIG_IGN);
	for (a = 4; a < argc; a++) {
		const char *colon = strchr(argv[a], ':'), *act = argv[a];
		uint64_t times = 1, k;

		if (colon == NULL || parse_u64(colon + 1, UINT64_MAX, &n) < 0)
			return 2;
		if (strncmp(act, "repeat:", 7) == 0) {
			if (a == 4)
				return 2;
			times = n;
			act = argv[a - 1];
			colon = strchr(act, ':');
			if (parse_u64(colon + 1, UINT64_MAX, &n) < 0)
				return 2;
		}
		for (k = 0; k < times; k++) {
			if (strncmp(act, "data:", 5) == 0) {
				snprintf(payload, sizeof(payload),
				    "msg %llu\n", (unsigned long long)n);
				send_frame(fd, FT_DATA, n, 0,
				    (uint8_t *)payload,
				    (uint32_t)strlen(payload));
			} else if (strncmp(act, "eof:", 4) == 0)
				send_frame(fd, FT_EOF, n, 0, NULL, 0);
			else if (strncmp(act, "sync:", 5) == 0)
				send_frame(fd, FT_SYNC, n, 0, NULL, 0);
			else if (strncmp(act, "shutdown:", 9) == 0)
				send_frame(fd, FT_SHUTDOWN, 0, 0, NULL, 0);
			else if (strncmp(act, "hb:", 3) == 0)
				send_frame(fd, FT_HEARTBEAT, 0, n, NULL, 0);
			else if (strncmp(act, "error:", 6) == 0) {
				snprintf(payload, sizeof(payload),
				    "\033[2J\033]0;owned\007evil %llu\r\n",
				    (unsigned long long)n);
				send_frame(fd, FT_ERROR, 0, 0,
				    (uint8_t *)payload,
				    (uint32_t)strlen(payload));
			} else
				return 2;
		}
	}
	read_frames(fd, 3000);
	if (secured)
		xport_close(&xp);
	else
		close(fd);
	xport_ctx_free(&xctx);
	return 0;
}
