"""Cross-process invalidation: committed writes on PostgreSQL are announced by NOTIFY and heard by every process's
listener (warehouse.generation); DuckDB keeps counting this process's own writes only."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from pipelines import migrations, postgres, warehouse
from pipelines.accounts import sessions, tickets

ROOT = warehouse.SQL_DIR.parent.parent
WITHIN = 2.0  # seconds: another process's commit moves this process's generation within this (issue 22)


def _moves(before, now=warehouse.generation, limit: float = WITHIN):
    """The first value of now() that differs from before, and how long it took; fails after limit seconds."""
    start = time.monotonic()
    while (value := now()) == before:
        assert time.monotonic() - start < limit, f"still {before} after {limit} s"
        time.sleep(0.02)
    return value, time.monotonic() - start


def _in_another_process(url: str, code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=os.environ | {"PANTAU_DATABASE_URL": url, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    return done.stdout


WRITE = """
from pipelines import warehouse
con = warehouse.connect()
with warehouse.transaction(con) as cur:
    warehouse.execute(cur, "bump_data_version")
print(warehouse.info(con)["data_version"])
"""


@pytest.fixture
def pg(pg_server, monkeypatch):
    """A migrated PostgreSQL schema as PANTAU_DATABASE_URL, its listener connected; stopped afterwards."""
    url = pg_server.schema()
    migrations.connect(url).close()
    monkeypatch.setenv("PANTAU_DATABASE_URL", url)
    listener = postgres.listener(url)
    deadline = time.monotonic() + 30
    while not listener.connected:
        assert time.monotonic() < deadline, "the listener never connected"
        time.sleep(0.05)
    yield url
    postgres.stop_listeners()


def test_duckdb_generation_counts_this_process_s_commits_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PANTAU_DATABASE_URL", "")
    con = migrations.connect(tmp_path / "pantau.duckdb")
    listeners = dict(postgres._LISTENERS)
    try:
        start = warehouse.generation()
        assert isinstance(start, int)
        with warehouse.transaction(con) as cur:
            warehouse.execute(cur, "bump_data_version")
        assert warehouse.generation() == start + 1
        with pytest.raises(KeyError), warehouse.transaction(con) as cur:
            warehouse.execute(cur, "bump_data_version")
            raise KeyError("rolled back")
        time.sleep(1.1)  # and not with the clock
        assert warehouse.generation() == start + 1
        assert postgres._LISTENERS == listeners  # DuckDB starts no listener
    finally:
        con.close()


def test_a_commit_in_another_process_moves_the_generation(pg):
    before = warehouse.generation()
    assert before[2] == 0  # listening: the clock plays no part
    version = _in_another_process(pg, WRITE).strip()
    after, _ = _moves(before)
    assert after[:2] == (before[0], before[1] + 1)  # heard once, not written here
    con = warehouse.connect(pg)
    try:
        assert warehouse.info(con)["data_version"] == version
    finally:
        con.close()
    time.sleep(1.1)
    assert warehouse.generation() == after  # nothing written since: it stays


def test_a_rollback_or_a_transaction_that_wrote_nothing_tells_nobody(pg):
    con = warehouse.connect(pg)
    try:
        heard = postgres.changes(pg)
        with pytest.raises(KeyError), warehouse.transaction(con) as cur:
            warehouse.execute(cur, "bump_data_version")
            raise KeyError("rolled back")
        with warehouse.transaction(con) as cur:  # an UPDATE matching no row
            cur.execute("UPDATE warehouse_info SET value = 'x' WHERE key = 'tidak-ada'")
        time.sleep(1.0)
        assert postgres.changes(pg) == heard
        con.execute("INSERT INTO warehouse_info VALUES ('catatan', 'ya')")  # a write outside a transaction
        assert _moves(heard, lambda: postgres.changes(pg))[0] == (heard[0] + 1, 0)
    finally:
        con.close()


def test_the_listener_reconnects_and_moves_every_second_while_it_cannot(pg, monkeypatch):
    monkeypatch.setattr(postgres, "RETRY_FIRST", 2.5)  # a long enough gap to watch it
    listener = postgres.listener(pg)
    heard, pid, connections = listener.heard, listener.pid, listener.connections
    with postgres.Connection(pg) as other:
        assert other.sql(f"SELECT pg_terminate_backend({pid})").fetchall() == [(True,)]
    _moves(True, lambda: listener.connected)
    first = warehouse.generation()
    second, waited = _moves(first)
    assert 0 < waited <= 1.5 and second[2] == first[2] + 1  # the once-a-second fallback
    _moves(False, lambda: listener.connected, limit=10)
    assert (listener.heard, listener.connections) == (heard + 1, connections + 1)  # one bump: changes may have been missed
    assert listener.pid != pid
    before = warehouse.generation()
    _in_another_process(pg, WRITE)
    assert _moves(before)[0][1] == heard + 2  # heard again on the new connection


def test_a_ticket_issued_by_one_process_is_redeemed_by_another(pg):
    raw = _in_another_process(pg, """
