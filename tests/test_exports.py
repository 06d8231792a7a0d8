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
    png = exports.figure_image(fig, "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1600, 900)
    svg = exports.figure_image(fig, "svg").decode("utf-8")
    assert 'width="1600"' in svg and 'height="900"' in svg and "Penempatan PMI" in svg
    with pytest.raises(ValueError):
        exports.figure_image(fig, "gif")
