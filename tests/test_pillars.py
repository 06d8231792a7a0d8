"""Pilar: pipelines.views.pillars (KPIs, trends, comparison, scorecard, outlier rule) and its page, figures by hand.

The fixture warehouse is the one of tests/test_overview.py (6 villages, 36 workbooks; see there).
"""
from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import labels, migrations
from pipelines.metrics import outliers
from pipelines.views import pillars
from pipelines.views.selection import Selection
from tests.conftest import ROOT, area_picker
from tests.test_overview import JAN, JUN, A, B, N, Y, build_warehouse

APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    return build_warehouse(tmp_path_factory.mktemp("pillars"))


@pytest.fixture
def con(fixture_db):
    connection = migrations.connect(fixture_db, read_only=True)
    yield connection
    connection.close()


# --- the robust outlier rule ----------------------------------------------------------------------

def test_outlier_rule_median_and_mad():
    history = [10, 12, 11, 13, 9, 10, 11, 12]        # median 11, MAD 1
    assert outliers.is_outlier(17, history) is True    # 0.6745 * 6 / 1 = 4.05 > 3.5
    assert outliers.is_outlier(16, history) is False   # 0.6745 * 5 / 1 = 3.37
    assert outliers.is_outlier(5, history) is True     # a drop counts as well
    # one wild month in the history barely moves median and MAD (a mean and SD would be pulled)
    assert outliers.is_outlier(17, history[:-1] + [500]) is True


def test_outlier_rule_needs_six_months_of_history():
    assert outliers.is_outlier(40, [2] * 5) is None
    assert outliers.is_outlier(40, [2, None, 2, None, 2, 2, 2, None]) is None  # blanks are not history
    assert outliers.is_outlier(40, [2, None, 2, None, 2, 2, 2, 2]) is True


def test_outlier_rule_when_mad_is_zero():
    # a constant history: only a clear jump (more than 3 units and more than half the median) counts
    assert outliers.is_outlier(2, [2] * 12) is False
    assert outliers.is_outlier(5, [2] * 12) is False
    assert outliers.is_outlier(6, [2] * 12) is True
    assert outliers.is_outlier(170, [120] * 12) is False
    assert outliers.is_outlier(181, [120] * 12) is True
    # an activity held now and then: 3.5 x 1.2533 x mean abs. deviation (37/12) = 13.5
    sparse = [0] * 9 + [12, 10, 15]
    assert outliers.is_outlier(13, sparse) is False
    assert outliers.is_outlier(14, sparse) is True


# --- the page model -----------------------------------------------------------------------------------

def kpi_texts(model, pillar):
    return {code: (k.text, k.delta) for code, k in model.pillars[pillar].kpis.items()}


def test_kpis_from_the_metric_layer_like_for_like(con):
    model = pillars.model(con, Selection("", JAN, JUN), "id", {})
    koperasi = kpi_texts(model, 4)
    # stock: each village's latest month (120 + 58 + 0 + 120), not a sum of months; compared with
    # January-June 2023 only where both periods reported: Tunggangri alone (100 -> 120)
    assert koperasi["K01"] == ("298", "+20 (+20,0%)")
    k01 = model.pillars[4].kpis["K01"]
    assert k01.coverage == "dari 5 desa program, 4 melaporkan (80,0%)"
    assert k01.basis == "dibandingkan dengan Januari 2023 – Juni 2023 pada 1 desa yang melapor di kedua periode"
    assert koperasi["K02"] == ("Rp 750,0 juta", "Rp 0 (0,0%)") and model.pillars[4].kpis["K02"].still
    assert koperasi["K05"] == ("3", "0 (0,0%)")       # latest flag ya: Tunggangri, Betak (May), Sukadamai
    usaha = model.pillars[2].kpis["U02"]
    assert (usaha.text, usaha.delta) == ("36", "0 (0,0%)")   # Betak's zeros add 0; June 2023 matched: 2 vs 2
    assert usaha.coverage == "dari 30 laporan yang diharapkan, 23 masuk (76,7%)"
    assert model.previous_label == "Januari 2023 – Juni 2023" and not model.provisional
    # C02 counts children served per month: the average per month (90 x 5 + 60 in March) / 6, and June
    c02 = model.pillars[3].kpis["C02"]
    assert (c02.title, c02.text) == ("Anak PMI dibina (per bulan)", "85")
    assert c02.note == "ov_note_children_latest"
    named = pillars.model(con, Selection("", JAN, JUN), "id", {"ov_note_children_latest": "{month}: {n} anak"})
    assert named.pillars[3].kpis["C02"].note == "Juni 2024: 90 anak"
    # the previous period: nothing reported in both, so no change is shown (never a decline)
    ntb = pillars.model(con, Selection("52", JAN, JUN, compare="prev"), "id", {})
    assert ntb.previous_label == "Juli 2023 – Desember 2023"
    assert kpi_texts(ntb, 4)["K01"] == ("120", None)
    assert ntb.pillars[4].kpis["K01"].basis.endswith("pada 0 desa yang melapor di kedua periode")
    # missing stays missing: Ponorogo reported nothing in 2024
    ponorogo = pillars.model(con, Selection("35.02", JAN, JUN), "id", {})
    assert kpi_texts(ponorogo, 4)["K01"] == ("–", None)
    assert kpi_texts(ponorogo, 4)["K02"] == ("–", None)


