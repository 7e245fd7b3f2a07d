#!/bin/bash
# t_stop_warning.sh — stop warns of bytes left in the pipe, in the words
# of the side it stops (issue 10, defect 12): on the input side they
# wait for the reader, not for the server.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

two_homes
# A reader that opens b's pipe and never reads from it.
( exec 3<"$FIFO_IN"; exec sleep 600 ) &
track $!
expect_rc 0 tb start
expect_rc 0 ta start
# One block through the pair, into b's pipe, where it stays.
( exec 5>"$FIFO_OUT"; printf 'a block for nobody\n' >&5; exec sleep 600 ) &
track $!
waiting() {
	TAPESOCK_HOME="$HB" "$BIN/tape-socket" listpipes 2>/dev/null |
	    awk -v p="$FIFO_IN" '$1 == p && $5 ~ /^[1-9][0-9]*$/ { ok = 1 }
	    END { exit !ok }'
}
wait_for 20 "the block waiting in b's pipe" waiting
expect_rc 0 tb stop wait=0 '(Q'
expect_err "$FIFO_IN holds 19 bytes its reader has not taken yet"
grep -q "not yet taken by the server" "$ERR" &&
    fail "the input side's warning speaks of the server"
exit 0
