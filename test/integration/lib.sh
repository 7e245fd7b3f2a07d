# lib.sh — sourced by every integration test (uftpd style).
#
#   BIN=build bash test/integration/t_cli.sh
#
# Exit codes: 0 pass, 77 skip, 99 fail.  Everything a test makes lives
# in $TMP, removed on exit whatever happens; background helpers started
# with `track` are killed first (with what they started), then every
# server whose pid file is in $TMP is stopped (see stop_servers).
#
# Do not call expect_* inside a pipeline (`printf x | expect_rc ...`):
# a pipeline runs it in a subshell, and its `fail` would only end that
# subshell.  Feed input with a redirection instead:
#   expect_rc 0 ts setup port=? < <(printf '3000\n')

# shellcheck shell=bash
set -u
umask 022

if [ -z "${BIN:-}" ]; then
	BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build" 2>/dev/null && pwd)
fi
case "${BIN:-}" in
/*) ;;
*) BIN=$(cd "${BIN:-.}" && pwd) ;;
esac

TEST=$(basename "$0" .sh)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tapesock-$TEST.XXXXXX") || {
	echo "$TEST: cannot create a temporary directory" >&2
	exit 99
}
export TAPESOCK_HOME="$TMP/home"
export TAPESOCK_NO_SYSLOG=1
OUT="$TMP/.stdout"
ERR="$TMP/.stderr"
: >"$OUT"
: >"$ERR"
BGPIDS=""

cleanup()
{
	local p

	for p in $BGPIDS; do
		kill_tree TERM "$p"
	done
	for p in $BGPIDS; do
		wait "$p" 2>/dev/null
	done
	stop_agents
	stop_servers
	rm -rf "$TMP"
}

# stop_agents: the txlog loggers and restores of data areas in $TMP
# (servers with txlog=ON start them, and they outlive their servers).
stop_agents()
{
	local f pid

	[ -d "$TMP" ] || return 0
	while IFS= read -r f; do
		pid=$(sed -n 's/^pid //p' "$f")
		[ -n "$pid" ] || continue
		tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" |
		    grep -q "txlog -d $TMP/" || continue
		kill -TERM "$pid" 2>/dev/null
	done < <(find "$TMP" -path '*/.txlog/*.state' 2>/dev/null)
}
trap cleanup EXIT
# A signal (timeout(1), ^C) still goes through the EXIT trap.
trap 'exit 99' HUP INT TERM

fail()
{
	echo "FAIL: $TEST: $*" >&2
	exit 99
}

skip()
{
	echo "SKIP: $TEST: $*" >&2
	exit 77
}

# Show the last captured output, indented, on stderr.
show_captured()
{
	echo "  stdout:" >&2
	sed 's/^/    | /' "$OUT" >&2
	echo "  stderr:" >&2
	sed 's/^/    | /' "$ERR" >&2
}

ts()
{
	"$BIN/tape-socket" "$@"
}

# expect_rc N cmd... : run cmd, keep its stdout/stderr for expect_out
# and expect_err, fail unless it exits with N.
expect_rc()
{
	local want=$1 rc
	shift
	"$@" >"$OUT" 2>"$ERR"
	rc=$?
	if [ "$rc" != "$want" ]; then
		echo "FAIL: $TEST: '$*' exited $rc, expected $want" >&2
		show_captured
		exit 99
	fi
}

# grep -E on the last captured stdout / stderr.
expect_out()
{
	grep -Eq -- "$1" "$OUT" && return 0
	echo "FAIL: $TEST: stdout does not match /$1/" >&2
	show_captured
	exit 99
}

expect_err()
{
	grep -Eq -- "$1" "$ERR" && return 0
	echo "FAIL: $TEST: stderr does not match /$1/" >&2
	show_captured
	exit 99
}

expect_no_out()
{
	grep -Eq -- "$1" "$OUT" || return 0
	echo "FAIL: $TEST: stdout should not match /$1/" >&2
	show_captured
	exit 99
}

expect_no_err()
{
	grep -Eq -- "$1" "$ERR" || return 0
	echo "FAIL: $TEST: stderr should not match /$1/" >&2
	show_captured
	exit 99
}

# Fixed strings (values full of regex characters: "bad user!").
expect_err_has()
{
	grep -Fq -- "$1" "$ERR" && return 0
	echo "FAIL: $TEST: stderr does not contain '$1'" >&2
	show_captured
	exit 99
}

expect_out_has()
{
	grep -Fq -- "$1" "$OUT" && return 0
	echo "FAIL: $TEST: stdout does not contain '$1'" >&2
	show_captured
	exit 99
}

# Errors are one line on stderr, and say something.
expect_err_oneline()
{
	local n

	n=$(wc -l <"$ERR")
	if [ "$n" -ne 1 ] || ! grep -q '[^[:space:]]' "$ERR" ||
	    [ "$(sed 's/^tape-socket: *//' "$ERR")" = "" ]; then
		echo "FAIL: $TEST: stderr should be one non-empty line," \
		    "it has $n line(s)" >&2
		show_captured
		exit 99
	fi
}

