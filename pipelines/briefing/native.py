"""The pack's charts as native, editable PowerPoint charts (python-pptx) from the page figures' data."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime

import plotly.graph_objects as go
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE
from pptx.util import Pt

from pipelines import formatting
from pipelines.briefing.text import clean

# Excel number formats are written in one notation and shown with the viewer's separators; the locale tag
# asks for Indonesian ones (11.589; 2,5) whatever the presenter's computer is set to.
LOCALE_TAG = {"id": "[$-421]", "en": "[$-409]"}
FONT_NAME = "Arial"
AXIS_GREY, GRID_GREY, INK = "595959", "D9D9D9", "222222"
_MONTH_YEAR = re.compile(r"(\w{3,4}) (\d{4})")  # a month axis written as text: 'Agu 2024', 'Aug 2024'


@dataclass
class ChartSpec:
    """A chart as the slide shows it: kind 'column' (vertical bars), 'bar' (horizontal) or 'line'."""
    kind: str
    categories: list[str]
    series: list[tuple[str, list[float | None], str]]   # name, values (None: not reported), colour 'RRGGBB'
    stacked: bool = False
    title: str = ""
    subtitle: str = ""
    value_title: str = ""
    category_title: str = ""
    number_format: str = "#,##0"
    axis_format: str = "#,##0"                                # value axis ticks (1 and 2,5 alike: General)
    value_max: float | None = None
    dashed: list[bool] = field(default_factory=list)          # per series, for lines
    point_labels: list[str] | None = None                     # texts beside the last series' points
    empty: str = ""                                           # written across a chart without data


def _plain(text: str | None) -> list[str]:
    """The lines of a plotly title ('<b>x</b><br><span ...>y</span>') without their markup."""
    if not text:
        return []
    return [html.unescape(re.sub(r"<[^>]+>", "", part)).strip() for part in re.split(r"<br\s*/?>", text)]


def _month(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):
        return date.fromisoformat(value[:10])
    return None


def month_categories(periods: list[date], lang: str, missing: list[bool], provisional: list[bool],
                     provisional_word: str) -> list[str]:
    """'Jan' with the year under the first month and each January; '–' under a month without a report
    (not a zero), the 'sementara' word under an open month."""
    out, year = [], None
    for period, gone, open_ in zip(periods, missing, provisional):
        text = formatting.short_month(period, lang)
        if period.year != year:
            text += f"\n{period.year}"
            year = period.year
        if gone:
            text += f"\n{formatting.MISSING}"
        elif open_:
            text += f"\n({provisional_word})"
        out.append(text)
    return out


def _colour(trace) -> str:
    colour = (trace.line.color if isinstance(trace, go.Scatter) else trace.marker.color) or "0072B2"
    return str(colour).lstrip("#").upper()


def _number_format(values: list[float | None], percent: bool, lang: str) -> str:
    tag = LOCALE_TAG[lang]
    if percent:
        return tag + '0"%"'
    whole = all(v is None or float(v).is_integer() for v in values)
    return tag + ("#,##0" if whole else "#,##0.0")


def _axis_format(number_format: str, lang: str) -> str:
    """Ticks of a value axis: as the data, but a scaled amount's ticks are written '1' and '2,5', not '1,0'."""
    return LOCALE_TAG[lang] + "General" if number_format.endswith("0.0") else number_format


def spec(fig: go.Figure, lang: str, labels) -> ChartSpec:
    """The chart spec of one of the pack's plotly figures: its traces' data, titles and axis titles.

    A month the figure marks 'sementara' (overview.mark_provisional) is marked under its name, and a
    month whose every series is empty gets '–' there (not reported, not zero).
    """
    traces = [t for t in fig.data if isinstance(t, (go.Bar, go.Scatter))]
    horizontal = bool(traces) and all(isinstance(t, go.Bar) and t.orientation == "h" for t in traces)
    kind = "line" if traces and all(isinstance(t, go.Scatter) for t in traces) else "bar" if horizontal else "column"
    cat_axis, val_axis = (fig.layout.yaxis, fig.layout.xaxis) if horizontal else (fig.layout.xaxis, fig.layout.yaxis)
    raw = list((traces[0].y if horizontal else traces[0].x) or ()) if traces else []
    series = []
    for t in traces:
        values = list((t.x if horizontal else t.y) or ())
        series.append((t.name or "", [None if v is None else float(v) for v in values], _colour(t)))
    months = [_month(c) for c in raw]
    word = labels.get("sementara", "sementara")
    marked = [a.x for a in fig.layout.annotations if a.text == word]
    opened = {_month(x) or x for x in marked}
    if raw and all(months):
        missing = [all(s[1][i] is None for s in series) for i in range(len(raw))]
        categories = month_categories(months, lang, missing, [m in opened for m in months], word)
    elif raw and all(_MONTH_YEAR.fullmatch(str(c)) for c in raw):  # 'Des 2025' (the reporting trend)
        parts = [_MONTH_YEAR.fullmatch(str(c)).groups() for c in raw]
        categories = [name + (f"\n{year}" if i == 0 or year != parts[i - 1][1] else "")
                      + (f"\n({word})" if c in opened else "") for i, ((name, year), c) in enumerate(zip(parts, raw))]
    else:
        categories = [f"{c}\n({word})" if c in opened else str(c) for c in raw]
    lines = _plain(fig.layout.title.text)
    percent = (val_axis.ticksuffix or "") == "%"
    everything = [v for _, values, _ in series for v in values]
    empty = next((a.text for a in fig.layout.annotations
                  if a.xref == "paper" and a.yref == "paper" and a.x == 0.5 and a.y == 0.5), "")
    texts = [t for t in traces if t.text is not None]
    point_labels = [str(x) for x in texts[-1].text] if texts else None
    return ChartSpec(
        kind=kind, categories=categories, series=series, stacked=fig.layout.barmode == "stack",
        title=lines[0] if lines else "", subtitle=" ".join(lines[1:]),
        value_title=(val_axis.title.text or ""), category_title=(cat_axis.title.text or ""),
        number_format=_number_format(everything, percent, lang), value_max=100 if percent else None,
        axis_format=_axis_format(_number_format(everything, percent, lang), lang),
        dashed=[isinstance(t, go.Scatter) and (t.line.dash or "solid") != "solid" for t in traces],
        point_labels=point_labels, empty=empty or "")