def test_an_open_month_is_sementara_and_not_due_is_not_missing(fixture_db, monkeypatch):
    # on 10 July 2024 (the deadline day) June is still open: Bringinan has not sent June, nor anything else
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-10")
    connection = migrations.connect(fixture_db, read_only=True)
    try:
        model = pillars.model(connection, Selection("", JAN, JUN), "id", {"sementara": "sementara"})
    finally:
        connection.close()
    assert model.provisional
    assert model.pillars[4].kpis["K01"].caption == "Sementara · dari 5 desa program, 4 melaporkan (80,0%)"
    assert model.pillars[4].trend_table.rows()[-1] == (JUN, 240.0, 3, 5, "sementara")
    assert model.pillars[4].comparison_table.rows()[0] == ("35", "Jawa Timur", 178.0, 2, 3, "sementara")
    assert "(sementara)" in model.pillars[4].trend.layout.title.text
    # Bringinan's June is not yet due: '…', not '–'; the 30 expected reports less that one are due
    assert model.scorecard.row(0)[:4] == ("35.02.20.2001", "Bringinan", "Jambon", "…")
    assert model.summary["due"].to_list() == [29] * 4


def test_trend_keeps_a_missing_month_empty_and_stocks_per_month(con):
    model = pillars.model(con, Selection("", JAN, JUN), "id", {})
    # members per month: the villages reporting that month (Betak silent in March, blank in June)
    assert model.pillars[4].trend_table["pl_col_value"].to_list() == [290, 295, 240, 300, 298, 240]
    assert model.pillars[4].trend_table["pl_col_covered"].to_list() == [4, 4, 3, 4, 4, 3]
    assert model.pillars[4].trend_table["pl_col_expected"].to_list() == [5] * 6
    hover = model.pillars[4].trend.data[0].customdata[2]
    assert hover[2] == "dari 5 desa program, 3 melaporkan (60,0%)"
    betak = pillars.model(con, Selection(B, JAN, JUN), "id", {}, picks=("C02",))
    assert betak.pillars[3].trend_table["pl_col_value"].to_list() == [30, 30, None, 30, 30, 30]
    fig = betak.pillars[3].trend
    assert fig.data[0].y[2] is None and fig.data[0].type == "bar"
    assert model.pillars[4].trend.data[0].type == "scatter"  # a stock is drawn as a line
    assert betak.child_level is None and betak.pillars[3].comparison is None  # a village has no units below


def test_comparison_across_child_units(con):
    national = pillars.model(con, Selection("", JAN, JUN), "id", {})
    assert national.child_level == "province"
    rows = national.pillars[4].comparison_table.rows()
    # value, covered (villages with a balance), expected (programme villages)
    assert rows == [("35", "Jawa Timur", 178.0, 2, 3, ""), ("52", "Nusa Tenggara Barat", 120.0, 2, 2, "")]
    east_java = pillars.model(con, Selection("35", JAN, JUN), "id", {"pl_fig_compare": "{indicator} menurut {level}",
                                                          "pl_level_district": "kabupaten/kota"})
    assert east_java.child_level == "district"
    # Ponorogo reported nothing: listed last with no value, and no bar drawn for it
    assert east_java.pillars[4].comparison_table.rows() == [
        ("35.04", "Kabupaten Tulungagung", 178.0, 2, 2, ""), ("35.02", "Kabupaten Ponorogo", None, 0, 1, "")]
    fig = east_java.pillars[4].comparison
    assert list(fig.data[0].y) == ["Kabupaten Tulungagung"]
    assert "Anggota koperasi menurut kabupaten/kota" in fig.layout.title.text


