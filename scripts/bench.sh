#!/bin/bash
# bench.sh BUILD_DIR — throughput and latency of the path
#
#   writer -> FIFO -> [transport] -> TCP 127.0.0.1 -> [transport] -> FIFO -> reader
#
# on this host, for each transport:
#
#   ceiling   no network: one cat(1) from the source FIFO to the other
#   socat     socat -u -b131072 PIPE -> TCP-LISTEN -> PIPE
#   mbuffer   mbuffer -O 127.0.0.1:PORT -> mbuffer -I 127.0.0.1:PORT
#   ts-off    tapesock, both servers sync=OFF (tls=ON, the default)
#   ts-clear  tapesock, both servers sync=OFF tls=OFF (the key proven,
#             data in clear: what TLS costs is ts-clear against ts-off)
#   ts-on     tapesock, both servers sync=ON
#
# and each write size of BENCH_SIZES.  The writer and the reader are
# build/benchio: it writes COUNT numbered blocks, the reader checks the
# byte count and the CRC-32C of the stream, and the time runs from the
# first write to the last byte read.  Then the latency of lone 500-byte
# blocks through tapesock, and the peak RSS of both tapesockd.  Prints
# the tables of doc/PERFORMANCE.md.
#
# Environment (sizes in bytes):
#   BENCH_BYTES=1073741824  bytes per run for writes of 8 KiB and more
#   BENCH_SMALL=134217728   bytes per run for writes under 8 KiB
#   BENCH_SIZES="500 8192 131072 1048576"
#   BENCH_TOOLS="ceiling socat mbuffer ts-off ts-clear ts-on"
#   BENCH_LAT=200           latency samples (BENCH_LAT=0: none)
#   BENCH_LAT_SIZE=500  BENCH_LAT_PAUSE_MS=20
#   BENCH_TIMEOUT=300       seconds any one run may take
#   BENCH_REPEAT=1          runs of each; the median is shown
#   BENCH_QUICK=1           a smoke run of a few seconds in all
#   BENCH_TMPDIR            where the homes, spools and FIFOs go (TMPDIR)
#   BENCH_PROFILE=DIR       perf record both tapesockd during each run
#   BENCH_PERF_OPTS="-g"    options of that perf record
#   BENCH_STRACE=DIR        strace -c -f both tapesockd during each run
#                           (slows them down: its figures are not speed)
# Only 127.0.0.1, ports 20000-32000.  Everything it starts and makes
# is stopped and removed on exit, on failure and on a signal.

# shellcheck disable=SC2317	# functions run through a trap
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
BIN=$(cd "$1" 2>/dev/null && pwd) || {
	echo "$0: no build directory '$1'; run make first" >&2
	exit 2
}
TS="$BIN/tape-socket"
IO="$BIN/benchio"
for f in "$TS" "$BIN/tapesockd" "$IO"; do
	[ -x "$f" ] || { echo "$0: no $f; run make bench" >&2; exit 2; }
done

MiB=1048576
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	: "${BENCH_BYTES:=$((32 * MiB))}" "${BENCH_SMALL:=$((8 * MiB))}"
	: "${BENCH_LAT:=30}" "${BENCH_TIMEOUT:=60}"
fi
BYTES=${BENCH_BYTES:-$((1024 * MiB))}
SMALL=${BENCH_SMALL:-$((128 * MiB))}
SIZES=${BENCH_SIZES:-"500 8192 131072 1048576"}
TOOLS=${BENCH_TOOLS:-"ceiling socat mbuffer ts-off ts-clear ts-on"}
LAT=${BENCH_LAT:-200}
LAT_SIZE=${BENCH_LAT_SIZE:-500}
LAT_PAUSE=${BENCH_LAT_PAUSE_MS:-20}
LIMIT=${BENCH_TIMEOUT:-300}
REPEAT=${BENCH_REPEAT:-1}
PROFILE=${BENCH_PROFILE:-}
STRACE=${BENCH_STRACE:-}
for v in "$BYTES" "$SMALL" "$LAT" "$LAT_SIZE" "$LAT_PAUSE" "$LIMIT" \
    "$REPEAT" $SIZES; do
	case $v in
	'' | *[!0-9]*) echo "$0: '$v' is not a whole number" >&2; exit 2 ;;
	esac