from pipelines import warehouse
from pipelines.accounts import tickets
print(tickets.issue(warehouse.connect(), "nilai-kuki", 600))
""").strip()
    con = warehouse.connect(pg)
    try:
        assert tickets.redeem(con, raw) == ("nilai-kuki", 600)
        assert tickets.redeem(con, raw) is None  # once
        value = _in_another_process(pg, """
from pipelines import warehouse
from pipelines.accounts import sessions
print(sessions.start(warehouse.connect(), "penguji", 480)[0])
""").strip()
        # the cookie secret lives in the store: this process checks the other's signature
        digest = sessions.digest_of(con, value)
        assert digest is not None and sessions.username(con, digest) == "penguji"
    finally:
        con.close()


@pytest.mark.real_auth
def test_a_role_change_and_a_reset_password_in_another_process_reach_a_signed_in_session(pg, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from pipelines.accounts import users
    from ui.state import release
    con = warehouse.connect(pg)
    try:
        users.add_user(con, "pusat", "Admin Pusat", "admin", [], "admin-pusat-rahasia")
        users.add_user(con, "siti", "Siti Aminah", "koordinator", ["35.04"], "kata-sandi-siti-1")
    finally:
        con.close()
    monkeypatch.setenv("PANTAU_DB", str(tmp_path / "tidak-dipakai.duckdb"))
    release()
    try:
        at = AppTest.from_file(str(ROOT / "pages" / "akun" / "masuk.py"), default_timeout=60).run()
        at.text_input(key="au_username").input("siti")
        at.text_input(key="au_password").input("kata-sandi-siti-1")
        at.button(key="au_submit").click().run()
        assert (at.session_state["auth_user"].role, at.session_state["auth_user"].districts) == (
            "koordinator", ("35.04",))
        before = warehouse.generation()
        _in_another_process(pg, """
from pipelines import warehouse
from pipelines.accounts import users
users.set_role(warehouse.connect(), "pusat", "siti", "peninjau", [])
""")
        _moves(before)
        at.run()
        assert (at.session_state["auth_user"].role, at.session_state["auth_user"].districts) == ("peninjau", ())
        assert [s.value for s in at.success] == ["Masuk sebagai Siti Aminah (Peninjau (persetujuan laporan))"]
        before = warehouse.generation()
        _in_another_process(pg, """
from pipelines import warehouse
from pipelines.accounts import users
users.reset_password(warehouse.connect(), "pusat", "siti", "kata-sandi-baru-siti")
""")
        _moves(before)
        at.run()
        assert "auth_user" not in at.session_state and at.success == []
    finally:
        release()


@pytest.mark.real_auth
def test_a_warm_run_on_postgresql_runs_no_sql_until_someone_writes(pg, monkeypatch, tmp_path, registry_csv):
    from streamlit.testing.v1 import AppTest

    from pipelines.accounts import users
    from pipelines.ingest import registry
    from ui.state import release
    con = warehouse.connect(pg)
    try:
        registry.load_registry(con, registry_csv)
        users.add_user(con, "pusat", "Admin Pusat", "admin", [], "admin-pusat-rahasia")
        user, _ = users.account(con, "pusat")
        _, digest = sessions.start(con, "pusat", 480)
    finally:
        con.close()
    monkeypatch.setenv("PANTAU_DB", str(tmp_path / "tidak-dipakai.duckdb"))
    statements = []
    one = postgres.Connection._one
    monkeypatch.setattr(postgres.Connection, "_one", lambda self, text, params: statements.append(text)
                        or one(self, text, params))
    release()
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["auth_user"], at.session_state["auth_at"] = user, time.time()
        at.session_state["auth_session"] = digest
        at.run()
        assert not at.exception and at.title[0].value == "Ringkasan"
        time.sleep(1.1)  # before LISTEN, the generation moved every second: the session and the version were re-read
        statements.clear()
        at.run()
        assert statements == []
        before = warehouse.generation()
        _in_another_process(pg, WRITE)
        _moves(before)
        at.run()
        assert "SELECT key, value FROM warehouse_info" in statements  # the data version, read again
        statements.clear()
        at.run()
        assert statements == []
    finally:
        release()


def test_every_write_goes_through_the_connection_that_announces_it():
    # pipelines/postgres.Connection sends the notice at every COMMIT and wraps a lone write in a transaction
    # with its notice; a module talking to psycopg itself could write unannounced, so none does (but the
    # cluster runner, which starts and waits for a PostgreSQL server and writes no data).
    talking = sorted(str(path.relative_to(ROOT)) for folder in ("pipelines", "ui", "pages")
                     for path in (ROOT / folder).rglob("*.py")
                     if "cluster" not in path.parts and "psycopg" in path.read_text(encoding="utf-8"))
    assert talking == ["pipelines/postgres.py"]
