#!/bin/bash
# t_txlog_servers.sh — servers linked to the transaction logger
# (txlog=ON, issue 11): the output server starts the logger on its pipe
# and does not drain it at start (issue 10, defect 14), the input server
# starts the restore, and each stops its own when it stops (an input
# server's stop refused once while its output server is connected);
# check cmd=tlchk answers the remote restore's
# state, cmd=tlstrt starts it again after it stopped, and updates made
# meanwhile reach the backup once the restore is back, even those the
# restore lost with its pipe (the logger sends them again).
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
# tltest: a poll now, not check's error text (issue 10 defect 14).
expect_rc 0 ta tltest
expect_out "^Txlog OK: poll 1 on the backup after [0-9.]+ s$"
expect_rc 0 tb tltest
expect_out "^logger of $P running"
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
# Records lost on the way: the restore stopped (SIGSTOP) with updates
# written into its pipe, then killed: what the pipe held goes with it.
# The logger sees the backup behind and not moving, and sends again.
rpid=$(ta check cmd=tlchk | sed -n 's/.* pid \([0-9]*\),.*/\1/p')
kill -STOP "$rpid"
for i in $(seq 31 40); do
	"$TX" -d "$P" put dm,users, "i$i" "body $i" || fail "put i$i"
done
in_pipe() { [ "$(qfield "$HB" curmsg)" -ge "$1" ] 2>/dev/null; }
wait_for 20 "b to write the updates into the pipe" in_pipe \
    "$(( $(qfield "$HA" curmsg) ))"
kill -KILL "$rpid"
gone() { ! kill -0 "$rpid" 2>/dev/null; }
wait_for 10 "the stopped restore to die" gone
# One more: b's write of it finds no reader and lets the pipe go, with
# what it held.  The restore started again gets a record after 31:
# a gap.
"$TX" -d "$P" put dm,users, i41 "body 41" || fail "put i41"
broken() { grep -q "Broken pipe" "$HB/ts.log,log"; }
wait_for 20 "b to see its reader gone" broken
expect_rc 0 ta check cmd=tlstrt
wait_for 60 "the backup to get every record" caught_up
diff -r --exclude='.*' "$P/dm,users," "$K/dm,users," >/dev/null ||
    fail "the backup differs from production after the kill"
# Whether the pipe kept what it held depends on who held it open last;
# a loss for sure: the backup's number put back, as if records 21 to
# the end had never reached it.  The next record is a gap; the logger,
# told by tlchk that the backup does not move, sends again from 21.
rpid=$(ta check cmd=tlchk | sed -n 's/.* pid \([0-9]*\),.*/\1/p')
kill "$rpid"
wait_for 10 "the restore to stop" gone
printf 'applied 20\n' >"$K/.txlog/applied"
expect_rc 0 ta check cmd=tlstrt
"$TX" -d "$P" put dm,users, i42 "body 42" || fail "put i42"
wait_for 60 "the backup to get the lost records again" caught_up
grep -q "came after 20: those between were lost" "$HB/ts.log,restore" ||
    fail "the restore did not see the gap: $(cat "$HB/ts.log,restore")"
grep -q "the backup applied 20 of [0-9]* sent and does not move: sending again from 21" \
    "$HA/ts.log,logger" || fail "the logger did not send again: $(cat "$HA/ts.log,logger")"
diff -r --exclude='.*' "$P/dm,users," "$K/dm,users," >/dev/null ||
    fail "the backup differs from production after the loss"

# query: the agent and the queue.
expect_rc 0 ta query
expect_out "^Txlog: logger of $P running, pid [0-9]+, attached, sent [0-9]+$"
expect_out "^Txlog queue: last [0-9]+, sent [0-9]+, [0-9]+ not sent yet$"
expect_rc 0 tb query
expect_out "^Txlog: restore of $K running, pid [0-9]+, reading, applied [0-9]+$"
# status: the agent under its server's line.
expect_rc 0 ta status
expect_out "^ +txlog: logger of $P running, pid [0-9]+, attached, sent [0-9]+$"
expect_rc 0 tb status
expect_out "^ +txlog: restore of $K running, pid [0-9]+, reading, applied [0-9]+$"

# Restarts of both servers while updates come: nothing lost, nothing
# applied twice (the bodies are prod's exactly).
( for i in $(seq 100 160); do
	"$TX" -d "$P" put dm,users, "r$i" "body $i $RANDOM" || exit 1
done ) &
writer=$!
track $writer
sleep 0.5
expect_rc 0 ta stop '(Q'
expect_rc 0 ta start
# Refused while a is connected; asked again, it stops.
tb stop '(Q' >/dev/null 2>&1 || expect_rc 0 tb stop '(Q'
is_running "$HB" && fail "b still runs after two stops"
expect_rc 0 tb start
wait "$writer" || fail "the writer failed"
wait_for 60 "the backup after both restarts" caught_up
diff -r --exclude='.*' "$P/dm,users," "$K/dm,users," >/dev/null ||
    fail "the backup differs from production after the restarts"

# Synchronous writes (issue 11, item 6): put -w returns once the backup
# applied the update; with the restore away it says so, exit 1, and the
# update is queued all the same.
expect_rc 0 "$TX" -d "$P" put --wait=10 dm,users, sync1 "applied when put returns"
[ "$(cat "$K/dm,users,/sync1" 2>/dev/null)" = "applied when put returns" ] ||
    fail "put -w returned before the backup had it"
rpid=$(ta check cmd=tlchk | sed -n 's/.* pid \([0-9]*\),.*/\1/p')
kill "$rpid"
wait_for 10 "the restore to stop" gone
expect_rc 1 "$TX" -d "$P" put -w 2 dm,users, sync2 "later"
expect_err "not applied on the backup within 2 seconds"
[ "$(cat "$P/dm,users,/sync2")" = "later" ] || fail "sync2 not written here"
expect_rc 0 ta check cmd=tlstrt
wait_for 30 "sync2 on the backup" caught_up
[ "$(cat "$K/dm,users,/sync2")" = "later" ] || fail "sync2 never arrived"

# The input server's stop is refused while its output server is
# connected ("Stop refused-Txlog up"); asked again, it stops.
rpid=$(ta check cmd=tlchk | sed -n 's/.* pid \([0-9]*\),.*/\1/p')
expect_rc 1 tb stop '(Q'
expect_err_oneline
expect_err "stop refused: the output server is connected"
last_trace_is "$HB" "Stop refused-Txlog up" || fail "no Stop refused trace"
is_running "$HB" || fail "b stopped on the first stop"
expect_rc 0 tb stop '(Q'
# A server stopped on request stops its agent: the restore, the logger.
logger_gone() { ! kill -0 "$pid" 2>/dev/null; }
restore_gone() { ! kill -0 "$rpid" 2>/dev/null; }
wait_for 10 "the restore to stop with b" restore_gone
grep -q "Transaction restore stopped (pid $rpid)" "$HB/ts.log,log" ||
    fail "b did not say it stopped its restore"
expect_rc 0 ta stop '(Q'
wait_for 10 "the logger to stop with a" logger_gone
exit 0