done
for t in $TOOLS; do
	case $t in
	ceiling | ts-off | ts-clear | ts-on) ;;
	socat | mbuffer)
		command -v "$t" >/dev/null 2>&1 || {
			echo "$0: no $t; run scripts/deps.sh bench as root" >&2
			exit 2
		} ;;
	*) echo "$0: unknown tool '$t'" >&2; exit 2 ;;
	esac
done
[ "$REPEAT" -ge 1 ] || { echo "$0: BENCH_REPEAT must be at least 1" >&2; exit 2; }
for d in "$PROFILE" "$STRACE"; do
	[ -z "$d" ] || mkdir -p "$d" || exit 2
done
[ -z "$PROFILE" ] || command -v perf >/dev/null 2>&1 ||
    { echo "$0: no perf; run scripts/deps.sh bench as root" >&2; exit 2; }
[ -z "$STRACE" ] || command -v strace >/dev/null 2>&1 ||
    { echo "$0: no strace; run scripts/deps.sh bench as root" >&2; exit 2; }

W=$(mktemp -d "${BENCH_TMPDIR:-${TMPDIR:-/tmp}}/tapesock-bench.XXXXXX") ||
    exit 1
export TAPESOCK_NO_SYSLOG=1
SRC="$W/src"
DST="$W/dst"
RES="$W/results"
BG=""
: >"$RES"

die() { echo "bench: FAILED: $*" >&2; exit 1; }
note() { printf 'bench: %s\n' "$*" >&2; }

# kill_tree SIG PID: PID and what it started (timeout runs benchio).
kill_tree()
{
	local c kids

	kids=$(pgrep -P "$2" 2>/dev/null)
	kill "-$1" "$2" 2>/dev/null
	for c in $kids; do
		kill_tree "$1" "$c"
	done
}

# ts_pid HOME: the tapesockd holding the pid file of HOME (its lock),
# not a process that took over the pid of one that died.
ts_pid()
{
	local f="$1/default.pid" pid fd want

	[ -f "$f" ] || return 1
	pid=$(tr -dc 0-9 <"$f")
	[ -n "$pid" ] || return 1
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tapesockd ] || return 1
	want=$(readlink -f "$f")
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$want" ] &&
		    { echo "$pid"; return 0; }
	done
	return 1
}

ts_stop_all()
{
	local h pid

	for h in "$W"/ts-*/[ab]; do
		[ -d "$h" ] || continue
		ts_pid "$h" >/dev/null || continue
		TAPESOCK_HOME="$h" timeout 10 "$TS" stop '(Q' >/dev/null 2>&1
	done
	for h in "$W"/ts-*/[ab]; do
		pid=$(ts_pid "$h") || continue
		note "killing tapesockd $pid"
		kill -KILL "$pid"
	done
}

bg_stop()
{
	local p

	for p in $BG; do
		kill_tree TERM "$p"
	done
	for p in $BG; do
		wait "$p" 2>/dev/null
	done
	BG=""
}

cleanup()
{
	bg_stop
	ts_stop_all
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

port_used()
{
	if command -v ss >/dev/null 2>&1; then
		ss -Htan "sport = :$1" 2>/dev/null | grep -q .
	else
		awk -v p="$(printf ':%04X' "$1")" \
		    'substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' \
		    /proc/net/tcp /proc/net/tcp6 2>/dev/null
	fi
}

free_port()
{
	local i p

	for ((i = 0; i < 500; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12001))
		port_used "$p" || { echo "$p"; return 0; }
	done
	die "no free TCP port in 20000-32000"
}

# wait_listen PORT: until something listens on 127.0.0.1:PORT.
wait_listen()
{
	local i

	for ((i = 0; i < 100; i++)); do
		ss -Htln "sport = :$1" 2>/dev/null | grep -q . && return 0
		sleep 0.05
	done
	die "nothing listens on 127.0.0.1:$1 after 5 s"
}

fresh_fifos()
{
	rm -f "$SRC" "$DST"
	mkfifo -m 0600 "$SRC" "$DST" || die "mkfifo in $W"
}

human()
{
	case $1 in
	*[!0-9]*) echo "$1" ;;
	*) if [ "$1" -ge $MiB ] && [ $(($1 % MiB)) = 0 ]; then
		echo "$(($1 / MiB)) MiB"
	elif [ "$1" -ge 1024 ] && [ $(($1 % 1024)) = 0 ]; then
		echo "$(($1 / 1024)) KiB"
	else
		echo "$1 B"
	fi ;;
	esac
}

