/*
 * fuzz_config.c — libFuzzer target of the configuration reader
 * (tapesock/config.c, libyaml), with the keyword checks it applies to
 * every value (kw_check, kw_check_server).
 *
 * The input is a tapesock.yaml: written into the target's temporary
 * directory and read with config_load, as tape-socket reads it.  A
 * configuration accepted must be written back (config_emit) into a
 * text config_parse accepts again with the very same servers and
 * values, and that text must be what it emits in turn.
 */
#include "config.h"
#include "fuzz.h"

static char	cfgpath[300];

static int
str_eq(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

static void
fuzz_same(const struct config *a, const struct config *b)
{
	size_t i, k;

	FUZZ_CHECK(a->nservers == b->nservers);
	FUZZ_CHECK(str_eq(a->default_name, b->default_name));
	FUZZ_CHECK(str_eq(a->group, b->group));
	for (i = 0; i < a->nservers; i++) {
		FUZZ_CHECK(strcmp(a->servers[i].name, b->servers[i].name) == 0);
		for (k = 0; k < KW__COUNT; k++)
			FUZZ_CHECK(str_eq(a->servers[i].val[k],
			    b->servers[i].val[k]));
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = fuzz_tmpdir();

	if (dir != NULL)
		snprintf(cfgpath, sizeof(cfgpath), "%s/%s", dir, CONFIG_FILE);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config cfg, again;
	struct errbuf err;
	char *text, *text2;
	size_t i;

	if (cfgpath[0] == '\0' || fuzz_write(cfgpath, data, size) < 0)
		return 0;
	if (config_load(cfgpath, &cfg, &err) < 0) {
		FUZZ_CHECK(err.msg[0] != '\0' && cfg.nservers == 0);
		return 0;
	}
	for (i = 0; i < cfg.nservers; i++)
		FUZZ_CHECK(config_find(&cfg, cfg.servers[i].name) != NULL);
	(void)config_default(&cfg);
	text = config_emit(&cfg, &err);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(config_parse(NULL, text, strlen(text), &again, &err) == 0);
	fuzz_same(&cfg, &again);
	text2 = config_emit(&again, &err);
	FUZZ_CHECK(text2 != NULL && strcmp(text, text2) == 0);
	free(text2);
	free(text);
	config_free(&again);
	config_free(&cfg);
	return 0;
}
