#!/bin/bash
# t_crash_in.sh — the input server killed with SIGKILL at random points
# while data flows, and started again, several times (RELIABILITY.md
# line 2): no line is missing; only a block whose write into the pipe
# was under way may reach the reader partly twice, and then the restart
# traced "Write of msg n was under way ... may reach the reader partly
# twice".  Also: a damaged state file stops the start with a clear
# error, and a state with one torn record still loads.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

LINES=80000		# of 64 bytes: 5 120 000 bytes
CHUNK=65536		# bytes per write: 1024 lines
CHUNKS=$(((LINES * 64 + CHUNK - 1) / CHUNK))
KILLS=5
BLOCK_LINES=$((131072 / 64))	# lines in the largest block

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

seq -f 'line %06g' 1 "$LINES" |
    awk '{ printf "%s %051d\n", $0, NR }' >"$TMP/data"

# The reader is slow until the kills are done, so that the input
# server's pipe is full and its writes are cut short: most kills then
# land in the middle of a block.
(
	exec 4<>"$FIFO_IN"
	: >"$TMP/got"
	while [ ! -e "$TMP/finish" ]; do
		dd bs=16384 count=1 status=none <&4 >>"$TMP/got"
		sleep 0.1
	done
	exec cat <&4 >>"$TMP/got"
) &
track $!

# The tape process: the last quarter waits for the kills to be done.
(
	exec 3<>"$FIFO_OUT"
	for ((i = 0; i < CHUNKS; i++)); do
		if [ $i -ge $((CHUNKS * 3 / 4)) ]; then
			while [ ! -e "$TMP/finish" ]; do sleep 0.05; done
		fi
		dd if="$TMP/data" bs=$CHUNK skip=$i count=1 status=none >&3 ||
		    exit 1
		sleep 0.1
	done
	exec 3>&-
) &
writer=$!
track $writer

got_at_least() { [ "$(file_size "$TMP/got")" -ge "$1" ]; }
not_running() { ! is_running "$HB"; }
total=$((LINES * 64))

for ((k = 1; k <= KILLS; k++)); do
	before=$(file_size "$TMP/got")
	wait_for 30 "the stream to flow before kill $k" \
	    got_at_least $((before + CHUNK))
	sleep "0.$((RANDOM % 9 + 1))"	# a random point of the stream
	pid=$(daemon_pid "$HB") || fail "b: no pid before kill $k"
	kill -KILL "$pid"
	wait_for 10 "the input server to die" not_running
	expect_rc 0 tb start
done

: >"$TMP/finish"
wait_bg 90 "the tape process to write everything" $writer ||
    fail "the tape process failed"
settled()
{
	[ "$(qfield "$HA" Unacknowledged)" = 0 ] &&
	    [ "$(qfield "$HB" Unwritten)" = 0 ] &&
	    [ -n "$(qfield "$HA" curmsg)" ] &&
	    [ "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)" ]
}
wait_for 30 "every message written and acknowledged" settled
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
waiting_in() { TAPESOCK_HOME="$HB" "$BIN/tape-socket" listpipes 2>/dev/null |
    awk '$NF == "default" { print $(NF - 1) }'; }
drained() { [ "$(waiting_in)" = 0 ]; }
wait_for 20 "the reader to empty $FIFO_IN" drained

traced=$(grep -c "may reach the reader partly twice" "$HB/ts.log,log")
sort "$TMP/data" >"$TMP/data.sorted"
sort "$TMP/got" >"$TMP/got.sorted"
dups=$(uniq -d "$TMP/got.sorted" | wc -l)
missing=$(comm -23 "$TMP/data.sorted" "$TMP/got.sorted" | wc -l)
# A piece written again may start inside a line: one spliced line each.
foreign=$(comm -13 "$TMP/data.sorted" <(uniq "$TMP/got.sorted") | wc -l)
echo "NOTE: $TEST: $KILLS kills, $traced traced, $dups lines twice, $foreign spliced"
[ "$missing" = 0 ] || fail "$missing lines missing after $KILLS kills"
[ "$traced" -le "$KILLS" ] || fail "$traced doubts traced for $KILLS kills"
if [ "$dups" -gt 0 ] || [ "$foreign" -gt 0 ]; then
	[ "$traced" -gt 0 ] ||
	    fail "$dups lines twice, $foreign spliced, and no restart said so"
	[ "$dups" -le $((traced * (BLOCK_LINES + 1))) ] ||
	    fail "$dups lines twice: more than the $traced block(s) traced"
	[ "$foreign" -le $((traced * 2)) ] ||
	    fail "$foreign spliced lines for $traced block(s) traced"
fi
if [ "$traced" = 0 ]; then
	cmp -s "$TMP/data" "$TMP/got" || fail "no doubt traced, yet the data differs"
fi

# --- a torn record: the other one is used -----------------------------------

cp "$HB/default.state" "$TMP/state.good"
size=$(file_size "$HB/default.state")
[ "$size" = 8192 ] || fail "the state file is $size bytes, not 8192"
expect_rc 0 tb start
last=$(qfield "$HB" curmsg)
expect_rc 0 tb stop '(Q'
cp "$HB/default.state" "$TMP/state.good"
# Garble record 0, then record 1: each time the other one loads.
for off in 0 4096; do
	cp "$TMP/state.good" "$HB/default.state"
	printf 'XXXXXXXXXXXX' | dd of="$HB/default.state" bs=1 seek=$((off + 20)) \
	    conv=notrunc status=none
	expect_rc 0 tb start
	c=$(qfield "$HB" curmsg)
	# The newest record, or the one before it: never ahead.
	[ -n "$c" ] && [ "$c" -le "$last" ] && [ "$c" -ge $((last - 64)) ] ||
	    fail "state with record at $off garbled: curmsg '$c', was $last"
	expect_rc 0 tb stop '(Q'
done

# --- both records damaged: no start, a clear error, the file kept -------------

printf 'XXXXXXXXXXXX' | dd of="$HB/default.state" bs=1 seek=20 conv=notrunc status=none
printf 'XXXXXXXXXXXX' | dd of="$HB/default.state" bs=1 seek=4116 conv=notrunc status=none
cp "$HB/default.state" "$TMP/state.bad"
expect_rc 1 tb start
expect_err_oneline
expect_err_has "State file $HB/default.state is damaged: neither of its two records is valid"
expect_err_has "remove it to start a new stream"
cmp -s "$HB/default.state" "$TMP/state.bad" || fail "a refused start changed the state file"

# --- the earlier text format still loads ---------------------------------------

printf 'stream 00112233445566778899aabbccddeeff\nlast 77\n' >"$HB/default.state"
expect_rc 0 tb start
[ "$(qfield "$HB" curmsg)" = 77 ] || fail "the text state did not load: curmsg $(qfield "$HB" curmsg)"
grep -Fq "converted from the text format" "$HB/ts.log,log" ||
    fail "no trace of the conversion"
expect_rc 0 tb stop '(Q'
[ "$(file_size "$HB/default.state")" = 8192 ] || fail "the text state was not converted"
exit 0
