#!/usr/bin/env bash
# Upgrade this machine's Pantau to a new release, as root on an app machine:
#
#   deploy/upgrade.sh [--ref GIT_REF] [--no-backup] [--no-migrate] [--dry-run]
#
# 1. back up the store (pantau-backup.service: the same script, user, lock and env file as the daily timer);
# 2. stop every replica of this machine (pantau.target): viewers see "connecting" for the minute this takes,
#    never a replica of the old release writing to a store the new release is migrating;
# 3. check out GIT_REF in /opt/pantau (when given) and install its pinned requirements into the venv;
# 4. run the migrations once (python -m pipelines.store migrate, as the pantau user with its env file);
# 5. start the replicas and wait until every one answers /_stcore/health (HAProxy takes them back by itself).
# Several app machines: stop pantau.target on the others first, run this on one, then on the others
# `deploy/upgrade.sh --ref GIT_REF --no-backup --no-migrate`. --dry-run prints the steps without running them.
# A failed step stops the upgrade there (set -e). The migration runs in transactions under the store's
# advisory lock (pipelines/migrations.py), so a failure leaves no half-made step; the backup of step 1 is
# there when the release must be undone (deploy/restore.sh, then the old --ref).
set -euo pipefail

APP=/opt/pantau
ENV_FILE=/etc/pantau/pantau.env
REF=""
BACKUP=1
MIGRATE=1
DRY=0
HEALTH_SECONDS=120  # a replica imports the heavy libraries in the background; 2 cores shared: well inside this

usage() { echo "pemakaian: $0 [--ref GIT_REF] [--no-backup] [--no-migrate] [--dry-run]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --ref) REF=${2:?}; shift 2 ;;
    --no-backup) BACKUP=0; shift ;;
    --no-migrate) MIGRATE=0; shift ;;
    --dry-run) DRY=1; shift ;;
    *) usage ;;
  esac
done

run() {
  echo "+ $*"
  if [ "$DRY" -eq 0 ]; then "$@"; fi
}

# The replicas' ports, from the target (pantau@8651.service ... -> 8651 ...).
ports() { systemctl show --property=Wants --value pantau.target | tr ' ' '\n' | sed -n 's/^pantau@\([0-9]*\)\.service$/\1/p' | sort; }

if [ "$BACKUP" -eq 1 ]; then
  # A oneshot unit: start returns when the backup has finished, and fails when it failed.
  run systemctl start pantau-backup.service
fi
run systemctl stop pantau.target
if [ -n "$REF" ]; then
  run git -C "$APP" fetch --tags origin
  run git -C "$APP" checkout --detach "$REF"
fi
run "$APP/.venv/bin/uv" pip install --quiet --compile-bytecode --python "$APP/.venv/bin/python" -r "$APP/requirements.txt"
run "$APP/.venv/bin/python" -m compileall -q "$APP/app.py" "$APP/pipelines" "$APP/ui" "$APP/pages"
if [ "$MIGRATE" -eq 1 ]; then
  # systemd-run gives the migration exactly the replicas' user, folder and environment file.
  run systemd-run --quiet --wait --pipe --collect --uid=pantau --gid=pantau \
    --property=EnvironmentFile="$ENV_FILE" --property=WorkingDirectory="$APP" \
    "$APP/.venv/bin/python" -m pipelines.store migrate
fi
run systemctl start pantau.target

if [ "$DRY" -eq 1 ]; then
  echo "+ curl -fsS --max-time 2 http://127.0.0.1:PORT/_stcore/health  (every replica of pantau.target, up to ${HEALTH_SECONDS} s)"
  exit 0
fi
deadline=$((SECONDS + HEALTH_SECONDS))
for port in $(ports); do
  until [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$port/_stcore/health" 2>/dev/null)" = "ok" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "upgrade.sh: replika $port tidak sehat setelah ${HEALTH_SECONDS} detik: journalctl -u pantau@$port" >&2
      exit 1
    fi
    sleep 1
  done
  echo "upgrade.sh: replika $port sehat"
done
echo "upgrade.sh: selesai"
