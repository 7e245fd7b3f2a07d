/*
 * util.h — small helpers shared by every part of tapesock.
 */
#ifndef TAPESOCK_UTIL_H
#define TAPESOCK_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Error text a function hands back to its caller; callers own the buffer. */
#define ERRBUF_SIZE 512
struct errbuf {
	char	msg[ERRBUF_SIZE];
};
void	errbuf_set(struct errbuf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Allocation that cannot fail: on exhaustion the process cannot go on. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	 fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/* A program of the project: $env if set, else the file prog in the
 * directory of the running program if it is there (the build tree),
 * else prog in installed (the directory make install put it in, from
 * paths.h), else beside it anyway (installed NULL).  Owned. */
char	*prog_beside(const char *env, const char *prog,
	    const char *installed);

/* Strict decimal parsing: the whole string, no sign, no overflow. */
int	 parse_u64(const char *, uint64_t max, uint64_t *out);

/* Case-insensitive equality of ASCII strings. */
int	 streqi(const char *, const char *);

/*
 * Replace path with the given bytes atomically: write a temporary file
 * in the same directory, fsync it, rename it over path, fsync the
 * directory.  mode applies to a new file.  0 or -1 with errno set.
 */
int	 atomic_write_file(const char *path, const void *, size_t, int mode);
/* The same; durable=0 skips the fsyncs: safe against a process crash,
 * not against an operating system crash. */
int	 atomic_replace_file(const char *path, const void *, size_t, int mode,
	    int durable);

/* Read a whole file into a NUL-terminated buffer the caller frees. */
int	 read_file(const char *path, char **buf, size_t *len);

/* flock-based exclusive lock on a lock file; returns fd or -1. */
int	 lock_file(const char *path);
void	 unlock_file(int fd);
/* Open path for appending (0640, created) and flock it; fd or -1. */
int	 lock_file_append(const char *path);

/* Write all of buf, retrying on EINTR and short writes. */
int	 write_all(int fd, const void *, size_t);

/* CLOCK_MONOTONIC: a - b in seconds; *t = now + seconds; t has come
 * (a zero t never comes). */
struct timespec;
double	 ts_diff(const struct timespec *, const struct timespec *);
void	 ts_after(struct timespec *, double seconds);
int	 ts_due(const struct timespec *);
/* The value of the line "key value" among len bytes of text, into out:
 * 0, or -1 when there is none or it does not fit. */
int	 kv_get(const char *text, size_t len, const char *key, char *out,
	    size_t sz);

/* Local time as "yyyy-mm-dd hh:mm:ss.xxx" into buf (>= 24 bytes). */
void	 format_timestamp(char *buf, size_t, const struct timespec *);

/*
 * open(2) for the files tapesock keeps in its home (logs, pid files,
 * state files, the pair key): O_NOFOLLOW, O_CLOEXEC, O_NOCTTY, never
 * blocked by a FIFO, and only a regular file is kept (else -1 with
 * EINVAL; a symbolic link gives ELOOP).  O_NONBLOCK stays only if asked.
 */
#include <sys/types.h>
int	 open_nofollow(const char *path, int flags, mode_t mode);
/* read_file through open_nofollow. */
int	 read_file_nofollow(const char *path, char **buf, size_t *len);
/*
 * A secret (the pair key): read through open_nofollow, and refused
 * unless it is owned by the effective user and has no permission for
 * group or others; err says what is wrong and the command that fixes it.
 */
int	 read_private_file(const char *path, char **buf, size_t *len,
	    struct errbuf *err);
/* Create a new secret file (O_EXCL, mode 0600, never through a link),
 * write and fsync it and its directory: 0, or -1 with errno (EEXIST). */
int	 write_private_file(const char *path, const void *, size_t);

/*
 * May anyone but root and uid change what path names (StrictModes)?
 * Each directory from dir up to / is looked at, as written and then as
 * realpath(3) resolves it: none may be writable by group or others
 * unless it has the sticky bit; with owner, each must also be owned by
 * root or uid.  DIRCHK_OK, or the first directory found wrong in bad
 * (and its stat in *badst when not NULL): DIRCHK_WRITABLE, DIRCHK_OWNER,
 * or DIRCHK_ERR with errno (it cannot be looked at).
 */
enum { DIRCHK_OK, DIRCHK_WRITABLE, DIRCHK_OWNER, DIRCHK_ERR };
struct stat;
int	 dir_chain_check(const char *dir, int owner, uid_t uid, char *bad,
	    size_t badsz, struct stat *badst);

/* The length of the valid UTF-8 sequence at p (1 to 4), or 0 for an
 * invalid one; whether s is all valid UTF-8. */
size_t	utf8_seq_len(const unsigned char *p, size_t left);
int	utf8_valid(const char *s);

#endif
