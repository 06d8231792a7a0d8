"""Server-side sessions, the busy warehouse (CLI JSON, briefing snapshot, app page) and the upload limit."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from datetime import datetime, timedelta

import pytest

from pipelines import migrations, settings, warehouse
from pipelines.accounts import sessions, signin, tickets, users
from tests.conftest import ROOT, make_workbook

AT = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def accounts(con):
    users.ensure_demo_accounts(con)
    return con


def test_session_lives_until_expiry_and_stores_only_a_hash(accounts):
    value, digest = sessions.start(accounts, "koord.tulungagung", 30, now=AT)
    token = value.split(".")[0]
    assert sessions.digest_of(accounts, value) == digest
    assert sessions.username(accounts, digest, now=AT + timedelta(minutes=29)) == "koord.tulungagung"
    assert sessions.username(accounts, digest, now=AT + timedelta(minutes=31)) is None
    stored = accounts.cursor().sql("SELECT * FROM sessions").fetchall()
    assert token not in str(stored) and digest in str(stored)


def test_a_sign_in_ticket_is_redeemed_once_within_its_minute_by_any_connection(accounts, store_url):
    value, _ = sessions.start(accounts, "koord.tulungagung", 30, now=AT)
    raw = tickets.issue(accounts, value, 1800, now=AT)
    other = migrations.connect(store_url)  # another app process's connection to the same store
    try:
        stored = other.cursor().sql("SELECT * FROM signin_tickets").fetchall()
        assert len(stored) == 1 and raw not in str(stored) and value not in str(stored)
        assert tickets.redeem(other, raw, now=AT + timedelta(seconds=59)) == (value, 1800)
        assert tickets.redeem(other, raw, now=AT + timedelta(seconds=59)) is None  # once
        late = tickets.issue(accounts, value, 1800, now=AT)
        assert tickets.redeem(other, late, now=AT + timedelta(seconds=61)) is None  # past its minute
        assert tickets.redeem(other, "not-a-ticket", now=AT) is None
        assert other.cursor().sql("SELECT count(*) FROM signin_tickets").fetchall() == [(0,)]
    finally:
        if other is not accounts:
            other.close()


@pytest.mark.parametrize("tampered", ["", "x", "abc.def", "{token}.{sig}0", "{token}x.{sig}"])
def test_tampered_cookie_is_no_session(accounts, tampered):
    value, _ = sessions.start(accounts, "admin", 30)
    token, sig = value.split(".")
    assert sessions.digest_of(accounts, tampered.format(token=token, sig=sig)) is None


@pytest.mark.parametrize("end", [
    lambda con: signin.sign_out(con, "koord.tulungagung"),
    lambda con: users.disable(con, "admin", "koord.tulungagung"),
    lambda con: users.reset_password(con, "admin", "koord.tulungagung", "kata-sandi-baru-panjang"),
])
def test_sign_out_disable_and_reset_end_every_session_of_the_user(accounts, end):
    _, one = sessions.start(accounts, "koord.tulungagung", 30)
    _, two = sessions.start(accounts, "koord.tulungagung", 30)
    _, other = sessions.start(accounts, "koord.ponorogo", 30)
    end(accounts)
    assert [sessions.username(accounts, d) for d in (one, two, other)] == [None, None, "koord.ponorogo"]


def _holder(db):
    """Another process holding the warehouse for writing, like the running app."""
    code = ("import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ok"
    return proc


def test_ingest_json_prints_one_document_when_the_warehouse_is_busy(tmp_path):
    db = tmp_path / "pantau.duckdb"
    migrations.connect(db).close()
    (tmp_path / "a.xlsx").write_bytes(make_workbook())
    proc = _holder(db)
    try:
        out = subprocess.run([sys.executable, "-m", "pipelines.ingest", "--db", str(db), "--json",
                              str(tmp_path / "a.xlsx")], cwd=ROOT, capture_output=True, text=True)
    finally:
        proc.kill()
        proc.wait()
    assert out.returncode == 2
    document = json.loads(out.stdout)
    assert (document["files"], document["accepted"], document["rejected"]) == ([], 0, 0)
    assert document["error"].startswith(f"Gudang data {db} sedang dipakai proses lain")


def test_reading_a_held_warehouse_uses_a_snapshot(tmp_path):
    db = tmp_path / "pantau.duckdb"
    con = migrations.connect(db)
    con.execute("INSERT INTO warehouse_info VALUES ('penanda', 'snapshot')")
    con.close()
    proc = _holder(db)
    try:
        with pytest.raises(warehouse.WarehouseBusy):
            migrations.connect(db, read_only=True)
        with migrations.reading(db) as snap:
            assert warehouse.info(snap)["penanda"] == "snapshot"
    finally:
        proc.kill()
        proc.wait()


def test_second_app_process_on_a_held_warehouse_shows_a_page(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui.state import release
    db = tmp_path / "pantau.duckdb"
    migrations.connect(db).close()
    monkeypatch.setenv("PANTAU_DB", str(db))
    release()
    proc = _holder(db)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    finally:
        proc.kill()
        proc.wait()
    assert not at.exception
    assert [t.value for t in at.title] == ["Gudang data sedang dipakai"]
    assert at.error[0].value.startswith(f"Gudang data {db} sedang dipegang oleh proses lain")


def test_max_upload_size_follows_pantau_max_upload_mb(monkeypatch):
    from ui import serve
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    monkeypatch.delenv("PANTAU_MAX_UPLOAD_MB", raising=False)
    assert config["server"]["maxUploadSize"] == settings.max_upload_mb() == 20  # plain `streamlit run` agrees
    monkeypatch.setenv("PANTAU_MAX_UPLOAD_MB", "7")
    monkeypatch.setenv("UI_SERVE_SCRIPT", "")  # restored afterwards (serve.argv sets it)
    args = serve.argv(["run", "app.py", "--server.port", "1"])
    assert args[args.index("--server.maxUploadSize") + 1] == "7" and settings.max_upload_bytes() == 7 << 20
    assert args[1] == str(ROOT / "ui" / "asgi.py") and os.environ["UI_SERVE_SCRIPT"] == str(ROOT / "app.py")
