#!/bin/bash
# t_marks.sh — tape marks between writers that follow each other without
# a pause (`for i in ...; do cat src/$i > fifo; done`): every tape file
# the reader gets is one or more whole consecutive source files (two
# files may merge when the server cannot tell where one ended, and it
# counts that), never a file cut in the middle of the next.

. "$(dirname "$0")/lib.sh"

NFILES=${TAPESOCK_MARKS_FILES:-200}
SRC="$TMP/src"
GOT="$TMP/got"
mkdir -p "$SRC" "$GOT" || fail "mkdir in $TMP"

two_homes
expect_rc 0 tb start
expect_rc 0 ta start

# The sources are consecutive slices of one random blob, so that the
# received files, end to end, must be the blob itself, and each must
# end where a source ends.  Sizes from 1 KiB to 200 KiB, most of them
# no multiple of 4096 (a split in the old way was 4096-aligned).
head -c $((NFILES * 200 * 1024)) /dev/urandom >"$TMP/rand" ||
    fail "cannot write $TMP/rand"
declare -A ends
total=0
for ((i = 1; i <= NFILES; i++)); do
	case $((i % 10)) in
	0) size=$((4096 * (1 + i % 50))) ;;
	*) size=$((1024 + (i * 104729 + i * i * 7) % (199 * 1024))) ;;
	esac
	tail -c +$((total + 1)) "$TMP/rand" | head -c "$size" >"$SRC/$i"
	total=$((total + size))
	ends[$total]=$i
done
head -c "$total" "$TMP/rand" >"$TMP/blob"
rm -f "$TMP/rand"

# The reader: one output file per tape file, until every byte came.
(
	k=0 got=0
	while [ "$got" -lt "$total" ]; do
		k=$((k + 1))
		cat "$FIFO_IN" >"$GOT/$k" || exit 1
		got=$((got + $(stat -c %s "$GOT/$k")))
	done
	echo "$k" >"$TMP/nread"
) &
rd=$!
track $rd

# The writers, back to back: the next cat opens the pipe as soon as the
# shell has seen the last one exit.
(
	for ((i = 1; i <= NFILES; i++)); do
		[ "$i" = $((NFILES / 2)) ] && : >"$TMP/half"
		cat "$SRC/$i" >"$FIFO_OUT" || exit 1
	done
	: >"$TMP/written"
) &
wr=$!
track $wr

# For the second half, the output server is held (SIGSTOP) now and then,
# so that a writer's close often finds the next writer already there
# and the pipe full: the case where a mark could fall inside its data.
srv=$(daemon_pid "$HA") || fail "no pid file for the output server"
(
	trap 'kill -CONT "$srv" 2>/dev/null; exit 0' TERM
	while [ ! -e "$TMP/half" ] && [ ! -e "$TMP/written" ]; do
		sleep 0.05
	done
	while [ ! -e "$TMP/written" ]; do
		kill -STOP "$srv" 2>/dev/null
		sleep 0.03
		kill -CONT "$srv" 2>/dev/null
		sleep 0.05
	done
	kill -CONT "$srv" 2>/dev/null
) &
stutter=$!
track $stutter
wait_bg 40 "$NFILES files written into $FIFO_OUT" $wr ||
    fail "a writer failed"
wait_bg 5 "the end of the SIGSTOP/SIGCONT helper" $stutter
wait_bg 30 "$total bytes read from $FIFO_IN" $rd ||
    fail "the reader failed (got $(du -cb "$GOT" | tail -n 1))"

nread=$(cat "$TMP/nread")
# shellcheck disable=SC2046	# the numbers are the file names
cat $(seq -f "$GOT/%g" 1 "$nread") | cmp -s - "$TMP/blob" ||
    fail "the tape files read, end to end, are not what was written"
at=0
for ((k = 1; k <= nread; k++)); do
	size=$(stat -c %s "$GOT/$k")
	[ "$size" -gt 0 ] || fail "tape file $k is empty"
	at=$((at + size))
	[ -n "${ends[$at]:-}" ] ||
	    fail "tape file $k ends at byte $at, inside a source file"
done
merged=$((NFILES - nread))
# Where the merged files' ends were (what the server had read then).
declare -A marked
at=0
for ((k = 1; k <= nread; k++)); do
	at=$((at + $(stat -c %s "$GOT/$k")))
	marked[$at]=1
done
unmarked=""
for e in "${!ends[@]}"; do
	[ -n "${marked[$e]:-}" ] || unmarked="$unmarked $e"
done

# Everything is delivered: the server's count of ends it could not mark
# covers what the reader saw merged.
wait_for 10 "curmsg equal on both sides" \
    test "$(qfield "$HA" curmsg)" = "$(qfield "$HB" curmsg)"
counted=$(qfield "$HA" "Tape files merged")
[ -n "$counted" ] || fail "query shows no 'Tape files merged' line"
echo "$TEST: $NFILES files, $total bytes, $nread tape files read," \
    "$merged merged, the server counted $counted" >&2
[ "$counted" -ge "$merged" ] ||
    fail "$merged files merged, the output server counted $counted;" \
    "ends not marked:$(echo $unmarked | tr ' ' '\n' | sort -n | head -n 20 | tr '\n' ' ')"
exit 0
