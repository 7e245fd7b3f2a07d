/*
 * svr_common.h — small pieces both roles use when talking frames.
 */
#ifndef TAPESOCK_SVR_COMMON_H
#define TAPESOCK_SVR_COMMON_H

#include "server.h"

/* Trace a decode failure with the seed's words. */
void	svr_trace_decode(struct server *, const struct frame_error *);
/* Fill a HELLO for this server. */
void	svr_hello(struct server *, struct hello *, uint64_t last);
/* Clock check of a peer's HELLO, unless (S. */
void	svr_clock_check(struct server *, const struct hello *);
/* Stream identity as hex, and back. */
void	svr_stream_hex(const uint8_t *, char *out, size_t);
int	svr_stream_parse(const char *hex, uint8_t *out);
/* Parse "key value" lines of a state file: 0 found, -1 not. */
int	svr_state_get(const char *text, const char *key, char *out, size_t);
/* Add the first msgs (window ring helpers). */
struct msg *svr_win_at(struct server *, size_t i);
void	svr_win_pop(struct server *);
struct msg *svr_win_push(struct server *);

#endif
