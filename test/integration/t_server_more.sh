#!/bin/bash
# t_server_more.sh — the servers beyond plain replication, on pairs of
# homes on 127.0.0.1 (1-3 on one pair, 4, 5 and 6 each on its own):
#   1. query fields of both servers, and their message counters after
#      exactly N blocks and a tape mark;
#   2. traceon/traceoff on the input server (Nread, Pwrit), and the
#      "Clock of ... offset" trace of a start without (S;
#   3. backpressure: a stopped reader fills the window, the writer
#      blocks, neither server grows in memory, then all arrives;
#   4. the System Administrator notifications (notify="exec cmd") when
#      the input server goes away and comes back, each once;
#   5. callrep: an output server with nobody to call gives up (S = E);
#   6. ndisc: an output server stops after too many broken links.
# shellcheck source-path=SCRIPTDIR source=lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
. "$(dirname "$0")/lib.sh"

command -v sha256sum >/dev/null || skip "no sha256sum"
command -v dd >/dev/null || skip "no dd"

# A reader stopped with SIGSTOP is continued before cleanup kills it.
STOPPED=""
trap 'for p in $STOPPED; do kill -CONT "$p" 2>/dev/null; done; cleanup' EXIT

# --- helpers ------------------------------------------------------------------

USED_PORTS=" "

# pair NAME [KEYWORD=VALUE ...]: like two_homes, for the pair NAME (so
# that several pairs live in $TMP): sets HA, HB, FIFO_OUT, FIFO_IN and
# PORT, sets up the input server in HB and the output server in HA
# (calldelay=1, then the extra keywords).
pair()
{
	local name=$1 p
	shift
	HA="$TMP/$name.a"
	HB="$TMP/$name.b"
	FIFO_OUT="$TMP/$name.out"
	FIFO_IN="$TMP/$name.in"
	# Every pair its own port, even one nobody listens on.
	while :; do
		p=$(free_port) || exit 99
		case $USED_PORTS in
		*" $p "*) continue ;;
		esac
		break
	done
	PORT=$p
	USED_PORTS="$USED_PORTS$p "
	mkfifo -m 0660 "$FIFO_OUT" "$FIFO_IN" || fail "mkfifo in $TMP"
	expect_rc 0 tb setup servertype=IN port="$PORT" pipe="$FIFO_IN" \
	    listen=127.0.0.1
	expect_rc 0 ta setup servertype=OUT host=127.0.0.1 port="$PORT" \
	    pipe="$FIFO_OUT" calldelay=1 "$@"
	share_key
}

connected() { [ "$(qfield "$HA" Connected)" = yes ]; }
not_running() { ! is_running "$1"; }
q_is() { [ "$(qfield "$1" "$2")" = "$3" ]; }

# settled: every message acknowledged, and curmsg equal on both sides.
settled()
{
	[ "$(qfield "$HA" Unacknowledged)" = 0 ] &&
	    [ "$(qfield "$HB" Unwritten)" = 0 ] &&
	    [ -n "$(qfield "$HA" curmsg)" ] &&
	    [ "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)" ]
}

# plog_count HOME TEXT: permanent-log records of HOME containing TEXT.
plog_count()
{
	[ -f "$1/ts.log,log" ] || { echo 0; return; }
	plog_records "$1/ts.log,log" | grep -cF -- "$2"
}

# ring_count HOME TEXT: trace-ring (ts.log) entries whose text starts
# with TEXT.
ring_count()
{
	[ -f "$1/ts.log" ] || { echo 0; return; }
	awk -F '\t' -v t="$2" 'index($9, t) == 1 { n++ } END { print n + 0 }' \
	    "$1/ts.log"
}

plog_has() { [ "$(plog_count "$1" "$2")" -ge "${3:-1}" ]; }

