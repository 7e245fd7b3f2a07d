/*
 * frame.h — wire protocol v1 between an output server (sender) and an
 * input server (receiver): frames and the HELLO payload.
 * doc/PROTOCOL.md is the specification; this code follows it.
 *
 * Pure code over buffers: nothing here touches a socket, allocates on
 * decode, or exits.  Every frame is a 32-byte big-endian header
 *
 *	off  size  field
 *	  0     4  magic "TSK1"
 *	  4     1  version (1)
 *	  5     1  type (enum frame_type)
 *	  6     2  flags (none defined in v1: must be 0)
 *	  8     4  payload length
 *	 12     8  msgnum (DATA, EOF, SYNC: >= 1; others: 0)
 *	 20     8  aux (ACK: cumulative msgnum; HEARTBEAT(_ACK): nonce)
 *	 28     4  CRC32C of the header (this field zero) then the payload
 *
 * followed by the payload.
 */
#ifndef TAPESOCK_FRAME_H
#define TAPESOCK_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAGIC		"TSK1"
#define FRAME_VERSION		1
#define FRAME_HDR_LEN		32
#define FRAME_MAX_PAYLOAD	(1024U * 1024U)
#define FRAME_MAX_LEN		(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)
/* Message numbers start at 1 and never wrap: 2^63 - 1 is the last. */
#define FRAME_MSGNUM_MAX	((uint64_t)INT64_MAX)

/* Payload limits of the types with a bounded payload. */
#define FRAME_HELLO_MAX		4096	/* HELLO, HELLO_ACK */
#define FRAME_CHECK_MAX		4096	/* CHECK_REQ, CHECK_RESP */
#define FRAME_TEXT_MAX		1024	/* ERROR, SHUTDOWN */

enum frame_type {
	FT_HELLO = 1,		/* sender -> receiver: who I am, where I am */
	FT_HELLO_ACK,		/* receiver -> sender: accepted, resume point */
	FT_DATA,		/* one tape block, numbered */
	FT_ACK,			/* aux: every DATA/EOF <= aux is in the pipe */
	FT_SYNC,		/* msgnum: the next message number */
	FT_EOF,			/* tape mark: the writer closed the pipe */
	FT_CHECK_REQ,		/* check command line */
	FT_CHECK_RESP,		/* its one-line answer */
	FT_SHUTDOWN,		/* sender asks the receiver to stop */
	FT_HEARTBEAT,		/* aux: nonce */
	FT_HEARTBEAT_ACK,	/* aux: the nonce answered */
	FT_ERROR,		/* text reason, then the sender closes */
	FT__COUNT
};

enum frame_result {
	FRAME_NEED_MORE,
	FRAME_OK,
	FRAME_ERROR
};

/* How a decode failed; the trace each one gets is in PROTOCOL.md. */
enum frame_error_kind {
	FE_NONE,
	FE_NOT_OURS,	/* bad magic: "Unexpected msg 'X'" */
	FE_BAD_HEADER,	/* version, type, length: "Bad header 'X'" */
	FE_BAD_CRC,	/* checksum mismatch: "Bad header 'X'" */
	FE_BAD_MSGNUM,	/* msgnum or ACK number: "Bad msg num 'X'" */
	FE_BAD_HELLO	/* HELLO payload malformed: "Bad header 'X'" */
};

#define FRAME_HEX_MAX		(2 * FRAME_HDR_LEN + 1)
#define FRAME_DETAIL_MAX	96

struct frame_error {
	enum frame_error_kind	 kind;
	uint64_t		 value;	/* FE_BAD_MSGNUM: the bad number */
	char			 hex[FRAME_HEX_MAX];	/* see frame_decode */
	char			 detail[FRAME_DETAIL_MAX];	/* one line */
};

/* A decoded frame; hdr and payload point into the caller's buffer. */
struct frame {
	const uint8_t	*hdr;		/* its FRAME_HDR_LEN header bytes */
	uint8_t		 type;
	uint16_t	 flags;
	uint64_t	 msgnum;
	uint64_t	 aux;
	const uint8_t	*payload;	/* NULL when len is 0 */
	uint32_t	 len;
};

/*
 * Decode the frame at the start of p[0..len).
 *  FRAME_OK:        *f filled, *used = FRAME_HDR_LEN + f->len.
 *  FRAME_NEED_MORE: p is a valid prefix so far; *used = the length the
 *                   buffer must reach for the next call to progress
 *                   (FRAME_HDR_LEN, or the whole frame once the header
 *                   is known).  Wrong magic is reported as soon as the
 *                   first bytes differ; an oversized or otherwise bad
 *                   header from the 32 header bytes alone.
 *  FRAME_ERROR:     *err says why (err may be NULL); *used = 0.  The
 *                   stream cannot be resynchronised: reset the link.
 * err->hex is the first 16 bytes for FE_NOT_OURS, the header otherwise.
 */
