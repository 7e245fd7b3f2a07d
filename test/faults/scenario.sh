#!/bin/bash
# scenario.sh NAME — one scenario of the fault suite, run by faults.sh
# (FAULTS_MODE short|long, FAULTS_RESULT, FAULTS_FEATURES, BIN).
# Exit 0 pass, 99 fail; the counts are in $FAULTS_RESULT.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
# shellcheck disable=SC2317	# functions run through wait_for or a trap
NAME=${1:?usage: scenario.sh NAME}
. "$(dirname "$0")/../integration/lib.sh"
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

MODE=${FAULTS_MODE:-short}
long() { [ "$MODE" = long ]; }
# events SHORT LONG: how many faults of the scenario.
events() { if long; then echo "$2"; else echo "$1"; fi; }
RATE=4000000		# bytes/s of the tape process while faults happen
RECOVER=$((HB_TIMEOUT + 40))

# Conditions for wait_for (evaluated at each try).
log_grew() { [ "$(log_count "$1" "$2")" -gt "$3" ]; }
gen_stalled() { [ "$(pfield "$TMP/gprogress" stalled)" -ge "$1" ] 2>/dev/null; }
unwritten() { [ "$(qfield "$HB" Unwritten)" -gt 0 ] 2>/dev/null; }

pair_up()
{
	fl_pair "$@"
	start_in
	start_out
}

# --- RELIABILITY 1: the output server killed -------------------------------

sc_out_kill()
{
	local n i pid

	n=$(events 3 120)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		pid=$(daemon_pid "$HA") || fail "no output server pid"
		kill -KILL "$pid"
		KILLS=$((KILLS + 1))
		note "out_kill $i/$n: killed $pid"
		wait_for 10 "the killed output server to be gone" pid_gone "$pid"
		rsleep 0 1000
		start_out
		flowing "$RECOVER" "the stream after the output server's kill $i"
	done
	finish 0
}

# --- RELIABILITY 2: the input server killed --------------------------------

DUP_TRACE=${FAULTS_DUP_TRACE:-twice}

sc_in_kill()
{
	local n i pid before after named=0

	n=$(events 3 120)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		pid=$(daemon_pid "$HB") || fail "no input server pid"
		before=$(log_count "$HB" "$DUP_TRACE")
		kill -KILL "$pid"
		KILLS=$((KILLS + 1))
		wait_for 10 "the killed input server to be gone" pid_gone "$pid"
		rsleep 0 1000
		start_in
		after=$(log_count "$HB" "$DUP_TRACE")
		[ "$after" -gt "$before" ] && named=$((named + 1))
		note "in_kill $i/$n: killed $pid; restart traces naming a block: $named"
		flowing "$RECOVER" "the stream after the input server's kill $i"
	done
	finish "$named"
}

# --- RELIABILITY 2: graceful stop and start, at any moment ------------------

# graceful SIDE NAME: stop and start the server of SIDE (in or out) at
# random moments.  The tape process holds its pipe write-only, as tar
# or dd do: while the output server is down, only the keeper stands
# between it and EPIPE.
graceful()
{
	local side=$1 name=$2 n i

	n=$(events 3 40)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		if [ "$side" = in ]; then
			expect_rc 0 tb stop '(Q'
		else
			expect_rc 0 ta stop '(Q'
		fi
		KILLS=$((KILLS + 1))
		rsleep 0 1000
		if [ "$side" = in ]; then
			start_in
		else
			gen_alive
			start_out
		fi
		note "$name $i/$n"
		flowing "$RECOVER" "the stream after the $side server's restart $i"
	done
	finish 0
}

sc_graceful_in() { graceful in graceful_in; }
sc_graceful_out() { graceful out graceful_out; }

# --- RELIABILITY 3: network cuts --------------------------------------------

sc_net_reset()
{
	local n i

	n=$(events 4 150)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		relay cut
		CUTS=$((CUTS + 1))
		note "net_reset $i/$n"
		flowing "$RECOVER" "the stream after cut $i"
	done
	finish 0
}

# A partition: nothing passes, TCP holds what it has.  Short: below the
# heartbeat timeout (TCP resumes the same connection); long: some
# beyond it (the servers give up the link, call again through the
# partition, and resume once it heals).
sc_net_stall()
{
	local n i d

	n=$(events 2 15)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		if long && [ $((i % 3)) = 0 ]; then
			d=$((HB_TIMEOUT + $(rnd 2 10)))
		else
			d=$(rnd 1 $((HB_TIMEOUT / 2)))
		fi
		relay stall
		CUTS=$((CUTS + 1))
		note "net_stall $i/$n: ${d}s"
		sleep "$d"
		relay pass
		flowing "$RECOVER" "the stream after stall $i"
	done
	finish 0
}

