#!/bin/bash
# t_plog.sh — listlog and clearlog: the reference menu's Special
# Operations 8 (List Permanent Log) and 9 (Clear Permanent Log), issue
# 10 section 2.  Records of both servers, server= picks one, a clear
# asks first, says what it did and leaves a record of itself; a server
# goes on logging into the emptied file.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F1=$(mkpipe f1)
F2=$(mkpipe f2)
expect_rc 0 ts listlog
expect_out "no record in the permanent log"
[ -e "$TAPESOCK_HOME/ts.log,log" ] && fail "listlog wrote the log"
expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1" listen=127.0.0.1
expect_rc 0 ts setup server=two servertype=IN port=3001 pipe="$F2" \
    listen=127.0.0.1
expect_rc 0 ts start
expect_rc 0 ts start server=two
expect_rc 0 ts listlog
expect_out '^[0-9-]+ [0-9:.]+ \(TS, [0-9]+\) NOTICE: default\[r\] 0 Started$'
expect_out '^[0-9-]+ [0-9:.]+ \(TS, [0-9]+\) NOTICE: two\[r\] 0 Started$'
expect_rc 0 ts ll server=two
expect_no_out 'default\['
expect_out 'two\[r\] 0 Started'
# Asked first; no is no.
expect_rc 1 ts clearlog < <(printf 'n\n')
expect_err "not confirmed"
expect_rc 0 ts listlog
expect_out "default\\[r\\] 0 Started"
# Yes: emptied, with its own record first; the rotated copy goes too.
printf 'old\n====\n' >"$TAPESOCK_HOME/ts.log,log.1"
n=$(grep -c '^====$' "$TAPESOCK_HOME/ts.log,log")
expect_rc 0 ts clearlog < <(printf 'y\n')
expect_out "permanent log .* cleared \\($n records\\)"
[ -e "$TAPESOCK_HOME/ts.log,log.1" ] && fail "the rotated log is still there"
expect_rc 0 ts listlog
expect_out "^[0-9-]+ [0-9:.]+ \\(LOG, 5\\) NOTICE: Permanent log cleared: $n records, by uid $(id -u)$"
expect_no_out "Started"
# The servers write on into the emptied file.
expect_rc 0 ts stop '(Q'
expect_rc 0 ts listlog
expect_out "default\\[r\\] 0 Stop on req"
expect_rc 0 ts clearlog '(Q'
expect_empty_err
expect_rc 0 ts stop server=two '(Q'
exit 0
