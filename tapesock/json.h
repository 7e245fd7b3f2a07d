/*
 * json.h — a small JSON writer for the machine-readable outputs
 * (status --json, query --json): objects, arrays, strings, integers,
 * fixed-point numbers, booleans and null, written into a growing
 * buffer that the caller prints.
 *
 * Commas and the separation of members are the writer's: the caller
 * says what comes, in order (json_key then a value inside an object).
 * Strings are escaped as RFC 8259 wants: quote, backslash and every
 * control character; a byte that is not part of valid UTF-8 becomes
 * U+FFFD, so that the output is always valid JSON in UTF-8.
 */
#ifndef TAPESOCK_JSON_H
#define TAPESOCK_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX	16

struct json {
	char	*buf;		/* owned; NUL-terminated */
	size_t	 len, cap;
	int	 depth;
	int	 count[JSON_DEPTH_MAX];	/* members written at each level */
	int	 after_key;	/* a key was written, its value comes */
	int	 error;		/* nesting misused: the output is not valid */
};

void	 json_init(struct json *);
void	 json_free(struct json *);
void	 json_object_begin(struct json *);
void	 json_object_end(struct json *);
void	 json_array_begin(struct json *);
void	 json_array_end(struct json *);
void	 json_key(struct json *, const char *);
void	 json_string(struct json *, const char *);
/* The first len bytes of s (may hold NUL bytes). */
void	 json_string_len(struct json *, const char *, size_t);
void	 json_int(struct json *, int64_t);
void	 json_uint(struct json *, uint64_t);
/* v with decimals digits after the point (0 to 6); NaN and
 * infinities, which JSON cannot say, are written as null. */
void	 json_fixed(struct json *, double v, int decimals);
void	 json_bool(struct json *, int);
void	 json_null(struct json *);
/* The key and a value, in one call. */
void	 json_kv_string(struct json *, const char *, const char *);
void	 json_kv_uint(struct json *, const char *, uint64_t);
void	 json_kv_bool(struct json *, const char *, int);
/* The text, once every container is closed; NULL if it is not. */
const char *json_result(const struct json *);

#endif