count_for()
{
	local total=$BYTES

	[ "$1" -lt 8192 ] && total=$SMALL
	echo $(((total + $1 - 1) / $1))
}

# measure TOOL SIZE [START]: timed benchio runs through what is set up
# now, BENCH_REPEAT of them (START, if given, sets the transport up
# again before each); records "TOOL SIZE MiB/s" of the median run.
measure()
{
	local out count i all=""

	count=$(count_for "$2")
	for ((i = 0; i < REPEAT; i++)); do
		[ "$i" -gt 0 ] && [ -n "${3:-}" ] && "$3"
		out=$(timeout "$LIMIT" "$IO" run "$SRC" "$DST" "$2" "$count") ||
		    die "$1, $(human "$2") writes: ${out:-no result}" \
		    "(timeout ${LIMIT}s?)"
		all="$all $(sed -n 's/.*mibps=\([0-9.]*\).*/\1/p' <<<"$out")"
		printf '  %-8s %8s x %-8s %s\n' "$1" "$(human "$2")" "$count" \
		    "$out" >&2
	done
	printf '%s %s %s\n' "$1" "$2" "$(tr ' ' '\n' <<<"$all" | sed '/^$/d' |
	    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
	    >>"$RES"
}

# start_TOOL: the processes of one transfer (they end at end of file).
start_ceiling()
{
	bg_stop
	fresh_fifos
	cat "$SRC" >"$DST" &
	BG="$BG $!"
}

start_socat()
{
	local port

	bg_stop
	fresh_fifos
	port=$(free_port)
	socat -u -b131072 TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr \
	    PIPE:"$DST" &
	BG="$BG $!"
	wait_listen "$port"
	socat -u -b131072 PIPE:"$SRC" TCP:127.0.0.1:"$port" &
	BG="$BG $!"
}

start_mbuffer()
{
	local port

	bg_stop
	fresh_fifos
	port=$(free_port)
	mbuffer -q -f -s 128k -m 16M -I 127.0.0.1:"$port" -o "$DST" \
	    2>"$W/mbuffer.in.err" &
	BG="$BG $!"
	wait_listen "$port"
	mbuffer -q -s 128k -m 16M -i "$SRC" -O 127.0.0.1:"$port" \
	    2>"$W/mbuffer.out.err" &
	BG="$BG $!"
}

run_plain()
{
	"start_$1"
	measure "$1" "$2" "start_$1"
	bg_stop
}

# latency TOOL: lone blocks through what is set up now (the first ten
# are the warm-up: opens, the call).
latency()
{
	local out

	[ "$LAT" -gt 0 ] || return 0
	out=$(timeout "$LIMIT" "$IO" lat "$SRC" "$DST" "$LAT_SIZE" \
	    $((LAT + 10)) "$LAT_PAUSE" 10) ||
	    die "latency through $1: ${out:-no result}"
	printf 'lat %s %s\n' "$1" "$out" >>"$RES"
	printf '  %-8s latency of %s blocks: %s\n' "$1" "$(human "$LAT_SIZE")" \
	    "$out" >&2
}

# ts_pair SYNC TLS: set up and start an input server (home b) and an
# output server (home a) with sync=SYNC tls=TLS on $SRC and $DST; sets
# TA, TB, PIN, POUT.
ts_pair()
{
	local d="$W/ts-$1-$2" port

	fresh_fifos
	TA="$d/a"
	TB="$d/b"
	mkdir -p "$d" || die "mkdir $d"
	port=$(free_port)
	TAPESOCK_HOME="$TB" "$TS" setup servertype=IN port="$port" \
	    pipe="$DST" listen=127.0.0.1 sync="$1" tls="$2" >/dev/null ||
	    die "setup of the input server"
	TAPESOCK_HOME="$TA" "$TS" setup servertype=OUT host=127.0.0.1 \
	    port="$port" pipe="$SRC" calldelay=1 sync="$1" tls="$2" >/dev/null ||
	    die "setup of the output server"
	TAPESOCK_HOME="$TA" "$TS" keyexport | TAPESOCK_HOME="$TB" "$TS" \
	    keyimport >/dev/null || die "copy of the pair key"
	TAPESOCK_HOME="$TB" "$TS" start >/dev/null || die "start of b"
	TAPESOCK_HOME="$TA" "$TS" start >/dev/null || die "start of a"
	PIN=$(ts_pid "$TB") || die "no input server"
	POUT=$(ts_pid "$TA") || die "no output server"
	# The first transfer waits for the call: not to be timed.
	timeout 30 "$IO" run "$SRC" "$DST" 65536 16 >/dev/null ||
	    die "the warm-up transfer through tapesock sync=$1 tls=$2"
}

