"""Real-browser test of Paket Paparan: sign in, pick a district and the last three months, click the build
button, receive the PPTX download and open it with python-pptx."""
from __future__ import annotations

import pytest
from pptx import Presentation

from tests.test_app import BROWSER_PASSWORD, fixture_db  # noqa: F401 - the fixture warehouse (Jan-Mar 2024)
from tests.test_browser import CHROMIUM, browser, server  # noqa: F401 - the app served, today 2024-04-15

pytestmark = pytest.mark.browser  # runs always: ./pantau test installs Debian chromium and axe-core


def _pick(page, label: str, option: str) -> None:
    """Choose an option of a sidebar selectbox."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").filter(has_text=label).first
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):  # a click landing while the page reruns does not open the list
        box.locator("input").click()
        try:
            choice.wait_for(timeout=5_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError: try again
            page.keyboard.press("Escape")
    choice.click()
    box.locator(f"input[value='{option}']").wait_for(timeout=15_000)
    page.wait_for_timeout(500)  # the rerun draws the next picker


def _untick(page, numbers: list[int]) -> None:
    """Untick slides in the outline editor: a canvas grid with rows of 35 px under a 35 px header; the
    checkbox sits in the middle of the first column (164 px wide at 1400 px); each click reruns the page."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    for n in numbers:
        page.mouse.click(box["x"] + 82, box["y"] + 35 * n + 17)
        page.wait_for_timeout(1_000)  # the edit's rerun


def test_build_button_gives_a_pptx_that_opens(server, browser, tmp_path):  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page.goto(server + "/")
    page.get_by_role("heading", name="Masuk").wait_for(timeout=30_000)
    page.get_by_label("Nama pengguna").fill("penguji")
    page.get_by_label("Kata sandi").fill(BROWSER_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_role("heading", name="Ringkasan").wait_for(timeout=30_000)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Paket Paparan", exact=True).click()
    page.get_by_role("heading", name="Paket Paparan").wait_for(timeout=30_000)
    page.get_by_role("heading", name="Isi paket").wait_for(timeout=30_000)  # the page has finished its run
    _pick(page, "Provinsi", "Jawa Timur")
    _pick(page, "Kabupaten/kota", "Kabupaten Tulungagung")
    page.get_by_role("button", name="3 bulan terakhir").click()
    page.get_by_text("Paket untuk Kabupaten Tulungagung, Januari 2024 – Maret 2024").wait_for(timeout=15_000)
    _untick(page, [4, 9])  # Pilar 2 and Sektor pekerjaan PMI

    page.get_by_role("button", name="Buat paket paparan").click()
    download_button = page.get_by_role("button", name="Unduh PowerPoint (PPTX)")
    download_button.wait_for(timeout=90_000)
    assert page.get_by_text("Paket siap dalam").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(tmp_path / "paparan.png"), full_page=True)
    with page.expect_download(timeout=30_000) as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename == "paparan-kabupaten-tulungagung-2024-01-2024-03-v1.pptx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    deck = Presentation(str(target))
    assert [s.shapes.title.text for s in deck.slides] == [
        "Kabupaten Tulungagung", "Angka utama", "Pilar 1: Layanan Migrasi", "Pilar 3: Community Parenting",
        "Pilar 4: Koperasi", "Penempatan PMI", "Negara tujuan penempatan", "Kepulangan PMI",
        "Remitansi menurut negara asal", "Remitansi menurut saluran", "Kelengkapan pelaporan", "Peta desa program",
        "Catatan data"]
    notes = deck.slides[5].notes_slide.notes_text_frame.text
    assert notes.startswith("Selama Januari 2024 – Maret 2024, 18 PMI dari desa program di Kabupaten Tulungagung")
    page.close()
