"""Real browser through HAProxy: a replica killed mid-session, the page back from the other one still signed in;
an upload cut short by a kill lands once or not at all, never twice, never half."""
from __future__ import annotations

import time

import pytest

from pipelines.accounts import users
from pipelines.catalogue import indicators
from pipelines.cluster import Cluster
from tests.clusterkit import COORDINATOR, SIGNED_IN, free_block, seeded_store, versions
from tests.conftest import make_workbook
from tests.test_auth_browser import fill_and_submit
from tests.test_browser import CHROMIUM, FLAGS, SHOTS
from tests.test_session_browser import session_cookies

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium
BACK_WITHIN = 20  # seconds from the kill until the other replica shows the page signed in (2 busy cores)


@pytest.fixture(scope="module")
def cluster(pg_server, tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster_browser")
    url = seeded_store(pg_server.schema(), folder)
    with Cluster(replicas=2, port=free_block(3), database_url=url, folder=folder / "run") as c:
        yield c


@pytest.fixture(scope="module")
def page(cluster):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            tab = context.new_page()
            tab.goto(cluster.url)
            fill_and_submit(tab, COORDINATOR, users.DEMO_PASSWORD)
            tab.get_by_text(SIGNED_IN).wait_for(timeout=30_000)
            session_cookies(context, present=True)  # the HttpOnly sign-in cookie, set by the page's request
            yield tab
        finally:
            browser.close()


def serving(page) -> int:
    """Which replica (0-based) the browser's affinity cookie points at."""
    [value] = [c["value"] for c in page.context.cookies() if c["name"] == "PANTAU_REPLICA"]
    return int(value.removeprefix("r")) - 1


IDLE = "[data-testid='stApp'][data-test-connection-state='CONNECTED'][data-test-script-state='notRunning']"


def reconnected(page, was: int, seconds: float) -> int:
    """The replica (0-based) the browser came back on: another than was, connected, its page run finished."""
    deadline = time.monotonic() + seconds
    while serving(page) == was or page.locator(IDLE).count() == 0:
        assert time.monotonic() < deadline, f"not back on another replica than {was + 1} after {seconds} s"
        time.sleep(0.2)
    return serving(page)


def press_until(page, button: str, seconds: float) -> None:
    """Press button while the page shows it, until a page run without it (on the replica now serving)."""
    from playwright.sync_api import TimeoutError as Slow
    deadline = time.monotonic() + seconds
    while page.get_by_role("button", name=button).count() or page.locator(IDLE).count() == 0:
        assert time.monotonic() < deadline, f"{button!r} still shown after {seconds} s"
        try:
            page.get_by_role("button", name=button).click(timeout=2_000)
        except Slow:
            pass
        time.sleep(0.5)


def open_page(page, link: str, heading: str, timeout_ms: float = 30_000) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name=link, exact=True).click(timeout=timeout_ms)
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=timeout_ms)


def test_killed_replica_the_page_comes_back_signed_in(cluster, page):
    open_page(page, "Wilayah", "Wilayah")
    was = serving(page)
    killed_at = time.monotonic()
    cluster.kill(was)
    try:
        page.locator(IDLE).wait_for(state="detached", timeout=10_000)  # the browser saw the websocket drop
        now = reconnected(page, was, BACK_WITHIN)
        back_after = time.monotonic() - killed_at
        # The other replica runs the next page for the reconnected browser: signed in from the cookie alone.
        open_page(page, "Ringkasan", "Ringkasan")  # shown only to a signed-in session
        assert page.get_by_text(SIGNED_IN).is_visible()
        assert page.get_by_label("Nama pengguna").count() == 0
        assert page.locator("[data-testid='stException']").count() == 0
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "cluster-replica-killed.png"), full_page=True)
    finally:
        cluster.start_replica(was)
    assert (now, back_after < BACK_WITHIN) == (1 - was, True)


def test_upload_cut_by_a_kill_lands_once_or_not_at_all(cluster, page, tmp_path):
    book = tmp_path / "tunggangri-2024-03.xlsx"
    book.write_bytes(make_workbook())
    open_page(page, "Unggah Laporan", "Unggah Laporan")
    page.locator("input[type='file']").set_input_files(str(book))
    accepted = page.locator("[data-testid='stMetric']", has_text="Diterima").first
    accepted.locator("[data-testid='stMetricValue']").filter(has_text="1").wait_for(timeout=30_000)
    was = serving(page)
    page.get_by_role("button", name="Muat 1 berkas yang diterima").click()
    cluster.kill(was)  # mid-load, or just after: either is allowed, half or twice is not
    try:
        landed = versions(cluster.database_url, "35.04.14.2011", "2024-03")
        assert landed in ([], [(1, len(indicators()), 2, 1, 1)])
        reconnected(page, was, BACK_WITHIN)
        # The coordinator presses Muat again on the page as it stood, until the other replica has run it:
        # that replica never got the file, so there is nothing to load (the page says so when the browser
        # sends the stale file, see ui/uploads.py).
        press_until(page, "Muat 1 berkas yang diterima", 30)
        page.screenshot(path=str(SHOTS / "cluster-upload-after-kill.png"), full_page=True)
        assert versions(cluster.database_url, "35.04.14.2011", "2024-03") == landed
        # It removes the stale entry and chooses the file again (a copy: the browser sends no change
        # for the very file its input still holds; identical bytes under any name are one version).
        while page.get_by_test_id("stFileChipDeleteBtn").count():
            page.get_by_test_id("stFileChipDeleteBtn").first.locator("button").click()
            page.wait_for_timeout(500)
        page.get_by_text("tidak ada lagi di server").wait_for(state="detached", timeout=30_000)
        page.locator(IDLE).wait_for(timeout=30_000)  # that run is over: the uploader takes a new file
        again = tmp_path / "tunggangri-2024-03-lagi.xlsx"
        again.write_bytes(book.read_bytes())
        page.locator("input[type='file']").set_input_files(str(again))
        outcome = "Tidak berubah" if landed else "Diterima"
        page.locator("[data-testid='stMetric']", has_text=outcome).first.locator(
            "[data-testid='stMetricValue']").filter(has_text="1").wait_for(timeout=60_000)
        if not landed:
            page.get_by_role("button", name="Muat 1 berkas yang diterima").click()
            page.get_by_text("Selesai: 1 laporan dimuat, 0 tidak berubah, 0 ditolak.").wait_for(timeout=30_000)
    finally:
        page.screenshot(path=str(SHOTS / "cluster-upload-again.png"), full_page=True)
        cluster.start_replica(was)
    assert versions(cluster.database_url, "35.04.14.2011", "2024-03") == [(1, len(indicators()), 2, 1, 1)]
