/*
 * benchio — the two ends of a throughput or latency measurement for
 * scripts/bench.sh: it writes into the source FIFO of a transport and
 * reads what comes out of the destination FIFO, on this host.
 *
 *	benchio run SRC DST SIZE COUNT
 *	benchio lat SRC DST SIZE COUNT PAUSE_MS WARMUP
 *
 * run: a child writes COUNT blocks of SIZE bytes into SRC (each begins
 * with its number, so that a lost, doubled or reordered block changes
 * the checksum) while the parent reads DST until end of file.  Prints
 *
 *	bytes=B secs=S mibps=M crc=ok
 *
 * where S runs from the first write to the last byte read (both on
 * CLOCK_MONOTONIC, shared through an anonymous shared mapping).  Exit 1
 * if the byte count or the CRC-32C of the stream differ.
 *
 * lat: one process writes one block of SIZE bytes, waits until all of
 * it has come out of DST (poll, then read), records the time, pauses
 * PAUSE_MS, and does it COUNT times; the first WARMUP samples (connection, first opens)
 * are left out.  Prints
 *
 *	n=N p50_us=.. p90_us=.. p99_us=.. max_us=.. mean_us=..
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "util.h"

#define RBUF	(1024 * 1024)

struct shared {
	double		t0;		/* first write, seconds */
	uint32_t	crc;		/* of everything written */
	uint64_t	bytes;
	int		ok;
};

