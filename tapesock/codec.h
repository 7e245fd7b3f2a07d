/*
 * codec.h — the one byte-order codec of tapesock: fixed-width integers
 * to and from bytes, and a bounds-checked cursor over a buffer.
 *
 * Everything tapesock writes is big-endian (network order): frames
 * (doc/PROTOCOL.md), the input server's state file, the spool's
 * segments.  The le_ functions are for reading spools of version 1 of
 * their format, which was little-endian; spool.c alone uses them.
 */
#ifndef TAPESOCK_CODEC_H
#define TAPESOCK_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline void
be16_put(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
be32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void
be64_put(uint8_t *p, uint64_t v)
{
	be32_put(p, (uint32_t)(v >> 32));
	be32_put(p + 4, (uint32_t)v);
}

static inline uint16_t
be16_get(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t
be32_get(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
be64_get(const uint8_t *p)
{
	return (uint64_t)be32_get(p) << 32 | be32_get(p + 4);
}

static inline void
le32_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void
le64_put(uint8_t *p, uint64_t v)
{
	le32_put(p, (uint32_t)v);
	le32_put(p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t
le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

/*
 * A cursor over len bytes at p.  Every take or put checks the bounds;
 * past the end it sets err and does nothing more, so that a caller can
 * decode or encode a whole structure and test err once at the end.
 */
struct cursor {
	uint8_t		*p;
	size_t		 len, pos;
	int		 err;
};

static inline void
cur_init(struct cursor *c, void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->pos = 0;
	c->err = 0;
}

/* The next n bytes, or NULL (and err) if there are not n left. */
static inline uint8_t *
cur_take(struct cursor *c, size_t n)
{
	uint8_t *at;

	if (c->err || c->len - c->pos < n) {
		c->err = 1;
		return NULL;
	}
	at = c->p + c->pos;
	c->pos += n;
	return at;
}

static inline uint8_t
cur_u8(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 1);

	return p != NULL ? p[0] : 0;
}

static inline uint16_t
cur_be16(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 2);

	return p != NULL ? be16_get(p) : 0;
}

static inline uint32_t
cur_be32(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 4);

	return p != NULL ? be32_get(p) : 0;
}

static inline uint64_t
cur_be64(struct cursor *c)
{
	const uint8_t *p = cur_take(c, 8);

	return p != NULL ? be64_get(p) : 0;
}

static inline void
cur_put_u8(struct cursor *c, uint8_t v)
{
	uint8_t *p = cur_take(c, 1);

	if (p != NULL)
		p[0] = v;
}

static inline void
cur_put_be16(struct cursor *c, uint16_t v)
{
	uint8_t *p = cur_take(c, 2);

	if (p != NULL)
		be16_put(p, v);
}

static inline void
cur_put_be32(struct cursor *c, uint32_t v)
{
	uint8_t *p = cur_take(c, 4);

	if (p != NULL)
		be32_put(p, v);
}

static inline void
cur_put_be64(struct cursor *c, uint64_t v)
{
	uint8_t *p = cur_take(c, 8);

	if (p != NULL)
		be64_put(p, v);
}

static inline void
cur_put(struct cursor *c, const void *v, size_t n)
{
	uint8_t *p = cur_take(c, n);

	if (p != NULL && n > 0)
		memcpy(p, v, n);
}

#endif
