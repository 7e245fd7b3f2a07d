#!/bin/bash
# t_config.sh — setup, show, listserver, setarg: the configuration of a
# home, its defaults, its protection against damage and concurrency.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CFG="$TAPESOCK_HOME/tapesock.yaml"
F1=$(mkpipe f1)
F2=$(mkpipe f2)
F3=$(mkpipe f3)
F4=$(mkpipe f4)

# --- the first setup creates the home and the file ----------------------

[ -e "$TAPESOCK_HOME" ] && fail "the home exists before the first command"
expect_rc 2 ts setup port=3000 pipe="$F1"
expect_err_oneline
expect_err_has "servertype"
[ -e "$CFG" ] && fail "setup without servertype wrote $CFG"

expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1"
[ -d "$TAPESOCK_HOME" ] || fail "setup did not create the home"
[ "$(stat -c %a "$TAPESOCK_HOME")" = 750 ] ||
    fail "home mode is $(stat -c %a "$TAPESOCK_HOME"), expected 750"
[ -f "$CFG" ] || fail "setup did not create $CFG"
[ "$(stat -c %a "$CFG")" = 640 ] ||
    fail "$CFG mode is $(stat -c %a "$CFG"), expected 640"

# --- show: every keyword, with its default ------------------------------

expect_rc 0 ts show
for kw in callrep host ndisc notify pipe poll port prot servertype trace \
    txlog txopt txpriod; do
	expect_out "[[:space:]]${kw}[[:space:]]"
done
while read -r kw val; do
	expect_value default "$kw" "$val"
done <<EOF
callrep 0
ndisc 0
notify OFF
poll 00:00:00
prot inet
trace 4
txlog OFF
txopt DL
txpriod 0
port 3000
pipe $F1
servertype IN
EOF

# --- a second, named server --------------------------------------------

expect_rc 0 ts setup server=out1 servertype=OUT host=backup port=3000 \
    pipe="$F2" poll=00:10:00
expect_rc 0 ts listserver
expect_out '^\*[[:space:]]*default[[:space:]]'
expect_out '^[[:space:]]+out1[[:space:]]'
expect_no_out '^\*[[:space:]]*out1[[:space:]]'
[ "$(grep -cE '^[* ][[:space:]]*(default|out1)[[:space:]]' "$OUT")" = 2 ] ||
    fail "listserver should list exactly the two servers"

expect_value out1 poll 00:10:00
expect_value out1 host backup
expect_value out1 servertype OUT
expect_value out1 port 3000
expect_value out1 pipe "$F2"
# poll in seconds is the same value.
expect_rc 0 ts setarg server=out1 poll=600
expect_value out1 poll 00:10:00

# --- setarg changes only what it is given -------------------------------

ts show server=out1 >"$TMP/out1.before" || fail "show server=out1"
ts show server=default >"$TMP/default.before" || fail "show server=default"
expect_rc 0 ts setarg server=out1 port=3001
ts show server=out1 >"$TMP/out1.after" || fail "show server=out1"
ts show server=default >"$TMP/default.after" || fail "show server=default"
expect_value out1 port 3001
diff "$TMP/out1.before" "$TMP/out1.after" | grep '^[<>]' >"$TMP/diff"
if [ "$(wc -l <"$TMP/diff")" != 2 ] ||
    grep -qv '[[:space:]]port[[:space:]]' "$TMP/diff"; then
	fail "setarg port= changed more than port: $(cat "$TMP/diff")"
fi
cmp -s "$TMP/default.before" "$TMP/default.after" ||
    fail "setarg server=out1 changed the server 'default'"

# Without server=, setarg changes the default server.
expect_rc 0 ts setarg trace=9
expect_value default trace 9
expect_value out1 trace 4

cp "$CFG" "$TMP/cfg.before"
expect_rc 1 ts setarg server=nosuch port=3001
expect_err_oneline
expect_err_has "nosuch"
expect_rc 2 ts setarg
expect_err_oneline
expect_rc 2 ts setarg server=out1
expect_err_oneline
expect_rc 1 ts show server=nosuch
expect_err_oneline
cmp -s "$TMP/cfg.before" "$CFG" || fail "a refused setarg changed $CFG"

# --- setup replaces a server --------------------------------------------

expect_rc 0 ts setarg server=out1 callrep=7 notify="$(id -un)"
expect_value out1 callrep 7
expect_rc 0 ts setup server=out1 servertype=OUT host=other port=3002 \
    pipe="$F3"