expect_empty_err()
{
	[ -s "$ERR" ] || return 0
	echo "FAIL: $TEST: stderr should be empty" >&2
	show_captured
	exit 99
}

# Remember a background helper so that cleanup kills it.
track()
{
	BGPIDS="$BGPIDS $1"
}

# wait_for SECONDS DESCRIPTION cmd... : poll cmd (every 0.1 s) until it
# succeeds; fail with DESCRIPTION after SECONDS.
wait_for()
{
	local secs=$1 what=$2 i
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out after ${secs}s waiting for $what"
}

# A FIFO in $TMP; prints its path.
mkpipe()
{
	mkfifo -m 0660 "$TMP/$1" || fail "mkfifo $TMP/$1"
	echo "$TMP/$1"
}

# show_value SERVER KEYWORD: the value `show` prints for it.
show_value()
{
	"$BIN/tape-socket" show server="$1" 2>/dev/null |
	    sed -nE "s/^[[:space:]].*[[:space:]]$2[[:space:]]+(.*)\$/\1/p" |
	    head -n 1
}

# expect_value SERVER KEYWORD VALUE
expect_value()
{
	local got

	got=$(show_value "$1" "$2")
	[ "$got" = "$3" ] ||
	    fail "server $1: $2 is '$got', expected '$3'"
}

# plog_records FILE: check that FILE is a permanent log (records
# "yyyy-mm-dd hh:mm:ss.xxx: (CODE, NUM): TYPE: text: " then "===="; the
# text may span lines) and print each record on one line as
# "CODE NUM TYPE text".  Fails on anything else.
plog_records()
{
	local re='^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}): \(([A-Z]+), ([0-9]+)\): (NOTICE|WARNING|ERROR|FATAL ERROR): (.*)$'
	local line rec="" open=0 lineno=0 last=""

	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		if [ "$open" = 0 ]; then
			[[ $line =~ $re ]] ||
			    fail "$1:$lineno: not a record header: '$line'"
			rec="${BASH_REMATCH[2]} ${BASH_REMATCH[3]} ${BASH_REMATCH[4]} ${BASH_REMATCH[5]}"
			open=1
		elif [ "$line" = "====" ] && [[ $last == *": " ]]; then
			printf '%s\n' "$rec"
			open=0
			last=""
			continue
		else
			rec="$rec\\n$line"
		fi
		last=$line
	done <"$1"
	[ "$open" = 0 ] || fail "$1: the last record has no ==== line"
}

[ -x "$BIN/tape-socket" ] || fail "no $BIN/tape-socket; run make first"

# --- two "machines" on this host ----------------------------------------
#
#   two_homes
#
# sets HA (home a, production: output server, sender) and HB (home b,
# backup: input server, receiver), FIFO_OUT (a's pipe: the tape process
# writes it), FIFO_IN (b's pipe: the reader reads it) and PORT (a free
# TCP port on 127.0.0.1), and sets both servers up.  `ta` and `tb` run
# tape-socket in home a and b.  Nothing is started: `expect_rc 0 tb
# start` then `expect_rc 0 ta start`.  cleanup stops (then kills) every
# server whose pid file is in $TMP, on failure too.

ta()
{
	TAPESOCK_HOME="$HA" "$BIN/tape-socket" "$@"
}

tb()
{
	TAPESOCK_HOME="$HB" "$BIN/tape-socket" "$@"
}

# port_is_free PORT: nothing on this host uses it as a local TCP port
# (on any address: an input server may listen on every one).
port_is_free()
{
	! ss -Htan "sport = :$1" 2>/dev/null | grep -q .
}

# free_port: a TCP port in 20000-32000 nobody uses (below the usual
# ephemeral range, so no outgoing connection takes it meanwhile).
free_port()
{
	local p i

	command -v ss >/dev/null 2>&1 || skip "no ss(8) to find a free port"
	for ((i = 0; i < 500; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12001))
		port_is_free "$p" && { echo "$p"; return 0; }
	done
	fail "no free TCP port in 20000-32000 after 500 tries"
}

two_homes()
{
	HA="$TMP/a"
	HB="$TMP/b"
	FIFO_OUT="$TMP/fifo_out"
	FIFO_IN="$TMP/fifo_in"
	PORT=$(free_port) || exit 99
	mkfifo -m 0660 "$FIFO_OUT" "$FIFO_IN" || fail "mkfifo in $TMP"
	expect_rc 0 tb setup servertype=IN port="$PORT" pipe="$FIFO_IN" \
	    listen=127.0.0.1
	expect_rc 0 ta setup servertype=OUT host=127.0.0.1 port="$PORT" \
	    pipe="$FIFO_OUT" calldelay=1
	share_key
}

# backup_reader FILE: read the input server's pipe ($FIFO_IN) into FILE
# for the rest of the test, holding it open read-write, so that a
# restart of the server is no end of file for the reader.
backup_reader()
{
	: >"$1"
	(
		exec 4<>"$FIFO_IN"
		exec cat <&4 >"$1"
	) &
	track $!
}

