#!/bin/bash
# t_check_plugin.sh — status --check and scripts/check_tapesock (issue
# 12, item 2): the Nagios plugin convention.  Each state forced for
# real: OK with a connected pair on 127.0.0.1; WARNING by a threshold
# (messages held by an input server without a reader) and by a peer
# gone for longer than --warn-conn; CRITICAL by a stopped peer past
# --crit-conn, by a server that is not running, and by lost txlog polls;
# UNKNOWN by bad flags, no such server, an unusable home and a control
# socket nothing listens on.  The one line and its perfdata are checked
# by regular expressions, the exit codes 0 1 2 3 exactly.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
PLUGIN="$SRC/scripts/check_tapesock"
# label=value[UOM];warn;crit;min;max, space-separated.
PERF='[a-z_]+=[0-9]+(\.[0-9]+)?(s|%|KB|B|c)?;[0-9.]*;[0-9.]*;[0-9.]*;[0-9.]*'
LINE_RE="^TAPESOCK (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+( \| $PERF( $PERF)*)?\$"

# expect_plugin RC STATE: one line on stdout, in the plugin's format,
# with that state, the exit code RC, nothing on stderr.
expect_plugin()
{
	[ "$(wc -l <"$OUT")" = 1 ] || { show_captured; fail "not one line"; }
	grep -Eq "$LINE_RE" "$OUT" || { show_captured; fail "not a plugin line"; }
	expect_out "^TAPESOCK $2 - "
	expect_empty_err
}

check_a() { expect_rc "$1" ta status --check "${@:3}"; expect_plugin "$1" "$2"; }

two_homes
# UNKNOWN: usage errors are exit 3 (not 2), said on stdout.
check_a 3 UNKNOWN --warn-lag=soon
expect_out "warn-lag"
check_a 3 UNKNOWN --no-such-flag
expect_out "unknown flag '--no-such-flag'"
check_a 3 UNKNOWN --warn-spool=101
check_a 3 UNKNOWN --json
expect_rc 3 ta status --check=yes
expect_plugin 3 UNKNOWN
expect_out "takes no value"
check_a 3 UNKNOWN '(x'
check_a 3 UNKNOWN nosuch=1
check_a 3 UNKNOWN server=nope
expect_out "server 'nope' is not set up"
expect_rc 3 env TAPESOCK_HOME=relative/home "$BIN/tape-socket" status --check
expect_plugin 3 UNKNOWN
# The same flags outside --check are a usage error, exit 2.
expect_rc 2 ta status --warn-lag=3
expect_err "threshold of --check"
expect_rc 2 ta status --bogus
expect_err "unknown flag"
expect_rc 2 ta put --json

# CRITICAL: not running.
check_a 2 CRITICAL
expect_out "default \(OUT\) is not running"

expect_rc 0 tb start
expect_rc 0 ta start
connected() { qfield "$HA" Connected | grep -q yes; }
wait_for 20 "the pair to connect" connected
# OK, with the perfdata of an output server, and of an input server.
check_a 0 OK
expect_out "^TAPESOCK OK - default \(OUT\) running, connected, "
for l in connected=1 'not_connected=0s;30;300' 'unacked=0;1000;10000' \
    'spool=0%;50;90;0;100' 'rate=' 'transferred=[0-9]+KB'; do
	expect_out " \| .*$l"
done
expect_rc 0 tb status --check
expect_plugin 0 OK
expect_out "default \(IN\) running, connected"
expect_no_out "spool="
# The monitor's queries are not traced (the check is not a "Local query").
lq() { grep -c 'Local query' "$HA/ts.log,log"; }
before=$(lq)
for i in 1 2 3; do ta status --check >/dev/null; done
[ "$(lq)" = "$before" ] || fail "status --check traced Local query"
# The wrapper, as a Nagios plugins directory would run it, with PATH
# or with the program beside it.
expect_rc 0 env TAPESOCK_HOME="$HA" PATH="$BIN:$PATH" sh "$PLUGIN"
expect_plugin 0 OK
mkdir "$TMP/plugins"
cp "$PLUGIN" "$TMP/plugins/check_tapesock"
ln -s "$BIN/tape-socket" "$TMP/plugins/tape-socket"
expect_rc 0 env TAPESOCK_HOME="$HA" PATH=/usr/bin:/bin "$TMP/plugins/check_tapesock" --crit-spool=95
expect_plugin 0 OK
expect_out "spool=0%;50;95;0;100"
expect_rc 3 env TAPESOCK_HOME="$HA" PATH="$BIN:$PATH" sh "$PLUGIN" --warn-lag
expect_plugin 3 UNKNOWN

