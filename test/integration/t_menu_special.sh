#!/bin/bash
# t_menu_special.sh — the menu's Special Operations, driven in tmux on
# a real pair: every entry (traces, polling and notify with a bad value
# refused, drain and clearlog declined then accepted, a command to the
# remote server with its last value prefilled, start with no clear,
# the permanent log listed and cleared, tltest, listpipes), `?` help;
# then the menu on a vt100 (no colours, still every screen), with
# NO_COLOR, and on a terminal type curses does not know.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=menu_lib.sh
. "$(dirname "$0")/menu_lib.sh"

two_homes
expect_rc 0 tb start
expect_rc 0 ta start
wait_for 20 "the pair to link" sh -c "TAPESOCK_HOME='$HA' '$BIN/tape-socket' check cmd=query >/dev/null 2>&1"

menu_open "$HA"
wait_screen "Server: default (OUT, running)"
# Colours on a terminal that has them.
tm capture-pane -e -p | grep -q $'\e\\[[0-9;]*3[1-7]m' ||
    fail "no colour on xterm-256color"
keys 5
wait_screen "Network Tape (0.1.0) : Special Operations"
wait_screen "11) List pipes"
# ? : the help of every entry.
keys '?'
wait_screen "1) Turn Trace ON on Server: Record every event"
keys G
wait_screen "11) List pipes: The pipes of the servers"
keys Escape
wait_screen "11) List pipes"

# 1 and 2: traces.
keys 1 Enter
wait_screen "tape-socket traceon server=default"
wait_screen "Done (exit 0)"
keys q
keys 2
wait_screen "tape-socket traceoff server=default"
wait_screen "Done (exit 0)"
keys q

# 3 Change TX LOG polling: prefilled with the server's value; a bad
# one refused with the help, nothing changed.
keys 3
wait_screen "Transaction Log test polling (poll=) : 00:00:00"
type_text "soon"
keys Enter
wait_screen "poll=soon:"
wait_screen "Period of the transaction log test polling"
TAPESOCK_HOME="$HA" expect_value default poll 00:00:00
type_text "00:05:00"
keys Enter
wait_screen "tape-socket setarg server=default poll=00:05:00"
wait_screen "Done (exit 0)"
TAPESOCK_HOME="$HA" expect_value default poll 00:05:00
keys q

# 4 Change notify user.
keys 4
wait_screen "User to notify (notify=) : OFF"
type_text "no such user!"
keys Enter
wait_screen "notify=no such user!:"
wait_screen "Who receives the System Administrator messages"
ME=$(id -un)
keys C-u
type_text "$ME"
keys Enter
wait_screen "tape-socket setarg server=default notify=$ME"
wait_screen "Done (exit 0)"
TAPESOCK_HOME="$HA" expect_value default notify "$ME"
keys q

# 6 Send Command to Remote: cmd= asked; its last value comes back.
keys 6
wait_screen "Command to remote (cmd=) : query"
keys Enter
wait_screen "tape-socket check server=default cmd=query"
wait_screen "Done (exit 0)"
keys q
keys 6
wait_screen "Command to remote (cmd=) : query"
type_text "msgnum"
keys Enter
wait_screen "cmd=msgnum"
wait_screen "Done (exit 0)"
keys q
keys 6
wait_screen "Command to remote (cmd=) : msgnum"
keys Escape
wait_screen "11) List pipes"

# 10 Test transaction Log: what tltest says of a server without txlog.
keys 1 0
wait_screen "tape-socket tltest server=default"
wait_screen "txlog=ON"
wait_screen "Failed (exit 1)"
keys q

# 11 List pipes
keys 1 1
wait_screen "tape-socket listpipes"
wait_screen "$FIFO_OUT"
wait_screen "Done (exit 0)"
keys q

