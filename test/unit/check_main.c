/*
 * check_main.c — runs every unit suite and prints Check's summary line.
 * CK_FORK stays on: a crashing test is reported, not fatal to the run.
 */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"
#include "util.h"

const char *
test_srcdir(void)
{
	const char *s = getenv("TAPESOCK_SRCDIR");

	return s != NULL && *s != '\0' ? s : ".";
}

char *
test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir = xasprintf("%s/tapesock-unit.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");

	if (mkdtemp(dir) == NULL)
		fatalx("mkdtemp %s failed", dir);
	return dir;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void
test_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(util_suite());
	srunner_add_suite(sr, catalog_suite());
	srunner_add_suite(sr, keyword_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, log_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, control_suite());
	srunner_add_suite(sr, frame_suite());
	srunner_add_suite(sr, spool_suite());
	srunner_add_suite(sr, instate_suite());
	srunner_add_suite(sr, daemon_suite());
	srunner_add_suite(sr, roles_suite());
	srunner_add_suite(sr, bounds_suite());
	srunner_add_suite(sr, txlog_suite());
	srunner_add_suite(sr, monitor_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
