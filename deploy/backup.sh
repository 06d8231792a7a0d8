#!/usr/bin/env bash
# One backup of the Pantau store: a pg_dump custom-format archive of the whole database, dated, plus the
# row count of every table taken in the same snapshot (restore.sh checks a restore against them).
#
#   deploy/backup.sh [--url URL] [--dir DIR] [--keep-days N] [--lock-wait SECONDS]
#
# URL defaults to PANTAU_DATABASE_URL (the password from PGPASSWORD or ~/.pgpass, never asked for). The
# originals (workbooks) are in the store (table original_files, bytea): one dump holds everything.
# Writes DIR/pantau-YYYYMMDDTHHMMSSZ.dump and .dump.counts, each fsync'd before it gets its final name,
# then deletes dumps older than N days (only after a new one is safely written). Two backups never
# overlap: the second waits up to SECONDS for the lock (flock on DIR/.backup.lock), then gives up.
# Exit status: 0 written, 1 failed (nothing half-written is left), 2 usage, 75 another backup holds the lock.
# Run daily by deploy/systemd/pantau-backup.timer; copy DIR off the machine too (a dump on the database's
# own disk does not survive that disk).
set -euo pipefail
export LC_ALL=C  # one byte order for sort and comm, whatever the locale of the shell that runs this

URL=${PANTAU_DATABASE_URL:-}
DIR=/var/backups/pantau
KEEP_DAYS=14
LOCK_WAIT=600

usage() { echo "pemakaian: $0 [--url URL] [--dir DIR] [--keep-days N] [--lock-wait DETIK]" >&2; exit 2; }
fail() { echo "backup.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case $1 in
    --url) URL=${2:?}; shift 2 ;;
    --dir) DIR=${2:?}; shift 2 ;;
    --keep-days) KEEP_DAYS=${2:?}; shift 2 ;;
    --lock-wait) LOCK_WAIT=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$URL" ] || { echo "backup.sh: tidak ada basis data: beri --url atau PANTAU_DATABASE_URL" >&2; usage; }
[[ $KEEP_DAYS =~ ^[1-9][0-9]*$ ]] || { echo "backup.sh: --keep-days harus bilangan bulat >= 1" >&2; usage; }
[[ $LOCK_WAIT =~ ^[0-9]+$ ]] || { echo "backup.sh: --lock-wait harus jumlah detik" >&2; usage; }

# Nothing waits without a limit: a database that does not answer fails the connection after 10 s, and
# -w (--no-password) below means a missing password fails instead of prompting.
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
umask 077
mkdir -p "$DIR"

exec 9>>"$DIR/.backup.lock"
if ! flock -w "$LOCK_WAIT" 9; then
  echo "backup.sh: cadangan lain sedang berjalan ($DIR/.backup.lock masih dikunci setelah ${LOCK_WAIT} detik);" \
       "cadangan ini dilewati, tidak ada yang ditulis" >&2
  exit 75
fi

name="pantau-$(date -u +%Y%m%dT%H%M%SZ).dump"
dump="$DIR/$name"
[ ! -e "$dump" ] || fail "$dump sudah ada; tidak ditimpa"
partial="$DIR/.$name.partial"
counts_partial="$DIR/.$name.counts.partial"

cleanup() {
  rm -f "$partial" "$counts_partial"
  if [ -n "${pipes:-}" ]; then rm -rf "$pipes"; fi
  if [ -n "${psql_pid:-}" ]; then kill "$psql_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

# One REPEATABLE READ transaction, held open by a psql in the background (fed through two named pipes),
# exports its snapshot: pg_dump dumps exactly that snapshot, and the row counts below are counted in it
# too, so they describe the dump even while uploads go on.
trap '' PIPE  # a psql that died makes a write fail (and say so below) instead of killing this script
pipes=$(mktemp -d)
mkfifo "$pipes/to" "$pipes/from"
psql -w -X -q -A -t -v ON_ERROR_STOP=1 -d "$URL" < "$pipes/to" > "$pipes/from" &
psql_pid=$!
exec {to_psql}> "$pipes/to" {from_psql}< "$pipes/from"
printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" "SELECT pg_export_snapshot();" >&"$to_psql" \
  && read -r -t 60 snapshot <&"$from_psql" \
  || fail "tidak dapat membuka snapshot basis data (lihat pesan psql di atas)"

pg_dump -w --format=custom --snapshot="$snapshot" --file="$partial" --dbname="$URL" \
  || fail "pg_dump gagal; tidak ada cadangan yang ditulis"

# Every table of the store's schemas, as schema.table|rows, sorted.
cat >&"$to_psql" <<'SQL' || fail "psql berhenti sebelum menghitung baris (lihat pesannya di atas)"
SELECT format('SELECT %L || ''|'' || count(*) FROM %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
ORDER BY n.nspname, c.relname \gexec
SELECT '--end--';
COMMIT;
SQL
: > "$counts_partial"
while true; do
  read -r -t 600 line <&"$from_psql" || fail "jumlah baris tabel tidak terbaca (lihat pesan psql di atas)"
  [ "$line" = "--end--" ] && break
  printf '%s\n' "$line" >> "$counts_partial"
done
exec {to_psql}>&- {from_psql}<&-
wait "$psql_pid" || fail "psql berakhir dengan galat"
psql_pid=

# The archive must read back as one (its table of contents lists every table counted).
listed=$(pg_restore --list "$partial" | awk '$4 == "TABLE" && $5 != "DATA" { print $5 "." $6 }' | sort)
[ "$listed" = "$(cut -d'|' -f1 "$counts_partial" | sort)" ] \
  || fail "isi arsip tidak sama dengan daftar tabel basis data; cadangan dibuang"

# Durable before it counts as written: the data, then the new names in the directory.
sync "$partial" "$counts_partial"
mv "$counts_partial" "$dump.counts"
mv "$partial" "$dump"
sync "$DIR"

tables=$(wc -l < "$dump.counts")
echo "backup.sh: $dump ($(stat -c %s "$dump") bita, $tables tabel)"

# Retention, only now that today's dump is safe: dumps (and their counts) older than KEEP_DAYS days.
find "$DIR" -maxdepth 1 -type f \( -name 'pantau-*.dump' -o -name 'pantau-*.dump.counts' \) \
  -mmin +$((KEEP_DAYS * 1440)) -print -delete | sed 's/^/backup.sh: dihapus (lebih tua dari '"$KEEP_DAYS"' hari): /'
