"""Real browser: submit -> return with a reason -> fix -> submit -> approve -> a locked re-submission refused."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import migrations
from pipelines.accounts import users
from pipelines.ingest import load, registry
from tests.conftest import REGISTRY_CSV, ROOT, good_values, make_workbook
from tests.test_browser import CHROMIUM, FLAGS, SHOTS, streamlit_server

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium and axe-core
PASSWORD = users.DEMO_PASSWORD


@pytest.fixture(scope="module")
def review_db(tmp_path_factory) -> Path:
    """The small registry as a demo warehouse with its accounts, and Tunggangri's March 2024 report."""
    folder = tmp_path_factory.mktemp("review_browser")
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo', 'ya')")
    users.ensure_demo_accounts(con)
    load.load_files(con, [load.Source("a.xlsx", make_workbook())], "koord.tulungagung")
    con.close()
    return db


def sign_in(browser, url: str, username: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}).new_page()
    page.goto(url + "/")
    page.get_by_label("Nama pengguna").fill(username, timeout=30_000)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)
    return page


def open_page(page, link: str, heading: str):
    # A new page load would start a new session: go through the navigation.
    page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click()
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=30_000)


def shot(page, name: str):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"review-{name}.png"), full_page=True)


def upload(page, path: Path):
    open_page(page, "Unggah Laporan", "Unggah Laporan")
    page.locator("input[type='file']").set_input_files(str(path))
    # the check is done when its four counts show
    page.locator("[data-testid='stMetric']", has_text="Tidak berubah").wait_for(timeout=30_000)


def test_submit_return_fix_approve_and_the_lock(review_db, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    fix, late = tmp_path / "tunggangri-perbaikan.xlsx", tmp_path / "tunggangri-lagi.xlsx"
    fix.write_bytes(make_workbook(values=good_values() | {"L05": 3}))
    late.write_bytes(make_workbook(values=good_values() | {"L05": 1}))
    with streamlit_server(review_db, ROOT / "app.py", PANTAU_TODAY="2024-04-15") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        koord = sign_in(browser, url, "koord.tulungagung")
        open_page(koord, "Tinjau", "Tinjau")
        koord.get_by_label("Alasan belum melapor: Betak (35.04.14.2016)").fill("balai desa direnovasi")
        koord.get_by_role("button", name="Ajukan").click()
        koord.get_by_text("Bulan Maret 2024 Kabupaten Tulungagung diajukan untuk disetujui.").wait_for(timeout=30_000)
        shot(koord, "1-diajukan")

        reviewer = sign_in(browser, url, "peninjau")
        reviewer.get_by_text("1 bulan kabupaten/kota menunggu persetujuan Anda").wait_for(timeout=30_000)
        open_page(reviewer, "Tinjau", "Tinjau")
        reviewer.get_by_text("1 bulan menunggu persetujuan: Kabupaten Tulungagung Maret 2024").wait_for(timeout=30_000)
        reviewer.get_by_label("Alasan pengembalian (wajib bila dikembalikan)").fill("Rujukan L05 melebihi konsultasi")
        reviewer.get_by_role("button", name="Kembalikan dengan alasan").click()
        reviewer.get_by_role("heading", name="Dikembalikan ke koordinator").wait_for(timeout=30_000)
        shot(reviewer, "2-dikembalikan")

        upload(koord, fix)
        expect(koord.get_by_text("Alasan: Rujukan L05 melebihi konsultasi")).to_be_visible(timeout=30_000)
        koord.get_by_role("button", name="Muat 1 berkas yang diterima").click()
        koord.get_by_text("Selesai: 1 laporan dimuat, 0 tidak berubah, 0 ditolak.").wait_for(timeout=30_000)
        shot(koord, "3-perbaikan")
        open_page(koord, "Tinjau", "Tinjau")
        koord.get_by_role("button", name="Ajukan").click()
        koord.get_by_text("Bulan Maret 2024 Kabupaten Tulungagung diajukan untuk disetujui.").wait_for(timeout=30_000)

        open_page(reviewer, "Kelengkapan", "Kelengkapan")
        open_page(reviewer, "Tinjau", "Tinjau")
        reviewer.get_by_role("button", name="Setujui dan kunci").click()
        reviewer.get_by_role("heading", name="Disetujui (terkunci)").wait_for(timeout=30_000)
        shot(reviewer, "4-disetujui")

        upload(koord, late)
        rejected = koord.locator("[data-testid='stMetric']", has_text="Ditolak").first
        rejected.locator("[data-testid='stMetricValue']").filter(has_text="1").wait_for(timeout=30_000)
        shot(koord, "5-terkunci")
        assert koord.get_by_role("button", name="Muat 1 berkas yang diterima").count() == 0
        assert koord.locator("[data-testid='stException']").count() == 0
        assert reviewer.locator("[data-testid='stException']").count() == 0
        browser.close()
    con = migrations.connect(review_db)
    assert con.sql("SELECT action, username FROM review_events ORDER BY acted_at").fetchall() == [
        ("submit", "koord.tulungagung"), ("return", "peninjau"), ("submit", "koord.tulungagung"),
        ("approve", "peninjau")]
    assert con.sql("SELECT max(version) FROM submissions").fetchall() == [(2,)]
    con.close()
