#!/bin/bash
# s_auth.sh — the link accepts only the other server of its pair (issue
# 9, attacks 1-3): real handshakes with a good key, a wrong key, no key,
# a plain-text client speaking the protocol, a fake receiver while the
# input server is down, tls=OFF (the key proven, data in clear), and
# tls=CERT with a good and a wrong certificate.  Each attack checks that
# nothing reached the backup pipe and that the input server's state did
# not change; each ends with the same pair delivering once the key (or
# certificate) is right, so that a test that sees nothing cannot pass by
# seeing nothing.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

command -v openssl >/dev/null || skip "no openssl command"
[ -x "$BIN/tsfake" ] || skip "no $BIN/tsfake (make $BIN/tsfake)"

two_homes
MARK="secret-block-$$"
plog() { cat "$1"/ts.log,log 2>/dev/null; }
logged() { plog "$1" | grep -Fq -- "$2"; }
wait_logged() { wait_for "${3:-20}" "'$2' in the log of $1" logged "$1" "$2"; }
count() { plog "$1" | grep -c -- "$2"; }
# grew HOME TEXT N: more than N records of HOME's log have TEXT.
grew() { [ "$(count "$1" "$2")" -gt "$3" ]; }
got_mark() { grep -Fq -- "$MARK" "$TMP/got" 2>/dev/null; }
state_sum() { { cksum <"$HB/default.state"; } 2>/dev/null || echo none; }
stop_both() {
	ta stop wait=0 '(Q' >/dev/null 2>&1
	tb stop wait=0 '(Q' >/dev/null 2>&1
	wait_for 20 "both servers to stop" both_stopped
}
both_stopped() { ! is_running "$HA" && ! is_running "$HB"; }

# The reader of the backup pipe, for the whole test.
backup_reader "$TMP/got"

# --- 1. a wrong pair key: nothing is read, nothing is sent --------------------
openssl rand -hex 32 | tb keyimport '(Q' >/dev/null ||
    fail "keyimport of another key"
expect_rc 0 tb start
state0=$(state_sum)
expect_rc 0 ta start
# The tape process: one block with the mark, written once (after the
# start, whose drain would take it), the pipe held open.
(
	exec 5<>"$FIFO_OUT"
	printf '%s\n' "$MARK" >&5
	sleep 600
) &
track $!
a_read() { [ "$(qfield "$HA" msgin)" = 1 ]; }
wait_for 10 "a to read the block" a_read
wait_logged "$HB" "Peer not proven: 127.0.0.1:"
wait_logged "$HA" "Peer not proven: 127.0.0.1:$PORT"
sleep 1
got_mark && fail "a peer with a wrong key delivered into the backup pipe"
[ "$(qfield "$HB" msgin)" = 0 ] || fail "b took messages from a wrong key"
[ "$(state_sum)" = "$state0" ] || fail "b's state changed for a wrong key"
[ "$(qfield "$HA" Unacknowledged)" -ge 1 ] ||
    fail "a dropped what a peer with a wrong key did not acknowledge"
logged "$HA" "Peer proven" && fail "a took a wrong key for proven"

# --- 2. no pair key: the server does not start -------------------------------
stop_both
mv "$HB/pair.key" "$TMP/b.key"
expect_rc 1 tb start
expect_err "cannot be secured: .*pair\.key: no pair key"
mv "$TMP/b.key" "$HB/pair.key"
# ... nor with a key others may read.
chmod 0644 "$HB/pair.key"
expect_rc 1 tb start
expect_err "chmod 600"
chmod 0600 "$HB/pair.key"

# --- 3. a plain-text client speaking the protocol ----------------------------
expect_rc 0 tb start
state0=$(state_sum)
before=$(count "$HB" "Peer not proven")
expect_rc 0 "$BIN/tsfake" "$PORT" 00112233445566778899aabbccddeeff 0 \
    data:1 data:2
expect_no_out "HELLO_ACK|ACK"
wait_for 10 "b to refuse the plain-text client" \
    grew "$HB" "Peer not proven" "$before"
[ "$(qfield "$HB" msgin)" = 0 ] || fail "b took frames in clear"
[ "$(state_sum)" = "$state0" ] || fail "b's state changed for a forged HELLO"
[ -s "$TMP/got" ] && fail "a forged HELLO wrote into the backup pipe"

# --- 4. a fake receiver while the input server is down -----------------------
# It answers the TLS handshake with a key of its own and prints what it
# receives; the output server must send it nothing and trim nothing.
not_running_b() { ! is_running "$HB"; }
tb stop wait=0 '(Q' >/dev/null 2>&1
wait_for 10 "b to stop" not_running_b
expect_rc 0 ta start
a_holds() { [ "$(qfield "$HA" Unacknowledged)" -ge 1 ]; }
wait_for 10 "a to hold its block again" a_holds
un0=$(qfield "$HA" Unacknowledged)
( exec openssl s_server -quiet -accept "127.0.0.1:$PORT" -tls1_3 -nocert \
    -psk "$(openssl rand -hex 32)" -psk_identity "tapesock pair v1" \
    >"$TMP/fake.out" 2>&1 ) &
fake=$!
track $fake
before=$(count "$HA" "Peer not proven")
wait_for 15 "a to refuse the fake receiver" \
    grew "$HA" "Peer not proven" "$before"
