"""Real browser: sign in with a demo account and reach the dashboard; a wrong password shows the error."""
from __future__ import annotations

import re

import pytest

from pipelines.accounts import users
from tests.test_auth_app import app_file, make_db
from tests.test_browser import CHROMIUM, FLAGS, SHOTS, streamlit_server

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium and axe-core


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("auth_browser")
    db = make_db(folder, demo=True)
    with streamlit_server(db, app_file(folder)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield b
        b.close()


def fill_and_submit(page, username: str, password: str) -> None:
    page.get_by_role("heading", name="Masuk").wait_for(timeout=30_000)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def test_demo_account_signs_in_to_the_dashboard(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    page.get_by_text("kata sandi semua akun demo").wait_for(timeout=30_000)
    page.locator("[data-testid='stDataFrame']").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "login-demo.png"), full_page=True)
    fill_and_submit(page, "koord.tulungagung", users.DEMO_PASSWORD)
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)
    page.get_by_text("Masuk sebagai Koordinator Kabupaten Tulungagung (demo)").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(SHOTS / "login-dashboard.png"), full_page=True)
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("heading", name="Masuk").wait_for(timeout=30_000)
    page.close()


def test_wrong_password_shows_the_error(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    fill_and_submit(page, "koord.tulungagung", "bukan-kata-sandinya")
    page.get_by_text("Nama pengguna atau kata sandi salah").wait_for(timeout=30_000)
    assert page.get_by_role("heading", name="Ringkasan").count() == 0
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "login-wrong-password.png"), full_page=True)
    page.close()


def test_admin_opens_the_users_page(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    fill_and_submit(page, "admin", users.DEMO_PASSWORD)
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)
    page.get_by_role("link", name=re.compile("^pengguna$", re.I)).click()
    page.get_by_role("heading", name="Log audit").wait_for(timeout=30_000)
    page.wait_for_timeout(1500)
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(SHOTS / "users-page.png"), full_page=True)
    page.close()
