#!/bin/bash
# t_restart.sh — a numbered stream keeps flowing while the input server
# is stopped and started, the output server is stopped and started with
# (C, and the TCP connection is killed (ss -K): what comes out is what
# went in, every line once, none missing (RELIABILITY.md: graceful stop
# and restart of either server, and a reset connection, are exactly
# once).
#
# The tape process holds its pipe open read-write (exec 3<>FIFO_OUT), so
# it always has a reader and never gets EPIPE while the output server
# is down; the reader holds its pipe the same way, so the input server's
# restart (which closes the pipe) is no end of file for it.  So the
# stream is one tape file from the first line to the last.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
. "$(dirname "$0")/lib.sh"

command -v sha256sum >/dev/null || skip "no sha256sum"

LINES=20000		# of 64 bytes: 1 280 000 bytes
CHUNK=3200		# bytes per write: 50 lines, atomic (< PIPE_BUF)
CHUNKS=$((LINES * 64 / CHUNK))

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

seq -f 'line %06g' 1 "$LINES" |
    awk '{ printf "%s %051d\n", $0, NR }' >"$TMP/data"
[ "$(file_size "$TMP/data")" = $((LINES * 64)) ] ||
    fail "the generated data is $(file_size "$TMP/data") bytes"

# The reader: everything that comes out of b's pipe, in one file.
backup_reader "$TMP/got"

# The tape process: one process, a chunk every 20 ms.  Three quarters
# are written freely; the rest waits until the test has done its
# restarts (the file "finish"), so that data flows through all of them.
(
	exec 3<>"$FIFO_OUT"
	for ((i = 0; i < CHUNKS; i++)); do
		if [ $i -ge $((CHUNKS * 3 / 4)) ]; then
			while [ ! -e "$TMP/finish" ]; do sleep 0.05; done
		fi
		dd if="$TMP/data" bs=$CHUNK skip=$i count=1 status=none >&3 ||
		    exit 1
		sleep 0.02
	done
	# The end of the tape file: the output server sees the close.
	exec 3>&-
	: >"$TMP/written"
) &
writer=$!
track $writer

got_at_least() { [ "$(file_size "$TMP/got")" -ge "$1" ]; }
connected() { [ "$(qfield "$HA" Connected)" = yes ]; }
total=$((LINES * 64))

# --- the input server stopped and started while data flows ----------------

wait_for 30 "a tenth of the stream at the reader" got_at_least $((total / 10))
expect_rc 0 tb stop '(Q'
last_trace_is "$HB" "Stop on req" || fail "b: status does not say 'Stop on req'"
is_running "$HB" && fail "the input server runs after its stop"
expect_rc 0 tb start
expect_out "Started \(pid [0-9]+\)"
before=$(file_size "$TMP/got")
wait_for 30 "the stream to flow again after the input server's restart" \
    got_at_least $((before + 3 * CHUNK))

# --- the output server stopped and started with (C --------------------------

expect_rc 0 ta stop '(Q'
last_trace_is "$HA" "Stop on req" || fail "a: status does not say 'Stop on req'"
is_running "$HA" && fail "the output server runs after its stop"
pid_gone "$writer" && fail "the tape process ended while the output server was down"
expect_rc 0 ta start '(C'
expect_out "Started \(pid [0-9]+\)"
before=$(file_size "$TMP/got")
wait_for 30 "the stream to flow again after the output server's restart" \
    got_at_least $((before + 3 * CHUNK))

# --- the connection killed under the stream ----------------------------------

wait_for 20 "the output server to be connected" connected
if ! ss -HK dst 127.0.0.1 dport = ":$PORT" >"$TMP/killed" 2>&1 ||
    ! grep -q ":$PORT" "$TMP/killed"; then
	echo "NOTE: $TEST: ss -K killed no socket (needs root and" \
	    "CONFIG_INET_DIAG_DESTROY): the connection-kill part is not run"
	killed=0
else
	killed=1
	before=$(file_size "$TMP/got")
	wait_for 30 "the stream to flow again after the connection was killed" \
	    got_at_least $((before + 3 * CHUNK))
fi

# --- the end of the stream -----------------------------------------------------

: >"$TMP/finish"
wait_bg 60 "the tape process to write everything" $writer ||
    fail "the tape process failed (EPIPE?)"
wait_for 30 "all $total bytes at the reader" got_at_least $total
settled()
{
	[ "$(qfield "$HA" Unacknowledged)" = 0 ] &&
	    [ "$(qfield "$HB" Unwritten)" = 0 ] &&
	    [ -n "$(qfield "$HA" curmsg)" ] &&
	    [ "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)" ]
}
wait_for 20 "every message acknowledged and equal curmsg" settled
if [ $killed = 1 ]; then
	d=$(qfield "$HA" Disconnections)
	[ "${d:-0}" -ge 1 ] ||
	    fail "ss -K killed the connection, the output server counts $d disconnections"
fi
expect_rc 0 ta stop '(Q'
last_trace_is "$HA" "Stop on req" || fail "a: status does not say 'Stop on req'"
expect_rc 0 tb stop '(Q'
last_trace_is "$HB" "Stop on req" || fail "b: status does not say 'Stop on req'"
# Whatever the input server wrote is read before the comparison.
waiting_in() { TAPESOCK_HOME="$HB" "$BIN/tape-socket" listpipes 2>/dev/null |
    awk '$NF == "default" { print $(NF - 1) }'; }
drained() { [ "$(waiting_in)" = 0 ]; }
wait_for 20 "the reader to empty $FIFO_IN" drained

sort "$TMP/data" >"$TMP/data.sorted"
sort "$TMP/got" >"$TMP/got.sorted"
dups=$(uniq -d "$TMP/got.sorted" | wc -l)
missing=$(comm -23 "$TMP/data.sorted" "$TMP/got.sorted" | wc -l)
foreign=$(comm -13 "$TMP/data.sorted" <(uniq "$TMP/got.sorted") | wc -l)
if [ "$dups" != 0 ] || [ "$missing" != 0 ] || [ "$foreign" != 0 ]; then
	fail "lines: $dups duplicated, $missing missing, $foreign not written" \
	    "(read $(file_size "$TMP/got") bytes of $total)"
fi
[ "$(sha256sum <"$TMP/got")" = "$(sha256sum <"$TMP/data")" ] ||
    fail "sha256 of what was read differs from what was written (order?)"

exit 0
