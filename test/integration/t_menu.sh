#!/bin/bash
# t_menu.sh — the menu (tape-socket with no argument), driven in tmux:
# every entry of the main menu on a real pair, Setup Server's prompts
# (a bad value answered with the help and asked again, `?`, Esc leaving
# with nothing changed, prefilled values), the confirmation of stop and
# shutdown declined (nothing stopped) and accepted, Other Servers, the
# status screen refreshing itself, a resize, q leaving; and no menu
# without a terminal.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source-path=SCRIPTDIR source=menu_lib.sh
. "$(dirname "$0")/menu_lib.sh"

# Without a terminal: the old error, exit 2.
expect_rc 2 ts </dev/null
expect_err_oneline
expect_err "menu needs a terminal"
expect_err_has "tape-socket --help"

two_homes

# --- Setup Server in a new home -----------------------------------------
HC="$TMP/c"
mkdir -m 0700 "$HC"
FIFO_C=$(mkpipe fifo_c)
menu_open "$HC"
wait_screen "Server: default (not set up)"
keys 6
wait_screen "Server type (servertype=) :"
# A bad value: refused with the keyword's help, asked again.
type_text "sideways"
keys Enter
wait_screen "servertype=sideways: not a valid choice"
wait_screen "IN for the input server (receiver)"
screen_has "Server type (servertype=) :" || fail "servertype not asked again"
type_text "out"
keys Enter
# OUT: the remote host is asked next (the manual's order).
wait_screen "Remote HOST name (host=) :"
# ? shows the help of the keyword, the text keyword=? shows.
keys '?'
wait_screen "Network name of the host where the input server runs"
type_text "127.0.0.1"
keys Enter
wait_screen "TCP/IP port number (port=) :"
type_text "80"
keys Enter
wait_screen "port=80:"
wait_screen "Allowed: a whole number from 1024 to 32767."
keys C-u
type_text "$PORT"
keys Enter
wait_screen "Protocol (prot=) : inet"
keys Enter
wait_screen "Unix pipe name (pipe=) :"
# A resize under a prompt keeps what was typed.
type_text "/half/typed"
tm resize-window -x 36 -y 9
wait_screen "terminal too small (36x9)"
tm resize-window -x 100 -y 30
wait_screen "Unix pipe name (pipe=) : /half/typed"
# Esc leaves the setup: nothing was written.
keys Escape
wait_screen "6) Setup Server"
[ -e "$HC/tapesock.yaml" ] && fail "a setup left with Esc wrote $HC/tapesock.yaml"
# Again, to the end (an abandoned setup leaves no last values).
keys 6
wait_screen "Server type (servertype=) :"
type_text "out"
keys Enter
wait_screen "Remote HOST name (host=) :"
type_text "127.0.0.1"
keys Enter
wait_screen "TCP/IP port number (port=) :"
type_text "$PORT"
keys Enter Enter
wait_screen "Unix pipe name (pipe=) :"
type_text "$FIFO_C"
keys Enter
wait_screen "User to notify (notify=) : OFF"
keys Enter
wait_screen "Transaction Log test polling (poll=) : 0"
keys C-u
type_text "00:10:00"
keys Enter
wait_screen "Start transaction logger (txlog=) : OFF"
keys Enter
# txlog OFF: no txopt question; the queue period of an output server.
wait_screen "Transaction log queue period (txpriod=) :"
screen_has "Log (DL) files" && fail "txopt asked of a server without txlog"
keys Enter
wait_screen "tape-socket setup server=default servertype=out host=127.0.0.1"
wait_screen "Done (exit 0)"
wait_screen "Server: default (OUT, stopped)"
TAPESOCK_HOME="$HC" expect_value default host 127.0.0.1
TAPESOCK_HOME="$HC" expect_value default port "$PORT"
TAPESOCK_HOME="$HC" expect_value default poll 00:10:00
TAPESOCK_HOME="$HC" expect_value default pipe "$FIFO_C"
keys Enter
# The server's own values are the prefills now.
keys 6
wait_screen "Server type (servertype=) : OUT"
keys Enter Enter
wait_screen "TCP/IP port number (port=) : $PORT"
keys Escape
wait_screen "6) Setup Server"
# q leaves the menu, exit 0.
keys q
wait_exit 0

# --- the input server's home --------------------------------------------
tb setup server=two servertype=IN port="$((PORT + 1))" \
    pipe="$(mkpipe fifo_two)" >/dev/null || fail "setup of server two"
menu_open "$HB"
wait_screen "Server: default (IN, stopped)"
# The manual's columns, in a window wide enough.
pane | grep -q "1) List Status .*4) Stop Server .*7) Show Server" ||
    fail "the main menu is not in the manual's columns at 100 columns"
