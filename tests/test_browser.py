"""Real-browser test: the app served by Streamlit, opened in Debian's Chromium through Playwright."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_app import fixture_db  # noqa: F401 - reuse the small fixture warehouse

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run",
         # Software WebGL, so pydeck maps draw in headless Chromium without a GPU.
         "--use-gl=angle", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SHOTS = ROOT / "tests" / "screenshots"
# URL path (the default page lives at the root) -> heading that proves the page rendered.
PAGES = {"": "Ringkasan", "pilar": "Pilar", "peta": "Peta", "wilayah": "Wilayah", "desa": "Desa",
         "kelengkapan": "Kelengkapan", "gudang": "Gudang Data"}

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(fixture_db):  # noqa: F811
    port = free_port()
    env = {**os.environ, "PANTAU_DB": str(fixture_db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.serve", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("path,title", PAGES.items())
def test_page_renders_without_error(server, browser, path, title):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/{path}")
    page.get_by_role("heading", name=title).wait_for(timeout=30_000)
    page.wait_for_timeout(1500)  # let charts finish drawing before the screenshot
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path or 'home'}.png"), full_page=True)
    page.close()


def test_language_switch_in_browser(server, browser):
    page = browser.new_page()
    page.goto(f"{server}/gudang")
    page.get_by_role("heading", name="Gudang Data").wait_for(timeout=30_000)
    page.get_by_text("English").click()
    page.get_by_role("heading", name="Data Warehouse").wait_for(timeout=15_000)
    page.close()