kill "$fake" 2>/dev/null
grep -Fq -- "$MARK" "$TMP/fake.out" && fail "a fake receiver got the backup"
[ "$(qfield "$HA" Unacknowledged)" = "$un0" ] ||
    fail "a trimmed its spool for a fake receiver"

# --- the right key: the same pair delivers -----------------------------------
ta stop wait=0 '(Q' >/dev/null 2>&1
share_key
expect_rc 0 tb start
expect_rc 0 ta start
wait_logged "$HB" "Peer proven: 127.0.0.1:"
wait_for 20 "the block at the backup pipe" got_mark
[ "$(grep -cF -- "$MARK" "$TMP/got")" = 1 ] || fail "the block came twice"

# --- 5. tls=OFF: the key is still proven ------------------------------------
stop_both
expect_rc 0 ta setarg tls=OFF
expect_rc 0 tb setarg tls=OFF
expect_rc 0 tb start
state1=$(state_sum)
msgin1=$(qfield "$HB" msgin)
before=$(count "$HB" "Peer not proven")
# Without the key: the protocol in clear is refused before it is read.
expect_rc 0 "$BIN/tsfake" "$PORT" 00112233445566778899aabbccddeeff 0 data:1
expect_no_out "HELLO_ACK"
# With another key: the proof fails.
mkdir -m 0700 "$TMP/c" && openssl rand -hex 32 >"$TMP/c/pair.key" &&
    chmod 0600 "$TMP/c/pair.key" || fail "a third key"
expect_rc 0 env TSFAKE_HOME="$TMP/c" TSFAKE_TLS=OFF "$BIN/tsfake" "$PORT" \
    00112233445566778899aabbccddeeff 0 data:1
expect_out "NOT PROVEN|CLOSED"
expect_no_out "HELLO_ACK"
wait_for 10 "b to refuse both" \
    grew "$HB" "Peer not proven" $((before + 1))
plog "$HB" | grep -q "Peer not proven: .*wrong pair key" ||
    fail "b did not say the key was wrong"
[ "$(state_sum)" = "$state1" ] || fail "b's state changed (tls=OFF, no key)"
[ "$(qfield "$HB" msgin)" = "$msgin1" ] || fail "b took frames without the key"
# With the key: accepted, and a real output server goes on streaming.
expect_rc 0 env TSFAKE_HOME="$HA" TSFAKE_TLS=OFF "$BIN/tsfake" "$PORT" \
    ffeeddccbbaa99887766554433221100 0
expect_no_out "NOT PROVEN"
expect_rc 0 ta start
wait_logged "$HA" "Peer proven: 127.0.0.1:$PORT (pair key, no encryption)"

# --- 6. tls=CERT: certificates of the site's authority ----------------------
stop_both
cd "$TMP" || fail "cd $TMP"
cert() {	# cert NAME CN CA: NAME.pem and NAME.key signed by CA
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null &&
	printf 'subjectAltName=DNS:%s\n' "$2" >"$1.ext" &&
	openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
	    -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.pem" \
	    2>/dev/null && chmod 0600 "$1.key" || fail "certificate $1"
}
for ca in ca rogue; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$ca.key" -subj "/CN=$ca" -days 2 -out "$ca.pem" \
	    2>/dev/null || fail "CA $ca"
done
cert prod prod.test ca
cert backup backup.test ca
cert fake prod.test rogue	# the right name, another authority
cert other other.test ca	# the right authority, another name
cd - >/dev/null || fail "cd back"
expect_rc 0 tb setarg tls=CERT tlsca="$TMP/ca.pem" tlscert="$TMP/backup.pem" \
    tlskey="$TMP/backup.key" tlspeer=prod.test
for bad in fake other; do
	expect_rc 0 ta setarg tls=CERT tlsca="$TMP/ca.pem" \
	    tlscert="$TMP/$bad.pem" tlskey="$TMP/$bad.key" tlspeer=backup.test
	state2=$(state_sum)
	before=$(count "$HB" "Peer not proven")
	proven=$(count "$HB" "Peer proven")
	expect_rc 0 tb start
	expect_rc 0 ta start
	wait_for 20 "b to refuse the $bad certificate" \
	    grew "$HB" "Peer not proven" "$before"
	plog "$HB" | tail -n 5 | grep -q "certificate not accepted" ||
	    fail "b's trace does not say the $bad certificate was refused"
	# (a may have proven b: b's certificate is good.)
	grew "$HB" "Peer proven" "$proven" &&
	    fail "b took a's $bad certificate for proven"
	[ "$(state_sum)" = "$state2" ] || fail "b's state changed ($bad cert)"
	stop_both
done
expect_rc 0 ta setarg tlscert="$TMP/prod.pem" tlskey="$TMP/prod.key"
# A private key others may read is refused, as the pair key is.
chmod 0644 "$TMP/backup.key"
expect_rc 1 tb start
expect_err "tlskey: .*backup\.key can be read or written by others.*chmod 600"
chmod 0600 "$TMP/backup.key"
expect_rc 0 tb start
expect_rc 0 ta start
wait_logged "$HB" "Peer proven: 127.0.0.1:"
wait_logged "$HA" "(backup.test) (TLS 1.3, certificate)"
exit 0
