#!/bin/bash
# t_units.sh — the systemd unit, as `make install` installs it, passes
# `systemd-analyze verify` (issue 12 item 4), and a broken copy of it
# does not: the check is not one that passes whatever it is given.
#
#   make unitcheck     (make install DESTDIR=build/pkgroot, then this)
#
# TAPESOCK_DESTDIR is that DESTDIR, TAPESOCK_PREFIX its PREFIX.
# systemd-analyze (systemd 252) verifies a template through an
# instance, tapesock@demo.service, and checks that ExecStart='s and
# ExecStop='s programs exist: --root makes the DESTDIR the root they
# are looked up in.  It needs the system's own units there too (the
# unit's sysinit.target, network-online.target, ...): the test copies
# the DESTDIR and /lib/systemd/system into a root of its own.  No
# systemd need be running.  verify exits 0 on settings it ignores (an
# unknown key, a bad value), printing why: any output fails the test.
# --man=no: the pages of Documentation= are checked here, in the
# DESTDIR, not by man(1) on the host.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

command -v systemd-analyze >/dev/null || skip "no systemd-analyze (apt-get install systemd)"
D=${TAPESOCK_DESTDIR:-}
P=${TAPESOCK_PREFIX:-/usr/local}
if [ -z "$D" ] || [ ! -d "$D" ]; then
	skip "TAPESOCK_DESTDIR not set: run make unitcheck"
fi
UNIT=$D$P/lib/systemd/system/tapesock@.service
[ -f "$UNIT" ] || fail "make install did not install $UNIT"

# The installed unit names the installed programs, not the build's.
grep -qx "ExecStart=$P/libexec/tapesock/tapesockd %i" "$UNIT" ||
    fail "ExecStart is not $P/libexec/tapesock/tapesockd: $(grep ExecStart "$UNIT")"
grep -q "^ExecStop=-$P/bin/tape-socket stop server=%i " "$UNIT" ||
    fail "ExecStop is not $P/bin/tape-socket stop"
for m in man1/tape-socket.1 man5/tapesock.yaml.5 man7/tapesock-messages.7; do
	[ -f "$D$P/share/man/$m" ] || fail "Documentation= names $m, not installed"
done

R="$TMP/root"
mkdir -p "$R/lib/systemd" || fail "mkdir $R"
cp -a "$D/." "$R/" || fail "cp $D"
cp -a /lib/systemd/system "$R/lib/systemd/" || fail "cp /lib/systemd/system"
RUNIT=$R$P/lib/systemd/system/tapesock@.service

# verify_unit: 0 when systemd-analyze accepts the unit without a word.
verify_unit()
{
	systemd-analyze --root="$R" --man=no verify tapesock@demo.service \
	    >"$OUT" 2>"$ERR" && [ ! -s "$OUT" ] && [ ! -s "$ERR" ]
}

verify_unit || { show_captured; fail "systemd-analyze verify refused the unit"; }

# The sandbox stays where it is: systemd-analyze security rates the
# unit's exposure 2.3 ("OK"); above 3.0 a protection went missing.
systemd-analyze --root="$R" security --offline=yes --threshold=30 \
    tapesock@demo.service >"$OUT" 2>"$ERR" ||
    { tail -n 3 "$OUT" >&2; fail "the unit's exposure is above 3.0"; }

# Broken copies: each must be refused.
cp "$RUNIT" "$TMP/good.service"
for breakage in \
    's|^ExecStart=.*|ExecStart='"$P"'/libexec/tapesock/nosuch %i|' \
    's|^Type=notify$|Type=notifyy|' \
    's|^ProtectSystem=strict$|ProtectSytem=strict|' \
    's|^KillMode=process$|KillMode=proces|'; do
	sed "$breakage" "$TMP/good.service" >"$RUNIT"
	cmp -s "$RUNIT" "$TMP/good.service" && fail "'$breakage' changed nothing"
	verify_unit && fail "systemd-analyze verify accepted a broken unit ($breakage)"
done
cp "$TMP/good.service" "$RUNIT"
verify_unit || fail "the unit restored is refused"

# The logrotate snippet parses (logrotate -d changes nothing).  Its
# `su tapesock tapesock` needs that user, which make install does not
# make (the package does: t_deb.sh checks the snippet as it is).
LR=$D/etc/logrotate.d/tapesock
[ -f "$LR" ] || fail "make install did not install $LR"
if command -v logrotate >/dev/null; then
	if ! getent passwd tapesock >/dev/null; then
		sed 's/^\(\s*su\) tapesock tapesock$/\1 root root/' "$LR" >"$TMP/lr"
		LR=$TMP/lr
	fi
	logrotate -d -s "$TMP/lr.state" "$LR" >"$OUT" 2>&1 ||
	    { cat "$OUT" >&2; fail "logrotate -d refused $LR"; }
	grep -qi "error" "$OUT" && { cat "$OUT" >&2; fail "logrotate -d: error in $LR"; }
fi
exit 0
