#!/bin/bash
# t_deb.sh — the Debian package of `make deb` (issue 12 item 4): lintian
# finds no error and no warning, dpkg -i installs it, the files are
# where they belong, the user tapesock and its home exist, the
# installed tape-socket runs and starts the installed tapesockd, the
# installed unit passes systemd-analyze verify, and dpkg --purge leaves
# nothing of it (its files, its home).
#
#   make debtest       (make deb, then this)
#
# TAPESOCK_DEBDIR is the directory of the .deb.  Needs root (dpkg -i):
# SKIP otherwise, and SKIP if a tapesock package is installed already
# (this test would replace and then purge it).  The user tapesock, if
# the test made it, is removed at the end; the package itself keeps it
# on purge, as adduser recommends.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

[ "$(id -u)" = 0 ] || skip "not root: dpkg -i needs root"
DEB=$(ls "${TAPESOCK_DEBDIR:-/nonexistent}"/tapesock_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || skip "no tapesock_*.deb in TAPESOCK_DEBDIR: run make debtest"
dpkg-query -W -f='${Status}\n' tapesock 2>/dev/null | grep -q "installed" &&
    skip "a tapesock package is installed on this machine already"
command -v lintian >/dev/null || fail "no lintian (scripts/deps.sh installs it)"

user_before=0
getent passwd tapesock >/dev/null && user_before=1
[ -e /var/lib/tapesock ] && skip "/var/lib/tapesock exists already: not ours to purge"
installed=0

pkg_cleanup()
{
	if [ "$installed" = 1 ]; then
		runuser -u tapesock -- env TAPESOCK_HOME=/var/lib/tapesock \
		    /usr/bin/tape-socket stopall wait=0 '(Q' >/dev/null 2>&1
		dpkg --purge tapesock >/dev/null 2>&1
	fi
	if [ "$user_before" = 0 ] && getent passwd tapesock >/dev/null; then
		deluser --system --quiet tapesock >/dev/null 2>&1
		getent group tapesock >/dev/null && delgroup --system --quiet tapesock >/dev/null 2>&1
	fi
	cleanup
}
trap pkg_cleanup EXIT

# lintian: no error, no warning (overrides only with a reason, in
# debian/), on what dpkg-buildpackage made: the .changes (the package,
# its debug symbols, the .buildinfo), else the .deb alone.  As root it
# says so on stderr; its tags are on stdout.
LINT=$(ls "$TAPESOCK_DEBDIR"/tapesock_*.changes 2>/dev/null | head -n 1)
lintian --pedantic "${LINT:-$DEB}" >"$OUT" 2>"$ERR"
grep -E '^[EW]: ' "$OUT" && fail "lintian: errors or warnings on ${LINT:-$DEB}"
grep -vE '^[IPNX]: |^$' "$OUT" && fail "lintian said more than information"
grep -v 'running with root privileges' "$ERR" | grep . &&
    fail "lintian failed on $DEB"

expect_rc 0 dpkg -i "$DEB"
installed=1
dpkg -L tapesock >"$TMP/files" || fail "dpkg -L tapesock"
for f in /usr/bin/tape-socket /usr/bin/txlog /usr/libexec/tapesock/tapesockd \
    /lib/systemd/system/tapesock@.service /etc/logrotate.d/tapesock \
    /usr/share/man/man1/tape-socket.1.gz /usr/share/man/man1/txlog.1.gz \
    /usr/share/man/man5/tapesock.yaml.5.gz \
    /usr/share/man/man7/tapesock-messages.7.gz \
    /usr/share/doc/tapesock/examples/tapesock.yaml \
    /usr/share/doc/tapesock/copyright; do
	grep -qx "$f" "$TMP/files" || fail "the package does not hold $f"
	[ -e "$f" ] || fail "$f not installed"
done
grep -q /etc/logrotate.d/tapesock /var/lib/dpkg/info/tapesock.conffiles ||
    fail "/etc/logrotate.d/tapesock is not a conffile"

# The user: a system user whose home is the servers' home.
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd tapesock) ||
    fail "no user tapesock after installation"
[ "$uid" -lt 1000 ] || fail "tapesock is not a system user (uid $uid)"
[ "$home" = /var/lib/tapesock ] || fail "tapesock's home is $home"
[ "$shell" = /usr/sbin/nologin ] || fail "tapesock's shell is $shell"
for d in /var/lib/tapesock /var/lib/tapesock/pipes; do
	[ "$(stat -c '%U:%G %a' "$d")" = "tapesock:tapesock 750" ] ||
	    fail "$d is $(stat -c '%U:%G %a' "$d"), not tapesock:tapesock 750"
done

expect_rc 0 /usr/bin/tape-socket version
expect_out "^tape-socket \(tapesock\) 0\.1\.0$"

# The installed tape-socket starts the installed tapesockd, as the
# unit's user in the unit's home, with a FIFO in the pipes' directory.
tsu()
{
	runuser -u tapesock -- env \
	    TAPESOCK_HOME=/var/lib/tapesock TAPESOCK_NO_SYSLOG=1 \
	    /usr/bin/tape-socket "$@"
}
PORT=$(free_port) || exit 99
runuser -u tapesock -- mkfifo -m 0660 /var/lib/tapesock/pipes/t ||
    fail "mkfifo in /var/lib/tapesock/pipes"
expect_rc 0 tsu setup servertype=IN port="$PORT" \
    pipe=/var/lib/tapesock/pipes/t listen=127.0.0.1
expect_rc 0 tsu start
expect_out "Started"
pid=$(tr -dc 0-9 </var/lib/tapesock/default.pid)
[ "$(readlink "/proc/$pid/exe")" = /usr/libexec/tapesock/tapesockd ] ||
    fail "the server runs $(readlink "/proc/$pid/exe"), not the installed tapesockd"
[ "$(stat -c %U "/proc/$pid")" = tapesock ] || fail "the server is not tapesock's"
expect_rc 0 tsu stop wait=0 '(Q'

# The unit where the package put it, against the system's units.
if command -v systemd-analyze >/dev/null; then
	systemd-analyze --man=no verify tapesock@demo.service >"$OUT" 2>"$ERR" ||
	    { show_captured; fail "systemd-analyze verify refused the installed unit"; }
	[ -s "$OUT" ] || [ -s "$ERR" ] &&
	    { show_captured; fail "systemd-analyze verify complained"; }
fi
if command -v logrotate >/dev/null; then
	logrotate -d -s "$TMP/lr.state" /etc/logrotate.d/tapesock >"$OUT" 2>&1 ||
	    fail "logrotate -d refused the snippet: $(cat "$OUT")"
	grep -qi error "$OUT" && fail "logrotate -d: $(cat "$OUT")"
fi

# Purge: nothing of it is left.
expect_rc 0 dpkg --purge tapesock
installed=0
dpkg-query -W -f='${Status}\n' tapesock 2>/dev/null | grep -q "installed" &&
    fail "tapesock still installed after dpkg --purge"
while IFS= read -r f; do
	[ -d "$f" ] && continue		# shared directories (/usr/bin) stay
	[ -e "$f" ] || [ -L "$f" ] && fail "$f left after dpkg --purge"
done <"$TMP/files"
for d in /usr/libexec/tapesock /usr/share/doc/tapesock /var/lib/tapesock; do
	[ -e "$d" ] && fail "$d left after dpkg --purge"
done
exit 0
