#!/bin/bash
# t_resync.sh — the operator's resync (reference manual: "Send resync",
# "Re-sync n").  The input server's home loses its record (reset, as
# after a restore); the output server, whose spool starts past message
# 1, refuses to resume (Bad msg num) until `tape-socket resync` makes it
# send SYNC: then the stream goes on from the first message it holds.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
. "$(dirname "$0")/lib.sh"

plog_has() { grep -Fq -- "$2" "$1/ts.log,log"; }

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

# Nothing to resync while the pair agrees.
connected() { [ "$(qfield "$HA" Connected)" = yes ]; }
wait_for 10 "the pair to connect" connected
expect_rc 1 ta resync
expect_err_has "nothing to resync"
# Not a command of the input server.
expect_rc 1 tb resync
expect_err_has "is an output server command"

: >"$TMP/got"
(
	while :; do cat "$FIFO_IN" >>"$TMP/got" || sleep 0.1; done
) &
track $!
got_at_least() { [ "$(file_size "$TMP/got")" -ge "$1" ]; }

# Two lives of the output server, so that the spool's first segment
# (messages from 1) is trimmed and the spool starts later.
head -c 50000 /dev/urandom >"$TMP/fa"
cat "$TMP/fa" >"$FIFO_OUT"
wait_for 20 "the first file" got_at_least 50000
expect_rc 0 ta stop '(Q'
expect_rc 0 ta start
head -c 50000 /dev/urandom >"$TMP/fb"
cat "$TMP/fb" >"$FIFO_OUT"
wait_for 20 "the second file" got_at_least 100000
acked() { [ "$(qfield "$HA" Unacknowledged)" = 0 ]; }
wait_for 10 "every message acknowledged" acked
first=$(qfield "$HA" Spool | sed -n 's/.*messages \([0-9]*\) to.*/\1/p')
[ "${first:-0}" -gt 1 ] || fail "the spool still starts at message ${first:-?}"

# The input server loses its record.
expect_rc 0 tb stop '(Q'
expect_rc 0 tb reset '(Q'
expect_rc 0 tb start
refused() { plog_has "$HA" "Bad msg num '0'"; }
wait_for 15 "the output server to refuse the resume" refused
expect_rc 0 ta resync
expect_out_has "resync at the next call"
synced() { plog_has "$HA" "Send resync" && plog_has "$HB" "Re-sync "; }
wait_for 15 "Send resync / Re-sync" synced
head -c 50000 /dev/urandom >"$TMP/fc"
cat "$TMP/fc" >"$FIFO_OUT"
wait_for 20 "the file after the resync" got_at_least 150000
sleep 0.3
cat "$TMP/fa" "$TMP/fb" "$TMP/fc" >"$TMP/want"
cmp -s "$TMP/want" "$TMP/got" || fail "what arrived differs from what was written"
[ "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)" ] ||
    fail "curmsg differs: $(qfield "$HA" curmsg) / $(qfield "$HB" curmsg)"
echo "resync: refused, then SYNC, then the stream goes on"
