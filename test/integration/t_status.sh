#!/bin/bash
# t_status.sh — status, and the commands of a server that is not
# running: they say so, exit 1, and start refuses what cannot run.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F1=$(mkpipe f1)
F2=$(mkpipe f2)
F3=$(mkpipe f3)
F4=$(mkpipe f4)

HEADER='^id[[:space:]].*[[:space:]]T[[:space:]]+Pipe[[:space:]]+Host[[:space:]]+Port[[:space:]]+S[[:space:]]+Time[[:space:]]+Date[[:space:]]+Message[[:space:]]*$'

# No server set up yet: the header alone would hide the mistake.
expect_rc 1 ts query
expect_err_oneline
expect_err_has "setup"

expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1"
expect_rc 0 ts setup server=out1 servertype=OUT host=backup port=3001 \
    pipe="$F2"
expect_rc 0 ts setup server=tl servertype=OUT host=127.0.0.1 port=3002 \
    pipe="$F3" txlog=ON

for c in status sta; do
	expect_rc 0 ts $c
	expect_empty_err
	expect_out "$HEADER"
	[ "$(wc -l <"$OUT")" = 4 ] ||
	    fail "$c: expected a header and 3 lines, got $(wc -l <"$OUT")"
	head -n 1 "$OUT" | grep -Eq "$HEADER" || fail "$c: header is not first"
done
line_of() { grep -E "[[:space:]]$1[[:space:]]" "$OUT"; }
line_of default | grep -Eq "[[:space:]]r[[:space:]].*$F1.*[[:space:]]3000[[:space:]]" ||
    fail "status line of default: '$(line_of default)'"
line_of out1 | grep -Eq "[[:space:]]s[[:space:]].*${F2}[[:space:]]+backup[[:space:]]+3001[[:space:]]" ||
    fail "status line of out1: '$(line_of out1)'"
line_of tl | grep -Eq "[[:space:]]s[[:space:]].*${F3}[[:space:]]+127\.0\.0\.1[[:space:]]+3002[[:space:]]" ||
    fail "status line of tl: '$(line_of tl)'"
# Nothing runs: no line claims R.
line_of default | grep -Eq "[[:space:]]3000[[:space:]]+R[[:space:]]" &&
    fail "status claims a stopped server is running"

# server= narrows it to one.
expect_rc 0 ts status server=out1
[ "$(wc -l <"$OUT")" = 2 ] || fail "status server=out1 should print 2 lines"
expect_out "[[:space:]]out1[[:space:]]"
expect_rc 1 ts status server=nosuch
expect_err_oneline

# (R: running servers only; nothing runs, so the header alone.
for o in '(R' '(r' '(RV'; do
	expect_rc 0 ts status "$o"
	expect_out "$HEADER"
	[ "$(wc -l <"$OUT")" = 1 ] || fail "status $o should print only the header"
done

# --- a stopped server -------------------------------------------------

while read -r args; do
	# shellcheck disable=SC2086	# split the arguments on purpose
	expect_rc 1 ts $args
	expect_err_oneline
	expect_err "is not running"
done <<EOF
query
q server=out1
query pipe=$F2
stop
sto server=out1
stop pipe=$F1
traceon
traceon trace=10
tron server=out1
traceoff
troff server=out1
check cmd=query
ch server=out1 cmd=msgnum
shutdown
shutdown server=out1
tltest server=tl
EOF

# check takes the words of the reference manual; the value is checked.
expect_rc 1 ts check "cmd=test -f dm,users,"
expect_err "is not running"
expect_rc 1 ts check "cmd=tron 5"
expect_err "is not running"
expect_rc 2 ts check cmd=reboot
expect_err_oneline

# A server that is not linked to txlog has nothing to test.
expect_rc 1 ts tltest
expect_err_oneline
expect_err_has "txlog"

# pib= names no running server.
expect_rc 1 ts query pib=4000000
expect_err_oneline

# --- start refuses a server that cannot run ----------------------------

expect_rc 0 ts setup server=gone servertype=IN port=3003 pipe="$F4"
rm -f "$F4"
expect_rc 1 ts start server=gone
expect_err_oneline
expect_err_has "$F4"
expect_rc 1 ts startreceive server=gone
expect_err_has "$F4"

# A plain file where the pipe should be.
: >"$F4"
expect_rc 1 ts start server=gone
expect_err_oneline
expect_err_has "$F4"

# startsend needs an OUT server, startreceive an IN one.
expect_rc 1 ts startsend server=gone
expect_err_oneline
expect_rc 1 ts startreceive server=out1
expect_err_oneline

# --- stopall with nothing running ---------------------------------------

expect_rc 0 ts stopall
expect_rc 0 ts stopa '(Q'

exit 0
