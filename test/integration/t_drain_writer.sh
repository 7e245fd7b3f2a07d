#!/bin/bash
# t_drain_writer.sh — the drain at start and a writer blocked in its
# open() of the FIFO (issue 10, defect 5).  The output server's start
# drains what waits in its pipe into ts.log,backup; its drain's open let
# the writer go, and its close left the writer without a reader before
# the server's own open: SIGPIPE in 2 runs of 3, and bytes neither saved
# nor sent.  Now the server opens its read end first and drains through
# it: every byte written is either drained (a prefix of what was
# written, saved) or sent (the rest), exactly, and the writer exits 0.
# Several rounds, each with the writer waiting in open() before start.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

cut -d' ' -f1 "/proc/$$/syscall" >/dev/null 2>&1 ||
    skip "no /proc/PID/syscall to see a writer blocked in open()"
two_homes
seq -w 1 14286 >"$TMP/data"		# 100,002 bytes of numbered lines
SIZE=$(stat -c %s "$TMP/data")
backup_reader "$TMP/got"
expect_rc 0 tb start
BACKUP="$HA/ts.log,backup"

# The bytes= of every drain header so far.
drained() {
	[ -f "$BACKUP" ] || { echo 0; return; }
	grep -ao '^#tapesock-drain date=.* pipe=.* bytes=[0-9]\{20\}' \
	    "$BACKUP" | sed 's/.*bytes=//' | awk '{ s += $1 } END { print s + 0 }'
}
# Blocked in open(2) or openat(2) (x86-64 2 and 257, arm64 56).
in_open() {
	local nr
	nr=$(cut -d' ' -f1 "/proc/$1/syscall" 2>/dev/null)
	case $nr in 2 | 257 | 56) return 0 ;; esac
	return 1
}
keeper_gone() {
	local pid
	[ -f "$HA/default.keeper" ] || return 0
	pid=$(tr -dc 0-9 <"$HA/default.keeper" 2>/dev/null) || return 0
	[ -z "$pid" ] && return 0
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tapesockd ] || return 0
	kill -TERM "$pid" 2>/dev/null
	return 1
}
gone() { ! kill -0 "$1" 2>/dev/null; }
size_is() { [ "$(stat -c %s "$TMP/got")" = "$1" ]; }

for round in 1 2 3 4 5; do
	before=$(stat -c %s "$TMP/got")
	d0=$(drained)
	# Small writes, so that some fall in the moment the drain used
	# to leave the pipe without a reader.
	dd if="$TMP/data" of="$FIFO_OUT" bs=512 status=none 2>"$TMP/dd.err" &
	wpid=$!
	track "$wpid"
	wait_for 10 "round $round: the writer blocked in open()" in_open "$wpid"
	expect_rc 0 ta start
	wait_for 30 "round $round: the writer's end" gone "$wpid"
	wait "$wpid"
	rc=$?
	[ "$rc" = 0 ] ||
	    fail "round $round: the writer exited $rc: $(cat "$TMP/dd.err")"
	d=$(($(drained) - d0))
	# Nobody held the FIFO before start: nothing waited in it, and
	# the writer let go by the server's open is the stream's.  (Only
	# root sees every process in /proc: another user's server takes
	# the FIFO as held and drains what waits at its open.)
	if [ "$(id -u)" = 0 ] && [ "$d" != 0 ]; then
		fail "round $round: $d bytes of the writer drained"
	fi
	sent=$((SIZE - d))
	wait_for 30 "round $round: $sent bytes at the reader ($d drained)" \
	    size_is $((before + sent))
	# Drained: the start of what was written; sent: all the rest.
	if [ "$d" -gt 0 ]; then
		tail -c "$((d + 1))" "$BACKUP" | head -c "$d" |
		    cmp -s - <(head -c "$d" "$TMP/data") ||
		    fail "round $round: the drained bytes are not the writer's first $d"
	fi
	tail -c "+$((before + 1))" "$TMP/got" | cmp -s - <(tail -c "$sent" "$TMP/data") ||
	    fail "round $round: the bytes sent are not the writer's last $sent"
	expect_rc 0 ta stop wait=10
	# The keeper holds the pipe after a stop: without it, the next
	# writer waits in open() and the next start drains.
	wait_for 10 "round $round: the keeper gone" keeper_gone
done
exit 0
