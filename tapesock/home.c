/*
 * home.c — find and create the state home safely.
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
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

/* "alice (uid 1000)", or the number alone. */
static void
user_name(uid_t uid, char *buf, size_t sz)
{
	struct passwd *pw = getpwuid(uid);

	if (pw != NULL)
		snprintf(buf, sz, "%s (uid %lu)", pw->pw_name,
		    (unsigned long)uid);
	else
		snprintf(buf, sz, "uid %lu", (unsigned long)uid);
}

/*
 * StrictModes, for root too: traces, pipes' contents, control sockets
 * and the configuration (whose notify: exec commands the servers run)
 * live here.  The home (st) is owned by the user or root and not
 * writable by group or others; each directory above it up to /, as
 * written and as resolved, is owned by root or the user and not
 * writable by group or others unless it is sticky (as /tmp).  A NULL
 * st: the home is not there (a command that only reads), and only the
 * directories above it that exist are checked.
 */
static int
home_safe(const char *home, const struct stat *st, struct errbuf *err)
{
	uid_t me = geteuid();
	char who[96], mine[96], what[PATH_MAX + 256], fix[2 * PATH_MAX + 64];
	char bad[PATH_MAX], *parent;
	const char *dir = home;
	struct stat bst;
	int rc;

	user_name(me, mine, sizeof(mine));
	if (st == NULL)
		goto above;	/* not there: what would hold it */
	if (st->st_uid != me && st->st_uid != 0) {
		user_name(st->st_uid, who, sizeof(who));
		snprintf(what, sizeof(what), "owned by %s, not by %s%s", who,
		    mine, me == 0 ? "" : " or root");
		snprintf(fix, sizeof(fix), "chown %lu %s; chmod 750 %s",
		    (unsigned long)me, home, home);
		goto unsafe;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(what, sizeof(what), "writable by %s",
		    (st->st_mode & S_IWOTH) ? "others" : "its group");
		snprintf(fix, sizeof(fix), "chmod 750 %s", home);
		goto unsafe;
	}
above:
	parent = xstrdup(home);
	dir = dirname(parent);
	/* For a home not made yet, the nearest directory that exists. */
	while (st == NULL && strcmp(dir, "/") != 0 && stat(dir, &bst) < 0 &&
	    errno == ENOENT)
		dir = dirname((char *)dir);
	rc = dir_chain_check(dir, 1, me, bad, sizeof(bad), &bst);
	free(parent);
	dir = bad;
	switch (rc) {
	case DIRCHK_OK:
		return 0;
	case DIRCHK_OWNER:
		user_name(bst.st_uid, who, sizeof(who));
		snprintf(what, sizeof(what), "owned by %s, not by root%s%s",
		    who, me == 0 ? "" : " or ", me == 0 ? "" : mine);
		snprintf(fix, sizeof(fix), "chown root %s", bad);
		break;
	case DIRCHK_WRITABLE:
		snprintf(what, sizeof(what), "writable by %s and not sticky",
		    (bst.st_mode & S_IWOTH) ? "others" : "its group");
		snprintf(fix, sizeof(fix), "chmod go-w %s (or chmod +t %s)",
		    bad, bad);
		break;
	default:
		snprintf(what, sizeof(what), "%s: %s", bad, strerror(errno));
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_ERR, home,
		    what);
		return -1;
	}
unsafe:
	msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_NOT_SAFE, home,
	    dir, what, fix);
	return -1;
}

static char *home_get(struct errbuf *, int);

char *
home_open(struct errbuf *err)
{
	return home_get(err, 1);
}

char *
home_find(struct errbuf *err)
{
	return home_get(err, 0);
}

static char *
home_get(struct errbuf *err, int create)
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
	if ((create && mkdirs(home) < 0) || stat(home, &st) < 0) {
		if (create || errno != ENOENT)
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CFG_HOME_ERR, home, strerror(errno));
		/* Not there and not to be made: nothing in it to check,
		 * but what is above it must be safe as for a home. */
		else if (home_safe(home, NULL, err) == 0)
			return home;
		free(home);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_HOME_ERR, home,
		    "not a directory");
		free(home);
		return NULL;
	}
	if (home_safe(home, &st, err) < 0) {
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