ts_stop()
{
	TAPESOCK_HOME="$TA" timeout 40 "$TS" stop '(Q' >/dev/null 2>&1 ||
	    note "stop of the output server failed"
	TAPESOCK_HOME="$TB" timeout 40 "$TS" stop '(Q' >/dev/null 2>&1 ||
	    note "stop of the input server failed"
}

# ts_msgs: messages the output server has taken from its pipe so far.
ts_msgs()
{
	TAPESOCK_HOME="$TA" "$TS" query 2>/dev/null |
	    sed -n 's/^msgin: *\([0-9]*\).*/\1/p' | head -n 1
}

# cpu_ticks PID: user and system time of PID so far, in clock ticks.
TICK=$(getconf CLK_TCK)
cpu_ticks()
{
	awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# minflt PID: the minor page faults of PID so far.
minflt()
{
	awk '{ sub(/^.*\) /, ""); print $8 }' "/proc/$1/stat"
}

hwm_kib()
{
	sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"
}

# Peak RSS per run: writing 5 to clear_refs resets VmHWM.
hwm_reset()
{
	echo 5 >"/proc/$PIN/clear_refs" 2>/dev/null
	echo 5 >"/proc/$POUT/clear_refs" 2>/dev/null
}

# The profilers of one run, attached to both servers.
AT=""
attach()
{
	local tag=$1

	AT=""
	if [ -n "$PROFILE" ]; then
		# shellcheck disable=SC2086	# options are words
		perf record ${BENCH_PERF_OPTS:--g} -o "$PROFILE/$tag.data" \
		    -p "$POUT,$PIN" >"$PROFILE/$tag.log" 2>&1 &
		AT="$AT $!"
	fi
	if [ -n "$STRACE" ]; then
		strace -c -f -o "$STRACE/$tag.out.txt" -p "$POUT" 2>/dev/null &
		AT="$AT $!"
		strace -c -f -o "$STRACE/$tag.in.txt" -p "$PIN" 2>/dev/null &
		AT="$AT $!"
	fi
	[ -n "$AT" ] && sleep 1	# they attach asynchronously
	BG="$BG $AT"
}

detach()
{
	local p

	for p in $AT; do
		kill -INT "$p" 2>/dev/null
	done
	for p in $AT; do
		wait "$p" 2>/dev/null
	done
	AT=""
}

run_ts()
{
	local mode=$1 size sync=OFF tls=ON m0 m1 co ci fo fn mib

	[ "$mode" = ts-on ] && sync=ON
	[ "$mode" = ts-clear ] && tls=OFF
	ts_pair "$sync" "$tls"
	for size in $SIZES; do
		hwm_reset
		m0=$(ts_msgs)
		co=$(cpu_ticks "$POUT")
		ci=$(cpu_ticks "$PIN")
		fo=$(minflt "$POUT")
		fn=$(minflt "$PIN")
		attach "$mode-$size"
		measure "$mode" "$size"
		detach
		m1=$(ts_msgs)
		co=$(($(cpu_ticks "$POUT") - co))
		ci=$(($(cpu_ticks "$PIN") - ci))
		fo=$(($(minflt "$POUT") - fo))
		fn=$(($(minflt "$PIN") - fn))
		mib=$(awk -v r="$REPEAT" -v b="$(($(count_for "$size") * size))" \
		    'BEGIN { print r * b / 1048576 }')
		printf 'rss %s %s %s %s %s %s %s %s %s\n' "$mode" "$size" \
		    "$(hwm_kib "$POUT")" "$(hwm_kib "$PIN")" \
		    "$(awk -v m=$((m1 - m0)) -v b="$mib" \
		    'BEGIN { printf "%.0f", m / b }')" \
		    "$(awk -v c="$co" -v t="$TICK" -v b="$mib" \
		    'BEGIN { printf "%.2f", c * 1000 / t / b }')" \
		    "$(awk -v c="$ci" -v t="$TICK" -v b="$mib" \
		    'BEGIN { printf "%.2f", c * 1000 / t / b }')" \
		    "$(awk -v f="$fo" -v b="$mib" 'BEGIN { printf "%.0f", f / b }')" \
		    "$(awk -v f="$fn" -v b="$mib" 'BEGIN { printf "%.0f", f / b }')" \
		    >>"$RES"
	done
	latency "$mode"
	ts_stop
}

note "$(nproc) CPUs, $(uname -r), temporary files on" \
    "$(df -PT "$W" | awk 'NR == 2 { print $2 }') ($W)"
note "$(human "$BYTES") per run ($(human "$SMALL") for writes under 8 KiB)"
for t in $TOOLS; do
	case $t in
	ts-*) run_ts "$t" ;;
	*) for s in $SIZES; do run_plain "$t" "$s"; done
		# The floor of the latency: the same path without tapesock.
		if [ "$t" != mbuffer ]; then
			"start_$t"
			latency "$t"
			bg_stop
		fi ;;
	esac
