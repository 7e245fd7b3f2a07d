#!/bin/sh
# deps.sh [bench] — make sure the Debian packages tapesock needs are
# installed.  As root, installs what is missing with apt-get; otherwise
# names it.  Called by the Makefile before anything is built; `make
# bench` calls it with `bench` for the tools only the benchmark and its
# profiling use (perf, strace), which a build does not need.
# PostgreSQL is for make check's hot-backup test (make pgtest); the
# packaging tools (dpkg-dev, debhelper, fakeroot, lintian) for make deb
# and make debtest, systemd for systemd-analyze (make unitcheck),
# adduser for the package's postinst, logrotate for logrotate -d of
# the snippet.
set -u

PKGS="gcc libc6-dev make pkg-config libbsd-dev libncurses-dev libyaml-dev
check libssl-dev openssl socat mbuffer tmux procps iproute2 coreutils tar
python3 python3-jsonschema clang libclang-rt-14-dev postgresql
postgresql-contrib util-linux mandoc groff-base dpkg-dev debhelper
fakeroot lintian systemd adduser logrotate"
BENCH_PKGS="socat mbuffer linux-perf strace"

case "${1:-}" in
"") ;;
bench) PKGS="$PKGS $BENCH_PKGS" ;;
*) echo "usage: $0 [bench]" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	    grep -q '^install ok installed$'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "tapesock: missing Debian packages:$missing" >&2
	echo "tapesock: install them as root: apt-get install$missing" >&2
	exit 1
fi

echo "tapesock: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
# An empty package list means apt-get update was never run here.
if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1 ||
    ! apt-get install -y -q --no-install-recommends $missing; then
	apt-get update -q && apt-get install -y -q --no-install-recommends $missing
fi
