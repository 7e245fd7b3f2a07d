#!/bin/bash
# t_tapesockd_hand.sh — tapesockd run by hand says why it does not
# start (issue 10, defect 10): a server already running, a server not
# set up; it used to exit 1 without a word.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F=$(mkpipe p)
PORT=$(free_port) || exit 99
expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1
expect_rc 0 ts start
pid=$(tr -dc 0-9 <"$TAPESOCK_HOME/default.pid")
expect_rc 1 timeout 10 "$BIN/tapesockd" default
expect_err "^tapesockd: Another copy of server 'default' is running \(pid $pid\)"
expect_rc 1 timeout 10 "$BIN/tapesockd" nosuch
expect_err "^tapesockd: server 'nosuch' is not set up"
expect_rc 0 ts stop wait=0 '(Q'
exit 0
