/*
 * crc32c.h — CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of every frame on the wire and of the spool records.
 *
 * The usual pre and post inversion are included, so the value chains:
 * crc32c(crc32c(0, a, n), b, m) is the CRC of a followed by b, and
 * crc32c(0, "123456789", 9) == 0xE3069283.
 */
#ifndef TAPESOCK_CRC32C_H
#define TAPESOCK_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* The SSE4.2 crc32 instruction when the CPU has it, else software. */
uint32_t	crc32c(uint32_t crc, const void *buf, size_t len);
/* Always the table-driven (slice-by-8) code: tests compare the two. */
uint32_t	crc32c_sw(uint32_t crc, const void *buf, size_t len);
/*
 * The CRC of a followed by b from crc1 = crc32c(0, a, ...) and
 * crc2 = crc32c(0, b, len2), without reading either: a few hundred
 * operations, whatever len2 (what the frame CRC of a spooled payload,
 * whose own CRC the record has, costs instead of a pass over it).
 */
uint32_t	crc32c_combine(uint32_t crc1, uint32_t crc2, uint64_t len2);
/* 1 when crc32c() uses the hardware instruction. */
int		crc32c_hw_available(void);

#endif
