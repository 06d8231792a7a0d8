"""Capaian page (AppTest): targets against realisasi with status, child areas and drill-down, admins load targets."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REGISTRY_CSV, ROOT, good_identity, make_workbook, scalar
from streamlit.testing.v1 import AppTest

from pipelines import migrations
from pipelines.accounts.roles import User
from pipelines.ingest import load, registry
from pipelines.targets import store, template
from pipelines.views import capaian
from ui import auth

APP = str(ROOT / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def db(tmp_path: Path, monkeypatch) -> Path:
    """Tunggangri reports January to March 2024 (6 placements each, all late); targets for Q1 2024."""
    (tmp_path / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    path = tmp_path / "pantau.duckdb"
    con = migrations.connect(path)
    registry.load_registry(con, tmp_path / "desa.csv")
    files = [load.Source(f"t-{m}.xlsx", make_workbook(identity=good_identity(periode=m, tanggal_lapor=f"{m}-28")))
             for m in ("2024-01", "2024-02", "2024-03")]
    assert all(r.status == "accepted" for r in load.load_files(con, files, "penguji"))
    rows = [("35.04", "placements", 2024, "T1", 20), ("35.04.14", "placements", 2024, "T1", 10),
            ("35.04", "completeness", 2024, "T1", "90%")]
    assert store.load(con, template.template_bytes(rows), "target.xlsx", "admin").status == "accepted"
    con.close()
    monkeypatch.setenv("PANTAU_DB", str(path))
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-15")
    return path


def open_page(area: str = "35.04", period: str = "2024-T1") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(area=area, periode=period)
    at.run()
    at.switch_page("pages/dashboard/capaian.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def submit(at: AppTest) -> None:
    [button] = [b for b in at.button if b.label == "Periksa dan muat"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]


def test_area_rows_with_status_and_coverage(db):
    at = open_page()
    assert [h.value for h in at.header] == ["Kabupaten Tulungagung · Triwulan I 2024"]
    assert at.dataframe[0].value.to_dict("records") == [
        {"Indikator": "Penempatan PMI (placements)", "Target": "20", "Realisasi": "18", "% capaian": "90,00%",
         "Status": "Hampir tercapai", "Cakupan": "3/6 laporan (50,0%)", "Sementara": ""},
        {"Indikator": "Kelengkapan (completeness)", "Target": "90,0%", "Realisasi": "50,0%", "% capaian": "55,56%",
         "Status": "Belum tercapai", "Cakupan": "3/6 laporan (50,0%)", "Sementara": ""}]
    assert at.dataframe[1].value.to_dict("records") == [
        {"Wilayah": "Kalidawir", "Indikator": "Penempatan PMI (placements)", "Target": "10", "Realisasi": "18",
         "% capaian": "180,00%", "Status": "Tercapai", "Cakupan": "3/6 laporan (50,0%)", "Sementara": ""}]
    assert at.query_params["periode"] == "2024-T1"


def test_drill_down_to_a_child_area(db):
    at = open_page()
    at.button(key="cp_open_35.04.14").click().run()
    assert [h.value for h in at.header] == ["Kec. Kalidawir · Triwulan I 2024"]
    assert at.dataframe[0].value["% capaian"].tolist() == ["180,00%"]


def test_to_date_shows_both_targets_and_english(db):
    con = migrations.connect(db)
    store.load(con, template.template_bytes([("35.04", "placements", 2024, "TAHUN", 96)]), "tahunan.xlsx", "admin")
    con.close()
    at = open_page(period="2024-SD03")
    row = at.dataframe[0].value.to_dict("records")[0]
    assert (row["Target"], row["Realisasi"], row["% capaian"], row["Dasar target"], row["Target tahunan"],
            row["% capaian thd. target tahunan"]) == ("24", "18", "75,00%", "target tahunan x 3/12", "96", "18,75%")
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert [h.value for h in at.header] == ["Kabupaten Tulungagung · Jan-Mar 2024"]
    assert at.dataframe[0].value.to_dict("records")[0]["% achieved"] == "75.00%"


def test_no_target_says_so(db):
    at = open_page(period="2024-02")
    assert [i.value for i in at.info] == ["Belum ada target untuk wilayah dan periode ini."]
    assert len(at.dataframe) == 0


def test_admin_loads_targets_on_the_page_and_sees_every_error(db):
    at = open_page()
    bad = template.template_bytes([("35.04", "returns", 2024, "T9", -1)])
    at.file_uploader(key="cp_load_file").set_value([("buruk.xlsx", bad, XLSX)])
    submit(at)
    assert [e.value for e in at.error] == ["Berkas ditolak: 2 kesalahan. Tidak ada target yang disimpan."]
    assert at.dataframe[-1].value.to_dict("records") == [
        {"Sheet": "Target", "Baris": 2, "Kolom": "periode", "Isi": "T9",
         "Kesalahan": "Periode harus TAHUN, S1, S2, T1 sampai T4 atau bulan 01 sampai 12."},
        {"Sheet": "Target", "Baris": 2, "Kolom": "target", "Isi": "-1", "Kesalahan": "Target tidak boleh negatif."}]
    good = template.template_bytes([("35.04", "returns", 2024, "T1", 4)])
    at.file_uploader(key="cp_load_file").set_value([("baik.xlsx", good, XLSX)])
    submit(at)
    assert [s.value for s in at.success] == ["Target dimuat sebagai versi 2 (1 target)."]
    con = migrations.connect(db)
    try:
        assert scalar(con, "SELECT count(*) FROM audit_log WHERE event = 'target_rejected' AND username = 'penguji'") == 1
        assert scalar(con, "SELECT uploaded_by FROM target_loads WHERE load_id = 2") == "penguji"
    finally:
        con.close()


def test_only_admins_load(db, monkeypatch):
    monkeypatch.setattr(auth, "current_user", lambda: User("kemnaker", "Kemnaker", "kementerian"))
    at = open_page()
    assert len(at.file_uploader) == 0
    assert capaian.may_load(User("k", "K", "koordinator", ("35.04",))) is False


def test_the_sidebar_government_period_drives_the_page(db):
    at = open_page(period="2024-T1")
    [pick] = [s for s in at.sidebar.selectbox if s.label == "Periode pemerintahan"]
    assert pick.value == "2024-T1"
    pick.set_value("2024-SD02").run()
    assert [h.value for h in at.header] == ["Kabupaten Tulungagung · s.d. Februari 2024"]
    assert at.query_params["periode"] == "2024-SD02"
    assert (at.query_params["from"], at.query_params["to"]) == ("2024-01", "2024-02")
    assert [i.value for i in at.info] == ["Belum ada target untuk wilayah dan periode ini."]


def test_a_free_range_shows_the_default_period_and_says_so(db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"area": "35.04", "from": "2024-02", "to": "2024-03"})
    at.run()
    at.switch_page("pages/dashboard/capaian.py").run()
    assert at.info[0].value.startswith("Rentang bulan di sidebar bukan periode pemerintahan; ditampilkan s.d. Maret 2024.")
    assert [h.value for h in at.header] == ["Kabupaten Tulungagung · s.d. Maret 2024"]
