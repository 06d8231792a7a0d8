"""What presenters see: chart axes and ticks, colour legends, table numbers in each language (issue 10)."""
from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import polars as pl
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from pipelines import charts, labels
from pipelines.views import overview, reporting, table_text, village_profile

MONTHS = [date(2025, 11, 1), date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 11)]
VP_LABELS = {k: labels.text(k, "id") for k in village_profile.LABEL_KEYS}
VP_LABELS_EN = {k: labels.text(k, "en") for k in village_profile.LABEL_KEYS}


# --- tables ------------------------------------------------------------------------------------------

def test_table_numbers_in_each_language():
    frame = pl.DataFrame({"Negara": ["Taiwan", "Brunei"], "Penempatan": [6102, 66], "Porsi": [0.302, None],
                          "Rata-rata": [1.25, None], "Tahun bergabung": [2025, 2026], "Kode": [3502, 3504]})
    assert table_text.shown(frame, "id").rows() == [
        ("Taiwan", "6.102", "30,2%", "1,2", 2025, 3502), ("Brunei", "66", "–", "–", 2026, 3504)]
    english = frame.rename({"Porsi": "Share"})
    assert table_text.shown(english, "en").rows()[0] == ("Taiwan", "6,102", "30.2%", "1.2", 2025, 3502)
    assert table_text.numeric_columns(frame) == ["Penempatan", "Porsi", "Rata-rata"]


def test_number_columns_are_right_aligned():
    frame = pl.DataFrame({"Nama": ["Ponorogo", "Blitar"], "Penempatan": ["2.881", "–"], "Remitansi": ["Rp 48,5 juta", "Rp 0"],
                          "Laporan": ["12 / 14", "3 / 3"], "Kode": ["35.02", "35.05"], "n": [1, 2], "Catatan": ["–", "–"]})
    assert table_text.right_aligned(frame) == ["n", "Penempatan", "Remitansi", "Laporan"]


def test_whole_floats_are_counts_in_tables():
    frame = pl.DataFrame({"Bulan tanpa laporan": [8.0, 12.0]})
    assert table_text.shown(frame, "id")["Bulan tanpa laporan"].to_list() == ["8", "12"]


# --- chart axes ----------------------------------------------------------------------------------------

def test_separators_follow_the_language():
    assert charts.style(go.Figure(), "x", lang="id").layout.separators == ",."
    assert charts.style(go.Figure(), "x", lang="en").layout.separators == ".,"


def test_small_counts_tick_every_unit_without_repeats():
    fig = charts.count_ticks(go.Figure(), 2)
    assert (fig.layout.yaxis.tickformat, fig.layout.yaxis.dtick, fig.layout.yaxis.tick0) == (",d", 1, 0)
    big = charts.count_ticks(go.Figure(), 1200, "x")
    assert (big.layout.xaxis.tickformat, big.layout.xaxis.dtick) == (",d", None)


def test_heatmap_month_ticks_do_not_overlap():
    names = [reporting.month_short(m, "id") for m in MONTHS]
    values, texts = reporting.month_ticks(MONTHS, names, "id")
    assert values == names
    assert texts[:4] == ["Nov<br>2025", "Des", "Jan<br>2026", "Feb"] and texts[-1] == "Okt"
    long = [date(2025 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 25)]   # Jan 2025 .. Des 2026
    values, texts = reporting.month_ticks(long, [reporting.month_short(m, "en") for m in long], "en")
    assert texts == ["Jan<br>2025", "Mar", "May", "Jul", "Sep", "Nov", "Jan<br>2026", "Mar", "May", "Jul", "Sep", "Nov"]
    assert values[:2] == ["Jan 2025", "Mar 2025"]


def test_years_on_neighbouring_ticks_do_not_run_together():
    months = [date(2025, 12, 1)] + [date(2026, m, 1) for m in range(1, 12)]
    fig = go.Figure()
    overview.month_axis(fig, months, "id")
    assert fig.layout.xaxis.ticktext[:3] == ("Des", "Jan<br>2026", "Feb")   # not '2025' beside '2026'
    overview.month_axis(fig, MONTHS, "en")
    assert fig.layout.xaxis.ticktext[:3] == ("Nov<br>2025", "Dec", "Jan<br>2026")
    names = [reporting.month_short(m, "id") for m in months]
    assert reporting.month_ticks(months, names, "id")[1][:2] == ["Des", "Jan<br>2026"]


