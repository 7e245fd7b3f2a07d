#!/bin/bash
# t_progress.sh — progress of long work (issue 12, item 3): drain, put
# and status --follow show, on a terminal only, mbuffer's line (bytes,
# of the total, rate, time left) that overwrites itself and ends with a
# newline, or the status redrawn in place; on a pipe or a file nothing
# of it appears (no progress text, no carriage return, no escape).  The
# terminal is a real pty: script(1) of util-linux.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null 2>&1 || skip "no script(1) (util-linux)"
CR=$'\r'
ESC=$'\033'

# on_tty FILE CMD: run the shell command CMD on a pty, its terminal
# output (stdout and stderr) into FILE.
on_tty()
{
	script -qfec "$2" /dev/null </dev/null >"$1" 2>&1
}

# no_progress FILE...: nothing of a progress line or a redraw.
no_progress()
{
	local f

	for f in "$@"; do
		grep -q "MiB/s" "$f" && fail "$f has a progress line: $(cat -v "$f")"
		grep -q "$CR" "$f" && fail "$f has a carriage return"
		grep -q "$ESC" "$f" && fail "$f has an escape sequence"
	done
	return 0
}

two_homes
# drain: a FIFO held open with 5000 bytes in it.
exec 5<>"$FIFO_IN"
head -c 5000 /dev/zero >&5
on_tty "$TMP/drain.tty" "TAPESOCK_HOME='$HB' '$BIN/tape-socket' drain '(Q'" ||
    fail "drain on a tty failed: $(cat -v "$TMP/drain.tty")"
grep -q "${CR}drain: 4.9 KiB of 4.9 KiB (100%) @ [0-9.]* MiB/s${ESC}\[K" "$TMP/drain.tty" ||
    fail "no drain progress on the tty: $(cat -v "$TMP/drain.tty")"
grep -q "bytes=0*5000$" "$HB/ts.log,backup" || fail "drain did not drain 5000 bytes"
head -c 3000 /dev/zero >&5
tb drain '(Q' >"$TMP/drain.out" 2>"$TMP/drain.err" || fail "drain failed"
tb drain '(Q' 2>&1 | cat >"$TMP/drain.pipe"
no_progress "$TMP/drain.out" "$TMP/drain.err" "$TMP/drain.pipe"
exec 5>&-

expect_rc 0 tb start
expect_rc 0 ta start
connected() { qfield "$HA" Connected | grep -q yes; }
wait_for 20 "the pair to connect" connected
# put: 30 MiB, long enough on this path for a redraw or more.
head -c $((30 * 1048576)) /dev/urandom >"$TMP/big"
( cat "$FIFO_IN" >"$TMP/got1" ) &
track $!
t0=$(date +%s%N)
on_tty "$TMP/put.tty" "TAPESOCK_HOME='$HA' '$BIN/tape-socket' put file='$TMP/big'" ||
    fail "put on a tty failed: $(cat -v "$TMP/put.tty" | tail -c 400)"
ms=$((($(date +%s%N) - t0) / 1000000))
grep -q "${CR}put: 30.0 MiB of 30.0 MiB (100%) @ [0-9.]* MiB/s${ESC}\[K" "$TMP/put.tty" ||
    fail "no put progress on the tty: $(cat -v "$TMP/put.tty" | tail -c 400)"
# Ended by a newline, then put's own line.
grep -q "(100%) @ [0-9.]* MiB/s${ESC}\[K${CR}\$" "$TMP/put.tty" ||
    fail "the progress line is not ended by a newline"
grep -q "written by the input server" "$TMP/put.tty" || fail "put's result is missing"
# At most a few redraws a second (every 250 ms, and the last one).
draws=$(grep -o "${CR}put: " "$TMP/put.tty" | wc -l)
[ "$draws" -ge 1 ] && [ "$draws" -le $((ms / 250 + 2)) ] ||
    fail "$draws redraws in $ms ms"
wait_for 20 "the file on B" test "$(file_size "$TMP/got1")" = $((30 * 1048576))
# Not a tty: nothing of it, on stderr, on a pipe or in a file.
( cat "$FIFO_IN" >"$TMP/got2" ) &
track $!
ta put file="$TMP/big" 2>&1 | cat >"$TMP/put.pipe"
( cat "$FIFO_IN" >"$TMP/got3" ) &
track $!
ta put file="$TMP/big" >"$TMP/put.out" 2>"$TMP/put.err" || fail "put failed"
no_progress "$TMP/put.pipe" "$TMP/put.out" "$TMP/put.err"
grep -q "written by the input server" "$TMP/put.pipe" || fail "put on a pipe failed"

# status --follow on a terminal: redrawn in place, every second.
on_tty "$TMP/follow.tty" "TAPESOCK_HOME='$HA' timeout -s INT --preserve-status 2.5 '$BIN/tape-socket' status --follow"
grep -q "${ESC}\[H${ESC}\[J" "$TMP/follow.tty" || fail "status --follow did not redraw: $(cat -v "$TMP/follow.tty")"
[ "$(grep -c "default: Reading pipe, connected, 0 unacknowledged" "$TMP/follow.tty")" -ge 2 ] ||
    fail "status --follow drew fewer than 2 turns: $(cat -v "$TMP/follow.tty")"
grep -q "backlog empty" "$TMP/follow.tty" || fail "no time left / backlog"
# On a pipe: a block each interval, no control characters; ^C ends it
# with 0.
TAPESOCK_HOME="$HA" timeout -s INT --preserve-status 2.5 "$BIN/tape-socket" \
    status --follow --interval=1 | cat >"$TMP/follow.pipe"
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "status --follow ended with $rc on SIGINT"
no_progress "$TMP/follow.pipe"
[ "$(grep -c '^tape-socket status --follow: ' "$TMP/follow.pipe")" -ge 2 ] ||
    fail "status --follow on a pipe printed fewer than 2 blocks: $(cat "$TMP/follow.pipe")"
grep -Eq "^[0-9]+ +default +s " "$TMP/follow.pipe" || fail "no status line in the block"
# A backlog: no reader on B, data written on A: the time left says so.
cat "$TMP/big" >"$FIFO_OUT" &
track $!
unacked() { [ "$(qfield "$HA" Unacknowledged)" -gt 0 ] 2>/dev/null; }
wait_for 20 "messages unacknowledged" unacked
TAPESOCK_HOME="$HA" timeout -s INT --preserve-status 2.5 "$BIN/tape-socket" \
    status --follow >"$TMP/follow2" || fail "status --follow failed"
grep -Eq "[1-9][0-9]* unacknowledged.*(backlog not moving|time left: measuring)" "$TMP/follow2" ||
    fail "the backlog is not shown: $(cat "$TMP/follow2")"
( cat "$FIFO_IN" >/dev/null ) &
track $!
exit 0
