"""The pack without a browser: native PowerPoint charts with the exact figures, the CLI in a process that
can find neither Chromium nor kaleido, and every change against the comparison the user chose."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import date

import fastexcel
import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE

from pipelines import settings
from pipelines.briefing import cli, native
from pipelines.briefing import pack as briefing
from tests.test_briefing import AREA, con, warehouse_file  # noqa: F401 - the module's fixture warehouse

FORMAT = "[$-421]#,##0"  # Indonesian separators (11.589) whatever the presenter's computer is set to


@pytest.fixture(scope="module")
def offline(warehouse_file, tmp_path_factory):  # noqa: F811
    """The CLI in a process where Chromium cannot be found and importing kaleido fails."""
    folder = tmp_path_factory.mktemp("offline")
    (folder / "kaleido").mkdir()
    (folder / "kaleido" / "__init__.py").write_text('raise ImportError("the pack must not use kaleido")\n')
    out = folder / "p.pptx"
    env = {**os.environ, "PATH": str(folder), "BROWSER_PATH": str(folder / "no-chromium"),
           "PYTHONPATH": os.pathsep.join([str(folder), str(settings.ROOT)])}
    code = ("import sys; from pipelines.briefing.cli import main; rc = main(sys.argv[1:]); "
            "print('kaleido' in sys.modules, 'choreographer' in sys.modules); sys.exit(rc)")
    began = time.monotonic()
    run = subprocess.run([sys.executable, "-c", code, "--area", AREA, "--from", "2024-01", "--to", "2024-06",
                          "--out", str(out), "--db", str(warehouse_file)], env=env, cwd=settings.ROOT,
                         capture_output=True, text=True, timeout=240)
    return {"run": run, "seconds": time.monotonic() - began, "deck": Presentation(str(out))}


def _chart(deck, number: int):
    [frame] = [s for s in deck.slides[number - 1].shapes if s.has_chart]
    return frame.chart


def _data(chart) -> tuple[list[str], list[tuple[str, tuple]]]:
    plot = chart.plots[0]
    return list(plot.categories), [(s.name, s.values) for s in plot.series]


def test_the_pack_builds_without_chromium_and_without_kaleido(offline):
    assert offline["run"].returncode == 0, offline["run"].stderr
    assert offline["run"].stdout.splitlines()[-1] == "False False"  # kaleido and choreographer never imported
    assert offline["seconds"] < 120
    deck = offline["deck"]
    assert [n for n, s in enumerate(deck.slides, start=1) if any(sh.has_chart for sh in s.shapes)] == list(
        range(3, 14))
    assert [n for n, s in enumerate(deck.slides, start=1) if any(sh.shape_type == 13 for sh in s.shapes)] == [14]


def test_placements_per_month_are_a_stacked_column_chart_of_women_and_men(offline):
    chart = _chart(offline["deck"], 7)
    assert chart.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    # Tunggangri: 4 women and 2 men every month; Betak: 5 women in February and March
    assert _data(chart) == (["Jan\n2024", "Feb", "Mar", "Apr", "Mei", "Jun"],
                            [("Perempuan", (4.0, 9.0, 9.0, 4.0, 4.0, 4.0)), ("Laki-laki", (2.0,) * 6)])
    assert chart.value_axis.tick_labels.number_format == FORMAT
    assert chart.value_axis.axis_title.text_frame.text == "Orang"
    assert chart.category_axis.axis_title.text_frame.text == "Bulan"
    assert chart.has_legend
    assert chart.chart_title.text_frame.text == ("Penempatan PMI per bulan\n"
                                                 "Kabupaten Tulungagung, Januari 2024 – Juni 2024")


def test_sectors_and_returns_charts(offline):
    sectors, returns = _chart(offline["deck"], 9), _chart(offline["deck"], 10)
    assert sectors.chart_type == XL_CHART_TYPE.BAR_STACKED
    # largest on top: a bar chart draws its first category at the bottom
    assert _data(sectors) == (["Perawat/Caregiver", "Perkebunan/Pertanian", "Domestik"],
                              [("Perempuan", (10.0, 0.0, 24.0)), ("Laki-laki", (0.0, 12.0, 0.0))])
    assert returns.chart_type == XL_CHART_TYPE.COLUMN_STACKED
    assert _data(returns)[1] == [("Pulang tanpa masalah", (2.0, 4.0, 4.0, 2.0, 2.0, 2.0)),
                                 ("Pulang bermasalah", (1.0, 2.0, 2.0, 1.0, 1.0, 1.0))]


def test_remittance_bars_carry_their_rupiah_labels(offline):
    chart = _chart(offline["deck"], 12)
    assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert _data(chart) == (["Kantor Pos", "Bank"], [("Remitansi (Rp)", (6.0, 75.0))])
    assert chart.value_axis.axis_title.text_frame.text == "Rupiah (juta)"
    points = chart.plots[0].series[0].points
    assert [points[i].data_label.text_frame.text for i in range(2)] == ["Rp 6,0 juta", "Rp 75,0 juta"]
    assert not chart.has_legend


def test_reporting_is_a_line_chart_in_percent(offline):
    chart = _chart(offline["deck"], 13)
    assert chart.chart_type == XL_CHART_TYPE.LINE_MARKERS
    categories, series = _data(chart)
    assert categories == ["Jan\n2024", "Feb", "Mar", "Apr", "Mei", "Jun"]
    assert series[0] == ("Kelengkapan", (33.3, 66.7, 66.7, 33.3, 33.3, 33.3))
    assert chart.value_axis.tick_labels.number_format == '[$-421]0"%"'
    assert chart.value_axis.maximum_scale == 100


def test_a_missing_month_is_marked_not_zero_and_an_open_month_sementara():
    periods = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    fig = go.Figure(go.Bar(x=periods, y=[3, None, 2.5], name="X"))
    fig.add_annotation(x=periods[2], y=1, yref="paper", text="sementara", showarrow=False)
    fig.update_layout(title_text="<b>Judul</b><br><span style='font-size:15px'>Sub &amp; wilayah</span>")
    spec = native.spec(fig, "id", {"sementara": "sementara"})
    assert spec.categories == ["Des\n2025", "Jan\n2026\n–", "Feb\n(sementara)"]
    assert spec.series == [("X", [3.0, None, 2.5], "0072B2")]
    assert (spec.title, spec.subtitle, spec.kind) == ("Judul", "Sub & wilayah", "column")
    assert (spec.number_format, spec.axis_format) == ("[$-421]#,##0.0", "[$-421]General")
    assert native.spec(fig, "en", {"sementara": "provisional"}).number_format == "[$-409]#,##0.0"


def test_the_pack_compares_with_the_period_the_user_chose(con, warehouse_file, tmp_path, capsys):  # noqa: F811
    """April-June 2024 against January-March 2024 (&banding=prev) or April-June 2023 (the default)."""
    pack = briefing.build(con, AREA, date(2024, 4, 1), date(2024, 6, 1), compare="prev")
    rows = fastexcel.read_excel(pack.xlsx).load_sheet("Angka utama").to_polars().rows()
    # reports in: 3 now (Tunggangri), 5 before (Tunggangri 3, Betak 2); placements over the matched months
    assert [r[:5] for r in rows[1:3]] == [("Laporan masuk", 3, 3, 5, -2), ("Penempatan PMI", 18, 18, 18, 0)]
    deck = Presentation(io.BytesIO(pack.pptx))
    texts = [sh.text_frame.text for sh in deck.slides[1].shapes if sh.has_text_frame]
    assert texts[-3].startswith("Perubahan dibanding Januari 2024 – Maret 2024, dihitung setara")
    yoy = briefing.build(con, AREA, date(2024, 4, 1), date(2024, 6, 1))
    rows = fastexcel.read_excel(yoy.xlsx).load_sheet("Angka utama").to_polars().rows()
    assert [r[:5] for r in rows[1:3]] == [("Laporan masuk", 3, 3, 0, 3), ("Penempatan PMI", 18, None, None, None)]
    out = tmp_path / "p.pptx"
    assert cli.main(["--area", AREA, "--from", "2024-04", "--to", "2024-06", "--out", str(out), "--db",
                          str(warehouse_file), "--banding", "prev"]) == 0
    notes = Presentation(str(out)).slides[2].notes_slide.notes_text_frame.text.splitlines()
    assert notes[1] == ("Perubahan dibanding Januari 2024 – Maret 2024, dihitung setara "
                        "(hanya laporan yang masuk di kedua periode).")
    assert cli.main(["--area", AREA, "--from", "2024-04", "--to", "2024-06", "--out", str(out),
                          "--banding", "lalu"]) == 2
    with pytest.raises(briefing.BriefingError):
        briefing.build(con, AREA, date(2024, 4, 1), date(2024, 6, 1), compare="lalu")
