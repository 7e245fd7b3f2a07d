/*
 * fblock.c — the ideal stream of the fault suite (see fblock.h).
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crc32c.h"
#include "fblock.h"

static void
put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void
put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint32_t
get32(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* splitmix64's finaliser: every input bit moves every output bit. */
uint64_t
fb_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/*
 * Four in ten blocks fit in PIPE_BUF, four are between PIPE_BUF and
 * 64 KiB, two are larger than the output server's 128 KiB read: the
 * pipe splits them, the server numbers the pieces, the reader must
 * get them back whole and in order.
 */
uint32_t
fb_size(uint32_t seed, uint64_t seq)
{
	uint64_t r = fb_mix(((uint64_t)seed << 40) ^ seq);
	uint32_t k = r % 10, v = (uint32_t)(r >> 16);

	if (k < 4)
		return 1 + v % (4096 - FB_HDR);
	if (k < 8)
		return 4097 + v % (65536 - 4096);
	return 65537 + v % (FB_MAXPAYLOAD - 65536);
}

/*
 * An aligned word: its offset in the top 40 bits, 24 check bits, the
 * whole masked by the seed, so that a word of one run is no word of
 * another.
 */
static uint64_t
word_at(uint32_t seed, uint64_t off)
{
	uint64_t chk = fb_mix(off ^ ((uint64_t)seed << 32)) & 0xffffff;

	return (off << 24 | chk) ^ fb_mix(seed);
}

int
fb_word_get(uint32_t seed, const uint8_t *src, uint64_t *off)
{
	uint64_t w = get64(src) ^ fb_mix(seed), o = w >> 24;

	if (o % 8 != 0 || word_at(seed, o) != (get64(src)))
		return -1;
	*off = o;
	return 0;
}

void
fb_payload(uint32_t seed, uint64_t off, uint8_t *dst, size_t n)
{
	uint8_t w[8];

	while (n > 0) {
		uint64_t base = off & ~(uint64_t)7;
		size_t skip = off - base, take = 8 - skip;

		if (take > n)
			take = n;
		put64(w, word_at(seed, base));
		memcpy(dst, w + skip, take);
		dst += take;
		off += take;
		n -= take;
	}
}

void
fb_header_put(uint8_t *dst, const struct fb_header *h)
{
	memcpy(dst, FB_MAGIC, 8);
	put64(dst + 8, h->seq);
	put32(dst + 16, h->len);
	put32(dst + 20, h->pcrc);
	put32(dst + 24, h->seed);
	put32(dst + 28, crc32c(0, dst, 28));
}

int
fb_header_get(const uint8_t *src, struct fb_header *h)
{
	if (memcmp(src, FB_MAGIC, 8) != 0 ||
	    get32(src + 28) != crc32c(0, src, 28))
		return -1;
	h->seq = get64(src + 8);
	h->len = get32(src + 16);
	h->pcrc = get32(src + 20);
	h->seed = get32(src + 24);
	if (h->seq == 0 || h->len == 0 || h->len > FB_MAXPAYLOAD)
		return -1;
	return 0;
}

void
fb_model_init(struct fb_model *m, uint32_t seed)
{
	memset(m, 0, sizeof(*m));
	m->seed = seed;
}

void
fb_model_free(struct fb_model *m)
{
	free(m->off);
	free(m->len);
	free(m->pcrc);
	memset(m, 0, sizeof(*m));
}

/* Blocks 1 .. seq (at least) in the table. */
void
fb_model_extend(struct fb_model *m, uint64_t seq)
{
	uint8_t *buf;

	if (seq <= m->n)
		return;
	if (seq > m->cap) {
		uint64_t cap = m->cap ? m->cap : 1024;

		while (cap < seq)
			cap *= 2;
		m->off = reallocarray(m->off, cap, sizeof(*m->off));
		m->len = reallocarray(m->len, cap, sizeof(*m->len));
		m->pcrc = reallocarray(m->pcrc, cap, sizeof(*m->pcrc));
		if (m->off == NULL || m->len == NULL || m->pcrc == NULL)
			err(2, "block table");
		m->cap = cap;
	}
	if ((buf = malloc(FB_MAXPAYLOAD)) == NULL)
		err(2, "block table");
	while (m->n < seq) {
		uint64_t i = m->n, off = 0;

		if (i > 0)
			off = m->off[i - 1] + FB_HDR + m->len[i - 1];
		m->off[i] = off;
		m->len[i] = fb_size(m->seed, i + 1);
		fb_payload(m->seed, off + FB_HDR, buf, m->len[i]);
		m->pcrc[i] = crc32c(0, buf, m->len[i]);
		m->n++;
	}
	free(buf);
}

uint64_t
fb_block_off(struct fb_model *m, uint64_t seq)
{
	fb_model_extend(m, seq);
	return m->off[seq - 1];
}

uint64_t
fb_block_end(struct fb_model *m, uint64_t seq)
{
	fb_model_extend(m, seq);
	return m->off[seq - 1] + FB_HDR + m->len[seq - 1];
}

/* The block holding ideal offset off. */
uint64_t
fb_block_at(struct fb_model *m, uint64_t off)
{
	uint64_t lo = 1, hi;

	while (m->n == 0 || fb_block_end(m, m->n) <= off)
		fb_model_extend(m, m->n ? m->n * 2 : 1024);
	hi = m->n;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (fb_block_end(m, mid) <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
fb_ideal(struct fb_model *m, uint64_t off, uint8_t *dst, size_t n)
{
	uint8_t hdr[FB_HDR];

	while (n > 0) {
		uint64_t seq = fb_block_at(m, off), start = m->off[seq - 1];
		uint64_t end = fb_block_end(m, seq);
		size_t take = end - off < n ? end - off : n;

		if (off < start + FB_HDR) {
			struct fb_header h = { seq, m->len[seq - 1],
			    m->pcrc[seq - 1], m->seed };
			size_t in = start + FB_HDR - off;

			if (take > in)
				take = in;
			fb_header_put(hdr, &h);
			memcpy(dst, hdr + (off - start), take);
		} else
			fb_payload(m->seed, off, dst, take);
		dst += take;
		off += take;
		n -= take;
	}
}

double
fb_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
