#!/bin/bash
# t_status_letters.sh — the S column of status and the (S option as
# the man page has them (issue 10, section 2): a server killed from
# outside shows L (logoff), not R nor S; E after a fatal end, whose
# last trace is "Stopped"; start '(S' compares no clocks, a start
# without it does, on both sides.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

two_homes

connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
not_running() { ! is_running "$1"; }
clock_traces() { grep -c 'Clock of default: offset' "$1/ts.log,log" 2>/dev/null || true; }
# s_col HOME: the S column (output servers have a host column).
s_col() { TAPESOCK_HOME="$1" "$BIN/tape-socket" status 2>/dev/null |
    awk '$2 == "default" { print ($3 == "s" ? $7 : $6) }'; }

# --- (S: no clock compared ------------------------------------------------------

expect_rc 0 tb start '(S'
expect_rc 0 ta start '(S'
wait_for 10 "both connected" connected
sleep 1
for h in "$HA" "$HB"; do
	[ "$(clock_traces "$h")" = 0 ] ||
	    fail "$h: started with (S, the clocks were compared: $(grep 'Clock of' "$h/ts.log,log")"
done
[ "$(s_col "$HA")" = R ] || fail "a: S is '$(s_col "$HA")' while it runs"
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
[ "$(s_col "$HA")" = C ] || fail "a: S is '$(s_col "$HA")' after a stop on request"

# Without (S both sides trace the peer's clock at the connection.
expect_rc 0 tb start
expect_rc 0 ta start
wait_for 10 "both connected" connected
for h in "$HA" "$HB"; do
	wait_for 5 "$h to trace the peer's clock" \
	    test "$(clock_traces "$h")" -ge 1
done

# --- L: killed from outside -------------------------------------------------------

pb=$(daemon_pid "$HB") || fail "b has no pid file"
kill -KILL "$pb"
wait_for 10 "b to be gone" not_running "$HB"
[ "$(s_col "$HB")" = L ] || fail "b killed: S is '$(s_col "$HB")', not L"
expect_rc 0 ts status
expect_no_out "[[:space:]]Q[[:space:]]"

# --- E: a fatal end, "Stopped" after its cause ---------------------------------

expect_rc 0 ta stop '(Q'
expect_rc 0 ta setarg callrep=2
expect_rc 0 ta start
wait_for 15 "a to give up after 2 calls" not_running "$HA"
[ "$(s_col "$HA")" = E ] || fail "a: S is '$(s_col "$HA")' after Too many errors"
last_trace_is "$HA" "Stopped" || fail "a: the last trace is not 'Stopped'"
grep -E ' (Too many errors|Stopped): ' "$HA/ts.log,log" | tail -n 2 |
    tr '\n' ' ' | grep -Eq 'Too many errors: .*Stopped: ' ||
    fail "a: 'Stopped' does not follow 'Too many errors'"
exit 0
