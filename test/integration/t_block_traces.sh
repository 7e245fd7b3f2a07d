#!/bin/bash
# t_block_traces.sh — traces and fields as the manual has them (issue
# 10, section 2): with (V the block traces Pread, Nwrit, Nread, Pwrit
# carry a hex dump of the data's first 16 bytes, not only its length;
# "Open pipe" when a server waits for its tape process; the output
# server's msgin counts what it read from its pipe, not the frames of
# the input server; an orderly close by the peer is "Connection closed
# by peer", never "Nread err=0".
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for
. "$(dirname "$0")/lib.sh"

two_homes

# ring_has HOME TEXT: a ts.log entry of HOME whose text starts with TEXT.
ring_has()
{
	[ -f "$1/ts.log" ] &&
	    awk -F '\t' -v t="$2" 'index($9, t) == 1 { f = 1 } END { exit !f }' \
	    "$1/ts.log"
}
connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
q_is() { [ "$(qfield "$1" "$2")" = "$3" ]; }

# The ring keeps every entry of the test (trace=4 would compact them).
expect_rc 0 ta setarg trace=10000
expect_rc 0 tb setarg trace=10000
expect_rc 0 tb start '(V'
expect_rc 0 ta start '(V'
wait_for 10 "both connected" connected
wait_for 5 "a to trace 'Open pipe'" ring_has "$HA" "Open pipe"

# One block of 40 bytes, its first 16 "tapesock-block-0" in hex.
BLOCK='tapesock-block-0123456789abcdefghijklmn'
HEX=$(printf '%s' "${BLOCK:0:16}" | od -An -tx1 | tr -d ' \n')
[ "$HEX" = 74617065736f636b2d626c6f636b2d30 ] || fail "od gave '$HEX'"
LEN=${#BLOCK}

# No reader yet: the input server waits for one, and says so once.
printf '%s' "$BLOCK" >"$FIFO_OUT"
wait_for 10 "b to trace 'Open pipe'" ring_has "$HB" "Open pipe"
sleep 2
n=$(awk -F '\t' 'index($9, "Open pipe") == 1' "$HB/ts.log" | wc -l)
[ "$n" = 1 ] || fail "b traced 'Open pipe' $n times while it waited for one reader"
GOT="$TMP/got"
backup_reader "$GOT"
got_block() { [ "$(cat "$GOT")" = "$BLOCK" ]; }
wait_for 10 "the block to reach b's reader" got_block

for t in "a:Pread $LEN $HEX" "a:Nwrit $LEN $HEX" "b:Nread $LEN $HEX" \
    "b:Pwrit $LEN $HEX"; do
	h=$HA
	[ "${t%%:*}" = b ] && h=$HB
	wait_for 5 "${t%%:*} to trace '${t#*:}'" ring_has "$h" "${t#*:}"
	grep -Fq -- "${t#*:}" "$h/ts.log,log" ||
	    fail "'${t#*:}' is not in $h/ts.log,log"
done
# Protocol frames are traced with their header (no data to dump).
wait_for 10 "b to trace the Nwrit of a protocol frame (ACK, heartbeat)" ring_has "$HB" "Nwrit 0 "
wait_for 10 "a to trace the Nread of a protocol frame" ring_has "$HA" "Nread 0 "
# The hex is bounded: no trace dumps a whole block.
awk -F '\t' '$9 ~ /^(Pread|Pwrit|Nread|Nwrit) [0-9]+ / &&
    length($9) > 50 { print; bad = 1 } END { exit bad }' \
    "$HA/ts.log" "$HB/ts.log" || fail "a block trace longer than 16 bytes of hex"

# msgin: the output server counts what it read from its pipe (the
# block, then the tape mark of its writer's close), the input server
# every frame; msgout the other way round.
wait_for 10 "a to take the tape mark" q_is "$HA" curmsg 2
wait_for 10 "b to write the tape mark" q_is "$HB" curmsg 2
for i in 1 2 3; do
	expect_rc 0 ta query
	expect_out "^msgin: 2\$"
	sleep 1	# ACKs and heartbeats come meanwhile: not counted
done
[ "$(qfield "$HB" msgout)" = 2 ] ||
    fail "b's msgout is $(qfield "$HB" msgout), 2 written into its pipe"
[ "$(qfield "$HB" msgin)" -ge 3 ] ||
    fail "b's msgin is $(qfield "$HB" msgin): HELLO and 2 messages at least"
[ "$(qfield "$HA" msgout)" -ge 3 ] ||
    fail "a's msgout is $(qfield "$HA" msgout): HELLO and 2 messages at least"

# An orderly close: b stops, a sees the end of file.
expect_rc 0 tb stop '(Q'
wait_for 10 "a to trace 'Connection closed by peer'" \
    ring_has "$HA" "Connection closed by peer"
grep -Fq 'Nread err=0' "$HA/ts.log,log" &&
    fail "an orderly close was traced 'Nread err=0'"
expect_rc 0 ta stop '(Q'
last_trace_is "$HA" "Stop on req" || fail "a: the stop did not end with 'Stop on req'"
exit 0
