"""Wilayah: the drill-down model (KPIs, quarter, ranked children, breadcrumbs) and the page's interactions."""
from __future__ import annotations

import json
from datetime import date

import polars as pl
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from pipelines import labels, migrations
from pipelines.views import drilldown
from pipelines.views.selection import Selection
from tests.conftest import ROOT, area_picker, good_identity, good_values, make_workbook
from tests.test_maps import JAN, MAR, map_db  # noqa: F401 - the same small fixture warehouse

APP = str(ROOT / "app.py")
LABELS = {k: labels.text(k, "id") for k in drilldown.LABEL_KEYS}
TUNGGANGRI, BETAK, BARU = "35.04.14.2011", "35.04.14.2016", "52.03.01.2001"
NAMES = {TUNGGANGRI: "Tunggangri", BETAK: "Betak", BARU: "Desa Baru"}


@pytest.fixture
def ro(map_db):  # noqa: F811
    con = migrations.connect(map_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def closed(monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-06-01")  # every month of Q1 2024 is closed


def report(ingest, village: str, period: str, placements=None, **values):
    vals = {**good_values(), **values}
    identity = good_identity(kode_desa=village, nama_desa=NAMES[village], periode=period,
                             tanggal_lapor=f"{period}-28")
    [r] = ingest({f"{village}-{period}.xlsx": make_workbook(identity, vals, placements=placements)})
    assert r.status.startswith("accepted"), r.errors


def test_last_quarter_is_the_last_complete_calendar_quarter():
    assert drilldown.last_quarter(date(2024, 3, 1)) == (date(2024, 1, 1), date(2024, 3, 1))
    assert drilldown.last_quarter(date(2024, 5, 1)) == (date(2024, 1, 1), date(2024, 3, 1))
    assert drilldown.last_quarter(date(2024, 1, 1)) == (date(2023, 10, 1), date(2023, 12, 1))


def test_district_model_exact_figures(ro, closed):
    m = drilldown.model(ro, Selection("35.04", JAN, MAR), "id", LABELS)
    assert (m.title, m.level, m.child_level, m.provisional) == ("Kabupaten Tulungagung", "district", "subdistrict",
                                                                 False)
    assert m.crumbs == [("", "Nasional"), ("35", "Provinsi Jawa Timur"), ("35.04", "Kabupaten Tulungagung")]
    k = {c.key: c for c in m.cards}
    assert (k["villages_joined"].text, k["reports_in"].text, k["completeness"].text) == ("2", "4", "66,7%")
    assert k["placements"].text == "23"
    assert k["placements"].caption == "73,9% perempuan · dari 6 laporan yang diharapkan, 4 masuk (66,7%)"
    assert (k["returns"].text, k["remittances"].text) == ("12", "Rp 50,0 juta")
    assert k["K01"].text == "170"                                  # 120 + 50: latest per village, not summed
    assert k["K01"].coverage == "dari 2 desa program, 2 melaporkan (100,0%)"
    # a composite needs both parts: Betak's February (L01 blank) is not counted, and says so
    assert (k["consultations"].text, k["consultations"].coverage) == (
        "12", "dari 6 laporan yang diharapkan, 3 masuk (50,0%)")
    # C02 is per month: the average month (30, 60, 30), with the latest month beside it; never 120
    assert (k["C02"].title, k["C02"].text, k["C02"].note) == ("Anak PMI dibina (rata-rata per bulan)", "40",
                                                              "Maret 2024: 30")
    assert k["placements"].delta is None   # nothing reported a year earlier: no change shown, never a fall
    pillar3 = dict((name, rows) for name, rows in m.pillars)["Pilar 3 · Community Parenting"]
    assert pillar3 == [("Anak PMI dibina (per bulan)", "40", "4/6 laporan"), ("Anak PMI terdata", "80", "2/2 desa"),
                       ("Kegiatan community parenting", "8", "4/6 laporan")]
    c02 = m.indicators.filter(pl.col("Kode") == "C02").row(0)
    assert c02[4:] == ("rata-rata per bulan", 40.0, 4, 6)
    # One child unit, with its monthly placements as a trend (Feb: 6 + 5) and its coverage.
    assert m.children.select("Peringkat", "Kode", "Nama", "Laporan masuk", "Laporan diharapkan",
                             "Penempatan").rows() == [(1, "35.04.14", "Kalidawir", 4, 6, 23.0)]
    assert m.children_view["Tren penempatan per bulan"].to_list() == [[6, 11, 6]]
    assert m.children_view["Laporan masuk / diharapkan"].to_list() == ["4 / 6"]
    assert m.examples == [("35.04", "Kabupaten Tulungagung"), ("35.02", "Kabupaten Ponorogo")]


def test_quarter_sentence_and_table_are_the_same_figure(ro, closed):
    m = drilldown.model(ro, Selection("35.04", JAN, MAR), "id", LABELS)
    # Last quarter (Jan-Mar 2024): 23 PMI, to Taiwan 12, Malaysia 6, Hong Kong 5.
    assert m.quarter_label == "Triwulan I 2024 (Januari 2024 – Maret 2024)"
    assert m.quarter_total == 23 == sum(m.quarter_destinations["Penempatan"])
    assert m.quarter_text == ("**Kabupaten Tulungagung**: desa Desmigratif menempatkan **23 PMI** pada "
                              "Triwulan I 2024 (Januari 2024 – Maret 2024).")
    assert m.quarter_coverage == "Dari 6 laporan yang diharapkan, 4 masuk (66,7%)"
    assert m.quarter_destinations.rows() == [("Taiwan", 12, 12 / 23), ("Malaysia", 6, 6 / 23),
                                             ("Hong Kong", 5, 5 / 23)]


def test_pre_join_placements_never_reach_sentence_or_table(con, ingest, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2021-06-01")
    report(ingest, BARU, "2020-12")   # Desa Baru joined in 2021: kept, never a programme figure
    m = drilldown.model(con, Selection("52", date(2020, 10, 1), date(2020, 12, 1)), "id", LABELS)
    assert (m.quarter_total, m.quarter_destinations.height, m.destinations.height) == (None, 0, 0)
    assert m.quarter_text == ("**Provinsi Nusa Tenggara Barat**: belum ada laporan desa yang masuk untuk "
                              "Triwulan IV 2020 (Oktober 2020 – Desember 2020).")
    assert {c.key: c.text for c in m.cards}["placements"] == "–"


def test_national_programme_villages_and_children(ro, closed):
    m = drilldown.model(ro, Selection("", JAN, MAR), "id", LABELS)
    assert m.crumbs == [("", "Nasional")] and m.child_level == "province"
    # Desa program: villages joined by March 2024 (Desa Baru joins in 2025), not every registry village
    assert {c.key: c.text for c in m.cards}["villages_joined"] == "3"
    assert m.children.select("Peringkat", "Nama", "Desa program", "Penempatan").rows() == [(1, "Jawa Timur", 3, 23.0)]


def test_unreported_district_shows_missing_not_zero(ro, closed):
    m = drilldown.model(ro, Selection("35.02", JAN, MAR), "id", LABELS)
    k = {c.key: c for c in m.cards}
    assert k["placements"].text == "–" and k["remittances"].text == "–"
    assert k["completeness"].text == "0,0%"  # joined, expected, silent
    assert m.quarter_total is None and m.destinations.height == 0 and m.quarter_destinations.height == 0
    assert m.children_view["Tren penempatan per bulan"].to_list() == [None]  # no line of zeros


def test_change_is_like_for_like_with_its_basis(con, ingest, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-06-01")
    two = [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 2}]
    five = [{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 5}]
    report(ingest, TUNGGANGRI, "2023-03", placements=two)
    report(ingest, BETAK, "2023-03", placements=five)
    report(ingest, TUNGGANGRI, "2024-03", placements=five)  # Betak silent in March 2024: no decline
    m = drilldown.model(con, Selection("35.04", MAR, MAR, compare="yoy"), "id", LABELS)
    placements = {c.key: c for c in m.cards}["placements"]
    assert (placements.text, placements.delta) == ("5", "+3 (+150,0%)")
    assert placements.basis == "dibandingkan dengan Maret 2023 pada 1 desa-bulan yang melapor di kedua periode"
    assert placements.help.endswith("Dibandingkan dengan Maret 2023 pada 1 desa-bulan yang melapor di kedua periode.")


def test_open_month_is_marked_sementara(ro, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-10")  # March's deadline day: still open
    m = drilldown.model(ro, Selection("35.04", JAN, MAR), "id", LABELS)
    assert m.provisional and all(c.provisional for c in m.cards)
    assert {c.key: c for c in m.cards}["placements"].caption.startswith("73,9% perempuan · Sementara · ")
    assert "Penempatan (sementara)" in m.children.columns
    assert m.quarter_label.endswith("(sementara)")
    # a reporting figure is never compared while a month is open (not-yet-due reports would read as a fall)
    assert {c.key: c for c in m.cards}["reports_in"].delta is None


def test_village_model_has_no_children(ro, closed):
    m = drilldown.model(ro, Selection("35.04.14.2016", JAN, MAR), "id", LABELS)
    assert (m.title, m.child_level, m.children.height) == ("Desa Betak", None, 0)
    assert m.crumbs[-2:] == [("35.04.14", "Kec. Kalidawir"), ("35.04.14.2016", "Desa Betak")]


def test_village_model_says_yes_or_no_and_has_no_programme_villages_card(ro, closed):
    m = drilldown.model(ro, Selection("35.04.14.2016", JAN, MAR), "id", LABELS)
    assert "villages_joined" not in {c.key for c in m.cards}   # never "Desa program 1"
    coop = dict((name, value) for name, value, _ in dict(m.pillars)["Pilar 4 · Koperasi"])
    assert coop["Koperasi berbadan hukum"] == "ya"
    district = drilldown.model(ro, Selection("35.04", JAN, MAR), "id", LABELS)
    assert {c.key for c in district.cards} >= {"villages_joined"}
    assert dict((n, v) for n, v, _ in dict(district.pillars)["Pilar 4 · Koperasi"])[
        "Koperasi berbadan hukum"] == "2 desa"


def test_a_flag_nobody_reported_is_a_dash_not_zero_villages():
    assert drilldown._value_text("K05", 0.0, "id", LABELS, covered=0) == "–"
    assert drilldown._value_text("K05", None, "id", LABELS, covered=0) == "–"
    assert drilldown._value_text("K05", 0.0, "id", LABELS, covered=2) == "0 desa"
    assert drilldown._value_text("K05", 1.0, "id", LABELS, covered=1, level="village") == "ya"
    assert drilldown._value_text("K05", 0.0, "en", {**LABELS, "vp_no": "no"}, covered=1, level="village") == "no"


def test_registry_names_are_escaped_in_the_sentence():
    assert drilldown.md_escape("Desa *Baru* [x](y)") == "Desa \\*Baru\\* \\[x\\]\\(y\\)"


# --- the page ------------------------------------------------------------------------------------------------

@pytest.fixture
def app(map_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PANTAU_DB", str(map_db))
    monkeypatch.setenv("PANTAU_TODAY", "2024-04-15")
    monkeypatch.delenv("PANTAU_BOUNDARIES", raising=False)
    return AppTest.from_file(APP, default_timeout=60)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _area(at) -> str:
    value = at.query_params["area"]
    return value[0] if isinstance(value, list) else value


def test_query_parameter_link_opens_tulungagung(app):
    app.query_params["area"] = "35.04"
    app.switch_page("pages/dashboard/wilayah.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "Wilayah"
    assert app.header[0].value == "Kabupaten Tulungagung"
    metrics = _metrics(app)
    assert (metrics["Penempatan PMI"], metrics["Anggota koperasi"], metrics["Kelengkapan laporan"],
            metrics["Desa program"]) == ("23", "170", "66,7%", "2")
    assert "Dari 6 laporan yang diharapkan, 4 masuk (66,7%)" in [c.value for c in app.caption]
    assert "**Kabupaten Tulungagung**: desa Desmigratif menempatkan **23 PMI** pada Triwulan I 2024" in \
        " ".join(md.value for md in app.markdown)
    assert sent(app.dataframe[0]) == [{"Negara tujuan": "Taiwan", "Penempatan": 12, "Porsi": 0.5217},
                                      {"Negara tujuan": "Malaysia", "Penempatan": 6, "Porsi": 0.2609},
                                      {"Negara tujuan": "Hong Kong", "Penempatan": 5, "Porsi": 0.2174}]
    assert [row["Porsi"] for row in shown(app.dataframe[0])] == ["52,2%", "26,1%", "21,7%"]
    assert _area(app) == "35.04"


def test_breadcrumb_child_and_example_change_the_area(app):
    app.query_params["area"] = "35.04"
    app.switch_page("pages/dashboard/wilayah.py").run()
    assert [b.label for b in app.button if b.key.startswith("dr_crumb_")] == ["Nasional", "Provinsi Jawa Timur"]
    app.button(key="dr_crumb_35").click().run()                       # breadcrumb up to the province
    assert app.header[0].value == "Provinsi Jawa Timur" and _area(app) == "35"
    app.selectbox(key="dr_drill_35").set_value("35.02").run()        # a child from the ranked list
    assert app.header[0].value == "Kabupaten Ponorogo" and _metrics(app)["Penempatan PMI"] == "–"
    app.button(key="dr_example_35.04").click().run()                  # one-click example
    assert app.header[0].value == "Kabupaten Tulungagung"
    assert area_picker(app, "district").value == "35.04"
    assert not app.exception


def test_english_labels_and_formats(app):
    app.query_params["area"] = "35.04"
    app.query_params["lang"] = "en"
    app.switch_page("pages/dashboard/wilayah.py").run()
    assert not app.exception
    metrics = _metrics(app)
    assert (metrics["Placements"], metrics["Remittances"]) == ("23", "Rp 50.0 million")



def sent(table) -> list[dict]:
    """The rows a st.dataframe sent to the browser, with their types (Arrow)."""
    return pa.ipc.open_stream(table.proto.arrow_data.data).read_all().to_pylist()


def shown(table) -> list[dict]:
    """The text the browser shows for each cell that Python writes (pandas Styler display values)."""
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pylist()


def column_formats(table) -> dict[str, str]:
    return {c: v["type_config"].get("format") for c, v in json.loads(table.proto.columns).items()
            if v.get("type_config", {}).get("type") == "number"}


@pytest.mark.parametrize("lang,counts,women,completeness", [
    ("id", "%'.,d", ["73,9%", "–"], ["66,7%", "0,0%"]), ("en", "%,d", ["73.9%", "–"], ["66.7%", "0.0%"])])
def test_ranking_sends_numbers_and_writes_them_in_the_language(app, lang, counts, women, completeness):
    """Sorting the ranking by placements orders 9 before 10: the browser gets numbers, written for the language
    (whole numbers by a column format: "%'.,d" is 1.234; shares by Python: 73,9%)."""
    app.query_params["area"] = "35"
    app.query_params["lang"] = lang
    app.switch_page("pages/dashboard/wilayah.py").run()
    assert not app.exception, [e.value for e in app.exception]
    ranking = app.dataframe[-1]
    schema = pa.ipc.open_stream(ranking.proto.arrow_data.data).read_all().schema
    header = {"id": ("Penempatan", "% perempuan", "Kelengkapan", "Remitansi (Rp)"),
              "en": ("Placements", "% women", "Completeness", "Remittances (Rp)")}[lang]
    assert all(pa.types.is_integer(schema.field(h).type) or pa.types.is_floating(schema.field(h).type) for h in header)
    assert [(row[header[0]], row[header[1]], row[header[2]], row[header[3]]) for row in sent(ranking)] == [
        (23, 0.7391, 0.6667, 50_000_000), (None, None, 0.0, None)]
    formats = column_formats(ranking)
    assert formats[header[0]] == formats[header[3]] == counts
    assert [row[header[1]] for row in shown(ranking)] == women
    assert [row[header[2]] for row in shown(ranking)] == completeness
    assert ranking.proto.placeholder == "–"   # a value nobody reported: never 0, never 'None'