expect_value out1 host other
expect_value out1 port 3002
expect_value out1 pipe "$F3"
expect_value out1 poll 00:00:00
expect_value out1 callrep 0
expect_value out1 notify OFF
expect_value out1 trace 4
# Keywords not given are gone, not kept from the old setup.
expect_rc 0 ts setup server=out1 servertype=IN port=3002 pipe="$F3"
[ "$(show_value out1 host)" != other ] ||
    fail "setup kept host=other from the previous setup of out1"
expect_rc 0 ts setup server=out1 servertype=OUT host=backup port=3001 \
    pipe="$F2" poll=00:10:00
# Setting up another server keeps the default.
expect_rc 0 ts listserver
expect_out '^\*[[:space:]]*default[[:space:]]'

# --- txopt on an IN server: a warning, not an error ---------------------

expect_rc 0 ts setarg txopt=ALL
expect_err_has "txopt"
expect_value default txopt ALL
expect_rc 0 ts setup server=in2 servertype=IN port=3003 pipe="$F3" txopt=ALL
expect_err_has "txopt"
expect_value in2 txopt ALL
# On an OUT server linked to txlog it is silent.
expect_rc 0 ts setarg server=out1 txlog=ON txopt=ALL
expect_empty_err

# --- a damaged file is reported, never rewritten ------------------------

cp "$CFG" "$TMP/good.yaml"

printf 'servers:\n  default:\n    servertype: IN\n    colour: blue\n' >"$CFG"
cp "$CFG" "$TMP/bad.yaml"
expect_rc 1 ts show
expect_err_oneline
expect_err "tapesock\.yaml:4:[0-9]+"
expect_err_has "colour"
expect_rc 1 ts setarg port=3001
expect_err_oneline
expect_err "tapesock\.yaml:4:[0-9]+"
cmp -s "$TMP/bad.yaml" "$CFG" || fail "setarg rewrote a file it could not read"

printf 'servers: [\n  garbage: : :\n\t{{{\n' >"$CFG"
cp "$CFG" "$TMP/bad.yaml"
for c in show status listserver listpipes; do
	expect_rc 1 ts $c
	expect_err_oneline
	expect_err "tapesock\.yaml:[0-9]+:[0-9]+"
done
expect_rc 1 ts setarg port=3001
expect_err "tapesock\.yaml:[0-9]+:[0-9]+"
expect_rc 1 ts setup servertype=IN port=3001 pipe="$F1"
expect_err "tapesock\.yaml:[0-9]+:[0-9]+"
cmp -s "$TMP/bad.yaml" "$CFG" || fail "setarg/setup rewrote a damaged file"

cp "$TMP/good.yaml" "$CFG"
expect_rc 0 ts show

# --- concurrent writers lose nothing ------------------------------------

for i in $(seq 1 20); do
	expect_rc 0 ts setup server="s$i" servertype=IN port=$((3100 + i))
done
pids=()
for i in $(seq 1 20); do
	ts setarg server="s$i" trace=$((100 + i)) >"$TMP/c$i.log" 2>&1 &
	pids+=($!)
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" ||
	    fail "concurrent setarg server=s$((i + 1)) failed: $(cat "$TMP/c$((i + 1)).log")"
done
for i in $(seq 1 20); do
	expect_value "s$i" trace $((100 + i))
	expect_value "s$i" port $((3100 + i))
done

expect_rc 0 ts setup server=one servertype=IN port=3200
me=$(id -un)
changes=(callrep=11 ndisc=12 txpriod=13 trace=14 poll=00:01:40
    "notify=$me" host=h1.example port=3210 txlog=ON pipe="$F4")
pids=()
for i in "${!changes[@]}"; do
	ts setarg server=one "${changes[$i]}" >"$TMP/d$i.log" 2>&1 &
	pids+=($!)
done
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" ||
	    fail "concurrent setarg ${changes[$i]} failed: $(cat "$TMP/d$i.log")"
done
while read -r kw val; do
	expect_value one "$kw" "$val"
done <<EOF
callrep 11
ndisc 12
txpriod 13
trace 14
poll 00:01:40
notify $me
host h1.example
port 3210
txlog ON
pipe $F4
servertype IN
EOF
# Nothing else was lost on the way.
expect_value out1 poll 00:10:00
expect_value default trace 9
expect_rc 0 ts listserver
[ "$(grep -cE '^[* ][[:space:]]*[a-z0-9]+[[:space:]]+(IN|OUT)[[:space:]]' "$OUT")" = 24 ] ||
    fail "listserver should list 24 servers"
[ "$(stat -c %a "$CFG")" = 640 ] || fail "$CFG lost its mode 640"

exit 0
