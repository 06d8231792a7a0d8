"""AppTest flows of the Unggah Laporan and Riwayat pages, and two coordinators confirming at the same moment.

The pages are run directly (AppTest.from_file on the page file) with the signed-in user put in
session_state; files go through the real st.file_uploader (AppTest can set uploaded files).
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations, warehouse
from pipelines.accounts import roles
from pipelines.ingest import load, registry
from pipelines.views import upload
from tests.conftest import REGISTRY_CSV, ROOT, good_identity, good_values, make_workbook

pytestmark = pytest.mark.real_auth

UPLOAD = str(ROOT / "pages" / "laporan" / "unggah.py")
HISTORY = str(ROOT / "pages" / "laporan" / "riwayat.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADMIN = roles.User("admin", "Admin", "admin")
MINISTRY = roles.User("kemnaker", "Staf Kemnaker", "kementerian")
TULUNGAGUNG = roles.User("koord.tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))
OTHER_DISTRICT = "Desa ini bukan wilayah kabupaten/kota Anda; laporan desa lain tidak dapat diunggah."


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    """A warehouse file with the 4-village registry, used by the page through PANTAU_DB."""
    (tmp_path / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    path = tmp_path / "pantau.duckdb"
    con = migrations.connect(path)
    registry.load_registry(con, tmp_path / "desa.csv")
    con.close()
    monkeypatch.setenv("PANTAU_DB", str(path))
    return path


def count(sql: str):
    """First cell of a query on the app's own connection (the file is held open by the app)."""
    from ui.state import connection
    return connection().cursor().sql(sql).fetchall()[0][0]


def preload(files: dict[str, bytes]) -> None:
    from ui.state import connection
    load.load_files(connection(), [load.Source(n, d) for n, d in files.items()], "penguji")


def page(path: str, user: roles.User | None) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    if user is not None:
        at.session_state["auth_user"] = user
        at.session_state["auth_at"] = time.time()
    return at.run()


def upload_files(at: AppTest, files: dict[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, XLSX) for name, data in files.items()])
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_good_upload_is_checked_then_loaded(db):
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {"tunggangri-2024-03.xlsx": make_workbook()})
    assert not at.exception
    assert metrics(at) == {"Diterima": "1", "Diterima dengan peringatan": "0", "Ditolak": "0", "Tidak berubah": "0"}
    status = at.dataframe[0].value
    assert status[["Berkas", "Desa", "Periode", "Hasil", "Versi"]].values.tolist() == [
        ["tunggangri-2024-03.xlsx", "Tunggangri", "2024-03", "Diterima", "1"]]
    assert count("SELECT count(*) FROM submissions") == 0  # checked, not yet loaded
    at.button(key="up_confirm").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Selesai: 1 laporan dimuat, 0 tidak berubah, 0 ditolak."]
    assert at.file_uploader[0].value == []  # a fresh uploader for the next batch
    assert count("SELECT count(*) FROM submissions") == 1
    assert count("SELECT count(*) FROM indicator_values") == 25
    assert count("SELECT sum(count) FROM placements") == 6
    assert count("SELECT uploaded_by FROM submissions") == "koord.tulungagung"


def test_upload_with_warnings_is_loaded_with_them(db):
    at = upload_files(page(UPLOAD, TULUNGAGUNG),
                      {"a.xlsx": make_workbook(values=good_values() | {"L08": 1, "L09": 3})})
    assert metrics(at)["Diterima dengan peringatan"] == "1"
    found = at.dataframe[1].value
    assert found[["Berkas", "Jenis", "Sheet", "Baris", "Kolom", "Isi yang ditemukan"]].values.tolist() == [
        ["a.xlsx", "Peringatan", "Layanan", "10", "nilai", "3"]]
    at.button(key="up_confirm").click().run()
    assert count("SELECT status FROM submissions") == "accepted_with_warnings"


def test_rejected_upload_shows_every_error_and_writes_nothing(db):
    bad = make_workbook(values=good_values() | {"C02": 50, "L04": -3})
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {"salah.xlsx": bad})
    assert metrics(at)["Ditolak"] == "1"
    found = at.dataframe[1].value
    assert found[["Jenis", "Sheet", "Baris", "Kolom", "Isi yang ditemukan"]].values.tolist() == [
        ["Galat", "Layanan", "5", "nilai", "-3"], ["Galat", "Parenting", "3", "nilai", "50"]]
    assert found["Keterangan dan yang diharapkan"].tolist()[0] == "Nilai tidak boleh negatif."
    assert [b.label for b in at.button] == []  # nothing to confirm
    assert [i.value for i in at.info] == [
        "Tidak ada berkas untuk dimuat: semua berkas ditolak atau sama persis dengan versi terkini."]
    assert [b.label for b in at.get("download_button")][-1:] == ["Unduh daftar galat (XLSX)"]
    assert count("SELECT count(*) FROM submissions") == 0