# A middlebox that eats bytes: the streams have holes.  Frames cut in
# the middle must be caught (CRC, magic, numbering), the link reset
# and the data resent.
sc_net_blackhole()
{
	local n i d

	n=$(events 2 25)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		d=$(rnd 1 4)
		long && [ $((i % 5)) = 0 ] && d=$((HB_TIMEOUT + $(rnd 2 6)))
		relay blackhole
		CUTS=$((CUTS + 1))
		note "net_blackhole $i/$n: ${d}s"
		sleep "$d"
		relay pass
		flowing "$RECOVER" "the stream after blackhole $i"
	done
	finish 0
}

# --- RELIABILITY 4: a half-open peer ----------------------------------------

sc_half_open()
{
	local n i side pid home other before t0 t

	n=$(events 1 6)
	pair_up
	start_flow "$RATE"
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		if [ "$(rnd 0 1)" = 0 ]; then
			side=in home=$HB other=$HA
		else
			side=out home=$HA other=$HB
		fi
		pid=$(daemon_pid "$home") || fail "no $side pid"
		before=$(log_count "$other" 'Peer silent')
		kill -STOP "$pid"
		KILLS=$((KILLS + 1))
		t0=$SECONDS
		note "half_open $i/$n: $side server $pid stopped"
		wait_for $((HB_TIMEOUT + 15)) \
		    "the peer of the stopped $side server to say 'Peer silent'" \
		    log_grew "$other" 'Peer silent' "$before"
		t=$((SECONDS - t0))
		note "half_open $i/$n: detected after ${t}s"
		rsleep 0 3000
		kill -CONT "$pid"
		flowing "$RECOVER" "the stream after the $side server was continued"
	done
	finish 0
}

# --- RELIABILITY 5: stream identity -----------------------------------------

# An output server of another stream calls the input server while the
# pair streams: it is refused with a trace, none of its data reaches
# the reader (the verifier would see it as garbage), the pair goes on.
sc_identity()
{
	local n i hc="$TMP/c" fifo="$TMP/fifo_rogue" rogue before

	n=$(events 1 3)
	pair_up
	mkfifo -m 0660 "$fifo" || fail "mkfifo $fifo"
	TAPESOCK_HOME=$hc expect_rc 0 ts setup servertype=OUT host=127.0.0.1 \
	    port="$PORT" pipe="$fifo" calldelay=1
	# A server of the pair (it holds the key) with another stream.
	cp "$HA/pair.key" "$hc/pair.key" || fail "copy the pair key to $hc"
	start_flow "$RATE"
	flowing 30 "the first data"
	"$FB/gen" -f "$fifo" -s $((SEED + 1)) -r 200000 -w >/dev/null 2>&1 &
	rogue=$!
	track "$rogue"
	for ((i = 1; i <= n; i++)); do
		before=$(log_count "$HB" 'Stream mismatch')
		TAPESOCK_HOME=$hc expect_rc 0 ts start '(C'
		KILLS=$((KILLS + 1))
		wait_for 20 "the input server to refuse the other stream" \
		    log_grew "$HB" 'Stream mismatch' "$before"
		note "identity $i/$n: refused"
		flowing "$RECOVER" "the stream while another stream calls"
		TAPESOCK_HOME=$hc ts stop '(Q' >/dev/null 2>&1
	done
	finish 0
}

# --- RELIABILITY 6: spool full ----------------------------------------------

sc_spool_full()
{
	local n i max=4194304 used stalled

	n=$(events 1 4)
	pair_up -- spoolmax=4M
	start_flow 0
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		expect_rc 0 tb stop '(Q'
		KILLS=$((KILLS + 1))
		# Backpressure: the tape process blocks for good, it is not
		# dropped from and it does not fail.
		wait_for 60 "the tape process to block on a full spool" \
		    gen_stalled 3000
		gen_alive
		used=$(du -sb "$HA/default.spool" 2>/dev/null | cut -f1)
		stalled=$(pfield "$TMP/gprogress" stalled)
		note "spool_full $i/$n: spool ${used:-?} bytes, writer blocked ${stalled} ms"
		[ "${used:-0}" -le $((max + 1048576)) ] ||
		    fail "the spool holds $used bytes, spoolmax is $max"
		start_in
		flowing "$RECOVER" "the stream after the receiver is back"
	done
	finish 0
}

# --- RELIABILITY 7: corruption on the wire ----------------------------------

