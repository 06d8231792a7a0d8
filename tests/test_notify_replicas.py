"""Two app replicas on one PostgreSQL, in a real browser: a write by another process shows on the other replica's
next run; Keluar on one replica and disabling the account from the users CLI end the session on both."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.conftest import REGISTRY_CSV, good_identity, make_workbook
from tests.replicas import ROOT, replicas
from tests.test_browser import CHROMIUM, FLAGS

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium
PASSWORD = "kata-sandi-panjang-1"
SIGNED_IN = "Masuk sebagai Penguji (Admin)"
SEEN_WITHIN = 2.0  # seconds: a write is seen by every replica's next run within this (issue 22)
RUN_LIMIT = 30_000  # ms one script run may take on a loaded 2-core machine


@pytest.fixture(scope="module")
def store(pg_server, tmp_path_factory):
    """A PostgreSQL store with the 4-village registry, January and February of Tunggangri and two admins."""
    from pipelines import migrations
    from pipelines.accounts import users
    from pipelines.ingest import load, registry
    folder = tmp_path_factory.mktemp("replicas")
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    url = pg_server.schema()
    con = migrations.connect(url)
    try:
        registry.load_registry(con, folder / "desa.csv")
        files = [load.Source(f"t-{m}.xlsx", make_workbook(identity=good_identity(periode=m)))
                 for m in ("2024-01", "2024-02")]
        assert [r.status for r in load.load_files(con, files, "penguji")] == ["accepted"] * 2
        users.add_user(con, "penguji", "Penguji", "admin", [], PASSWORD)
        users.add_user(con, "kepala", "Kepala", "admin", [], PASSWORD)  # one admin must stay active
    finally:
        con.close()
    return url, folder


@pytest.fixture(scope="module")
def two(store):
    url, folder = store
    env = {"PANTAU_DATABASE_URL": url, "PANTAU_DB": str(folder / "tidak-dipakai.duckdb"),
           "PANTAU_TODAY": "2024-04-15"}
    with replicas(2, env) as urls:
        yield urls


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def cli(store_url: str, *args: str, stdin: str = "") -> str:
    done = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, input=stdin, capture_output=True, text=True,
                          timeout=120, env=os.environ | {"PANTAU_DATABASE_URL": store_url, "PYTHONPATH": str(ROOT),
                                                         "PANTAU_READ_WORKERS": "1"})
    assert done.returncode == 0, done.stderr
    return done.stdout


def sign_in(page, url: str) -> None:
    page.goto(url + "/gudang")
    page.get_by_label("Nama pengguna").fill("penguji")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_text(SIGNED_IN).first.wait_for(timeout=RUN_LIMIT)
    deadline = time.monotonic() + 30  # the page sets the HttpOnly cookie by a request of its own after the run
    while not [c for c in page.context.cookies() if c["name"] == "pantau_sesi"]:
        assert time.monotonic() < deadline, "the sign-in cookie was never set"
        time.sleep(0.2)


def rerun(page) -> None:
    """One click that reruns the script on the page's replica (the Gudang Data link)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name="Gudang Data", exact=True).click()


def metric(page, label: str) -> str:
    card = page.locator("[data-testid=stMetric]").filter(has_text=label)
    return card.locator("[data-testid=stMetricValue]").inner_text(timeout=RUN_LIMIT)


def shows_value(page, label: str, value: str) -> None:
    page.locator("[data-testid=stMetric]").filter(has_text=label).locator(
        "[data-testid=stMetricValue]").filter(has_text=value).wait_for(timeout=RUN_LIMIT)


def shows_login(page) -> None:
    page.get_by_label("Nama pengguna").wait_for(timeout=RUN_LIMIT)
    assert page.get_by_text(SIGNED_IN).count() == 0


def test_a_write_elsewhere_and_signing_out_reach_every_replica(store, two, browser):
    url, folder = store
    a, b = two
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page_a = context.new_page()
        sign_in(page_a, a)
        page_b = context.new_page()  # 127.0.0.1 cookies hold for every port: signed in on B by A's sign-in
        page_b.goto(b + "/gudang")
        page_b.get_by_text(SIGNED_IN).first.wait_for(timeout=RUN_LIMIT)
        assert metric(page_b, "Semua versi yang diunggah") == "2"
        assert metric(page_b, "Laporan desa-bulan (versi terkini)") == "2"

        # a) the ingest CLI (another process) loads March: B's next run shows it
        (folder / "laporan").mkdir()
        (folder / "laporan" / "maret.xlsx").write_bytes(make_workbook(identity=good_identity(periode="2024-03")))
        assert '"accepted"' in cli(url, "pipelines.ingest", "--json", str(folder / "laporan"))
        time.sleep(SEEN_WITHIN)
        rerun(page_b)
        shows_value(page_b, "Semua versi yang diunggah", "3")
        assert metric(page_b, "Laporan desa-bulan (versi terkini)") == "3"

        # b) Keluar on A ends the session: B's next click shows the sign-in page
        page_a.get_by_role("button", name="Keluar").click()
        shows_login(page_a)
        time.sleep(SEEN_WITHIN)
        rerun(page_b)
        shows_login(page_b)

        # c) signed in again on A (and so on B); the users CLI disables the account: both sign out
        sign_in(page_a, a)
        page_b.goto(b + "/gudang")
        assert metric(page_b, "Semua versi yang diunggah") == "3"
        page_b.get_by_text(SIGNED_IN).first.wait_for(timeout=RUN_LIMIT)
        assert cli(url, "pipelines.accounts.users", "disable", "penguji") == "Akun penguji dinonaktifkan.\n"
        time.sleep(SEEN_WITHIN)
        rerun(page_a)
        rerun(page_b)
        shows_login(page_a)
        shows_login(page_b)
    finally:
        context.close()
