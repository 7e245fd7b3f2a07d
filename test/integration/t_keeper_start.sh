#!/bin/bash
# t_keeper_start.sh — a server never waits in its loop for a keeper to
# start (issue 8 §2).  The keepers' start is slowed by the test hook
# TAPESOCK_TEST_KEEPER_DELAY_MS (DEVELOPING.md), which only the keeper
# program reads.
#
#  1. The output server: `start` returns without waiting for its
#     keeper; `query` is answered at once and says "Keeper: starting";
#     the report collected later is traced ("Keeper n holds the pipe").
#  2. The input server: while the keeper of a tape file starts, the
#     file's bytes go to the reader and `query` is answered at once;
#     the tape mark, already received, waits for the keeper's report
#     and nothing is written past it.  The reader's file ends exactly at
#     the mark; the next file goes, whole, to the next reader.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

DELAY=3000		# ms of the keeper's start
QUICK=1000		# ms: "at once", well under DELAY
export TAPESOCK_TEST_KEEPER_DELAY_MS=$DELAY

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# timed_query HOME: query's answer in $TMP/q, its time in ms on stdout.
timed_query()
{
	local t0 t1

	t0=$(now_ms)
	TAPESOCK_HOME="$1" "$BIN/tape-socket" query >"$TMP/q" 2>&1 ||
	    fail "query of $1 failed: $(cat "$TMP/q")"
	t1=$(now_ms)
	echo $((t1 - t0))
}

keeper_of() { sed -n 's/^Keeper: *//p' "$TMP/q" | head -n 1; }

two_homes
expect_rc 0 tb start

# --- 1. the output server ----------------------------------------------------

t0=$(now_ms)
expect_rc 0 ta start
took=$(($(now_ms) - t0))
[ "$took" -lt $((DELAY - 500)) ] ||
    fail "a: start took $took ms: it waited for the keeper ($DELAY ms)"
ms=$(timed_query "$HA")
[ "$(keeper_of)" = starting ] ||
    fail "a: query during the keeper's start says Keeper: '$(keeper_of)'"
[ "$ms" -lt "$QUICK" ] || fail "a: query took $ms ms while the keeper started"
echo "a: start $took ms, query $ms ms while its keeper starts"
keeper_up() { [[ "$(qfield "$HA" Keeper)" =~ ^[0-9]+$ ]]; }
wait_for 20 "the output keeper's report" keeper_up
kp=$(qfield "$HA" Keeper)
grep -Fq "Keeper $kp holds the pipe" "$HA/ts.log,log" ||
    fail "a: no 'Keeper $kp holds the pipe' trace"

# --- 2. the input server: a tape mark while the keeper starts ----------------

seq -f 'first %06g' 1 20000 >"$TMP/file1"
seq -f 'second %06g' 1 15000 >"$TMP/file2"

cat "$FIFO_IN" >"$TMP/got1" &
reader1=$!
track $reader1

cat "$TMP/file1" >"$FIFO_OUT" || fail "cannot write file1"

# Every byte at the reader, the mark received and held (Unwritten: 1),
# the keeper still on its way.
got_file1() { [ "$(file_size "$TMP/got1")" -eq "$(file_size "$TMP/file1")" ]; }
mark_held() { [ "$(qfield "$HB" Unwritten)" = 1 ]; }
wait_for 20 "file1's bytes at the reader" got_file1
wait_for 20 "the tape mark at the input server" mark_held
ms=$(timed_query "$HB")
[ "$(keeper_of)" = starting ] ||
    fail "b: the mark came after the keeper's start: Keeper: '$(keeper_of)'" \
    "(raise DELAY?)"
[ "$ms" -lt "$QUICK" ] || fail "b: query took $ms ms while the keeper started"
pid_gone $reader1 && fail "b: the reader saw end of file before the keeper reported"
echo "b: query $ms ms while the keeper starts, the tape mark held"

# The next tape file comes while the mark is held: nothing of it may
# reach the first reader.
cat "$TMP/file2" >"$FIFO_OUT" || fail "cannot write file2"

wait_bg 20 "the first reader to see the tape mark" $reader1 ||
    fail "the first reader failed"
cmp -s "$TMP/file1" "$TMP/got1" ||
    fail "the first reader got $(file_size "$TMP/got1") bytes, not file1" \
    "($(file_size "$TMP/file1"))"

cat "$FIFO_IN" >"$TMP/got2" &
reader2=$!
track $reader2
wait_bg 30 "the second reader to see its tape mark" $reader2 ||
    fail "the second reader failed"
cmp -s "$TMP/file2" "$TMP/got2" ||
    fail "the second reader got $(file_size "$TMP/got2") bytes, not file2" \
    "($(file_size "$TMP/file2"))"
grep -Fq "Reader keeper not started" "$HB/ts.log,log" &&
    fail "b: a keeper failed to start"

expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
