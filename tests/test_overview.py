"""Ringkasan: pipelines.views.overview and its page against a small hand-made warehouse (figures by hand)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations
from pipelines.ingest import countries, load, registry
from pipelines.labels import text as label_text
from pipelines.views import overview
from pipelines.views.selection import Selection
from tests.conftest import REGISTRY_CSV, ROOT, area_picker, good_identity, good_values, make_workbook

APP = str(ROOT / "app.py")
JAN, JUN, JUL23, DEC23 = date(2024, 1, 1), date(2024, 6, 1), date(2023, 7, 1), date(2023, 12, 1)
A, B, P, N, Y = "35.04.14.2011", "35.04.14.2016", "35.02.20.2001", "52.03.01.2001", "52.03.01.2002"
# Two more NTB villages: Sukadamai joined in 2024, Masa Depan only in 2025 (never counted here).
REGISTRY = REGISTRY_CSV + (
    "52.03.01.2002,Sukadamai,Keruak,Kabupaten Lombok Timur,Nusa Tenggara Barat,2024,-8.71,116.51,ya\n"
    "52.03.01.2003,Masa Depan,Keruak,Kabupaten Lombok Timur,Nusa Tenggara Barat,2025,-8.72,116.52,ya\n")
NAMES = {A: "Tunggangri", B: "Betak", P: "Bringinan", N: "Desa Baru", Y: "Sukadamai"}
KOPERASI = ("K01", "K02", "K03", "K04", "K05")


def months(first: str, last: str) -> list[str]:
    y, m = map(int, first.split("-"))
    out = []
    while f"{y}-{m:02d}" <= last:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def village_values(code: str, month: str) -> dict:
    """Every workbook starts from good_values (all 2s; C02 30, K01 120, K02 Rp 250 juta, K05 ya)."""
    v = good_values()
    if code == A:    # Tunggangri: 13 months; members 100 in 2023, 120 in 2024; L01 jumps to 40 in June 2024
        v["K01"] = 100 if month < "2024" else 120
        v["L01"] = 40 if month == "2024-06" else 2
    elif code == B:  # Betak: no March; business figures reported as 0; cooperative left blank in June
        v.update({c: 0 for c in ("U01", "U02", "U03", "U04", "U05", "U06", "U07")})
        v["K01"] = {"2024-01": 50, "2024-02": 55, "2024-04": 60, "2024-05": 58}.get(month)
        if month == "2024-06":
            for c in KOPERASI:
                v.pop(c)
    elif code == P:  # Bringinan: only the second half of 2023
        v["K01"] = 80
    elif code == N:  # Desa Baru: parenting never filled in; cooperative all zero and not a legal entity
        for c in ("C01", "C02", "C03", "C04"):
            v.pop(c)
        v.update({"K01": 0, "K02": 0, "K03": 0, "K04": 0, "K05": "tidak"})
    return v


PLAN = {A: months("2023-06", "2024-06"), B: ["2024-01", "2024-02", "2024-04", "2024-05", "2024-06"],
        P: months("2023-07", "2023-12"), N: months("2024-01", "2024-06"), Y: months("2024-01", "2024-06")}


def build_warehouse(folder: Path) -> Path:
    """A closed warehouse: 6 villages, 36 workbooks; each has 6 placements (4 women: Taiwan 4 P,
    Malaysia 2 L), 3 returns (1 with a problem) and Rp 12,5 juta of remittances."""
    (folder / "desa.csv").write_text(REGISTRY, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    files = []
    for code, plan in PLAN.items():
        for month in plan:
            y, m = map(int, month.split("-"))
            reported = f"{y + m // 12}-{m % 12 + 1:02d}-05"
            identity = good_identity(kode_desa=code, nama_desa=NAMES[code], periode=month, tanggal_lapor=reported)
            files.append(load.Source(f"{code}-{month}.xlsx", make_workbook(identity, village_values(code, month))))
    results = load.load_files(con, files, "penguji")
    assert [r.status for r in results if r.status == "rejected"] == [], [r.errors for r in results]
    con.close()
    return db


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_warehouse(tmp_path_factory.mktemp("overview"))


@pytest.fixture
def con(fixture_db):
    connection = migrations.connect(fixture_db, read_only=True)
    yield connection
    connection.close()


def texts(model: overview.Summary) -> dict[str, tuple]:
    return {k: (v.text, v.delta) for k, v in model.kpis.items()}


# --- the data layer -----------------------------------------------------------------------------

def test_previous_period_has_the_same_length():
    assert overview.previous_range(JAN, JUN) == (JUL23, DEC23)
    assert overview.previous_range(date(2024, 3, 1), date(2024, 3, 1)) == (date(2024, 2, 1),) * 2


def test_delta_text_signs_percent_and_missing():
    assert overview.delta_text(138, 72, False, "id") == "+66 (+91,7%)"
    assert overview.delta_text(0, 1, False, "id") == "-1 (-100,0%)"
    assert overview.delta_text(2.875e8, 1.5e8, True, "id") == "+Rp 137,5 juta (+91,7%)"
    assert overview.delta_text(5, 0, False, "id") == "+5"  # no share of nothing
    assert overview.delta_text(None, 3, False, "id") is None
    assert overview.delta_text(3, None, False, "id") is None
    assert overview.delta_text(1234, 1000, False, "en") == "+234 (+23.4%)"


def test_national_figures_and_changes_like_for_like(con):
    model = overview.model(con, Selection("", JAN, JUN, compare="prev"), "id", {})
    assert model.previous_label == "Juli 2023 – Desember 2023"
    assert texts(model) == {
        "villages": ("5", "+1 (+25,0%)"),            # Masa Depan joins only in 2025
        "reported": ("23", "+11 (+91,7%)"),          # reports in: 23 of 30 against 12 of 18
        # flows over the 6 village-months that reported in both periods (Tunggangri's): 36 against 36,
        # never 138 against 72, which would read Ponorogo's silence and new villages as change
        "placements": ("138", "0 (0,0%)"),
        "returns": ("69", "0 (0,0%)"),
        "remittances": ("Rp 287,5 juta", "Rp 0 (0,0%)"),
        "consultations": ("130", "+38 (+158,3%)"),   # Tunggangri 50 + 12 against 24
        "trainees": ("72", "0 (0,0%)"),
        "children": ("85", "0 (0,0%)"),              # per month: (90 + 90 + 60 + 90 + 90 + 90) / 6
        "coop_members": ("298", "+20 (+20,0%)"),     # villages in both: Tunggangri 120 against 100
        "savings": ("Rp 750,0 juta", "Rp 0 (0,0%)"),
    }
    assert model.cards["placements"].help.splitlines()[2] == (
        "Dibandingkan dengan Juli 2023 – Desember 2023 pada 6 desa-bulan yang melapor di kedua periode.  ")
    labels = {"ov_note_women": "{share} perempuan", "ov_note_problem": "{n} bermasalah"}
    model = overview.model(con, Selection("", JAN, JUN, compare="prev"), "id", labels)
    assert [model.cards[k].note for k in ("reported", "placements", "returns")] == [
        None, "66,7% perempuan", "23 bermasalah"]
    assert model.cards["reported"].caption == "dari 30 laporan yang diharapkan, 23 masuk (76,7%)"
    assert model.cards["placements"].caption == (
        "66,7% perempuan · dari 30 laporan yang diharapkan, 23 masuk (76,7%)")


def test_default_comparison_is_a_year_earlier(con):
    model = overview.model(con, Selection("", JAN, JUN), "id", {})
    assert model.previous_label == "Januari 2023 – Juni 2023"
    # nothing was reported in the first half of 2023 except Tunggangri's June
    assert texts(model)["placements"] == ("138", "0 (0,0%)")
    assert model.cards["placements"].basis == ("dibandingkan dengan Januari 2023 – Juni 2023 pada 1 desa-bulan "
                                               "yang melapor di kedua periode")


def test_stock_is_the_latest_month_not_a_sum(con):
    # Betak's members over the months: 50, 55, (March missing), 60, 58, June blank -> 58
    assert overview.model(con, Selection(B, JAN, JUN), "id", {}).cards["coop_members"].value == 58
    # Tunggangri over the previous period: 100 in each of six months -> 100, not 600
    assert overview.model(con, Selection(A, JUL23, DEC23), "id", {}).cards["coop_members"].value == 100


def test_missing_stays_missing(con):
    # Ponorogo reported only in 2023: in 2024 its flows and stocks are missing, not zero, and no decline
    model = overview.model(con, Selection("35.02", JAN, JUN, compare="prev"), "id", {})
    assert texts(model) == {
        "villages": ("1", "0 (0,0%)"), "reported": ("0", "-6 (-100,0%)"),
        "placements": ("–", None), "returns": ("–", None), "remittances": ("–", None),
        "consultations": ("–", None), "trainees": ("–", None), "children": ("–", None),
        "coop_members": ("–", None), "savings": ("–", None)}
    assert model.monthly["placements"].to_list() == [None] * 6
    # NTB had no report in 2023: no change is shown; Desa Baru's cooperative zeros stay 0
    ntb = overview.model(con, Selection("52", JAN, JUN, compare="prev"), "id", {})
    assert texts(ntb)["placements"] == ("72", None)
    assert texts(ntb)["coop_members"] == ("120", None)
    assert texts(ntb)["villages"] == ("2", "+1 (+100,0%)")


def test_estimate_is_apart_from_the_reported_total(con):
    card = overview.model(con, Selection("", JAN, JUN, compare="prev"), "id", {}).cards["placements"]
    assert card.text == "138"
    # Betak's March and Bringinan's six months filled from each village's own mean (6 each)
    assert card.help.splitlines()[3] == ("Perkiraan 180 (23,3% diperkirakan; 7 desa-bulan yang tidak melapor diisi "
                                         "dari rata-rata 12 laporan terakhir desa itu, atau median desa sekabupaten "
                                         "pada bulan itu).")


def test_a_missing_month_is_not_zero(con):
    model = overview.model(con, Selection(B, JAN, JUN), "id", {})
    assert model.monthly["placements"].to_list() == [6, 6, None, 6, 6, 6]
    assert model.monthly["women"].to_list() == [4, 4, None, 4, 4, 4]
    assert model.monthly["remittances_idr"].to_list() == [12.5e6, 12.5e6, None, 12.5e6, 12.5e6, 12.5e6]
    # the chart leaves March empty (no bar) and marks it
    fig = model.charts["placements"]
    bars = fig.data
    assert bars[0].y[2] is None and bars[1].y[2] is None
    assert [a.x for a in fig.layout.annotations if a.text == "–"] == [date(2024, 3, 1)]


def test_destinations_with_indonesian_names_and_share_women(con):
    model = overview.model(con, Selection("", JAN, JUN), "id", {"ov_col_country": "Negara",
                                                       "ov_col_placements": "Penempatan"})
    table = model.destinations
    assert table["Negara"].to_list() == ["Taiwan", "Malaysia"]
    assert table["Penempatan"].to_list() == [92, 46]
    assert table["ov_col_share_women"].to_list() == ["100,0%", "0,0%"]
    assert table["ov_col_share"].to_list() == ["66,7%", "33,3%"]
    sa = countries.name("SA", "id"), countries.name("KR", "id"), countries.name("KR", "en")
    assert sa == ("Arab Saudi", "Korea Selatan", "South Korea")


def test_figures_name_area_and_period(con):
    labels = {"ov_fig_remittances": "Remitansi per bulan", "ov_axis_rupiah": "Rupiah ({scale})"}
    model = overview.model(con, Selection("35.04", JAN, JUN), "id", labels)
    fig = model.charts["remittances"]
    assert "Remitansi per bulan" in fig.layout.title.text
    assert "Tulungagung, Januari 2024 – Juni 2024" in fig.layout.title.text
    assert fig.layout.yaxis.title.text == "Rupiah (juta)"
    assert list(fig.data[0].y) == [25.0, 25.0, 12.5, 25.0, 25.0, 25.0]  # Betak silent in March
    assert list(fig.data[0].customdata[0]) == ["Januari 2024", "Rp 25,0 juta",
                                              "dari 2 laporan yang diharapkan, 2 masuk (100,0%)"]


def test_children_note_names_the_last_closed_month(con, monkeypatch):
    labels = {k: label_text(k, "id") for k in overview.LABELS}
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-08")   # June's reports are due on 10 July: June is open
    assert overview.model(con, Selection("", JAN, JUN), "id", labels).cards["children"].caption == (
        "Mei 2024: 90 anak · Sementara · dari 30 laporan yang diharapkan, 17 masuk (56,7%)")
    # only open months: the last one, on a card marked Sementara
    assert overview.model(con, Selection("", JUN, JUN), "id", labels).cards["children"].caption == (
        "Juni 2024: 90 anak · Sementara · dari 5 laporan yang diharapkan, 3 masuk (60,0%)")
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-15")   # June closed
    assert overview.model(con, Selection("", JAN, JUN), "id", labels).cards["children"].caption == (
        "Juni 2024: 90 anak · dari 30 laporan yang diharapkan, 17 masuk (56,7%)")


# --- the page -------------------------------------------------------------------------------------

@pytest.fixture
def page(fixture_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-15")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["f_area"] = ""
    at.session_state["f_start"] = JAN
    at.session_state["f_end"] = JUN
    at.run()
    at.switch_page("pages/dashboard/ringkasan.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at) -> dict[str, tuple]:
    return {m.label: (m.value, m.delta or None) for m in at.metric}  # no delta reads as ""


def test_page_shows_exact_figures(page):
    assert page.title[0].value == "Ringkasan"
    shown = metric_values(page)   # the default comparison: the same months a year earlier
    assert shown["Desa program"] == ("5", "+1 (+25,0%)")   # joined by June: 5 against 4
    assert shown["Laporan masuk"] == ("23", "+22 (+2.200,0%)")
    assert shown["Penempatan PMI"] == ("138", "0 (0,0%)")       # Tunggangri's June 2023 against June 2024
    assert shown["Konsultasi calon PMI"] == ("130", "+38 (+950,0%)")
    assert shown["Anak PMI dibina (rata-rata per bulan)"] == ("85", "0 (0,0%)")
    assert shown["Anggota koperasi"] == ("298", "+20 (+20,0%)")
    notes = [c.value for c in page.caption]
    assert "dari 30 laporan yang diharapkan, 23 masuk (76,7%)" in notes
    assert "66,7% perempuan · dari 30 laporan yang diharapkan, 23 masuk (76,7%)" in notes
    assert not page.warning  # not the demo warehouse, no open month (today 2024-07-15)
    table = page.dataframe[0].value
    assert list(table["Negara"]) == ["Taiwan", "Malaysia"]


def test_previous_period_choice_changes_the_basis(page):
    page.sidebar.radio(key="f_compare").set_value("prev").run()
    assert not page.exception
    shown = metric_values(page)
    assert shown["Laporan masuk"] == ("23", "+11 (+91,7%)")
    assert page.query_params["banding"] == "prev"


def test_changing_the_area_changes_the_figures(page):
    area_picker(page, "province").set_value("52").run()
    assert not page.exception
    shown = metric_values(page)
    assert shown["Desa program"] == ("2", "+1 (+100,0%)")
    assert shown["Penempatan PMI"] == ("72", None)
    assert shown["Anggota koperasi"] == ("120", None)
    assert page.session_state["f_area"] == "52"
    area_picker(page, "province").set_value("35").run()
    area_picker(page, "district").set_value("35.02").run()
    shown = metric_values(page)
    assert shown["Penempatan PMI"] == ("–", None)   # missing, not 0, and no decline
    assert shown["Laporan masuk"] == ("0", "0")


def test_page_in_english(page):
    page.sidebar.radio(key="lang_choice").set_value("en").run()
    shown = metric_values(page)
    assert shown["Placements abroad"] == ("138", "0 (0.0%)")
    assert shown["Cooperative members"] == ("298", "+20 (+20.0%)")


def test_open_month_is_provisional(fixture_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-08")   # June's reports are due on 10 July
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["f_area"] = ""
    at.session_state["f_start"] = JAN
    at.session_state["f_end"] = JUN
    at.run()
    at.switch_page("pages/dashboard/ringkasan.py").run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Periode ini memuat bulan yang belum lewat tenggat: angkanya sementara."]
    shown = metric_values(at)
    assert shown["Laporan masuk"] == ("23", None)   # reporting figures are not compared while open
    assert any(c.value.startswith("Sementara · ") for c in at.caption)

