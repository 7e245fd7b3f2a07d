#!/bin/bash
# t_stop_honest.sh — stop, stopall, shutdown and SIGTERM exit 0 only
# when what they promise happened (RELIABILITY.md line 10): the input
# server has written everything it received, the output server has
# everything acknowledged; otherwise exit 1, and the trace and the
# message say how many messages are pending, which numbers, and what
# becomes of them.  wait=0 forces the stop (exit 0, still said).
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

two_homes
head -c 300000 /dev/urandom >"$TMP/data"

q_ge() { [ "$(qfield "$1" "$2")" -ge "$3" ] 2>/dev/null; }
not_running() { ! is_running "$1"; }

expect_rc 2 tb stop wait=x
expect_err_has "wait=x"
expect_rc 2 tb stop wait=3601

expect_rc 0 tb start
expect_rc 0 ta start
# The tape process keeps its pipe open: no tape mark, the output server
# takes the blocks as they come.
exec 3<>"$FIFO_OUT"
cat "$TMP/data" >&3

# --- the input server holds blocks no reader takes: stop fails -------------

wait_for 20 "blocks unwritten at the input server" q_ge "$HB" Unwritten 1
pending=$(qfield "$HB" Unwritten)
expect_rc 1 tb stop wait=1 '(Q'
expect_err_oneline
expect_err "did not stop cleanly: Stopped with $pending message\\(s\\) pending: 1 to $pending, not acknowledged: the output server sends them again"
last_trace_is "$HB" "Stopped with $pending message(s) pending" ||
    fail "b: status does not show what was pending"
expect_rc 0 tb status
expect_out "[[:space:]]default[[:space:]]+r .* S "

# --- forced: wait=0 stops at once, says what was pending, exit 0 ------------

expect_rc 0 tb start
wait_for 20 "blocks unwritten again" q_ge "$HB" Unwritten 1
expect_rc 0 tb stop wait=0 '(Q'
expect_err "stopped \\(forced\\): Stop forced with [0-9]+ message\\(s\\) pending: 1 to [0-9]+"
is_running "$HB" && fail "b runs after a forced stop"

# --- SIGTERM is a stop: with a reader it delivers everything -----------------

expect_rc 0 tb start
wait_for 20 "blocks unwritten again" q_ge "$HB" Unwritten 1
cat "$FIFO_IN" >"$TMP/got" &
reader=$!
track $reader
wait_for 20 "everything acknowledged" q_ge "$HA" curmsg 1
settled() { [ "$(qfield "$HA" Unacknowledged)" = 0 ]; }
wait_for 20 "the output server to have everything acknowledged" settled
kill -TERM "$(daemon_pid "$HB")"
wait_for 20 "b to end on SIGTERM" not_running "$HB"
last_trace_is "$HB" "Stop on req" || fail "b: SIGTERM did not end with 'Stop on req'"
# No tape mark came: the reader, read-only, sees no end of file at the
# stop (the keeper holds the write end) and keeps waiting for more.
got_all() { [ "$(file_size "$TMP/got")" -ge "$(file_size "$TMP/data")" ]; }
wait_for 10 "the reader to read everything" got_all
cmp -s "$TMP/data" "$TMP/got" ||
    fail "the reader got $(file_size "$TMP/got") bytes, not the $(file_size "$TMP/data") written, exactly once"
pid_gone $reader && fail "the reader saw end of file at the stop of the input server"
kill $reader
wait $reader 2>/dev/null

# --- the output server with nothing acknowledged: stop fails ----------------

cat "$TMP/data" >&3
wait_for 20 "blocks unacknowledged at the output server" q_ge "$HA" Unacknowledged 1
expect_rc 1 ta stop wait=1 '(Q'
expect_err "did not stop cleanly: Stopped with [0-9]+ message\\(s\\) pending: [0-9]+ to [0-9]+, "
exec 3>&-

# --- stopall: nothing running is no failure ---------------------------------

expect_rc 0 ta stopall wait=0
expect_out "no server of .* is running"
exit 0
