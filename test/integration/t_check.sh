#!/bin/bash
# t_check.sh — check cmd=...: every command of the reference manual's
# "Check Command" answered by the remote server, from either side of
# the pair (issue 10, section 1): exec (allowed, refused, without a
# shell, killed at its time limit), msgnum, query, test -f, test -r,
# test -rd in the data area, tlchk, tlstrt, tron, troff, shtdwn; the
# manual's own set-date example; "no connection" exits 1; shutdown of
# an output server with no connection says the input server was not
# stopped (defect 7).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

two_homes
mkdir -p "$TMP/data/dm,users," "$TMP/adata"
printf 'Bob\nSmith\n' >"$TMP/data/dm,users,/bob"
printf 'x\n' >"$TMP/secret"
ln -s "$TMP" "$TMP/data/link"
expect_rc 0 tb setarg datadir="$TMP/data" \
    execallow=echo,sleep,/bin/false,/bin/pwd
expect_rc 0 ta setarg rshut=OFF

# Not running, then running with nobody to answer.
expect_rc 1 ta check cmd=query
expect_err "not running"
expect_rc 0 ta start
expect_rc 1 ta check cmd=query
expect_err_oneline
expect_err "no connection to the remote server"
expect_no_err "cannot reach"

backup_reader "$TMP/got"
expect_rc 0 tb start
connected() { [ "$(qfield "$HA" Connected)" = yes ] && [ "$(qfield "$HB" Connected)" = yes ]; }
wait_for 20 "both connected" connected
answered() { ta check cmd=query >"$OUT" 2>"$ERR"; }
wait_for 10 "a first answer" answered

# query, msgnum: the input server's own view.
expect_rc 0 ta check cmd=query
expect_out "^default IN R Reading network, msgnum 0, pid [0-9]+$"
last_trace_is "$HA" "Check OK" || fail "no Check OK trace on a"
printf 'one block\n' >"$FIFO_OUT"
# The block and the tape mark of its writer's close: messages 1 and 2.
delivered() { [ "$(ta check cmd=msgnum 2>/dev/null)" = 2 ]; }
wait_for 20 "msgnum 2 on b" delivered
expect_rc 0 ta check cmd=MsgNum
expect_out "^2$"

# exec: allowed, case-insensitive word, no shell.
expect_rc 0 ta check cmd="exec echo hello world"
expect_out "^hello world$"
expect_rc 0 ta check cmd="EXEC echo \$(id);touch $TMP/owned"
expect_out_has "\$(id);touch $TMP/owned"
[ -e "$TMP/owned" ] && fail "exec ran a shell"
expect_rc 0 ta check cmd="exec pwd"
expect_out "^$TMP/data$"
expect_rc 1 tb check cmd="exec pwd"
expect_err "exec of 'pwd' refused: server default allows none"
# Refused: not allowed, a path not allowed, a relative path.
expect_rc 1 ta check cmd="exec rm -rf $TMP/data"
expect_err_oneline
expect_err "exec of 'rm' refused: server default allows only echo,sleep"
last_trace_is "$HA" "Check ERR" || fail "no Check ERR trace on a"
[ -d "$TMP/data/dm,users," ] || fail "a refused exec ran"
expect_rc 1 ta check cmd="exec /usr/bin/echo hi"
expect_err "refused"
expect_rc 1 ta check cmd="exec ./echo hi"
expect_err "refused"
# Its status, its time limit.
expect_rc 1 ta check cmd="exec false"
expect_err "exited with status 1"
t0=$SECONDS
expect_rc 1 ta check cmd="exec sleep 30"
expect_err "did not end within 5 seconds: killed"
[ $((SECONDS - t0)) -le 8 ] || fail "the time limit took $((SECONDS - t0)) s"
expect_rc 0 ta check cmd=query
# The record of every remote command on the answering side.
grep -q "Check 'exec rm -rf $TMP/data' of the peer answered: ERR exec of 'rm' refused" \
    "$HB/ts.log,log" || fail "b's permanent log lacks the refused exec"