def test_heatmap_layout_ticks_and_colour_legend():
    units = pl.DataFrame({"unit_code": ["35.02", "35.04"], "unit_name": ["Kabupaten Ponorogo", "Kabupaten Tulungagung"]})
    grid = pl.DataFrame([(u, m, 0.5, 0, 1, 2, 1, 0, 1) for u in units["unit_code"] for m in MONTHS],
                        schema=["unit_code", "period", "completeness", "not_due", "reported", "joined", "on_time",
                                "late", "missing"], orient="row")
    keys = {k: labels.text(k, "id") for k in reporting.LABEL_KEYS}
    fig = reporting.heatmap_chart(grid, units, MONTHS, "district", "Provinsi Jawa Timur", "periode", "id", keys)
    assert fig.layout.xaxis.tickangle == 0
    assert fig.layout.xaxis.ticktext[:3] == ("Nov<br>2025", "Des", "Jan<br>2026")
    assert fig.layout.xaxis.tickvals[0] == "Nov 2025"
    bar = fig.data[0].colorbar
    assert (bar.title.side, bar.title.text, bar.ticksuffix) == ("top", "% melapor", "%")


def test_village_money_chart_in_juta_with_indonesian_ticks():
    values = pl.DataFrame({"indicator_code": ["U06", "U06"], "period": [MONTHS[0], MONTHS[1]],
                           "value": [238_500_000.0, 200_000_000.0]})
    fig, data = village_profile.indicator_chart(values, "U06", MONTHS[:2], "Desa Jonggol", "periode", "id",
                                                VP_LABELS)
    assert list(fig.data[0].y) == [238.5, 200.0]
    assert (fig.layout.yaxis.title.text, fig.layout.yaxis.tickformat, fig.layout.separators) == (
        "Rupiah (juta)", ",~f", ",.")
    assert data[VP_LABELS["vp_value"]].to_list() == [238_500_000.0, 200_000_000.0]   # downloads keep rupiah
    en, _ = village_profile.indicator_chart(values, "U06", MONTHS[:2], "Desa Jonggol", "period", "en", VP_LABELS_EN)
    assert (en.layout.yaxis.title.text, en.layout.separators) == ("Rupiah (million)", ".,")


def test_village_count_chart_ticks_whole_numbers():
    values = pl.DataFrame({"indicator_code": ["L01"] * 3, "period": MONTHS[:3], "value": [1.0, 2.0, None]})
    fig, _ = village_profile.indicator_chart(values, "L01", MONTHS[:3], "Desa Jonggol", "periode", "id", VP_LABELS)
    assert (fig.layout.yaxis.tickformat, fig.layout.yaxis.dtick) == (",d", 1)


def test_village_remittance_bars_in_juta():
    data = pl.DataFrame({"Negara": ["Taiwan", "Malaysia"], "Nilai (Rp)": [450_000_000.0, 90_000_000.0]})
    fig = village_profile.bar_chart(data, "Nilai (Rp)", "Remitansi", "Desa", "Nilai (Rp)", "id", None, money=True)
    assert list(fig.data[0].x) == [450.0, 90.0]
    assert list(fig.data[0].text) == ["Rp 450,0 juta", "Rp 90,0 juta"]
    assert (fig.layout.xaxis.title.text, fig.layout.xaxis.tickformat) == ("Rupiah (juta)", ",~f")
    people = pl.DataFrame({"Negara": ["Taiwan", "Korea Selatan"], "Jumlah (orang)": [2, 1]})
    counts = village_profile.bar_chart(people, "Jumlah (orang)", "Penempatan", "Desa", "Jumlah (orang)", "id", None)
    assert (counts.layout.xaxis.tickformat, counts.layout.xaxis.dtick) == (",d", 1)


