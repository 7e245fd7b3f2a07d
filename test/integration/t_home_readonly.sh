#!/bin/bash
# t_home_readonly.sh — a command that only reads never creates the
# state home (issue 10, defect 11): --help, version, query, status,
# show, listserver, listpipes, key, keyexport, stop, traceon, tltest
# in a home that does not exist leave it not existing; setup and
# keyimport, which write, make it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

export TAPESOCK_HOME="$TMP/nohome"
for c in --help version query status show listserver listpipes key \
    keyexport stop traceon tltest; do
	"$BIN/tape-socket" "$c" </dev/null >/dev/null 2>&1
	[ ! -e "$TAPESOCK_HOME" ] || fail "'tape-socket $c' created the home"
done
# Those that fail say why, with the path of what is missing.
expect_rc 1 ts query
expect_err "no server is set up in $TAPESOCK_HOME/tapesock.yaml"
expect_rc 1 ts key
expect_err "$TAPESOCK_HOME/pair.key: no pair key"
# A command that writes makes it, safe (0750).
openssl rand -hex 32 | ts keyimport '(Q' >/dev/null ||
    fail "keyimport into a home to make"
[ -d "$TAPESOCK_HOME" ] || fail "keyimport did not make the home"
[ "$(stat -c %a "$TAPESOCK_HOME")" = 750 ] || fail "the home is not 0750"
rm -rf "$TAPESOCK_HOME"
F=$(mkpipe p)
expect_rc 0 ts setup servertype=IN port=23000 pipe="$F"
[ -f "$TAPESOCK_HOME/tapesock.yaml" ] || fail "setup did not make the home"
exit 0
