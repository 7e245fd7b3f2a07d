#!/bin/bash
# t_txlog_servers.sh — servers linked to the transaction logger
# (txlog=ON, issue 11): the output server starts the logger on its pipe
# and does not drain it at start (issue 10, defect 14), the input server
# starts the restore; check cmd=tlchk answers the remote restore's
# state, cmd=tlstrt starts it again after it stopped, and updates made
# meanwhile reach the backup once the restore is back.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TX="$BIN/txlog"
P="$TMP/prod"
K="$TMP/backup"

two_homes
mkdir -p "$P" "$K"
expect_rc 0 tb setarg txlog=ON datadir="$K"
expect_rc 0 ta setarg txlog=ON datadir="$P" txpriod=0
expect_rc 0 "$TX" -d "$P" create dm,users, DL
expect_rc 0 "$TX" -d "$P" put dm,users, early "queued before the start"
# Something in the pipe at start is the logger's: not set aside.
( exec 7<>"$FIFO_OUT"; printf 'junk' >&7; sleep 0.5 ) &
sleep 0.2
expect_rc 0 tb start
expect_rc 0 ta start
traced_here() { grep -q "$2" "$1/ts.log,log" 2>/dev/null; }
traced_here "$HA" "Clear pipe" && fail "a txlog=ON output server drained its pipe"
wait_for 20 "the restore to start" traced_here "$HB" "Transaction restore started"
wait_for 20 "the logger to start" traced_here "$HA" "Transaction logger started"
applied() { "$TX" -d "$K" queue 2>/dev/null | sed -n 's/^applied //p'; }
last() { "$TX" -d "$P" queue 2>/dev/null | sed -n 's/^last //p'; }
caught_up() { [ "$(applied)" = "$(last)" ]; }
for i in $(seq 1 20); do
	"$TX" -d "$P" put dm,users, "i$i" "body $i" || fail "put i$i"
done
wait_for 30 "the backup to apply 21" caught_up
[ "$(cat "$K/dm,users,/early")" = "queued before the start" ] ||
    fail "the update queued before the start did not arrive"

# tlchk: the remote restore, running.
expect_rc 0 ta check cmd=tlchk
expect_out "^restore of $K running, pid [0-9]+, reading, applied 21$"
expect_rc 0 tb check cmd=tlchk
expect_out "^logger of $P running, pid [0-9]+, attached, sent 21$"
pid=$(sed -n 's/.* pid \([0-9]*\),.*/\1/p' "$OUT")
[ -n "$pid" ] || fail "no logger pid"
rpid=$(ta check cmd=tlchk | sed -n 's/.* pid \([0-9]*\),.*/\1/p')
kill "$rpid"
gone() { ! kill -0 "$rpid" 2>/dev/null; }
wait_for 10 "the restore to stop" gone
expect_rc 1 ta check cmd=tlchk
expect_err "restore of $K not running"
# Updates while it is away, then tlstrt: they arrive.
for i in $(seq 21 30); do
	"$TX" -d "$P" put dm,users, "i$i" "body $i" || fail "put i$i"
done
expect_rc 0 ta check cmd=tlstrt
expect_out "^restore started on $FIFO_IN$"
expect_rc 0 ta check cmd=tlstrt
expect_out "^restore of $K running"
wait_for 30 "the backup to catch up after tlstrt" caught_up
diff -r --exclude='.*' "$P/dm,users," "$K/dm,users," >/dev/null ||
    fail "the backup differs from production"
# The agents outlive a stop of their servers (cleanup stops them).
expect_rc 0 ta stop '(Q'
expect_rc 0 tb stop '(Q'
kill -0 "$pid" || fail "the logger stopped with its server"
exit 0