def test_picked_indicators_are_charted(con):
    model = pillars.model(con, Selection("", JAN, JUN), "id", {}, picks=("L08", "U06", "K99"))
    assert [model.pillars[p].pick for p in pillars.PILLARS] == ["L08", "U06", "C02", "K01"]
    assert model.pillars[1].trend_table["pl_col_value"].to_list() == [12, 12, 9, 12, 12, 12]


def test_trend_titles_say_per_month_once(con):
    labels = {"pl_fig_trend": "{indicator} per bulan"}
    children = pillars.model(con, Selection(B, JAN, JUN), "id", labels, picks=("C02",))
    title = children.pillars[3].trend.layout.title.text
    assert title.startswith("<b>Anak PMI dibina (per bulan)</b>") and "per bulan) per bulan" not in title
    members = pillars.model(con, Selection(B, JAN, JUN), "id", labels)
    assert members.pillars[4].trend.layout.title.text.startswith("<b>Anggota koperasi per bulan</b>")


def test_trend_title_says_per_month_once_for_the_briefing_too():
    assert pillars.trend_title("C02", "id", {"pl_fig_trend": "{indicator} per bulan"}) == "Anak PMI dibina (per bulan)"
    assert pillars.trend_title("C02", "en", {"pl_fig_trend": "{indicator} per month"}) == "Migrants' children served (per month)"
    assert pillars.trend_title("K01", "id", {"pl_fig_trend": "{indicator} per bulan"}) == "Anggota koperasi per bulan"


def test_indicator_text_is_singular_for_one():
    en = {k: labels.text(k, "en") for k in pillars.LABELS}
    ind = {k: labels.text(k, "id") for k in pillars.LABELS}
    assert [pillars.indicator_text(v, "orang", "en", en) for v in (1, 1.0, 2, 0)] == [
        "1 person", "1 person", "2 people", "0 people"]
    assert [pillars.indicator_text(v, "ya/tidak", "en", en) for v in (1, 3)] == ["1 village", "3 villages"]
    assert [pillars.indicator_text(v, "kegiatan", "id", ind) for v in (1, 2)] == ["1 kegiatan", "2 kegiatan"]


def test_scorecard(con):
    model = pillars.model(con, Selection("", JAN, JUN), "id", {})
    card = model.scorecard
    assert card.columns[:6] == ["pl_col_code", "pl_col_village", "pl_col_subdistrict", "pl_short_1 · pl_sc_reported",
                                "pl_short_1 · pl_sc_active", "pl_short_1 · pl_sc_outlier"]
    # per village: (reported, active, outlier) x 4 pillars; '' = not enough history to judge
    assert [r[3:] for r in card.rows()] == [
        # Bringinan: joined, silent in 2024
        ("–", "–", "", "–", "–", "", "–", "–", "", "–", "–", "", ""),
        # Tunggangri: 12 months of history; L01 jumps from 2 to 40; members 100 -> 120 is no outlier
        ("✓", "✓", "⚠", "✓", "✓", "–", "✓", "✓", "–", "✓", "✓", "–", "L01"),
        # Betak: business all zero (reported, not active); cooperative blank in June
        ("✓", "✓", "", "✓", "–", "", "✓", "✓", "", "–", "✓", "", ""),
        # Desa Baru: parenting never filled in; cooperative all zero
        ("✓", "✓", "", "✓", "✓", "", "–", "–", "", "✓", "–", "", ""),
        ("✓", "✓", "", "✓", "✓", "", "✓", "✓", "", "✓", "✓", "", ""),
    ]
    assert card["pl_col_code"].to_list() == ["35.02.20.2001", A, B, N, Y]  # Masa Depan joins in 2025