def test_resubmission_shows_its_diff_before_confirming(db):
    page(UPLOAD, TULUNGAGUNG)  # opens the app's connection on this warehouse
    preload({"v1.xlsx": make_workbook(values=good_values() | {"L01": 5})})
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {"v2.xlsx": make_workbook(values=good_values() | {"L01": 9})})
    assert r"**v2\.xlsx** — Tunggangri, Maret 2024: versi 1 → versi 2" in [m.value for m in at.markdown]
    diff = at.dataframe[-1].value
    assert diff.values.tolist() == [["L01", "Konsultasi calon PMI laki-laki", "5", "9"]]
    assert list(diff.columns) == ["Kode", "Uraian", "Sekarang", "Baru"]
    at.button(key="up_confirm").click().run()
    assert count("SELECT version FROM submissions WHERE is_current") == 2
    assert count("SELECT value FROM indicator_values WHERE indicator_code = 'L01'") == 9.0


def test_identical_reupload_is_unchanged(db):
    data = make_workbook()
    page(UPLOAD, TULUNGAGUNG)
    preload({"a.xlsx": data})
    version = count("SELECT value FROM warehouse_info WHERE key = 'data_version'")
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {"a-lagi.xlsx": data})
    assert metrics(at)["Tidak berubah"] == "1"
    assert at.dataframe[0].value["Hasil"].tolist() == ["Tidak berubah"]
    assert [b.label for b in at.button] == []
    assert count("SELECT count(*) FROM submissions") == 1
    assert count("SELECT value FROM warehouse_info WHERE key = 'data_version'") == version


def test_another_districts_file_is_rejected_with_a_clear_message(db):
    other = make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {"bringinan.xlsx": other, "tunggangri.xlsx": make_workbook()})
    assert at.dataframe[0].value["Hasil"].tolist() == ["Ditolak", "Diterima"]
    assert at.dataframe[1].value["Keterangan dan yang diharapkan"].tolist() == [OTHER_DISTRICT]
    at.button(key="up_confirm").click().run()
    assert [s.value for s in at.success] == ["Selesai: 1 laporan dimuat, 0 tidak berubah, 0 ditolak."]
    assert count("SELECT list(DISTINCT village_code) FROM submissions") == ["35.04.14.2011"]


def test_ministry_user_sees_no_upload_controls(db):
    at = page(UPLOAD, MINISTRY)
    assert not at.exception
    assert len(at.file_uploader) == 0 and len(at.button) == 0 and len(at.get("download_button")) == 0
    assert at.info[0].value.startswith("Akun Anda hanya untuk melihat data.")


def test_template_picker_offers_only_the_coordinators_villages(db):
    at = page(UPLOAD, TULUNGAGUNG)
    box = at.selectbox(key="up_tpl_village")
    assert box.options == ["— templat kosong —", "Tunggangri · Kalidawir · Kabupaten Tulungagung",
                           "Betak · Kalidawir · Kabupaten Tulungagung"]
    # Never disabled (a disabled select's grey text fails axe-core's contrast check); a blank template ignores it.
    assert not at.selectbox(key="up_tpl_month").disabled
    box.set_value("35.04.14.2011").run()
    assert at.selectbox(key="up_tpl_month").value is not None
    assert at.get("download_button")[0].proto.label == "Unduh templat"


