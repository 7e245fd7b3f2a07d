# lib.sh of the fault suite — sourced by scenario.sh after the
# integration tests' lib.sh (TMP, ts, free_port, track, wait_for,
# stop_servers, cleanup on exit).
#
# One scenario is one pair of servers in two homes on 127.0.0.1 with
# the relay between them:
#
#   gen -> FIFO_OUT -> [output server, home a] -> relay:RPORT
#       -> [input server, home b]:PORT -> FIFO_IN -> verify
#
# Its counts and verdict go to $FAULTS_RESULT as key=value lines (the
# last value of a key wins), which faults.sh turns into the summary.
# shellcheck shell=bash
# shellcheck disable=SC2034	# variables read by scenario.sh

FB="$BIN/test/faults"
for p in relay gen verify; do
	[ -x "$FB/$p" ] || fail "no $FB/$p; run make faults-progs"
done
: "${FAULTS_RESULT:=$TMP/result}"
KILLS=0
CUTS=0
SEED=${FAULTS_SEED:-$$}
RANDOM=$SEED
HB_TIMEOUT=20		# the servers' heartbeat timeout, unless set below

# Failures also go to the result file: faults.sh prints the reason.
fail()
{
	echo "reason=$*" >>"$FAULTS_RESULT"
	echo "FAIL: $TEST: $*" >&2
	exit 99
}

result()
{
	echo "$1=$2" >>"$FAULTS_RESULT"
}

note()
{
	echo "$(date +%T) $*"
}

# A stopped process ignores TERM until it is continued: continue
# whatever we may have stopped before the integration cleanup runs.
fl_cleanup()
{
	local p h

	# Keep what tells why, when asked to.
	if [ -n "${FAULTS_KEEP:-}" ]; then
		mkdir -p "$FAULTS_KEEP/$NAME"
		for h in a b c; do
			[ -f "$TMP/$h/ts.log,log" ] &&
			    cp "$TMP/$h/ts.log,log" "$FAULTS_KEEP/$NAME/$h.log"
		done
		cp "$TMP"/relay.log "$TMP"/verify.err "$TMP"/gen.err \
		    "$FAULTS_KEEP/$NAME/" 2>/dev/null
	fi
	for p in $BGPIDS $(daemon_pid "${HA:-/nonexistent}") \
	    $(daemon_pid "${HB:-/nonexistent}"); do
		kill -CONT "$p" 2>/dev/null
	done
	cleanup
}
trap fl_cleanup EXIT

