#!/bin/bash
# t_setup_guard.sh — setup and setarg change nothing under a running
# server, and no two servers share a pipe (issue 10, defects 6 and 8):
#   - a second server on the pipe of the first (the same path, or a
#     hard link to the same FIFO) is refused by setup and setarg, and by
#     start when the configuration was written by hand;
#   - setup of a running server, and setarg servertype= on it, are
#     refused; other setarg values are taken (for its next start).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F=$(mkpipe p)
G=$(mkpipe q)
ln "$F" "$TMP/p2" || fail "hard link to a FIFO"
PORT=$(free_port) || exit 99
expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1

# --- one pipe, one server ------------------------------------------------------
for p in "$F" "$TMP/p2"; do
	expect_rc 2 ts setup server=two servertype=IN port=$((PORT + 1)) \
	    pipe="$p" listen=127.0.0.1
	expect_err "server 'two': pipe $p is also the pipe of server 'default'"
done
ts show server=two >/dev/null 2>&1 && fail "a refused setup left server 'two'"
expect_rc 0 ts setup server=two servertype=IN port=$((PORT + 1)) pipe="$G" \
    listen=127.0.0.1
expect_rc 2 ts setarg server=two pipe="$F"
expect_err "is also the pipe of server 'default'"
ts show server=two | grep -Fq "$G" || fail "a refused setarg changed the pipe"
# Written by hand: start refuses it.
cp "$TAPESOCK_HOME/tapesock.yaml" "$TMP/good.yaml"
sed -i "s|$G|$F|" "$TAPESOCK_HOME/tapesock.yaml"
expect_rc 1 ts start server=two
expect_err "server 'two': pipe $F is also the pipe of server 'default'"
is_running "$TAPESOCK_HOME" two && fail "server 'two' started on a shared pipe"
cp "$TMP/good.yaml" "$TAPESOCK_HOME/tapesock.yaml"

# --- a running server ----------------------------------------------------------
expect_rc 0 ts start
pid=$(tr -dc 0-9 <"$TAPESOCK_HOME/default.pid")
cp "$TAPESOCK_HOME/tapesock.yaml" "$TMP/before.yaml"
expect_rc 1 ts setup servertype=OUT host=127.0.0.1 port="$PORT" pipe="$F"
expect_err "server 'default' is running \(pid $pid\): stop it before you replace it with setup"
expect_rc 1 ts setarg servertype=OUT host=127.0.0.1
expect_err "stop it before you change its servertype"
cmp -s "$TMP/before.yaml" "$TAPESOCK_HOME/tapesock.yaml" ||
    fail "a refused change under a running server changed the configuration"
expect_rc 0 ts setarg trace=8
expect_rc 0 ts stop wait=0 '(Q'
expect_rc 0 ts setup servertype=OUT host=127.0.0.1 port="$PORT" pipe="$F"
exit 0
