/*
 * qinfo.c — a server's query answer read into struct qinfo, and
 * written as JSON.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bsd/string.h>

#include "keyword.h"
#include "qinfo.h"

enum qkind { QK_UINT, QK_STRING, QK_YESNO };

/* The lines whose value is one plain thing, and their JSON name. */
static const struct {
	const char	*label;
	const char	*key;
	enum qkind	 kind;
} plain[] = {
	{ "Next poll time", "next_poll_time", QK_STRING },
	{ "Txlog", "txlog", QK_STRING },
	{ "Txlog queue", "txlog_queue", QK_STRING },
	{ "msgin", "msgin", QK_UINT },
	{ "msgout", "msgout", QK_UINT },
	{ "curmsg", "curmsg", QK_UINT },
	{ "Status", "status", QK_STRING },
	{ "Heartbeat timeouts", "heartbeat_timeouts", QK_UINT },
	{ "Connected", "connected", QK_YESNO },
	{ "Unacknowledged", "unacknowledged", QK_UINT },
	{ "Unwritten", "unwritten", QK_UINT },
	{ "Acknowledged", "acknowledged", QK_UINT },
	{ "Disconnections", "disconnections", QK_UINT },
	{ "Lost", "lost", QK_UINT },
	{ "Sync", "sync", QK_STRING },
	{ "Tape files merged", "tape_files_merged", QK_UINT },
	{ "Last mark", "last_mark", QK_UINT },
	{ "Device", "device", QK_STRING },
	{ "Keeper", "keeper", QK_STRING },
	{ "Reader wait", "reader_wait", QK_STRING },
};

static int
is_parameter(const char *label)
{
	int k = kw_lookup(label);

	return k >= 0 && strcmp(kw_def(k)->name, label) == 0 &&
	    (kw_def(k)->flags & KWF_STORED);
}

const char *
qinfo_get(const struct qinfo *q, const char *label)
{
	size_t i;

	for (i = 0; i < q->nlines; i++)
		if (strcmp(q->lines[i].label, label) == 0)
			return q->lines[i].value;
	return NULL;
}

static int
num(const char *v, uint64_t *out)
{
	char digits[24];
	size_t n = strspn(v, "0123456789");

	if (n == 0 || n >= sizeof(digits))
		return -1;
	memcpy(digits, v, n);
	digits[n] = '\0';
	return parse_u64(digits, UINT64_MAX, out);
}

/* "N transaction(s), S s (...)" or "not known yet, S s (...)". */
static void
parse_lag(struct qinfo *q, const char *v)
{
	const char *p;

	q->has_lag = 1;
	q->lag_s = -1;
	q->lag_known = num(v, &q->lag_tx) == 0;
	if ((p = strstr(v, ", ")) != NULL && (p[2] >= '0' && p[2] <= '9'))
		q->lag_s = strtod(p + 2, NULL);
}

/* "OK|failing, last seen on the backup S s ago" or "..., none seen". */
static void
parse_poll(struct qinfo *q, const char *v)
{
	const char *p;

	q->has_poll = 1;
	q->poll_failing = strncmp(v, "failing", 7) == 0;
	q->poll_age = -1;
	if ((p = strstr(v, " backup ")) != NULL && p[8] >= '0' && p[8] <= '9')
		q->poll_age = strtod(p + 8, NULL);
}

/* "B of MAX bytes, messages F to L[ (full)]". */
static int
parse_spool(struct qinfo *q, const char *v)
{
	char max[32];
	const char *p;
	size_t n;

	if (num(v, &q->spool_bytes) < 0 || (p = strstr(v, " of ")) == NULL)
		return -1;
	p += 4;
	n = strcspn(p, " ");
	if (n == 0 || n >= sizeof(max))
		return -1;
	memcpy(max, p, n);
	max[n] = '\0';
	if (kw_size_bytes(max, &q->spool_max) < 0)
		return -1;
	if ((p = strstr(p, "messages ")) == NULL || num(p + 9,
	    &q->spool_first) < 0 || (p = strstr(p, " to ")) == NULL ||
	    num(p + 4, &q->spool_last) < 0)
		return -1;
	q->spool_full = strstr(p, "(full)") != NULL;
	q->has_spool = 1;
	return 0;
}

/* What the typed fields take from one line: 0, or -1 (not its form). */
static int
take(struct qinfo *q, const char *label, const char *v)
{
	uint64_t u;

	if (strcmp(label, "Status") == 0)
		strlcpy(q->status, v, sizeof(q->status));
	else if (strcmp(label, "Connected") == 0)
		q->connected = strcmp(v, "yes") == 0;
	else if (strcmp(label, "Connection changed") == 0)
		q->conn_changed = strtod(v, NULL);
	else if (strcmp(label, "Unacknowledged") == 0 ||
	    strcmp(label, "Unwritten") == 0) {
		if (num(v, &q->unacked) < 0)
			return -1;
		q->has_unacked = 1;
	} else if (strcmp(label, "Acknowledged") == 0) {
		if (num(v, &q->acked) < 0)
			return -1;
		q->has_acked = 1;
	} else if (strcmp(label, "curmsg") == 0)
		return num(v, &q->curmsg);
	else if (strcmp(label, "msgin") == 0)
		return num(v, &q->msgin);
	else if (strcmp(label, "msgout") == 0)
		return num(v, &q->msgout);
	else if (strcmp(label, "Total Data transferred") == 0)
		return num(v, &q->kbytes);
	else if (strcmp(label, "Last msgnum") == 0) {
		const char *p = strchr(v, '(');

		if (num(v, &u) < 0 || p == NULL)
			return -1;
		q->rate = strtod(p + 1, NULL);
	} else if (strcmp(label, "Spool") == 0)
		return parse_spool(q, v);
	else if (strcmp(label, "Txlog lag") == 0)
		parse_lag(q, v);
	else if (strcmp(label, "Txlog poll") == 0)
		parse_poll(q, v);
	else if (strcmp(label, "Pipe error") == 0 && strcmp(v, "none") != 0)
		strlcpy(q->pipe_error, v, sizeof(q->pipe_error));
	return 0;
}

