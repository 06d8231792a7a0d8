"""AppTest flows of the Tinjau, Mutu Data and Kelengkapan pages, and the lock on the Unggah page."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.accounts import roles
from pipelines.review import transitions
from tests.conftest import ROOT, good_values, make_workbook
from tests.test_upload_app import XLSX, count, db, page, preload  # noqa: F401 - the page warehouse fixture

pytestmark = pytest.mark.real_auth

REVIEW = str(ROOT / "pages" / "laporan" / "tinjau.py")
QUALITY = str(ROOT / "pages" / "reporting" / "mutu.py")
COMPLETENESS = str(ROOT / "pages" / "reporting" / "kelengkapan.py")
UPLOAD = str(ROOT / "pages" / "laporan" / "unggah.py")
KOORD = roles.User("koord.tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))
PENINJAU = roles.User("peninjau", "Peninjau", "peninjau")
MINISTRY = roles.User("kemnaker", "Staf Kemnaker", "kementerian")


@pytest.fixture
def march(db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-15")
    preload({"a.xlsx": make_workbook()})


def test_submit_return_and_approve_on_the_page(march):
    at = page(REVIEW, KOORD)
    assert not at.exception
    assert at.subheader[0].value == ":material/inbox: Diterima (belum diajukan)"
    at.text_input(key="rv_missing_35.04.14.2016").input("balai desa direnovasi")
    at.button[0].click().run()  # the form's Ajukan
    assert [s.value for s in at.success] == ["Bulan Maret 2024 Kabupaten Tulungagung diajukan untuk disetujui."]
    assert at.subheader[0].value == ":material/hourglass_top: Diajukan (menunggu persetujuan)"
    assert count("SELECT reason FROM review_missing") == "balai desa direnovasi"

    at = page(REVIEW, PENINJAU)
    assert at.info[0].value == "1 bulan menunggu persetujuan: Kabupaten Tulungagung Maret 2024"
    at.button(key="rv_return").click().run()
    assert at.error[0].value.startswith("Tuliskan alasan untuk mengembalikan bulan Maret 2024")
    at.text_area(key="rv_return_reason").input("L05 melebihi konsultasi [lihat](http://x)")
    at.button(key="rv_return").click().run()
    assert at.subheader[0].value == ":material/undo: Dikembalikan ke koordinator"
    # the reason is shown inert: no link
    assert "Alasan/catatan: L05 melebihi konsultasi \\[lihat\\]\\(http\\://x\\)" in [m.value for m in at.markdown]

    up = page(UPLOAD, KOORD)
    assert up.warning[-1].value.startswith("Laporan Kabupaten Tulungagung bulan Maret 2024 dikembalikan oleh "
                                           "peninjau pada ")
    # the typed reason is shown inert: its markdown signs escaped, no link
    assert up.warning[-1].value.endswith("Alasan: L05 melebihi konsultasi \\[lihat\\]\\(http\\://x\\)")

    at = page(REVIEW, KOORD)
    at.button[0].click().run()
    at = page(REVIEW, PENINJAU)
    at.button(key="rv_approve").click().run()
    assert at.subheader[0].value == ":material/lock: Disetujui (terkunci)"
    assert at.warning[-1].value.startswith("Bulan Maret 2024 Kabupaten Tulungagung sudah disetujui oleh peninjau pada ")


def test_the_upload_page_refuses_a_locked_month(march):
    from ui.state import connection
    transitions.act(connection(), KOORD, "submit", "35.04", date(2024, 3, 1), "",
                    {"35.04.14.2016": "tutup"})
    transitions.act(connection(), PENINJAU, "approve", "35.04", date(2024, 3, 1))
    at = page(UPLOAD, KOORD)
    at.file_uploader[0].set_value([("b.xlsx", make_workbook(values=good_values() | {"L01": 9}), XLSX)])
    at.run()
    assert [m.value for m in at.metric] == ["0", "0", "1", "0"]
    [message] = at.dataframe[1].value["Keterangan dan yang diharapkan"].tolist()
    assert message.startswith("Bulan Maret 2024 Kabupaten Tulungagung sudah disetujui oleh peninjau pada ")
    assert len([b for b in at.button if b.key == "up_confirm"]) == 0
    assert count("SELECT count(*) FROM submissions") == 1


def test_roles_without_review_are_refused_and_see_nothing_to_do(march):
    at = page(REVIEW, MINISTRY)
    assert at.error[0].value == ("Halaman ini hanya untuk peran: Admin, Koordinator kabupaten/kota, "
                                 "Peninjau (persetujuan laporan).")
    other = roles.User("koord.ponorogo", "Koordinator Ponorogo", "koordinator", ("35.02",))
    at = page(REVIEW, other)
    assert at.subheader[0].value == ":material/inbox: Diterima (belum diajukan)"
    assert "Kabupaten Ponorogo" in at.selectbox(key="rv_district").options[0]


def test_quality_desk_and_completeness_section_render(march):
    at = page(QUALITY, KOORD)
    assert not at.exception
    assert at.title[0].value == "Mutu Data"
    at = page(COMPLETENESS, KOORD)
    assert not at.exception
    assert at.subheader[-1].value == "Status tinjauan per kabupaten/kota dan bulan"
