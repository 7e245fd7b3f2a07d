#!/bin/bash
# t_device_end.sh — a character device as the output server's pipe
# (issue 10, defect 3): /dev/null at end of file gives one tape mark and
# one trace, then is read again on a slow timer, where it used to make
# tape marks without end, spin the CPU and fail the stop.  Other
# processes writing /dev/null meanwhile (anyone's 2>/dev/null) are no
# tape files of ours.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

two_homes
expect_rc 0 ta setarg pipe=/dev/null
backup_reader "$TMP/got"
expect_rc 0 tb start
expect_rc 0 ta start
marked() { [ "$(qfield "$HB" curmsg)" = 1 ]; }
wait_for 20 "the tape mark at the input server" marked
pid=$(daemon_pid "$HA") || fail "no pid of the output server"
cpu() { awk '{ print $14 + $15 }' "/proc/$pid/stat"; }
(
	for ((i = 0; i < 200; i++)); do
		echo x >/dev/null
		sleep 0.02
	done
) &
track $!
before=$(cpu)
# A window to see that nothing happens: the device is read again at
# 1 s and 3 s, and must give no mark, no trace and no busy loop.
sleep 4
used=$(($(cpu) - before))
[ "$used" -lt 100 ] ||
    fail "the output server used $used ticks of CPU in 4 s at the device's end"
[ "$(qfield "$HA" curmsg)" = 1 ] ||
    fail "the output server numbered $(qfield "$HA" curmsg) messages, not one mark"
[ "$(qfield "$HB" curmsg)" = 1 ] || fail "the input server got more than one mark"
grep -q "Device end: pipe=/dev/null bytes=0" "$HA/ts.log" ||
    fail "the device's end was not traced"
n=$(grep -c "Device end" "$HA/ts.log")
[ "$n" = 1 ] || fail "Device end traced $n times"
expect_rc 0 ta query
expect_out "Device: at end of file, read again in"
expect_out "Unacknowledged: 0"
[ ! -s "$TMP/got" ] || fail "the reader got bytes from /dev/null"
expect_rc 0 ta stop wait=10
expect_out "Stop on req"
expect_rc 0 tb stop wait=10
exit 0
