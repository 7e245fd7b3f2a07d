#!/bin/bash
# s_resources.sh — bounded resources against a hostile or careless
# local client, on one input server (127.0.0.1 only):
#   - control clients that connect and say nothing, or half a request,
#     are closed after the control timeout (CONTROL_IDLE_S, 10 s) while
#     the server answers others;
#   - with every control slot held, the next client is refused at once
#     ("busy"), not left hanging;
#   - a request whose client hung up before the server got to it is not
#     run (a STOP sent to a stopped, then continued, server);
#   - the permanent log rotates at logmax= (64K): ts.log,log becomes
#     ts.log,log.1, the one before is dropped.
#
#   BIN=$PWD/build bash test/security/s_resources.sh
#
# Exit 0 pass, 77 skip, 99 fail; everything is cleaned up on exit.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

command -v python3 >/dev/null 2>&1 || skip "no python3 for the raw socket clients"

PLOG="$TAPESOCK_HOME/ts.log,log"
SOCK="$TAPESOCK_HOME/default.sock"
PORT=$(free_port) || exit 99
F=$(mkpipe in)

# client OUTFILE [BYTES]: connect to the control socket, send BYTES (no
# newline added), then wait (30 s at most) for the server to close;
# OUTFILE says "connected", then "closed SECONDS DATA".
cat >"$TMP/client.py" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
t = time.monotonic()
with open(sys.argv[2], "w") as f:
    f.write("connected\n")
if len(sys.argv) > 3 and sys.argv[3]:
    s.sendall(sys.argv[3].encode())
s.settimeout(30)
data = b""
try:
    while True:
        d = s.recv(4096)
        if not d:
            break
        data += d
except OSError:
    pass
with open(sys.argv[2], "a") as f:
    f.write("closed %.1f %r\n" % (time.monotonic() - t, data))
EOF
client()
{
	python3 "$TMP/client.py" "$SOCK" "$@" &
	track $!
}
connected() { grep -q '^connected' "$1" 2>/dev/null; }
closed() { grep -q '^closed' "$1" 2>/dev/null; }
plog_has() { grep -Fq -- "$1" "$PLOG"; }

expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1 \
    logmax=64K
expect_rc 0 ts start
PID=$(daemon_pid "$TAPESOCK_HOME") || fail "no pid file after start"

# --- idle control clients, and the server answers meanwhile --------------

client "$TMP/idle1"
client "$TMP/half" "QUERY"		# half a request: no newline
wait_for 5 "two idle clients connected" connected "$TMP/idle1"
wait_for 5 "the half-request client connected" connected "$TMP/half"
expect_rc 0 ts query
expect_out "^Status: "

# --- all SRV_CTL_MAX (4) slots held: refused at once ----------------------

client "$TMP/idle3"
client "$TMP/idle4"
wait_for 5 "third idle client connected" connected "$TMP/idle3"
wait_for 5 "fourth idle client connected" connected "$TMP/idle4"
t0=$SECONDS
expect_rc 1 ts query
[ $((SECONDS - t0)) -le 3 ] || fail "a busy server took $((SECONDS - t0)) s to refuse"
expect_err_has "busy"
expect_err_oneline

# --- the idle ones are closed after the control timeout --------------------

for c in idle1 half idle3 idle4; do
	wait_for 20 "the server closed the idle client $c" closed "$TMP/$c"
	secs=$(sed -n 's/^closed \([0-9]*\)\..*/\1/p' "$TMP/$c")
	[ "$secs" -ge 8 ] && [ "$secs" -le 15 ] ||
	    fail "idle client $c closed after $secs s, not about 10: $(cat "$TMP/$c")"
done
grep -q "^closed.* b''" "$TMP/idle1" || fail "the idle client got an answer: $(cat "$TMP/idle1")"
plog_has "Control timeout: uid" || fail "no 'Control timeout' in $PLOG"
plog_has "Control busy: uid" || fail "no 'Control busy' in $PLOG"
expect_rc 0 ts query
expect_out "^Status: "

# --- a request whose client is gone is not run -----------------------------

kill -STOP "$PID" || fail "cannot stop the server process $PID"
python3 - "$SOCK" <<'EOF' || { kill -CONT "$PID"; fail "the gone client failed"; }
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])		# into the backlog: the server is stopped
s.sendall(b"STOP 0\n")
s.close()			# gave up before the server read it
EOF
kill -CONT "$PID"
wait_for 5 "a 'Control request STOP not run' trace" \
    plog_has "Control request STOP not run"
kill -0 "$PID" 2>/dev/null || fail "the server ran the STOP of a client that was gone"
expect_rc 0 ts query
expect_out "^Status: "

# --- the permanent log rotates at logmax -----------------------------------

# filler N TAG: N valid records, appended as another writer of the home.
filler()
{
	seq "$1" | awk -v tag="$2" \
	    '{ printf "2025-01-01 00:00:00.000: (TS, 1): NOTICE: %s %d: \n====\n", tag, $1 }' \
	    >>"$PLOG"
}
filler 1300 first			# ~70 KB: past 64K
[ "$(stat -c %s "$PLOG")" -gt 65536 ] || fail "the filler is too small"
expect_rc 0 ts query			# its "Local query" record rotates it
[ -f "$PLOG.1" ] || fail "no $PLOG.1 after the log passed logmax=64K"
plog_records "$PLOG.1" >"$TMP/old" || exit 99
[ "$(grep -c 'NOTICE first ' "$TMP/old")" = 1300 ] || fail "ts.log,log.1 lost filler records"
tail -n 1 "$TMP/old" | grep -Fq "Local query" ||
    fail "the record that reached logmax is not the last of ts.log,log.1: $(tail -n 1 "$TMP/old")"
expect_rc 0 ts query
[ -f "$PLOG" ] || fail "no new $PLOG after the rotation"
[ "$(stat -c %s "$PLOG")" -lt 4096 ] || fail "the new $PLOG is not new"
plog_records "$PLOG" | grep -Fq "Local query" || fail "the new $PLOG lacks the last query"

# A second rotation drops the first generation: two files at most.
filler 1300 second
expect_rc 0 ts query
plog_records "$PLOG.1" >"$TMP/old" || exit 99
grep -q 'NOTICE first ' "$TMP/old" && fail "the oldest generation was kept"
[ "$(grep -c 'NOTICE second ' "$TMP/old")" = 1300 ] || fail "the second generation lost records"
ls "$TAPESOCK_HOME" | grep -q 'ts\.log,log\.2' && fail "a third log file"

expect_rc 0 ts stop
exit 0
