#!/bin/bash
# t_one_line.sh — an error is one line (issue 10, defect 13): a value
# with a newline, a tab or an escape sequence in it is shown escaped,
# never raw, whichever check refuses it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

F=$(mkpipe p)
one_line() {
	[ "$(wc -l <"$ERR")" = 1 ] ||
	    fail "the error spans $(wc -l <"$ERR") lines: $(cat "$ERR")"
	grep -q $'\x1b' "$ERR" && fail "an escape sequence reached the terminal"
	return 0
}
expect_rc 2 ts setup servertype=IN port=23000 pipe="$TMP/a"$'\n'"b"
one_line
expect_err '/a\\nb'
expect_rc 2 ts setup servertype=OUT port=23000 pipe="$F" host=$'x\e[2Jy'
one_line
expect_err 'x\\033\[2Jy'
expect_rc 2 ts setup servertype=IN port=$'23\t000' pipe="$F"
one_line
expect_err '23\\t000'
# A message of the catalogue with such a value in it (here a server
# name no server has) is one line too.
expect_rc 0 ts setup servertype=IN port=23000 pipe="$F"
expect_rc 2 ts show server=$'no\nsuch'
one_line
exit 0
