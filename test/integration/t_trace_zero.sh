#!/bin/bash
# t_trace_zero.sh — trace=0 (issue 10, defect 2): the ring keeps the
# server's last entry, so stop tells how it ended and status shows it,
# where every stop used to fail with "did not stop cleanly: no trace".
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F=$(mkpipe p)
PORT=$(free_port) || exit 99
expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1 \
    trace=0
for i in 1 2; do
	expect_rc 0 ts start
	expect_rc 0 ts stop wait=0
	expect_out "Stop on req"
	expect_no_err "no trace"
done
expect_rc 0 ts status
expect_out "Stop on req"
n=$(awk -F'\t' '$3 == "default"' "$TAPESOCK_HOME/ts.log" | wc -l)
# One kept, and at most the slack of one compaction beyond it.
[ "$n" -ge 1 ] || fail "trace=0 kept no entry"
exit 0
