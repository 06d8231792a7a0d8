"""deploy/backup.sh and deploy/restore.sh on a throwaway PostgreSQL: a restored dump equals the store, table by table."""
from __future__ import annotations

import fcntl
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from pipelines import migrations
from pipelines.ingest import load, registry
from tests.conftest import REGISTRY_CSV, ROOT, good_identity, good_values, make_workbook

DEPLOY = ROOT / "deploy"
TIMEOUT = 120  # seconds for any one script run


def _database(server, name: str) -> str:
    """A new empty database on the test server; its URL."""
    with psycopg.connect(server.base, autocommit=True, connect_timeout=10) as raw:
        raw.execute(f"DROP DATABASE IF EXISTS {name}")
        raw.execute(f"CREATE DATABASE {name}")
    return server.base.rsplit("/", 1)[0] + "/" + name


def _env() -> dict[str, str]:
    """The scripts' environment: this one without a store, so every run names its database itself."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PANTAU_", "PG"))}


def _run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT, env=_env(),
                          **kwargs)


def _tables(url: str) -> dict[str, tuple[int, str]]:
    """schema.table -> (rows, md5 of every row's text in a fixed order): the content, compared exactly."""
    with psycopg.connect(url, connect_timeout=10) as raw:
        names = raw.execute("SELECT schemaname, tablename FROM pg_tables WHERE schemaname = 'public' "
                            "ORDER BY tablename").fetchall()
        out = {}
        for schema, table in names:
            rows, digest = raw.execute(
                f'SELECT count(*), md5(coalesce(string_agg(t::text, E\'\\n\' ORDER BY t::text), \'\')) '
                f'FROM "{schema}"."{table}" t').fetchone()
            out[f"{schema}.{table}"] = (rows, digest)
    return out


WORKBOOKS = {
    "tunggangri-v1.xlsx": make_workbook(),
    "tunggangri-v2.xlsx": make_workbook(values={**good_values(), "C01": 41}),
    "betak.xlsx": make_workbook(good_identity(kode_desa="35.04.14.2016", nama_desa="Betak")),
}


@pytest.fixture(scope="module")
def pg_store(pg_server, tmp_path_factory) -> str:
    """A small store in its own database: the registry, two villages, one of them in two versions."""
    url = _database(pg_server, "deploy_store")
    csv = tmp_path_factory.mktemp("registry") / "desa.csv"
    csv.write_text(REGISTRY_CSV, encoding="utf-8")
    con = migrations.connect(url)
    try:
        registry.load_registry(con, csv)
        results = load.load_files(con, [load.Source(n, d) for n, d in WORKBOOKS.items()], "penguji")
        assert [r.status for r in results] == ["accepted", "accepted", "accepted"]
    finally:
        con.close()
    return url


def _dumps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_backup_then_restore_gives_the_same_store(pg_store, pg_server, tmp_path):
    done = _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path, "--keep-days", "14", "--lock-wait", "5")
    assert done.returncode == 0, done.stderr
    [dump] = [p for p in tmp_path.iterdir() if p.suffix == ".dump"]
    assert _dumps(tmp_path) == [".backup.lock", dump.name, dump.name + ".counts"]
    assert done.stdout.startswith(f"backup.sh: {dump} (")
    before = _tables(pg_store)
    # the counts file holds every table's rows as they were in the dump's snapshot
    counts = dict(line.split("|") for line in (tmp_path / (dump.name + ".counts")).read_text().splitlines())
    assert counts == {table: str(rows) for table, (rows, _) in before.items()}
    assert counts["public.submissions"] == "3"
    assert counts["public.original_files"] == "3"

    target = _database(pg_server, "deploy_restored")
    done = _run(DEPLOY / "restore.sh", dump, target)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (f"restore.sh: {len(before)} tabel dipulihkan; jumlah baris setiap tabel sama dengan "
                           "saat dicadangkan.\n")
    assert _tables(target) == before  # every table: the same rows, the same content
    # the original workbooks' bytes are in the dump (PostgreSQL keeps them in the store, bytea)
    with psycopg.connect(target, connect_timeout=10) as raw:
        kept = dict(raw.execute("SELECT file_sha256, content FROM original_files").fetchall())
    assert kept == {hashlib.sha256(data).hexdigest(): data for data in WORKBOOKS.values()}
    # and the restored store opens as a warehouse, at the same data version
    con = migrations.connect(target)
    try:
        assert con.sql("SELECT count(*) FROM submissions WHERE is_current").fetchall() == [(2,)]
    finally:
        con.close()


