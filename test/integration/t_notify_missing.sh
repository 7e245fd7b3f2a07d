#!/bin/bash
# t_notify_missing.sh — notify= names a terminal that is not there
# (issue 10, defect 9): the message is still logged, and the terminal
# skipped with a trace that says why, where it used to fail silently;
# a name that cannot be a terminal is refused at setup.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F=$(mkpipe p)
PORT=$(free_port) || exit 99
expect_rc 2 ts setup servertype=OUT host=127.0.0.1 port="$PORT" pipe="$F" \
    notify='!abc'
expect_err "'!abc' is not a terminal"
# Nothing listens on PORT: the third failed call notifies.
expect_rc 0 ts setup servertype=OUT host=127.0.0.1 port="$PORT" pipe="$F" \
    calldelay=1 notify='!99999'
expect_rc 0 ts start
plog() { cat "$TAPESOCK_HOME/ts.log,log" 2>/dev/null; }
skipped() { plog | grep -aq "Notify: /dev/pts/99999 skipped: "; }
wait_for 20 "the missing terminal's trace" skipped
plog | grep -aq "Network is disconnected" ||
    fail "the notification itself was not logged"
expect_rc 0 ts stop wait=0 '(Q'
exit 0
