#!/bin/bash
# t_heartbeat.sh — configurable heartbeats (hbint, hbtimeout): values
# that do not go together are refused at setup and at start; a peer
# stopped with SIGSTOP is detected within hbtimeout by either side
# ("Peer silent for n s", query's Heartbeat timeouts), the pair
# reconnects after SIGCONT, and the stream goes on, exactly once.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

two_homes

# --- validation: hbtimeout at least twice hbint -------------------------

cp "$HB/tapesock.yaml" "$TMP/before.yaml"
expect_rc 2 tb setarg hbint=5 hbtimeout=9
expect_err_oneline
expect_err_has "hbtimeout=9 is less than twice hbint=5"
expect_rc 2 tb setarg hbint=11
expect_err_has "at least 22"
cmp -s "$HB/tapesock.yaml" "$TMP/before.yaml" ||
    fail "a refused setarg changed the configuration"
expect_rc 2 tb setarg hbint=0
expect_rc 2 tb setarg hbtimeout=1
# A file edited by hand is refused when read, start included.
sed -i -e 's/^    hbint: .*/    hbint: 9/' \
    -e 's/^    hbtimeout: .*/    hbtimeout: 10/' "$HB/tapesock.yaml"
expect_rc 1 tb start
expect_err_has "hbtimeout=10 is less than twice hbint=9"
cp "$TMP/before.yaml" "$HB/tapesock.yaml"

expect_rc 0 tb setarg hbint=1 hbtimeout=3
expect_rc 0 ta setarg hbint=1 hbtimeout=3
expect_rc 0 tb start
expect_rc 0 ta start
expect_rc 0 ta query
expect_out "^hbint: 1$"
expect_out "^hbtimeout: 3$"
expect_out "^Heartbeat timeouts: 0$"

connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
logged() { grep -Fq -- "$2" "$1/ts.log,log"; }
q_is() { [ "$(qfield "$1" "$2")" = "$3" ]; }

seq 1 20000 >"$TMP/f1"
stream "$TMP/f1"
wait_for 10 "both connected" connected

# --- the input server stopped: the output server notices ------------------

pb=$(daemon_pid "$HB")
kill -STOP "$pb"
t0=$SECONDS
wait_for 10 "a to trace 'Peer silent for 3 s'" logged "$HA" "Peer silent for 3 s"
[ $((SECONDS - t0)) -le 6 ] ||
    fail "the silence took $((SECONDS - t0)) s to be noticed (hbtimeout=3)"
wait_for 5 "a's query to count the timeout" q_is "$HA" "Heartbeat timeouts" 1
[ "$(qfield "$HA" Connected)" = no ] || fail "a still says Connected while b is stopped"
kill -CONT "$pb"
wait_for 20 "the pair to reconnect after SIGCONT" connected
seq 20001 40000 >"$TMP/f2"
stream "$TMP/f2"

# --- the output server stopped: the input server notices ------------------

# (b may have traced a silence already: when it came back from its own
# SIGSTOP, a had been silent for it too.  Wait for a new one.)
silences() { grep -Fc -- "Peer silent for 3 s" "$1/ts.log,log"; }
more_silences() { [ "$(silences "$1")" -gt "$2" ]; }
nb=$(silences "$HB")
pa=$(daemon_pid "$HA")
kill -STOP "$pa"
t0=$SECONDS
wait_for 10 "b to trace 'Peer silent for 3 s'" more_silences "$HB" "$nb"
[ $((SECONDS - t0)) -le 6 ] ||
    fail "the silence took $((SECONDS - t0)) s to be noticed (hbtimeout=3)"
[ "$(qfield "$HB" "Heartbeat timeouts")" -ge 1 ] || fail "b's query counts no timeout"
[ "$(qfield "$HB" Connected)" = no ] || fail "b still says Connected while a is stopped"
kill -CONT "$pa"
wait_for 20 "the pair to reconnect after SIGCONT" connected
seq 40001 60000 >"$TMP/f3"
stream "$TMP/f3"

expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
