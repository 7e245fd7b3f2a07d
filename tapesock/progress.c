/*
 * progress.c — the self-overwriting progress line of progress.h.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bsd/string.h>

#include "progress.h"
#include "util.h"

static double
since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) +
	    (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

void
progress_bytes(char *buf, size_t sz, uint64_t n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	if (n < 1024) {
		snprintf(buf, sz, "%llu B", (unsigned long long)n);
		return;
	}
	v /= 1024;
	while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024;
		u++;
	}
	snprintf(buf, sz, "%.1f %s", v, unit[u]);
}

void
progress_eta(char *buf, size_t sz, double secs)
{
	unsigned long s;

	if (!(secs >= 0) || secs > 99.0 * 3600) {
		snprintf(buf, sz, "-");
		return;
	}
	s = (unsigned long)(secs + 0.5);
	if (s >= 3600)
		snprintf(buf, sz, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60,
		    s % 60);
	else
		snprintf(buf, sz, "%lu:%02lu", s / 60, s % 60);
}

void
progress_format(char *buf, size_t sz, const char *label, uint64_t done,
    uint64_t total, double secs)
{
	char d[32], t[32], eta[32];
	double rate = secs > 0 ? (double)done / secs : 0;

	progress_bytes(d, sizeof(d), done);
	if (total != PROGRESS_UNKNOWN) {
		progress_bytes(t, sizeof(t), total);
		snprintf(buf, sz, "%s: %s of %s (%llu%%) @ %.1f MiB/s", label,
		    d, t, (unsigned long long)(total > 0 ? (done >= total ?
		    100 : done * 100 / total) : 100), rate / (1024 * 1024));
		if (done < total && rate > 0) {
			progress_eta(eta, sizeof(eta),
			    (double)(total - done) / rate);
			strlcat(buf, ", ", sz);
			strlcat(buf, eta, sz);
			strlcat(buf, " left", sz);
		}
	} else
		snprintf(buf, sz, "%s: %s @ %.1f MiB/s", label, d,
		    rate / (1024 * 1024));
}

void
progress_init(struct progress *p, int fd, const char *label, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->fd = isatty(fd) ? fd : -1;
	strlcpy(p->label, label, sizeof(p->label));
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

static void
draw(struct progress *p, uint64_t done)
{
	char line[160], out[200];
	int n;

	progress_format(line, sizeof(line), p->label, done, p->total,
	    since(&p->start));
	/* Back to the start of the line, the text, the rest cleared. */
	n = snprintf(out, sizeof(out), "\r%s\033[K", line);
	if (n > 0)
		(void)write_all(p->fd, out, (size_t)n < sizeof(out) ?
		    (size_t)n : sizeof(out) - 1);
	clock_gettime(CLOCK_MONOTONIC, &p->drawn_at);
	p->drawn = 1;
}

void
progress_update(struct progress *p, uint64_t done)
{
	if (p->fd < 0)
		return;
	if (p->drawn && since(&p->drawn_at) * 1000 < PROGRESS_EVERY_MS)
		return;
	if (!p->drawn && since(&p->start) * 1000 < PROGRESS_EVERY_MS)
		return;
	draw(p, done);
}

void
progress_end(struct progress *p, uint64_t done)
{
	if (p->fd < 0)
		return;
	draw(p, done);
	(void)write_all(p->fd, "\n", 1);
	p->fd = -1;
}
