/*
 * check_util.c — the shared helpers: strict number parsing, atomic file
 * replacement, whole-file reads, locks, timestamps, and the state home.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "home.h"
#include "pipes.h"
#include "tests.h"
#include "util.h"

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

static mode_t
mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* Number of entries of dir other than . and .. */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

START_TEST(test_parse_u64)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1a",
	    "a", "0x10", "1.5", "1e3", "18446744073709551616",
	    "99999999999999999999", "184467440737095516150" };
	uint64_t v;
	size_t i;

	ck_assert_int_eq(parse_u64("0", UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_u64("42", UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(parse_u64("0007", UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	ck_assert(v == UINT64_MAX);
	ck_assert_int_eq(parse_u64("18446744073709551610", UINT64_MAX, &v), 0);
	ck_assert(v == UINT64_MAX - 5);

	/* The bound is inclusive. */
	ck_assert_int_eq(parse_u64("100", 100, &v), 0);
	ck_assert_uint_eq(v, 100);
	v = 12345;
	ck_assert_int_eq(parse_u64("101", 100, &v), -1);
	ck_assert_uint_eq(v, 12345);		/* untouched on failure */

	for (i = 0; i < ARRAY_LEN(bad); i++) {
		v = 12345;
		ck_assert_msg(parse_u64(bad[i], UINT64_MAX, &v) == -1,
		    "'%s' accepted", bad[i]);
		ck_assert_uint_eq(v, 12345);
	}
	ck_assert_int_eq(parse_u64(NULL, UINT64_MAX, &v), -1);
}
END_TEST

START_TEST(test_streqi)
{
	ck_assert(streqi("port", "PORT"));
	ck_assert(streqi("Inet", "iNET"));
	ck_assert(streqi("", ""));
	ck_assert(!streqi("port", "ports"));
	ck_assert(!streqi("ports", "port"));
	ck_assert(!streqi("port", ""));
	ck_assert(!streqi("in", "on"));
}
END_TEST

START_TEST(test_strings)
{
	struct errbuf err;
	char *s;

	s = xasprintf("%s=%d", "port", 3000);
	ck_assert_str_eq(s, "port=3000");
	free(s);
	s = xstrndup("abcdef", 3);
	ck_assert_str_eq(s, "abc");
	free(s);
	errbuf_set(&err, "bad %s", "value");
	ck_assert_str_eq(err.msg, "bad value");
	errbuf_set(NULL, "ignored");
}
END_TEST

START_TEST(test_atomic_write)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/file", dir), *buf;
	size_t len;

	umask(022);
	ck_assert_int_eq(atomic_write_file(path, "hello\n", 6, 0640), 0);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(buf, "hello\n");
	free(buf);
	ck_assert_uint_eq(mode_of(path), 0640);
	ck_assert_int_eq(count_entries(dir), 1);

	/* Replacing keeps the existing file's mode, not the argument. */
	ck_assert_int_eq(chmod(path, 0604), 0);
	ck_assert_int_eq(atomic_write_file(path, "second", 6, 0600), 0);
	ck_assert_uint_eq(mode_of(path), 0604);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_str_eq(buf, "second");
	free(buf);

	/* Shorter content truncates; empty content is fine. */
	ck_assert_int_eq(atomic_write_file(path, "x", 1, 0600), 0);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, 1);
	ck_assert_str_eq(buf, "x");
	free(buf);
	ck_assert_int_eq(atomic_write_file(path, "", 0, 0600), 0);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(buf);

	/* No temporary file is left behind. */
	ck_assert_int_eq(count_entries(dir), 1);

	/* A directory that does not exist: -1 with errno, nothing left. */
	free(path);
	path = xasprintf("%s/nosuchdir/file", dir);
	errno = 0;
	ck_assert_int_eq(atomic_write_file(path, "x", 1, 0600), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(count_entries(dir), 1);

	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_read_file)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/f", dir), *buf;
	char *big;
	size_t len, i, n = 100000;
	int fd;

	write_text(path, "");
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_str_eq(buf, "");
	free(buf);

	write_text(path, "a=1\nb=2\n");
	ck_assert_int_eq(read_file(path, &buf, NULL), 0);
	ck_assert_str_eq(buf, "a=1\nb=2\n");
	free(buf);

	/* Larger than any first buffer, with NUL bytes inside. */
	big = xmalloc(n);
	for (i = 0; i < n; i++)
		big[i] = (char)(i % 251);
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, big, n), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(read_file(path, &buf, &len), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(memcmp(buf, big, n), 0);
	ck_assert_int_eq(buf[n], '\0');
	free(buf);
	free(big);

	free(path);
	path = xasprintf("%s/missing", dir);
	errno = 0;
	ck_assert_int_eq(read_file(path, &buf, &len), -1);
	ck_assert_int_eq(errno, ENOENT);

	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* In a child: can the lock on path be taken without waiting? */
static int
child_can_lock(const char *path)
{
	pid_t pid;
	int status, fd;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = open(path, O_RDWR);
		if (fd < 0)
			_exit(3);
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			_exit(0);
		_exit(errno == EWOULDBLOCK ? 1 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_lt(WEXITSTATUS(status), 2);
	return WEXITSTATUS(status) == 0;
}

START_TEST(test_lock_file)
{
	char *dir = test_tmpdir(), *path = xasprintf("%s/lock", dir);
	char *log = xasprintf("%s/ts.log,log", dir);
	int fd;

	fd = lock_file(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(mode_of(path), 0600);
	ck_assert(!child_can_lock(path));
	unlock_file(fd);
	ck_assert(child_can_lock(path));

	/* Taken again after release. */
	fd = lock_file(path);
	ck_assert_int_ge(fd, 0);
	ck_assert(!child_can_lock(path));
	unlock_file(fd);
	unlock_file(-1);			/* harmless */

	umask(022);
	fd = lock_file_append(log);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(mode_of(log), 0640);
	ck_assert(!child_can_lock(log));
	ck_assert_int_eq(write_all(fd, "one\n", 4), 0);
	unlock_file(fd);
	ck_assert(child_can_lock(log));
	fd = lock_file_append(log);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, "two\n", 4), 0);
	unlock_file(fd);
	{
		char *buf;

		ck_assert_int_eq(read_file(log, &buf, NULL), 0);
		ck_assert_str_eq(buf, "one\ntwo\n");
		free(buf);
	}

	free(path);
	path = xasprintf("%s/nosuchdir/lock", dir);
	ck_assert_int_eq(lock_file(path), -1);

	free(log);
	free(path);
	test_rmtree(dir);
	free(dir);
}
END_TEST

static void
assert_stamp_shape(const char *s)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd.ddd";
	size_t i;

	ck_assert_uint_eq(strlen(s), strlen(shape));
	for (i = 0; shape[i] != '\0'; i++) {
		if (shape[i] == 'd')
			ck_assert_msg(isdigit((unsigned char)s[i]),
			    "'%s' at %zu", s, i);
		else
			ck_assert_msg(s[i] == shape[i], "'%s' at %zu", s, i);
	}
}

START_TEST(test_timestamp)
{
	struct timespec ts;
	char buf[32], *oldtz;
	const char *tz;

	clock_gettime(CLOCK_REALTIME, &ts);
	format_timestamp(buf, sizeof(buf), &ts);
	assert_stamp_shape(buf);

	tz = getenv("TZ");
	oldtz = tz != NULL ? xstrdup(tz) : NULL;
	setenv("TZ", "UTC", 1);
	tzset();
	ts.tv_sec = 0;
	ts.tv_nsec = 0;
	format_timestamp(buf, sizeof(buf), &ts);
	ck_assert_str_eq(buf, "1970-01-01 00:00:00.000");
	ts.tv_sec = 1700000000;
	ts.tv_nsec = 999999999;
	format_timestamp(buf, sizeof(buf), &ts);
	ck_assert_str_eq(buf, "2023-11-14 22:13:20.999");
	ts.tv_nsec = 5000000;
	format_timestamp(buf, sizeof(buf), &ts);
	ck_assert_str_eq(buf, "2023-11-14 22:13:20.005");
	/* Buffers of exactly 24 bytes hold it all. */
	format_timestamp(buf, 24, &ts);
	ck_assert_str_eq(buf, "2023-11-14 22:13:20.005");
	if (oldtz != NULL)
		setenv("TZ", oldtz, 1);
	else
		unsetenv("TZ");
	tzset();
	free(oldtz);
}
END_TEST

/* TAPESOCK_HOME as it was before a test; restored after it. */
static char	*saved_home;
static int	 had_home;

static void
env_save(void)
{
	const char *h = getenv("TAPESOCK_HOME");

	had_home = h != NULL;
	saved_home = h != NULL ? xstrdup(h) : NULL;
}

static void
env_restore(void)
{
	if (had_home)
		setenv("TAPESOCK_HOME", saved_home, 1);
	else
		unsetenv("TAPESOCK_HOME");
	free(saved_home);
	saved_home = NULL;
}

START_TEST(test_home_created)
{
	struct errbuf err;
	char *dir = test_tmpdir(), *want, *home, *p, *q;
	struct stat st;

	umask(022);
	env_save();
	want = xasprintf("%s/a/b/home", dir);
	setenv("TAPESOCK_HOME", want, 1);
	err.msg[0] = '\0';
	home = home_open(&err);
	ck_assert_msg(home != NULL, "%s", err.msg);
	ck_assert_str_eq(home, want);
	ck_assert_int_eq(stat(home, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0750);
	p = home_path(home, "ts.log");
	q = xasprintf("%s/ts.log", want);
	ck_assert_str_eq(p, q);
	free(q);
	free(p);
	free(home);

	/* Opening it again is fine and changes nothing. */
	home = home_open(&err);
	ck_assert_msg(home != NULL, "%s", err.msg);
	ck_assert_uint_eq(mode_of(home), 0750);
	free(home);
	env_restore();

	free(want);
	test_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_home_rejected)
{
	struct errbuf err;
	char *dir = test_tmpdir(), *ww, *file;

	env_save();

	setenv("TAPESOCK_HOME", "relative/home", 1);
	err.msg[0] = '\0';
	ck_assert_ptr_null(home_open(&err));
	ck_assert_ptr_nonnull(strstr(err.msg, "relative/home"));
	ck_assert_ptr_nonnull(strstr(err.msg, "absolute"));
	ck_assert_int_eq(access("relative", F_OK), -1);

	ww = xasprintf("%s/ww", dir);
	ck_assert_int_eq(mkdir(ww, 0700), 0);
	ck_assert_int_eq(chmod(ww, 0777), 0);
	setenv("TAPESOCK_HOME", ww, 1);
	err.msg[0] = '\0';
	ck_assert_ptr_null(home_open(&err));
	ck_assert_ptr_nonnull(strstr(err.msg, ww));
	ck_assert_ptr_nonnull(strstr(err.msg, "writable by others"));
	/* Refused, not repaired behind the user's back. */
	ck_assert_uint_eq(mode_of(ww), 0777);

	file = xasprintf("%s/file", dir);
	write_text(file, "x");
	setenv("TAPESOCK_HOME", file, 1);
	err.msg[0] = '\0';
	ck_assert_ptr_null(home_open(&err));
	ck_assert_ptr_nonnull(strstr(err.msg, "not a directory"));

	env_restore();
	free(file);
	free(ww);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Issue 9 §5: no file of the home is opened through a symbolic link. */
START_TEST(test_open_nofollow)
{
	char *dir = test_tmpdir(), *victim = xasprintf("%s/victim", dir);
	char *link = xasprintf("%s/link", dir), *reg = xasprintf("%s/reg", dir);
	char *fifo = xasprintf("%s/fifo", dir), *buf;
	size_t len;
	int fd;

	write_text(victim, "precious\n");
	ck_assert_int_eq(symlink(victim, link), 0);
	/* A link put where a log or pid file goes: refused, not followed. */
	errno = 0;
	ck_assert_int_eq(open_nofollow(link, O_WRONLY | O_CREAT | O_TRUNC,
	    0600), -1);
	ck_assert_int_eq(errno, ELOOP);
	ck_assert_int_eq(read_file(victim, &buf, &len), 0);
	ck_assert_str_eq(buf, "precious\n");
	free(buf);
	errno = 0;
	ck_assert_int_eq(read_file_nofollow(link, &buf, &len), -1);
	ck_assert_int_eq(errno, ELOOP);
	/* A FIFO in its place: refused at once, never waited on. */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	errno = 0;
	ck_assert_int_eq(open_nofollow(fifo, O_RDONLY, 0), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(open_nofollow(fifo, O_WRONLY | O_APPEND, 0), -1);
	/* A regular file: kept, blocking unless asked. */
	fd = open_nofollow(reg, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	close(fd);
	ck_assert_int_eq(open_nofollow(reg, O_WRONLY | O_CREAT | O_EXCL,
	    0600), -1);
	ck_assert_int_eq(errno, EEXIST);
	unlink(reg);
	/* The lock files too (tapesock.yaml.lock, ts.log,backup). */
	ck_assert_int_eq(lock_file_append(link), -1);
	ck_assert_int_eq(lock_file(link), -1);
	ck_assert_int_eq(read_file(victim, &buf, &len), 0);
	ck_assert_str_eq(buf, "precious\n");
	free(buf);

	free(victim);
	free(link);
	free(reg);
	free(fifo);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* The pair key's helpers: made 0600 once, read back only if private. */
START_TEST(test_private_file)
{
	char *dir = test_tmpdir(), *key = xasprintf("%s/pair.key", dir);
	char *link = xasprintf("%s/link.key", dir), *buf;
	struct errbuf err;
	size_t len;

	ck_assert_int_eq(write_private_file(key, "secret", 6), 0);
	ck_assert_uint_eq(mode_of(key), 0600);
	ck_assert_int_eq(write_private_file(key, "other", 5), -1);
	ck_assert_int_eq(errno, EEXIST);
	ck_assert_int_eq(read_private_file(key, &buf, &len, &err), 0);
	ck_assert_uint_eq(len, 6);
	ck_assert_str_eq(buf, "secret");
	free(buf);
	ck_assert_int_eq(chmod(key, 0640), 0);
	ck_assert_int_eq(read_private_file(key, &buf, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod 600"));
	ck_assert_int_eq(chmod(key, 0600), 0);
	ck_assert_int_eq(symlink(key, link), 0);
	ck_assert_int_eq(read_private_file(link, &buf, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	ck_assert_int_eq(write_private_file(link, "x", 1), -1);
	ck_assert_int_eq(read_file(key, &buf, &len), 0);
	ck_assert_str_eq(buf, "secret");
	free(buf);

	free(key);
	free(link);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* StrictModes of a path: writable directories, sticky ones, owners. */
START_TEST(test_dir_chain)
{
	char *dir = test_tmpdir(), bad[4096];
	char *ww = xasprintf("%s/ww", dir), *wwsub = xasprintf("%s/ww/sub", dir);
	char *gw = xasprintf("%s/gw", dir), *st = xasprintf("%s/sticky", dir);
	char *stsub = xasprintf("%s/sticky/sub", dir);
	char *lnk = xasprintf("%s/sticky/ln", dir);
	struct stat sb;

	ck_assert_int_eq(mkdir(ww, 0700), 0);
	ck_assert_int_eq(mkdir(wwsub, 0700), 0);
	ck_assert_int_eq(mkdir(gw, 0700), 0);
	ck_assert_int_eq(mkdir(st, 0700), 0);
	ck_assert_int_eq(mkdir(stsub, 0700), 0);
	ck_assert_int_eq(chmod(ww, 0777), 0);
	ck_assert_int_eq(chmod(gw, 0770), 0);
	ck_assert_int_eq(chmod(st, 01777), 0);

	ck_assert_int_eq(dir_chain_check(dir, 1, geteuid(), bad, sizeof(bad),
	    &sb), DIRCHK_OK);
	ck_assert_int_eq(dir_chain_check(st, 1, geteuid(), bad, sizeof(bad),
	    &sb), DIRCHK_OK);
	ck_assert_int_eq(dir_chain_check(stsub, 1, geteuid(), bad,
	    sizeof(bad), &sb), DIRCHK_OK);
	ck_assert_int_eq(dir_chain_check(ww, 0, 0, bad, sizeof(bad), &sb),
	    DIRCHK_WRITABLE);
	ck_assert_str_eq(bad, ww);
	ck_assert_int_eq(dir_chain_check(gw, 0, 0, bad, sizeof(bad), NULL),
	    DIRCHK_WRITABLE);
	/* A directory above counts as much as the last one. */
	ck_assert_int_eq(dir_chain_check(wwsub, 0, 0, bad, sizeof(bad), &sb),
	    DIRCHK_WRITABLE);
	ck_assert_str_eq(bad, ww);
	/* So does where a symbolic link leads. */
	ck_assert_int_eq(symlink(wwsub, lnk), 0);
	ck_assert_int_eq(dir_chain_check(lnk, 0, 0, bad, sizeof(bad), &sb),
	    DIRCHK_WRITABLE);
	ck_assert_str_eq(bad, ww);
	if (geteuid() == 0) {
		/* Owned by another user: refused when owners count. */
		ck_assert_int_eq(chown(stsub, 65534, (gid_t)-1), 0);
		ck_assert_int_eq(dir_chain_check(stsub, 1, 0, bad,
		    sizeof(bad), &sb), DIRCHK_OWNER);
		ck_assert_str_eq(bad, stsub);
		ck_assert_uint_eq(sb.st_uid, 65534);
		ck_assert_int_eq(dir_chain_check(stsub, 0, 0, bad,
		    sizeof(bad), &sb), DIRCHK_OK);
	}
	ck_assert_int_eq(dir_chain_check("/nonexistent/x", 0, 0, bad,
	    sizeof(bad), &sb), DIRCHK_ERR);

	free(ww);
	free(wwsub);
	free(gw);
	free(st);
	free(stsub);
	free(lnk);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Issue 9 §5: the home and its parents as sshd's StrictModes, root too. */
START_TEST(test_home_strict)
{
	char *dir = test_tmpdir(), *home, *gw, *ww, *sticky;
	struct errbuf err;

	env_save();
	/* Group-writable: refused, with the fix. */
	gw = xasprintf("%s/gw", dir);
	ck_assert_int_eq(mkdir(gw, 0700), 0);
	ck_assert_int_eq(chmod(gw, 0770), 0);
	setenv("TAPESOCK_HOME", gw, 1);
	err.msg[0] = '\0';
	ck_assert_ptr_null(home_open(&err));
	ck_assert_ptr_nonnull(strstr(err.msg, "writable by its group"));
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod 750"));
	/* A private home in a world-writable, non-sticky directory. */
	ww = xasprintf("%s/ww", dir);
	ck_assert_int_eq(mkdir(ww, 0777), 0);
	ck_assert_int_eq(chmod(ww, 0777), 0);
	home = xasprintf("%s/home", ww);
	setenv("TAPESOCK_HOME", home, 1);
	err.msg[0] = '\0';
	ck_assert_ptr_null(home_open(&err));
	ck_assert_ptr_nonnull(strstr(err.msg, "not safe"));
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod go-w"));
	ck_assert_ptr_nonnull(strstr(err.msg, ww));
	free(home);
	/* Sticky like /tmp: others cannot rename it away: accepted. */
	sticky = xasprintf("%s/sticky", dir);
	ck_assert_int_eq(mkdir(sticky, 0700), 0);
	ck_assert_int_eq(chmod(sticky, 01777), 0);
	home = xasprintf("%s/home", sticky);
	setenv("TAPESOCK_HOME", home, 1);
	free(home);
	home = home_open(&err);
	ck_assert_msg(home != NULL, "%s", err.msg);
	if (geteuid() == 0) {
		/* Root is held to it: a home of another user is refused
		 * (its notify: exec would run as root). */
		ck_assert_int_eq(chown(home, 65534, (gid_t)-1), 0);
		err.msg[0] = '\0';
		ck_assert_ptr_null(home_open(&err));
		ck_assert_ptr_nonnull(strstr(err.msg, "owned by"));
		ck_assert_ptr_nonnull(strstr(err.msg, "chown 0"));
		ck_assert_int_eq(chown(home, 0, (gid_t)-1), 0);
		/* And so is a parent of another user. */
		ck_assert_int_eq(chmod(sticky, 0755), 0);
		ck_assert_int_eq(chown(sticky, 65534, (gid_t)-1), 0);
		err.msg[0] = '\0';
		ck_assert_ptr_null(home_open(&err));
		ck_assert_ptr_nonnull(strstr(err.msg, sticky));
		ck_assert_ptr_nonnull(strstr(err.msg, "chown root"));
	}
	free(home);
	env_restore();
	free(gw);
	free(ww);
	free(sticky);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* Issue 9 §5: a server's pipe is the FIFO it first opened, or refused. */
START_TEST(test_pipe_open)
{
	char *dir = test_tmpdir(), *fifo = xasprintf("%s/tapein", dir);
	char *secret = xasprintf("%s/secret", dir), *buf;
	char *keep = xasprintf("%s/keep", dir);
	char *ww = xasprintf("%s/ww", dir), *wwfifo = xasprintf("%s/ww/p", dir);
	struct pipe_id id = { 0 };
	struct errbuf err;
	size_t len;
	int fd;

	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	/* Kept alive, so that no later file takes its inode number. */
	ck_assert_int_eq(link(fifo, keep), 0);
	write_text(secret, "root's\n");
	fd = pipe_open(fifo, O_RDONLY | O_NONBLOCK, &id, &err);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(id.set, 1);
	close(fd);
	/* The same FIFO again: fine. */
	fd = pipe_open(fifo, O_RDONLY | O_NONBLOCK, &id, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* Swapped for a symbolic link to a file: refused, not opened. */
	ck_assert_int_eq(unlink(fifo), 0);
	ck_assert_int_eq(symlink(secret, fifo), 0);
	ck_assert_int_eq(pipe_open(fifo, O_WRONLY | O_NONBLOCK, &id, &err),
	    -2);
	ck_assert_ptr_nonnull(strstr(err.msg, "symbolic link"));
	ck_assert_int_eq(read_file(secret, &buf, &len), 0);
	ck_assert_str_eq(buf, "root's\n");
	free(buf);
	/* Swapped for a regular file: refused. */
	ck_assert_int_eq(unlink(fifo), 0);
	write_text(fifo, "x");
	ck_assert_int_eq(pipe_open(fifo, O_RDONLY | O_NONBLOCK, &id, &err),
	    -2);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a FIFO"));
	/* Swapped for another FIFO: refused, it is not the first one. */
	ck_assert_int_eq(unlink(fifo), 0);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	ck_assert_int_eq(pipe_open(fifo, O_RDONLY | O_NONBLOCK, &id, &err),
	    -2);
	ck_assert_ptr_nonnull(strstr(err.msg, "replaced"));
	/* Without an identity (drain, the keeper) it is a FIFO: taken. */
	fd = pipe_open(fifo, O_RDONLY | O_NONBLOCK, NULL, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* No reader: the open's own error, as before. */
	memset(&id, 0, sizeof(id));
	ck_assert_int_eq(pipe_open(fifo, O_WRONLY | O_NONBLOCK, &id, &err),
	    -1);
	ck_assert_int_eq(errno, ENXIO);
	/* A FIFO in a directory others may write: refused. */
	ck_assert_int_eq(mkdir(ww, 0777), 0);
	ck_assert_int_eq(chmod(ww, 0777), 0);
	ck_assert_int_eq(mkfifo(wwfifo, 0600), 0);
	ck_assert_int_eq(pipe_open(wwfifo, O_RDONLY | O_NONBLOCK, NULL, &err),
	    -2);
	ck_assert_ptr_nonnull(strstr(err.msg, "chmod go-w"));
	ck_assert_int_eq(chmod(ww, 01777), 0);
	fd = pipe_open(wwfifo, O_RDONLY | O_NONBLOCK, NULL, &err);
	ck_assert_int_ge(fd, 0);
	close(fd);

	free(fifo);
	free(secret);
	free(keep);
	free(ww);
	free(wwfifo);
	test_rmtree(dir);
	free(dir);
}
END_TEST

/* The codec: both byte orders, and a cursor that never runs past. */
START_TEST(test_codec)
{
	uint8_t b[16];
	struct cursor c;

	be32_put(b, 0x01020304u);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_uint_eq(b[3], 4);
	ck_assert_uint_eq(be32_get(b), 0x01020304u);
	le32_put(b, 0x01020304u);
	ck_assert_uint_eq(b[0], 4);
	ck_assert_uint_eq(le32_get(b), 0x01020304u);
	be64_put(b, 0x1122334455667788ull);
	ck_assert_uint_eq(be64_get(b), 0x1122334455667788ull);
	le64_put(b, 0x1122334455667788ull);
	ck_assert_uint_eq(le64_get(b), 0x1122334455667788ull);
	be16_put(b, 0xabcd);
	ck_assert_uint_eq(be16_get(b), 0xabcd);

	cur_init(&c, b, 7);
	cur_put_be32(&c, 7);
	cur_put_be16(&c, 9);
	ck_assert_int_eq(c.err, 0);
	cur_put_be16(&c, 11);		/* one byte left: refused */
	ck_assert_int_eq(c.err, 1);
	ck_assert_uint_eq(c.pos, 6);
	cur_put_u8(&c, 1);		/* and nothing after an error */
	ck_assert_uint_eq(c.pos, 6);
	cur_init(&c, b, 6);
	ck_assert_uint_eq(cur_be32(&c), 7);
	ck_assert_uint_eq(cur_be16(&c), 9);
	ck_assert_uint_eq(cur_u8(&c), 0);
	ck_assert_int_eq(c.err, 1);
	ck_assert_ptr_null(cur_take(&c, 0));
}
END_TEST

Suite *
util_suite(void)
{
	Suite *s = suite_create("util");
	TCase *tc = tcase_create("util");

	tcase_add_test(tc, test_parse_u64);
	tcase_add_test(tc, test_streqi);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_codec);
	tcase_add_test(tc, test_atomic_write);
	tcase_add_test(tc, test_read_file);
	tcase_add_test(tc, test_lock_file);
	tcase_add_test(tc, test_timestamp);
	tcase_add_test(tc, test_home_created);
	tcase_add_test(tc, test_home_rejected);
	tcase_add_test(tc, test_open_nofollow);
	tcase_add_test(tc, test_private_file);
	tcase_add_test(tc, test_dir_chain);
	tcase_add_test(tc, test_home_strict);
	tcase_add_test(tc, test_pipe_open);
	suite_add_tcase(s, tc);
	return s;
}
