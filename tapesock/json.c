/*
 * json.c — the JSON writer of json.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

static void
put(struct json *j, const char *s, size_t n)
{
	if (j->len + n + 1 > j->cap) {
		while (j->len + n + 1 > j->cap)
			j->cap = j->cap < 256 ? 256 : j->cap * 2;
		j->buf = xreallocarray(j->buf, j->cap, 1);
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
puts_j(struct json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Before a value: the comma after a previous member of an array. */
static void
value_begin(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->count[j->depth - 1]++ > 0)
			put(j, ",", 1);
	} else if (j->len > 0)
		j->error = 1;	/* a second value at the top */
}

void
json_init(struct json *j)
{
	memset(j, 0, sizeof(*j));
	put(j, "", 0);
	j->len = 0;
}

void
json_free(struct json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

static void
open_c(struct json *j, const char *c)
{
	value_begin(j);
	if (j->depth >= JSON_DEPTH_MAX) {
		j->error = 1;
		return;
	}
	j->count[j->depth++] = 0;
	puts_j(j, c);
}

static void
close_c(struct json *j, const char *c)
{
	if (j->depth == 0 || j->after_key) {
		j->error = 1;
		return;
	}
	j->depth--;
	puts_j(j, c);
}

void
json_object_begin(struct json *j)
{
	open_c(j, "{");
}

void
json_object_end(struct json *j)
{
	close_c(j, "}");
}

void
json_array_begin(struct json *j)
{
	open_c(j, "[");
}

void
json_array_end(struct json *j)
{
	close_c(j, "]");
}

static void
quoted(struct json *j, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	char esc[8];
	size_t i = 0, n;

	put(j, "\"", 1);
	while (i < len) {
		switch (p[i]) {
		case '"':
			puts_j(j, "\\\"");
			break;
		case '\\':
			puts_j(j, "\\\\");
			break;
		case '\b':
			puts_j(j, "\\b");
			break;
		case '\f':
			puts_j(j, "\\f");
			break;
		case '\n':
			puts_j(j, "\\n");
			break;
		case '\r':
			puts_j(j, "\\r");
			break;
		case '\t':
			puts_j(j, "\\t");
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				snprintf(esc, sizeof(esc), "\\u%04x", p[i]);
				puts_j(j, esc);
				break;
			}
			if ((n = utf8_seq_len(p + i, len - i)) == 0) {
				puts_j(j, "\\ufffd");
				break;
			}
			put(j, (const char *)p + i, n);
			i += n;
			continue;
		}
		i++;
	}
	put(j, "\"", 1);
}

void
json_key(struct json *j, const char *k)
{
	if (j->depth == 0 || j->after_key) {
		j->error = 1;
		return;
	}
	if (j->count[j->depth - 1]++ > 0)
		put(j, ",", 1);
	quoted(j, k, strlen(k));
	put(j, ":", 1);
	j->after_key = 1;
}

void
json_string_len(struct json *j, const char *s, size_t len)
{
	value_begin(j);
	quoted(j, s, len);
}

void
json_string(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_string_len(j, s, strlen(s));
}

void
json_int(struct json *j, int64_t v)
{
	char num[24];

	value_begin(j);
	snprintf(num, sizeof(num), "%lld", (long long)v);
	puts_j(j, num);
}

void
json_uint(struct json *j, uint64_t v)
{
	char num[24];

	value_begin(j);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	puts_j(j, num);
}

void
json_fixed(struct json *j, double v, int decimals)
{
	char num[64];

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	if (decimals < 0)
		decimals = 0;
	if (decimals > 6)
		decimals = 6;
	value_begin(j);
	snprintf(num, sizeof(num), "%.*f", decimals, v);
	/* "-0.0" is valid JSON, but says nothing "0.0" does not. */
	if (strspn(num, "-0.") == strlen(num) && num[0] == '-')
		memmove(num, num + 1, strlen(num));
	puts_j(j, num);
}

void
json_bool(struct json *j, int v)
{
	value_begin(j);
	puts_j(j, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	value_begin(j);
	puts_j(j, "null");
}

void
json_kv_string(struct json *j, const char *k, const char *v)
{
	json_key(j, k);
	json_string(j, v);
}

void
json_kv_uint(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_uint(j, v);
}

void
json_kv_bool(struct json *j, const char *k, int v)
{
	json_key(j, k);
	json_bool(j, v);
}

const char *
json_result(const struct json *j)
{
	if (j->error || j->depth != 0 || j->after_key || j->len == 0)
		return NULL;
	return j->buf;
}