# ? on the menu: the help of every entry.
keys '?'
wait_screen "1) List Status: The status of every server"
keys G
wait_screen "9) Other Servers: Choose the server of this home the menu works on"
screen_has "Stop the server, after a confirmation" || fail "no help of Stop Server"
keys q
wait_screen " 1-9 or arrows+Enter"
# 7 Show Server
keys 7
wait_screen "tape-socket show server=default"
wait_screen "$FIFO_IN"
wait_screen "Done (exit 0)"
keys Enter
# 3 Start Server
keys 3
wait_screen "Started (pid" 40
wait_screen "Done (exit 0)"
keys q
wait_screen "Server: default (IN, running)"
is_running "$HB" || fail "Start Server did not start the input server"
expect_rc 0 ta start
# 2 Query Server
keys 2
wait_screen "tape-socket query server=default"
wait_screen "Done (exit 0)"
keys Escape
# 1 List Status: shows both servers, and refreshes itself.
keys 1
wait_screen "tape-socket status at"
wait_screen " two "
first=$(pane | sed -n 's/.*tape-socket status at \([0-9:]*\),.*/\1/p')
for ((i = 0; i < 100; i++)); do
	now=$(pane | sed -n 's/.*tape-socket status at \([0-9:]*\),.*/\1/p')
	[ -n "$now" ] && [ "$now" != "$first" ] && break
	sleep 0.1
done
[ "$now" != "$first" ] || fail "List Status did not refresh itself ($first)"
# A change made elsewhere shows without a key.
expect_rc 0 tb start server=two
for ((i = 0; i < 100; i++)); do
	pane | grep -Eq '^ *[0-9]+ +two ' && break
	sleep 0.1
done
pane | grep -Eq '^ *[0-9]+ +two ' || {
	show_screen
	fail "List Status did not show server two started"
}
expect_rc 0 tb stop server=two '(Q'
keys Escape
wait_gone "tape-socket status at"
# 4 Stop Server: declined, nothing stopped.
keys 4
wait_screen "Stop server 'default'?"
keys n
wait_screen "stop: not confirmed; nothing was done"
is_running "$HB" || fail "a declined stop stopped the server"
# A resize: too small says so, larger draws the menu again.
tm resize-window -x 30 -y 8
wait_screen "terminal too small (30x8)"
tm resize-window -x 120 -y 40
wait_screen "9) Other Servers"
screen_has "terminal too small" && fail "still too small at 120x40"
# 9 Other Servers: work on 'two'.
keys 9
wait_screen "two"
keys 2
wait_screen "the menu now works on server 'two'"
wait_screen "Server: two (IN, stopped)"
keys 7
wait_screen "tape-socket show server=two"
keys q
# A new server: its name is checked like server=.
keys 9
wait_screen "n) A new server"
keys n
wait_screen "Server name (server=) :"
type_text "no good!"
keys Enter
wait_screen "server=no good!:"
wait_screen "Name of the server."
keys C-u
type_text "three"
keys Enter
wait_screen "Server: three (not set up)"
keys 6
wait_screen "Server type (servertype=) :"
keys Escape
wait_screen "Server: three (not set up)"
# And back to the default one.
keys 9
wait_screen "1) default"
keys 1
wait_screen "Server: default (IN, running)"
# 4 Stop Server: accepted.
keys 4
wait_screen "Stop server 'default'?"
keys y
wait_screen "Done (exit 0)" 40
is_running "$HB" && fail "a confirmed stop left the input server running"
keys q
wait_screen "Server: default (IN, stopped)"
keys q
wait_exit 0

# --- 8 Shutdown from the output server's home ---------------------------
expect_rc 0 tb start
wait_for 20 "the pair to link" sh -c "TAPESOCK_HOME='$HA' '$BIN/tape-socket' check cmd=query >/dev/null 2>&1"
menu_open "$HA"
wait_screen "Server: default (OUT, running)"
keys 8
wait_screen "Shut down server 'default' and its remote server?"
keys Escape
wait_screen "shutdown: not confirmed; nothing was done"
is_running "$HA" || fail "a declined shutdown stopped the output server"
is_running "$HB" || fail "a declined shutdown stopped the input server"
keys 8
wait_screen "Shut down server 'default'"
keys y
wait_screen "Done (exit 0)" 40
is_running "$HA" && fail "Shutdown left the output server running"
wait_for 20 "the input server to stop" sh -c "! TAPESOCK_HOME='$HB' '$BIN/tape-socket' status '(R' 2>/dev/null | grep -q ' default '"
keys Escape
keys Escape
wait_exit 0
exit 0
