/*
 * fblock.h — the numbered, checksummed blocks of the fault suite.
 *
 * The generator writes, and the verifier expects, one *ideal stream*:
 * blocks 1, 2, 3, ... back to back, each a 32-byte header and a
 * payload whose length depends only on (seed, seq).  A payload byte
 * depends only on (seed, its offset in the ideal stream): every
 * 8-byte-aligned word carries its own offset and a check, so the
 * verifier can tell where any 15 or more bytes of payload came from,
 * even when a block was cut, repeated from its middle or garbled.
 * That is what lets it count a replay of half a block as a duplicate
 * and not as corruption.
 *
 * Header, little-endian: magic[8] seq u64 len u32 pcrc u32 seed u32
 * hcrc u32 (CRC-32C of the 28 bytes before it); pcrc is the CRC-32C
 * of the payload.
 */
#ifndef TAPESOCK_FBLOCK_H
#define TAPESOCK_FBLOCK_H

#include <stddef.h>
#include <stdint.h>

#define FB_MAGIC	"TSFBLK\x01\xa5"
#define FB_HDR		32
#define FB_MAXPAYLOAD	(200 * 1024)

struct fb_header {
	uint64_t	seq;
	uint32_t	len;
	uint32_t	pcrc;
	uint32_t	seed;
};

/*
 * The block table of the ideal stream, grown on demand: off[i] is the
 * offset of block i + 1, len[i] its payload length.  Owned by the
 * caller (fb_model_free).
 */
struct fb_model {
	uint32_t	 seed;
	uint64_t	 n;		/* blocks computed */
	uint64_t	 cap;
	uint64_t	*off;
	uint32_t	*len;
	uint32_t	*pcrc;
};

/* Seconds on the monotonic clock. */
double		fb_now(void);
uint64_t	fb_mix(uint64_t);
uint32_t	fb_size(uint32_t seed, uint64_t seq);
void		fb_payload(uint32_t seed, uint64_t off, uint8_t *dst, size_t n);
void		fb_header_put(uint8_t *dst, const struct fb_header *);
int		fb_header_get(const uint8_t *src, struct fb_header *);
int		fb_word_get(uint32_t seed, const uint8_t *src, uint64_t *off);

void		fb_model_init(struct fb_model *, uint32_t seed);
void		fb_model_free(struct fb_model *);
void		fb_model_extend(struct fb_model *, uint64_t seq);
uint64_t	fb_block_off(struct fb_model *, uint64_t seq);
uint64_t	fb_block_end(struct fb_model *, uint64_t seq);
uint64_t	fb_block_at(struct fb_model *, uint64_t off);
void		fb_ideal(struct fb_model *, uint64_t off, uint8_t *dst, size_t n);

#endif
