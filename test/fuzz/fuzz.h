/*
 * fuzz.h — what the libFuzzer targets of test/fuzz share: a private
 * temporary directory (made once, removed at exit), files written and
 * emptied in it, and the check that traps.  Static functions: each
 * target is one translation unit.
 */
#ifndef TAPESOCK_FUZZ_H
#define TAPESOCK_FUZZ_H

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_CHECK(c)	do { if (!(c)) __builtin_trap(); } while (0)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

static char	fuzz_dir[256];

/* Remove every entry of dir, one level of subdirectories too. */
static void __attribute__((unused))
fuzz_empty(const char *dir)
{
	char path[1024];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (unlink(path) < 0) {
			fuzz_empty(path);
			rmdir(path);
		}
	}
	closedir(d);
}

static void
fuzz_cleanup(void)
{
	if (fuzz_dir[0] != '\0') {
		fuzz_empty(fuzz_dir);
		rmdir(fuzz_dir);
	}
}

/*
 * The target's own directory, made at the first call under $TMPDIR,
 * else /dev/shm (where the library's fsyncs cost nothing), else /tmp;
 * NULL: none.
 */
static const char * __attribute__((unused))
fuzz_tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	if (fuzz_dir[0] != '\0')
		return fuzz_dir;
	if (t == NULL || *t != '/' || strlen(t) >= 200)
		t = access("/dev/shm", W_OK | X_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tapesock-fuzz.XXXXXX", t);
	if (mkdtemp(fuzz_dir) == NULL) {
		fuzz_dir[0] = '\0';
		return NULL;
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* path (under fuzz_tmpdir) := p[0..n): 0, or -1. */
static int __attribute__((unused))
fuzz_write(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t w = 0;

	if (fd < 0)
		return -1;
	if (n > 0)
		w = write(fd, p, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

/* A NUL-terminated copy of p[0..n) (owned). */
static char * __attribute__((unused))
fuzz_str(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

#endif