enum frame_result	frame_decode(const uint8_t *p, size_t len,
			    struct frame *f, size_t *used,
			    struct frame_error *err);

/*
 * Fill hdr for a frame whose payload is payload[0..len), CRC included,
 * so header and payload go out with one writev() and no copy.
 * Returns 0, or -1 (hdr zeroed) if the frame would not decode: the
 * same rules as frame_decode.
 */
int	frame_header(uint8_t hdr[FRAME_HDR_LEN], uint8_t type, uint16_t flags,
	    uint64_t msgnum, uint64_t aux, const uint8_t *payload,
	    uint32_t len);
/* The same for a payload whose own CRC, crc32c(0, payload, len), is
 * known (a spool record's): the frame's is derived from it
 * (crc32c_combine), the payload is not read. */
int	frame_header_crc(uint8_t hdr[FRAME_HDR_LEN], uint8_t type,
	    uint16_t flags, uint64_t msgnum, uint64_t aux, uint32_t len,
	    uint32_t payload_crc);
/* Header and payload into out[0..cap): the frame length, or 0. */
size_t	frame_encode(uint8_t *out, size_t cap, uint8_t type, uint16_t flags,
	    uint64_t msgnum, uint64_t aux, const uint8_t *payload,
	    uint32_t len);

/* "DATA", "HELLO_ACK", ... or "UNKNOWN". */
const char	*frame_type_name(uint8_t type);
/* The seed's trace for a kind: "Unexpected msg", "Bad header", ... */
const char	*frame_error_name(enum frame_error_kind);
/* Lower-case hex of p[0..n) into out, truncated to fit cap (NUL ended). */
void		 frame_hex(char *out, size_t cap, const uint8_t *p, size_t n);
/*
 * A peer's text p[0..n) made safe for a log or a terminal, into out
 * (NUL ended): printable ASCII stays, a backslash and every other byte
 * (controls, ESC, DEL, NUL, non-ASCII) become \ooo octal, as vis(3)
 * with VIS_OCTAL would.  Truncated to fit cap, never inside an escape;
 * 4 * n + 1 bytes always hold it all.
 */
void		 frame_printable(char *out, size_t cap, const uint8_t *p,
		    size_t n);

/*
 * HELLO and HELLO_ACK payload: TLVs (tag u8, length u16 big-endian,
 * value), any order.  Unknown tags are skipped; known ones appear once
 * and have the exact or bounded length below.
 */
enum hello_tag {
	HELLO_T_VERSION = 1,	/* u8, mandatory: protocol version >= 1 */
	HELLO_T_ROLE,		/* u8, mandatory: HELLO_ROLE_OUT or _IN */
	HELLO_T_NAME,		/* 1..32 chars, mandatory: my server name */
	HELLO_T_PEER,		/* 1..32 chars, mandatory: the peer I expect */
	HELLO_T_STREAM,		/* 16 bytes, mandatory: stream identity */
	HELLO_T_CLOCK,		/* u64, mandatory: ns since the Unix epoch */
	HELLO_T_LAST,		/* u64, mandatory: see struct hello */
	HELLO_T_WINDOW,		/* u32, mandatory: >= 1 frames */
	HELLO_T_MAXPAYLOAD,	/* u32, mandatory: 1..FRAME_MAX_PAYLOAD */
	HELLO_T_OPTIONS		/* u32, optional (0): option bits */
};

#define HELLO_ROLE_OUT		1	/* output server, sender */
#define HELLO_ROLE_IN		2	/* input server, receiver */
#define HELLO_NAME_MAX		32	/* [A-Za-z0-9][A-Za-z0-9._-]* */
#define HELLO_STREAM_LEN	16

struct hello {
	uint8_t		 version;
	uint8_t		 role;
	char		 name[HELLO_NAME_MAX + 1];
	char		 peer[HELLO_NAME_MAX + 1];
	uint8_t		 stream[HELLO_STREAM_LEN];	/* all zero: none yet */
	uint64_t	 clock_ns;
	/*
	 * HELLO (sender): the first message number it still holds
	 * unacknowledged (its next number when it holds none).
	 * HELLO_ACK (receiver): the last message number written into its
	 * pipe, 0 when none.  The sender resumes at last + 1.
	 */
	uint64_t	 last_msgnum;
	uint32_t	 window;
	uint32_t	 max_payload;
	uint32_t	 options;
};

/* 0 and *len set, or -1 if h is invalid or out[0..cap) too small. */
int	hello_encode(const struct hello *h, uint8_t *out, size_t cap,
	    size_t *len);
/* 0, or -1 with err (may be NULL) kind FE_BAD_HELLO. */
int	hello_decode(const uint8_t *p, size_t len, struct hello *h,
	    struct frame_error *err);
/* 1 if s is a valid server name for a HELLO. */
int	hello_name_valid(const char *s);

#endif
