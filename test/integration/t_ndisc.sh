#!/bin/bash
# t_ndisc.sh — ndisc and the notifications of an outage (issue 10,
# section 2): either server stops past ndisc broken links ("Too many
# disc", then "Stopped", S = E, its SA message), the breaks of its own
# stop not counted; and an outage that began at start-up (the output
# server started while the input server is down) ends with
# "Communication to host is re-established." and "Network Back On
# Line.", since "Network is disconnected" was told.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

two_homes

NOTIFIED="$TMP/notified"
: >"$NOTIFIED"
cat >"$TMP/notify.sh" <<EOS
#!/bin/sh
printf '%s\n' "\$*" >>"$NOTIFIED"
EOS
chmod +x "$TMP/notify.sh"
MSG_DISC="Network is disconnected. Re-trying to call host"
MSG_REEST="Communication to host is re-established."
MSG_BACK="Network Back On Line."
MSG_IN_ERR="Input Server stopped due to an error."
MSG_OUT_ERR="Output Server stopped due to an error."
notified() { grep -cxF -- "$1" "$NOTIFIED"; }
notified_is() { [ "$(notified "$1")" = "$2" ]; }
logged() { grep -Fq -- "$2" "$1/ts.log,log"; }
connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
not_running() { ! is_running "$1"; }
# s_col HOME: the S column of status (the 7th field of an output
# server, whose host is never empty; the 6th of an input server).
s_col() { TAPESOCK_HOME="$1" "$BIN/tape-socket" status 2>/dev/null |
    awk '$2 == "default" { print ($3 == "s" ? $7 : $6) }'; }

# --- an outage from start-up -----------------------------------------------

expect_rc 0 ta setarg notify="exec $TMP/notify.sh"
expect_rc 0 tb setarg notify="exec $TMP/notify.sh"
expect_rc 0 ta start
wait_for 15 "'$MSG_DISC' (the third failed call)" notified_is "$MSG_DISC" 1
notified_is "$MSG_REEST" 0 || fail "re-established before b was up"
expect_rc 0 tb start
wait_for 10 "both connected" connected
wait_for 10 "'$MSG_REEST'" notified_is "$MSG_REEST" 1
wait_for 10 "'$MSG_BACK'" notified_is "$MSG_BACK" 1
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'

# --- the input server: ndisc=1 ------------------------------------------------

: >"$NOTIFIED"
expect_rc 0 tb setarg ndisc=1
expect_rc 0 tb start
expect_rc 0 ta start
wait_for 10 "both connected" connected
# Its own stop is no break it counts.
expect_rc 0 tb stop '(Q'
expect_rc 0 tb start
wait_for 10 "both connected again" connected
expect_rc 0 ta stop '(Q'		# break 1 of b: tolerated
is_running "$HB" || fail "b stopped at its first break with ndisc=1"
logged "$HB" "Too many disc" && fail "b: Too many disc at the first break"
expect_rc 0 ta start
wait_for 10 "both connected again" connected
expect_rc 0 ta stop '(Q'		# break 2: one too many
wait_for 10 "b to stop past ndisc=1" not_running "$HB"
logged "$HB" "Too many disc" || fail "b did not trace 'Too many disc'"
last_trace_is "$HB" "Stopped" || fail "b: the last trace is not 'Stopped'"
[ "$(s_col "$HB")" = E ] || fail "b: S is '$(s_col "$HB")', not E"
wait_for 5 "'$MSG_IN_ERR'" notified_is "$MSG_IN_ERR" 1
grep -n 'Too many disc\|Stopped' "$HB/ts.log,log" | tail -n 2 |
    grep -q 'Stopped' || fail "b: 'Stopped' does not follow 'Too many disc'"

# --- the output server: ndisc=1 -----------------------------------------------

: >"$NOTIFIED"
expect_rc 0 tb setarg ndisc=0
expect_rc 0 ta setarg ndisc=1
expect_rc 0 tb start
expect_rc 0 ta start
wait_for 10 "both connected" connected
expect_rc 0 tb stop '(Q'		# break 1 of a
expect_rc 0 tb start
wait_for 15 "both connected again" connected
is_running "$HA" || fail "a stopped at its first break with ndisc=1"
expect_rc 0 tb stop '(Q'		# break 2
wait_for 10 "a to stop past ndisc=1" not_running "$HA"
logged "$HA" "Too many disc" || fail "a did not trace 'Too many disc'"
last_trace_is "$HA" "Stopped" || fail "a: the last trace is not 'Stopped'"
[ "$(s_col "$HA")" = E ] || fail "a: S is '$(s_col "$HA")', not E"
wait_for 5 "'$MSG_OUT_ERR'" notified_is "$MSG_OUT_ERR" 1
exit 0
