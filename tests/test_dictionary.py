"""Kamus Indikator: generated from the catalogues in both languages, searchable, as XLSX and on its page."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from conftest import REGISTRY_CSV, ROOT
from streamlit.testing.v1 import AppTest

from pipelines import catalogue, migrations, vocabulary
from pipelines.ingest import registry
from pipelines.metrics import figures
from pipelines.views import dictionary

APP = str(ROOT / "app.py")


def test_every_figure_once_in_catalogue_order_in_both_languages():
    for lang in ("id", "en"):
        frame = dictionary.dictionary(lang)
        assert frame[frame.columns[0]].to_list() == list(figures.catalogue())
    assert dictionary.dictionary("id").columns == ["Kode", "Nama", "Definisi", "Satuan", "Rumus", "Antardesa",
                                                   "Antarbulan", "Sumber (lembar · kolom)", "Aturan cakupan"]


def test_rows_say_formula_aggregation_source_and_coverage():
    rows = {r[0]: r for r in dictionary.dictionary("id").rows()}
    assert rows["placements"][3:] == ("orang", "Σ jumlah", "dijumlahkan antardesa", "dijumlahkan antarbulan (arus)",
                                      "Penempatan · jumlah", "laporan desa-bulan yang masuk dari yang diharapkan; bulan "
                                      "yang belum lewat tenggat: sementara")
    assert rows["U05"][1:2] + rows["U05"][3:] == (
        "Usaha binaan aktif", "unit", "nilai U05 yang dilaporkan", "dijumlahkan antardesa",
        "nilai bulan terakhir yang dilaporkan tiap desa (saldo; tidak dijumlahkan antarbulan)",
        "Usaha · nilai (baris kode U05)", "desa yang melapor dari desa program (saldo: desa, bukan desa-bulan); bulan "
        "yang belum lewat tenggat: sementara")
    assert rows["consultations"][4] == "L01 + L02"
    assert rows["consultations"][7] == "Layanan · nilai (baris kode L01); Layanan · nilai (baris kode L02)"
    assert rows["placements_women"][4] == "Σ jumlah (jenis_kelamin = P)"
    en = {r[0]: r for r in dictionary.dictionary("en").rows()}
    assert en["completeness"][1:] == (
        "Completeness", "Reports in / reports expected.", "percent", "reports_in / reports_expected",
        "ratio of the numerator and denominator summed over villages", "ratio of the range's totals",
        "from the figures reports_in, reports_expected",
        "every expected report; village-months not yet due never count as not reported")
    assert en["C02"][6] == "monthly total averaged over the months reported"


def test_the_catalogues_agree_with_the_sources_named():
    """Every flow has a source row whose sheet and column exist in the layout; every unit has both names."""
    layout = catalogue.layout()
    sources = dictionary.flow_sources()
    assert set(sources) == set(catalogue.FLOWS)
    assert all(s["column"] in [c for c, _, _ in layout[s["sheet"]]] for s in sources.values())
    assert all(s["help"] for s in sources.values())
    assert {f.unit for f in figures.catalogue().values()} <= {v for (k, v) in vocabulary.names() if k == "satuan"}


def test_search_and_workbook_in_both_languages():
    assert dictionary.dictionary("id", "remitansi")["Kode"].to_list() == ["remittances", "remittance_transactions"]
    assert dictionary.dictionary("en", "WOMEN")["Code"].to_list() == ["L02", "placements_women", "women_share"]
    wb = openpyxl.load_workbook(io.BytesIO(dictionary.workbook()))
    assert wb.sheetnames == ["Kamus Indikator", "Indicator Dictionary"]
    assert [c.value for c in wb["Indicator Dictionary"][1]][:3] == ["Code", "Name", "Definition"]
    assert wb["Kamus Indikator"].max_row == len(figures.catalogue()) + 1
    assert wb["Kamus Indikator"]["E29"].value == "Σ jumlah"  # placements: 27 figures and the header above it


@pytest.fixture
def app(tmp_path: Path, monkeypatch) -> AppTest:
    (tmp_path / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    con = migrations.connect(tmp_path / "pantau.duckdb")
    registry.load_registry(con, tmp_path / "desa.csv")
    con.close()
    monkeypatch.setenv("PANTAU_DB", str(tmp_path / "pantau.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/data/kamus.py").run()
    return at


def test_page_lists_every_figure_and_switches_language(app):
    assert not app.exception
    assert app.title[0].value == "Kamus Indikator"
    [table] = app.dataframe
    assert table.value["Kode"].tolist() == list(figures.catalogue())
    app.text_input(key="kamus_q").set_value("konsultasi").run()
    assert app.dataframe[0].value["Kode"].tolist() == ["L01", "L02", "consultations"]
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    assert app.title[0].value == "Indicator Dictionary"
    assert app.dataframe[0].value.columns.tolist()[:2] == ["Code", "Name"]


def test_only_admins_get_the_satu_data_button(app, monkeypatch):
    assert [b.proto.label for b in app.get("download_button")] == ["Unduh Kamus Indikator (XLSX)",
                                                                   "Unduh paket Satu Data (ZIP)"]
    from pipelines.accounts.roles import User
    from ui import auth
    monkeypatch.setattr(auth, "current_user", lambda: User("kemnaker", "Kemnaker", "kementerian"))
    app.run()
    assert [b.proto.label for b in app.get("download_button")] == ["Unduh Kamus Indikator (XLSX)"]


def test_detail_of_one_figure_and_the_page_shows_the_first():
    frame = dictionary.dictionary("en")
    title, table = dictionary.detail(frame, list(figures.catalogue()).index("women_share"), "en")
    assert table.columns == ["Field", "Content"]
    assert title == "Share of women (women_share)"
    assert table.rows() == [("Definition", "Placements of women / all placements."), ("Unit", "percent"),
                            ("Formula", "placements_women / placements"),
                            ("Over villages", "ratio of the numerator and denominator summed over villages"),
                            ("Over months", "ratio of the range's totals"),
                            ("Source (sheet · column)", "from the figures placements_women, placements"),
                            ("Coverage rule", "village-month reports in of those expected; months not past their "
                                              "deadline: provisional")]
    assert dictionary.detail(frame, frame.height) is None
    assert dictionary.overview(frame, "en").columns == ["Code", "Name", "Unit", "Over months"]


def test_page_shows_the_first_figure_in_full(app):
    assert app.subheader[0].value == "Konsultasi calon PMI laki-laki (L01)"
    assert app.table[0].value.iloc[:, 1].tolist()[:2] == [
        "Banyaknya calon PMI laki-laki yang mendapat konsultasi migrasi di Pusat Layanan Migrasi desa dalam bulan laporan.",
        "orang"]


def test_every_indicator_has_a_definition_in_both_languages_and_other_figures_use_their_help():
    from pipelines.catalogue import indicators
    from pipelines.metrics import figures

    cat = figures.catalogue()
    assert all(cat[c].definition_id and cat[c].definition_en for c in indicators())
    assert cat["K05"].definition("en") == ("Whether the village cooperative is a registered legal entity (yes/no) "
                                           "as reported.")
    assert cat["placements"].definition("id") == cat["placements"].help("id")
