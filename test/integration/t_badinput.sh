#!/bin/bash
# t_badinput.sh — bad input of every kind gets a clear error and changes
# nothing (RELIABILITY.md): a port in use, a pipe that is missing or is
# not a FIFO, garbage and oversized frames on the input server's port, a
# second start, a stale pid file after kill -9, a control request from a
# user who is not allowed.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
. "$(dirname "$0")/lib.sh"

command -v socat >/dev/null || skip "no socat"

two_homes

# roundtrip TEXT: a one-line tape file written into a's pipe comes out
# of b's pipe, whole: the pair still serves.
rt=0
roundtrip()
{
	rt=$((rt + 1))
	printf '%s %s\n' "$1" "$rt" >"$TMP/rt$rt.in"
	stream "$TMP/rt$rt.in"
}

# traced HOME TEXT: TEXT is in the home's trace or permanent log.
traced()
{
	grep -aFq -- "$2" "$1/ts.log,log" "$1/ts.log" 2>/dev/null
}

# --- the pipe: missing, then a regular file, for both servers -------------

for side in b a; do
	if [ $side = b ]; then fifo=$FIFO_IN; else fifo=$FIFO_OUT; fi
	mv "$fifo" "$fifo.saved"
	expect_rc 1 t$side start
	expect_err_oneline
	expect_err_has "$fifo"
	is_running "$TMP/$side" && fail "$side: a server runs without its pipe"

	: >"$fifo"
	expect_rc 1 t$side start
	expect_err_oneline
	expect_err_has "$fifo"
	expect_err_has "not a FIFO"
	is_running "$TMP/$side" && fail "$side: a server runs on a regular file"
	rm -f "$fifo"
	mv "$fifo.saved" "$fifo"
done

# --- the port already in use -------------------------------------------------

socat -u TCP-LISTEN:"$PORT",bind=127.0.0.1,reuseaddr,fork /dev/null </dev/null &
listener=$!
track $listener
port_busy() { ! port_is_free "$PORT"; }
wait_for 10 "socat to listen on 127.0.0.1:$PORT" port_busy
expect_rc 1 tb start
expect_err_oneline
expect_err_has "Bind err=98"
is_running "$HB" && fail "the input server runs on a port in use"
kill_tree TERM $listener
wait $listener 2>/dev/null
wait_for 10 "port $PORT to be free again" port_is_free "$PORT"

# --- a second start of a running server --------------------------------------

expect_rc 0 tb start
expect_rc 0 ta start
for side in b a; do
	pid=$(daemon_pid "$TMP/$side") || fail "$side: no pid file after start"
	expect_rc 1 t$side start
	expect_err_oneline
	expect_err_has "Another copy of server 'default' is running (pid $pid)"
	[ "$(daemon_pid "$TMP/$side")" = "$pid" ] ||
	    fail "$side: a refused second start changed the pid file"
done
roundtrip "first"

# --- garbage and an oversized frame on the input server's port --------------

printf 'GARBAGE GARBAGE\r\n\r\n' |
    timeout 10 socat -u - TCP:127.0.0.1:"$PORT" ||
    fail "cannot send garbage to 127.0.0.1:$PORT"
# Nothing unproven is read as frames (the link is TLS keyed by the pair
# key): garbage fails the handshake; test/unit/check_frame.c and the
# fuzzer try the frame decoder itself.
unproven() { grep -ac "Peer not proven: 127.0.0.1:" "$HB/ts.log,log"; }
unproven_grew() { [ "$(unproven)" -gt "$1" ]; }
wait_for 10 "the trace Peer not proven" unproven_grew 0
is_running "$HB" || fail "the input server died of garbage"
roundtrip "after garbage"

# A DATA header (magic TSK1, version 1, type 3) announcing 2^31-1 bytes.
n=$(unproven)
printf 'TSK1\001\003\000\000\177\377\377\377%b' \
    '\000\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000\000\000' |
    timeout 10 socat -u - TCP:127.0.0.1:"$PORT" ||
    fail "cannot send a frame to 127.0.0.1:$PORT"