static void __attribute__((noreturn))
die(const char *what)
{
	fprintf(stderr, "benchio: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
num(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "benchio: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* A block that is not all zeroes nor all alike (xorshift64). */
static uint8_t *
pattern(size_t size)
{
	uint8_t *p = malloc(size < 8 ? 8 : size);
	uint64_t x = 0x9E3779B97F4A7C15ULL;
	size_t i;

	if (p == NULL)
		die("malloc");
	for (i = 0; i < size; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = (uint8_t)x;
	}
	return p;
}

static void
stamp(uint8_t *blk, size_t size, uint64_t n)
{
	memcpy(blk, &n, size < sizeof(n) ? size : sizeof(n));
}

/* Write it all (the library's write_all) or die. */
static void
put(int fd, const uint8_t *p, size_t len)
{
	if (write_all(fd, p, len) < 0)
		die("write");
}

static void
writer(const char *src, size_t size, uint64_t count, struct shared *sh)
{
	uint8_t *blk = pattern(size);
	uint32_t crc = 0;
	uint64_t i;
	int fd;

	if ((fd = open(src, O_WRONLY)) < 0)
		die(src);
	sh->t0 = now();
	for (i = 0; i < count; i++) {
		stamp(blk, size, i);
		crc = crc32c(crc, blk, size);
		put(fd, blk, size);
	}
	sh->crc = crc;
	sh->bytes = (uint64_t)size * count;
	sh->ok = 1;
	if (close(fd) < 0)
		die("close");
	_exit(0);
}

static int
cmd_run(const char *src, const char *dst, size_t size, uint64_t count)
{
	struct shared *sh;
	uint8_t *buf;
	uint64_t got = 0, want = (uint64_t)size * count;
	uint32_t crc = 0;
	double t1 = 0, secs;
	ssize_t n;
	pid_t pid;
	int fd, st;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	if ((buf = malloc(RBUF)) == NULL)
		die("malloc");
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0)
		writer(src, size, count, sh);
	if ((fd = open(dst, O_RDONLY)) < 0)
		die(dst);
	for (;;) {
		n = read(fd, buf, RBUF);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("read");
		}
		if (n == 0)
			break;
		crc = crc32c(crc, buf, (size_t)n);
		got += (uint64_t)n;
		if (got >= want && t1 == 0)
			t1 = now();
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || !sh->ok) {
		fprintf(stderr, "benchio: the writer failed\n");
		return 1;
	}
	if (got != want || crc != sh->crc) {
		printf("bytes=%" PRIu64 " want=%" PRIu64 " crc=%s\n", got, want,
		    crc == sh->crc ? "ok" : "BAD");
		return 1;
	}
	secs = t1 - sh->t0;
	printf("bytes=%" PRIu64 " secs=%.6f mibps=%.1f crc=ok\n", got, secs,
	    (double)got / secs / 1048576.0);
	return 0;
}

static int
cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(const double *v, size_t n, double p)
{
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static int
cmd_lat(const char *src, const char *dst, size_t size, uint64_t count,
    uint64_t pause_ms, uint64_t warmup)
{
	uint8_t *blk = pattern(size), *in = malloc(size);
	double *v = calloc(count, sizeof(double)), t0, sum = 0;
	struct timespec pause = { (time_t)(pause_ms / 1000),
	    (long)(pause_ms % 1000) * 1000000L };
	size_t got, n = 0;
	struct pollfd pfd;
	uint64_t i;
	ssize_t r;
	int wfd, rfd;

	if (in == NULL || v == NULL)
		die("malloc");
	/*
	 * The reading end first, without waiting for a writer: a transport
	 * may open its source only once its destination has a reader.
	 * Until a writer has come, poll() reports no hang-up on it.
	 */
	if ((rfd = open(dst, O_RDONLY | O_NONBLOCK)) < 0)
		die(dst);
	if ((wfd = open(src, O_WRONLY)) < 0)
		die(src);
	pfd.fd = rfd;
	pfd.events = POLLIN;
	for (i = 0; i < count; i++) {
		stamp(blk, size, i);
		t0 = now();
		put(wfd, blk, size);
		for (got = 0; got < size; got += (size_t)r) {
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				die("poll");
			r = read(rfd, in + got, size - got);
			if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
				r = 0;
				continue;
			}
			if (r <= 0) {
				fprintf(stderr, "benchio: %s: %s at block %"
				    PRIu64 "\n", dst, r < 0 ? strerror(errno) :
				    "end of file", i);
				return 1;
			}
		}
		if (i >= warmup)
			v[n++] = now() - t0;
		if (memcmp(in, blk, size) != 0) {
			fprintf(stderr, "benchio: block %" PRIu64 " differs\n",
			    i);
			return 1;
		}
		nanosleep(&pause, NULL);
	}
	/* To the end of file, so that the transport ends its transfer. */
	close(wfd);
	(void)fcntl(rfd, F_SETFL, 0);
	while ((r = read(rfd, in, size)) > 0)
		;
	if (n == 0) {
		fprintf(stderr, "benchio: no samples after the warm-up\n");
		return 1;
	}
	for (i = 0; i < n; i++)
		sum += v[i];
	qsort(v, n, sizeof(double), cmpd);
	printf("n=%zu p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f "
	    "mean_us=%.0f\n", n, pct(v, n, 0.50) * 1e6, pct(v, n, 0.90) * 1e6,
	    pct(v, n, 0.99) * 1e6, v[n - 1] * 1e6, sum / (double)n * 1e6);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 6 && (num(argv[4], "size") == 0 ||
	    num(argv[5], "count") == 0)) {
		fprintf(stderr, "benchio: size and count must be at least 1\n");
		return 2;
	}
	if (argc == 6 && strcmp(argv[1], "run") == 0)
		return cmd_run(argv[2], argv[3], num(argv[4], "size"),
		    num(argv[5], "count"));
	if (argc == 8 && strcmp(argv[1], "lat") == 0)
		return cmd_lat(argv[2], argv[3], num(argv[4], "size"),
		    num(argv[5], "count"), num(argv[6], "pause"),
		    num(argv[7], "warm-up"));
	fprintf(stderr, "usage: benchio run SRC DST SIZE COUNT\n"
	    "       benchio lat SRC DST SIZE COUNT PAUSE_MS WARMUP\n");
	return 2;
}
