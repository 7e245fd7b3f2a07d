/*
 * config.c — tapesock.yaml: strict reading with the libyaml event
 * parser, writing with the libyaml emitter so quoting is always right.
 *
 * The reader accepts exactly the shape documented in tapesock.yaml(5)
 * and stops at the first thing it does not understand, reporting it
 * with file, line and column.  It never has to recurse into nodes it
 * does not expect, so a hostile file cannot make it go deep.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "catalog.h"
#include "config.h"

#define CONFIG_MODE	0640
/* "\xe2\x80\x94" is an em dash, spelled out to keep the source ASCII. */
#define CONFIG_HEADER	"# tapesock configuration \xe2\x80\x94 " \
	"see tapesock.yaml(5). Written by tape-socket; comments are not kept.\n"

/* State of one parse: the libyaml parser and the event in hand. */
struct cfgparse {
	yaml_parser_t	 parser;
	yaml_event_t	 ev;
	int		 have_ev;
	const char	*path;		/* for messages */
	const char	*buf;		/* the text, for reader errors */
	size_t		 len;
	struct config	*cfg;
	struct errbuf	*err;
};

/* Output of the emitter, grown as it writes. */
struct cfgbuf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};

static const char *
config_path_name(const char *path)
{
	return path != NULL ? path : "(configuration)";
}

static unsigned long
mark_line(const yaml_mark_t *m)
{
	return (unsigned long)m->line + 1;
}

static unsigned long
mark_col(const yaml_mark_t *m)
{
	return (unsigned long)m->column + 1;
}

static void
server_free(struct server_cfg *s)
{
	int k;

	for (k = 0; k < KW__COUNT; k++) {
		free(s->val[k]);
		s->val[k] = NULL;
	}
}

void
config_free(struct config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->nservers; i++)
		server_free(&cfg->servers[i]);
	free(cfg->servers);
	free(cfg->default_name);
	free(cfg->group);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

const char *
config_default(const struct config *cfg)
{
	if (cfg->default_name != NULL)
		return cfg->default_name;
	return CONFIG_DEFAULT_SERVER;
}

struct server_cfg *
config_find(const struct config *cfg, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < cfg->nservers; i++)
		if (strcmp(cfg->servers[i].name, name) == 0)
			return &cfg->servers[i];
	return NULL;
}