def test_warehouse_chart_names_months():
    from pipelines.views import status
    by_month = pl.DataFrame({"period": MONTHS[:3], "villages_reported": [3, 4, 2]})
    fig = status.reports_chart(by_month, "Laporan desa per bulan", "Periode", "Desa melapor", "id")
    assert fig.layout.xaxis.ticktext == ("Nov<br>2025", "Des", "Jan<br>2026")   # not '11/2025'
    assert (fig.layout.yaxis.tickformat, fig.layout.yaxis.dtick) == (",d", 1)


def test_first_year_stays_when_ticks_are_months_apart():
    months = [date(2023, 12, 1)] + [date(2024 + (m - 1) // 12, (m - 1) % 12 + 1, 1) for m in range(1, 36)]
    fig = go.Figure()
    overview.month_axis(fig, months, "id")                 # 36 months: every 3rd month
    assert fig.layout.xaxis.ticktext[:2] == ("Des<br>2023", "Mar<br>2024")


def test_the_house_template_is_the_registered_plotly_white_as_validated_plotly_would_set_it():
    import plotly.graph_objects as go
    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401 - Streamlit makes its own template plotly's default

    from pipelines import charts

    assert pio.templates.default != charts.TEMPLATE  # so a figure must name its template itself
    fast = charts.style(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])), "Judul", "Sub", lang="id", source="Sumber")
    slow = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    slow.update_layout(template="plotly_white")  # the validated way
    charts.style(slow, "Judul", "Sub", lang="id", source="Sumber")
    assert fast.to_dict() == slow.to_dict()
    assert fast.layout.template.layout.plot_bgcolor == "white"
    # validation is back on for everything else
    import pytest
    with pytest.raises(ValueError):
        fast.update_layout(margin=dict(l="wide"))


def _drawn_app():
    import plotly.graph_objects as go
    import polars as pl
    import streamlit as st

    from ui import widgets

    fig = go.Figure(go.Scatter(x=["Jan", "Feb"], y=[1.5, 2.5], name="Penempatan"))
    frame = pl.DataFrame({"Wilayah": ["Ponorogo", "Tulungagung"], "Penempatan": [6102, 2881],
                          "Porsi": [0.697, None]})
    widgets.chart(fig, frame, "uji", key="shared")
    st.plotly_chart(fig, key="plain")  # Streamlit's own path, for comparison
    widgets.dataframe(frame)
    widgets.dataframe(frame.drop("Porsi"))  # whole numbers only


def test_a_chart_is_drawn_exactly_as_streamlit_draws_the_figure():
    at = AppTest.from_function(_drawn_app).run()
    assert not at.exception
    ours, streamlit_own = (el.proto.spec for el in at.get("plotly_chart"))
    assert json.loads(ours) == json.loads(streamlit_own)
    assert json.loads(ours)["data"][0]["name"] == "Penempatan"


def test_a_table_reaches_the_browser_as_numbers_written_in_the_page_language():
    """Numbers go as numbers (a column sorts by value: 9 before 10), written for the page's language."""
    at = AppTest.from_function(_drawn_app).run()
    with_shares, counts = at.dataframe
    sent = pa.ipc.open_stream(with_shares.proto.arrow_data.data).read_all()
    assert sent.column_names == ["Wilayah", "Penempatan", "Porsi"]
    assert sent.to_pylist() == [{"Wilayah": "Ponorogo", "Penempatan": 6102, "Porsi": 0.697},
                                {"Wilayah": "Tulungagung", "Penempatan": 2881, "Porsi": None}]
    # whole numbers by the column's format ("%'.,d" writes 6.102), shares by Python (a decimal comma)
    assert json.loads(with_shares.proto.columns)["Penempatan"]["type_config"] == {"type": "number", "format": "%'.,d"}
    shown = pa.ipc.open_stream(with_shares.proto.arrow_data.styler.display_values).read_all()
    assert [row["Porsi"] for row in shown.to_pylist()] == ["69,7%", "–"]
    assert with_shares.proto.placeholder == "–"
    # a table of whole numbers goes as Arrow without pandas, strings not large_string
    table = pa.ipc.open_stream(counts.proto.arrow_data.data).read_all()
    assert [f.type for f in table.schema] == [pa.string(), pa.int64()]
    assert table.column("Penempatan").to_pylist() == [6102, 2881]
    assert not counts.proto.arrow_data.styler.display_values