# feature KEYWORD: the servers take it (faults.sh probed them).
feature()
{
	case " ${FAULTS_FEATURES:-} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# rnd LO HI: a whole number in [LO, HI].
rnd()
{
	echo $(($1 + RANDOM % ($2 - $1 + 1)))
}

# rsleep LO_MS HI_MS: a random pause (the moment of a fault).
rsleep()
{
	local ms

	ms=$(rnd "$1" "$2")
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# fl_pair [IN_KW...] -- [OUT_KW...]: set up the pair and start the relay.
fl_pair()
{
	local inkw=() outkw=()

	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		inkw+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	outkw=("$@")
	HA="$TMP/a"
	HB="$TMP/b"
	FIFO_OUT="$TMP/fifo_out"
	FIFO_IN="$TMP/fifo_in"
	CTL="$TMP/relay.ctl"
	PORT=$(free_port) || exit 99
	RPORT=$(free_port) || exit 99
	[ "$PORT" != "$RPORT" ] || RPORT=$(free_port) || exit 99
	mkfifo -m 0660 "$FIFO_OUT" "$FIFO_IN" || fail "mkfifo in $TMP"
	feature listen && inkw+=(listen=127.0.0.1)
	if feature hbint && feature hbtimeout; then
		HB_TIMEOUT=4
		inkw+=(hbint=1 "hbtimeout=$HB_TIMEOUT")
		outkw+=(hbint=1 "hbtimeout=$HB_TIMEOUT")
	fi
	expect_rc 0 tb setup servertype=IN port="$PORT" pipe="$FIFO_IN" \
	    "${inkw[@]}"
	expect_rc 0 ta setup servertype=OUT host=127.0.0.1 port="$RPORT" \
	    pipe="$FIFO_OUT" calldelay=1 "${outkw[@]}"
	share_key
	"$FB/relay" -l "$RPORT" -t "$PORT" -c "$CTL" -s "$SEED" \
	    >"$TMP/relay.log" 2>&1 &
	RELAY=$!
	track $RELAY
	wait_for 10 "the relay's control socket" test -S "$CTL"
}

ta()
{
	TAPESOCK_HOME="$HA" "$BIN/tape-socket" "$@"
}

tb()
{
	TAPESOCK_HOME="$HB" "$BIN/tape-socket" "$@"
}

relay()
{
	"$FB/relay" -c "$CTL" "$@" >>"$TMP/relay.answers" 2>&1 ||
	    fail "relay $*: $(tail -n 1 "$TMP/relay.answers")"
}

start_in()
{
	expect_rc 0 tb start
}

# The output server keeps what is in its pipe ((C): it is the stream.
start_out()
{
	expect_rc 0 ta start '(C'
}

# start_flow RATE [gen options]: the verifier on FIFO_IN, then the
# generator on FIFO_OUT at RATE bytes/s (0: as fast as it can) until
# gen_stop.
start_flow()
{
	local rate=$1
	shift
	"$FB/verify" -f "$FIFO_IN" -c "$TMP/count" -s "$SEED" \
	    -t "${FAULTS_LIMIT:-600}" -p "$TMP/vprogress" \
	    >"$TMP/verify.out" 2>"$TMP/verify.err" &
	VERIFY=$!
	track $VERIFY
	"$FB/gen" -f "$FIFO_OUT" -s "$SEED" -r "$rate" -c "$TMP/count" \
	    -p "$TMP/gprogress" "$@" >"$TMP/gen.out" 2>"$TMP/gen.err" &
	GEN=$!
	track $GEN
}

pfield()
{
	sed -n "s/.*\<$2=\([0-9]*\).*/\1/p" "$1" 2>/dev/null
}

read_bytes()
{
	local v

	v=$(pfield "$TMP/vprogress" read)
	echo "${v:-0}"
}

# The tape process must not have failed (EPIPE) at any point.
gen_alive()
{
	if pid_gone "$GEN" && grep -q 'result=failed' "$TMP/gen.out" 2>/dev/null; then
		result gen "failed"
		fail "the tape process failed: $(head -n 1 "$TMP/gen.err")"
	fi
}

grown()
{
	gen_alive
	[ "$(read_bytes)" -ge "$1" ]
}

# flowing SECONDS WHAT: the reader gets at least 256 KiB more within
# SECONDS (the pair has recovered).
flowing()
{
	local want

	want=$(($(read_bytes) + 262144))
	wait_for "$1" "$2 (the reader at $(read_bytes) bytes)" grown "$want"
}

# The pair settled: everything acknowledged, both at the same curmsg.
settled()
{
	[ "$(qfield "$HA" Unacknowledged)" = 0 ] &&
	    [ "$(qfield "$HB" Unwritten)" = 0 ] &&
	    [ -n "$(qfield "$HA" curmsg)" ] &&
	    [ "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)" ]
}

verify_done()
{
	grep -q '^verify:' "$TMP/verify.out" 2>/dev/null
}

# log_count HOME REGEX: how many records of its permanent log match.
log_count()
{
	grep -Ec -- "$2" "$1/ts.log,log" 2>/dev/null || true
}

# finish [ALLOWED_DUP_EVENTS]: stop the generator, let everything
# through, stop both servers (each must say everything was delivered),
# and judge what the verifier saw.
finish()
{
	local allowed=${1:-0} v k line rc=0

	gen_alive
	kill -USR1 "$GEN" 2>/dev/null
	wait_for 60 "the generator to end" pid_gone "$GEN"
	wait "$GEN" || rc=$?
	cat "$TMP/gen.out"
	wait_for 120 "the verifier to get every block" verify_done
	line=$(grep '^verify:' "$TMP/verify.out")
	echo "$line"
	sed 's/^/  /' "$TMP/verify.err" | head -n 40
	for k in expected received missing duplicated corrupted outoforder \
	    dupevents dupmax garbage; do
		v=$(echo "$line" | sed -n "s/.* $k=\([0-9]*\).*/\1/p")
		result "$k" "${v:-?}"
		eval "V_$k=\${v:-0}"
	done
	result kills "$KILLS"
	result cuts "$CUTS"
	[ "$rc" = 0 ] || fail "the tape process failed: $(head -n 1 "$TMP/gen.err")"
	# shellcheck disable=SC2154	# V_* set by the eval above
	{
		[ "$V_missing" = 0 ] || fail "$V_missing block(s) missing"
		[ "$V_corrupted" = 0 ] ||
		    fail "$V_corrupted block(s) corrupted or garbage"
		echo "$line" | grep -q 'result=complete' ||
		    fail "the verifier did not see every block"
		if [ "$V_dupevents" -gt 0 ]; then
			[ "$V_dupevents" -le "$allowed" ] ||
			    fail "$V_duplicated block(s) duplicated in" \
			    "$V_dupevents replay(s); $allowed justified by a" \
			    "restart trace"
			[ "$V_dupmax" -le 131072 ] ||
			    fail "a replay of $V_dupmax bytes: more than one" \
			    "message"
			result note "$V_dupevents replay(s) named by restart traces"
		fi
	}
	wait_for 60 "every message acknowledged and equal curmsg" settled
	expect_rc 0 ta stop '(Q'
	last_trace_is "$HA" "Stop on req" || fail "a: last trace is not 'Stop on req'"
	expect_rc 0 tb stop '(Q'
	last_trace_is "$HB" "Stop on req" || fail "b: last trace is not 'Stop on req'"
	result verdict PASS
}