_TYPES = {("column", False): XL_CHART_TYPE.COLUMN_CLUSTERED, ("column", True): XL_CHART_TYPE.COLUMN_STACKED,
          ("bar", False): XL_CHART_TYPE.BAR_CLUSTERED, ("bar", True): XL_CHART_TYPE.BAR_STACKED,
          ("line", False): XL_CHART_TYPE.LINE_MARKERS, ("line", True): XL_CHART_TYPE.LINE_MARKERS}


def chart_type(s: ChartSpec):
    """The python-pptx chart type of a spec (a single stacked series is drawn clustered: the same bars)."""
    return _TYPES[(s.kind, s.stacked and len(s.series) > 1)]


def _font(font, size: float, colour: str = INK, bold: bool = False) -> None:
    font.name, font.size, font.bold = FONT_NAME, Pt(size), bold
    font.color.rgb = RGBColor.from_string(colour)


def _axis_title(axis, text: str) -> None:
    if not text:
        axis.has_title = False
        return
    axis.has_title = True
    frame = axis.axis_title.text_frame
    frame.text = text
    _font(frame.paragraphs[0].runs[0].font, 12, AXIS_GREY)


def add(slide, s: ChartSpec, box) -> object:
    """The chart on the slide at box (left, top, width, height): title and subtitle, axis titles, legend
    for more than one series, numbers in the pack's language; returns the graphic frame."""
    data = CategoryChartData(number_format=s.number_format)
    data.categories = [clean(c) for c in s.categories] or [""]  # a workbook's name may hold a control character
    for name, values, _ in s.series or [("", [None], "0072B2")]:
        data.add_series(clean(name), values or [None], number_format=s.number_format)
    frame = slide.shapes.add_chart(chart_type(s), *box, data)
    chart = frame.chart
    _font(chart.font, 12)
    chart.has_title = bool(s.title)
    if s.title:
        text = chart.chart_title.text_frame
        text.text = clean(s.title)
        _font(text.paragraphs[0].runs[0].font, 16, INK, bold=True)
        if s.subtitle:
            p = text.add_paragraph()
            p.text = clean(s.subtitle)
            _font(p.runs[0].font, 12, AXIS_GREY)
    chart.has_legend = len(s.series) > 1 and bool(s.categories)
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        _font(chart.legend.font, 12)
    plot = chart.plots[0]
    if s.kind != "line":
        plot.gap_width = 60
        if chart_type(s) in (XL_CHART_TYPE.COLUMN_STACKED, XL_CHART_TYPE.BAR_STACKED):
            plot.overlap = 100
    values = chart.value_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor.from_string(GRID_GREY)
    values.tick_labels.number_format = s.axis_format
    values.tick_labels.number_format_is_linked = False
    _font(values.tick_labels.font, 12, AXIS_GREY)
    values.minimum_scale = 0
    if s.value_max is not None:
        values.maximum_scale = s.value_max
    largest = max((v for _, vs, _ in s.series for v in vs if v is not None), default=0)
    if s.value_max is None and s.number_format.endswith("#,##0") and largest <= 8:
        values.maximum_scale = max(largest, 1)
        values.major_unit = 1  # small counts: one tick per unit, never '0 1 1 2 2'
    _axis_title(values, s.value_title)
    categories = chart.category_axis
    _font(categories.tick_labels.font, 12, AXIS_GREY)
    categories.has_major_gridlines = False
    _axis_title(categories, s.category_title)
    if not s.categories:  # no bar at all: no made-up '0 1' scale or placeholder name, the empty text says why
        categories.tick_label_position = values.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    for (name, vals, colour), series, dashed in zip(s.series, plot.series, s.dashed or [False] * len(s.series)):
        rgb = RGBColor.from_string(colour)
        if s.kind == "line":
            series.format.line.color.rgb = rgb
            series.format.line.width = Pt(2.5)
            series.smooth = False
            if dashed:
                series.format.line.dash_style = MSO_LINE.DASH
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 7
            series.marker.format.fill.solid()
            series.marker.format.fill.fore_color.rgb = rgb
            series.marker.format.line.color.rgb = rgb
        else:
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = rgb
    if s.point_labels and plot.series:
        last = plot.series[len(s.series) - 1]
        for i, text in enumerate(s.point_labels):
            if text in (None, ""):
                continue
            label = last.points[i].data_label
            label.position = XL_LABEL_POSITION.OUTSIDE_END if s.kind != "line" else XL_LABEL_POSITION.ABOVE
            label.text_frame.text = clean(text)
            _font(label.text_frame.paragraphs[0].runs[0].font, 12, INK)
    return frame
