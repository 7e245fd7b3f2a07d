/*
 * gen — the tape process of the fault suite.
 *
 *   gen -f FIFO [-n COUNT] [-d SECONDS] [-s SEED] [-r BYTES_PER_S]
 *       [-w] [-p PROGRESS_FILE] [-c COUNT_FILE]
 *
 * Writes blocks 1, 2, ... of the ideal stream (fblock.h) into FIFO,
 * opened write-only (-w: read-write, the way a tape process holds its
 * pipe when nothing else keeps a reader on it), until COUNT blocks or
 * SECONDS have gone, or SIGUSR1 (the block under way is finished).
 * A write that fails, EPIPE included, ends it with exit 3: RELIABILITY
 * line 1 says a restart of the output server must not break the tape
 * process, so the suite must see it when it does.
 *
 * PROGRESS_FILE is rewritten (atomically) about five times a second:
 * "blocks=N bytes=B stalled=MS", MS being how long the write under way
 * has been blocked.  COUNT_FILE gets the number of blocks written, once
 * the pipe is closed.  The last line on stdout:
 *   gen: blocks=N bytes=B seconds=S maxstall=MS result=ok|failed
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"
#include "fblock.h"

static volatile sig_atomic_t	stop_asked;
static volatile sig_atomic_t	tick;

static void
on_usr1(int sig)
{
	stop_asked = 1;
}

static void
on_alarm(int sig)
{
	tick = 1;
}

static void
write_file(const char *path, const char *text)
{
	char tmp[4096];
	FILE *f;

	if (path == NULL)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return;
	fputs(text, f);
	if (fclose(f) == 0)
		rename(tmp, path);
}

struct progress {
	const char	*path;
	uint64_t	 blocks, bytes;
	double		 write_since;	/* 0 when no write is under way */
	double		 maxstall;
};

static void
progress_write(struct progress *p)
{
	char line[256];
	double stall = p->write_since > 0 ? fb_now() - p->write_since : 0;

	if (stall > p->maxstall)
		p->maxstall = stall;
	snprintf(line, sizeof(line), "blocks=%llu bytes=%llu stalled=%.0f\n",
	    (unsigned long long)p->blocks, (unsigned long long)p->bytes,
	    stall * 1000);
	write_file(p->path, line);
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen -f FIFO [-n COUNT] [-d SECONDS] [-s SEED]"
	    " [-r BYTES_PER_S] [-w] [-p PROGRESS] [-c COUNT_FILE]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *fifo = NULL, *countfile = NULL;
	struct progress pg = { 0 };
	uint64_t count = UINT64_MAX, off = 0;
	double duration = 0, rate = 0, t0;
	uint32_t seed = 1;
	int ch, fd, rdwr = 0, failed = 0;
	struct sigaction sa;
	struct itimerval it = { { 0, 200000 }, { 0, 200000 } };
	uint8_t *blk;
	char line[256];

	while ((ch = getopt(argc, argv, "f:n:d:s:r:wp:c:")) != -1) {
		switch (ch) {
		case 'f': fifo = optarg; break;
		case 'n': count = strtoull(optarg, NULL, 10); break;
		case 'd': duration = atof(optarg); break;
		case 's': seed = strtoul(optarg, NULL, 10); break;
		case 'r': rate = atof(optarg); break;
		case 'w': rdwr = 1; break;
		case 'p': pg.path = optarg; break;
		case 'c': countfile = optarg; break;
		default: usage();
		}
	}
	if (fifo == NULL || optind != argc)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	/* No SA_RESTART: the timer interrupts a blocked write, so the
	 * progress file says how long it has been blocked. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	if ((blk = malloc(FB_HDR + FB_MAXPAYLOAD)) == NULL) {
		perror("gen: malloc");
		return 2;
	}
	while ((fd = open(fifo, rdwr ? O_RDWR : O_WRONLY)) == -1) {
		if (errno == EINTR && !stop_asked)
			continue;
		fprintf(stderr, "gen: open %s: %s\n", fifo, strerror(errno));
		return 3;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	t0 = fb_now();
	progress_write(&pg);
	while (pg.blocks < count && !stop_asked &&
	    (duration <= 0 || fb_now() - t0 < duration)) {
		uint64_t seq = pg.blocks + 1;
		struct fb_header h = { seq, fb_size(seed, seq), 0, seed };
		size_t len = FB_HDR + h.len, done = 0;

		fb_payload(seed, off + FB_HDR, blk + FB_HDR, h.len);
		h.pcrc = crc32c(0, blk + FB_HDR, h.len);
		fb_header_put(blk, &h);
		pg.write_since = fb_now();
		while (done < len) {
			ssize_t w = write(fd, blk + done, len - done);

			if (tick) {
				tick = 0;
				progress_write(&pg);
			}
			if (w >= 0) {
				done += w;
				continue;
			}
			if (errno == EINTR)
				continue;
			fprintf(stderr, "gen: write of block %llu (offset %llu,"
			    " %zu of %zu bytes written) failed: %s%s\n",
			    (unsigned long long)seq,
			    (unsigned long long)(off + done), done, len,
			    strerror(errno), errno == EPIPE ? " (EPIPE)" : "");
			failed = 1;
			break;
		}
		pg.write_since = 0;
		if (failed)
			break;
		off += len;
		pg.blocks++;
		pg.bytes = off;
		if (tick) {
			tick = 0;
			progress_write(&pg);
		}
		if (rate > 0) {
			double ahead = off / rate - (fb_now() - t0);

			if (ahead > 0)
				usleep(ahead * 1e6);
		}
	}
	it.it_value.tv_sec = it.it_value.tv_usec = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	if (close(fd) == -1 && !failed) {
		fprintf(stderr, "gen: close %s: %s\n", fifo, strerror(errno));
		failed = 1;
	}
	progress_write(&pg);
	snprintf(line, sizeof(line), "%llu\n", (unsigned long long)pg.blocks);
	write_file(countfile, line);
	printf("gen: blocks=%llu bytes=%llu seconds=%.1f maxstall=%.0f "
	    "result=%s\n", (unsigned long long)pg.blocks,
	    (unsigned long long)pg.bytes, fb_now() - t0, pg.maxstall * 1000,
	    failed ? "failed" : "ok");
	free(blk);
	return failed ? 3 : 0;
}
