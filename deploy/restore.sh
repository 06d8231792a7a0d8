#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a database, and check it.
#
#   deploy/restore.sh [--force] DUMP [TARGET_URL]
#
# TARGET_URL defaults to PANTAU_DATABASE_URL. The target is a fresh database (make one with
# `createdb -O pantau pantau_restore`, or deploy/postgresql/setup.sh); one that already holds tables is
# refused unless --force, which drops and recreates every object the dump holds (other objects stay: for a
# clean slate drop the database and create it again). The restore is one transaction: it lands whole or
# not at all. Then every table's row count is compared with DUMP.counts (counted in the dump's own
# snapshot by backup.sh): any difference, or a table missing, fails the restore (exit 1; the restored
# database is left as it is, for a look at what differs).
# Exit status: 0 restored and checked, 1 failed, 2 usage, 3 the target is not empty (nothing changed).
# A dump of an older release is brought to the current schema by the replicas' first start, or at once by
# `python -m pipelines.store migrate` (deploy/upgrade.sh).
set -euo pipefail
export LC_ALL=C  # one byte order for sort and comm, whatever the locale of the shell that runs this

usage() { echo "pemakaian: $0 [--force] DUMP [TARGET_URL]" >&2; exit 2; }
fail() { echo "restore.sh: $*" >&2; exit 1; }

FORCE=0
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --force) FORCE=1; shift ;;
    -*) usage ;;
    *) args+=("$1"); shift ;;
  esac
done
[ ${#args[@]} -ge 1 ] && [ ${#args[@]} -le 2 ] || usage
DUMP=${args[0]}
URL=${args[1]:-${PANTAU_DATABASE_URL:-}}
[ -n "$URL" ] || { echo "restore.sh: tidak ada basis data tujuan: beri TARGET_URL atau PANTAU_DATABASE_URL" >&2; usage; }
[ -r "$DUMP" ] || fail "$DUMP tidak dapat dibaca"

export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-10}
q() { psql -w -X -q -A -t -v ON_ERROR_STOP=1 -d "$URL" "$@"; }

# The archive's tables, from its table of contents (this also proves it is a pg_dump archive).
toc=$(pg_restore --list "$DUMP") || fail "$DUMP bukan arsip pg_dump yang utuh"
wanted=$(awk '$4 == "TABLE" && $5 != "DATA" { print $5 "." $6 }' <<< "$toc" | sort)

USER_OBJECTS="FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'"
present=$(q -c "SELECT count(*) $USER_OBJECTS AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')") \
  || fail "basis data tujuan tidak dapat dibuka"
if [ "$present" -gt 0 ] && [ "$FORCE" -ne 1 ]; then
  echo "restore.sh: basis data tujuan tidak kosong ($present tabel, view atau sequence); tidak ada yang diubah." \
       "Pulihkan ke basis data baru (createdb), atau beri --force untuk menimpa isinya." >&2
  exit 3
fi

# --single-transaction: all or nothing. --no-owner/--no-privileges: the objects belong to the role that
# restores (the app's role in a drill or a real restore); grants are made by setup.sh, not carried over.
options=(--exit-on-error --single-transaction --no-owner --no-privileges)
[ "$FORCE" -eq 1 ] && options+=(--clean --if-exists)
pg_restore -w "${options[@]}" --dbname="$URL" "$DUMP" || fail "pg_restore gagal; basis data tujuan tidak berubah"

# Check: every table of the archive is there, with the row count it had when it was dumped.
got=$(q <<SQL
SELECT format('SELECT %L || ''|'' || count(*) FROM %I.%I', n.nspname || '.' || c.relname, n.nspname, c.relname)
$USER_OBJECTS AND c.relkind = 'r'
ORDER BY n.nspname, c.relname \gexec
SQL
) || fail "jumlah baris hasil pemulihan tidak terbaca"
got=$(sort <<< "$got")
missing=$(comm -23 <(echo "$wanted") <(cut -d'|' -f1 <<< "$got"))
[ -z "$missing" ] || fail "tabel tidak terpulihkan: $(tr '\n' ' ' <<< "$missing")"

if [ -r "$DUMP.counts" ]; then
  expected=$(sort "$DUMP.counts")
  differ=$(awk -F'|' 'NR == FNR { want[$1] = $2; next }
    ($1 in want) { seen[$1] = 1; if (want[$1] != $2) printf "%s: %s baris saat dicadangkan, %s dipulihkan\n", $1, want[$1], $2 }
    END { for (t in want) if (!(t in seen)) printf "%s: %s baris saat dicadangkan, tabelnya tidak ada\n", t, want[t] }' \
    <(echo "$expected") <(echo "$got"))
  if [ -n "$differ" ]; then
    echo "restore.sh: jumlah baris berbeda dari saat dicadangkan:" >&2
    echo "$differ" >&2
    exit 1
  fi
  echo "restore.sh: $(wc -l <<< "$expected") tabel dipulihkan; jumlah baris setiap tabel sama dengan saat dicadangkan."
else
  echo "restore.sh: $(wc -l <<< "$wanted") tabel dipulihkan; $DUMP.counts tidak ada, jumlah baris tidak dibandingkan:"
  echo "$got"
fi
