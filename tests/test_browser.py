"""Real-browser test: sign in, open every page through the navigation, no error shown; screenshots."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_app import BROWSER_PASSWORD, fixture_db  # noqa: F401 - the small fixture warehouse

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run",
         # Software WebGL, so pydeck maps draw in headless Chromium without a GPU.
         "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SHOTS = ROOT / "tests" / "screenshots"
# Navigation link -> heading that proves the page rendered (Ringkasan is first after signing in).
PAGES = {"Ringkasan": "Ringkasan", "Pilar": "Pilar", "Peta": "Peta", "Wilayah": "Wilayah", "Desa": "Desa",
         "Kelengkapan": "Kelengkapan", "Unggah Laporan": "Unggah Laporan", "Riwayat": "Riwayat",
         "Survei": "Survei", "Kohort": "Kohort", "Paket Paparan": "Paket Paparan", "Gudang Data": "Gudang Data",
         "Pengguna": "Pengguna", "Capaian": "Capaian", "Kamus Indikator": "Kamus Indikator"}

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium and axe-core


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db: Path, app: Path | str = ROOT / "app.py", **env: str):
    """The app served on a free loopback port with PANTAU_DB=db; yields its URL, stops it afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "run", str(app), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env={**os.environ, "PANTAU_DB": str(db), "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=1)
                break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("streamlit did not start")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(fixture_db):  # noqa: F811
    with streamlit_server(fixture_db, PANTAU_TODAY="2024-04-15") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def signed_in(server, browser):
    """One signed-in tab: a reload would start a new session, so pages are opened by their links."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server + "/")
    page.get_by_role("heading", name="Masuk").wait_for(timeout=30_000)
    page.get_by_label("Nama pengguna").fill("penguji")
    page.get_by_label("Kata sandi").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)
    yield page
    page.close()


@pytest.mark.parametrize("link,title", PAGES.items())
def test_page_renders_without_error(signed_in, link, title):
    page = signed_in
    page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let charts and maps finish drawing before the screenshot
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{link.lower().replace(' ', '-')}.png"), full_page=True)
    errors = page.locator("[data-testid='stException']")
    assert errors.count() == 0, errors.first.inner_text()
    assert page.get_by_text("Page not found").count() == 0


def test_language_switch_in_browser(signed_in):
    page = signed_in
    page.get_by_test_id("stSidebar").get_by_role("link", name="Gudang Data", exact=True).click()
    page.get_by_role("heading", name="Gudang Data").wait_for(timeout=30_000)
    page.get_by_text("English").click()
    page.get_by_role("heading", name="Data Warehouse").wait_for(timeout=15_000)
    page.get_by_text("Bahasa Indonesia").click()
    page.get_by_role("heading", name="Gudang Data").wait_for(timeout=15_000)


TRUNCATED = """[...document.querySelectorAll('[data-testid=stMetricLabel] [data-testid=stMarkdownContainer],'
    + '[data-testid=stMetricValue] [data-testid=stMarkdownContainer]')]
    .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)"""


def test_card_titles_and_values_are_never_cut(signed_in):
    """'Anak PMI dibina (rata-rata per bulan)' wraps instead of ending in '…' at 1400 px (issue 10)."""
    page = signed_in
    page.get_by_test_id("stSidebar").get_by_role("link", name="Ringkasan", exact=True).click()
    page.get_by_text("Anak PMI dibina (rata-rata per bulan)").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid=stMetric]").count() == 10
    assert page.evaluate(TRUNCATED) == []


SHARED = "area=35.04&from=2024-01&to=2024-03&banding=prev&data=disetujui"
# The sidebar's text and its pickers' shown values (a select may show its choice in an input).
SIDEBAR_TEXT = "e => e.innerText + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')"


def test_sidebar_choices_survive_navigation(signed_in, server):
    """A shared link's five choices stay in the URL and in the sidebar when the menu opens other pages
    (issue 19.4: Pilar compared with a year earlier and counted all data)."""
    from urllib.parse import parse_qs, urlsplit
    page = signed_in
    page.goto(f"{server}/?{SHARED}")  # a new session, signed in again by the cookie
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)
    sidebar = page.get_by_test_id("stSidebar")
    for link in ("Pilar", "Wilayah", "Kelengkapan"):
        sidebar.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=link, exact=True).first.wait_for(timeout=30_000)
        page.wait_for_timeout(1000)  # the run's last URL update
        assert parse_qs(urlsplit(page.url).query, keep_blank_values=True) == parse_qs(SHARED), link
        assert sidebar.get_by_role("radio", name="Periode sebelumnya").is_checked(), link
        assert sidebar.get_by_label("Hanya data disetujui", exact=True).is_checked(), link
        picked = sidebar.evaluate(SIDEBAR_TEXT)
        assert all(x in picked for x in ("Januari 2024", "Maret 2024", "Kabupaten Tulungagung")), (link, picked)
    page.reload()  # and a reload keeps them
    page.get_by_role("heading", name="Kelengkapan", exact=True).first.wait_for(timeout=30_000)
    assert sidebar.get_by_role("radio", name="Periode sebelumnya").is_checked()
    assert sidebar.get_by_label("Hanya data disetujui", exact=True).is_checked()
