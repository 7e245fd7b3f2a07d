#!/bin/bash
# t_txlog_poll.sh — poll tests (issue 11, item 4): an output server
# with txlog=ON and poll= writes a test item through its transaction
# queue at every poll and finds it on the backup (Sent POLL, Txlog OK,
# query's Next poll time); with the restore gone the polls are lost
# (Lost POLL n, "Transaction logger problem. Lost poll." at every one,
# tlchk asked: "Transaction Restore problem."), tltest exits 1; with
# the restore back, "Transaction log back on line." once, tltest 0.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

P="$TMP/prod"
K="$TMP/backup"
two_homes
mkdir -p "$P" "$K"
expect_rc 0 tb setarg txlog=ON datadir="$K"
expect_rc 0 ta setarg txlog=ON datadir="$P" poll=2
expect_rc 0 tb start
expect_rc 0 ta start
plog() { grep -c -- "$2" "$1/ts.log,log" 2>/dev/null; }
logged() { [ "$(plog "$1" "$2")" -ge "${3:-1}" ] 2>/dev/null; }
wait_for 20 "a first poll" logged "$HA" "Sent POLL"
expect_rc 0 ta query
expect_out "^Next poll time: [0-9][0-9]:[0-9][0-9]:[0-9][0-9]$"
expect_rc 0 ta tltest
expect_out "^Txlog OK: poll [0-9]+ on the backup after [0-9.]+ s$"
# Lag (item 5): in transactions, from the backup's number, and in
# seconds, from the poll items' way.
lag_is() { qfield "$HA" "Txlog lag" | grep -Eq "$1"; }
wait_for 20 "a lag known" lag_is "^[0-9]+ transaction\(s\), [0-9.]+ s \(poll [0-9]+"
# The items do not pile up, here or there.
polls_here() { find "$P/tapesock.poll" -type f ! -name '.*' | wc -l; }
sleep 3
[ "$(polls_here)" -le 2 ] || fail "poll items pile up: $(polls_here)"
[ "$(find "$K/tapesock.poll" -type f ! -name '.*' | wc -l)" -le 2 ] ||
    fail "poll items pile up on the backup"

# The restore gone: polls lost, at every one.  (A poll lost while the
# pair came up may have been followed by "back on line" already.)
back=$(plog "$HA" "Transaction log back on line.")
lost=$(plog "$HA" "Transaction logger problem. Lost poll.")
expect_rc 0 ta check cmd=tlchk
rpid=$(sed -n 's/.* pid \([0-9]*\),.*/\1/p' "$OUT")
kill "$rpid"
wait_for 20 "a lost poll" logged "$HA" "Lost POLL"
wait_for 20 "two lost polls" logged "$HA" "Transaction logger problem. Lost poll." $((lost + 2))
logged "$HA" "Transaction Restore problem. restore of $K not running" ||
    fail "the lost poll did not ask tlchk"
expect_rc 1 ta tltest
expect_err "not on the backup within 7 seconds"
[ "$(plog "$HA" "Transaction log back on line.")" = "$back" ] ||
    fail "back on line without the restore"
for i in 1 2 3; do "$BIN/txlog" -d "$P" put tapesock.poll "x$i" y || fail "put"; done
wait_for 20 "a lag of some transactions" lag_is "^([4-9]|[1-9][0-9]+) transaction"

# Back: the next poll is there, said once.
expect_rc 0 ta check cmd=tlstrt
wait_for 30 "the log back on line" logged "$HA" "Transaction log back on line." $((back + 1))
sleep 5
[ "$(plog "$HA" "Transaction log back on line.")" = $((back + 1)) ] ||
    fail "back on line said more than once"
expect_rc 0 ta tltest
expect_out "^Txlog OK"

# shutdown on the production side, in the manual's order: the logger
# detached, the restore stopped, the input server, the output server.
expect_rc 0 ta check cmd=tlchk
rpid=$(sed -n 's/.* pid \([0-9]*\),.*/\1/p' "$OUT")
lpid=$(sed -n 's/^pid //p' "$P/.txlog/logger.state")
expect_rc 0 ta shutdown '(Q'
b_gone() { ! is_running "$HB"; }
wait_for 20 "b to stop on the shutdown" b_gone
gone() { ! kill -0 "$1" 2>/dev/null; }
wait_for 10 "the restore to stop" gone "$rpid"
wait_for 10 "the logger to stop" gone "$lpid"
exit 0
