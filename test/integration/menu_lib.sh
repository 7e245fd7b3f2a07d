# menu_lib.sh — sourced by the t_menu*.sh tests after lib.sh: the menu
# driven in a tmux server of the test's own (-L tsmenu<pid>, no
# configuration), its screen read with capture-pane.
#
#   menu_open HOME [TERM]	tape-socket with no argument in a 100x30 pane
#   wait_exit STATUS		it ends with STATUS (q, Esc)
#   keys KEY...			tmux send-keys (Enter, Escape, Up, C-u, text)
#   screen_has TEXT		the pane shows TEXT (fixed string)
#   wait_screen TEXT [SECS]	poll the pane until it shows TEXT, else fail
#   wait_gone TEXT [SECS]	poll until it no longer does
#
# The tmux server (and tape-socket in it) goes at exit, on failure too,
# before lib.sh's cleanup stops the servers the menu started.

# shellcheck shell=bash
command -v tmux >/dev/null 2>&1 || skip "no tmux to drive the menu"
TSOCK="tsmenu$$"
MENU_RC="$TMP/.menu_rc"
trap 'tmux -L "$TSOCK" kill-server >/dev/null 2>&1; cleanup' EXIT

tm()
{
	tmux -L "$TSOCK" "$@"
}

menu_open()
{
	local home=$1 term=${2:-xterm-256color}

	menu_start "TAPESOCK_HOME='$home' TERM='$term'"
}

# menu_start ENV: tape-socket with the environment ENV (VAR=value
# words, quoted for sh) in a fresh tmux server; its exit status goes
# into $MENU_RC when it ends.
menu_start()
{
	tm kill-server >/dev/null 2>&1
	rm -f "$MENU_RC"
	# The pane stays once tape-socket ended, to read what was left.
	tm -f /dev/null new-session -d -x 100 -y 30 \
	    "env TAPESOCK_NO_SYSLOG=1 $1 '$BIN/tape-socket'; echo \$? >'$MENU_RC'" ||
	    fail "tmux new-session"
	tm set-option -g remain-on-exit on >/dev/null
	wait_screen "Network Tape ("
}

keys()
{
	tm send-keys "$@" || fail "tmux send-keys $*"
}

# Text typed as it is (no key names: "Enter" would be the word).
type_text()
{
	tm send-keys -l -- "$1" || fail "tmux send-keys -l $1"
}

pane()
{
	tm capture-pane -p 2>/dev/null
}

screen_has()
{
	pane | grep -Fq -- "$1"
}

show_screen()
{
	echo "  screen:" >&2
	pane | sed 's/^/    | /' >&2
}

wait_screen()
{
	local i secs=${2:-10}

	for ((i = 0; i < secs * 20; i++)); do
		screen_has "$1" && return 0
		sleep 0.05
	done
	echo "FAIL: $TEST: the menu does not show '$1' after ${secs}s" >&2
	show_screen
	exit 99
}

wait_gone()
{
	local i secs=${2:-10}

	for ((i = 0; i < secs * 20; i++)); do
		screen_has "$1" || return 0
		sleep 0.05
	done
	echo "FAIL: $TEST: the menu still shows '$1' after ${secs}s" >&2
	show_screen
	exit 99
}

# wait_exit STATUS: tape-socket ends, with STATUS.
wait_exit()
{
	local i got=""

	for ((i = 0; i < 100; i++)); do
		got=$(cat "$MENU_RC" 2>/dev/null)
		[ "$got" = "$1" ] && return 0
		sleep 0.05
	done
	echo "FAIL: $TEST: the menu did not end with status $1 (${got:-running})" >&2
	show_screen
	exit 99
}