# WARNING: blocks the input server cannot write (no reader on its
# pipe) stay unacknowledged; over --warn-unacked=0, under the crit.
head -c 200000 /dev/urandom >"$TMP/data"
cat "$TMP/data" >"$FIFO_OUT" &
track $!
unacked() { [ "$(qfield "$HA" Unacknowledged)" -gt 0 ] 2>/dev/null; }
wait_for 20 "messages unacknowledged" unacked
check_a 1 WARNING --warn-unacked=0
expect_out "^TAPESOCK WARNING - default \(OUT\): unacknowledged [0-9]+ > 0"
expect_out "unacked=[0-9]+;0;10000;0;"
check_a 2 CRITICAL --warn-unacked=0 --crit-unacked=0
expect_out "unacknowledged [0-9]+ > 0"
expect_rc 1 tb status --check --warn-unacked 0
expect_plugin 1 WARNING
expect_out "unwritten [0-9]+ > 0"
# The reader takes them: OK again.
cat "$FIFO_IN" >"$TMP/got" &
track $!
empty() { [ "$(qfield "$HA" Unacknowledged)" = 0 ]; }
wait_for 20 "everything acknowledged" empty
check_a 0 OK --warn-unacked=0

# UNKNOWN: the pid file held, the control socket unreachable.
mv "$HA/default.sock" "$HA/default.sock.away"
check_a 3 UNKNOWN
expect_out "cannot reach server 'default'"
mv "$HA/default.sock.away" "$HA/default.sock"
check_a 0 OK

# The peer stopped: WARNING past --warn-conn, CRITICAL past --crit-conn.
expect_rc 0 tb stop '(Q'
down() { qfield "$HA" Connected | grep -q no; }
wait_for 20 "the link down" down
sleep 1.2
check_a 1 WARNING --warn-conn=0
expect_out "not connected for [0-9]+s > 0"
check_a 2 CRITICAL --crit-conn=0
expect_out "^TAPESOCK CRITICAL - default \(OUT\): not connected for"
expect_out "connected=0;;;0;1"
check_a 0 OK

# CRITICAL: the transaction log's polls lost (the restore killed);
# the lag and last poll in the perfdata while they arrive.
P="$TMP/prod"
K="$TMP/backup"
mkdir -p "$P" "$K"
expect_rc 0 ta stop '(Q'
expect_rc 0 tb setarg txlog=ON datadir="$K"
expect_rc 0 ta setarg txlog=ON datadir="$P" poll=2
expect_rc 0 tb start
expect_rc 0 ta start
polled() { ta status --check | grep -Eq "last_poll=[0-9]+s;1800;3600;0;( |\$)"; }
wait_for 30 "a poll seen, in the perfdata" polled
lagged() { ta status --check | grep -Eq " lag=[0-9.]+s;60;300;0; lag_tx=[0-9]+"; }
wait_for 30 "the lag in the perfdata" lagged
check_a 0 OK
check_a 2 CRITICAL --warn-lag=0 --crit-lag=0 --warn-poll=0 --crit-poll=0 \
    --warn-conn=0
expect_rc 0 ta check cmd=tlchk
rpid=$(sed -n 's/.* pid \([0-9]*\),.*/\1/p' "$OUT")
kill "$rpid"
plog() { grep -c -- "$2" "$1/ts.log,log" 2>/dev/null; }
lost() { [ "$(plog "$HA" "Lost POLL")" -ge 1 ] 2>/dev/null; }
wait_for 20 "a lost poll" lost
check_a 2 CRITICAL
expect_out "txlog poll lost"
expect_rc 0 ta stop wait=0 '(Q'
check_a 2 CRITICAL
exit 0
