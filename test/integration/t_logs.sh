#!/bin/bash
# t_logs.sh — what a drain leaves in the logs: a permanent log that
# parses, and a trace that status shows on the line of the server.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

PLOG="$TAPESOCK_HOME/ts.log,log"
F1=$(mkpipe f1)
F2=$(mkpipe f2)

expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1"
expect_rc 0 ts setup server=out1 servertype=OUT host=backup port=3000 \
    pipe="$F2"

# Nothing logged yet: status shows no trace.
expect_rc 0 ts status
expect_no_out '[Dd]rain'

# 1234 bytes waiting in the pipe of the default server.
head -c 1234 /dev/urandom >"$TMP/data"
exec 3<>"$F1"
cat "$TMP/data" >&3
expect_rc 0 ts drain '(Q'
exec 3>&-

# --- the permanent log --------------------------------------------------

[ -f "$PLOG" ] || fail "drain did not write $PLOG"
plog_records "$PLOG" >"$TMP/records" || exit 99
[ "$(wc -l <"$TMP/records")" = 1 ] ||
    fail "one drain, $(wc -l <"$TMP/records") records: $(cat "$PLOG")"
grep -Eq "^CLI [0-9]+ NOTICE .*1234.*$F1" "$TMP/records" ||
    fail "the record does not tell the drain of 1234 bytes of $F1: $(cat "$PLOG")"

# --- status: the last trace of the server that was drained ---------------

DATE='[0-9]{4}-[0-9]{2}-[0-9]{2}'
TIME='[0-9]{2}:[0-9]{2}:[0-9]{2}'
expect_rc 0 ts status
expect_empty_err
grep -E "[[:space:]]default[[:space:]]" "$OUT" >"$TMP/line" ||
    fail "status has no line for default"
grep -Eq "[[:space:]]${TIME}[[:space:]]+${DATE}[[:space:]].*[Dd]rain.*1234" "$TMP/line" ||
    fail "status does not show the drain on the line of default: $(cat "$TMP/line")"
grep -E "[[:space:]]out1[[:space:]]" "$OUT" | grep -q '[Dd]rain' &&
    fail "status shows the drain of default on the line of out1"
expect_rc 0 ts status server=default
expect_out "[Dd]rain.*1234"

# A second drain of the other server: both logs grow, each line shows
# its own.
exec 3<>"$F2"
printf 'abc' >&3
expect_rc 0 ts drain server=out1 '(Q'
exec 3>&-
plog_records "$PLOG" >"$TMP/records" || exit 99
[ "$(wc -l <"$TMP/records")" = 2 ] ||
    fail "two drains, $(wc -l <"$TMP/records") records: $(cat "$PLOG")"
expect_rc 0 ts status
grep -E "[[:space:]]out1[[:space:]]" "$OUT" | grep -Eq '[Dd]rain[^0-9]*3([^0-9]|$)' ||
    fail "status does not show the drain of out1: $(cat "$OUT")"
grep -E "[[:space:]]default[[:space:]]" "$OUT" | grep -q '1234' ||
    fail "the drain of out1 hid the trace of default: $(cat "$OUT")"

# --- the ring: trace=N entries at least, bounded past them ----------------

# Many drains of out1 with trace=2: ts.log is appended, then compacted
# by whoever finds its server's entries well past trace= (64 at least);
# the last two are those of the last two drains, in order.
expect_rc 0 ts setarg server=out1 trace=2
i=0
while [ $i -lt 150 ]; do
	exec 3<>"$F2"
	printf '%*s' $((i + 1)) '' >&3
	ts drain server=out1 '(Q' >/dev/null 2>&1 || fail "drain $i failed"
	exec 3>&-
	i=$((i + 1))
done
RING="$TAPESOCK_HOME/ts.log"
n=$(awk -F '\t' '$3 == "out1"' "$RING" | wc -l)
[ "$n" -ge 2 ] && [ "$n" -le 130 ] ||
    fail "trace=2, 150 drains: $n entries of out1 in ts.log"
awk -F '\t' '$3 == "out1" { print $9 }' "$RING" | tail -n 2 |
    grep -Eo 'Drained [0-9]+' >"$TMP/last2"
printf 'Drained 149\nDrained 150\n' | cmp -s - "$TMP/last2" ||
    fail "the last two entries of out1: $(cat "$TMP/last2")"
[ "$(awk -F '\t' '$3 == "default"' "$RING" | wc -l)" -ge 1 ] ||
    fail "the compactions of out1 dropped the trace of default"
[ ! -e "$RING.new" ] && [ ! -e "$RING.claim" ] ||
    fail "a compaction left $RING.new or $RING.claim behind"
expect_rc 0 ts status server=out1
expect_out "Drained 150 "

exit 0
