#!/bin/bash
# t_noreader.sh — no reader on the receiving pipe is not a network
# fault: the input server, blocked on its pipe with messages held,
# sends a "busy" ACK every hbint, so the output server never traces
# "Wait ack" or "ACK timeout", never drops the link, and the stream
# is whole once a reader comes.  (hbint=1 hbtimeout=3: 12 s without
# a reader is four ACK timeouts' worth.)
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

two_homes
expect_rc 0 tb setarg hbint=1 hbtimeout=3
expect_rc 0 ta setarg hbint=1 hbtimeout=3
expect_rc 0 tb start
expect_rc 0 ta start

connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
unwritten() { [ "$(qfield "$HB" Unwritten)" -gt 0 ] 2>/dev/null; }
wait_for 10 "both connected" connected

# 4 MiB: more than the pipe and the input server's window hold.
head -c 4194304 /dev/urandom >"$TMP/src"
cat "$TMP/src" >"$FIFO_OUT" &
wr=$!
track $wr
wait_for 20 "the input server to hold messages it cannot write" unwritten
sleep 12
for t in "Wait ack" "ACK timeout" "Network Error"; do
	! grep -Fq -- "$t" "$HA/ts.log,log" ||
	    fail "with no reader a traced '$t': $(grep -F -- "$t" "$HA/ts.log,log" | head -n 1)"
done
[ "$(qfield "$HA" Disconnections)" = 0 ] ||
    fail "a dropped the link $(qfield "$HA" Disconnections) times without a reader"
[ "$(qfield "$HB" Disconnections)" = 0 ] ||
    fail "b dropped the link $(qfield "$HB" Disconnections) times without a reader"
connected || fail "the pair is not connected after 12 s without a reader"

cat "$FIFO_IN" >"$TMP/got" &
rd=$!
track $rd
wait_bg 30 "the source written" $wr || fail "writing the source failed"
wait_bg 30 "the stream read" $rd || fail "reading the stream failed"
cmp -s "$TMP/src" "$TMP/got" ||
    fail "read $(file_size "$TMP/got") bytes, wrote $(file_size "$TMP/src")"
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
