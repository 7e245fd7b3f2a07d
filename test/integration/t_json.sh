#!/bin/bash
# t_json.sh — status --json and query --json (issue 12, item 2): real
# output of input and output servers, running and not, validated
# against doc/status.schema.json and doc/query.schema.json (JSON Schema
# 2020-12, python3-jsonschema); a wrong document is rejected (so that
# the validation can fail); every field of the text forms is there
# with the same value; strings are escaped (a quote, a backslash, a
# space and UTF-8 in a pipe's path and a trace); the text forms are
# unchanged.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
VALID="$SRC/test/tools/json_valid.py"
python3 -c 'import jsonschema' 2>/dev/null ||
    skip "python3-jsonschema is not installed (scripts/deps.sh)"

# valid SCHEMA FILE: the document is valid (else fail, with why).
valid()
{
	python3 "$VALID" "$SRC/doc/$1.schema.json" "$2" 2>"$TMP/why" ||
	    fail "$2 is not a valid $1 document: $(cat "$TMP/why"): $(head -c 600 "$2")"
}

# invalid SCHEMA PYTHON-EXPR FILE: the document changed by the
# expression (on d) must be rejected.
invalid()
{
	python3 - "$3" "$TMP/bad.json" "$2" <<'PY' || fail "cannot change $3"
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PY
	python3 "$VALID" "$SRC/doc/$1.schema.json" "$TMP/bad.json" 2>/dev/null
	[ $? = 1 ] || fail "the $1 schema takes a wrong document ($2)"
}

# jget FILE EXPR: a member of the document, printed.
jget()
{
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# An empty home: no server.
mkdir -m 0700 "$TMP/home"
expect_rc 0 ts status --json
cp "$OUT" "$TMP/empty.json"
valid status "$TMP/empty.json"
[ "$(jget "$TMP/empty.json" 'len(d["servers"])')" = 0 ] || fail "servers in an empty home"

two_homes
# Escaping: a second input server whose pipe has a quote, a backslash,
# a space and UTF-8, and a trace (drain) that names it.
odd=$'q"b\\s t\xc3\xa9'
mkfifo -m 0660 "$TMP/$odd"
expect_rc 0 tb setup server=odd servertype=IN port="$(free_port)" pipe="$TMP/$odd"
expect_rc 0 tb drain server=odd '(Q'
# Not running: status of both homes.
for h in a b; do
	expect_rc 0 t$h status --json
	cp "$OUT" "$TMP/st_$h.json"
	valid status "$TMP/st_$h.json"
done
[ "$(jget "$TMP/st_b.json" '[s["pipe"] for s in d["servers"] if s["server"]=="odd"][0]')" = "$TMP/$odd" ] ||
    fail "the pipe's path did not come back whole from the JSON"
jget "$TMP/st_b.json" '[s["message"] for s in d["servers"] if s["server"]=="odd"][0]' |
    grep -Fq "from $TMP/$odd into" || fail "the trace did not come back whole"
grep -Fq 'q\"b\\s t' "$TMP/st_b.json" || fail "quote and backslash not escaped as \\\" and \\\\"
[ "$(jget "$TMP/st_a.json" 'd["servers"][0]["id"]')" = None ] || fail "id of a stopped server"
# Wrong documents are rejected.
invalid status 'd["servers"][0]["state"]="X"' "$TMP/st_a.json"
invalid status 'del d["servers"][0]["message"]' "$TMP/st_a.json"
invalid status 'd["servers"][0]["port"]="23000"' "$TMP/st_a.json"
invalid status 'd["extra"]=1' "$TMP/st_a.json"

expect_rc 0 tb start
expect_rc 0 ta start
connected() { qfield "$HA" Connected | grep -q yes; }
wait_for 20 "the pair to connect" connected
printf 'some data\n' >"$TMP/one"
stream "$TMP/one"
for h in a b; do
	expect_rc 0 t$h status --json
	cp "$OUT" "$TMP/st_$h.json"
	valid status "$TMP/st_$h.json"
	expect_rc 0 t$h query --json
	cp "$OUT" "$TMP/q_$h.json"
	valid query "$TMP/q_$h.json"
	[ "$(wc -l <"$TMP/q_$h.json")" = 1 ] || fail "query --json is not one line"
	# Every line of the text form, with its value (those that do not
	# move between two queries).
	expect_rc 0 t$h query
	sed -n '2,$p' "$OUT" | grep -v -e '^Last msgnum:' -e '^Connection changed:' \
	    -e '^Txlog' -e '^msgin:' -e '^msgout:' >"$TMP/text_$h"
	python3 - "$TMP/q_$h.json" "$TMP/text_$h" <<'PY' || fail "query --json of $h differs from its text"
import json, sys
d = json.load(open(sys.argv[1]))
for line in open(sys.argv[2]):
    label, value = line.rstrip("\n").split(": ", 1)
    if d["fields"].get(label) != value:
        sys.exit(f"{label}: text {value!r}, json {d['fields'].get(label)!r}")
PY
done
[ "$(jget "$TMP/q_a.json" 'd["type"], d["connected"], d["curmsg"] >= 1, d["spool"]["max_bytes"]')" = "('OUT', True, True, 1073741824)" ] ||
    fail "query --json of the output server: $(cat "$TMP/q_a.json")"
[ "$(jget "$TMP/q_b.json" 'd["type"], d["unwritten"], d["parameters"]["listen"]')" = "('IN', 0, '127.0.0.1')" ] ||
    fail "query --json of the input server: $(cat "$TMP/q_b.json")"
[ "$(jget "$TMP/st_a.json" 'd["servers"][0]["running"], d["servers"][0]["id"], d["servers"][0]["type"]')" = "(True, $(daemon_pid "$HA"), 's')" ] ||
    fail "status --json of the output server: $(cat "$TMP/st_a.json")"
invalid query 'd["connected"]="yes"' "$TMP/q_a.json"
invalid query 'del d["fields"]["Status"]' "$TMP/q_a.json"
invalid query 'd["unwritten"]=0' "$TMP/q_a.json"
invalid query 'd["status"]="Dancing"' "$TMP/q_b.json"
invalid query 'del d["lost"]' "$TMP/q_b.json"

# The text forms did not change: status's columns, query's lines.
expect_rc 0 ta status
expect_out '^id      Server     T Pipe                 Host            Port  S Time     Date       Message$'
expect_out "^[0-9]+ +default +s $FIFO_OUT 127\.0\.0\.1 +$PORT R "
expect_rc 0 ta query
expect_out '^Server: default \(OUT\) pid [0-9]+$'
expect_no_out '^[{]'
# Not running: query --json says so as query does, and prints no JSON.
expect_rc 0 tb stop '(Q'
expect_rc 1 tb query --json
expect_err "not running"
[ -s "$OUT" ] && fail "query --json of a stopped server printed something"
expect_rc 1 ta status --json server=nope
expect_err "not set up"
exit 0
