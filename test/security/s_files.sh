#!/bin/bash
# s_files.sh — issue 9 §5, "Files": the attacks on the files a server
# opens, each of which must fail again.  It FAILS (99) if one works.
#
#   1. the pid file, the logs, ts.log,backup and the state file swapped
#      for symbolic links to a root file: nothing written through them;
#   2. setup and start refuse a pipe that is a symbolic link or lies in
#      a directory others may write (unless it is sticky);
#   3. an output server whose pipe is swapped for a symbolic link to a
#      0600 secret after its start (between two tape files): the reopen
#      is refused, traced and notified, the secret never reaches the
#      spool, the server stops with S = E; its notify list's terminal
#      that is a symbolic link (root only: /dev/ttyTS<pid>) is skipped
#      and the file it points to is left alone;
#   4. an input server whose pipe is swapped for a symbolic link to a
#      root file: nothing is written into that file (one pair of
#      servers, 127.0.0.1).
#
#   BIN=$PWD/build bash test/security/s_files.sh
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

DEVLINK=""
trap 'rm -f "$DEVLINK"; cleanup' EXIT

traced()
{
	grep -aFq -- "$2" "$1/ts.log,log" "$1/ts.log" 2>/dev/null
}

# A file the attacker wants overwritten or read: its bytes must stay.
VICTIM="$TMP/victim"
printf 'root file, must not change\n' >"$VICTIM"
chmod 0600 "$VICTIM"
victim_changed()
{
	[ "$(cat "$VICTIM")" != "root file, must not change" ]
}
victim_intact()
{
	[ "$(cat "$VICTIM")" = "root file, must not change" ] ||
	    fail "$1: $VICTIM was written through a symbolic link:" \
	    "$(head -c 200 "$VICTIM" | tr -c '[:print:]' .)"
}

# --- 1. files of the home as symbolic links ---------------------------------

H="$TMP/home"
F=$(mkpipe tapein)
PORT=$(free_port) || exit 99
expect_rc 0 ts setup servertype=IN port="$PORT" pipe="$F" listen=127.0.0.1

# The pid file: libbsd's pidfile_open truncated (O_TRUNC) through it.
ln -s "$VICTIM" "$H/default.pid"
ts start >"$OUT" 2>"$ERR"
rc=$?
victim_intact "the pid file"
[ "$rc" = 1 ] || fail "a server started on a symbolic-link pid file"
expect_err "PID file"
rm -f "$H/default.pid"

# The trace ring, the permanent log, the drain's backup.
for f in ts.log "ts.log,log" "ts.log,backup" ts.log.new; do
	ln -sf "$VICTIM" "$H/$f"
done
ts drain '(Q' >/dev/null 2>&1
victim_intact "drain with symbolic-link logs"
# The state file: a server reads and writes it.
ln -s "$VICTIM" "$H/default.state"
ts start '(C' >/dev/null 2>&1
ts stop '(Q' >/dev/null 2>&1
victim_intact "a start with a symbolic-link state file and logs"
for f in ts.log "ts.log,log" "ts.log,backup" ts.log.new default.state \
    default.pid; do
	rm -f "$H/$f"
done

# --- 2. setup and start refuse unsafe pipes -----------------------------------

ln -s "$F" "$TMP/link"
expect_rc 2 ts setup server=lnk servertype=IN port="$PORT" pipe="$TMP/link"
expect_err "symbolic link"
mkdir -m 0777 "$TMP/ww"
chmod 0777 "$TMP/ww"
mkfifo -m 0600 "$TMP/ww/tapein"
expect_rc 2 ts setup server=ww servertype=IN port="$PORT" \
    pipe="$TMP/ww/tapein"
expect_err "chmod go-w"
chmod 0770 "$TMP/ww"
expect_rc 2 ts setup server=ww servertype=IN port="$PORT" \
    pipe="$TMP/ww/tapein"
# Sticky: others can neither rename nor remove our entry.
chmod 1777 "$TMP/ww"
expect_rc 0 ts setup server=ww servertype=IN port="$PORT" \
    pipe="$TMP/ww/tapein"
# Made unsafe after setup: start refuses it.
chmod 0777 "$TMP/ww"
expect_rc 1 ts start server=ww
expect_err "chmod go-w"
# The pipe replaced by a link after setup: start refuses it.
mv "$F" "$F.real"
ln -s "$F.real" "$F"
expect_rc 1 ts start
expect_err "symbolic link"
rm -f "$F"
mv "$F.real" "$F"

