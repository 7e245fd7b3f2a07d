/*
 * roles_pair.h — the harness of check_roles.c: a sender and a receiver
 * in one process, and the test as the link between them (roles_pair.c).
 */
#ifndef TAPESOCK_ROLES_PAIR_H
#define TAPESOCK_ROLES_PAIR_H

#include <stddef.h>
#include <stdint.h>

#include "server.h"
#include "svr_in.h"
#include "svr_out.h"

#define GOT_MAX		(16 * 1024 * 1024)
/* Both servers' name: a pair's two servers share one (PROTOCOL.md 5). */
#define RP_NAME		"tape"

struct side {
	struct server	 s;
	char		*home;
	char		*fifo;
	int		 fd;		/* ours: the writer (sender), reader */
	uint8_t		*got;		/* receiver: what its reader read */
	size_t		 got_len;
	unsigned	 marks;		/* receiver: ends of tape seen */
	size_t		 mark_at[16];	/* got_len at each */
};

struct pair {
	char		*dir;
	struct side	 a;		/* the sender */
	struct side	 b;		/* the receiver */
};

void	rp_reader_open(struct side *x);
void	rp_writer_open(struct side *x);
void	rp_side_setup(struct side *x, const char *dir, const char *home,
	    const char *name, int is_out, int lost);
void	rp_side_free(struct side *x);
struct pair	*rp_new(int lost);
void	rp_free(struct pair *p);
struct sender	*rp_snd(struct pair *p);
struct receiver	*rp_rcv(struct pair *p);
int	rp_side_turn(struct side *x);
int	rp_carry(struct side *from, struct side *to);
int	rp_hangup(struct side *gone, struct side *peer);
int	rp_reader_drain(struct side *x);
void	rp_check_window(struct pair *p);
void	rp_run(struct pair *p);
void	rp_link_both(struct pair *p);
void	rp_cut_both(struct pair *p);
void	rp_feed(struct pair *p, int c, size_t len);
void	rp_mark(struct pair *p);
void	rp_expect_blocks(struct side *x, size_t from, int c, int n, size_t len);
void	rp_inject(struct side *x, uint8_t type, uint64_t msgnum,
	    uint64_t aux, const uint8_t *payload, uint32_t len);
void	rp_inject_raw(struct side *x, const uint8_t *buf, size_t len);
void	rp_hello_fill(struct hello *h, uint8_t role, const uint8_t *stream,
	    uint64_t last);
size_t	rp_hello_put(uint8_t *buf, const struct hello *h);
size_t	rp_hello_of(uint8_t *buf, uint8_t role, const uint8_t *stream,
	    uint64_t last);
const char	*rp_queued_error(struct side *x, char *text, size_t sz);
const char	*rp_queued_text(struct side *x, uint8_t type, char *text,
	    size_t sz, uint64_t *aux);
unsigned	rp_queued_count(struct side *x, uint8_t type,
	    uint64_t *first, uint64_t *last);
int	rp_traced(struct side *x, const char *text);
char	*rp_state_image(struct side *x, size_t *len);
char	*rp_spool_image(struct side *x, size_t *len);
void	rp_same_image(const char *was, size_t was_len, const char *now,
	    size_t now_len, const char *what);

#endif
