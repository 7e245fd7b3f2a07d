#!/bin/bash
# t_txlog.sh — the txlog command (issue 11, item 1): files and items of
# a data area, written through the durable transaction queue; exit
# codes; the home's data area by default; writers in parallel each get
# a sequence number of their own, and every update is in the queue.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TX="$BIN/txlog"
A="$TMP/area"

expect_rc 2 "$TX"
expect_rc 2 "$TX" -d "$A" put onlyfile
expect_rc 0 "$TX" -d "$A" create dm,users, DL
[ -f "$A/dm,users,/.dl" ] || fail "DL left no marker"
expect_rc 0 "$TX" -d "$A" put dm,users, bob "Bob Smith"
printf 'line 1\nline 2\n' >"$TMP/body"
expect_rc 0 "$TX" -d "$A" put dm,users, al <"$TMP/body"
expect_rc 0 "$TX" -d "$A" get dm,users, al
cmp -s "$OUT" "$TMP/body" || fail "get gives another body"
expect_rc 0 "$TX" -d "$A" get dm,users, bob
expect_out "^Bob Smith$"
expect_rc 0 "$TX" -d "$A" del dm,users, bob
expect_rc 1 "$TX" -d "$A" get dm,users, bob
expect_err_oneline
expect_err "missing"
# Refused before anything is queued: no file, bad names.
expect_rc 1 "$TX" -d "$A" put nofile x y
expect_err "no such file"
expect_rc 1 "$TX" -d "$A" put dm,users, ../x y
expect_err "bad item name"
expect_rc 1 "$TX" -d "$A" create .txlog
expect_rc 0 "$TX" -d "$A" queue
expect_out "^last 3$"
expect_out "^applied 3$"
# The check command's data area is the same thing: test -r finds it.
[ "$(cat "$A/dm,users,/al")" = "$(printf 'line 1\nline 2')" ] ||
    fail "the item is not the file dm,users,/al"

# Four writers at once, 50 updates each: 200 numbers, none twice.
for w in 1 2 3 4; do
	(
		for i in $(seq 1 50); do
			"$TX" -d "$A" put dm,users, "w$w-$i" "$w $i" || exit 1
		done
	) &
	track $!
	pids="${pids:-} $!"
done
for p in $pids; do
	wait "$p" || fail "a writer failed"
done
expect_rc 0 "$TX" -d "$A" queue
expect_out "^last 203$"
[ "$(find "$A/dm,users," -name 'w*' | wc -l)" = 200 ] ||
    fail "not 200 items after the writers"

# Without -d: TXLOG_AREA, else the home's data area.
expect_rc 0 env TXLOG_AREA="$TMP/other" "$TX" create f
[ -d "$TMP/other/f" ] || fail "TXLOG_AREA not used"
mkdir -m 0700 "$TMP/home"
expect_rc 0 env TAPESOCK_HOME="$TMP/home" "$TX" create f
[ -d "$TMP/home/data/f" ] || fail "the home's data area not used"
exit 0
