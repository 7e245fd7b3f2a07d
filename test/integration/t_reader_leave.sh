#!/bin/bash
# t_reader_leave.sh — a reader that leaves early (`head -c 1000 < pipe`)
# loses the rest of its tape file, and the next reader gets exactly the
# next file: not the rest of the first one, not a mix.  Twenty times in
# a row, since it is a race between the reader's close and the server's
# (README, "A reader that leaves early").
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

TRIES=20

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

# Small files, each one write (under PIPE_BUF): one block and a mark.
head -c 3000 /dev/urandom >"$TMP/file1"
head -c 3500 /dev/urandom >"$TMP/file2"
head -c 1000 "$TMP/file1" >"$TMP/want1"

connected() { [ "$(qfield "$HA" Connected)" = yes ]; }
wait_for 20 "the pair to connect" connected
numbered() { [ "$(qfield "$HA" curmsg)" = "$1" ]; }
# Nobody has the receiving pipe open: the input server and its keeper
# have seen the reader leave and closed their ends (README: the next
# reader must open the pipe after that; on a loaded machine it takes
# them longer than a shell takes to start the next command).
# One find, not a readlink per descriptor of the machine: on a busy
# machine the loop took seconds a try.
pipe_closed() {
	[ -z "$(find /proc/[0-9]*/fd -maxdepth 1 -lname "$FIFO_IN" -print \
	    -quit 2>/dev/null)" ]
}
cur=$(qfield "$HA" curmsg)
for ((t = 1; t <= TRIES; t++)); do
	rm -f "$TMP/head" "$TMP/got" "$TMP/left"
	(
		head -c 1000 <"$FIFO_IN" >"$TMP/head" || exit 1
		: >"$TMP/left"
		wait_for 10 "the pipe's writers to see the reader leave" \
		    pipe_closed
		exec cat "$FIFO_IN" >"$TMP/got"
	) &
	rd=$!
	track $rd
	if [ $((t % 2)) = 1 ]; then
		# One block, then the mark: the reader leaves before or
		# after the mark has reached the input server.
		cat "$TMP/file1" >"$FIFO_OUT" || fail "try $t: writing file 1 failed"
		n=2
	else
		# Half a file, the reader leaves, then the rest: the input
		# server is in the middle of the file when the reader goes.
		exec 3>"$FIFO_OUT"
		head -c 1500 "$TMP/file1" >&3
		wait_for 10 "try $t: head to leave" test -e "$TMP/left"
		tail -c +1501 "$TMP/file1" >&3
		exec 3>&-
		n=3
	fi
	# The second file only once the first one's mark is numbered: else
	# the two are one tape file already on the sending side.
	wait_for 10 "try $t: file 1 and its mark numbered" numbered $((cur + n))
	cat "$TMP/file2" >"$FIFO_OUT" || fail "try $t: writing file 2 failed"
	cur=$((cur + n + 2))
	wait_bg 20 "try $t: the readers" $rd || fail "try $t: a reader failed"
	cmp -s "$TMP/want1" "$TMP/head" ||
	    fail "try $t: head read $(file_size "$TMP/head") bytes, not the first 1000 of file 1"
	cmp -s "$TMP/file2" "$TMP/got" ||
	    fail "try $t: the next reader read $(file_size "$TMP/got") bytes," \
	    "not file 2 ($(file_size "$TMP/file2") bytes)"
done
# Either the reader left before the mark (Broken pipe, the rest of the
# block skipped) or after it: both must give the same result.
echo "NOTE: $TEST: $(grep -c "Broken pipe" "$HB/ts.log,log") of $TRIES readers left before the tape mark"
[ "$(qfield "$HA" curmsg)" = "$cur" ] || fail "a numbered $(qfield "$HA" curmsg) messages, not $cur"
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
