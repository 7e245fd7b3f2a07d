#!/bin/bash
# demo.sh BUILD_DIR — real replication between two "machines" on one
# host, each its own TAPESOCK_HOME:
#
#   a (production)  tar c -> a's pipe -> [output server]
#                                              | TCP 127.0.0.1:PORT
#   b (backup)      tar x <- b's pipe <- [input server]
#
# It streams a tar archive of the project's own tapesock/ and man/
# directories from a to b, extracts it on b, compares the two trees,
# shows status and query of both servers, stops them, and removes
# everything it made (on failure too).  Exit 0 only if the trees are
# identical and both servers stopped with everything delivered.

# shellcheck disable=SC2317	# functions run through wait_for or a trap
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
[ -x "$TS" ] || { echo "$0: no $TS; run make first" >&2; exit 2; }
[ -x "$BIN/tapesockd" ] || { echo "$0: no $BIN/tapesockd; run make first" >&2; exit 2; }
TOP=$(cd "$(dirname "$0")/.." && pwd)

DEMO=$(mktemp -d "${TMPDIR:-/tmp}/tapesock-demo.XXXXXX") || exit 1
export TAPESOCK_NO_SYSLOG=1
BG=""

step() { printf '\n=== %s\n' "$*"; }
die() { echo "demo: FAILED: $*" >&2; exit 1; }

# The servers started here, then the background jobs, then the files.
cleanup()
{
	local m f pid fd want

	for pid in $BG; do
		kill "$pid" 2>/dev/null
	done
	for m in a b; do
		[ -f "$DEMO/$m/default.pid" ] || continue
		TAPESOCK_HOME="$DEMO/$m" timeout 10 "$TS" stop '(Q' \
		    >/dev/null 2>&1
	done
	# A server that would not stop: killed, if it is still the one
	# holding its pid file.
	for f in "$DEMO"/[ab]/*.pid; do
		[ -f "$f" ] || continue
		pid=$(tr -dc 0-9 <"$f")
		[ -n "$pid" ] || continue
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tapesockd ] || continue
		want=$(readlink -f "$f")
		for fd in /proc/"$pid"/fd/*; do
			if [ "$(readlink "$fd" 2>/dev/null)" = "$want" ]; then
				echo "demo: killing tapesockd $pid" >&2
				kill -KILL "$pid"
				break
			fi
		done
	done
	wait 2>/dev/null
	rm -rf "$DEMO"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# on MACHINE cmd... : run tape-socket on machine a or b, showing it.
on()
{
	local m=$1
	shift
	printf '%s$ tape-socket %s\n' "$m" "$*"
	TAPESOCK_HOME="$DEMO/$m" "$TS" "$@" ||
	    die "'tape-socket $*' failed on $m"
}

# A TCP port in 20000-32000 nothing on this host uses.
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
PORT=""
for ((i = 0; i < 500; i++)); do
	p=$((20000 + (RANDOM * 32768 + RANDOM) % 12001))
	port_used "$p" || { PORT=$p; break; }
done
[ -n "$PORT" ] || die "no free TCP port in 20000-32000"

# wait_gone SECONDS PID: wait for a background job; its exit status.
wait_gone()
{
	local i

	for ((i = 0; i < $1 * 10; i++)); do
		kill -0 "$2" 2>/dev/null || { wait "$2"; return; }
		sleep 0.1
	done
	die "still running after $1 s: $(ps -o args= -p "$2" 2>/dev/null)"
}

step "Two machines on this host: a (production) and b (backup), under $DEMO"
mkdir -p "$DEMO/pipes" "$DEMO/restored" || die "mkdir in $DEMO"
mkfifo -m 0660 "$DEMO/pipes/tapeout" "$DEMO/pipes/tapein" || die "mkfifo"
echo "a's pipe (the tape process writes it):  $DEMO/pipes/tapeout"
echo "b's pipe (the reading process reads it): $DEMO/pipes/tapein"
echo "the link: TCP 127.0.0.1 port $PORT"

step "b: set up the input server (receiver) on port $PORT"
on b setup servertype=IN port="$PORT" pipe="$DEMO/pipes/tapein"

step "a: set up the output server (sender), calling b at 127.0.0.1:$PORT"
on a setup servertype=OUT host=127.0.0.1 port="$PORT" \
    pipe="$DEMO/pipes/tapeout" calldelay=1

step "b: take a's pair key (on two machines: tape-socket keyexport | ssh b tape-socket keyimport)"
echo "a\$ tape-socket keyexport | b\$ tape-socket keyimport"
TAPESOCK_HOME="$DEMO/a" "$TS" keyexport | TAPESOCK_HOME="$DEMO/b" "$TS" keyimport ||
    die "copying the pair key from a to b failed"

step "b: start the input server (it returns once the server listens)"
on b start
step "a: start the output server"
on a start

for m in b a; do
	step "$m: status"
	on $m status
done

step "b: the reading process: tar x from b's pipe into $DEMO/restored"
echo "b\$ tar -xf $DEMO/pipes/tapein -C $DEMO/restored &"
tar -xf "$DEMO/pipes/tapein" -C "$DEMO/restored" &
reader=$!
BG="$BG $reader"

step "a: the tape process: tar c of $TOP/tapesock and $TOP/man into a's pipe"
echo "a\$ tar -cf $DEMO/pipes/tapeout -C $TOP tapesock man"
tar -cf "$DEMO/pipes/tapeout" -C "$TOP" tapesock man &
writer=$!
BG="$BG $writer"
wait_gone 60 "$writer" || die "tar c into a's pipe failed"
echo "a: the archive is written ($(tar -cf - -C "$TOP" tapesock man | wc -c) bytes)"
wait_gone 60 "$reader" || die "tar x from b's pipe failed"
echo "b: the archive is extracted"

step "Compare: diff -r $TOP/tapesock and man with what b restored"
same=1
for d in tapesock man; do
	if diff -r "$TOP/$d" "$DEMO/restored/$d"; then
		echo "$d/: identical ($(find "$DEMO/restored/$d" -type f | wc -l) files)"
	else
		same=0
	fi
done

for m in a b; do
	step "$m: query — counters and state of its server"
	on $m query
done

step "a: stop the output server (it stops once b has acknowledged everything)"
on a stop
step "b: stop the input server"
on b stop
for m in a b; do
	step "$m: status after the stop"
	on $m status
done

step "Result"
if [ $same = 1 ]; then
	echo "OK: the tree restored on b is identical to a's"
	exit 0
fi
die "the tree restored on b differs from a's"
