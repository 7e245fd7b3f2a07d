#!/bin/sh
# man_check.sh BUILD_DIR — lint every man page and check that they
# document what the programs accept (issue 12 item 5).
#
#   - mandoc -T lint at warning level and groff -ww: no warning;
#   - tape-socket(1) names every command, keyword and option letter
#     `tape-socket --help` lists, and carries the manual's hot-backup
#     example;
#   - tapesock.yaml(5) names every keyword a server's configuration
#     keeps (the ones `tape-socket show` prints);
#   - the generated tapesock-messages(7) is the checked-in one.
# Prints one line a problem and "man_check: N problems" at the end.
set -u
B=${1:?usage: man_check.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cd "$SRC" || exit 2
TS=$B/tape-socket
bad=0
say() { echo "man_check: $*"; bad=$((bad + 1)); }

pages="man/tape-socket.1 man/tapesock.yaml.5 man/txlog.1 man/tapesock-messages.7"
for p in $pages; do
	[ -f "$p" ] || { say "$p is missing"; continue; }
	out=$(mandoc -T lint -W warning "$p" 2>&1) || true
	[ -z "$out" ] || say "mandoc: $out"
	out=$(groff -ww -z -man -Tutf8 "$p" 2>&1) || true
	[ -z "$out" ] || say "groff: $out"
done
cmp -s man/tapesock-messages.7 "$B/man/tapesock-messages.7" ||
    say "man/tapesock-messages.7 is not the generated page: run make update-man"

# What --help lists: "  name  [abbrev]  summary" under "Commands",
# "  keyword  help" under "Keywords", "  L  help" under "Options".
help=$("$TS" --help) || { say "$TS --help failed"; help=""; }
section() {
	printf '%s\n' "$help" | awk -v s="$1" '
	    /^[A-Z]/ { on = (index($0, s) == 1); next }
	    on && /^  [^ ]/ { print $1 }'
}
cmds=$(section "Commands")
kws=$(section "Keywords")
opts=$(section "Options")
flags=$(printf '%s\n' "$help" | sed -n 's/^  \(--[a-z-]*\).*/\1/p')
[ -n "$cmds" ] && [ -n "$kws" ] && [ -n "$opts" ] ||
    say "cannot read the commands, keywords and options from --help"

# A name is documented where the page sets it in bold at the start of
# a line (.B name, .BI name=, .BR name ...); roff writes - as \-.
man1=man/tape-socket.1
documented() {
	r=$(printf '%s' "$2" | sed 's/-/\\\\-/g')
	grep -Eq "^\.(B|BI|BR|IP|TP) *\"?$r([= \"]|\$)" "$1"
}
for c in $cmds; do
	documented $man1 "$c" || say "tape-socket(1) does not document the command $c"
done
for k in $kws; do
	documented $man1 "$k" || say "tape-socket(1) does not document the keyword $k="
done
for o in $opts; do
	grep -Eq "^\.(B|TP|IP) *\"?$o\"?\$|^\.B $o\$" $man1 ||
	    say "tape-socket(1) does not document the option ($o"
done
for f in $flags; do
	r=$(printf '%s' "$f" | sed 's/-/\\\\-/g')
	grep -q -- "$r" $man1 || say "tape-socket(1) does not document the flag $f"
done
[ -n "$flags" ] || say "cannot read the flags from --help"
for w in "txlog=on" "poll=00:10:00" "txopt=dl" "txpriod=3" \
    "tape-socket check cmd=query" "tape-socket shutdown"; do
	r=$(printf '%s' "$w" | sed 's/-/\\\\-/g')
	grep -qi -- "$r" $man1 || say "tape-socket(1) lacks the hot-backup example ($w)"
done

# The keywords a configuration keeps: those show prints for a server.
home=$(mktemp -d "${TMPDIR:-/tmp}/mancheck.XXXXXX") || exit 2
trap 'rm -rf "$home"' EXIT
mkfifo "$home/p"
stored=$(TAPESOCK_HOME=$home "$TS" setup server=m servertype=out \
    host=127.0.0.1 port=3000 pipe="$home/p" >/dev/null 2>&1 &&
    TAPESOCK_HOME=$home "$TS" show server=m 2>/dev/null)
[ -n "$stored" ] || say "cannot list the stored keywords with show"
for k in $kws; do
	printf '%s\n' "$stored" | grep -Eq "^  .*  $k +[^ ]" || continue
	documented man/tapesock.yaml.5 "$k" ||
	    say "tapesock.yaml(5) does not document $k"
done
echo "man_check: $bad problems"
[ $bad -eq 0 ]
