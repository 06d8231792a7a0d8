"""Kelengkapan: completeness and timeliness by unit and month, trend, silent and not-reporting villages."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations
from pipelines.ingest import load, registry
from pipelines.views import reporting
from pipelines.views.selection import Selection
from tests.conftest import ROOT, displayed, good_identity, good_values, make_workbook
from tests.crosscheck import aggregate as metrics

APP = str(ROOT / "app.py")
NOV, DEC, JAN, FEB = date(2023, 11, 1), date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1)
T, B = "35.04.14.2011", "35.04.14.2016"                       # Tunggangri, Betak (Kalidawir, joined 2017)
R, J, S = "35.02.20.2001", "35.02.20.2002", "35.02.20.2003"  # Bringinan 2018, Jonggol 2024, Sendang 2023 (Jambon)
REGISTRY = """kode_desa,nama_desa,kecamatan,kabupaten,provinsi,tahun_bergabung,lintang,bujur,koordinat_tepat
35.04.14.2011,Tunggangri,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.15,111.95,tidak
35.04.14.2016,Betak,Kalidawir,Kabupaten Tulungagung,Jawa Timur,2017,-8.1612,111.9634,ya
35.02.20.2001,Bringinan,Jambon,Kabupaten Ponorogo,Jawa Timur,2018,-7.90,111.40,tidak
35.02.20.2002,Jonggol,Jambon,Kabupaten Ponorogo,Jawa Timur,2024,-7.91,111.41,tidak
35.02.20.2003,Sendang,Jambon,Kabupaten Ponorogo,Jawa Timur,2023,-7.92,111.42,tidak
"""
NAMES = {T: "Tunggangri", B: "Betak", R: "Bringinan", J: "Jonggol", S: "Sendang"}

# (file, village, month, tanggal_lapor, uploaded_at, changes to the values, placements or None for the default)
# Deadline: day 10 of the next month. Sendang never reports; Jonggol joined in 2024.
FIRST = [
    ("t-2023-11.xlsx", T, "2023-11", "2023-12-10", datetime(2023, 12, 10, 9), {"L01": 5}, None),   # on time, day 10
    ("t-2023-12.xlsx", T, "2023-12", "2024-01-11", datetime(2024, 1, 11, 9), {"L01": None}, None),  # late, day 11
    ("t-2024-01.xlsx", T, "2024-01", "2024-02-05", datetime(2024, 2, 5, 9), {"L01": 7},
     [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 10}]),
    ("t-2024-02.xlsx", T, "2024-02", "2024-03-01", datetime(2024, 3, 1, 9), {"L01": 0}, None),
    ("b-2023-11.xlsx", B, "2023-11", "2023-12-01", datetime(2023, 12, 1, 9), {}, None),
    ("r-2023-12.xlsx", R, "2023-12", "2024-01-09", datetime(2024, 1, 9, 9), {}, None),
    ("r-2024-01.xlsx", R, "2024-01", "2024-02-15", datetime(2024, 2, 15, 9), {}, None),             # late
    ("j-2024-02.xlsx", J, "2024-02", "2024-03-10", datetime(2024, 3, 10, 16), {}, None),           # on time, day 10
]
# A re-submission of Tunggangri's January after the deadline: version 2 is current, version 1 keeps it on time.
# L09 > L08 is a warning, so version 2 is accepted with one warning.
SECOND = [
    ("t-2024-01-perbaikan.xlsx", T, "2024-01", "2024-02-20", datetime(2024, 2, 20, 14, 30),
     {"L01": 9, "L08": 3, "L09": 5},
     [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 5},
      {"negara_tujuan": "Jepang", "sektor": "Manufaktur", "jenis_kelamin": "L", "jumlah": 1}]),
]


def _source(file, code, month, reported, uploaded, changes, placements) -> load.Source:
    values = good_values()
    values.update(changes)
    identity = good_identity(kode_desa=code, nama_desa=NAMES[code], periode=month, tanggal_lapor=reported)
    return load.Source(file, make_workbook(identity=identity, values=values, placements=placements), uploaded)


def build_warehouse(folder: Path) -> Path:
    """The fixture warehouse above as a closed file (also used by tests/test_village_profile.py)."""
    (folder / "desa.csv").write_text(REGISTRY, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    for batch in (FIRST, SECOND):
        results = load.load_files(con, [_source(*row) for row in batch], "koordinator.ponorogo")
        assert [r.status for r in results] == ["accepted"] * len(batch), [r.errors for r in results]
    con.close()
    return db


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("reporting"))


@pytest.fixture
def wh(fixture_db, monkeypatch):
    monkeypatch.delenv("PANTAU_DEADLINE_DAY", raising=False)
    con = migrations.connect(fixture_db, read_only=True)
    yield con
    con.close()


LABELS = {k: k for k in reporting.LABEL_KEYS} | {"source_note": "Sumber, data per {date}",
                                                 "rp_heatmap_title": "Kelengkapan per {unit}"}


def counts(frame: pl.DataFrame, *keys: str) -> list[tuple]:
    return frame.select(*keys, "joined", "on_time", "late", "missing", "completeness").rows()


# --- completeness and timeliness ------------------------------------------------------------------

def test_trend_counts_only_villages_that_had_joined(wh):
    m = reporting.model(wh, Selection("", NOV, FEB), "id", LABELS)
    # Jonggol joined in 2024: not due in November/December 2023; Sendang (2023) never reports.
    assert counts(m.trend, "period") == [
        (NOV, 4, 2, 0, 2, 0.5), (DEC, 4, 1, 1, 2, 0.5), (JAN, 5, 1, 1, 3, 0.4), (FEB, 5, 2, 0, 3, 0.4)]
    assert m.trend["on_time_share"].to_list() == [0.5, 0.25, 0.2, 0.4]
    # the same completeness as the warehouse's own definition
    expected = metrics.completeness_by_month(wh, "", NOV, FEB)
    assert m.trend["completeness"].to_list() == expected["completeness"].to_list()
    assert m.latest == FEB and m.latest_counts["reported"] == 2 and m.latest_counts["joined"] == 5


def test_heatmap_rows_are_districts_nationally(wh):
    m = reporting.model(wh, Selection("", NOV, FEB), "id", LABELS)
    assert m.row_level == "district"
    assert m.units.rows() == [("35.02", "Kabupaten Ponorogo"), ("35.04", "Kabupaten Tulungagung")]
    assert counts(m.grid, "unit_code", "period") == [
        ("35.02", NOV, 2, 0, 0, 2, 0.0), ("35.02", DEC, 2, 1, 0, 1, 0.5),
        ("35.02", JAN, 3, 0, 1, 2, 1 / 3), ("35.02", FEB, 3, 1, 0, 2, 1 / 3),
        ("35.04", NOV, 2, 2, 0, 0, 1.0), ("35.04", DEC, 2, 0, 1, 1, 0.5),
        ("35.04", JAN, 2, 1, 0, 1, 0.5), ("35.04", FEB, 2, 1, 0, 1, 0.5)]
    heat = m.heatmap.data[0]
    assert list(heat.y) == ["Kabupaten Ponorogo", "Kabupaten Tulungagung"]
    assert list(heat.x) == ["Nov 2023", "Des 2023", "Jan 2024", "Feb 2024"]
    assert [list(r) for r in heat.z] == [[0.0, 50.0, 33.3, 33.3], [100.0, 50.0, 50.0, 50.0]]
    # Ponorogo, January: on time, late, missing, joined, not due, not yet approved (0: every report counts)
    assert tuple(heat.customdata[0][2]) == (0, 1, 2, 3, 0, 0)
    assert "rp_late: %{customdata[1]}" in heat.hovertemplate
    assert "Kabupaten Ponorogo" not in m.heatmap.layout.title.text  # title names the area and period
    assert "Nasional, November 2023 – Februari 2024" in m.heatmap.layout.title.text


def test_heatmap_rows_become_child_units(wh):
    m = reporting.model(wh, Selection("35.02", NOV, FEB), "id", LABELS)
    assert m.row_level == "subdistrict" and m.units.rows() == [("35.02.20", "Jambon")]
    m = reporting.model(wh, Selection("35.02.20", NOV, FEB), "id", LABELS)
    assert m.row_level == "village"
    assert m.units["unit_name"].to_list() == ["Bringinan", "Jonggol", "Sendang"]
    jonggol = m.grid.filter(pl.col("unit_code") == J)
    # not yet joined in 2023: nothing due, so no share at all (not 0%)
    assert jonggol.select("joined", "completeness").rows() == [(0, None), (0, None), (1, 0.0), (1, 1.0)]
    assert list(m.heatmap.data[0].z[1]) == [None, None, 0.0, 100.0]
    assert m.area_label == "Kec. Jambon"


def test_on_time_and_late_at_the_deadline_boundary(wh):
    status = {(v, p): s for v, p, s in metrics.reporting_status(wh, "", NOV, FEB, 10).rows()}
    assert status[(T, NOV)] == "tepat_waktu"   # reported 10 December: the deadline day itself
    assert status[(T, DEC)] == "terlambat"     # reported 11 January
    assert status[(T, JAN)] == "tepat_waktu"   # version 1 on 5 February; the late correction does not count
    assert status[(J, FEB)] == "tepat_waktu"   # 10 March
    m = reporting.model(wh, Selection("", NOV, FEB), "id", LABELS, deadline_day=9)
    assert counts(m.trend, "period") == [
        (NOV, 4, 1, 1, 2, 0.5), (DEC, 4, 1, 1, 2, 0.5), (JAN, 5, 1, 1, 3, 0.4), (FEB, 5, 1, 1, 3, 0.4)]


def test_villages_that_did_not_report_the_last_month(wh):
    m = reporting.model(wh, Selection("", NOV, FEB), "id", LABELS)
    assert m.not_reported.rows() == [
        (S, "Sendang", "Jambon", "Kabupaten Ponorogo", "–", 14),
        (B, "Betak", "Kalidawir", "Kabupaten Tulungagung", "November 2023", 3),
        (R, "Bringinan", "Jambon", "Kabupaten Ponorogo", "Januari 2024", 1)]
    # downloads keep the month as a date and "never" as an empty cell
    assert m.not_reported_data["rp_last_report"].to_list() == [None, NOV, JAN]
    # "which villages of Kecamatan Jambon did not report last month"
    jambon = reporting.model(wh, Selection("35.02.20", NOV, FEB), "id", LABELS)
    assert jambon.not_reported["rp_village"].to_list() == ["Sendang", "Bringinan"]
    # a month earlier Jonggol had joined but not reported; Bringinan had
    jan = reporting.model(wh, Selection("35.02.20", NOV, JAN), "id", LABELS)
    assert jan.not_reported["rp_village"].to_list() == ["Sendang", "Jonggol"]


def test_silent_villages_as_of_the_end_of_the_range(wh):
    m = reporting.model(wh, Selection("", NOV, FEB), "id", LABELS)
    assert m.silent.select("rp_village", "rp_last_report", "rp_months_silent").rows() == [
        ("Sendang", "–", 14), ("Betak", "November 2023", 3)]
    # the same villages, in the same order, as metrics.silent_villages(as_of = end of the range)
    assert m.silent_data["rp_village_code"].to_list() == metrics.silent_villages(wh, "", FEB)["village_code"].to_list()
    tulungagung = reporting.model(wh, Selection("35.04", NOV, DEC), "id", LABELS)
    assert tulungagung.silent.is_empty()  # Betak has been silent only one month by December


def test_trend_figure_shows_percentages_of_joined_villages(wh):
    m = reporting.model(wh, Selection("", NOV, FEB), "en", LABELS)
    completeness, on_time = m.trend_fig.data
    assert list(completeness.y) == [50.0, 50.0, 40.0, 40.0] and list(on_time.y) == [50.0, 25.0, 20.0, 40.0]
    assert list(completeness.x) == ["Nov 2023", "Dec 2023", "Jan 2024", "Feb 2024"]
    assert m.trend_fig.layout.yaxis.title.text == "rp_trend_axis"
    assert m.trend_data.columns[:5] == ["rp_month", "rp_joined", "rp_on_time", "rp_late", "rp_missing"]


# --- the page ----------------------------------------------------------------------------------------

@pytest.fixture
def app(fixture_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-03-15")
    monkeypatch.delenv("PANTAU_DEADLINE_DAY", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def open_page(app: AppTest, area: str, start: date = NOV, end: date = FEB) -> AppTest:
    app.session_state["f_area"] = area
    app.session_state["f_start"], app.session_state["f_end"] = start, end
    app.run()
    app.switch_page("pages/reporting/kelengkapan.py").run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_page_shows_the_last_month_and_the_lists(app):
    open_page(app, "")
    assert app.title[0].value == "Kelengkapan"
    assert {m.label: m.value for m in app.metric} == {
        "Desa bergabung": "5", "Desa melapor": "2", "Kelengkapan": "40,0%", "Tepat waktu": "2",
        "Terlambat": "0", "Tidak melapor": "3", "Belum jatuh tempo": "0"}
    assert [s.value for s in app.subheader] == [
        "Bulan terakhir periode: Februari 2024", "Desa yang tidak melapor untuk Februari 2024 (Nasional)",
        "Desa tanpa laporan 2 bulan atau lebih (sampai Februari 2024)",
        "Status tinjauan per kabupaten/kota dan bulan"]
    missing, silent, review = (displayed(d) for d in app.dataframe)
    assert review["Kabupaten/kota"].tolist() == ["Kabupaten Ponorogo", "Kabupaten Tulungagung"]
    assert review["Feb 2024"].tolist() == ["Diterima (belum diajukan)"] * 2  # month names, not "2024-02"
    assert missing["Desa"].tolist() == ["Sendang", "Betak", "Bringinan"]
    assert missing["Laporan terakhir"].tolist() == ["–", "November 2023", "Januari 2024"]
    assert silent["Desa"].tolist() == ["Sendang", "Betak"] and silent["Bulan tanpa laporan"].tolist() == ["14", "3"]


def test_page_answers_which_villages_of_jambon_did_not_report(app):
    open_page(app, "35.02.20")
    assert {m.label: m.value for m in app.metric}["Kelengkapan"] == "33,3%"
    assert app.subheader[1].value == "Desa yang tidak melapor untuk Februari 2024 (Kec. Jambon)"
    assert app.dataframe[0].value["Desa"].tolist() == ["Sendang", "Bringinan"]


def test_drilling_into_a_district_from_the_heatmap(app):
    open_page(app, "")
    app.selectbox(key="rp_drill").set_value("35.02").run()
    assert not app.exception
    assert app.session_state["f_area"] == "35.02"
    assert app.subheader[1].value == "Desa yang tidak melapor untuk Februari 2024 (Kabupaten Ponorogo)"
    assert {m.label: m.value for m in app.metric}["Desa bergabung"] == "3"
    assert app.selectbox(key="rp_drill").options == ["—", "Jambon"]


def test_open_month_villages_are_not_yet_due_never_missing(fixture_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-03-10")   # February's deadline day: still open
    monkeypatch.delenv("PANTAU_DEADLINE_DAY", raising=False)
    app = open_page(AppTest.from_file(APP, default_timeout=60), "")
    shown = {m.label: m.value for m in app.metric}
    assert (shown["Tidak melapor"], shown["Belum jatuh tempo"], shown["Desa melapor"]) == ("0", "3", "2")
    assert app.warning[0].value == "Periode ini memuat bulan yang belum lewat tenggat: angkanya sementara."
    # the lists are about January, the newest month past its deadline
    assert app.subheader[1].value == "Desa yang tidak melapor untuk Januari 2024 (Nasional)"
    assert "Februari 2024 masih terbuka sampai tenggat 10 Maret 2024: 3 desa belum jatuh tempo" in app.info[0].value
