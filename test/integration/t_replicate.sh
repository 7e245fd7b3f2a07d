#!/bin/bash
# t_replicate.sh — real replication between two homes on 127.0.0.1:
# a tar archive, 1 GiB of random data, three tape files in a row, the
# message numbers of both servers, and a stop that delivered everything.
#
#   a: writer -> FIFO_OUT -> [output server] --TCP--> [input server]
#   b:                        reader <- FIFO_IN <-------'
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
. "$(dirname "$0")/lib.sh"

command -v tar >/dev/null || skip "no tar"
command -v sha256sum >/dev/null || skip "no sha256sum"

two_homes
expect_rc 0 tb start
expect_out "^server 'default' Started \(pid [0-9]+\)"
expect_rc 0 ta start
expect_out "^server 'default' Started \(pid [0-9]+\)"
is_running "$HA" || fail "the output server does not run after start"
is_running "$HB" || fail "the input server does not run after start"

# --- 1. a tar archive of a tree -------------------------------------------

SRC="$TMP/src"
mkdir -p "$SRC/a/b/c" "$SRC/d" "$SRC/with space" "$TMP/dst" ||
    fail "mkdir $SRC"
head -c 300000 /dev/urandom >"$SRC/a/big.bin"
head -c 4097 /dev/urandom >"$SRC/a/b/c/pipebuf+1.bin"
head -c 1 /dev/urandom >"$SRC/d/one"
: >"$SRC/d/empty"
seq 1 20000 >"$SRC/with space/numbers.txt"
head -c 70000 /dev/urandom >"$SRC/a/b/mid.bin"

# The reader reads to the end of file (the tape mark), so that the
# output server has seen that end before the next writer opens.
(
	set -o pipefail
	# shellcheck disable=SC2002	# cat reads on to the end of file
	cat "$FIFO_IN" | tar -xf - -C "$TMP/dst"
) &
rd=$!
track $rd
tar -cf - -C "$SRC" . >"$FIFO_OUT" & wr=$!
track $wr
wait_bg 30 "tar c into $FIFO_OUT" $wr || fail "tar c into $FIFO_OUT failed"
wait_bg 30 "tar x from $FIFO_IN" $rd || fail "tar x from $FIFO_IN failed"
diff -r "$SRC" "$TMP/dst" >"$TMP/diff" 2>&1 ||
    fail "the tree extracted on b differs from a's: $(head -n 5 "$TMP/diff")"

# --- 2. 1 GiB of random data: 64 MiB written 16 times, one writer -----------

head -c $((64 * 1024 * 1024)) /dev/urandom >"$TMP/chunk" ||
    fail "cannot write $TMP/chunk"
sha256sum <"$FIFO_IN" >"$TMP/got.sha" &
rd=$!
track $rd
(
	for i in $(seq 16); do
		cat "$TMP/chunk" || exit 1
	done >"$FIFO_OUT"
) &
wr=$!
track $wr
# The hash of what is written, while it flows.
for i in $(seq 16); do cat "$TMP/chunk"; done | sha256sum >"$TMP/want.sha"
wait_bg 100 "1 GiB written into $FIFO_OUT" $wr || fail "the 1 GiB writer failed"
wait_bg 30 "1 GiB read from $FIFO_IN" $rd || fail "the 1 GiB reader failed"
[ "$(cat "$TMP/got.sha")" = "$(cat "$TMP/want.sha")" ] ||
    fail "1 GiB: sha256 read $(cat "$TMP/got.sha"), written $(cat "$TMP/want.sha")"
rm -f "$TMP/chunk"

# --- 3. three tape files in a row -----------------------------------------

head -c 1 /dev/urandom >"$TMP/file1"
head -c $((5 * 1024 * 1024 + 13)) /dev/urandom >"$TMP/file2"
seq 1 30000 >"$TMP/file3"
(
	for k in 1 2 3; do
		cat "$FIFO_IN" >"$TMP/out$k" || exit 1
		: >"$TMP/done$k"
	done
) &
rd=$!
track $rd
for k in 1 2 3; do
	cat "$TMP/file$k" >"$FIFO_OUT" &
	wr=$!
	track $wr
	wait_bg 30 "tape file $k written" $wr || fail "writer $k failed"
	# The next file only once this one has reached the reader whole.
	wait_for 30 "tape file $k at the reader" test -e "$TMP/done$k"
	cmp -s "$TMP/file$k" "$TMP/out$k" ||
	    fail "tape file $k: read $(file_size "$TMP/out$k") bytes," \
	    "wrote $(file_size "$TMP/file$k"), or different bytes"
done
wait_bg 10 "the reader of the three files" $rd || fail "the reader failed"

# --- 4. both servers agree on the message number ----------------------------

settled()
{
	[ "$(qfield "$HA" Unacknowledged)" = 0 ] &&
	    [ "$(qfield "$HB" Unwritten)" = 0 ] &&
	    [ -n "$(qfield "$HA" curmsg)" ] &&
	    [ "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)" ]
}
wait_for 20 "every message acknowledged and equal curmsg" settled
cur=$(qfield "$HA" curmsg)
# 1 GiB alone is at least 1024 blocks (a block is at most 1 MiB, the
# protocol's largest payload), and there were 5 tape marks.
[ "$cur" -ge 1029 ] || fail "curmsg is $cur after 1 GiB and 5 tape files"
expect_rc 0 ta query
expect_out "^curmsg: $cur\$"
expect_rc 0 tb query
expect_out "^curmsg: $cur\$"

# --- 5. stop both: everything delivered ------------------------------------

expect_rc 0 ta stop
expect_out "^server 'default' stopped: Stop on req"
expect_rc 0 tb stop
expect_out "^server 'default' stopped: Stop on req"
for h in "$HA" "$HB"; do
	is_running "$h" && fail "a server of $h still runs after stop"
	TAPESOCK_HOME="$h" expect_rc 0 ts status
	grep -E '[[:space:]]default[[:space:]]' "$OUT" | grep -q 'Stop on req' ||
	    fail "status in $h does not show 'Stop on req': $(cat "$OUT")"
	[ -e "$h/default.pid" ] && fail "$h/default.pid left after stop"
done

exit 0
