#!/bin/bash
# t_put.sh — put (issue 11, item 7): one tape file with its end known.
# 200 files written back to back by separate processes, each through
# put, arrive on B as 200 files, each identical to one sent; put exits
# 0 only once the input server has written its file and mark; put on a
# server that is not running, or not OUT, exits 1.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

two_homes
expect_rc 1 ta put file=/dev/null
expect_err "not running"
expect_rc 0 tb start
expect_rc 0 ta start
expect_rc 1 tb put file=/dev/null
expect_err "IN"
mkdir "$TMP/src" "$TMP/dst"
for i in $(seq 1 200); do
	head -c $((RANDOM % 3000 + 1)) /dev/urandom >"$TMP/src/f$i"
done
# B: a reader per tape file, 200 of them in turn.
(
	for i in $(seq 1 200); do
		cat "$FIFO_IN" >"$TMP/dst/g$i"
	done
) &
reader=$!
track $reader
# A: 200 separate processes at once, each one put.
pids=""
for i in $(seq 1 200); do
	ta put file="$TMP/src/f$i" '(Q' 2>>"$TMP/put.err" &
	pids="$pids $!"
done
for p in $pids; do
	wait "$p" || fail "a put failed: $(head -3 "$TMP/put.err")"
done
wait_bg() { ! kill -0 "$reader" 2>/dev/null; }
wait_for 100 "the reader to read 200 files" wait_bg
(cd "$TMP/src" && sha256sum -- * | cut -d' ' -f1 | sort) >"$TMP/sent"
(cd "$TMP/dst" && sha256sum -- * | cut -d' ' -f1 | sort) >"$TMP/got"
cmp -s "$TMP/sent" "$TMP/got" ||
    fail "B's 200 files are not the 200 sent ($(comm -3 "$TMP/sent" "$TMP/got" | wc -l) differ)"
# From standard input, and its answer.
printf 'from stdin\n' >"$TMP/one"
( cat "$FIFO_IN" >"$TMP/dst/stdin" ) &
track $!
expect_rc 0 ta put <"$TMP/one"
expect_out "^standard input: 11 bytes, tape mark [0-9]+ written by the input server$"
wait_for 10 "the stdin file" test -s "$TMP/dst/stdin"
cmp -s "$TMP/one" "$TMP/dst/stdin" || fail "put from standard input differs"
exit 0
