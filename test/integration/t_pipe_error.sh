#!/bin/bash
# t_pipe_error.sh — a pipe that fails while the server runs (issue 10,
# defect 4): the error is traced once, not at every try; the tries slow
# down; the notify list is told once, and again when the pipe is back;
# status shows S = E meanwhile and R after.  Where it used to log a line
# every 100 ms, notify nobody and still show R.  Output server: its
# FIFO moved away at the end of a tape file (Popen err=2), then put
# back.  Input server: the same before a tape file, then /dev/full as
# its pipe (Pwrit err=28).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

two_homes
cat >"$TMP/note" <<'NOTE'
#!/bin/sh
printf '%s\n' "$2" >>"$1"
NOTE
chmod +x "$TMP/note"
expect_rc 0 ta setarg notify="exec $TMP/note $TMP/notes_a"
expect_rc 0 tb setarg notify="exec $TMP/note $TMP/notes_b"
: >"$TMP/notes_a"
: >"$TMP/notes_b"
backup_reader "$TMP/got"
expect_rc 0 tb start
expect_rc 0 ta start

# sletter HOME: the S column of status for the server (the field
# before the time: an input server has no host).
sletter() { TAPESOCK_HOME="$1" "$BIN/tape-socket" status 2>/dev/null |
    awk '$2 == "default" { for (i = 3; i <= NF; i++)
        if ($i ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/) { print $(i - 1); exit } }'; }
has() { grep -Eq -- "$2" "$1" 2>/dev/null; }
count() { grep -c -- "$2" "$1" 2>/dev/null; }
got() { grep -q "^$1\$" "$TMP/got"; }
notes() { n=$(count "$1" "$2"); [ "$n" = "$3" ] ||
    fail "$1 has '$2' $n times, not $3: $(cat "$1")"; }

printf 'one\n' >"$FIFO_OUT"
wait_for 20 "the first tape file delivered" got one

# --- output server: Popen err=2 ---------------------------------------
(
	exec 5>"$FIFO_OUT"
	printf 'two\n' >&5
	mv "$FIFO_OUT" "$TMP/away_out"
)
wait_for 20 "the output server's Popen error" has "$HA/ts.log" "Popen err=2"
wait_for 20 "the notification of the output server" \
    has "$TMP/notes_a" "failing: Popen err=2; tried again"
# A window to count the tries' traces: 6 s used to give 60 lines.
sleep 5
n=$(count "$HA/ts.log,log" "(TS, 28)")
[ "$n" = 1 ] || fail "the output server logged Popen err=2 $n times"
[ "$(sletter "$HA")" = E ] || fail "output server: S is $(sletter "$HA"), not E"
expect_rc 0 ta query
expect_out "Pipe error: Popen err=2, [0-9]+ failures"
notes "$TMP/notes_a" "failing: Popen err=2; tried again" 1
mv "$TMP/away_out" "$FIFO_OUT"
wait_for 20 "the output server's pipe back" \
    has "$HA/ts.log" "Pipe back after Popen err=2, [0-9]+ failures"
[ "$(sletter "$HA")" = R ] || fail "output server: S is $(sletter "$HA"), not R"
wait_for 10 "the output server's pipe back notified" \
    has "$TMP/notes_a" "Pipe back after Popen err=2"
expect_rc 0 ta query
expect_out "Pipe error: none"
printf 'three\n' >"$FIFO_OUT"
wait_for 20 "a tape file after the pipe came back" got three

# --- input server: Popen err=2 ----------------------------------------
mv "$FIFO_IN" "$TMP/away_in"
printf 'four\n' >"$FIFO_OUT"
wait_for 20 "the input server's Popen error" has "$HB/ts.log" "Popen err=2"
wait_for 20 "the notification of the input server" \
    has "$TMP/notes_b" "failing: Popen err=2; tried again"
sleep 5
n=$(count "$HB/ts.log,log" "(TS, 28)")
[ "$n" = 1 ] || fail "the input server logged Popen err=2 $n times"
[ "$(sletter "$HB")" = E ] || fail "input server: S is $(sletter "$HB"), not E"
mv "$TMP/away_in" "$FIFO_IN"
wait_for 20 "the input server's pipe back" \
    has "$HB/ts.log" "Pipe back after Popen err=2"
wait_for 20 "the tape file held meanwhile" got four
[ "$(sletter "$HB")" = R ] || fail "input server: S is $(sletter "$HB"), not R"
wait_for 10 "the input server's pipe back notified" \
    has "$TMP/notes_b" "Pipe back after Popen err=2"
notes "$TMP/notes_b" "failing: Popen err=2; tried again" 1

# --- input server: Pwrit err=28 on a full device ----------------------
expect_rc 0 tb stop wait=10
expect_rc 0 tb setarg pipe=/dev/full
expect_rc 0 tb start
printf 'five\n' >"$FIFO_OUT"
wait_for 20 "the input server's Pwrit error" has "$HB/ts.log" "Pwrit err=28"
sleep 4
n=$(count "$HB/ts.log,log" "(TS, 32)")
[ "$n" = 1 ] || fail "the input server logged Pwrit err=28 $n times"
[ "$(sletter "$HB")" = E ] || fail "input server: S is $(sletter "$HB"), not E"
expect_rc 0 tb query
expect_out "Pipe error: Pwrit err=28"
notes "$TMP/notes_b" "failing: Pwrit err=28; tried again" 1
expect_rc 0 tb stop wait=0
expect_rc 0 ta stop wait=0
exit 0