# 8 List Permanent Log, 9 Clear it: declined, then accepted.
ts_plog="$HA/ts.log,log"
[ -s "$ts_plog" ] || fail "no permanent log in $HA to list"
keys 8
wait_screen "tape-socket listlog"
wait_screen "(TS, "
wait_screen "Done (exit 0)"
keys q
before=$(wc -l <"$ts_plog")
keys 9
wait_screen "Clear the permanent log of this home?"
keys n
wait_screen "clearlog: not confirmed; nothing was done"
[ "$(wc -l <"$ts_plog")" = "$before" ] || fail "a declined clearlog changed $ts_plog"
keys 9
wait_screen "Clear the permanent log"
keys y
wait_screen "tape-socket clearlog"
wait_screen "cleared ("
wait_screen "Done (exit 0)"
keys q
plog_records "$ts_plog" >"$TMP/recs"
[ "$(wc -l <"$TMP/recs")" = 1 ] || fail "clearlog left $(wc -l <"$TMP/recs") records"
keys 8
wait_screen "(LOG, "
keys q

# 5 Drain Pipe, on the stopped output server: declined, then accepted.
expect_rc 0 ta stop '(Q'
# Seven bytes waiting in the pipe (held open read-write: no reader).
exec 5<>"$FIFO_OUT"
printf 'drainme' >&5
bk="$HA/ts.log,backup"
size0=$(file_size "$bk")
keys 5
wait_screen "Drain the pipe of server 'default' into the backup file?"
keys q
wait_screen "drain: not confirmed; nothing was done"
[ "$(file_size "$bk")" = "$size0" ] || fail "a declined drain wrote $bk"
keys 5
wait_screen "Drain the pipe"
keys y
wait_screen "tape-socket drain server=default"
wait_screen "Done (exit 0)" 20
wait_screen "7 bytes"
[ "$(tail -c 8 "$bk")" = drainme ] ||
    fail "Drain Pipe: $bk does not end with the bytes of the pipe"
exec 5>&-
keys q

# 7 Start Server with NO clear: (C.
keys 7
wait_screen "tape-socket start server=default '(C'"
wait_screen "Started (pid" 40
wait_screen "Done (exit 0)"
is_running "$HA" || fail "Start with NO clear did not start the server"
keys q
wait_screen "Server: default (OUT, running)"
keys Escape
wait_screen "9) Other Servers"
keys Escape
wait_exit 0

# --- a vt100: no colours, bold and reverse, every screen works -----------
menu_open "$HB" vt100
wait_screen "Server: default (IN, running)"
tm capture-pane -e -p | grep -q $'\e\\[[0-9;]*3[1-7]m' &&
    fail "colours on a vt100"
tm capture-pane -e -p | grep -q $'\e\\[[0-9;]*7m' ||
    fail "no reverse video for the title on a vt100"
keys 2
wait_screen "tape-socket query server=default"
wait_screen "Done (exit 0)"
keys q
keys 5
wait_screen "Special Operations"
keys 6
wait_screen "Command to remote (cmd=) :"
keys Escape
wait_screen "11) List pipes"
keys q
keys q
wait_exit 0

# NO_COLOR: no colours even where the terminal has them.
menu_start "NO_COLOR=1 TAPESOCK_HOME='$HB' TERM=xterm-256color"
tm capture-pane -e -p | grep -q $'\e\\[[0-9;]*3[1-7]m' &&
    fail "colours with NO_COLOR set"
keys q
wait_exit 0

# A terminal type curses does not know: one line saying so, exit 2.
tm kill-server >/dev/null 2>&1
rm -f "$MENU_RC"
tm -f /dev/null new-session -d -x 100 -y 30 \
    "env TERM=nosuchterm TAPESOCK_HOME='$HB' '$BIN/tape-socket' 2>'$ERR'; echo \$? >'$MENU_RC'" ||
    fail "tmux new-session"
wait_exit 2
expect_err_oneline
expect_err_has "cannot open the menu on terminal type 'nosuchterm'"
exit 0
