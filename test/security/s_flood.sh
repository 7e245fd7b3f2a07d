#!/bin/bash
# s_flood.sh — connections that never prove anything (issue 9, section
# 4: sshd's LoginGraceTime and MaxStartups).  With a pair linked and
# delivering, four connections to the input server's port that say
# nothing hold every slot of the proof; the fifth is refused at once,
# with the peer's address in the log; the four are closed once their
# grace time (10 s) is over; and all along the proven link delivers.
# 127.0.0.1 only.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

two_homes
plog() { cat "$HB"/ts.log,log 2>/dev/null; }
count() { plog | grep -ac -- "$1"; }
got() { grep -qx -- "$1" "$TMP/got" 2>/dev/null; }

backup_reader "$TMP/got"
expect_rc 0 tb start
expect_rc 0 ta start
# The tape process: one line now, more on request, the pipe held open.
exec {W}<>"$FIFO_OUT"
echo "before the flood" >&"$W"
wait_for 20 "the first line delivered" got "before the flood"

# --- four silent connections, then a fifth ------------------------------------
refused0=$(count "not yet proven")
graced0=$(count "no proof within the grace time")
exec {C1}<>"/dev/tcp/127.0.0.1/$PORT" {C2}<>"/dev/tcp/127.0.0.1/$PORT" \
    {C3}<>"/dev/tcp/127.0.0.1/$PORT" {C4}<>"/dev/tcp/127.0.0.1/$PORT" ||
    fail "cannot connect to b's port"
t0=$(date +%s)
held() { [ "$(count "Connection from 127.0.0.1:")" -ge 5 ]; }
wait_for 10 "b to log the four connections" held
exec {C5}<>"/dev/tcp/127.0.0.1/$PORT" || fail "no fifth connection"
# The fifth: closed at once, not held for a grace time.
timeout 5 cat <&"$C5" >/dev/null
rc=$?
[ "$rc" = 0 ] || fail "the fifth unproven connection was not closed at once"
refused() { [ "$(count "not yet proven")" -gt "$refused0" ]; }
wait_for 5 "the refusal in b's log" refused
plog | grep -aq "Connection from 127.0.0.1:[0-9]* refused: 4 not yet proven" ||
    fail "the refusal does not name the peer and the count"

# --- the proven link goes on meanwhile ----------------------------------------
echo "during the flood" >&"$W"
wait_for 10 "a line delivered during the flood" got "during the flood"

# --- the grace time ends the four ---------------------------------------------
# Still open 3 s after they connected: held, not dropped at once.
sleep 3
for fd in "$C1" "$C2" "$C3" "$C4"; do
	timeout 1 cat <&"$fd" >/dev/null
	[ $? = 124 ] || fail "a silent connection was closed before its grace time"
done
for fd in "$C1" "$C2" "$C3" "$C4"; do
	timeout 20 cat <&"$fd" >/dev/null ||
	    fail "a silent connection outlived its grace time"
done
t1=$(date +%s)
[ $((t1 - t0)) -le 20 ] || fail "the grace time took $((t1 - t0)) s"
graced() { [ "$(count "no proof within the grace time")" -ge $((graced0 + 4)) ]; }
wait_for 5 "four grace-time closes in b's log" graced
exec {C1}>&- {C2}>&- {C3}>&- {C4}>&- {C5}>&-

# --- and a new connection is served again: the slots are free -----------------
exec {C6}<>"/dev/tcp/127.0.0.1/$PORT" || fail "no connection after the flood"
timeout 2 cat <&"$C6" >/dev/null
[ $? = 124 ] || fail "a connection after the flood was refused at once"
exec {C6}>&-
echo "after the flood" >&"$W"
wait_for 10 "a line delivered after the flood" got "after the flood"
exec {W}>&-
exit 0
