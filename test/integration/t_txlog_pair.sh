#!/bin/bash
# t_txlog_pair.sh — a data area carried by a pair (issue 11, items 2
# and 3, as far as they go): the transaction logger writes the queue of
# the production area into the output server's pipe, the restore
# applies what the input server writes into the backup area.  Updates
# of DL files reach the backup, in order and once, through a kill -9 of
# the logger and a restart of the output server in the middle of them;
# updates of other files stay home unless the logger sends all (-a).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TX="$BIN/txlog"
P="$TMP/prod"
K="$TMP/backup"

two_homes
expect_rc 0 tb start
expect_rc 0 ta start
"$TX" -d "$K" restore "$FIFO_IN" 2>"$TMP/restore.log" &
restore=$!
track $restore
"$TX" -d "$P" logger "$FIFO_OUT" 2>"$TMP/logger.log" &
logger=$!
track $logger

expect_rc 0 "$TX" -d "$P" create dm,users, DL
expect_rc 0 "$TX" -d "$P" create scratch
put_range() {	# put_range FROM TO: items i<n>, each a body of its own
	local i
	for ((i = $1; i <= $2; i++)); do
		"$TX" -d "$P" put dm,users, "i$i" "body $i $RANDOM" ||
		    fail "put i$i"
	done
}
applied() { "$TX" -d "$K" queue 2>/dev/null | sed -n 's/^applied //p'; }
last() { "$TX" -d "$P" queue 2>/dev/null | sed -n 's/^last //p'; }
caught_up() { [ "$(applied)" = "$1" ]; }
same_file() {	# same_file FILE: every item of prod's FILE on the backup
	diff -r --exclude='.*' "$P/$1" "$K/$1" >/dev/null ||
	    fail "backup's $1 differs: $(diff -r --exclude='.*' "$P/$1" "$K/$1" | head -5)"
}

put_range 1 50
expect_rc 0 "$TX" -d "$P" put scratch x "not logged"
put_range 51 60
wait_for 30 "the backup to apply all of it" caught_up "$(last)"
same_file dm,users,
[ -e "$K/scratch/x" ] && fail "an update of a file that is not DL was sent"

# kill -9 of the logger in the middle: restarted, nothing lost, nothing
# applied twice (the backup's item bodies are prod's exactly).
put_range 61 120 &
writer=$!
track $writer
sleep 0.3
kill -9 $logger
wait $logger 2>/dev/null
"$TX" -d "$P" logger "$FIFO_OUT" 2>>"$TMP/logger.log" &
logger=$!
track $logger
wait $writer || fail "the writer failed"
wait_for 30 "the backup to catch up after the logger's kill" caught_up "$(last)"
same_file dm,users,

# The output server restarted while updates come.
put_range 121 170 &
writer=$!
track $writer
expect_rc 0 ta stop '(Q'
expect_rc 0 ta start '(C'
wait $writer || fail "the writer failed"
wait_for 40 "the backup to catch up after the restart" caught_up "$(last)"
same_file dm,users,

# Every number applied once, in order: the restore never went back.
grep -q "passed over" "$TMP/restore.log" &&
    echo "NOTE: $TEST: the restore passed over a torn record (logger kill)"

# -a: every file.
kill $logger
wait $logger 2>/dev/null
"$TX" -d "$P" logger -a "$FIFO_OUT" 2>>"$TMP/logger.log" &
logger=$!
track $logger
expect_rc 0 "$TX" -d "$P" put scratch y "logged with -a"
wait_for 30 "the backup to apply the -a update" caught_up "$(last)"
[ "$(cat "$K/scratch/y")" = "logged with -a" ] || fail "-a did not send it"
kill $logger $restore
wait $logger $restore 2>/dev/null
grep -q "logger: stops after transaction $(last)" "$TMP/logger.log" ||
    fail "the logger did not stop in order: $(tail -3 "$TMP/logger.log")"
exit 0