def _large_table_app():
    import pandas as pd
    import polars as pl

    from ui import widgets

    with pd.option_context("styler.render.max_elements", 4):  # this 2 x 3 table is "too large" for Styler
        widgets.dataframe(pl.DataFrame({"Wilayah": ["Ponorogo", "Tulungagung"], "Penempatan": [6102, 2881],
                                        "Porsi": [0.697, None]}))


def test_a_table_too_large_for_styler_is_sent_as_text():
    at = AppTest.from_function(_large_table_app).run()
    assert not at.exception
    table = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.data).read_all()
    assert table.to_pylist() == [{"Wilayah": "Ponorogo", "Penempatan": "6.102", "Porsi": "69,7%"},
                                 {"Wilayah": "Tulungagung", "Penempatan": "2.881", "Porsi": "–"}]
    assert {c: v["type_config"]["type"] for c, v in json.loads(at.dataframe[0].proto.columns).items()
            if "type_config" in v} == {"Penempatan": "text", "Porsi": "text"}


def _cut_table_app():
    import polars as pl
    import streamlit as st

    from ui import widgets

    # what the CSV/XLSX buttons are given: the whole frame (the module's own function is put back)
    own = widgets.downloads
    widgets.downloads = lambda frame, *a, **k: st.session_state.update(downloaded=frame.rows())
    try:
        widgets.table(pl.DataFrame({"Desa": ["Tunggangri", "Kalidawir", "Betak"], "Skor": [0.5, 0.75, 1.0]}), "uji")
    finally:
        widgets.downloads = own


def test_a_long_table_shows_its_first_rows_and_says_so_while_downloads_hold_all(monkeypatch):
    monkeypatch.setenv("PANTAU_TABLE_ROWS", "2")
    at = AppTest.from_function(_cut_table_app).run()
    assert not at.exception
    sent = pa.ipc.open_stream(at.dataframe[0].proto.arrow_data.data).read_all()
    assert sent.to_pylist() == [{"Desa": "Tunggangri", "Skor": 0.5}, {"Desa": "Kalidawir", "Skor": 0.75}]
    assert [c.value for c in at.caption] == [
        "Tabel menampilkan 2 baris pertama dari 3; pengurutan di tabel berlaku untuk baris yang tampil. "
        "Unduhan CSV/XLSX berisi semua baris."]
    assert at.session_state["downloaded"] == [("Tunggangri", 0.5), ("Kalidawir", 0.75), ("Betak", 1.0)]


def test_values_are_written_in_python_once_each_and_nulls_stay_null():
    from datetime import date

    import polars as pl

    from pipelines import formatting
    from pipelines.views import table_text

    frame = pl.DataFrame({"period": [date(2024, 3, 1), None, date(2024, 3, 1), date(2025, 10, 1)]})
    calls = []

    def month(d):
        calls.append(d)
        return formatting.month(d, "id")

    assert frame.select(table_text.written(frame, "period", month))["period"].to_list() == [
        "Maret 2024", None, "Maret 2024", "Oktober 2025"]
    assert sorted(calls) == [date(2024, 3, 1), date(2025, 10, 1)]
    empty = pl.DataFrame({"period": [None, None]}, schema={"period": pl.Date})
    assert empty.select(table_text.written(empty, "period", month))["period"].to_list() == [None, None]


def test_no_page_code_runs_a_polars_udf():
    """map_elements/map_batches run Python on polars' thread pool: with another session's thread holding the
    GIL while it waits for that pool (to_pandas), the replica deadlocks (pola-rs/polars#26821, #27396)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    found = [f"{p.relative_to(root)}:{n}" for folder in ("pipelines", "ui", "pages") for p in (root / folder).rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\.(map_elements|map_batches|map_rows)\(", line)]
    assert found == []
