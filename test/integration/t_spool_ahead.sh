#!/bin/bash
# t_spool_ahead.sh — a link that cannot keep up never holds the tape
# process back.  While the link keeps up the output server reads its
# pipe only some MiB ahead of the ACKs (doc/PERFORMANCE.md, "How far
# the spool runs ahead"); when the reader on B is slow, the ACKs come
# slowly, and after a short stall the spool takes everything again,
# up to spoolmax.  So a 40 MiB tape file written on A against a reader
# on B that takes 3 MiB/s is written on A long before B has read a
# quarter of it, and B gets it whole, while the output server, its
# spool running ahead, waits for the ACKs without spinning.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "python3 is not installed"
MIB=40

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

head -c $((MIB * 1048576)) /dev/urandom >"$TMP/data"

# The slow reader: 64 KiB every 20 ms.
python3 - "$FIFO_IN" "$TMP/got" <<'EOF' &
import os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
with open(sys.argv[2], "wb", buffering=0) as f:
    while True:
        b = os.read(fd, 65536)
        if not b:
            break
        f.write(b)
        time.sleep(0.02)
EOF
rd=$!
track $rd

cat "$TMP/data" >"$FIFO_OUT" &
wr=$!
track $wr
wait_bg 60 "the tape process to write $MIB MiB" $wr || fail "the writer failed"
got=$(file_size "$TMP/got")
[ "$got" -lt $((MIB * 1048576 / 4)) ] ||
    fail "the tape process was held back by the slow link: B had read" \
    "$got bytes of $((MIB * 1048576)) when A's writer finished"
# Meanwhile the spool runs ahead freely, and the output server waits
# for ACKs: it must not spin (it did, on a stall deadline long past).
pid=$(daemon_pid "$HA") || fail "a: no pid"
hz=$(getconf CLK_TCK)
cpu() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"; }
t0=$(cpu)
sleep 2
used=$(($(cpu) - t0))
[ "$used" -lt "$hz" ] ||
    fail "the output server used $used of $((2 * hz)) clock ticks in 2 s" \
    "waiting for a slow link"
wait_bg 120 "the slow reader to read everything" $rd ||
    fail "the reader failed"
cmp -s "$TMP/data" "$TMP/got" ||
    fail "read $(file_size "$TMP/got") bytes of $((MIB * 1048576)), or other bytes"
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
exit 0
