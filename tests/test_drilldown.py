"""Wilayah: the drill-down model (KPIs, quarter, ranked children, breadcrumbs) and the page's interactions."""
from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.views import drilldown
from pipelines import warehouse
from tests.conftest import ROOT, area_picker
from tests.test_maps import JAN, MAR, map_db  # noqa: F401 - the same small fixture warehouse

APP = str(ROOT / "app.py")
LABELS = {"dr_note_women": "{share} perempuan", "dr_quarter": "Triwulan {q} {year} ({months})",
          "dr_col_rank": "Peringkat", "dr_col_code": "Kode", "dr_col_name": "Nama", "dr_col_placements": "Penempatan",
          "dr_col_trend": "Tren", "dr_col_country": "Negara tujuan", "dr_col_share": "Porsi"}


@pytest.fixture
def ro(map_db):  # noqa: F811
    con = warehouse.connect(map_db, read_only=True)
    yield con
    con.close()


def test_last_quarter_is_the_last_complete_calendar_quarter():
    assert drilldown.last_quarter(date(2024, 3, 1)) == (date(2024, 1, 1), date(2024, 3, 1))
    assert drilldown.last_quarter(date(2024, 5, 1)) == (date(2024, 1, 1), date(2024, 3, 1))
    assert drilldown.last_quarter(date(2024, 1, 1)) == (date(2023, 10, 1), date(2023, 12, 1))


def test_district_model_exact_figures(ro):
    m = drilldown.drill_model(ro, "35.04", JAN, MAR, "id", LABELS)
    assert (m.title, m.level, m.child_level) == ("Kabupaten Tulungagung", "district", "subdistrict")
    assert m.crumbs == [("", "Nasional"), ("35", "Provinsi Jawa Timur"), ("35.04", "Kabupaten Tulungagung")]
    k = {x.key: x for x in m.kpis}
    assert k["dr_kpi_villages"].text == "2"
    assert k["dr_kpi_reported"].text == "1 / 2"                      # March: only Tunggangri
    assert (k["dr_kpi_placements"].value, k["dr_kpi_placements"].note) == (23, "73,9% perempuan")  # 17 of 23
    assert k["dr_kpi_returns"].value == 12
    assert k["dr_kpi_remittances"].text == "Rp 50,0 juta"
    assert k["dr_kpi_completeness"].text == "66,7%"                  # 4 of 6 expected reports
    assert k["dr_kpi_members"].value == 170                          # 120 + 50: latest per village, not summed
    assert k["dr_kpi_consultations"].value == 14                     # Betak's blank L01 is not a zero, nor counted
    # Last quarter (Jan-Mar 2024): 23 PMI, to Taiwan 12, Malaysia 6, Hong Kong 5.
    assert (m.quarter_label, m.quarter_total) == ("Triwulan I 2024 (Januari 2024 – Maret 2024)", 23)
    assert m.quarter_destinations.rows() == [("Taiwan", 12, 12 / 23), ("Malaysia", 6, 6 / 23),
                                             ("Hong Kong", 5, 5 / 23)]
    assert m.quarter_destinations_view.row(0) == ("Taiwan", "12", "52,2%")
    # One child unit, with its monthly placements as a trend (Feb: 6 + 5).
    assert m.children.select("Peringkat", "Kode", "Nama", "Penempatan").rows() == [(1, "35.04.14", "Kalidawir", 23.0)]
    assert m.children_view["Tren"].to_list() == [[6, 11, 6]]
    assert m.examples == [("35.04", "Kabupaten Tulungagung"), ("35.02", "Kabupaten Ponorogo")]


def test_national_model_ranks_children_with_missing_last(ro):
    m = drilldown.drill_model(ro, "", JAN, MAR, "id", LABELS)
    assert m.crumbs == [("", "Nasional")] and m.child_level == "province"
    assert m.children.select("Peringkat", "Nama", "Penempatan").rows() == [
        (1, "Jawa Timur", 23.0), (2, "Nusa Tenggara Barat", None)]
    assert m.children_view.select("Nama", "Penempatan").rows() == [("Jawa Timur", "23"),
                                                                   ("Nusa Tenggara Barat", "–")]
    assert m.children_view["Tren"].to_list()[1] is None  # nobody reported: no line, not a line of zeros


def test_unreported_district_shows_missing_not_zero(ro):
    m = drilldown.drill_model(ro, "35.02", JAN, MAR, "id", LABELS)
    k = {x.key: x for x in m.kpis}
    assert k["dr_kpi_placements"].text == "–" and k["dr_kpi_remittances"].text == "–"
    assert k["dr_kpi_completeness"].text == "0,0%"  # joined, expected, silent
    assert m.quarter_total is None and m.destinations.height == 0


def test_village_model_has_no_children(ro):
    m = drilldown.drill_model(ro, "35.04.14.2016", JAN, MAR, "id", LABELS)
    assert (m.title, m.child_level, m.children.height) == ("Desa Betak", None, 0)
    assert m.crumbs[-2:] == [("35.04.14", "Kec. Kalidawir"), ("35.04.14.2016", "Desa Betak")]


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
    assert (metrics["Penempatan PMI"], metrics["Anggota koperasi"], metrics["Kelengkapan laporan"]) == (
        "23", "170", "66,7%")
    assert "**Kabupaten Tulungagung**: desa Desmigratif menempatkan **23 PMI** pada Triwulan I 2024" in \
        " ".join(md.value for md in app.markdown)
    quarter = app.dataframe[0].value
    assert list(quarter.itertuples(index=False, name=None)) == [("Taiwan", "12", "52,2%"),
                                                                ("Malaysia", "6", "26,1%"),
                                                                ("Hong Kong", "5", "21,7%")]
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
