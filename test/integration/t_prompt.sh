#!/bin/bash
# t_prompt.sh — keyword=? asks for the value (? shows help, q quits),
# keyword=. reuses the value given last time.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

CFG="$TAPESOCK_HOME/tapesock.yaml"
F=$(mkpipe f)
G=$(mkpipe g)
H=$(mkpipe h)

# ? shows the help, then the answer is taken.
expect_rc 0 ts setup servertype=IN port=? pipe="$F" < <(printf '?\n3000\n')
expect_out_has "32767"
expect_value default port 3000

# q quits: exit 1, nothing changed.
cp "$CFG" "$TMP/before.yaml"
expect_rc 1 ts setup servertype=OUT port=? < <(printf 'q\n')
expect_err_oneline
expect_err_has "port"
cmp -s "$TMP/before.yaml" "$CFG" || fail "q at the prompt changed $CFG"
expect_value default servertype IN

# A bad answer is refused, and the question asked again.
expect_rc 0 ts setarg port=? < <(printf '80\nabc\n3005\n')
expect_out_has "port=80"
expect_out_has "port=abc"
expect_value default port 3005

# End of input: exit 1, nothing changed.
cp "$CFG" "$TMP/before.yaml"
expect_rc 1 ts setarg port=? </dev/null
expect_err_oneline
cmp -s "$TMP/before.yaml" "$CFG" || fail "end of input changed $CFG"
expect_rc 1 ts setarg port=? < <(printf '80\n')
cmp -s "$TMP/before.yaml" "$CFG" || fail "end of input changed $CFG"

# Several prompts in one command.
expect_rc 0 ts setup server=out1 servertype=OUT host=? port=? pipe="$G" \
    < <(printf 'backup\n3001\n')
expect_value out1 host backup
expect_value out1 port 3001

# . reuses the last value given to a command that succeeded.
expect_rc 0 ts setarg port=3007
# (A pipe no server has, since two servers cannot share one.)
expect_rc 0 ts drain pipe="$H" '(Q'
expect_rc 0 ts setup server=two servertype=IN port=. pipe=.
expect_value two port 3007
expect_value two pipe "$H"
# A value answered at a prompt is remembered too.
expect_rc 0 ts setarg server=two trace=? < <(printf '12\n')
expect_rc 0 ts setarg trace=.
expect_value default trace 12
# A command that failed is not remembered.
expect_rc 1 ts setarg server=nosuch port=3999
expect_rc 0 ts setup server=three servertype=IN port=.
expect_value three port 3007

# . with nothing remembered: a usage error, nothing done.
export TAPESOCK_HOME="$TMP/fresh"
expect_rc 2 ts setup servertype=IN port=.
expect_err_oneline
expect_err_has "port"
[ -e "$TAPESOCK_HOME/tapesock.yaml" ] && fail "port=. with nothing remembered set up a server"

exit 0
