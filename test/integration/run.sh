#!/bin/bash
# run.sh BUILD_DIR [t_name | path ...] — run the integration tests
# (or the attack suite: run.sh build test/security/s_*.sh).
#
# Each t_*.sh runs with BIN=BUILD_DIR (absolute), stdin from /dev/null,
# bounded by timeout(1).  Prints PASS/FAIL/SKIP per test (a failing
# test's output follows, indented), then "N passed, M failed" and
# ", K skipped" when some were.  Exit 1 if any test failed.

set -u

LIMIT=${TAPESOCK_TEST_TIMEOUT:-120}

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILD_DIR [t_name ...]" >&2
	exit 2
fi
BIN=$(cd "$1" 2>/dev/null && pwd) || {
	echo "$0: no build directory '$1'; run make first" >&2
	exit 2
}
export BIN
shift
here=$(cd "$(dirname "$0")" && pwd)

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		t=${t%.sh}
		case $t in
		*/*) tests+=("$t.sh") ;;	# a path: test/security/s_auth
		*) tests+=("$here/$t.sh") ;;
		esac
	done
else
	tests=("$here"/t_*.sh)
fi

logdir=$(mktemp -d "${TMPDIR:-/tmp}/tapesock-run.XXXXXX") || exit 2
trap 'rm -rf "$logdir"' EXIT

pass=0
failed=0
skipped=0
for t in "${tests[@]}"; do
	name=$(basename "$t" .sh)
	if [ ! -f "$t" ]; then
		echo "FAIL $name"
		echo "    no such test: $t"
		failed=$((failed + 1))
		continue
	fi
	log="$logdir/$name.log"
	timeout --kill-after=10 "$LIMIT" bash "$t" </dev/null >"$log" 2>&1
	rc=$?
	case $rc in
	0)
		echo "PASS $name"
		pass=$((pass + 1))
		;;
	77)
		echo "SKIP $name"
		grep '^SKIP' "$log" | sed 's/^/    /'
		skipped=$((skipped + 1))
		;;
	*)
		echo "FAIL $name"
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			echo "    timed out after ${LIMIT}s"
		fi
		sed 's/^/    /' "$log"
		failed=$((failed + 1))
		;;
	esac
done

summary="$pass passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" -eq 0 ]
