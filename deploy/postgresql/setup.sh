#!/usr/bin/env bash
# Create the store's role and database once, on the database machine, as PostgreSQL's administrator:
#   sudo -u postgres deploy/postgresql/setup.sh            (asks for the new role's password)
#   echo "$PASSWORD" | sudo -u postgres deploy/postgresql/setup.sh   (from a secret store, no prompt)
# The app creates its tables itself at first connection (pipelines/migrations.py); this makes only the empty
# database, owned by the app's role, so the role needs no other privilege (no superuser, no CREATEDB).
# Connection: libpq's defaults and PGHOST/PGPORT/PGUSER, so the same script serves a throwaway server.
set -euo pipefail
ROLE=${1:-pantau}
DB=${2:-pantau}

if [ -t 0 ]; then
  read -rsp "Kata sandi baru untuk peran $ROLE: " password; echo
else
  read -r password
fi
if [ -z "$password" ]; then
  echo "setup.sh: kata sandi kosong; tidak ada yang dibuat" >&2
  exit 2
fi
export PANTAU_SETUP_PASSWORD=$password  # read by psql's \getenv: never on a command line (ps shows those)

psql -X -q -v ON_ERROR_STOP=1 -d postgres -v role="$ROLE" -v db="$DB" <<'SQL'
\getenv password PANTAU_SETUP_PASSWORD
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') AS new_role \gset
\if :new_role
  CREATE ROLE :"role" LOGIN;
\endif
-- scram-sha-256 (password_encryption in pantau.conf): the server stores only the verifier.
ALTER ROLE :"role" PASSWORD :'password';
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') AS new_db \gset
\if :new_db
  -- template0 and C.UTF-8: a byte-order collation that does not change with the operating system's
  -- locale data (an upgrade of glibc cannot silently reorder an index).
  CREATE DATABASE :"db" OWNER :"role" ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0;
\endif
-- Only the app's role (and the administrator) may connect to its database.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";
SQL
echo "Peran $ROLE dan basis data $DB siap (pemilik: $ROLE)."