# s_column HOME [SERVER]: the S column of status (output servers: the
# host column is never empty, so it is the 7th field).
s_column()
{
	TAPESOCK_HOME="$1" "$BIN/tape-socket" status 2>/dev/null |
	    awk -v s="${2:-default}" '$2 == s { print $7 }'
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# wchar PID: bytes it has written so far; "unknown" without I/O
# accounting (then "blocked" only means "not finished").
wchar()
{
	local w

	w=$(awk '/^wchar:/ { print $2 }' "/proc/$1/io" 2>/dev/null)
	echo "${w:-unknown}"
}

T0=$SECONDS

# === 1. query fields, and the counters after N blocks ========================

pair main spoolmax=16M
expect_rc 0 tb start
expect_out "^server 'default' Started \(pid [0-9]+\)"
expect_rc 0 ta start
expect_out "^server 'default' Started \(pid [0-9]+\)"
wait_for 10 "the output server to connect" connected

# Both answer with every field, in the seed's words.
for h in "$HA" "$HB"; do
	TAPESOCK_HOME="$h" expect_rc 0 ts query
	expect_empty_err
	expect_out "^Server: default \((IN|OUT)\) pid [0-9]+\$"
	expect_out "^Next poll time: off\$"
	expect_out "^Total Data transferred: [0-9]+ KB\$"
	expect_out "^Last msgnum: [0-9]+ \([0-9]+\.[0-9] msg/s\)\$"
	expect_out "^msgin: [0-9]+\$"
	expect_out "^msgout: [0-9]+\$"
	expect_out "^curmsg: [0-9]+\$"
	expect_out "^Status: (Open pipe|Reading network|Reading pipe|Wait 1st call|Wait incoming connect|Wait subsequent call|Wait ack|Stopped)\$"
	expect_out "^Connected: yes\$"
done
TAPESOCK_HOME="$HA" expect_rc 0 ts query
expect_out "^Server: default \(OUT\) pid $(daemon_pid "$HA")\$"
expect_out "^Status: Reading pipe\$"
expect_out "^Unacknowledged: 0\$"
expect_out "^Disconnections: 0\$"
expect_out "^host: 127\.0\.0\.1\$"
expect_out "^port: $PORT\$"
TAPESOCK_HOME="$HB" expect_rc 0 ts query
expect_out "^Server: default \(IN\) pid $(daemon_pid "$HB")\$"
expect_out "^Status: Reading network\$"
expect_out "^Unwritten: 0\$"
expect_out "^curmsg: 0\$"
expect_out "^msgout: 0\$"

# Exactly N blocks: one small write at a time (atomic, one read each),
# the next only once the output server has numbered the last; then the
# close, the tape mark.
N=5
c0=$(qfield "$HA" curmsg)
[ "$c0" = 0 ] || fail "a new output server starts at curmsg $c0"
cat "$FIFO_IN" >"$TMP/nblocks.got" &
rd=$!
track $rd
exec 3>"$FIFO_OUT"
: >"$TMP/nblocks.want"
for ((k = 1; k <= N; k++)); do
	printf 'block %d of %d\n' "$k" "$N" >&3
	printf 'block %d of %d\n' "$k" "$N" >>"$TMP/nblocks.want"
	wait_for 10 "block $k numbered by the output server" \
	    q_is "$HA" curmsg $((c0 + k))
done
exec 3>&-
wait_bg 20 "the reader of the $N blocks" $rd || fail "the reader of $N blocks failed"
cmp -s "$TMP/nblocks.want" "$TMP/nblocks.got" ||
    fail "the $N blocks arrived as '$(cat "$TMP/nblocks.got")'"
wait_for 10 "every message acknowledged and equal curmsg" settled
cin=$(qfield "$HB" curmsg)
[ "$cin" = $((c0 + N + 1)) ] ||
    fail "after $N blocks and a tape mark the input server's curmsg is $cin"
[ "$(qfield "$HA" curmsg)" = "$cin" ] ||
    fail "the output server's curmsg $(qfield "$HA" curmsg) differs from $cin"
[ "$(qfield "$HB" msgout)" = "$cin" ] ||
    fail "the input server's msgout $(qfield "$HB" msgout) differs from its curmsg $cin"
TAPESOCK_HOME="$HB" expect_rc 0 ts query
expect_out "^Last msgnum: $cin \("
# Blocks and the mark read from the pipe, frames sent: at least N + 1.
[ "$(qfield "$HA" msgout)" -ge $((N + 1)) ] ||
    fail "the output server sent $(qfield "$HA" msgout) frames for $((N + 1)) messages"
[ "$(qfield "$HA" msgin)" -ge $((N + 1)) ] ||
    fail "the output server's msgin is $(qfield "$HA" msgin)"
[ "$(qfield "$HB" msgin)" -ge $((N + 2)) ] ||
    fail "the input server's msgin is $(qfield "$HB" msgin) (HELLO + $((N + 1)))"

# === 2. traces: traceon/traceoff, the clocks =================================

# A start without (S traces the peer's clock on both sides.
for h in "$HA" "$HB"; do
	plog_has "$h" "Clock of default: offset" ||
	    fail "$h/ts.log,log has no 'Clock of default: offset' trace"
done

head -c 20000 /dev/urandom >"$TMP/small"
expect_rc 0 tb traceon trace=50
expect_empty_err
stream "$TMP/small"
wait_for 10 "the input server to write and acknowledge" settled
[ "$(ring_count "$HB" "Nread ")" -ge 1 ] ||
    fail "traceon: no Nread entry in $HB/ts.log"
[ "$(ring_count "$HB" "Pwrit ")" -ge 1 ] ||
    fail "traceon: no Pwrit entry in $HB/ts.log"
plog_has "$HB" "Nread " || fail "traceon: no Nread record in $HB/ts.log,log"
expect_rc 0 tb traceoff
expect_empty_err
ring_before=$(ring_count "$HB" "Nread ")
plog_before=$(plog_count "$HB" "Nread ")
stream "$TMP/small"
wait_for 10 "the input server to write and acknowledge" settled
[ "$(ring_count "$HB" "Nread ")" -le "$ring_before" ] ||
    fail "traceoff: new Nread entries in $HB/ts.log"
[ "$(plog_count "$HB" "Nread ")" = "$plog_before" ] ||
    fail "traceoff: new Nread records in $HB/ts.log,log"
[ "$(plog_count "$HB" "Pwrit ")" -ge 1 ] || fail "no Pwrit record at all"

# === 3. backpressure =========================================================

# The reader stops; 200 MiB are written.  The window (64 blocks) fills,
# then the spool (spoolmax=16M); the output server stops reading its
# pipe, the writer blocks, and neither server holds more memory while
# it waits.
SIZE=$((200 * 1024 * 1024))
head -c "$SIZE" /dev/urandom >"$TMP/big" || fail "cannot write $TMP/big"
want=$(sha256sum <"$TMP/big")
cat "$FIFO_IN" >"$TMP/big.got" &
bprd=$!
track $bprd
kill -STOP $bprd || fail "cannot stop the reader"
STOPPED=$bprd
dd if="$TMP/big" of="$FIFO_OUT" bs=1M status=none &
bpwr=$!
track $bpwr
pa=$(daemon_pid "$HA")
pb=$(daemon_pid "$HB")

# Blocked: the window is full and the writer wrote nothing for 0.3 s.
prev=-1
blocked=0
for ((i = 0; i < 200; i++)); do
	pid_gone $bpwr && fail "the writer finished 200 MiB with the reader stopped"
	w=$(wchar $bpwr)
	if qfield "$HA" Spool | grep -q '(full)' &&
	    [ "$(qfield "$HA" Status)" = "Wait ack" ] && [ "$w" = "$prev" ]; then
		blocked=1
		break
	fi
	prev=$w
	sleep 0.3
done
[ $blocked = 1 ] ||
    fail "the output server never waited with a full spool and a blocked writer" \
    "(Unacknowledged $(qfield "$HA" Unacknowledged), Status $(qfield "$HA" Status))"
[ "$w" = unknown ] || [ "$w" -lt "$SIZE" ] || fail "the writer wrote $w bytes"

ra0=$(rss_kb "$pa")
rb0=$(rss_kb "$pb")
{ [ -n "$ra0" ] && [ -n "$rb0" ]; } || fail "no VmRSS for the servers ($pa, $pb)"
ra_max=$ra0
rb_max=$rb0
for ((i = 0; i < 10; i++)); do
	sleep 0.3
	ra=$(rss_kb "$pa")
	rb=$(rss_kb "$pb")
	{ [ -n "$ra" ] && [ -n "$rb" ]; } || fail "a server died while waiting"
	[ "$ra" -gt "$ra_max" ] && ra_max=$ra
	[ "$rb" -gt "$rb_max" ] && rb_max=$rb
done
pid_gone $bpwr && fail "the writer finished while the reader was stopped"
[ "$(wchar $bpwr)" = "$w" ] ||
    fail "the writer went on writing ($w, then $(wchar $bpwr) bytes)"
qfield "$HA" Spool | grep -q '(full)' ||
    fail "the spool is no longer full: $(qfield "$HA" Spool)"
for v in "output $ra0 $ra_max" "input $rb0 $rb_max"; do
	# shellcheck disable=SC2086	# split on purpose
	set -- $v
	[ $(($3 - $2)) -le 16384 ] ||
	    fail "the $1 server grew from $2 kB to $3 kB while blocked"
	[ "$3" -lt 65536 ] || fail "the $1 server holds $3 kB (>= 64 MiB)"
done
echo "backpressure: RSS output ${ra0}-${ra_max} kB, input ${rb0}-${rb_max} kB," \
    "writer blocked at $w bytes"

kill -CONT $bprd
STOPPED=""
wait_bg 60 "the writer of 200 MiB" $bpwr || fail "the writer of 200 MiB failed"
wait_bg 30 "the reader of 200 MiB" $bprd || fail "the reader of 200 MiB failed"
got=$(sha256sum <"$TMP/big.got")
[ "$got" = "$want" ] ||
    fail "200 MiB: read $(file_size "$TMP/big.got") bytes, sha256 differs"
rm -f "$TMP/big" "$TMP/big.got"
wait_for 10 "every message acknowledged and equal curmsg" settled

expect_rc 0 ta stop '(Q'
last_trace_is "$HA" "Stop on req" || fail "main a: status does not say 'Stop on req'"
expect_rc 0 tb stop '(Q'
last_trace_is "$HB" "Stop on req" || fail "main b: status does not say 'Stop on req'"
echo "main pair done after $((SECONDS - T0)) s"

# === 4. notifications (notify=exec) ==========================================

NOTIFIED="$TMP/notified"
: >"$NOTIFIED"
cat >"$TMP/notify.sh" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$NOTIFIED"
EOF
chmod +x "$TMP/notify.sh"

pair notify
expect_rc 0 ta setarg notify="exec $TMP/notify.sh"
TAPESOCK_HOME="$HA" expect_value default notify "exec $TMP/notify.sh"

MSG_ERR="Network Error. Check Error Log."
MSG_DISC="Network is disconnected. Re-trying to call host"
MSG_REEST="Communication to host is re-established."
MSG_BACK="Network Back On Line."

notified() { grep -cxF -- "$1" "$NOTIFIED"; }
notified_is() { [ "$(notified "$1")" = "$2" ]; }

expect_rc 0 tb start
expect_rc 0 ta start
wait_for 10 "the output server to connect" connected
seq 1 5000 >"$TMP/lines"
stream "$TMP/lines"
wait_for 10 "every message acknowledged" settled
[ -s "$NOTIFIED" ] && fail "notified while all was well: $(cat "$NOTIFIED")"

# The input server goes: the link breaks, then every call fails.
call_errors() { echo $(($(plog_count "$HA" "Call err=") +
    $(plog_count "$HA" "Connect err="))); }
calls0=$(call_errors)
expect_rc 0 tb stop '(Q'
last_trace_is "$HB" "Stop on req" || fail "notify b: status does not say 'Stop on req'"
wait_for 10 "'$MSG_ERR'" notified_is "$MSG_ERR" 1
wait_for 10 "'$MSG_DISC' (the third failed call)" notified_is "$MSG_DISC" 1
# ... and a few more failed calls, told of no more.
failed_calls() { [ $(($(call_errors) - calls0)) -ge "$1" ]; }
wait_for 10 "4 failed calls" failed_calls 4
[ "$(qfield "$HA" Status)" = "Wait subsequent call" ] ||
    fail "the output server's status is '$(qfield "$HA" Status)' while calling"
[ "$(qfield "$HA" Disconnections)" = 1 ] ||
    fail "Disconnections: $(qfield "$HA" Disconnections), expected 1"

# The input server comes back.
expect_rc 0 tb start
wait_for 10 "'$MSG_REEST'" notified_is "$MSG_REEST" 1
wait_for 10 "'$MSG_BACK'" notified_is "$MSG_BACK" 1
wait_for 10 "the output server to connect again" connected
stream "$TMP/lines"
wait_for 10 "every message acknowledged" settled
expect_rc 0 ta stop '(Q'
last_trace_is "$HA" "Stop on req" || fail "notify a: status does not say 'Stop on req'"
expect_rc 0 tb stop '(Q'
for m in "$MSG_ERR" "$MSG_DISC" "$MSG_REEST" "$MSG_BACK"; do
	[ "$(notified "$m")" = 1 ] ||
	    fail "'$m' notified $(notified "$m") times: $(cat "$NOTIFIED")"
	plog_has "$HA" "$m" || fail "'$m' is not in $HA/ts.log,log"
done
[ "$(wc -l <"$NOTIFIED")" = 4 ] ||
    fail "notified more than the four messages: $(cat "$NOTIFIED")"
echo "notify pair done after $((SECONDS - T0)) s"

# === 5. callrep: nobody answers ==============================================

pair callrep callrep=2
TAPESOCK_HOME="$HA" expect_value default callrep 2
port_is_free "$PORT" || fail "port $PORT is taken"
expect_rc 0 ta start
wait_for 15 "the output server to give up" not_running "$HA"
plog_has "$HA" "Too many errors" || fail "no 'Too many errors' in $HA/ts.log,log"
plog_has "$HA" "Output Server stopped due to an error." ||
    fail "no 'Output Server stopped due to an error.' in $HA/ts.log,log"
[ "$(s_column "$HA")" = E ] ||
    fail "status S is '$(s_column "$HA")', expected E"
TAPESOCK_HOME="$HA" expect_rc 0 ts status '(R'
expect_no_out "[[:space:]]default[[:space:]]"
[ -e "$HA/default.pid" ] && fail "$HA/default.pid left after the server gave up"
echo "callrep pair done after $((SECONDS - T0)) s"

# === 6. ndisc: too many broken links =========================================

pair ndisc ndisc=1
expect_rc 0 tb start
expect_rc 0 ta start
wait_for 10 "the output server to connect" connected
# The first break: tolerated.
expect_rc 0 tb stop '(Q'
wait_for 10 "the first disconnection" q_is "$HA" Disconnections 1
is_running "$HA" || fail "the output server stopped after one disconnection (ndisc=1)"
expect_rc 0 tb start
wait_for 10 "the output server to connect again" connected
# The second: one too many.
expect_rc 0 tb stop '(Q'
wait_for 10 "the output server to stop (ndisc=1)" not_running "$HA"
plog_has "$HA" "Too many disc" || fail "no 'Too many disc' in $HA/ts.log,log"
plog_has "$HA" "Output Server stopped due to an error." ||
    fail "no 'Output Server stopped due to an error.' in $HA/ts.log,log"
[ "$(s_column "$HA")" = E ] ||
    fail "status S is '$(s_column "$HA")', expected E"
echo "ndisc pair done after $((SECONDS - T0)) s"

exit 0