int
qinfo_parse(const char *text, struct qinfo *q, struct errbuf *err)
{
	static const char *const need[] = { "Status", "Connected", "curmsg",
	    "Last msgnum", "Total Data transferred" };
	char *copy = xstrdup(text), *line, *next, *sep;
	size_t i;
	int first = 1, rc = -1;

	memset(q, 0, sizeof(*q));
	q->conn_changed = -1;
	for (line = copy; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '\0')
			continue;
		if ((sep = strstr(line, ": ")) == NULL) {
			errbuf_set(err, "line '%.60s' is not 'Label: value'",
			    line);
			goto done;
		}
		*sep = '\0';
		if (first) {
			char type[8];

			if (strcmp(line, "Server") != 0 ||
			    sscanf(sep + 2, "%63s (%7[A-Z]) pid %ld", q->name,
			    type, &q->pid) != 3) {
				errbuf_set(err, "its first line is not "
				    "'Server: NAME (TYPE) pid N'");
				goto done;
			}
			strlcpy(q->type, type, sizeof(q->type));
			first = 0;
			continue;
		}
		if (take(q, line, sep + 2) < 0) {
			errbuf_set(err, "line '%.40s: %.60s' is not in its form",
			    line, sep + 2);
			goto done;
		}
		q->lines = xreallocarray(q->lines, q->nlines + 1,
		    sizeof(*q->lines));
		q->lines[q->nlines].label = xstrdup(line);
		q->lines[q->nlines++].value = xstrdup(sep + 2);
	}
	if (first) {
		errbuf_set(err, "it is empty");
		goto done;
	}
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (qinfo_get(q, need[i]) == NULL) {
			errbuf_set(err, "it has no '%s' line", need[i]);
			goto done;
		}
	rc = 0;
done:
	free(copy);
	if (rc < 0)
		qinfo_free(q);
	return rc;
}

void
qinfo_free(struct qinfo *q)
{
	size_t i;

	for (i = 0; i < q->nlines; i++) {
		free(q->lines[i].label);
		free(q->lines[i].value);
	}
	free(q->lines);
	q->lines = NULL;
	q->nlines = 0;
}

static void
json_plain(struct json *j, const struct qinfo *q)
{
	const char *v;
	uint64_t u;
	size_t i;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if ((v = qinfo_get(q, plain[i].label)) == NULL)
			continue;
		json_key(j, plain[i].key);
		if (plain[i].kind == QK_YESNO)
			json_bool(j, strcmp(v, "yes") == 0);
		else if (plain[i].kind == QK_UINT && num(v, &u) == 0)
			json_uint(j, u);
		else
			json_string(j, v);
	}
}

void
qinfo_json(const struct qinfo *q, struct json *j)
{
	size_t i;

	json_object_begin(j);
	json_kv_string(j, "server", q->name);
	json_kv_string(j, "type", q->type);
	json_key(j, "pid");
	json_int(j, q->pid);
	json_key(j, "parameters");
	json_object_begin(j);
	for (i = 0; i < q->nlines; i++)
		if (is_parameter(q->lines[i].label))
			json_kv_string(j, q->lines[i].label, q->lines[i].value);
	json_object_end(j);
	json_plain(j, q);
	json_kv_uint(j, "total_kb", q->kbytes);
	json_kv_uint(j, "last_msgnum", q->curmsg);
	json_key(j, "msg_rate");
	json_fixed(j, q->rate, 1);
	json_key(j, "pipe_error");
	json_string(j, q->pipe_error[0] != '\0' ? q->pipe_error : NULL);
	json_key(j, "connection_changed_s");
	if (q->conn_changed >= 0)
		json_fixed(j, q->conn_changed, 0);
	else
		json_null(j);
	if (q->has_spool) {
		json_key(j, "spool");
		json_object_begin(j);
		json_kv_uint(j, "bytes", q->spool_bytes);
		json_kv_uint(j, "max_bytes", q->spool_max);
		json_kv_uint(j, "first", q->spool_first);
		json_kv_uint(j, "last", q->spool_last);
		json_kv_bool(j, "full", q->spool_full);
		json_object_end(j);
	}
	if (q->has_lag) {
		json_key(j, "txlog_lag");
		json_object_begin(j);
		json_key(j, "transactions");
		if (q->lag_known)
			json_uint(j, q->lag_tx);
		else
			json_null(j);
		json_key(j, "seconds");
		json_fixed(j, q->lag_s >= 0 ? q->lag_s : (double)NAN, 1);
		json_kv_string(j, "text", qinfo_get(q, "Txlog lag"));
		json_object_end(j);
	}
	if (q->has_poll) {
		json_key(j, "txlog_poll");
		json_object_begin(j);
		json_kv_bool(j, "failing", q->poll_failing);
		json_key(j, "last_seen_s");
		json_fixed(j, q->poll_age >= 0 ? q->poll_age : (double)NAN, 0);
		json_kv_string(j, "text", qinfo_get(q, "Txlog poll"));
		json_object_end(j);
	}
	/* Every line of the text form, as the server wrote it. */
	json_key(j, "fields");
	json_object_begin(j);
	for (i = 0; i < q->nlines; i++)
		json_kv_string(j, q->lines[i].label, q->lines[i].value);
	json_object_end(j);
	json_object_end(j);
}
