/*
 * crc32c.c — CRC-32C in software (slice-by-8) and with the SSE4.2
 * crc32 instruction, chosen once at run time.
 *
 * The hardware path runs three independent CRCs over three adjacent
 * blocks and merges them with a "shift by n zero bytes" operator: one
 * crc32 instruction has a latency of three cycles but a throughput of
 * one per cycle, so three streams keep the unit busy (the method of
 * Mark Adler's crc32c.c).  A single stream would be a third as fast,
 * and every byte of every frame goes through here twice.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define CRC32C_HAVE_HW	1
#endif

#include "crc32c.h"

#define CRC32C_POLY	0x82f63b78U	/* reflected Castagnoli polynomial */
#define CRC32C_LONG	8192		/* block of the 3-way interleave */
#define CRC32C_SHORT	256		/* block for the remaining bytes */

static pthread_once_t	 crc32c_once = PTHREAD_ONCE_INIT;
static uint32_t		 crc32c_table[8][256];
static int		 crc32c_use_hw;
#ifdef CRC32C_HAVE_HW
static uint32_t		 crc32c_long[4][256];	/* shift by LONG bytes */
static uint32_t		 crc32c_short[4][256];	/* shift by SHORT bytes */
#endif

static void	crc32c_init(void);

static void
crc32c_init_tables(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c & 1) != 0 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc32c_table[0][i] = c;
	}
	for (i = 0; i < 256; i++) {
		c = crc32c_table[0][i];
		for (k = 1; k < 8; k++) {
			c = crc32c_table[0][c & 0xff] ^ (c >> 8);
			crc32c_table[k][i] = c;
		}
	}
}

uint32_t
crc32c_sw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t w;

	pthread_once(&crc32c_once, crc32c_init);
	crc = ~crc;
	while (len > 0 && ((uintptr_t)p & 7) != 0) {
		crc = crc32c_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		len--;
	}
	while (len >= 8) {
		/* Little-endian load, whatever the host byte order. */
		w = (uint64_t)p[0] | (uint64_t)p[1] << 8 |
		    (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
		    (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 |
		    (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
		w ^= crc;
		crc = crc32c_table[7][w & 0xff] ^
		    crc32c_table[6][(w >> 8) & 0xff] ^
		    crc32c_table[5][(w >> 16) & 0xff] ^
		    crc32c_table[4][(w >> 24) & 0xff] ^
		    crc32c_table[3][(w >> 32) & 0xff] ^
		    crc32c_table[2][(w >> 40) & 0xff] ^
		    crc32c_table[1][(w >> 48) & 0xff] ^
		    crc32c_table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len > 0) {
		crc = crc32c_table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
		len--;
	}
	return ~crc;
}

#ifdef CRC32C_HAVE_HW

/* Matrix (32 columns) times vector over GF(2). */
static uint32_t
crc32c_gf2_times(const uint32_t *mat, uint32_t vec)
{
	uint32_t sum = 0;

	while (vec != 0) {
		if ((vec & 1) != 0)
			sum ^= *mat;
		vec >>= 1;
		mat++;
	}
	return sum;
}

static void
crc32c_gf2_square(uint32_t *square, const uint32_t *mat)
{
	int n;

	for (n = 0; n < 32; n++)
		square[n] = crc32c_gf2_times(mat, mat[n]);
}

/*
 * The operator that feeds len zero bytes (len a power of two) through
 * a raw CRC register, by repeated squaring of the one-bit operator.
 */
static void
crc32c_zeros_op(uint32_t *even, size_t len)
{
	uint32_t odd[32], row = 1;
	int n;

	odd[0] = CRC32C_POLY;
	for (n = 1; n < 32; n++) {
		odd[n] = row;
		row <<= 1;
	}
	crc32c_gf2_square(even, odd);	/* two zero bits */
	crc32c_gf2_square(odd, even);	/* four zero bits */
	do {
		crc32c_gf2_square(even, odd);
		len >>= 1;
		if (len == 0)
			return;
		crc32c_gf2_square(odd, even);
		len >>= 1;
	} while (len != 0);
	memcpy(even, odd, sizeof(odd));
}

/* Byte-wise tables of the zeros operator, so a shift is four lookups. */
static void
crc32c_zeros(uint32_t zeros[4][256], size_t len)
{
	uint32_t op[32];
	uint32_t n;

	crc32c_zeros_op(op, len);
	for (n = 0; n < 256; n++) {
		zeros[0][n] = crc32c_gf2_times(op, n);
		zeros[1][n] = crc32c_gf2_times(op, n << 8);
		zeros[2][n] = crc32c_gf2_times(op, n << 16);
		zeros[3][n] = crc32c_gf2_times(op, n << 24);
	}
}

static uint32_t
crc32c_shift(uint32_t zeros[4][256], uint32_t crc)
{
	return zeros[0][crc & 0xff] ^ zeros[1][(crc >> 8) & 0xff] ^
	    zeros[2][(crc >> 16) & 0xff] ^ zeros[3][crc >> 24];
}

static inline uint64_t
crc32c_load64(const uint8_t *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));	/* x86 is little-endian */
	return w;
}

