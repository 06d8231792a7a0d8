"""Real browser: a sign-in survives a reload and a shared link in a new tab; Keluar ends it everywhere."""
from __future__ import annotations

import time

import pytest

from pipelines.accounts import users
from tests.test_auth_app import app_file, make_db
from tests.test_auth_browser import fill_and_submit
from tests.test_browser import CHROMIUM, FLAGS, SHOTS, streamlit_server

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium and axe-core
SIGNED_IN = "Masuk sebagai Koordinator Kabupaten Tulungagung (demo)"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("session_browser")
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


def shows_login(page) -> None:
    page.get_by_label("Nama pengguna").wait_for(timeout=30_000)
    assert page.get_by_text(SIGNED_IN).count() == 0


def session_cookies(context, present: bool, timeout_s: float = 30) -> list[dict]:
    """The pantau_sesi cookies once the browser holds one (present) or none: the page sets and
    clears it by a request of its own after the run, which a loaded machine may take seconds to send."""
    deadline = time.monotonic() + timeout_s
    while True:
        jar = [c for c in context.cookies() if c["name"] == "pantau_sesi"]
        if bool(jar) == present or time.monotonic() > deadline:
            return jar
        time.sleep(0.2)


def test_sign_in_reload_new_tab_and_sign_out(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server)
    fill_and_submit(page, "koord.tulungagung", users.DEMO_PASSWORD)
    page.get_by_text(SIGNED_IN).wait_for(timeout=30_000)
    page.wait_for_function("fetch('/_stcore/health').then(() => true)")
    # The cookie is HttpOnly: the browser holds it, page scripts cannot read it.
    [jar] = session_cookies(context, present=True)
    assert (jar["httpOnly"], jar["sameSite"], jar["path"]) == (True, "Lax", "/")
    assert "pantau_sesi" not in page.evaluate("document.cookie")

    page.reload()                                          # 1. a reload keeps the sign-in
    page.get_by_text(SIGNED_IN).wait_for(timeout=30_000)
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)

    tab = context.new_page()                               # 2. a shared link in a new tab opens signed in
    tab.goto(server + "/wilayah?area=35.04&from=2024-01&to=2024-03")
    tab.get_by_text(SIGNED_IN).wait_for(timeout=30_000)
    tab.get_by_role("heading", name="Wilayah").wait_for(timeout=30_000)
    assert tab.locator("[data-testid='stException']").count() == 0
    SHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SHOTS / "session-shared-link.png"), full_page=True)

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()  # 3. another browser is not
    fresh.goto(server + "/wilayah?area=35.04")
    shows_login(fresh)
    fresh.context.close()

    page.get_by_role("button", name="Keluar").click()       # 4. Keluar ends the session everywhere
    shows_login(page)
    assert session_cookies(context, present=False) == []
    tab.reload()
    shows_login(tab)
    page.reload()
    shows_login(page)
    context.close()


def test_forbidden_deep_link_says_so(server, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server + "/pengguna")
    fill_and_submit(page, "kemnaker", users.DEMO_PASSWORD)
    page.get_by_text("Halaman Pengguna tidak tersedia untuk peran").wait_for(timeout=30_000)
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / "forbidden-deep-link.png"), full_page=True)
    page.goto(server + "/unggah?lang=en")
    page.get_by_text("The page Upload reports is not available for the role").wait_for(timeout=30_000)
    page.screenshot(path=str(SHOTS / "forbidden-deep-link-en.png"), full_page=True)
    context.close()
