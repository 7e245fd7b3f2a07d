#!/bin/bash
# demo.sh BUILD_DIR — two "machines" on one host, each its own
# TAPESOCK_HOME:
#
#   a (production)  tape process -> a/tapeout -> [output server]
#                                                      | TCP 127.0.0.1:3000
#   b (backup)      reader <- b/tapein <- [input server]
#
# For now it sets both servers up and shows them; the servers
# themselves come next.  Everything lives in a temporary directory,
# removed at the end.

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

DEMO=$(mktemp -d "${TMPDIR:-/tmp}/tapesock-demo.XXXXXX") || exit 1
trap 'rm -rf "$DEMO"' EXIT
export TAPESOCK_NO_SYSLOG=1

step() { printf '\n=== %s\n' "$*"; }
# on MACHINE cmd... : run tape-socket on machine a or b, showing it.
on()
{
	local m=$1
	shift
	printf '%s$ tape-socket %s\n' "$m" "$*"
	TAPESOCK_HOME="$DEMO/$m" "$TS" "$@" || {
		echo "demo: 'tape-socket $*' failed on $m" >&2
		exit 1
	}
}

step "Two machines: a (production) and b (backup), homes under $DEMO"
mkdir -p "$DEMO/pipes"
mkfifo -m 0660 "$DEMO/pipes/tapeout" "$DEMO/pipes/tapein"
echo "a's pipe (the tape process writes it):  $DEMO/pipes/tapeout"
echo "b's pipe (the reading process reads it): $DEMO/pipes/tapein"

step "b: set up the input server (receiver) on port 3000"
on b setup servertype=IN port=3000 pipe="$DEMO/pipes/tapein"

step "a: set up the output server (sender), calling b at 127.0.0.1:3000"
on a setup servertype=OUT host=127.0.0.1 port=3000 \
    pipe="$DEMO/pipes/tapeout" poll=00:10:00

for m in b a; do
	step "$m: show — every parameter of its server, defaults included"
	on $m show
	step "$m: listserver — the servers of this machine (* = default)"
	on $m listserver
	step "$m: status — one line per server; nothing runs yet"
	on $m status
done

step "a: listpipes — the pipe, its type, permissions and waiting bytes"
on a listpipes

echo
echo "Done. Next: 'tape-socket start' on b, then on a, and data written"
echo "into a's pipe comes out of b's pipe."
