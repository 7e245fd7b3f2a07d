#!/bin/bash
# t_shutdown.sh — shutdown on the output side stops both servers of a
# connected pair: the SHUTDOWN that goes just before the connection's
# close is read and obeyed by the input server (it used to see the
# close first and wait for the next call).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

two_homes
backup_reader "$TMP/got"
expect_rc 0 tb start
expect_rc 0 ta start
connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
wait_for 20 "both connected" connected
printf 'one block\n' >"$FIFO_OUT"
delivered() { [ "$(qfield "$HA" Acknowledged)" = 2 ] 2>/dev/null ||
    [ "$(qfield "$HB" curmsg)" = 2 ]; }
wait_for 20 "the block and its mark delivered" delivered
expect_rc 0 ta shutdown '(Q'
b_gone() { ! is_running "$HB"; }
wait_for 20 "b to stop on the shutdown" b_gone
last_trace_is "$HB" "Stop on req" || fail "b's last trace is not Stop on req"
grep -q "Remote shtdwn" "$HB/ts.log,log" || fail "b did not trace Remote shtdwn"
[ "$(cat "$TMP/got")" = "one block" ] || fail "the block did not arrive"
exit 0