# notify=!line is a terminal, never a disk or any other device.
expect_rc 2 ts setarg notify='!sda'
expect_rc 2 ts setarg notify='!pts/../sda'
expect_rc 0 ts setarg notify='!ttyS0'

# --- 3. the output server's pipe swapped between two tape files ------------

HO="$TMP/out"
FO=$(mkpipe tapeout)
SECRET="$TMP/secret"
printf 'SECRET-%s-0600\n' "$RANDOM$RANDOM" >"$SECRET"
chmod 0600 "$SECRET"
NOTIFIED="$TMP/notified"
list=""
if [ "$(id -u)" = 0 ] && [ -w /dev ]; then
	# A notify terminal that is a symbolic link to a root file.
	DEVLINK="/dev/ttyTS$$"
	ln -s "$VICTIM" "$DEVLINK" && list="!ttyTS$$," || DEVLINK=""
fi
cat >"$TMP/notify.sh" <<EON
#!/bin/sh
echo "\$*" >>"$NOTIFIED"
EON
chmod +x "$TMP/notify.sh"
OPORT=$(free_port) || exit 99
# Nobody listens on OPORT: the calls fail, the third is notified.
TAPESOCK_HOME="$HO" expect_rc 0 ts setup servertype=OUT host=127.0.0.1 \
    port="$OPORT" pipe="$FO" calldelay=1 notify="${list}exec $TMP/notify.sh"
TAPESOCK_HOME="$HO" expect_rc 0 ts start '(C'
if [ -n "$DEVLINK" ]; then
	wait_for 20 "the notify terminal skipped" eval \
	    'traced "$HO" "Notify: $DEVLINK skipped" || victim_changed'
	victim_intact "a notification to a symbolic-link terminal"
fi
# A first tape file, as a tape process writes it; while it still has
# the pipe open, the pipe is moved away and a link put in its place.
(
	exec 3>"$FO"
	printf 'first tape file\n' >&3
	sleep 1
	mv "$FO" "$FO.moved"
	ln -s "$SECRET" "$FO"
	sleep 0.5
	exec 3>&-
) &
track $!
secret=$(cat "$SECRET")
leaked() { grep -raFq -- "$secret" "$HO"; }
wait_for 20 "the swapped pipe refused" eval \
    'traced "$HO" "Pipe $FO refused" || leaked'
leaked && fail "the 0600 secret behind the swapped pipe reached $HO"
wait_for 20 "the output server to stop" eval '! is_running "$HO"'
# status: S = E, the server's end on an error.
s_letter()
{
	TAPESOCK_HOME="$1" "$BIN/tape-socket" status 2>/dev/null |
	    awk '$2 == "default" { for (i = 3; i <= NF; i++)
		if ($i ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/) { print $(i - 1); exit } }'
}
[ "$(s_letter "$HO")" = E ] ||
    fail "the output server did not stop with S = E after the refusal"
leaked && fail "the 0600 secret behind the swapped pipe reached $HO"
wait_for 20 "the refusal notified" grep -Fq "refused" "$NOTIFIED"
[ -z "$DEVLINK" ] || victim_intact "the refusal's notification"
rm -f "$FO"
mv "$FO.moved" "$FO"

# --- 4. the input server's pipe swapped for a link to a root file ----------

two_homes
expect_rc 0 tb start '(C'
expect_rc 0 ta start '(C'
mv "$FIFO_IN" "$FIFO_IN.moved"
ln -s "$VICTIM" "$FIFO_IN"
printf 'data that must not land in a root file\n' >"$FIFO_OUT" &
track $!
wait_for 30 "the input server to refuse its pipe" eval \
    'traced "$HB" "Pipe $FIFO_IN refused" || victim_changed'
victim_intact "the input server's swapped pipe"
wait_for 20 "the input server to stop" eval '! is_running "$HB"'
[ "$(s_letter "$HB")" = E ] ||
    fail "the input server did not stop with S = E after the refusal"
victim_intact "the input server's swapped pipe, after its stop"
rm -f "$FIFO_IN"
mv "$FIFO_IN.moved" "$FIFO_IN"
# The output server holds the message the input server refused.
ta stop wait=0 '(Q' >/dev/null 2>&1
exit 0
