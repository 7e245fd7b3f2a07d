#!/bin/bash
# t_spool.sh — the output server's durable spool and the keeper of its
# pipe (RELIABILITY.md lines 1, 6 and 8):
#
#  1. SIGKILL of the output server, several times, while a tape process
#     that opened its pipe write-only writes a numbered stream: the
#     writer never gets EPIPE, the reader gets every line once.
#  2. The input server down: blocks go into the spool; the output
#     server is killed and started again (the keeper held the pipe, so
#     nothing is drained); then the input server comes: all arrives.
#  3. spoolmax: with the input server down the spool fills, the writer
#     blocks (nothing dropped), SPL_FULL is traced; the input server
#     comes back and everything flows.
#  4. reset: refused while running; with (Q it discards the spool and
#     the stream, and the pair starts a new stream from message 1.
#  5. The keeper leaves once the server is stopped, the pipe is empty
#     and nobody writes it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
. "$(dirname "$0")/lib.sh"

command -v sha256sum >/dev/null || skip "no sha256sum"

two_homes
expect_rc 0 tb start
expect_rc 0 ta start
keeper_pid() { tr -dc 0-9 <"$HA/default.keeper" 2>/dev/null; }
# The keeper reports to a loop that does not wait for it: it comes
# after start has returned.
keeper_up() { kp=$(keeper_pid) && [ -n "$kp" ] && kill -0 "$kp" 2>/dev/null; }
wait_for 10 "a keeper after start" keeper_up
kp=$(keeper_pid)
plog_has() { grep -Fq -- "$2" "$1/ts.log,log"; }
wait_for 10 "the trace 'Keeper $kp holds the pipe'" \
    plog_has "$HA" "Keeper $kp holds the pipe"

# The reader: every tape file that comes out of b's pipe, appended to
# one file; a stop of the input server is an end of file, so it opens
# the pipe again.
: >"$TMP/got"
: >"$TMP/want"
(
	while :; do cat "$FIFO_IN" >>"$TMP/got" || sleep 0.1; done
) &
track $!
got_at_least() { [ "$(file_size "$TMP/got")" -ge "$1" ]; }
# expect_got WHAT: the reader got exactly everything written so far.
expect_got()
{
	local want

	want=$(file_size "$TMP/want")
	wait_for 30 "$1 at the reader" got_at_least "$want"
	sleep 0.3
	cmp -s "$TMP/want" "$TMP/got" ||
	    fail "$1: the reader got $(file_size "$TMP/got") bytes of $want, not the same"
}

# === 1. kill -9 of the output server under a write-only writer ===============

LINES=30000		# of 64 bytes
seq -f 'line %06g' 1 "$LINES" |
    awk '{ printf "%s %051d\n", $0, NR }' >"$TMP/data"
(
	trap '' PIPE
	exec 3>"$FIFO_OUT"	# write-only: EPIPE if no reader held it
	for ((i = 0; i < LINES / 50; i++)); do
		dd if="$TMP/data" bs=3200 skip=$i count=1 status=none >&3 ||
		    { echo "write $i failed" >"$TMP/writer.err"; exit 1; }
		sleep 0.005
	done
) &
writer=$!
track $writer
cat "$TMP/data" >>"$TMP/want"

for k in 1 2 3; do
	wait_for 30 "output to reach kill $k" got_at_least $((k * LINES * 64 / 5))
	pa=$(daemon_pid "$HA") || fail "no output server pid"
	kill -KILL "$pa"
	wait_for 10 "the killed output server to go" pid_gone "$pa"
	sleep 0.3
	expect_rc 0 ta start
	plog_has "$HA" "Pipe held by keeper" ||
	    fail "restart $k: no 'Pipe held by keeper' trace"
done
wait_bg 60 "the writer" $writer ||
    fail "the writer failed: $(cat "$TMP/writer.err" 2>/dev/null)"
expect_got "$LINES lines through 3 kills"
echo "kill -9 x3 of the output server: $LINES lines, exactly once, writer never broken"

# === 2. spooled while the input server is down, across a kill ================

expect_rc 0 tb stop '(Q'
head -c 3000000 /dev/urandom >"$TMP/blob"
dd if="$TMP/blob" of="$FIFO_OUT" bs=64k status=none ||
    fail "the writer failed with the input server down"
cat "$TMP/blob" >>"$TMP/want"
spooled() { [ "$(qfield "$HA" Unacknowledged)" -ge 20 ] 2>/dev/null; }
wait_for 10 "the blocks in the spool" spooled
pa=$(daemon_pid "$HA")
kill -KILL "$pa"
wait_for 10 "the killed output server to go" pid_gone "$pa"
expect_rc 0 ta start
n=$(qfield "$HA" Unacknowledged)
[ "$n" -ge 20 ] || fail "after the restart the spool holds $n messages"
expect_rc 0 tb start
expect_got "3 MB spooled across a kill"
echo "input server down, output server killed: 3 MB spooled and delivered"

# === 3. spoolmax: a full spool blocks the writer =============================

expect_rc 0 tb stop '(Q'
expect_rc 0 ta stop '(Q'
expect_rc 0 ta setarg spoolmax=1M
expect_rc 0 ta start
head -c 4000000 /dev/urandom >"$TMP/blob3"
dd if="$TMP/blob3" of="$FIFO_OUT" bs=64k status=none &
w3=$!
track $w3
cat "$TMP/blob3" >>"$TMP/want"
full() { qfield "$HA" Spool | grep -q '(full)'; }
wait_for 15 "the spool to fill" full
sleep 1
pid_gone $w3 && fail "the writer of 4 MB finished with a 1M spool and no receiver"
plog_has "$HA" "Spool full (1M): pipe reading paused" || fail "no SPL_FULL trace"
expect_rc 0 tb start
wait_bg 30 "the writer of 4 MB" $w3 || fail "the writer of 4 MB failed"
expect_got "4 MB through a 1M spool"
plog_has "$HA" "Spool has room: pipe reading resumed" || fail "no SPL_ROOM trace"
echo "spoolmax=1M: the writer blocked, then 4 MB arrived whole"

# === 4. reset ================================================================

expect_rc 1 ta reset '(Q'
expect_err_has "is running; stop it before a reset"
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
expect_rc 0 ta reset '(Q'
expect_rc 0 tb reset '(Q'
[ ! -e "$HA/default.spool" ] || fail "reset left $HA/default.spool"
[ ! -e "$HA/default.state" ] || fail "reset left $HA/default.state"
plog_has "$HA" "Stream reset: " || fail "no SPL_DISCARDED trace"
expect_rc 0 tb start
expect_rc 0 ta start
head -c 100000 /dev/urandom >"$TMP/blob4"
dd if="$TMP/blob4" of="$FIFO_OUT" bs=64k status=none
cat "$TMP/blob4" >>"$TMP/want"
expect_got "a new stream after reset"
n=$(qfield "$HA" curmsg)
[ "$n" -le 10 ] || fail "after reset the stream is at message $n, not a new one"
echo "reset: a new stream from message 1"

# === 5. the keeper leaves when it is not needed ===============================

kp=$(keeper_pid)
expect_rc 0 ta stop '(Q'
wait_for 10 "the keeper to leave" pid_gone "$kp"
[ ! -e "$HA/default.keeper" ] || fail "the keeper left its pid file"
echo "the keeper left after the stop"
