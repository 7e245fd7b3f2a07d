#!/bin/bash
# t_docs.sh — what the documentation says matches what the code does,
# for the errors issue 10 (defect 15) found: --help promised a menu (none
# then; issue 12 made it), the README and the man page said the input
# server notifies nobody, tltest was said to print a status, the input
# state file was said to be text, the catalogue said a block survives Broken pipe and that calls are
# retried every 5 seconds.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
expect_rc 0 ts --help
expect_no_out "menu of the default server opens"
# The menu exists now (issue 12): --help says where, and that it needs
# a terminal; without one, tape-socket says so.
expect_out "at a terminal, tape-socket opens the menu"
expect_no_out "has none yet"
expect_rc 2 ts
expect_err "menu needs a terminal"
for f in README man/tape-socket.1; do
	grep -q "The input server sends none yet" "$SRC/$f" &&
	    fail "$f says the input server sends no notification"
	grep -q "Input Server stopped due to an error" "$SRC/$f" ||
	    fail "$f does not name the input server's notification"
done
grep -q "it only prints the server's name and query Status" \
    "$SRC/man/tape-socket.1" && fail "the man page's tltest is wrong again"
grep -q 'two checksummed records of 72 bytes' "$SRC/man/tape-socket.1" ||
    fail "the man page does not say the input state file is binary"
[ "$(grep -c '^\.BI sync=' "$SRC/man/tape-socket.1")" = 1 ] ||
    fail "the man page lists sync= more than once"
# The catalogue, through the generated page.
M="$SRC/man/tapesock-messages.7"
grep -q "The block is kept: the server waits" "$M" &&
    fail "the catalogue says a block survives Broken pipe"
grep -q "calls again every 5 seconds" "$M" &&
    fail "the catalogue says calls are retried every 5 seconds"
grep -q "after calldelay" "$M" || fail "the catalogue does not name calldelay"
exit 0