def test_restore_refuses_a_database_that_holds_tables_unless_forced(pg_store, pg_server, tmp_path):
    assert _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path).returncode == 0
    [dump] = [p for p in tmp_path.iterdir() if p.suffix == ".dump"]
    target = _database(pg_server, "deploy_busy")
    with psycopg.connect(target, autocommit=True, connect_timeout=10) as raw:
        raw.execute("CREATE TABLE notes (note text)")
        raw.execute("INSERT INTO notes VALUES ('jangan dihapus')")
    done = _run(DEPLOY / "restore.sh", dump, target)
    assert done.returncode == 3
    assert done.stderr == ("restore.sh: basis data tujuan tidak kosong (1 tabel, view atau sequence); tidak ada "
                           "yang diubah. Pulihkan ke basis data baru (createdb), atau beri --force untuk menimpa "
                           "isinya.\n")
    assert list(_tables(target)) == ["public.notes"]

    # --force replaces what the dump holds, also over a restore whose rows were changed since
    assert _run(DEPLOY / "restore.sh", dump, target).returncode == 3
    done = _run(DEPLOY / "restore.sh", "--force", dump, target)
    assert done.returncode == 0, done.stderr
    with psycopg.connect(target, autocommit=True, connect_timeout=10) as raw:
        raw.execute("DELETE FROM submission_values")
    done = _run(DEPLOY / "restore.sh", "--force", dump, target)
    assert done.returncode == 0, done.stderr
    restored = _tables(target)
    assert restored.pop("public.notes") == (1, hashlib.md5(b"(\"jangan dihapus\")").hexdigest())
    assert restored == _tables(pg_store)


def test_restore_fails_when_a_table_lost_rows(pg_store, pg_server, tmp_path):
    assert _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path).returncode == 0
    [dump] = [p for p in tmp_path.iterdir() if p.suffix == ".dump"]
    counts = dump.with_name(dump.name + ".counts")
    counts.write_text(counts.read_text().replace("public.submissions|3", "public.submissions|4"))
    done = _run(DEPLOY / "restore.sh", dump, _database(pg_server, "deploy_checked"))
    assert done.returncode == 1
    assert done.stderr == ("restore.sh: jumlah baris berbeda dari saat dicadangkan:\n"
                           "public.submissions: 4 baris saat dicadangkan, 3 dipulihkan\n")


def test_backup_keeps_the_days_asked_for(pg_store, tmp_path):
    day = 24 * 3600
    old = {"pantau-20261101T013000Z.dump": 20, "pantau-20261101T013000Z.dump.counts": 20,
           "pantau-20261122T013000Z.dump": 13, "pantau-20261122T013000Z.dump.counts": 13,
           "catatan.txt": 30}
    for name, age in old.items():
        (tmp_path / name).write_text("x")
        os.utime(tmp_path / name, (time.time() - age * day,) * 2)
    done = _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path, "--keep-days", "14")
    assert done.returncode == 0, done.stderr
    [new] = [p.name for p in tmp_path.iterdir() if p.suffix == ".dump" and p.stat().st_mtime > time.time() - day]
    assert _dumps(tmp_path) == sorted([".backup.lock", "catatan.txt", "pantau-20261122T013000Z.dump",
                                       "pantau-20261122T013000Z.dump.counts", new, new + ".counts"])
    assert sorted(done.stdout.splitlines()[1:]) == [
        f"backup.sh: dihapus (lebih tua dari 14 hari): {tmp_path}/pantau-20261101T013000Z.dump",
        f"backup.sh: dihapus (lebih tua dari 14 hari): {tmp_path}/pantau-20261101T013000Z.dump.counts",
    ]


def test_a_second_backup_waits_for_the_lock_then_gives_up(pg_store, tmp_path):
    with open(tmp_path / ".backup.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # the lock flock(1) takes: a backup is running
        started = time.monotonic()
        done = _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path, "--lock-wait", "1")
        waited = time.monotonic() - started
    assert done.returncode == 75
    assert done.stderr == (f"backup.sh: cadangan lain sedang berjalan ({tmp_path}/.backup.lock masih dikunci "
                           "setelah 1 detik); cadangan ini dilewati, tidak ada yang ditulis\n")
    assert waited >= 1
    assert _dumps(tmp_path) == [".backup.lock"]


