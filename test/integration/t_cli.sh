#!/bin/bash
# t_cli.sh — the command line: help, version, exit codes, every command
# and abbreviation, every keyword's validation, the options.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# --- help and version ---------------------------------------------------

expect_rc 0 ts --help
expect_out 'tape-socket'
for pair in check:ch drain:dr query:q setarg: setup: show: shutdown: \
    start: startsend:ss startreceive:sr status:sta stop:sto \
    stopall:stopa traceon:tron traceoff:troff listpipes:lp listserver: \
    startall: tltest: version:vers; do
	cmd=${pair%%:*}
	abbr=${pair#*:}
	if [ -n "$abbr" ]; then
		expect_out "^[[:space:]]*${cmd}[[:space:]]+\(?${abbr}\)?[[:space:]]"
	else
		expect_out "^[[:space:]]*$cmd([[:space:]]|\$)"
	fi
done
for kw in callrep cmd host ndisc notify pib pipe poll port prot server \
    servertype trace txlog txopt txpriod; do
	expect_out "^[[:space:]]*${kw}[[:space:]]"
done
expect_empty_err

expect_rc 0 ts --version
expect_out '^tape-socket .*[0-9]+\.[0-9]+\.[0-9]+'
expect_empty_err
version=$(cat "$OUT")
for v in version vers VERSION; do
	expect_rc 0 ts $v
	[ "$(cat "$OUT")" = "$version" ] ||
	    fail "'$v' prints '$(cat "$OUT")', --version '$version'"
done

# --- usage errors: exit 2, one line on stderr ---------------------------

expect_rc 2 ts
expect_err_oneline
expect_rc 2 ts bogus
expect_err_oneline
expect_err_has "bogus"
expect_rc 2 ts status nokeyword
expect_err_oneline
expect_rc 2 ts status bogus=1
expect_err_oneline
expect_err_has "bogus"
expect_rc 2 ts setarg colour=blue
expect_err_oneline
# A keyword that exists, for a command that does not take it.
expect_rc 2 ts show port=3000
expect_err_oneline
expect_err_has "port"
expect_rc 2 ts status cmd=query
expect_err_oneline
expect_rc 2 ts version server=x
expect_err_oneline
expect_rc 2 ts setarg port=3000 port=3001
expect_err_oneline
# Required keywords.
expect_rc 2 ts setup port=3000
expect_err_oneline
expect_err_has "servertype"
expect_rc 2 ts check
expect_err_oneline
expect_err_has "cmd"
[ -e "$TAPESOCK_HOME/tapesock.yaml" ] &&
    fail "a usage error wrote the configuration"

# --- a home with servers: every command is understood -------------------

F1=$(mkpipe f1)
F2=$(mkpipe f2)
expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1"
expect_rc 0 ts setup server=tl servertype=OUT host=127.0.0.1 port=3000 \
    pipe="$F2" txlog=ON

# Commands that work without a running server.
for c in status sta listpipes lp listserver show stopall stopa; do
	expect_rc 0 ts $c
done
expect_rc 0 ts setarg trace=5
expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1"
expect_rc 0 ts drain '(Q'
expect_rc 0 ts dr '(Q'

# Commands that need one answer "is not running", exit 1.
for c in query q stop sto shutdown traceon tron traceoff troff \
    "check cmd=query" "ch cmd=query" "tltest server=tl"; do
	# shellcheck disable=SC2086	# split "check cmd=query" on purpose
	expect_rc 1 ts $c
	expect_err_oneline
	expect_err "is not running"
done

# The start commands, on a server that cannot start (no pipe set):
# each is parsed, then refused for that reason, never started.
export TAPESOCK_HOME="$TMP/nopipe"
expect_rc 0 ts setup servertype=IN port=3000
for c in start startreceive sr startall; do
	expect_rc 1 ts $c
	expect_err_oneline
	expect_err_has "pipe"
done
# No OUT server here at all.
for c in startsend ss; do
	expect_rc 1 ts $c
	expect_err_oneline
	expect_err_has "OUT"
done
export TAPESOCK_HOME="$TMP/home"

# --- bad values: exit 2, one line naming keyword, value, allowed --------

touch "$TMP/regular"
cp "$TAPESOCK_HOME/tapesock.yaml" "$TMP/before.yaml"
# keyword|value|a piece of the allowed values
while IFS='|' read -r kw val allowed; do
	[ -z "$kw" ] && continue
	case $kw in
	pib) cmd=query ;;
	*) cmd=setarg ;;
	esac
	expect_rc 2 ts $cmd "$kw=$val"
	expect_err_oneline
	expect_err_has "$kw"
	expect_err_has "$val"
	expect_err_has "$allowed"
done <<EOF
port|80|1024
port|x|32767
port|99999|32767
servertype|X|OUT
txlog|maybe|OFF
txopt|SOME|ALL
poll|25:00:61|HH:MM:SS
poll|1:2|HH:MM:SS
callrep|-1|0
ndisc|x|0
trace|x|0
txpriod|x|0
prot|unix|inet
pipe|relative|absolute
pipe|/nonexistent|FIFO
pipe|$TMP/regular|FIFO
notify|bad user!|OFF
server|a b|A-Z
host|bad host|host
pib|0|process id
hbint|0|3600
hbtimeout|1|twice hbint
listen|a b|every address
lost|ignore|accept
sync|maybe|ON or OFF
EOF
cmp -s "$TMP/before.yaml" "$TAPESOCK_HOME/tapesock.yaml" ||
    fail "a refused value changed the configuration"

# --- options ------------------------------------------------------------

for o in '(C' '(Q' '(R' '(S' '(V' '(cv' '(CV' '(cQrSv' '(c' '(v)'; do
	expect_rc 0 ts status "$o"
done
expect_rc 2 ts status '(X'
expect_err_oneline
expect_err_has "X"
expect_rc 2 ts status '(CX'
expect_err_oneline

exit 0
