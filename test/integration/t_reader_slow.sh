#!/bin/bash
# t_reader_slow.sh — a slow reader gets its tape files one by one.  The
# reader opens the pipe and takes 7 s before it reads a file to its end
# and closes; meanwhile the next tape file has arrived.  The input
# server must not write it into the pipe that reader still has open
# (it would read two files as one): it waits however long it takes,
# says so once in its traces, shows it in query, and goes on when the
# reader has closed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

SLOW=7			# seconds the reader holds each of files 1 and 2

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

head -c 100000 /dev/urandom >"$TMP/file1"
head -c 300001 /dev/urandom >"$TMP/file2"
seq 1 5000 >"$TMP/file3"

(
	for k in 1 2 3; do
		if [ $k -lt 3 ]; then slow=$SLOW; else slow=0; fi
		{ sleep $slow; cat >"$TMP/out$k"; } <"$FIFO_IN" || exit 1
		: >"$TMP/done$k"
	done
) &
rd=$!
track $rd

reader_wait() { [ "$(qfield "$HB" Status)" = "Wait reader close" ]; }
for k in 1 2 3; do
	cat "$TMP/file$k" >"$FIFO_OUT" &
	wr=$!
	track $wr
	wait_bg 30 "tape file $k written" $wr || fail "writer $k failed"
	[ $k = 3 ] && break
	# File k and its mark are in the reader's pipe, the reader has not
	# closed it: the server waits, and the next file is held.
	wait_for 20 "the input server to wait for the reader after file $k" \
	    reader_wait
	[ -e "$TMP/done$k" ] && fail "the reader had closed file $k already"
done

# File 3 is held behind the reader of file 2: traced, and in query.
held() { grep -Fq "the next tape file waits" "$HB/ts.log,log"; }
wait_for 10 "the trace of a held tape file" held
# (status first: a query is traced, "Local query".)
last_trace_is "$HB" "Reader has not closed the pipe since tape mark" ||
    fail "status does not show the wait for the reader"
expect_rc 0 tb query
expect_out "^Status: Wait reader close$"
expect_out "^Reader wait: [0-9]+ s since tape mark [0-9]+$"

wait_bg 40 "the reader of the three files" $rd || fail "the reader failed"
for k in 1 2 3; do
	cmp -s "$TMP/file$k" "$TMP/out$k" ||
	    fail "tape file $k: read $(file_size "$TMP/out$k") bytes," \
	    "wrote $(file_size "$TMP/file$k"), or different bytes"
done
n=$(grep -c "Reader has not closed the pipe since tape mark" "$HB/ts.log,log")
if [ "$n" -lt 1 ] || [ "$n" -gt 2 ]; then
	fail "$n traces of the wait for 2 slow closes (once each at most)"
fi
grep -Eq "Reader closed the pipe after ([5-9]|[1-9][0-9])\.[0-9] s" \
    "$HB/ts.log,log" || fail "no trace of the reader's late close"
settled() { [ "$(qfield "$HB" Status)" != "Wait reader close" ] &&
    [ "$(qfield "$HB" Unwritten)" = 0 ]; }
wait_for 10 "the input server to go on after the last file" settled
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