# test -f, test -r, test -rd in the data area.
expect_rc 0 ta check cmd="test -f dm,users,"
expect_out "^1 File 'dm,users,' exists$"
expect_rc 1 ta check cmd="test -f nofile"
expect_out "^0 File 'nofile' missing$"
expect_rc 1 ta check cmd="test -f link"
expect_out "^0 File 'link' missing$"
expect_rc 0 ta check cmd="test -r dm,users, bob"
expect_out "^1 Bob\\^Smith$"
expect_rc 1 ta check cmd="test -r dm,users, alice"
expect_out "^0 Item 'alice' missing$"
expect_rc 0 ta check cmd="test -rd dm,users, bob"
expect_out "^1 Bob\\^Smith$"
[ -e "$TMP/data/dm,users,/bob" ] && fail "test -rd kept the item"
expect_rc 1 ta check cmd="test -r dm,users, bob"
expect_out "^0 Item 'bob' missing$"
# Outside the data area: refused before it is sent.
expect_rc 2 ta check cmd="test -r .. secret"
expect_err "bad FILE"
expect_rc 2 ta check cmd="test -r link ../secret"
expect_err "bad ID"
# The other side has no data area.
expect_rc 1 tb check cmd="test -f x"
expect_err "no data area: server default has no datadir="

# tlchk, tlstrt: no transaction logger.
expect_rc 1 ta check cmd=tlchk
expect_err "no transaction logger"
expect_rc 1 ta check cmd=TLSTRT
expect_err "no transaction logger"

# tron, troff on the remote.
expect_rc 0 ta check cmd="tron 7"
expect_out "^traces on, 7 kept$"
expect_rc 0 ta check cmd=troff
expect_out "^traces off$"

# The manual's example: a clear answer, nothing sent.
expect_rc 2 ta check cmd="set-date 10/06/93"
expect_err_oneline
expect_err "'set-date' is not a check command"
expect_err "exec"

# Straight to the control socket, past the command line's checks: the
# server validates too, and an unknown verb is traced Unknown cmd.
expect_rc 0 socat -t 5 - UNIX-CONNECT:"$HA/default.sock" \
    < <(printf 'CHECK test -r .. secret\n')
expect_out "^ERR test: bad FILE"
expect_rc 0 socat -t 5 - UNIX-CONNECT:"$HA/default.sock" \
    < <(printf 'FROB now\n')
expect_out "^ERR unknown verb"
last_trace_is "$HA" "Unknown cmd 'FROB'" || fail "no Unknown cmd trace"

# From the input side, answered by the output server.
expect_rc 0 tb check cmd=msgnum
expect_out "^2$"
expect_rc 0 tb check cmd=query
expect_out "^default OUT R "
# shtdwn: refused by a (rshut=OFF), obeyed by b.
expect_rc 1 tb check cmd=shtdwn
expect_err "shtdwn refused: server default has rshut=OFF"
is_running "$HA" || fail "a stopped on a refused shtdwn"
expect_rc 0 ta check cmd=shtdwn
expect_out "^server default stops$"
b_gone() { ! is_running "$HB"; }
wait_for 20 "b to stop on shtdwn" b_gone
last_trace_is "$HB" "Remote shtdwn" || last_trace_is "$HB" "Stop on req" ||
    fail "b's last trace is neither Remote shtdwn nor Stop on req"

# check with the peer gone: no connection, exit 1.
gone() { [ "$(qfield "$HA" Connected)" != yes ]; }
wait_for 20 "a to see b gone" gone
expect_rc 1 ta check cmd=query
expect_err "no connection to the remote server"

# shutdown without a connection: a stops, and says b did not (defect 7).
expect_rc 1 ta shutdown
expect_err_oneline
expect_err "its input server was NOT stopped"
is_running "$HA" && fail "a still runs after shutdown"
exit 0
