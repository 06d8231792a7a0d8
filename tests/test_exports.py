"""Downloads: formula injection escaped in CSV and XLSX; charts rendered server-side at slide size."""
from __future__ import annotations

import io
import struct
from pathlib import Path

import fastexcel
import plotly.graph_objects as go
import polars as pl
import pytest

from pipelines import charts, exports

RISKY = pl.DataFrame({"desa": ["=HYPERLINK(\"x\")", "+62 812", "-1+1", "@SUM(A1)", "Betak", None],
                      "jumlah": [1, -2, 3, 4, 5, 6]})


def test_csv_escapes_formula_starts_and_keeps_numbers():
    text = exports.to_csv(RISKY).decode("utf-8-sig")
    assert text.splitlines() == ['desa,jumlah', "\"'=HYPERLINK(\"\"x\"\")\",1", "'+62 812,-2", "'-1+1,3",
                                 "'@SUM(A1),4", "Betak,5", ",6"]


def test_xlsx_cells_are_text_not_formulas():
    data = exports.to_xlsx({"Desa": RISKY}, notes=["=catatan"])
    sheet = fastexcel.read_excel(data).load_sheet("Desa").to_polars()
    assert sheet["desa"].to_list() == ["'=HYPERLINK(\"x\")", "'+62 812", "'-1+1", "'@SUM(A1)", "Betak", None]
    assert sheet["jumlah"].to_list() == [1, -2, 3, 4, 5, 6]
    assert b"<f>" not in _part(data, "xl/worksheets/sheet1.xml")
    notes = fastexcel.read_excel(data).load_sheet("Catatan", header_row=None).to_polars()
    assert notes.item(0, 0) == "'=catatan"


def _part(xlsx: bytes, name: str) -> bytes:
    import zipfile
    return zipfile.ZipFile(io.BytesIO(xlsx)).read(name)


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian chromium not installed")
def test_png_and_svg_at_slide_size():
    fig = charts.style(go.Figure(go.Bar(x=["Taiwan", "Malaysia"], y=[136, 40])), "Penempatan PMI",
                       "Kabupaten Tulungagung, Juli – September 2026", "Negara", "Orang",
                       source="Sumber: laporan bulanan desa Desmigratif")
    png = exports.chart_image(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1600, 900)
    svg = exports.chart_image(fig, "svg").decode("utf-8")
    assert 'width="1600"' in svg and 'height="900"' in svg and "Penempatan PMI" in svg
    with pytest.raises(ValueError):
        exports.chart_image(fig, "gif")


FIGURES = pl.DataFrame({"Desa": ["Betak", "Tunggangri"], "Penempatan PMI": [826.0, None],
                        "Kelengkapan": [0.7397094430992736, 1.0], "Rata-rata": [2.5, 3.25]})


def test_plain_csv_has_integer_counts_and_rounded_shares():
    assert exports.to_csv(FIGURES).decode("utf-8").splitlines() == [
        "Desa,Penempatan PMI,Kelengkapan,Rata-rata", "Betak,826,0.7397,2.5", "Tunggangri,,1.0,3.25"]


def test_excel_indonesia_csv_uses_semicolons_decimal_comma_and_bom():
    data = exports.to_csv_excel_id(FIGURES)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8").splitlines() == [
        "Desa;Penempatan PMI;Kelengkapan;Rata-rata", "Betak;826;0,7397;2,5", "Tunggangri;;1,0;3,25"]


def test_xlsx_counts_are_integers_and_shares_have_a_percent_format():
    data = exports.to_xlsx({"Desa": FIGURES})
    sheet = fastexcel.read_excel(data).load_sheet("Desa").to_polars()
    assert sheet["Penempatan PMI"].to_list() == [826, None]
    assert sheet["Kelengkapan"].to_list() == [0.7397, 1.0]
    styles = _part(data, "xl/styles.xml").decode()
    assert 'formatCode="0.0%"' in styles
    cells = _part(data, "xl/worksheets/sheet1.xml").decode()
    assert '<c r="C2" s="2"' in cells and '<c r="B2" t' not in cells and '<c r="B2" s=' not in cells


def test_count_axis_has_one_tick_per_unit_when_small():
    fig = charts.count_ticks(go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")), 2, "x")
    assert (fig.layout.xaxis.tickformat, fig.layout.xaxis.dtick, fig.layout.xaxis.tick0) == (",d", 1, 0)
    big = charts.count_ticks(go.Figure(), 500)
    assert (big.layout.yaxis.tickformat, big.layout.yaxis.dtick) == (",d", None)


def test_short_months_are_three_letters_in_english():
    from datetime import date

    from pipelines import formatting
    assert [formatting.short_month(date(2026, m, 1), "en") for m in (8, 9, 10)] == ["Aug", "Sep", "Oct"]
    assert formatting.short_month(date(2026, 8, 1), "id", year=True) == "Agu 2026"
