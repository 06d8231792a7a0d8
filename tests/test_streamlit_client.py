"""bench/streamlit_client.py against a real `python -m ui.serve`: a signed-in page, an upload, an exception."""
from __future__ import annotations

import asyncio
import io

import duckdb
import pytest

from bench.streamlit_client import Client
from pipelines import migrations
from pipelines.accounts import sessions
from pipelines.ingest import template
from tests.conftest import good_values
from tests.test_auth_app import make_db
from tests.test_browser import streamlit_server

pytestmark = pytest.mark.slow
COOKIE = "pantau_sesi"


def cookie_of(db, username: str) -> dict[str, str]:
    con = migrations.connect(db)
    try:
        return {COOKIE: sessions.start(con, username, 60)[0]}
    finally:
        con.close()  # the server process opens the DuckDB file next


def workbook(code: str, name: str, period: str) -> bytes:
    buffer = io.BytesIO()
    template.write_workbook(buffer, {"kode_desa": code, "nama_desa": name, "periode": period,
                                     "nama_petugas": "Petugas Uji"}, good_values(), [], [], [], decorate=False)
    return buffer.getvalue()


async def visit(url: str, cookies: dict[str, str] | None, path: str):
    client = Client(url, cookies, timeout=45)
    try:
        await client.connect()
        return await client.open(path), client.pages
    finally:
        await client.close()


async def twice(url: str, cookies: dict[str, str], path: str):
    """The same page twice in one tab: the second run's large elements come as references to the first's."""
    client = Client(url, cookies, timeout=45)
    try:
        await client.connect()
        first = await client.open(path)
        refs = client.refs
        second = await client.open(path)
        return first, second, refs, client.refs
    finally:
        await client.close()


async def upload(url: str, cookies: dict[str, str], name: str, data: bytes):
    client = Client(url, cookies, timeout=45)
    try:
        await client.connect()
        page = await client.open("unggah")
        checked = await client.upload("Pilih satu atau banyak berkas laporan (.xlsx)", [(name, data)], page)
        return checked, await client.press("Muat 1 berkas yang diterima", checked)
    finally:
        await client.close()


def test_signed_in_pages_and_an_upload(tmp_path):
    db = make_db(tmp_path, demo=True)
    ministry, koord = cookie_of(db, "kemnaker"), cookie_of(db, "koord.tulungagung")
    data = workbook("35.04.14.2011", "Tunggangri", "2024-03")
    with streamlit_server(db, PANTAU_TODAY="2024-04-15") as url:
        run, pages = asyncio.run(visit(url, ministry, ""))
        assert run.errors == []
        assert "Ringkasan" in run.texts  # the page title (st.title's heading body)
        assert "Masuk sebagai Staf Kemnaker \\(demo\\) (Kementerian (staf Kemnaker))" in run.texts
        assert {"", "peta", "wilayah", "pilar", "kelengkapan"} <= set(pages)
        first, second, refs_before, refs_after = asyncio.run(twice(url, ministry, ""))
        assert refs_before == 0 and refs_after > 0
        assert "Ringkasan" in first.texts and "Ringkasan" in second.texts and second.errors == []
        area, _ = asyncio.run(visit(url, ministry, "wilayah"))
        assert area.errors == [] and "Wilayah" in area.texts
        stranger, _ = asyncio.run(visit(url, None, ""))  # no cookie: the sign-in form
        assert "Ringkasan" not in stranger.texts and "Masuk" in stranger.texts
        missing, _ = asyncio.run(visit(url, ministry, "tidak-ada"))
        assert missing.errors == ["page not found: tidak-ada"]
        checked, loaded = asyncio.run(upload(url, koord, "laporan-tunggangri-2024-03.xlsx", data))
        assert checked.errors == [] and "Muat 1 berkas yang diterima" in checked.widgets
        assert loaded.errors == []
        assert "Selesai: 1 laporan dimuat, 0 tidak berubah, 0 ditolak." in loaded.texts
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT village_code, period::VARCHAR, version, uploaded_by FROM submissions").fetchall() \
            == [("35.04.14.2011", "2024-03-01", 1, "koord.tulungagung")]


def test_an_exception_is_an_error(tmp_path):
    db = make_db(tmp_path, demo=True)
    script = tmp_path / "boom.py"
    script.write_text('import streamlit as st\nst.title("Probe")\nraise ValueError("bench probe")\n', encoding="utf-8")
    with streamlit_server(db, script) as url:
        run, _ = asyncio.run(visit(url, None, ""))
    assert run.errors == ["exception: ValueError: bench probe"]
    assert "Probe" in run.texts
