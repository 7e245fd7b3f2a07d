#!/bin/bash
# t_reader_keep.sh — a restart of the input server is no end of file for
# its reader.  One plain `cat FIFO_IN > file` (the pipe open read-only,
# as tar xf or a restore has it) reads one tape file across a `stop` and
# `start` and across a kill -9 of the input server: its keeper holds the
# write end meanwhile.  The reader ends only at the tape mark, with every
# byte once; after the kill only the one block the restart names ("Write
# of msg n was under way") may come partly twice (README, Reliability).
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

LINES=12000		# of 64 bytes: 768 000 bytes
CHUNK=3200		# bytes per write: 50 lines
CHUNKS=$((LINES * 64 / CHUNK))
BLOCK_LINES=$((131072 / 64))	# lines in the largest block

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

seq -f 'line %06g' 1 "$LINES" |
    awk '{ printf "%s %051d\n", $0, NR }' >"$TMP/data"
total=$((LINES * 64))

# The reader: read-only, one process, one tape file.
cat "$FIFO_IN" >"$TMP/got" &
reader=$!
track $reader

# The tape process: read-write, so that the output side never ends the
# tape file before the test says so.  Each third of the stream waits
# for its step of the test, so that there is always more to come after
# a restart however fast the thirds before it went: the second third
# once the input server is back from its stop ("stopped"), the last
# once it is back from its kill ("killed").
(
	exec 3<>"$FIFO_OUT"
	for ((i = 0; i < CHUNKS; i++)); do
		if [ $i -ge $((CHUNKS * 2 / 3)) ]; then
			gate="$TMP/killed"
		elif [ $i -ge $((CHUNKS / 3)) ]; then
			gate="$TMP/stopped"
		else
			gate=""
		fi
		while [ -n "$gate" ] && [ ! -e "$gate" ]; do sleep 0.05; done
		dd if="$TMP/data" bs=$CHUNK skip=$i count=1 status=none >&3 ||
		    exit 1
		sleep 0.01
	done
	exec 3>&-
) &
writer=$!
track $writer

got_at_least() { [ "$(file_size "$TMP/got")" -ge "$1" ]; }
not_running() { ! is_running "$HB"; }
keeper_alive()
{
	local pid

	pid=$(tr -dc 0-9 <"$HB/default.keeper" 2>/dev/null) &&
	    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# --- stop and start ---------------------------------------------------------

wait_for 30 "a sixth of the stream at the reader" got_at_least $((total / 6))
keeper_alive || fail "no keeper holds the input pipe in the middle of a file"
expect_rc 0 tb stop '(Q'
last_trace_is "$HB" "Stop on req" || fail "b: the stop did not say 'Stop on req'"
keeper_alive || fail "the keeper left with the stop"
pid_gone $reader && fail "the reader saw end of file at the stop of the input server"
expect_rc 0 tb start
grep -Fq "the tape file goes on" "$HB/ts.log,log" ||
    fail "the restart did not trace the keeper it found"
before=$(file_size "$TMP/got")
: >"$TMP/stopped"
wait_for 30 "the stream to flow after the restart" \
    got_at_least $((before + 4 * CHUNK))

# --- kill -9 and start ---------------------------------------------------------

sleep "0.$((RANDOM % 5 + 1))"	# a random point of the stream
pid=$(daemon_pid "$HB") || fail "b: no pid before the kill"
kill -KILL "$pid"
wait_for 10 "the input server to die" not_running
keeper_alive || fail "the keeper died with the input server"
pid_gone $reader && fail "the reader saw end of file at the kill of the input server"
expect_rc 0 tb start
before=$(file_size "$TMP/got")
: >"$TMP/killed"
wait_for 30 "the stream to flow after the kill" \
    got_at_least $((before + 4 * CHUNK))

# --- the tape mark ends the reader's file -----------------------------------------

wait_bg 60 "the tape process to write everything" $writer ||
    fail "the tape process failed"
wait_bg 30 "the reader to see the tape mark" $reader ||
    fail "the reader failed"
keeper_gone() { ! keeper_alive; }
wait_for 10 "the keeper to leave after the tape mark" keeper_gone
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'

traced=$(grep -c "may reach the reader partly twice" "$HB/ts.log,log")
if [ "$traced" = 0 ]; then
	cmp -s "$TMP/data" "$TMP/got" ||
	    fail "read $(file_size "$TMP/got") bytes of $total, or other bytes," \
	    "and no restart named a block written twice"
else
	# The one block under way at the kill: its lines may come twice
	# (and a piece written again may start inside a line).
	sort "$TMP/data" >"$TMP/data.sorted"
	sort "$TMP/got" >"$TMP/got.sorted"
	dups=$(uniq -d "$TMP/got.sorted" | wc -l)
	missing=$(comm -23 "$TMP/data.sorted" "$TMP/got.sorted" | wc -l)
	foreign=$(comm -13 "$TMP/data.sorted" <(uniq "$TMP/got.sorted") | wc -l)
	echo "NOTE: $TEST: the kill replayed part of a block: $dups lines twice, $foreign spliced"
	[ "$traced" = 1 ] || fail "$traced blocks named for one kill"
	[ "$missing" = 0 ] || fail "$missing lines missing"
	[ "$dups" -le $((BLOCK_LINES + 1)) ] ||
	    fail "$dups lines twice: more than the one block named"
	[ "$foreign" -le 2 ] || fail "$foreign spliced lines"
fi
exit 0