const struct server_cfg *
config_pipe_shared(const struct config *cfg, const struct server_cfg *s)
{
	const char *mine = s->val[KW_PIPE], *theirs;
	struct stat a, b;
	int have;
	size_t i;

	if (mine == NULL || *mine == '\0')
		return NULL;
	have = stat(mine, &a) == 0;
	for (i = 0; i < cfg->nservers; i++) {
		const struct server_cfg *o = &cfg->servers[i];

		if (o == s || strcmp(o->name, s->name) == 0 ||
		    (theirs = o->val[KW_PIPE]) == NULL || *theirs == '\0')
			continue;
		/* The same path, or another name of the same file. */
		if (strcmp(mine, theirs) == 0 || (have &&
		    stat(theirs, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino))
			return o;
	}
	return NULL;
}

/* Pointers returned earlier may move: the array is reallocated. */
struct server_cfg *
config_add(struct config *cfg, const char *name)
{
	struct server_cfg *s;

	if ((s = config_find(cfg, name)) != NULL)
		return s;
	cfg->servers = xreallocarray(cfg->servers, cfg->nservers + 1,
	    sizeof(*cfg->servers));
	s = &cfg->servers[cfg->nservers++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

void
server_set(struct server_cfg *s, enum kw k, const char *value)
{
	if ((int)k < 0 || k >= KW__COUNT)
		return;
	free(s->val[k]);
	s->val[k] = value != NULL ? xstrdup(value) : NULL;
}

void
server_clear(struct server_cfg *s)
{
	server_free(s);
}

/*
 * Reading.
 */

/* The parser failed: report libyaml's own words and position. */
static int
config_syntax_error(struct cfgparse *cp)
{
	const yaml_parser_t *p = &cp->parser;
	unsigned long line = 1, col = 1;
	char problem[256];
	size_t i, off;

	if (p->error == YAML_MEMORY_ERROR)
		fatalx("out of memory parsing %s", config_path_name(cp->path));
	if (p->error == YAML_READER_ERROR) {
		/* Bad encoding: libyaml gives a byte offset, not a mark. */
		off = p->problem_offset < cp->len ? p->problem_offset : cp->len;
		for (i = 0; i < off; i++) {
			if (cp->buf[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)cp->buf[i] & 0xc0) != 0x80)
				col++;	/* characters, as libyaml's marks */
		}
	} else {
		line = mark_line(&p->problem_mark);
		col = mark_col(&p->problem_mark);
	}
	if (p->context != NULL)
		snprintf(problem, sizeof(problem), "%s %s",
		    p->problem != NULL ? p->problem : "syntax error",
		    p->context);
	else
		snprintf(problem, sizeof(problem), "%s",
		    p->problem != NULL ? p->problem : "syntax error");
	msg_format(cp->err->msg, sizeof(cp->err->msg), MSG_CFG_SYNTAX,
	    config_path_name(cp->path), line, col, problem);
	return -1;
}

static int
config_structure(struct cfgparse *cp, const yaml_mark_t *m, const char *what)
{
	msg_format(cp->err->msg, sizeof(cp->err->msg), MSG_CFG_STRUCTURE,
	    config_path_name(cp->path), mark_line(m), mark_col(m), what);
	return -1;
}

static int
config_unknown_key(struct cfgparse *cp, const yaml_mark_t *m, const char *key)
{
	msg_format(cp->err->msg, sizeof(cp->err->msg), MSG_CFG_UNKNOWN_KEY,
	    config_path_name(cp->path), mark_line(m), mark_col(m), key);
	return -1;
}

static int
config_dup_key(struct cfgparse *cp, const yaml_mark_t *m, const char *key)
{
	msg_format(cp->err->msg, sizeof(cp->err->msg), MSG_CFG_DUP_KEY,
	    config_path_name(cp->path), mark_line(m), mark_col(m), key);
	return -1;
}

static int
config_bad_value(struct cfgparse *cp, const yaml_mark_t *m, enum kw k,
    const char *value, const char *problem)
{
	const struct kwdef *d = kw_def(k);

	msg_format(cp->err->msg, sizeof(cp->err->msg), MSG_CFG_BAD_VALUE,
	    config_path_name(cp->path), mark_line(m), mark_col(m), d->name,
	    value, problem,
	    d->allowed != NULL ? d->allowed : "see tapesock.yaml(5)");
	return -1;
}

/*
 * Next event into cp->ev.  Anchors, aliases and explicit tags are
 * refused here, once for every node: none has a meaning in this file
 * and each would let one line stand for another.
 */
static int
config_next(struct cfgparse *cp)
{
	const yaml_event_t *ev = &cp->ev;
	const unsigned char *anchor = NULL, *tag = NULL;

	if (cp->have_ev) {
		yaml_event_delete(&cp->ev);
		cp->have_ev = 0;
	}
	if (!yaml_parser_parse(&cp->parser, &cp->ev))
		return config_syntax_error(cp);
	cp->have_ev = 1;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return config_structure(cp, &ev->start_mark,
		    "aliases (*name) are not allowed");
	case YAML_SCALAR_EVENT:
		anchor = ev->data.scalar.anchor;
		tag = ev->data.scalar.tag;
		/* A quoted "!!str" is harmless: it is what we read anyway. */
		if (tag != NULL && strcmp((const char *)tag,
		    YAML_STR_TAG) == 0)
			tag = NULL;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = ev->data.mapping_start.anchor;
		tag = ev->data.mapping_start.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = ev->data.sequence_start.anchor;
		tag = ev->data.sequence_start.tag;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return config_structure(cp, &ev->start_mark,
		    "anchors (&name) are not allowed");
	if (tag != NULL)
		return config_structure(cp, &ev->start_mark,
		    "tags (!name) are not allowed");
	return 0;
}

static const char *
config_scalar(const struct cfgparse *cp)
{
	return (const char *)cp->ev.data.scalar.value;
}

/* An empty plain value ("servers:" with nothing under it). */
static int
config_is_null(const struct cfgparse *cp)
{
	return cp->ev.type == YAML_SCALAR_EVENT &&
	    cp->ev.data.scalar.length == 0 &&
	    cp->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

/* A mapping key: a scalar, never a list or a mapping. */
static int
config_key(struct cfgparse *cp)
{
	if (cp->ev.type != YAML_SCALAR_EVENT)
		return config_structure(cp, &cp->ev.start_mark,
		    "a key must be a single word, not a list or a mapping");
	return 0;
}

/* Check a server name; *norm gets the normalized name. */
static int
config_server_name(struct cfgparse *cp, const char *name, char **norm)
{
	struct errbuf e = { "" };

	*norm = NULL;
	if (kw_check(KW_SERVER, name, KWC_SYNTAX, norm, &e) < 0 ||
	    strlen(*norm) > SERVER_NAME_MAX) {
		if (*norm != NULL)
			snprintf(e.msg, sizeof(e.msg), "longer than %d "
			    "characters", SERVER_NAME_MAX);
		free(*norm);
		*norm = NULL;
		return config_bad_value(cp, &cp->ev.start_mark, KW_SERVER,
		    name, e.msg);
	}
	return 0;
}

/* keyword: value pairs of one server; the mapping start is consumed. */
static int
config_parse_server(struct cfgparse *cp, size_t idx)
{
	struct server_cfg *s;
	struct errbuf e;
	yaml_mark_t keymark;
	char *norm;
	int k;

	for (;;) {
		if (config_next(cp) < 0)
			return -1;
		if (cp->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (config_key(cp) < 0)
			return -1;
		keymark = cp->ev.start_mark;
		k = kw_lookup(config_scalar(cp));
		if (k < 0 || !(kw_def((enum kw)k)->flags & KWF_STORED))
			return config_unknown_key(cp, &keymark,
			    config_scalar(cp));
		s = &cp->cfg->servers[idx];
		if (s->val[k] != NULL)
			return config_dup_key(cp, &keymark, config_scalar(cp));
		if (config_next(cp) < 0)
			return -1;
		if (cp->ev.type != YAML_SCALAR_EVENT)
			return config_structure(cp, &cp->ev.start_mark,
			    "a keyword takes one value, not a list or a "
			    "mapping");
		norm = NULL;
		memset(&e, 0, sizeof(e));
		if (kw_check((enum kw)k, config_scalar(cp), KWC_SYNTAX, &norm,
		    &e) < 0) {
			free(norm);
			return config_bad_value(cp, &cp->ev.start_mark,
			    (enum kw)k, config_scalar(cp), e.msg);
		}
		s->val[k] = norm;
	}
}

/* name: {keyword: value} for every server; the mapping start is consumed. */
static int
config_parse_servers(struct cfgparse *cp)
{
	struct config *cfg = cp->cfg;
	yaml_mark_t keymark;
	struct errbuf why;
	char *name;
	size_t idx;

	for (;;) {
		if (config_next(cp) < 0)
			return -1;
		if (cp->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (config_key(cp) < 0)
			return -1;
		keymark = cp->ev.start_mark;
		if (config_server_name(cp, config_scalar(cp), &name) < 0)
			return -1;
		if (config_find(cfg, name) != NULL) {
			config_dup_key(cp, &keymark, config_scalar(cp));
			free(name);
			return -1;
		}
		config_add(cfg, name);
		free(name);
		idx = cfg->nservers - 1;
		cfg->servers[idx].line = mark_line(&keymark);

		if (config_next(cp) < 0)
			return -1;
		if (cp->ev.type == YAML_MAPPING_START_EVENT) {
			if (config_parse_server(cp, idx) < 0)
				return -1;
		} else if (!config_is_null(cp))
			return config_structure(cp, &cp->ev.start_mark,
			    "a server must be a mapping of keyword: value");

		if (cfg->servers[idx].val[KW_SERVERTYPE] == NULL) {
			msg_format(cp->err->msg, sizeof(cp->err->msg),
			    MSG_CFG_MISSING_KEY, config_path_name(cp->path),
			    mark_line(&keymark), mark_col(&keymark),
			    cfg->servers[idx].name,
			    kw_def(KW_SERVERTYPE)->name);
			return -1;
		}
		if (kw_check_server(cfg->servers[idx].val, &why) < 0) {
			msg_format(cp->err->msg, sizeof(cp->err->msg),
			    MSG_CFG_KEYWORD_CONFLICT, config_path_name(cp->path),
			    mark_line(&keymark), mark_col(&keymark),
			    cfg->servers[idx].name, why.msg);
			return -1;
		}
	}
}

/* A Unix group name: [a-z_][a-z0-9_-]*, at most 32 characters. */
static int
config_group_valid(const char *g)
{
	size_t i, len = strlen(g);

	if (len == 0 || len > 32 || !(islower((unsigned char)g[0]) ||
	    g[0] == '_'))
		return 0;
	for (i = 1; i < len; i++)
		if (!islower((unsigned char)g[i]) &&
		    !isdigit((unsigned char)g[i]) && g[i] != '_' && g[i] != '-')
			return 0;
	return 1;
}

/* The top-level mapping; its start is consumed. */
static int
config_parse_top(struct cfgparse *cp)
{
	struct config *cfg = cp->cfg;
	yaml_mark_t keymark, defmark;
	int seen_default = 0, seen_servers = 0, seen_group = 0;
	const char *key;
	char *name;

	memset(&defmark, 0, sizeof(defmark));
	for (;;) {
		if (config_next(cp) < 0)
			return -1;
		if (cp->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (config_key(cp) < 0)
			return -1;
		keymark = cp->ev.start_mark;
		key = config_scalar(cp);
		if (strcmp(key, "default") == 0) {
			if (seen_default++)
				return config_dup_key(cp, &keymark, key);
			if (config_next(cp) < 0)
				return -1;
			if (cp->ev.type != YAML_SCALAR_EVENT)
				return config_structure(cp,
				    &cp->ev.start_mark, "'default' must be "
				    "the name of a server");
			defmark = cp->ev.start_mark;
			if (config_server_name(cp, config_scalar(cp),
			    &name) < 0)
				return -1;
			cfg->default_name = name;
		} else if (strcmp(key, "group") == 0) {
			if (seen_group++)
				return config_dup_key(cp, &keymark, key);
			if (config_next(cp) < 0)
				return -1;
			if (cp->ev.type != YAML_SCALAR_EVENT ||
			    !config_group_valid(config_scalar(cp)))
				return config_structure(cp,
				    &cp->ev.start_mark, "'group' must be "
				    "the name of a Unix group");
			cfg->group = xstrdup(config_scalar(cp));
		} else if (strcmp(key, "servers") == 0) {
			if (seen_servers++)
				return config_dup_key(cp, &keymark, key);
			if (config_next(cp) < 0)
				return -1;
			if (cp->ev.type == YAML_MAPPING_START_EVENT) {
				if (config_parse_servers(cp) < 0)
					return -1;
			} else if (!config_is_null(cp))
				return config_structure(cp,
				    &cp->ev.start_mark, "'servers' must be "
				    "a mapping of server names");
		} else
			return config_unknown_key(cp, &keymark, key);
	}
	if (cfg->default_name != NULL &&
	    config_find(cfg, cfg->default_name) == NULL) {
		char what[128];

		snprintf(what, sizeof(what), "default server '%s' is not "
		    "defined under servers", cfg->default_name);
		return config_structure(cp, &defmark, what);
	}
	return 0;
}

static int
config_parse_stream(struct cfgparse *cp)
{
	if (config_next(cp) < 0)		/* stream start */
		return -1;
	if (config_next(cp) < 0)
		return -1;
	if (cp->ev.type == YAML_STREAM_END_EVENT)	/* only comments */
		return 0;
	if (config_next(cp) < 0)		/* past "---" */
		return -1;
	if (cp->ev.type == YAML_MAPPING_START_EVENT) {
		if (config_parse_top(cp) < 0)
			return -1;
	} else if (!config_is_null(cp))
		return config_structure(cp, &cp->ev.start_mark,
		    "the file must be a mapping with 'default', 'group' and "
		    "'servers'");
	if (config_next(cp) < 0)		/* document end */
		return -1;
	if (config_next(cp) < 0)
		return -1;
	if (cp->ev.type != YAML_STREAM_END_EVENT)
		return config_structure(cp, &cp->ev.start_mark,
		    "only one document is allowed");
	return 0;
}

int
config_parse(const char *path, const char *buf, size_t len,
    struct config *cfg, struct errbuf *err)
{
	struct errbuf dummy;
	struct cfgparse cp;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	memset(&cp, 0, sizeof(cp));
	cp.path = path;
	cp.buf = buf;
	cp.len = len;
	cp.cfg = cfg;
	cp.err = err != NULL ? err : &dummy;
	cp.err->msg[0] = '\0';
	if (!yaml_parser_initialize(&cp.parser))
		fatalx("out of memory initializing the YAML parser");
	yaml_parser_set_input_string(&cp.parser, (const unsigned char *)buf,
	    len);
	yaml_parser_set_encoding(&cp.parser, YAML_UTF8_ENCODING);
	r = config_parse_stream(&cp);
	if (cp.have_ev)
		yaml_event_delete(&cp.ev);
	yaml_parser_delete(&cp.parser);
	if (r < 0) {
		/* Empty and without a path: nothing can save it by mistake. */
		config_free(cfg);
		return -1;
	}
	if (path != NULL)
		cfg->path = xstrdup(path);
	return 0;
}

int
config_load(const char *path, struct config *cfg, struct errbuf *err)
{
	char *buf;
	size_t len;
	int r;

	memset(cfg, 0, sizeof(*cfg));
	if (read_file(path, &buf, &len) < 0) {
		if (errno == ENOENT) {
			cfg->path = xstrdup(path);
			return 0;
		}
		if (err != NULL)
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CFG_READ_ERR, path, strerror(errno));
		return -1;
	}
	r = config_parse(path, buf, len, cfg, err);
	free(buf);
	return r;
}

/*
 * Writing.
 */

static int
config_out(void *data, unsigned char *p, size_t n)
{
	struct cfgbuf *b = data;

	if (b->cap - b->len < n + 1) {
		while (b->cap - b->len < n + 1)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 1;
}

/*
 * Words other YAML tools read as booleans or null: quote them so the
 * file means the same to them as it does to us (we read text only).
 */
static int
config_needs_quotes(const char *s)
{
	static const char *const words[] = {
		"", "~", "null", "Null", "NULL",
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"true", "True", "TRUE", "false", "False", "FALSE",
		"on", "On", "ON", "off", "Off", "OFF",
	};
	size_t i;

	for (i = 0; i < ARRAY_LEN(words); i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static int
config_emit_scalar(yaml_emitter_t *em, const char *s)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1,
	    config_needs_quotes(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE :
	    YAML_ANY_SCALAR_STYLE))
		return -1;
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int
config_emit_mapping(yaml_emitter_t *em, int start)
{
	yaml_event_t ev;

	if (start) {
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE))
			return -1;
	} else if (!yaml_mapping_end_event_initialize(&ev))
		return -1;
	return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int
config_emit_server(yaml_emitter_t *em, const struct server_cfg *s)
{
	int i, k;

	if (config_emit_scalar(em, s->name) < 0 ||
	    config_emit_mapping(em, 1) < 0)
		return -1;
	/* servertype first: it says what the rest is about. */
	for (i = -1; i < KW__COUNT; i++) {
		k = i < 0 ? KW_SERVERTYPE : i;
		if (i == KW_SERVERTYPE || s->val[k] == NULL ||
		    !(kw_def((enum kw)k)->flags & KWF_STORED))
			continue;
		if (config_emit_scalar(em, kw_def((enum kw)k)->name) < 0 ||
		    config_emit_scalar(em, s->val[k]) < 0)
			return -1;
	}
	return config_emit_mapping(em, 0);
}

static int
config_emit_doc(yaml_emitter_t *em, const struct config *cfg)
{
	yaml_event_t ev;
	size_t i;

	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    !yaml_emitter_emit(em, &ev))
		return -1;
	if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    !yaml_emitter_emit(em, &ev))
		return -1;
	if (config_emit_mapping(em, 1) < 0)
		return -1;
	if (cfg->default_name != NULL &&
	    (config_emit_scalar(em, "default") < 0 ||
	    config_emit_scalar(em, cfg->default_name) < 0))
		return -1;
	if (cfg->group != NULL &&
	    (config_emit_scalar(em, "group") < 0 ||
	    config_emit_scalar(em, cfg->group) < 0))
		return -1;
	if (config_emit_scalar(em, "servers") < 0 ||
	    config_emit_mapping(em, 1) < 0)
		return -1;
	for (i = 0; i < cfg->nservers; i++)
		if (config_emit_server(em, &cfg->servers[i]) < 0)
			return -1;
	if (config_emit_mapping(em, 0) < 0 || config_emit_mapping(em, 0) < 0)
		return -1;
	if (!yaml_document_end_event_initialize(&ev, 1) ||
	    !yaml_emitter_emit(em, &ev))
		return -1;
	if (!yaml_stream_end_event_initialize(&ev) ||
	    !yaml_emitter_emit(em, &ev))
		return -1;
	return yaml_emitter_flush(em) ? 0 : -1;
}

char *
config_emit(const struct config *cfg, struct errbuf *err)
{
	yaml_emitter_t em;
	struct cfgbuf b = { NULL, 0, 0 };
	int r;

	config_out(&b, (unsigned char *)(uintptr_t)CONFIG_HEADER,
	    strlen(CONFIG_HEADER));
	if (!yaml_emitter_initialize(&em))
		fatalx("out of memory initializing the YAML emitter");
	yaml_emitter_set_output(&em, config_out, &b);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1);	/* never fold a value */
	r = config_emit_doc(&em, cfg);
	if (r < 0) {
		if (err != NULL)
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CFG_WRITE_ERR, config_path_name(cfg->path),
			    em.problem != NULL ? em.problem :
			    "cannot serialize the configuration");
		free(b.data);
		b.data = NULL;
	}
	yaml_emitter_delete(&em);
	return b.data;
}

int
config_save(const struct config *cfg, struct errbuf *err)
{
	char *text;

	if (cfg->path == NULL) {
		/* A failed load leaves no path: never overwrite that file. */
		if (err != NULL)
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CFG_WRITE_ERR, config_path_name(NULL),
			    "no file name (was the file read without error?)");
		return -1;
	}
	if ((text = config_emit(cfg, err)) == NULL)
		return -1;
	if (atomic_write_file(cfg->path, text, strlen(text), CONFIG_MODE) < 0) {
		if (err != NULL)
			msg_format(err->msg, sizeof(err->msg),
			    MSG_CFG_WRITE_ERR, cfg->path, strerror(errno));
		free(text);
		return -1;
	}
	free(text);
	return 0;
}

int
config_lock(const char *path, struct errbuf *err)
{
	char *lockpath = xasprintf("%s.lock", path);
	int fd;

	if ((fd = lock_file(lockpath)) < 0 && err != NULL)
		msg_format(err->msg, sizeof(err->msg), MSG_CFG_LOCK_ERR,
		    lockpath, strerror(errno));
	free(lockpath);
	return fd;
}

void
config_unlock(int fd)
{
	unlock_file(fd);
}
