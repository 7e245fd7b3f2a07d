#!/bin/bash
# t_pipes.sh — listpipes, and drain: the data waiting in a FIFO goes to
# ts.log,backup behind a header, and the drain is in the permanent log.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

BACKUP="$TAPESOCK_HOME/ts.log,backup"
PLOG="$TAPESOCK_HOME/ts.log,log"
F1=$(mkpipe f1)
F2=$(mkpipe f2)
F3=$(mkpipe f3)

expect_rc 0 ts setup servertype=IN port=3000 pipe="$F1"
expect_rc 0 ts setup server=out1 servertype=OUT host=backup port=3000 \
    pipe="$F2"
expect_rc 0 ts setup server=gone servertype=IN port=3001 pipe="$F3"
rm -f "$F3"
chmod 0620 "$F2"

# waiting SERVER: the Waiting column listpipes shows for its pipe.
waiting()
{
	ts listpipes 2>/dev/null |
	    awk -v s="$1" '$NF == s { print $(NF - 1) }'
}

# --- listpipes ------------------------------------------------------------

expect_rc 0 ts listpipes
expect_empty_err
expect_out '^Pipe[[:space:]].*Type[[:space:]].*Waiting[[:space:]]+Server[[:space:]]*$'
expect_out "^${F1}[[:space:]]+fifo[[:space:]]+prw-rw----[[:space:]].*[[:space:]]0[[:space:]]+default\$"
expect_out "^${F2}[[:space:]]+fifo[[:space:]]+prw--w----[[:space:]].*[[:space:]]0[[:space:]]+out1\$"
expect_out "^${F3}[[:space:]]+missing[[:space:]].*[[:space:]]gone\$"
expect_rc 0 ts lp
expect_out "^${F1}[[:space:]]+fifo[[:space:]]"

# --- data waiting in a FIFO ---------------------------------------------

# A tape process that wrote its data and keeps the pipe open: the bytes
# stay in the pipe until somebody reads them.
head -c 5000 /dev/urandom >"$TMP/data"
( exec 3<>"$F1"; cat "$TMP/data" >&3; exec sleep 100 ) &
track $!
has_waiting() { [ "$(waiting "$1")" = "$2" ]; }
wait_for 20 "listpipes to show 5000 bytes in $F1" has_waiting default 5000

# Without (Q drain asks first; "n" or no answer drains nothing.
expect_rc 1 ts drain < <(printf 'n\n')
expect_out_has "$F1"
expect_err_oneline
expect_rc 1 ts drain </dev/null
expect_err_oneline
[ -e "$BACKUP" ] && fail "a drain that was refused wrote $BACKUP"
has_waiting default 5000 || fail "a refused drain took data from $F1"

expect_rc 0 ts drain '(Q'
has_waiting default 0 || fail "$F1 still holds $(waiting default) bytes"
[ -f "$BACKUP" ] || fail "drain did not write $BACKUP"

# check_record FILE OFFSET DATA: a header "#tapesock-drain ... bytes=N"
# at OFFSET, then exactly the N bytes of DATA; prints the next offset.
check_record()
{
	local file=$1 off=$2 data=$3 hdr n len
	hdr=$(tail -c +$((off + 1)) "$file" | head -n 1)
	printf '%s\n' "$hdr" | grep -Eq '^#tapesock-drain .*bytes=[0-9]+$' ||
	    fail "bad drain header at offset $off: '$hdr'"
	n=$(printf '%s\n' "$hdr" | sed -E 's/.*bytes=0*([0-9]+)$/\1/')
	n=${n:-0}
	len=$(stat -c %s "$data")
	[ "$n" = "$len" ] || fail "drain header says bytes=$n, $len were waiting"
	off=$((off + ${#hdr} + 1))
	tail -c +$((off + 1)) "$file" | head -c "$n" | cmp -s - "$data" ||
	    fail "the drained bytes at offset $off are not the data written"
	off=$((off + n))
	# A record may end with one newline, so the next header starts a line.
	if [ "$(tail -c +$((off + 1)) "$file" | head -c 1 | od -An -c | tr -d ' ')" = '\n' ]; then
		off=$((off + 1))
	fi
	echo "$off"
}
off=$(check_record "$BACKUP" 0 "$TMP/data") || exit 99
[ "$off" = "$(stat -c %s "$BACKUP")" ] ||
    fail "$BACKUP holds more than one record: $off of $(stat -c %s "$BACKUP") bytes"

# A second drain appends a second record.
printf 'second\nrecord, text\n' >"$TMP/data2"
exec 4<>"$F1"
cat "$TMP/data2" >&4
wait_for 20 "listpipes to show the second data" has_waiting default \
    "$(stat -c %s "$TMP/data2")"
expect_rc 0 ts dr '(q' </dev/null
exec 4>&-
off1=$(check_record "$BACKUP" 0 "$TMP/data") || exit 99
off2=$(check_record "$BACKUP" "$off1" "$TMP/data2") || exit 99
[ "$off2" = "$(stat -c %s "$BACKUP")" ] || fail "$BACKUP: trailing bytes"

# Answering y drains too; an empty pipe gives an empty record.
expect_rc 0 ts drain server=out1 < <(printf 'y\n')
expect_out_has "$F2"
: >"$TMP/empty"
off3=$(check_record "$BACKUP" "$off2" "$TMP/empty") || exit 99
[ "$off3" = "$(stat -c %s "$BACKUP")" ] || fail "$BACKUP: trailing bytes"

# pipe= names the pipe directly.
expect_rc 0 ts drain pipe="$F2" '(Q'

# A missing pipe cannot be drained.
cp "$BACKUP" "$TMP/backup.before"
expect_rc 1 ts drain server=gone '(Q'
expect_err_oneline
expect_err_has "$F3"
cmp -s "$TMP/backup.before" "$BACKUP" || fail "a failed drain changed $BACKUP"

# --- the permanent log --------------------------------------------------

[ -f "$PLOG" ] || fail "drain did not write $PLOG"
plog_records "$PLOG" >"$TMP/records" || exit 99
[ "$(wc -l <"$TMP/records")" -ge 4 ] ||
    fail "$PLOG should hold the 4 drains: $(cat "$PLOG")"
grep -E '^CLI [0-9]+ NOTICE ' "$TMP/records" | grep -F "$F1" | grep -q 5000 ||
    fail "no NOTICE record of the drain of 5000 bytes of $F1 in $PLOG: $(cat "$PLOG")"

exit 0
