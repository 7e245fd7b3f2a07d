#!/bin/bash
# t_drain_running.sh — a drain of a running server's pipe leaves the
# server shown as running, at its message number (issue 10, defect 1):
# its status line used to say S=C, msgnum 0 until the next trace.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F=$(mkpipe p)
PORT=$(free_port) || exit 99
expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1
expect_rc 0 ts start
# status: id Server T Pipe Host Port S Time Date Message (no Host here).
s_col() { ts status 2>/dev/null | awk '$2 == "default" { print $3, $6 }'; }
before=$(s_col)
[ "$before" = "r R" ] || fail "a started input server shows '$before'"
expect_rc 0 ts drain '(Q'
expect_rc 0 ts status
expect_out "Drained 0 bytes"
[ "$(s_col)" = "r R" ] || fail "after a drain the running server shows '$(s_col)'"
expect_rc 0 ts stop wait=0 '(Q'
# Stopped, a drain leaves it stopped.
expect_rc 0 ts drain '(Q'
[ "$(s_col)" = "r C" ] || fail "after a drain the stopped server shows '$(s_col)'"
exit 0
