/*
 * config.h — the configuration of a home: tapesock.yaml, read and
 * written with libyaml.  Several named servers and a default one.
 *
 *   default: main            # optional; else the server named "default"
 *   group: tapeops           # optional; may query and stop the servers
 *   servers:
 *     main:
 *       servertype: OUT
 *       host: backup
 *       port: 3000
 *       ...
 *
 * A file that is malformed or invalid is reported with file, line and
 * column and is never rewritten.  Writers hold config_lock() for the
 * whole read-modify-write and replace the file atomically.
 */
#ifndef TAPESOCK_CONFIG_H
#define TAPESOCK_CONFIG_H

#include <stddef.h>

#include "keyword.h"
#include "util.h"

#define CONFIG_FILE		"tapesock.yaml"
#define CONFIG_DEFAULT_SERVER	"default"

struct server_cfg {
	char		 name[SERVER_NAME_MAX + 1];
	char		*val[KW__COUNT];	/* normalized; NULL = unset.
						   Only KWF_STORED keywords. */
	unsigned long	 line;			/* where it was read, or 0 */
};

struct config {
	char			*path;		/* owned */
	char			*default_name;	/* owned; NULL = unset */
	char			*group;		/* owned; control group or NULL */
	struct server_cfg	*servers;	/* owned, nservers entries */
	size_t			 nservers;
};

/*
 * Load path into cfg.  A missing file is an empty configuration.
 * Values are checked with kw_check(KWC_SYNTAX).  On error returns -1
 * with err holding one catalogue-formatted line (CFG_*), and cfg is
 * left empty but still safe to config_free.
 */
int	config_load(const char *path, struct config *cfg, struct errbuf *err);
/* Parse an in-memory document; path is used in messages only. */
int	config_parse(const char *path, const char *buf, size_t len,
	    struct config *cfg, struct errbuf *err);
/* Serialize (libyaml emitter) and replace the file atomically (0640). */
int	config_save(const struct config *cfg, struct errbuf *err);
/* The YAML text config_save would write; caller frees. */
char	*config_emit(const struct config *cfg, struct errbuf *err);
void	config_free(struct config *cfg);

/* The default server's name: default_name, else "default". */
const char		*config_default(const struct config *);
struct server_cfg	*config_find(const struct config *, const char *name);
/* Another server whose pipe is this one's (same path or same file). */
const struct server_cfg	*config_pipe_shared(const struct config *,
			    const struct server_cfg *);
/* Add an empty server (or return the existing one). */
struct server_cfg	*config_add(struct config *, const char *name);
/* Set a value (copied; NULL unsets). */
void			 server_set(struct server_cfg *, enum kw, const char *);
/* Clear all values of a server (setup replaces a server). */
void			 server_clear(struct server_cfg *);

/* Exclusive lock serialising writers of the configuration of a home. */
int	config_lock(const char *path, struct errbuf *err);	/* fd or -1 */
void	config_unlock(int fd);

#endif
