#!/bin/bash
# t_reader_next.sh — after a tape mark the input server waits for the
# readers that had the pipe open when the mark was made, and for those
# only.  A reader that opens the pipe after the mark without waiting
# for a writer (O_NONBLOCK, as a program that polls its input does) is
# the next file's reader: waiting for it to close would wait forever,
# since it waits for the next file.
#
# One process reads tape file 1 on a blocking descriptor to its end,
# opens the pipe again O_NONBLOCK, then closes the first: file 2 must
# come on the second descriptor.  Then benchio's latency probe, which
# opens its reader the same way, must get its lone blocks through.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"
[ -x "$BIN/benchio" ] || skip "no $BIN/benchio (make $BIN/benchio)"

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

head -c 200000 /dev/urandom >"$TMP/file1"
head -c 150001 /dev/urandom >"$TMP/file2"

python3 - "$FIFO_IN" "$TMP/out1" "$TMP/out2" <<'EOF' &
import os, select, sys
pipe, out1, out2 = sys.argv[1:4]

def drain(fd, path):
    with open(path, "wb") as f:
        while True:
            select.select([fd], [], [])
            try:
                b = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not b:
                return
            f.write(b)

first = os.open(pipe, os.O_RDONLY)          # blocks until file 1 comes
drain(first, out1)
# The next file's reader is here before the last one has gone.
second = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
os.close(first)
drain(second, out2)
os.close(second)
EOF
rd=$!
track $rd

cat "$TMP/file1" >"$FIFO_OUT" || fail "writer 1 failed"
got1() { [ "$(file_size "$TMP/out1")" -ge 200000 ]; }
wait_for 30 "tape file 1 at the reader" got1
cat "$TMP/file2" >"$FIFO_OUT" || fail "writer 2 failed"
wait_bg 30 "tape file 2 on the reader's second descriptor" $rd ||
    fail "the reader of the second file failed, or the server waited" \
    "for it ($(qfield "$HB" Status))"
for k in 1 2; do
	cmp -s "$TMP/file$k" "$TMP/out$k" ||
	    fail "tape file $k: read $(file_size "$TMP/out$k") bytes," \
	    "wrote $(file_size "$TMP/file$k"), or different bytes"
done

# A file by benchio run, then its latency probe, as make bench does.
settled() { [ "$(qfield "$HB" Unwritten)" = 0 ] &&
    [ "$(qfield "$HB" Status)" != "Wait reader close" ]; }
wait_for 10 "the input server to settle" settled
timeout 30 "$BIN/benchio" run "$FIFO_OUT" "$FIFO_IN" 65536 16 >"$OUT" 2>"$ERR" ||
    fail "benchio run: $(cat "$ERR")"
timeout 30 "$BIN/benchio" lat "$FIFO_OUT" "$FIFO_IN" 500 20 5 2 \
    >"$OUT" 2>"$ERR" ||
    fail "the latency probe got no answer after a tape mark: $(cat "$ERR")"
expect_out "^n=18 p50_us=[0-9]+ "
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
