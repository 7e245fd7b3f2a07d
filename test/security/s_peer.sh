#!/bin/bash
# s_peer.sh — a peer that holds the pair key and still misbehaves
# (issue 9, attacks of section 3 and 4): the key keeps strangers out
# (s_auth.sh), the input server's own checks must hold against a
# stolen key or a broken output server.  tsfake, proven with the key of
# b, plays it on 127.0.0.1:
#   1. a HELLO with a stream of zeros is refused, nothing adopted;
#   2. a SYNC far past what the sender holds is refused, and the real
#      stream goes on afterwards (it is not refused for good);
#   3. peer text with terminal escape sequences reaches neither the
#      logs nor status as such;
#   4. 20,000 duplicate DATA frames: nothing written twice, the trace
#      of them summed up, the server still answering at once;
#   5. 200,000 heartbeats never read back: a few answers, no memory
#      growth, no dropped stream;
#   6. rshut=OFF: a SHUTDOWN from the peer does not stop the server
#      (and with rshut=ON the same SHUTDOWN does: the check can fail).
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

[ -x "$BIN/tsfake" ] || skip "no $BIN/tsfake (make $BIN/tsfake)"

two_homes
export TSFAKE_HOME="$HB"
S=00112233445566778899aabbccddeeff
plog() { cat "$HB"/ts.log,log 2>/dev/null; }
count() { plog | grep -ac -- "$1"; }
state_sum() { { cksum <"$HB/default.state"; } 2>/dev/null || echo none; }
fake() { "$BIN/tsfake" "$PORT" "$@"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
b_pid() { tr -dc 0-9 <"$HB/default.pid"; }
not_running_b() { ! is_running "$HB"; }

backup_reader "$TMP/got"
expect_rc 0 tb start

# --- 1. a stream of zeros ----------------------------------------------------
state0=$(state_sum)
expect_rc 0 fake 00000000000000000000000000000000 0 data:1
expect_out "ERROR no stream identity"
expect_no_out "ACK 1"
[ "$(count "Stream of zeros from 'default' refused")" -ge 1 ] ||
    fail "no trace of the stream of zeros refused"
[ "$(state_sum)" = "$state0" ] || fail "b's state changed for a stream of zeros"
[ -s "$TMP/got" ] && fail "a stream of zeros wrote into the backup pipe"

# --- 2. a SYNC past what the sender holds ------------------------------------
expect_rc 0 fake "$S" 0 data:1
expect_out "ACK 1"
wait_for 10 "msg 1 in the backup pipe" grep -qx "msg 1" "$TMP/got"
expect_rc 0 fake "$S" 2 sync:9223372036854775807
expect_out "ERROR SYNC beyond what the sender holds"
expect_rc 0 fake "$S" 2 data:2
expect_out "ACK 2"
wait_for 10 "msg 2 in the backup pipe" grep -qx "msg 2" "$TMP/got"

# --- 3. peer text with escape sequences --------------------------------------
expect_rc 0 fake "$S" 3 error:7
wait_for 10 "the peer's ERROR in b's log" eval 'plog | grep -aFq "evil 7"'
plog | grep -aq $'\x1b' && fail "an escape sequence of the peer reached the log"
plog | grep -aFq '\033[2J' || fail "the peer's text is not shown escaped"
tb status >"$TMP/status" 2>&1
grep -aq $'\x1b' "$TMP/status" && fail "an escape sequence reached status"
grep -aq $'\x1b' "$HB/ts.log" 2>/dev/null &&
    fail "an escape sequence reached the trace ring"

# --- 4. 20,000 duplicates ----------------------------------------------------
before=$(count "Seq error")
expect_rc 0 fake "$S" 3 data:2 repeat:19999
expect_out "ACK 2"
expect_no_out "CLOSED"
wait_for 10 "the duplicates summed up in b's log" \
    eval 'plog | grep -aq "(TS, 40) repeated [0-9]* more times"'
n=$(($(count "Seq error") - before))
[ "$n" -le 100 ] || fail "$n traces for 20,000 duplicates: not rate-limited"
[ "$(grep -cx "msg 2" "$TMP/got")" = 1 ] || fail "a duplicate was written twice"
[ "$(wc -l <"$TMP/got")" = 2 ] || fail "the backup pipe holds more than msg 1, 2"
expect_rc 0 timeout 5 env TAPESOCK_HOME="$HB" "$BIN/tape-socket" query

# --- 5. a heartbeat flood that reads nothing ---------------------------------
pid=$(b_pid)
hwm0=$(hwm_kib "$pid")
expect_rc 0 fake "$S" 3 hb:1 repeat:199999
acks=$(grep -c "HEARTBEAT_ACK" "$OUT")
[ "$acks" -le 30 ] || fail "$acks answers to a flood of heartbeats"
hwm1=$(hwm_kib "$pid")
[ "$hwm1" -le $((hwm0 + 16384)) ] ||
    fail "b grew from $hwm0 to $hwm1 KiB for a heartbeat flood"
is_running "$HB" || fail "b stopped for a heartbeat flood"
expect_rc 0 fake "$S" 3 data:3
expect_out "ACK 3"

# --- 6. SHUTDOWN and rshut ----------------------------------------------------
expect_rc 0 tb stop wait=0 '(Q'
wait_for 10 "b to stop" not_running_b
expect_rc 0 tb setarg rshut=OFF
expect_rc 0 tb start
expect_rc 0 fake "$S" 4 shutdown:0
wait_for 10 "the refused shutdown in b's log" \
    eval 'plog | grep -aq "Remote shtdwn refused (rshut=OFF)"'
sleep 1
is_running "$HB" || fail "a SHUTDOWN stopped b under rshut=OFF"
# The control: the same request under rshut=ON stops it.
expect_rc 0 tb stop wait=0 '(Q'
wait_for 10 "b to stop" not_running_b
expect_rc 0 tb setarg rshut=ON
expect_rc 0 tb start
expect_rc 0 fake "$S" 4 shutdown:0
wait_for 10 "b to obey the SHUTDOWN under rshut=ON" not_running_b
exit 0
