/* tests.h — the unit test suites, one per module (test/unit/check_*.c). */
#ifndef TAPESOCK_TESTS_H
#define TAPESOCK_TESTS_H

#include <check.h>

Suite	*catalog_suite(void);
Suite	*log_suite(void);
Suite	*config_suite(void);
Suite	*keyword_suite(void);
Suite	*cli_suite(void);
Suite	*util_suite(void);
Suite	*control_suite(void);
Suite	*frame_suite(void);
Suite	*spool_suite(void);
Suite	*instate_suite(void);
Suite	*daemon_suite(void);
Suite	*roles_suite(void);
Suite	*bounds_suite(void);
Suite	*txlog_suite(void);
Suite	*monitor_suite(void);

/* A fresh temporary directory for one test; removed by test_rmtree. */
char	*test_tmpdir(void);
void	 test_rmtree(const char *);
/* Source tree root (TAPESOCK_SRCDIR, else "."). */
const char *test_srcdir(void);

#endif