# Under TLS (tls=ON, the default) a changed byte fails the record's
# check; with tls=OFF it reaches the frames, whose checksums must catch
# it.  Both are run: the second is the frame layer's own test.
corruption_run()
{
	local n i what caught0 caught pat

	pat="Bad header|Unexpected msg|Bad msg num|Lost msg|Link record failed"
	n=$(events 4 80)
	pair_up "$@" -- "$@"
	start_flow "$RATE"
	flowing 30 "the first data"
	caught0=$(($(log_count "$HA" "$pat") + $(log_count "$HB" "$pat")))
	for ((i = 1; i <= n; i++)); do
		rsleep 0 1500
		case $(rnd 0 3) in
		0|1) what="flip 1" ;;
		2) what="rflip 1" ;;
		*) what="junk $(rnd 1 3000)" ;;
		esac
		# shellcheck disable=SC2086	# two words
		relay $what
		CUTS=$((CUTS + 1))
		note "corruption $i/$n: $what"
		flowing "$RECOVER" "the stream after '$what'"
	done
	caught=$(($(log_count "$HA" "$pat") + $(log_count "$HB" "$pat") - caught0))
	note "corruption: $caught error trace(s) for $n fault(s)"
	[ "$caught" -ge 1 ] || fail "$n faults on the wire and no record or frame error traced"
	result note "$caught record or frame error traces"
	finish 0
}

sc_corruption()
{
	corruption_run
}

sc_corruption_plain()
{
	corruption_run tls=OFF
}

# --- RELIABILITY 9: a reader that stops ---------------------------------------

rss_kb()
{
	ps -o rss= -p "$1" 2>/dev/null | tr -d ' '
}

sc_slow_reader()
{
	local n i d pa pb base0 top=0 r t

	n=$(events 1 5)
	pair_up
	start_flow 0
	flowing 30 "the first data"
	flowing 30 "a warm-up"
	pa=$(daemon_pid "$HA")
	pb=$(daemon_pid "$HB")
	base0=$(($(rss_kb "$pa") + $(rss_kb "$pb")))
	for ((i = 1; i <= n; i++)); do
		d=$(events 6 20)
		kill -STOP "$VERIFY"
		KILLS=$((KILLS + 1))
		note "slow_reader $i/$n: reader stopped ${d}s"
		for ((t = 0; t < d * 2; t++)); do
			sleep 0.5
			r=$(($(rss_kb "$pa") + $(rss_kb "$pb")))
			[ "$r" -gt "$top" ] && top=$r
		done
		gen_alive
		kill -CONT "$VERIFY"
		flowing "$RECOVER" "the stream after the reader resumed"
	done
	note "slow_reader: RSS of both servers ${base0} KiB before, at most ${top} KiB"
	result note "RSS ${base0}->${top} KiB"
	# Two windows of 64 blocks of 128 KiB, and some room.
	[ "$top" -le $((base0 + 24 * 1024)) ] ||
	    fail "the servers grew from $base0 KiB to $top KiB while the reader stopped"
	finish 0
}

# --- RELIABILITY 10: honest exits ---------------------------------------------

# The input server cannot write what it holds (the reader stopped):
# stop must fail and say what is pending; the output server still has
# it, so nothing is lost once the reader and the input server are back.
sc_honest_stop()
{
	local n i rc

	n=$(events 1 2)
	pair_up
	start_flow 0
	flowing 30 "the first data"
	for ((i = 1; i <= n; i++)); do
		kill -STOP "$VERIFY"
		# Held for a second with the reader stopped: the pipe is
		# full, not a block passing through the window on its way.
		wait_for 30 "the input server to hold unwritten blocks" \
		    unwritten
		sleep 1
		wait_for 30 "the input server to hold unwritten blocks" \
		    unwritten
		rc=0
		TAPESOCK_HOME="$HB" timeout 90 "$BIN/tape-socket" stop '(Q' \
		    >"$TMP/stop.out" 2>&1 || rc=$?
		KILLS=$((KILLS + 1))
		note "honest_stop $i/$n: stop exited $rc: $(head -n 1 "$TMP/stop.out")"
		[ "$rc" = 1 ] || fail "stop of an input server with blocks it could" \
		    "not write exited $rc, expected 1"
		last_trace_is "$HB" "pending" ||
		    fail "b: the last trace does not say what is pending"
		kill -CONT "$VERIFY"
		start_in
		flowing "$RECOVER" "the stream after the honest stop"
	done
	finish 0
}

type "sc_$NAME" >/dev/null 2>&1 || fail "no scenario '$NAME'"
note "scenario $NAME ($MODE), seed $SEED, features: ${FAULTS_FEATURES:-none}"
"sc_$NAME"
exit 0
