#!/bin/bash
# s_home.sh — issue 9 §5, "Files": the state home, held to sshd's
# StrictModes for root too.  It FAILS (99) if an attack works again:
#
#   1. root uses a home owned by another user, whose tapesock.yaml has
#      notify: exec ... (which a root server would run as root);
#   2. a home that is group- or other-writable, or under a directory
#      others may write (not sticky), or under one of another user;
#   while a home under a sticky directory (/tmp, mktemp -d) still works.
#
#   BIN=$PWD/build bash test/security/s_home.sh
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

F=$(mkpipe tapein)

# A home under mktemp -d in /tmp (1777, root's): accepted.
expect_rc 0 ts setup servertype=IN port=3000 pipe="$F"
expect_rc 0 ts show

# --- 2. modes: the home and the directories above it ----------------------

chmod 0770 "$TAPESOCK_HOME"
expect_rc 1 ts show
expect_err_oneline
expect_err "not safe"
expect_err_has "chmod 750 $TAPESOCK_HOME"
chmod 0757 "$TAPESOCK_HOME"
expect_rc 1 ts show
expect_err "writable by others"
chmod 0750 "$TAPESOCK_HOME"
expect_rc 0 ts show

mkdir -m 0777 "$TMP/open"
chmod 0777 "$TMP/open"
TAPESOCK_HOME="$TMP/open/home" expect_rc 1 ts show
expect_err_oneline
expect_err_has "$TMP/open is writable by others and not sticky"
expect_err_has "chmod go-w $TMP/open"
# A symbolic link to it is no way round.
ln -s "$TMP/open" "$TMP/via"
TAPESOCK_HOME="$TMP/via/home" expect_rc 1 ts show
expect_err "chmod go-w $TMP/(via|open)"
chmod 1777 "$TMP/open"
TAPESOCK_HOME="$TMP/open/home" expect_rc 0 ts status

# --- 1. root and a home of another user ----------------------------------

if [ "$(id -u)" != 0 ] || ! id nobody >/dev/null 2>&1; then
	echo "NOTE: $TEST: not root or no user nobody: ownership not tested"
	exit 0
fi
NOBODY=$(id -u nobody)
H2="$TMP/theirs"
mkdir -m 0750 "$H2"
RAN="$TMP/exec-ran"
cat >"$H2/tapesock.yaml" <<EOY
servers:
  default:
    servertype: IN
    port: 3001
    pipe: $F
    notify: exec touch $RAN
EOY
chown -R "$NOBODY" "$H2"
TAPESOCK_HOME="$H2" expect_rc 1 ts start
expect_err_oneline
expect_err "not safe.*owned by nobody"
expect_err_has "chown 0 $H2"
TAPESOCK_HOME="$H2" expect_rc 1 ts show
[ -e "$RAN" ] && fail "root ran the notify: exec of another user's home"
[ -e "$H2/default.pid" ] && fail "a root server started in another user's home"
# The same home under a directory of that user: the parent is named.
chown 0 "$H2"
mkdir -m 0755 "$TMP/theirs-parent"
chown "$NOBODY" "$TMP/theirs-parent"
TAPESOCK_HOME="$TMP/theirs-parent/home" expect_rc 1 ts show
expect_err_has "$TMP/theirs-parent is owned by nobody"
expect_err_has "chown root $TMP/theirs-parent"
[ -e "$TMP/theirs-parent/home" ] &&
    echo "NOTE: $TEST: the refused home was created (mkdir) before the check"
exit 0
