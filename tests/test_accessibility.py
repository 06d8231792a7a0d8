"""Deque axe-core (npm, injected with Playwright) over every page, sign-in included: no serious or critical violation."""
from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.test_app import BROWSER_PASSWORD, fixture_db  # noqa: F401 - the small fixture warehouse
from tests.test_browser import CHROMIUM, FLAGS, PAGES, streamlit_server

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # `npm ci` (./pantau test) installs it from package-lock.json

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium and axe-core


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each (rule, impact, first targets)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {v['help']} -> "
            + json.dumps([n["target"] for n in v["nodes"][:3]]) + f" [{len(v['nodes'])} nodes]"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture(scope="module")
def tab(fixture_db):  # noqa: F811
    from playwright.sync_api import sync_playwright
    with streamlit_server(fixture_db, PANTAU_TODAY="2024-04-15") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url + "/")
        page.get_by_role("heading", name="Masuk").wait_for(timeout=90_000)
        page.wait_for_timeout(1000)
        yield page
        browser.close()


def test_sign_in_page_has_no_serious_violations(tab):
    assert serious_violations(tab) == []


# Every page an admin opens: the browser test's list and the review desk's two pages, Pengguna last
# (its form has a "Nama pengguna" field, which the test reads as the sign-in form).
AXE_PAGES = {**{k: v for k, v in PAGES.items() if k != "Pengguna"}, "Tinjau": "Tinjau", "Mutu Data": "Mutu Data",
             "Pengguna": PAGES["Pengguna"]}


@pytest.mark.parametrize("link,title", AXE_PAGES.items())
def test_page_has_no_serious_violations(tab, link, title):
    page = tab
    if page.get_by_label("Nama pengguna").count():
        page.get_by_label("Nama pengguna").fill("penguji")
        page.get_by_label("Kata sandi").fill(BROWSER_PASSWORD)
        page.get_by_role("button", name="Masuk").click()
        page.get_by_role("heading", name="Ringkasan").wait_for(timeout=90_000)
    page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click()
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=90_000)
    page.wait_for_timeout(1500)  # charts and maps finish drawing
    assert serious_violations(page) == []


@pytest.fixture(scope="module")
def waiting_db(fixture_db, tmp_path_factory):  # noqa: F811
    """The fixture warehouse with Tulungagung's March 2024 submitted: an admin has a month to approve."""
    import shutil
    from datetime import date

    from pipelines import warehouse
    from pipelines.accounts import roles
    from pipelines.review import transitions
    db = tmp_path_factory.mktemp("waiting") / "pantau.duckdb"
    shutil.copy(fixture_db, db)
    con = warehouse.connect(db)
    koord = roles.User("koord.tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))
    transitions.act(con, koord, "submit", "35.04", date(2024, 3, 1), "", {"35.04.14.2016": "tutup"})
    con.close()
    return db


def test_review_notice_after_signing_in_has_no_serious_violations(tab, waiting_db):
    """The first page after signing in tells a reviewer of the months waiting (issue 19.6: aria-dialog-name)."""
    with streamlit_server(waiting_db, PANTAU_TODAY="2024-04-15") as url:
        page = tab.context.browser.new_page(viewport={"width": 1400, "height": 1000})  # a fresh browser context
        try:
            page.goto(url + "/")
            page.get_by_label("Nama pengguna").fill("penguji", timeout=90_000)
            page.get_by_label("Kata sandi").fill(BROWSER_PASSWORD)
            page.get_by_role("button", name="Masuk").click()
            page.get_by_role("heading", name="Ringkasan").wait_for(timeout=90_000)
            page.get_by_text("1 bulan kabupaten/kota menunggu persetujuan Anda").wait_for(timeout=30_000)
            page.wait_for_timeout(1000)
            assert serious_violations(page) == []
        finally:
            page.close()
