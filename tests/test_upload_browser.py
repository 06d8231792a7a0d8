"""Real browser: a coordinator signs in with the demo account, uploads a workbook, sees it accepted and loads it."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import migrations
from pipelines.ingest import registry
from tests.conftest import REGISTRY_CSV, ROOT, make_workbook
from tests.test_browser import CHROMIUM, FLAGS, SHOTS, streamlit_server

APP = ROOT / "app.py"

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The small registry as a demo warehouse (so the demo accounts may exist), with those accounts."""
    from pipelines.accounts import users
    folder = tmp_path_factory.mktemp("upload_browser")
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo', 'ya')")
    users.ensure_demo_accounts(con)
    con.close()
    return db


@pytest.fixture(scope="module")
def server(demo_db):
    with streamlit_server(demo_db, APP) as url:
        yield url


def test_coordinator_signs_in_and_uploads_a_workbook(server, tmp_path):
    from playwright.sync_api import sync_playwright
    workbook = tmp_path / "tunggangri-2024-03.xlsx"
    workbook.write_bytes(make_workbook())
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(server + "/")
        page.get_by_label("Nama pengguna").fill("koord.tulungagung", timeout=30_000)
        page.get_by_label("Kata sandi").fill("desmigratif-demo")
        page.get_by_role("button", name="Masuk").click()
        # A new page load would start a new session: go to the page through the navigation instead.
        page.get_by_role("link", name="Unggah Laporan").click(timeout=30_000)
        page.get_by_role("heading", name="Unggah Laporan", exact=True).wait_for(timeout=30_000)
        page.locator("input[type='file']").set_input_files(str(workbook))
        accepted = page.locator("[data-testid='stMetric']", has_text="Diterima").first
        accepted.locator("[data-testid='stMetricValue']").filter(has_text="1").wait_for(timeout=30_000)
        # The status table is a canvas grid; its accessible cells carry the text.
        row = page.locator("[role='row']", has=page.locator("[role='gridcell']", has_text="tunggangri-2024-03.xlsx"))
        row.locator("[role='gridcell']", has_text="Diterima").first.wait_for(state="attached")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "unggah-diperiksa.png"), full_page=True)
        page.get_by_role("button", name="Muat 1 berkas yang diterima").click()
        page.get_by_text("Selesai: 1 laporan dimuat, 0 tidak berubah, 0 ditolak.").wait_for(timeout=30_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(SHOTS / "unggah-dimuat.png"), full_page=True)
        browser.close()