done

# --- the tables -----------------------------------------------------------
get() { awk -v t="$1" -v s="$2" '$1 == t && $2 == s { print $3 }' "$RES"; }
ratio()
{
	if [ -z "$1" ] || [ -z "$2" ]; then
		echo "-"
		return
	fi
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

echo
echo "Throughput, MiB/s (x the ceiling), FIFO -> TCP 127.0.0.1 -> FIFO"
printf '%-9s' "write"
for t in $TOOLS; do printf ' %16s' "$t"; done
echo
for s in $SIZES; do
	printf '%-9s' "$(human "$s")"
	ceil=$(get ceiling "$s")
	for t in $TOOLS; do
		v=$(get "$t" "$s")
		if [ -z "$v" ]; then
			printf ' %16s' "-"
		elif [ "$t" = ceiling ] || [ -z "$ceil" ]; then
			printf ' %16s' "$v"
		else
			printf ' %16s' "$v ($(ratio "$v" "$ceil"))"
		fi
	done
	echo
done

if [[ " $TOOLS " == *" mbuffer "* ]] && [[ " $TOOLS " == *" ts-"* ]]; then
	echo
	echo "tapesock / mbuffer"
	printf '%-9s %8s %8s %8s\n' write sync=OFF tls=OFF sync=ON
	for s in $SIZES; do
		printf '%-9s %8s %8s %8s\n' "$(human "$s")" \
		    "$(ratio "$(get ts-off "$s")" "$(get mbuffer "$s")")" \
		    "$(ratio "$(get ts-clear "$s")" "$(get mbuffer "$s")")" \
		    "$(ratio "$(get ts-on "$s")" "$(get mbuffer "$s")")"
	done
fi

if grep -q '^lat ' "$RES"; then
	echo
	echo "Latency of lone $(human "$LAT_SIZE") blocks," \
	    "write to read, ${LAT_PAUSE} ms apart (microseconds)"
	printf '%-8s %6s %8s %8s %8s %8s %8s\n' mode n p50 p90 p99 max mean
	sed -n 's/^lat //p' "$RES" | while read -r m rest; do
		# shellcheck disable=SC2046,SC2001	# the values are words
		set -- $(sed 's/[a-z0-9_]*=//g' <<<"$rest")
		printf '%-8s %6s %8s %8s %8s %8s %8s\n' "$m" "$@"
	done
fi

if grep -q '^rss ' "$RES"; then
	echo
	echo "The servers in each run: peak RSS (VmHWM, KiB); per MiB:" \
	    "messages, CPU ms, minor page faults"
	printf '%-8s %-8s %8s %8s %5s %8s %8s %8s %8s\n' mode write \
	    "RSS out" "RSS in" msgs "CPU out" "CPU in" "flt out" "flt in"
	sed -n 's/^rss //p' "$RES" | while read -r m s o i n c d x y; do
		printf '%-8s %-8s %8s %8s %5s %8s %8s %8s %8s\n' "$m" \
		    "$(human "$s")" "$o" "$i" "$n" "$c" "$d" "$x" "$y"
	done
fi
exit 0
