# lib.sh — sourced by every integration test (uftpd style).
#
#   BIN=build bash test/integration/t_cli.sh
#
# Exit codes: 0 pass, 77 skip, 99 fail.  Everything a test makes lives
# in $TMP, removed on exit whatever happens; background helpers started
# with `track` are killed first.
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
		kill "$p" 2>/dev/null
	done
	for p in $BGPIDS; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMP"
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
