#!/bin/bash
# pg_hot_backup.sh — a hot backup of a real PostgreSQL database through a
# tapesock pair (issue 11, item 8; `make pgtest`).
#
# Production (home a): a primary whose archive_command stores each WAL
# segment as an item of the DL file wal, through txlog put -w (it
# returns only once the backup has applied it), over the pair linked to
# the transaction logger; a base backup sent as one tape file with
# tape-socket put over a second pair, "base", as the reference manual's
# sites kept the transaction log's tape to itself.  Backup (home b): the restore
# applies the items to the backup's data area; a standby made from the
# base backup, restoring the segments from that area, recovers and must
# hold the primary's rows.  PostgreSQL runs as the postgres user.
# shellcheck source-path=SCRIPTDIR source=../integration/lib.sh
. "$(dirname "$0")/../integration/lib.sh"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/initdb" ] || skip "no PostgreSQL (make pgtest installs it)"
id postgres >/dev/null 2>&1 || skip "no postgres user"
[ "$(id -u)" = 0 ] || skip "needs root, to run PostgreSQL as postgres"
pg() { runuser -u postgres -- "$@"; }

chmod 755 "$TMP"
# postgres runs txlog (archive_command): a copy it can reach, the build
# being perhaps in a home it may not enter (/root).
mkdir -m 755 "$TMP/bin"
install -m 755 "$BIN/txlog" "$TMP/bin/txlog" || fail "install txlog"
TXP="$TMP/bin/txlog"
two_homes
P="$TMP/prod"
K="$TMP/backup"
mkdir -p "$P" "$K"
chown postgres:postgres "$P"
# The backup's items readable by postgres's restore_command.
chgrp postgres "$K"
chmod 2750 "$K"
expect_rc 0 tb setarg txlog=ON datadir="$K"
expect_rc 0 ta setarg txlog=ON datadir="$P" txopt=DL
# postgres may use a's control socket (txlog put -w asks through it).
sed -i "s/^servers:/group: postgres\nservers:/" "$HA/tapesock.yaml"
chgrp postgres "$HA"
chmod 750 "$HA"
pg "$TXP" -d "$P" create wal DL || fail "txlog create wal"
# The second pair, for the base backup.
BPORT=$(free_port)
mkfifo -m 0660 "$TMP/base_out" "$TMP/base_in"
expect_rc 0 tb setup server=base servertype=IN port="$BPORT" \
    pipe="$TMP/base_in" listen=127.0.0.1
expect_rc 0 ta setup server=base servertype=OUT host=127.0.0.1 \
    port="$BPORT" pipe="$TMP/base_out" calldelay=1
expect_rc 0 tb start
expect_rc 0 ta start
expect_rc 0 tb start server=base
expect_rc 0 ta start server=base

# The primary.  Its logs and socket in a directory of postgres's.
R="$TMP/pg"
mkdir "$R" && chown postgres "$R"
PORT1=$(free_port)
D1="$TMP/pg1"
mkdir "$D1" && chown postgres "$D1"
pg "$PGBIN/initdb" -D "$D1" --wal-segsize=1 -A trust >/dev/null ||
    fail "initdb"
cat >>"$D1/postgresql.conf" <<EOC
port = $PORT1
listen_addresses = '127.0.0.1'
unix_socket_directories = '$R'
archive_mode = on
archive_command = '$TXP -d $P put -w 60 wal %f < %p'
archive_timeout = 0
wal_level = replica
max_wal_senders = 4
EOC
pg "$PGBIN/pg_ctl" -D "$D1" -l "$R/pg1.log" -w start >/dev/null ||
    fail "primary start: $(tail -5 "$R/pg1.log")"
trap 'pg "$PGBIN/pg_ctl" -D "$D1" -m immediate stop >/dev/null 2>&1;
    [ -d "$TMP/pg2" ] && pg "$PGBIN/pg_ctl" -D "$TMP/pg2" -m immediate stop >/dev/null 2>&1;
    cleanup' EXIT
psql1() { pg "$PGBIN/psql" -h "$R" -p "$PORT1" -d postgres -Atqc "$1"; }
pg "$PGBIN/pgbench" -h "$R" -p "$PORT1" -i -s 2 postgres >/dev/null 2>&1 ||
    fail "pgbench -i"

# The base backup, one tape file through put; b's side reads it.
( cat "$TMP/base_in" >"$TMP/base.tar" ) &
track $!
pg "$PGBIN/pg_basebackup" -h "$R" -p "$PORT1" -D - -Ft -X none \
    -c fast 2>"$TMP/basebackup.err" >"$TMP/base.out" ||
    fail "pg_basebackup: $(cat "$TMP/basebackup.err")"
expect_rc 0 ta put server=base file="$TMP/base.out" wait=120
wait_for 30 "the base backup on b" test -s "$TMP/base.tar"
cmp -s "$TMP/base.out" "$TMP/base.tar" || fail "the base backup differs"

# Work on the primary, segments switched and archived through txlog.
pg "$PGBIN/pgbench" -h "$R" -p "$PORT1" -t 300 -c 2 postgres >/dev/null 2>&1 ||
    fail "pgbench"
psql1 "CREATE TABLE marker(v text); INSERT INTO marker VALUES ('the end');" ||
    fail "marker"
want=$(psql1 "SELECT sum(abalance), count(*) FROM pgbench_accounts")
seg=$(psql1 "SELECT pg_walfile_name(pg_switch_wal())")
archived() { [ "$(psql1 "SELECT last_archived_wal FROM pg_stat_archiver")" \> "$seg" ] ||
    [ "$(psql1 "SELECT last_archived_wal FROM pg_stat_archiver")" = "$seg" ]; }
wait_for 120 "segment $seg archived" archived
[ -f "$K/wal/$seg" ] || fail "segment $seg not in the backup's area"
cmp -s "$K/wal/$seg" "$P/wal/$seg" || fail "segment $seg differs on the backup"

# The standby: the base backup, then the segments from b's area.
D2="$TMP/pg2"
mkdir "$D2" && chown postgres "$D2" && chmod 700 "$D2"
pg tar -xf "$TMP/base.tar" -C "$D2" || fail "untar the base backup"
PORT2=$(free_port)
cat >>"$D2/postgresql.conf" <<EOC
port = $PORT2
unix_socket_directories = '$R'
archive_mode = off
restore_command = 'cp $K/wal/%f %p'
recovery_target_action = promote
EOC
pg touch "$D2/recovery.signal"
pg "$PGBIN/pg_ctl" -D "$D2" -l "$R/pg2.log" -w -t 120 start >/dev/null ||
    fail "standby start: $(tail -5 "$R/pg2.log")"
psql2() { pg "$PGBIN/psql" -h "$R" -p "$PORT2" -d postgres -Atqc "$1"; }
promoted() { [ "$(psql2 "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ]; }
wait_for 120 "the standby to finish recovery" promoted
[ "$(psql2 "SELECT v FROM marker")" = "the end" ] ||
    fail "the standby lacks the last rows"
got=$(psql2 "SELECT sum(abalance), count(*) FROM pgbench_accounts")
[ "$got" = "$want" ] || fail "the standby has '$got', the primary '$want'"
echo "NOTE: $TEST: standby recovered $(ls "$K/wal" | wc -l) segment(s): $got"
exit 0
