/*
 * home.c — find and create the state home safely.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "home.h"

static char *
home_default(void)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	if (geteuid() == 0)
		return xstrdup("/var/lib/tapesock");
	if (xdg != NULL && xdg[0] == '/')
		return xasprintf("%s/tapesock", xdg);
	if (h != NULL && h[0] == '/')
		return xasprintf("%s/.local/state/tapesock", h);
	return NULL;
}

/* mkdir -p; intermediate directories get 0755, the home itself 0750. */
static int
mkdirs(const char *path)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = '/';
	}
	if (rc == 0 && mkdir(p, 0750) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

char *
home_open(struct errbuf *err)
{
	const char *env = getenv("TAPESOCK_HOME");
	struct stat st;
	char *home;

	if (env != NULL && *env != '\0') {
		if (env[0] != '/') {
			msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_ERR,
			    env, "TAPESOCK_HOME must be an absolute path");
			return NULL;
		}
		home = xstrdup(env);
	} else if ((home = home_default()) == NULL) {
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_ERR, "~",
		    "HOME is not set");
		return NULL;
	}
	if (mkdirs(home) < 0 || stat(home, &st) < 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_ERR, home,
		    strerror(errno));
		free(home);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_ERR, home,
		    "not a directory");
		free(home);
		return NULL;
	}
	/* Traces, pipes' contents and control sockets live here. */
	if ((st.st_uid != geteuid() && geteuid() != 0) ||
	    (st.st_mode & S_IWOTH) != 0) {
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_UNSAFE, home,
		    (st.st_mode & S_IWOTH) ? "writable by others" :
		    "owned by another user");
		free(home);
		return NULL;
	}
	return home;
}

char *
home_path(const char *home, const char *name)
{
	return xasprintf("%s/%s", home, name);
}