def test_two_backups_at_once_the_second_gives_up_on_the_lock(pg_store, tmp_path):
    # The first backup talks to a database that accepts the connection and never answers: it holds the lock
    # until libpq's connect timeout (5 s here) ends it.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    hung = f"postgresql://postgres@127.0.0.1:{silent.getsockname()[1]}/pantau"
    first = subprocess.Popen([str(DEPLOY / "backup.sh"), "--url", hung, "--dir", str(tmp_path)],
                             env={**_env(), "PGCONNECT_TIMEOUT": "5"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    try:
        deadline = time.monotonic() + 10
        while True:  # until the first one holds the lock
            try:
                with open(tmp_path / ".backup.lock", "a") as probe:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except (BlockingIOError, FileNotFoundError):
                if (tmp_path / ".backup.lock").exists():
                    break
            assert time.monotonic() < deadline, "the first backup never took the lock"
            time.sleep(0.05)
        second = _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path, "--lock-wait", "1")
        assert second.returncode == 75
        assert second.stderr == (f"backup.sh: cadangan lain sedang berjalan ({tmp_path}/.backup.lock masih dikunci "
                                 "setelah 1 detik); cadangan ini dilewati, tidak ada yang ditulis\n")
        _, errors = first.communicate(timeout=TIMEOUT)
        assert first.returncode == 1
        assert errors.endswith("backup.sh: tidak dapat membuka snapshot basis data (lihat pesan psql di atas)\n")
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(timeout=10)
        silent.close()
    assert _dumps(tmp_path) == [".backup.lock"]


def test_a_backup_waits_for_one_running_then_runs(pg_store, tmp_path):
    held = open(tmp_path / ".backup.lock", "a")
    fcntl.flock(held, fcntl.LOCK_EX)
    release = threading.Timer(1.0, held.close)  # the running backup ends after a second
    release.start()
    try:
        started = time.monotonic()
        done = _run(DEPLOY / "backup.sh", "--url", pg_store, "--dir", tmp_path, "--lock-wait", "30")
        waited = time.monotonic() - started
    finally:
        release.cancel()
        held.close()
    assert done.returncode == 0, done.stderr
    assert waited >= 1
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".dump"]) == 1


def test_the_counts_are_the_dumps_own_while_uploads_go_on(pg_server, tmp_path):
    """Rows written during the backup are in neither the dump nor its counts: both come from one snapshot."""
    url = _database(pg_server, "deploy_writing")
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as raw:
        raw.execute("CREATE TABLE uploads (n integer)")
    stop = threading.Event()

    def write():
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as raw:
            while not stop.is_set():
                raw.execute("INSERT INTO uploads VALUES (1)")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.2)
        done = _run(DEPLOY / "backup.sh", "--url", url, "--dir", tmp_path)
        time.sleep(0.2)
    finally:
        stop.set()
        writer.join(timeout=30)
    assert done.returncode == 0, done.stderr
    [dump] = [p for p in tmp_path.iterdir() if p.suffix == ".dump"]
    [counted] = dump.with_name(dump.name + ".counts").read_text().splitlines()
    with psycopg.connect(url, connect_timeout=10) as raw:
        [(final,)] = raw.execute("SELECT count(*) FROM uploads").fetchall()
    assert 0 < int(counted.split("|")[1]) < final  # the writer went on before and after the snapshot
    target = _database(pg_server, "deploy_writing_restored")
    done = _run(DEPLOY / "restore.sh", dump, target)
    assert (done.returncode, done.stdout) == (
        0, "restore.sh: 1 tabel dipulihkan; jumlah baris setiap tabel sama dengan saat dicadangkan.\n")


def test_a_failed_backup_leaves_nothing(tmp_path, pg_server):
    missing = pg_server.base.rsplit("/", 1)[0] + "/tidak_ada"
    done = _run(DEPLOY / "backup.sh", "--url", missing, "--dir", tmp_path)
    assert done.returncode == 1
    assert done.stderr.endswith("backup.sh: tidak dapat membuka snapshot basis data (lihat pesan psql di atas)\n")
    assert 'database "tidak_ada" does not exist' in done.stderr
    assert _dumps(tmp_path) == [".backup.lock"]


def test_backup_needs_a_database(tmp_path):
    done = _run(DEPLOY / "backup.sh", "--dir", tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("backup.sh: tidak ada basis data: beri --url atau PANTAU_DATABASE_URL\n")


def test_migrate_brings_an_empty_database_to_the_schema(pg_server):
    url = _database(pg_server, "deploy_migrated")
    env = {**_env(), "PANTAU_DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "pipelines.store", "migrate"], capture_output=True, text=True,
                          timeout=TIMEOUT, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Skema gudang data mutakhir; versi data 0.\n"
    with psycopg.connect(url, connect_timeout=10) as raw:
        tables = {r[0] for r in raw.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"villages", "submissions", "original_files", "audit_log", "sessions"} <= tables


def test_setup_makes_the_role_and_its_database(pg_server):
    env = {**_env(), "PGHOST": "127.0.0.1", "PGPORT": str(pg_server.port), "PGUSER": "postgres"}
    for _ in range(2):  # a second run only sets the password again
        done = subprocess.run([str(DEPLOY / "postgresql" / "setup.sh"), "pantau_app", "pantau_db"],
                              input="rahasia-uji\n", capture_output=True, text=True, timeout=TIMEOUT, env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "Peran pantau_app dan basis data pantau_db siap (pemilik: pantau_app).\n"
    with psycopg.connect(pg_server.base, connect_timeout=10) as raw:
        [(verifier, can_login)] = raw.execute(
            "SELECT rolpassword, rolcanlogin FROM pg_authid WHERE rolname = 'pantau_app'").fetchall()
        owner = raw.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'pantau_db'").fetchall()
    assert verifier.startswith("SCRAM-SHA-256$4096:")
    assert can_login is True
    assert owner == [("pantau_app",)]