__attribute__((target("sse4.2")))
static uint32_t
crc32c_hw(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf, *end;
	uint64_t c0, c1, c2;

	c0 = ~crc;
	c0 &= 0xffffffffU;
	while (len > 0 && ((uintptr_t)p & 7) != 0) {
		c0 = _mm_crc32_u8((uint32_t)c0, *p++);
		len--;
	}
	while (len >= 3 * CRC32C_LONG) {
		c1 = c2 = 0;
		end = p + CRC32C_LONG;
		do {
			c0 = _mm_crc32_u64(c0, crc32c_load64(p));
			c1 = _mm_crc32_u64(c1, crc32c_load64(p + CRC32C_LONG));
			c2 = _mm_crc32_u64(c2,
			    crc32c_load64(p + 2 * CRC32C_LONG));
			p += 8;
		} while (p < end);
		c0 = crc32c_shift(crc32c_long, (uint32_t)c0) ^ c1;
		c0 = crc32c_shift(crc32c_long, (uint32_t)c0) ^ c2;
		p += 2 * CRC32C_LONG;
		len -= 3 * CRC32C_LONG;
	}
	while (len >= 3 * CRC32C_SHORT) {
		c1 = c2 = 0;
		end = p + CRC32C_SHORT;
		do {
			c0 = _mm_crc32_u64(c0, crc32c_load64(p));
			c1 = _mm_crc32_u64(c1, crc32c_load64(p + CRC32C_SHORT));
			c2 = _mm_crc32_u64(c2,
			    crc32c_load64(p + 2 * CRC32C_SHORT));
			p += 8;
		} while (p < end);
		c0 = crc32c_shift(crc32c_short, (uint32_t)c0) ^ c1;
		c0 = crc32c_shift(crc32c_short, (uint32_t)c0) ^ c2;
		p += 2 * CRC32C_SHORT;
		len -= 3 * CRC32C_SHORT;
	}
	while (len >= 8) {
		c0 = _mm_crc32_u64(c0, crc32c_load64(p));
		p += 8;
		len -= 8;
	}
	while (len > 0) {
		c0 = _mm_crc32_u8((uint32_t)c0, *p++);
		len--;
	}
	return ~(uint32_t)c0;
}

#endif /* CRC32C_HAVE_HW */

/*
 * Polynomials modulo P in the reflected order of the CRC (x^0 is the
 * top bit): crc32c_combine shifts crc1 by len2 zero bytes, a product
 * with x^(8 len2) mod P made of the x^(2^k) of crc32c_x2n (the method
 * of zlib's crc32_combine since 1.2.12).
 */
static uint32_t		 crc32c_x2n[32];	/* x^(2^k) mod P */

static uint32_t
crc32c_multmodp(uint32_t a, uint32_t b)
{
	uint32_t m = 1U << 31, p = 0;

	for (;;) {
		if ((a & m) != 0) {
			p ^= b;
			if ((a & (m - 1)) == 0)
				break;
		}
		m >>= 1;
		b = (b & 1) != 0 ? (b >> 1) ^ CRC32C_POLY : b >> 1;
	}
	return p;
}

static void
crc32c_init_x2n(void)
{
	uint32_t p = 1U << 30;	/* x^1 */
	int n;

	crc32c_x2n[0] = p;
	for (n = 1; n < 32; n++)
		crc32c_x2n[n] = p = crc32c_multmodp(p, p);
}

uint32_t
crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2)
{
	uint32_t p = 1U << 31;	/* x^0 */
	unsigned k = 3;		/* len2 bytes: x^(2^3 len2) */

	pthread_once(&crc32c_once, crc32c_init);
	while (len2 != 0) {
		if ((len2 & 1) != 0)
			p = crc32c_multmodp(crc32c_x2n[k & 31], p);
		len2 >>= 1;
		k++;
	}
	return crc32c_multmodp(p, crc1) ^ crc2;
}

static void
crc32c_init(void)
{
	crc32c_init_tables();
	crc32c_init_x2n();
#ifdef CRC32C_HAVE_HW
	__builtin_cpu_init();
	if (__builtin_cpu_supports("sse4.2")) {
		crc32c_zeros(crc32c_long, CRC32C_LONG);
		crc32c_zeros(crc32c_short, CRC32C_SHORT);
		crc32c_use_hw = 1;
	}
#endif
}

int
crc32c_hw_available(void)
{
	pthread_once(&crc32c_once, crc32c_init);
	return crc32c_use_hw;
}

uint32_t
crc32c(uint32_t crc, const void *buf, size_t len)
{
	pthread_once(&crc32c_once, crc32c_init);
#ifdef CRC32C_HAVE_HW
	if (crc32c_use_hw)
		return crc32c_hw(crc, buf, len);
#endif
	return crc32c_sw(crc, buf, len);
}