def test_history_page_lists_versions_compares_and_offers_the_original(db):
    page(HISTORY, TULUNGAGUNG)
    preload({"v1.xlsx": make_workbook(values=good_values() | {"L01": 5})})
    preload({"v2.xlsx": make_workbook(values=good_values() | {"L01": 9})})
    preload({"b.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))})
    at = page(HISTORY, TULUNGAGUNG)
    assert not at.exception
    assert metrics(at) == {"Versi laporan": "2", "Desa-bulan": "1", "Kiriman ulang": "1"}
    listed = at.dataframe[0].value
    assert listed[["Desa", "Periode", "Versi", "Terkini", "Berkas", "Diunggah oleh"]].values.tolist() == [
        ["Tunggangri", "Maret 2024", 2, "✓", "v2.xlsx", "penguji"], ["Tunggangri", "Maret 2024", 1, "", "v1.xlsx", "penguji"]]
    compared = at.dataframe[-1].value
    assert len(compared) == 30
    assert compared[compared["Berubah"] != ""][["Kode", "A · versi 1", "B · versi 2"]].values.tolist() == [
        ["L01", "5", "9"]]
    assert [b.proto.label for b in at.get("download_button")] == ["Unduh berkas asli"]
    at.toggle(key="hi_only_changed").set_value(True).run()
    assert len(at.dataframe[-1].value) == 1


def test_history_page_for_ministry_and_admin(db):
    page(HISTORY, ADMIN)
    preload({"b.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))})
    assert page(HISTORY, MINISTRY).info[0].value.startswith("Riwayat unggahan hanya terlihat")
    at = page(HISTORY, ADMIN)
    assert at.dataframe[0].value["Desa"].tolist() == ["Bringinan"]
    assert "Hanya versi terkini" in [c.label for c in at.checkbox]


def test_two_coordinators_confirm_at_the_same_moment_while_others_read(tmp_path, registry_csv):
    con = migrations.connect(tmp_path / "pantau.duckdb")
    registry.load_registry(con, registry_csv)
    ponorogo = roles.User("koord.ponorogo", "Koordinator Ponorogo", "koordinator", ("35.02",))
    months = [f"2024-{m:02d}" for m in range(1, 7)]
    jobs = {
        TULUNGAGUNG: [(f"t-{m}.xlsx", make_workbook(identity=good_identity(periode=m))) for m in months],
        ponorogo: [(f"b-{m}.xlsx", make_workbook(identity=good_identity(kode_desa="35.02.20.2001",
                                                                         nama_desa="Bringinan", periode=m)))
                   for m in months],
    }
    start, stop = threading.Barrier(3), threading.Event()
    results, errors, reads = {}, [], []

    def confirm(user):
        try:
            start.wait()
            results[user.username] = [r.status for r in upload.confirm(con, jobs[user], user)]
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(repr(exc))

    def browse():
        start.wait()
        try:
            while not stop.is_set():
                reads.append(warehouse.query(con, "history_submissions", all=True, districts=[], district="",
                                             village="", period=None).height)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=confirm, args=(u,)) for u in jobs] + [threading.Thread(target=browse)]
    for th in threads:
        th.start()
    for th in threads[:2]:
        th.join(120)
    stop.set()
    threads[2].join(30)
    assert errors == []
    assert results == {"koord.tulungagung": ["accepted"] * 6, "koord.ponorogo": ["accepted"] * 6}
    assert con.cursor().sql("SELECT count(*), count(DISTINCT submission_id) FROM submissions").fetchall() == [(12, 12)]
    assert con.cursor().sql("SELECT count(*) FROM indicator_values").fetchall() == [(12 * 25,)]
    assert reads and max(reads) <= 12
    con.close()


HOSTILE_NAME = "v2 [klik](https://contoh.invalid) ![x](http://127.0.0.1:9/p.png).xlsx"


def test_hostile_file_name_is_escaped_in_the_diff_heading(db):
    page(UPLOAD, TULUNGAGUNG)
    preload({"v1.xlsx": make_workbook(values=good_values() | {"L01": 5})})
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {HOSTILE_NAME: make_workbook(values=good_values() | {"L01": 9})})
    [head] = [m.value for m in at.markdown if "versi 1" in m.value]
    assert head == (r"**v2 \[klik\]\(https\://contoh\.invalid\) \!\[x\]\(http\://127\.0\.0\.1\:9/p\.png\)\.xlsx**"
                    " — Tunggangri, Maret 2024: versi 1 → versi 2")
    assert "](http" not in head


def test_nik_file_name_is_rejected_audited_and_never_shown(db):
    nik = "3504145607890001"
    at = upload_files(page(UPLOAD, TULUNGAGUNG), {f"laporan-{nik}.xlsx": make_workbook()})
    status, findings = at.dataframe[0].value, at.dataframe[1].value
    assert status["Berkas"].tolist() == ["(nama berkas disembunyikan)"]
    assert count("SELECT count(*) FROM submissions") == 0
    assert count("SELECT count(*) FROM audit_log WHERE event = 'upload_rejected' AND username = 'koord.tulungagung' "
                 "AND detail LIKE '%\"reason\": \"nik_file_name\"%' AND detail NOT LIKE '%35041456%'") == 1
    shown = " ".join(str(e.value) for e in at.markdown) + str(status.values.tolist()) + str(findings.values.tolist())
    assert "35041456" not in shown


DESA = str(ROOT / "pages" / "dashboard" / "desa.py")
PONOROGO = roles.User("koord.ponorogo", "Koordinator Ponorogo", "koordinator", ("35.02",))


@pytest.mark.parametrize("user, sees", [(TULUNGAGUNG, True), (ADMIN, True), (PONOROGO, False), (MINISTRY, False)])
def test_village_page_history_follows_the_history_scope(db, monkeypatch, user, sees):
    from ui import auth
    page(UPLOAD, TULUNGAGUNG)
    preload({"tunggangri-maret.xlsx": make_workbook()})
    monkeypatch.setattr(auth, "current_user", lambda: user)
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-15")  # the default 12 months then include March 2024
    at = AppTest.from_file(DESA, default_timeout=60)
    at.query_params["area"] = "35.04.14.2011"
    at.run()
    assert not at.exception
    shown = any("tunggangri-maret.xlsx" in str(d.value.values.tolist()) for d in at.dataframe)
    locked = [i.value for i in at.info if i.value.startswith("Riwayat unggahan desa ini")]
    assert (shown, bool(locked)) == (sees, not sees)
