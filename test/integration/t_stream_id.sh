#!/bin/bash
# t_stream_id.sh — the input server's refusals (RELIABILITY.md line 5),
# each with its explicit trace, driven by tsfake, a scripted output
# server: a number that goes back (discarded, "Seq error n"), a foreign
# stream ("Stream mismatch"), a SYNC backwards ("Bad msg num"), and a
# jump over messages never received ("Lost msg=n") under each lost=
# policy: stop (the default: S = E, the server ends), refuse (ERROR,
# close, keep listening), accept (counted in query's Lost, persisted).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

[ -x "$BIN/tsfake" ] || skip "no $BIN/tsfake (make $BIN/tsfake)"

STREAM=00112233445566778899aabbccddeeff
OTHER=ffeeddccbbaa99887766554433221100
two_homes
PLOG="$HB/ts.log,log"

fake() { TSFAKE_HOME=$HA "$BIN/tsfake" "$PORT" "$@"; }
logged() { grep -Fq -- "$1" "$PLOG"; }
expect_logged() { logged "$1" || fail "b's log has no '$1'"; }
not_running() { ! is_running "$HB"; }

# The reader holds its pipe read-write: restarts are no end of file.
backup_reader "$TMP/got"
got_lines() { [ "$(wc -l <"$TMP/got")" -ge "$1" ]; }

expect_rc 0 tb start

# --- a new stream is adopted; 1 2 3 written and acknowledged ---------------

expect_rc 0 fake "$STREAM" 1 data:1 data:2 data:3
expect_out "^HELLO_ACK last=0$"
expect_out "^ACK 3$"
wait_for 10 "3 messages at the reader" got_lines 3

# --- back: a number already written is discarded, not written twice --------

expect_rc 0 fake "$STREAM" 2 data:2 data:3 data:4
expect_out "^HELLO_ACK last=3$"
expect_out "^ACK 4$"
expect_no_out "^ERROR"
expect_logged "Seq error 2"
expect_logged "Seq error 3"
wait_for 10 "message 4 at the reader" got_lines 4

# --- a foreign stream is refused ---------------------------------------------

expect_rc 0 fake "$OTHER" 1 data:1
expect_out "^ERROR stream mismatch$"
expect_out "^CLOSED$"
expect_logged "Stream mismatch: mine $STREAM, peer $OTHER"
[ "$(qfield "$HB" curmsg)" = 4 ] || fail "curmsg moved after a mismatch"

# --- a SYNC that would go back is refused -------------------------------------

expect_rc 0 fake "$STREAM" 5 sync:2
expect_out "^ERROR SYNC would go backwards$"
expect_logged "Bad msg num '2'"

# --- a jump, lost=stop (the default): the input server stops, S = E ----------

expect_rc 0 fake "$STREAM" 5 data:7
expect_out "^ERROR messages lost"
expect_logged "Lost msg=7"
expect_logged "Messages 5 to 6 missing: stopped (lost=stop)"
wait_for 10 "the input server to stop" not_running
expect_rc 0 tb status
# Its last trace is the manual's "Stopped", after the one saying why.
expect_out "[[:space:]]default[[:space:]]+r .* E .*[0-9]+ Stopped\$"
grep -E ' (Messages 5 to 6 missing|Stopped): ' "$HB/ts.log,log" | tail -n 2 |
    tr '\n' ' ' | grep -Eq 'Messages 5 to 6 missing: .*Stopped: ' ||
    fail "'Stopped' does not follow 'Messages 5 to 6 missing'"

# --- lost=refuse: refused, closed, still listening ----------------------------

expect_rc 0 tb setarg lost=refuse
expect_rc 0 tb start
expect_rc 0 fake "$STREAM" 5 data:7
expect_out "^ERROR messages lost: refused"
expect_logged "Messages 5 to 6 missing: refused (lost=refuse)"
is_running "$HB" || fail "lost=refuse stopped the input server"
# The missing one comes: the stream goes on.
expect_rc 0 fake "$STREAM" 5 data:5
expect_out "^ACK 5$"
wait_for 10 "message 5 at the reader" got_lines 5

# --- lost=accept: the jump is taken, the loss counted and kept ---------------

expect_rc 0 tb stop '(Q'
expect_rc 0 tb setarg lost=accept
expect_rc 0 tb start
expect_rc 0 fake "$STREAM" 9 data:9 data:10
expect_out "^ACK 10$"
expect_logged "Messages 6 to 8 missing: accepted as lost (lost=accept)"
[ "$(qfield "$HB" Lost)" = 3 ] || fail "query Lost is '$(qfield "$HB" Lost)', not 3"
[ "$(qfield "$HB" curmsg)" = 10 ] || fail "curmsg is not 10 after the jump"
expect_rc 0 tb stop '(Q'
expect_rc 0 tb start
[ "$(qfield "$HB" Lost)" = 3 ] || fail "the Lost count was not kept across a restart"
wait_for 10 "7 messages at the reader" got_lines 7
expect_rc 0 tb stop '(Q'

printf 'msg %s\n' 1 2 3 4 5 9 10 >"$TMP/want"
cmp -s "$TMP/want" "$TMP/got" ||
    fail "the reader got: $(tr '\n' ' ' <"$TMP/got")"
exit 0
