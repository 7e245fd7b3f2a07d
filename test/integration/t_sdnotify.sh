#!/bin/bash
# t_sdnotify.sh — tapesockd under a unit of Type=notify (issue 12 item
# 4): READY=1 arrives on $NOTIFY_SOCKET once the server has started
# (its pid file written, its control socket answering), not before; a
# server that cannot start sends none, says why on stderr and exits 1;
# a socket path and an abstract name ("@...") both work; only the
# server speaks, not the keeper it starts; a stop says STOPPING=1.  The listener is python3, as systemd would be: it looks
# at the server's state the moment the datagram arrives.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

command -v python3 >/dev/null || skip "no python3 for the NOTIFY_SOCKET listener"

# listen ADDR LOG: a NOTIFY_SOCKET listener at ADDR (a path, or @name)
# writing each datagram into LOG, with "started" or "NOT started"
# after a READY=1 as the home looked when it came.
listen()
{
	python3 - "$1" "$2" "$TAPESOCK_HOME" <<'PY' &
import os, socket, struct, sys
addr, log, home = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
# As systemd does: the sender's pid comes with each datagram.
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
open(log + ".up", "w").close()
while True:
    msg, anc, _, _ = s.recvmsg(4096, socket.CMSG_SPACE(12))
    pid = 0
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", data[:12])[0]
    msg = msg.decode()
    with open(log, "a") as f:
        f.write("%s from=%d\n" % (msg.replace("\n", " "), pid))
        if "READY=1" in msg.split("\n"):
            try:
                held = open(os.path.join(home, "default.pid")).read().strip()
            except OSError:
                held = ""
            sock = os.path.exists(os.path.join(home, "default.sock"))
            f.write("started\n" if held == str(pid) and sock else
                    "NOT started\n")
PY
	track $!
	wait_for 10 "the listener at $1" test -e "$2.up"
}

F=$(mkpipe p)
PORT=$(free_port) || exit 99
expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1

# A server that cannot start (its port taken): no READY=1, a reason.
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1); time.sleep(120)' "$PORT" &
busy=$!
track $busy
wait_for 10 "port $PORT taken" bash -c "ss -Htln 'sport = :$PORT' | grep -q ."
listen "@tapesock-test-$$" "$TMP/fail.log"
NOTIFY_SOCKET="@tapesock-test-$$" expect_rc 1 timeout 20 "$BIN/tapesockd" default
expect_err "^tapesockd: .*Bind err=98"
[ ! -s "$TMP/fail.log" ] || fail "a server that did not start said: $(cat "$TMP/fail.log")"
kill "$busy"
wait "$busy" 2>/dev/null
wait_for 10 "port $PORT free" port_is_free "$PORT"

# Started: READY=1 after the server serves (abstract name).
NOTIFY_SOCKET="@tapesock-test-$$" "$BIN/tapesockd" default 2>"$TMP/d.err" &
dpid=$!
track $dpid
wait_for 20 "READY=1" grep -q "READY=1" "$TMP/fail.log"
grep -qx "started" "$TMP/fail.log" ||
    fail "READY=1 came before the server had started: $(cat "$TMP/fail.log")"
grep -q "^READY=1 STATUS=Started from=$dpid\$" "$TMP/fail.log" ||
    fail "READY=1 not from the server: $(cat "$TMP/fail.log")"
is_running "$TAPESOCK_HOME" || fail "the server said READY=1 and is not running"
[ "$(daemon_pid "$TAPESOCK_HOME")" = "$dpid" ] ||
    fail "the server is not the process systemd would have started"
[ "$(grep -c READY=1 "$TMP/fail.log")" = 1 ] || fail "READY=1 more than once"
# The stop: STOPPING=1, and the server leaves with 0.
kill -TERM "$dpid"
wait "$dpid"
rc=$?
[ "$rc" = 0 ] || fail "tapesockd stopped by SIGTERM exited $rc: $(cat "$TMP/d.err")"
grep -q "^STOPPING=1" "$TMP/fail.log" || fail "no STOPPING=1: $(cat "$TMP/fail.log")"

# A socket path, and an output server, which starts a keeper (a child
# that stays): only the server itself speaks (NotifyAccess=main).
HO="$TMP/out"
FO=$(mkpipe po)
TAPESOCK_HOME="$HO" expect_rc 0 ts setup servertype=OUT host=127.0.0.1 \
    port="$PORT" pipe="$FO" calldelay=1
TAPESOCK_HOME="$HO" listen "$TMP/notify.sock" "$TMP/out.log"
TAPESOCK_HOME="$HO" NOTIFY_SOCKET="$TMP/notify.sock" "$BIN/tapesockd" default \
    2>"$TMP/o.err" &
opid=$!
track $opid
wait_for 20 "READY=1 on a path" grep -q "READY=1" "$TMP/out.log"
grep -qx "started" "$TMP/out.log" ||
    fail "READY=1 came before the output server had started: $(cat "$TMP/out.log")"
wait_for 20 "the keeper" test -s "$HO/default.keeper"
TAPESOCK_HOME="$HO" expect_rc 0 ts stop wait=0 '(Q'
wait "$opid"
grep -v "from=$opid\$" "$TMP/out.log" | grep -q "from=" &&
    fail "another process than the server spoke: $(cat "$TMP/out.log")"
grep -q "^STOPPING=1" "$TMP/out.log" || fail "no STOPPING=1 for a stop by request"
exit 0