wait_for 10 "the trace Peer not proven" unproven_grew "$n"
is_running "$HB" || fail "the input server died of an oversized frame"
roundtrip "after an oversized frame"

# --- a control request from a user who is not allowed -------------------------

if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ] &&
    id nobody >/dev/null 2>&1; then
	# The build may sit under a directory nobody cannot enter (/root):
	# nobody runs a copy of the program from the test's own directory.
	cp "$BIN/tape-socket" "$TMP/tape-socket-nobody"
	chmod 755 "$TMP/tape-socket-nobody"
	as_nobody()
	{
		setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
		    env TAPESOCK_HOME="$HB" "$@"
	}
	# $TMP is 0700 root: nobody cannot even reach the home.  What
	# happens: "cannot use state home ...: Permission denied", exit 1.
	# $TMP reachable for the copy, the home not: refused.
	chmod o+x "$TMP"
	chmod o-x "$HB"
	expect_rc 1 as_nobody "$TMP/tape-socket-nobody" query
	expect_err_oneline
	expect_err_has "$HB"
	expect_err "Permission denied|not permitted|owned by another user"
	# The home reachable (o+x), but it is root's: the command line
	# refuses it, "state home ... is owned by another user", exit 1.
	chmod o+x "$TMP" "$HB"
	expect_rc 1 as_nobody "$TMP/tape-socket-nobody" query
	expect_err_oneline
	expect_err "owned by another user|Permission denied|not permitted"
	# The socket itself reachable by nobody's group: the server refuses
	# the request (it checks the peer's credentials) and traces it.
	chgrp "$(id -g nobody)" "$HB/default.sock"
	expect_rc 0 as_nobody socat -t 5 - UNIX-CONNECT:"$HB/default.sock" \
	    < <(printf 'QUERY\n')
	expect_out "^ERR .*permission denied"
	expect_no_out "^curmsg:"
	traced "$HB" "uid $(id -u nobody)" ||
	    fail "the refused control request left no trace in $HB"
	# The configured group may: group: <nobody's group> in the
	# configuration, the server restarted, the same request answered.
	ngroup=$(id -gn nobody)
	sed -i "s/^servers:/group: $ngroup\nservers:/" "$HB/tapesock.yaml"
	expect_rc 0 tb stop '(Q'
	expect_rc 0 tb start '(C'
	[ "$(stat -c %G "$HB/default.sock")" = "$ngroup" ] ||
	    fail "the control socket does not belong to group $ngroup"
	expect_rc 0 as_nobody socat -t 5 - UNIX-CONNECT:"$HB/default.sock" \
	    < <(printf 'QUERY\n')
	expect_out "^curmsg:"
	expect_out "^OK$"
	sed -i "/^group: /d" "$HB/tapesock.yaml"
	expect_rc 0 tb stop '(Q'
	expect_rc 0 tb start '(C'
	chmod o-x "$TMP" "$HB"
else
	echo "NOTE: $TEST: not root or no setpriv/nobody: the refused" \
	    "control request is not tested"
fi
is_running "$HB" || fail "a refused control request stopped the server"

# --- a stale pid file: the server killed with SIGKILL -------------------------

pid=$(daemon_pid "$HB") || fail "b: no pid file"
last=$(qfield "$HB" curmsg)
[ -n "$last" ] || fail "b: query gives no curmsg"
kill -KILL "$pid"
not_running() { ! is_running "$HB"; }
wait_for 10 "the input server to die" not_running
[ -f "$HB/default.pid" ] || fail "kill -9 left no pid file (nothing stale to test)"
expect_rc 0 tb start
expect_out "Started \(pid [0-9]+\)"
[ "$(daemon_pid "$HB")" != "$pid" ] || fail "b: the pid file still names $pid"
# The receiver kept its state: it resumes where it was.
[ "$(qfield "$HB" curmsg)" = "$last" ] ||
    fail "b: restart after kill -9 changed curmsg $last (its state)"
roundtrip "after kill -9"

# --- and everything stops cleanly ---------------------------------------------

expect_rc 0 ta stop
expect_out "Stop on req"
expect_rc 0 tb stop
expect_out "Stop on req"

exit 0