def test_weakest_pillar_in_ntb(con):
    model = pillars.model(con, Selection("52", JAN, JUN), "id", {})
    assert model.weakest == 3
    assert model.summary.rows() == [
        # pillar, villages, reporting, due, reported, share_reported, active, share_active, outliers, rank
        (3, 2, 2, 12, 6, 0.5, 1, 0.5, 0, 1),    # Community Parenting: Desa Baru never reports it
        (4, 2, 2, 12, 12, 1.0, 1, 0.5, 0, 2),   # Koperasi: reported by both, but Desa Baru's are all 0
        (1, 2, 2, 12, 12, 1.0, 2, 1.0, 0, 3),
        (2, 2, 2, 12, 12, 1.0, 2, 1.0, 0, 4),
    ]
    national = pillars.model(con, Selection("", JAN, JUN), "id", {})
    # coverage-aware: shares of the 4 villages that reported (Bringinan sent nothing in 2024), then of
    # the 30 due reports; Tunggangri's L01 outlier under Layanan (last)
    assert national.summary.select("pillar", "reporting", "due", "reported", "active").rows() == [
        (3, 4, 30, 17, 3), (4, 4, 30, 22, 3), (2, 4, 30, 23, 3), (1, 4, 30, 23, 4)]
    assert national.summary["outliers"].to_list() == [0, 0, 0, 1]


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
    at.switch_page("pages/dashboard/pilar.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at) -> dict[str, tuple]:
    return {m.label: (m.value, m.delta or None) for m in at.metric}


def chart_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"]["title"]["text"] for c in at.get("plotly_chart")]


def test_page_tabs_metrics_and_scorecard(page):
    assert page.title[0].value == "Pilar"
    assert [tab.label for tab in page.tabs] == ["Layanan Migrasi", "Usaha Produktif", "Community Parenting", "Koperasi"]
    shown = metric_values(page)
    assert shown["Anggota koperasi"] == ("298", "+20 (+20,0%)")
    assert shown["Koperasi berbadan hukum"] == ("3", "0 (0,0%)")
    assert shown["Total simpanan anggota"] == ("Rp 750,0 juta", "Rp 0 (0,0%)")
    assert shown["Anak PMI dibina (per bulan)"] == ("85", "0 (0,0%)")
    assert not any("bulan ini" in label for label in shown)
    assert len(shown) == 25
    [k01] = [m for m in page.metric if m.label == "Anggota koperasi"]
    assert "dari 5 desa program, 4 melaporkan (80,0%)" in k01.help
    assert "pada 1 desa yang melapor di kedua periode" in k01.help
    assert page.markdown[0].value == (
        "Pilar terlemah di Nasional, Januari 2024 – Juni 2024: **Community Parenting**. 3 dari 4 desa yang "
        "melapor tergolong aktif (75,0%); pilar ini terisi pada 17 dari 30 laporan yang sudah jatuh tempo (56,7%).")
    summary, *_, card = [d.value for d in page.dataframe]
    assert list(summary["Pilar"]) == ["Community Parenting", "Koperasi", "Usaha Produktif", "Layanan Migrasi"]
    assert list(card["Layanan · pencilan"]) == ["", "⚠", "", "", ""]
    assert list(card["Koperasi · lapor"]) == ["–", "✓", "–", "✓", "✓"]
    assert any("✓ ya · – tidak · ⚠ pencilan" in m.value for m in page.markdown)  # the legend
    assert "Anggota koperasi per bulan" in chart_titles(page)[6]


def test_area_filter_and_indicator_pick_change_the_page(page):
    area_picker(page, "province").set_value("52").run()
    assert not page.exception
    assert page.markdown[0].value.startswith("Pilar terlemah di Provinsi Nusa Tenggara Barat")
    assert "**Community Parenting**. 1 dari 2 desa yang melapor tergolong aktif (50,0%)" in page.markdown[0].value
    assert metric_values(page)["Anggota koperasi"] == ("120", None)  # no NTB report in 2023
    assert list(page.dataframe[-1].value["Desa"]) == ["Desa Baru", "Sukadamai"]
    page.selectbox(key="pl_pick_4").set_value("K02").run()
    assert not page.exception
    assert "Total simpanan anggota per bulan" in chart_titles(page)[6]
    assert "Total simpanan anggota menurut kabupaten/kota" in chart_titles(page)[7]


def test_page_in_english(page):
    page.sidebar.radio(key="lang_choice").set_value("en").run()
    assert [tab.label for tab in page.tabs] == ["Migration services", "Productive enterprise",
                                                "Community parenting", "Cooperative"]
    assert metric_values(page)["Cooperative members"] == ("298", "+20 (+20.0%)")
    assert page.markdown[0].value.startswith("Weakest pillar in National, January 2024 – June 2024: "
                                             "**Community parenting**. Active among reporting villages: 3 of 4 (75.0%)")