# share_key: the input home takes the output home's pair key, as an
# operator does with keyexport | ssh ... keyimport.
share_key()
{
	ta keyexport >"$TMP/.key" 2>"$ERR" || fail "keyexport: $(cat "$ERR")"
	tb keyimport <"$TMP/.key" >/dev/null 2>"$ERR" ||
	    fail "keyimport: $(cat "$ERR")"
	rm -f "$TMP/.key"
}

# qfield HOME FIELD [SERVER]: a field of `query` ("curmsg", "msgin",
# "Status", ...), empty when the server does not answer.
qfield()
{
	TAPESOCK_HOME="$1" "$BIN/tape-socket" query server="${3:-default}" \
	    2>/dev/null | sed -n "s/^$2: *//p" | head -n 1
}

# last_trace_is HOME TEXT [SERVER]: status shows TEXT as the last
# trace of the server (e.g. "Stop on req" after a stop with (Q, which
# prints nothing).
last_trace_is()
{
	TAPESOCK_HOME="$1" "$BIN/tape-socket" status 2>/dev/null |
	    grep -E "[[:space:]]${3:-default}[[:space:]]" | grep -Fq -- "$2"
}

# is_running HOME [SERVER]: its pid file is locked by a live server.
is_running()
{
	TAPESOCK_HOME="$1" "$BIN/tape-socket" status '(R' 2>/dev/null |
	    grep -Eq "[[:space:]]${2:-default}[[:space:]]"
}

# daemon_pid HOME [SERVER]: the pid the server's pid file names.
daemon_pid()
{
	local f="$1/${2:-default}.pid" pid

	[ -f "$f" ] || return 1
	pid=$(tr -dc 0-9 <"$f")
	[ -n "$pid" ] && echo "$pid"
}

# is_our_daemon PID PIDFILE: PID is the tapesockd holding PIDFILE open
# (its lock), not a process that took over the pid of one that died.
# (Its environment cannot tell: setproctitle writes over it.)
is_our_daemon()
{
	local fd want

	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = tapesockd ] || return 1
	want=$(readlink -f "$2")
	for fd in /proc/"$1"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = "$want" ] && return 0
	done
	return 1
}

# kill_tree SIG PID: PID and everything it started (background helper
# subshells run cat, dd, ...: killing the subshell alone leaves them).
kill_tree()
{
	local sig=$1 pid=$2 c kids

	# The children first listed, then the parent killed, so that it
	# starts no new one, then the children.
	kids=$(pgrep -P "$pid" 2>/dev/null)
	kill "-$sig" "$pid" 2>/dev/null
	for c in $kids; do
		kill_tree "$sig" "$c"
	done
}

# stop_servers: every server started under $TMP, stopped: `stop (Q`
# (bounded: a server with data pending would wait for it), then
# SIGKILL for any tapesockd still named by a pid file in $TMP.
stop_servers()
{
	local f home name pid stops=""

	[ -d "$TMP" ] || return 0
	while IFS= read -r f; do
		home=${f%/*}
		name=${f##*/}
		name=${name%.pid}
		pid=$(daemon_pid "$home" "$name") || continue
		is_our_daemon "$pid" "$f" || continue
		TAPESOCK_HOME="$home" timeout 5 "$BIN/tape-socket" stop \
		    server="$name" '(Q' >/dev/null 2>&1 &
		stops="$stops $!"
	done < <(find "$TMP" -name '*.pid' 2>/dev/null)
	for pid in $stops; do
		wait "$pid"
	done
	while IFS= read -r f; do
		pid=$(daemon_pid "${f%/*}" "$(basename "$f" .pid)") || continue
		if is_our_daemon "$pid" "$f"; then
			echo "cleanup: killing tapesockd $pid ($f)" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	done < <(find "$TMP" -name '*.pid' 2>/dev/null)
}

# pid_gone PID: the process has ended.
pid_gone()
{
	! kill -0 "$1" 2>/dev/null
}

# wait_bg SECONDS DESCRIPTION PID: wait for a background helper of this
# shell to end (fail after SECONDS); returns its exit status.
wait_bg()
{
	wait_for "$1" "$2" pid_gone "$3"
	wait "$3"
}

# file_size FILE: its size in bytes (0 if missing).
file_size()
{
	stat -c %s "$1" 2>/dev/null || echo 0
}

# stream FILE: FILE through the current pair, one tape file; what the
# reader gets must be the same bytes.
stream()
{
	local rd wr got="$TMP/stream.got"

	rm -f "$got"
	cat "$FIFO_IN" >"$got" &
	rd=$!
	track $rd
	cat "$1" >"$FIFO_OUT" &
	wr=$!
	track $wr
	wait_bg 20 "$1 written into $FIFO_OUT" $wr || fail "writing $1 failed"
	wait_bg 20 "$1 read from $FIFO_IN" $rd || fail "reading $1 failed"
	cmp -s "$1" "$got" ||
	    fail "$1: read $(file_size "$got") bytes, wrote $(file_size "$1")" \
	    "or different bytes"
}
