"""The briefing pack ("Paket Paparan"): a 16:9 PPTX of an area and period with charts, map and notes, plus its XLSX."""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from pipelines import areas, catalogue, charts, exports, formatting, settings, vocabulary, warehouse
from pipelines.views import maps, overview, pillars, reporting, static_map
from pipelines.metrics import breakdown, calendar
from pipelines.metrics import facts as facts_mod

LABELS_CSV = settings.ROOT / "ui" / "labels.csv"
Progress = Callable[[int, int, str], None]

# --- slide geometry (EMU; 914400 per inch) -------------------------------------------------------
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)          # 13.333 x 7.5 in: 16:9
CANVAS = (960, 540)        # chart size in CSS px: 16:9, fonts sized for a projector at the placed size
RENDER_SCALE = 2           # PNG pixels per CSS px: 1920 x 1080, sharp on a full-HD projector
SLIDE_FONT = 18            # chart base font (px) for slides; about 12 pt at the placed size
PICTURE = (Inches(0.45), Inches(1.3), Emu(8193024), Emu(4608576))  # left, top, 8.96 x 5.04 in (16:9)
PANEL = (Inches(9.61), Inches(1.3), Inches(3.27), Emu(4608576))    # right of the picture
TITLE_BOX = (Inches(0.45), Inches(0.3), Inches(12.43), Inches(0.8))
FOOTER_TOP = Inches(6.95)
INK, MUTED, ACCENT, DEMO = "222222", "555555", charts.PALETTE[0][1:], charts.PALETTE[3][1:]
CARD_FILL, ROW_FILL = "EEF4FA", "F4F6F8"
FONT_NAME = "Arial"        # on every computer (LibreOffice: the metric-compatible Liberation Sans); as the charts
TOP_N = 5                  # items named in a sentence (top destinations, sectors, ...)
MAX_NAMES = 12             # village names listed in a data note before 'and n more'

# Headline figures in the Ringkasan order (rows of the key-figures slide) and their unit in sentences.
KPI_ROWS = (("villages", "reported", "placements", "returns"),
            ("remittances", "consultations", "trainees", "children"),
            ("coop_members", "savings"))
KPI_UNITS = {"villages": "bp_unit_desa", "reported": "bp_unit_laporan", "remittances": "rupiah", "savings": "rupiah"}
SLIDE_KINDS = ("title", "kpis", "pillar", "pillar", "pillar", "pillar", "placements", "destinations", "sectors",
               "returns", "remit_countries", "remit_channels", "reporting", "map", "notes")

OWN_LABELS = (
    "bp_build", "bp_building", "bp_ready", "bp_download_pptx", "bp_download_xlsx", "bp_slides", "bp_col_no",
    "bp_col_slide", "bp_col_content", "bp_content_title", "bp_content_kpis", "bp_content_chart", "bp_content_map",
    "bp_content_notes", "bp_step_data", "bp_step_chart", "bp_step_pptx", "bp_step_xlsx", "bp_what_overview",
    "bp_what_pillars", "bp_what_flows", "bp_what_reporting", "bp_what_map", "bp_title_kpis", "bp_title_pillar",
    "bp_title_placements", "bp_title_destinations", "bp_title_sectors", "bp_title_returns",
    "bp_title_remit_countries", "bp_title_remit_channels", "bp_title_reporting", "bp_title_map", "bp_title_notes",
    "bp_meeting", "bp_pack_period", "bp_prepared", "bp_demo_short", "bp_footer_demo", "bp_vs", "bp_no_comparison",
    "bp_unit_desa", "bp_up", "bp_down", "bp_up_from_zero", "bp_same", "bp_no_previous", "bp_not_reported",
    "bp_n_kpis_intro", "bp_n_pillar_intro", "bp_n_pillar_active", "bp_n_pillar_weakest", "bp_n_chart",
    "bp_n_placements", "bp_n_placements_missing", "bp_n_peak", "bp_n_months_missing", "bp_n_destinations",
    "bp_n_destinations_count", "bp_n_sectors", "bp_n_no_placements", "bp_item_people", "bp_item_money",
    "bp_n_returns", "bp_n_returns_missing", "bp_n_return_countries", "bp_n_remit", "bp_n_remit_missing",
    "bp_n_remit_countries", "bp_n_channels", "bp_n_reporting", "bp_n_reporting_none", "bp_n_reporting_avg",
    "bp_n_map", "bp_n_map_top", "bp_n_map_approx", "bp_n_map_silent", "bp_cap_placements", "bp_cap_women",
    "bp_cap_men", "bp_cap_peak", "bp_cap_countries", "bp_cap_people_share", "bp_cap_money_share", "bp_cap_returns",
    "bp_cap_problem", "bp_cap_top_origin", "bp_cap_remittances", "bp_cap_transactions", "bp_cap_average",
    "bp_cap_completeness", "bp_cap_average_completeness", "bp_cap_located", "bp_cap_approx", "bp_cap_silent",
    "bp_cap_top_village", "bp_fig_sectors", "bp_fig_returns", "bp_fig_remit_countries", "bp_fig_remit_channels",
    "bp_fig_map", "bp_returned_ok", "bp_returned_problem", "bp_map_legend", "bp_map_size", "bp_map_scale",
    "bp_note_silent",
    "bp_note_all_reported", "bp_note_missing_reports", "bp_note_missing_last", "bp_note_months_empty",
    "bp_note_indicators", "bp_note_missing_sign", "bp_note_rules", "bp_note_source", "bp_note_approx",
    "bp_n_notes_intro", "bp_more", "bp_sheet_kpis", "bp_sheet_pillar", "bp_sheet_pillar_trend",
    "bp_sheet_placements", "bp_sheet_destinations", "bp_sheet_sectors", "bp_sheet_returns",
    "bp_sheet_return_countries", "bp_sheet_remit_countries", "bp_sheet_remit_channels", "bp_sheet_reporting",
    "bp_sheet_not_reported", "bp_sheet_map", "bp_sheet_notes", "bp_provisional", "sementara", "bp_col_figure", "bp_col_value", "bp_col_previous", "bp_col_change",
    "bp_col_note", "bp_col_code", "bp_col_indicator", "bp_col_unit", "bp_col_kind", "bp_col_sector",
    "bp_col_channel", "bp_col_amount", "bp_col_share", "bp_col_share_women", "bp_col_share_problem",
    "bp_col_village_code", "bp_col_village", "bp_col_subdistrict", "bp_col_lat", "bp_col_lon", "bp_col_exact",
    "bp_col_months_joined", "bp_col_months_reported", "bp_col_completeness", "bp_yes", "bp_no",
)
# Every label the pack uses: its own and those of the page models it reuses. A page passes
# {key: t(key)}; the command line reads ui/labels.csv (read_labels).
LABEL_KEYS = tuple(dict.fromkeys(
    OWN_LABELS + overview.LABELS + pillars.LABELS + reporting.LABEL_KEYS
    + tuple(f"ov_kpi_{k}" for row in KPI_ROWS for k in row)
    + ("ov_compared_with", "ov_col_transactions", "ov_col_with_problem", "map_not_reported", "map_basemap_attr",
       "demo_note", "app_title")))


class BriefingError(ValueError):
    """The area or period cannot make a pack; `what` is 'area' or 'period'."""

    def __init__(self, what: str, message: str):
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class SlideInfo:
    number: int
    kind: str
    title: str
    pictures: int


@dataclass
class Pack:
    """A built briefing pack: the files' bytes and what they hold."""
    pptx: bytes
    xlsx: bytes
    slides: list[SlideInfo]
    sheets: list[str]
    seconds: float
    file_stem: str            # 'paparan-kabupaten-ponorogo-2026-05-2026-10'


@dataclass
class _Slide:
    kind: str
    title: str
    notes: str = ""
    figure: go.Figure | None = None
    png: bytes | None = None
    callouts: list[tuple[str, str]] = field(default_factory=list)    # (big value, caption)
    rows: list[tuple[str, str, str]] = field(default_factory=list)   # pillar table: name, value, change
    cards: list[tuple[str, str, str, str]] = field(default_factory=list)  # label, value, note, change
    bullets: list[str] = field(default_factory=list)
    footnote: str = ""


@dataclass
class _Context:
    con: object
    area: str
    start: date
    end: date
    lang: str
    labels: Mapping[str, str]
    area_label: str
    period: str
    previous: str
    previous_end: str
    source: str
    as_of: str
    demo: bool
    provisional: bool = False   # the range includes a month whose deadline has not passed

    def t(self, key: str, **fields) -> str:
        return overview.label(self.labels, key, **fields)


# --- labels ------------------------------------------------------------------------------------------

def read_labels(lang: str = "id", path: Path | None = None) -> dict[str, str]:
    """Every label of ui/labels.csv in one language (the command line has no Streamlit session)."""
    with open(path or LABELS_CSV, encoding="utf-8", newline="") as fh:
        return {row["key"]: row[lang] for row in csv.DictReader(fh)}


# --- words and numbers ---------------------------------------------------------------------------------

def amount(value: float | None, unit: str, ctx: _Context) -> str:
    """'297 orang', '14 desa', 'Rp 20,5 miliar'; '–' when missing."""
    if value is None:
        return formatting.MISSING
    if unit == "rupiah":
        return formatting.rupiah(value, ctx.lang)
    return f"{formatting.number(value, ctx.lang)} {ctx.t(unit)}"


def said(text: str, value: float | None, ctx: _Context) -> str:
    """A figure as spoken in a note: its text, or 'tidak dilaporkan' when nobody reported it (never 0)."""
    return ctx.t("bp_not_reported") if value is None else text


def change_sentence(value: float | None, previous: float | None, unit: str, period: str, ctx: _Context) -> str:
    """'Naik 66 orang (91,7%) dibanding ...', 'Turun ...', 'Tidak berubah ...'; no comparison when a side is missing."""
    if value is None:
        return ""
    if previous is None:
        return ctx.t("bp_no_previous", period=period)
    diff = value - previous
    if diff == 0:
        return ctx.t("bp_same", period=period)
    size = amount(abs(diff), unit, ctx)
    if previous == 0:
        return ctx.t("bp_up_from_zero", amount=size, period=period)
    pct = formatting.percent(abs(diff) / abs(previous), ctx.lang)
    return ctx.t("bp_up" if diff > 0 else "bp_down", amount=size, pct=pct, period=period)


def card_change(k, unit: str, ctx: _Context) -> str:
    """The like-for-like change of a metric-layer card as a sentence, with its basis."""
    change = k.change
    if change is None:
        return ""
    if change.withheld:
        return _upper(change.basis_text(ctx.lang)) + "."
    period = compare_period(change, ctx)
    if change.now is None or change.before is None:
        return ctx.t("bp_no_match", period=period)
    words = change_sentence(change.now, change.before, unit, period, ctx)
    return f"{words} ({k.basis})" if change.like_for_like else words


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def compare_period(change, ctx: _Context) -> str:
    if change.start == change.end:
        return formatting.month(change.start, ctx.lang)
    return f"{formatting.month(change.start, ctx.lang)} – {formatting.month(change.end, ctx.lang)}"


def arrow(k) -> str:
    """'▲ ', '▼ ' or '= ' before a change shown on a card; nothing when there is no comparison.

    A metric-layer card compares like for like (its change's matched values), a pillar Kpi its two totals."""
    change = getattr(k, "change", None)
    now, before = (change.now, change.before) if change is not None else (k.value, getattr(k, "previous", None))
    if now is None or before is None:
        return ""
    return "▲ " if now > before else "▼ " if now < before else "= "


def row_change(k) -> str:
    """The change in a slide table cell, short enough for one line: '▼ 38,9%' ('▲ +2' against a 0);
    the amount is said in the speaker notes."""
    if k.delta is None:
        return ""
    before = k.change.before if getattr(k, "change", None) is not None else getattr(k, "previous", None)
    if before == 0 or "(" not in k.delta:
        return arrow(k) + k.delta
    return arrow(k) + k.delta.rsplit("(", 1)[1].rstrip(")").lstrip("+-")


def figure_sentence(name: str, value: float | None, unit: str, ctx: _Context, note: str | None = None) -> str:
    """'Penempatan PMI: 297 orang (66,7% perempuan).' or 'Penempatan PMI: tidak dilaporkan.'"""
    text = said(amount(value, unit, ctx), value, ctx)
    return f"{name}: {text}" + (f" ({note})" if note and value is not None else "") + "."


def _lines(sentences: list[str]) -> str:
    """Speaker notes: one sentence (or figure) per line, empty ones left out."""
    return "\n".join(s for s in sentences if s)


def names_list(names: list[str], ctx: _Context, limit: int = MAX_NAMES) -> str:
    """'A, B, C dan 4 lainnya'."""
    shown = ", ".join(names[:limit])
    return shown + (f" {ctx.t('bp_more', n=formatting.number(len(names) - limit, ctx.lang))}"
                    if len(names) > limit else "")


def share_text(part: float | None, whole: float | None, lang: str) -> str:
    """part / whole as '34,0%'; '–' when either is missing or the whole is 0."""
    if part is None or not whole:
        return formatting.MISSING
    return formatting.percent(part / whole, lang)


def _pct(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """A share as a fraction 0..1 (as on every page; the XLSX shows it with a percent format)."""
    return pl.when(whole > 0).then(part / whole).otherwise(None)


def sector_name(value: str, ctx: _Context) -> str:
    """The form's sector in the pack's language ('Domestik' -> 'Domestic work'; reference/vocabulary_names.csv)."""
    return vocabulary.name("sektor", value, ctx.lang)


def channel_name(value: str, ctx: _Context) -> str:
    """The form's remittance channel in the pack's language."""
    return vocabulary.name("saluran", value, ctx.lang)


def file_stem(area_label: str, start: date, end: date) -> str:
    """'paparan-kabupaten-ponorogo-2026-05-2026-10'."""
    slug = re.sub(r"[^0-9a-z]+", "-", area_label.lower()).strip("-") or "nasional"
    return f"paparan-{slug}-{start:%Y-%m}-{end:%Y-%m}"


# --- the outline ------------------------------------------------------------------------------------------

def _context(con, area: str, start, end, lang: str, labels: Mapping[str, str] | None) -> _Context:
    """Checked inputs and the texts every slide shares."""
    labels = labels if labels is not None else read_labels(lang)
    area = (area or "").strip()
    try:
        start, end = calendar.month_start(start), calendar.month_start(end)
    except (ValueError, AttributeError) as exc:
        raise BriefingError("period", str(exc)) from exc
    if start > end:
        raise BriefingError("period", f"{start:%Y-%m} is after {end:%Y-%m}")
    try:
        known = areas.lookup(con, area, lang)
    except ValueError:
        known = None
    if known is None:
        raise BriefingError("area", f"unknown area {area!r}")
    prev_start, prev_end = overview.previous_range(start, end)
    as_of = reporting.long_date(reporting.data_as_of(con), lang)
    return _Context(con, area, start, end, lang, labels, areas.label(con, area, lang),
                    overview.period_label(start, end, lang), overview.period_label(prev_start, prev_end, lang),
                    formatting.month(prev_end, lang), overview.label(labels, "source_note", date=as_of), as_of,
                    warehouse.is_demo(con))


def _titles(ctx: _Context) -> list[str]:
    """The slide titles in order (the same for every area and period: one slide per topic)."""
    return ([ctx.area_label, ctx.t("bp_title_kpis")]
            + [ctx.t("bp_title_pillar", n=p, name=ctx.t(f"pl_pillar_{p}")) for p in pillars.PILLARS]
            + [ctx.t(f"bp_title_{k}") for k in SLIDE_KINDS[6:]])


def outline(con, area: str, start, end, lang: str = "id", labels: Mapping[str, str] | None = None) -> pl.DataFrame:
    """The slides a pack will hold (no., slide title, content), cheap enough for every page run."""
    ctx = _context(con, area, start, end, lang, labels)
    content = {"title": "bp_content_title", "kpis": "bp_content_kpis", "map": "bp_content_map",
               "notes": "bp_content_notes"}
    return pl.DataFrame({
        ctx.t("bp_col_no"): list(range(1, len(SLIDE_KINDS) + 1)),
        ctx.t("bp_col_slide"): _titles(ctx),
        ctx.t("bp_col_content"): [ctx.t(content.get(k, "bp_content_chart")) for k in SLIDE_KINDS],
    })


# --- figures made here (the others come from the page models) ----------------------------------------------

def _hbar(names: list[str], series: list[tuple[str, list[float], str]], title: str, axis: str, ctx: _Context,
          texts: list[str] | None = None, empty: str = "") -> go.Figure:
    """Horizontal bars, the first name on top, one stacked trace per series; value texts beside the bars;
    `empty` written across the plot when there is no bar (nothing reported, or 0)."""
    fig = go.Figure()
    if not names:
        mark_empty(fig, empty)
    for name, values, colour in series:
        fig.add_bar(y=names[::-1], x=values[::-1], orientation="h", name=name, marker_color=colour)
    if texts is not None:
        fig.data[-1].update(text=texts[::-1], textposition="outside", cliponaxis=False)
    fig.update_layout(barmode="stack", showlegend=len(series) > 1)
    fig.update_yaxes(type="category")
    charts.style(fig, title, f"{ctx.area_label}, {ctx.period}", axis, None, ctx.lang, ctx.source)
    fig.update_layout(margin_t=125, margin_r=110 if texts is not None else 30)
    fig.update_xaxes(rangemode="tozero")
    charts.full_number_ticks(fig, "x")
    return fig


def mark_empty(fig: go.Figure, text: str) -> go.Figure:
    """A chart without bars says so across its plot area."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=26, color="#555555"))
    return fig


def _empty_text(total: float | None, ctx: _Context) -> str:
    """What an empty chart says: 'tidak dilaporkan' when nobody reported, else 0."""
    return ctx.t("bp_not_reported") if total is None else formatting.number(0, ctx.lang)


def sectors_figure(sectors: pl.DataFrame, total: float | None, ctx: _Context) -> go.Figure:
    """Placements per sector, women and men stacked, largest on top."""
    names = [sector_name(s, ctx) for s in sectors["sector"]]
    return _hbar(names, [(ctx.t("ov_women"), sectors["women"].to_list(), charts.PALETTE[4]),
                         (ctx.t("ov_men"), sectors["men"].to_list(), charts.PALETTE[0])],
                 ctx.t("bp_fig_sectors"), ctx.t("ov_axis_people"), ctx, empty=_empty_text(total, ctx))


def money_bars(frame: pl.DataFrame, names: list[str], title: str, total: float | None, ctx: _Context) -> go.Figure:
    """Rupiah per row on a short-scale axis (juta/miliar), each bar labelled with its amount."""
    values = frame["amount_idr"].to_list()
    size, word = overview.money_scale(max(values, default=None), ctx.lang)
    return _hbar(names, [(ctx.t("ov_col_remittances"), [v / size for v in values], charts.PALETTE[2])], title,
                 ctx.t("ov_axis_rupiah", scale=word), ctx, texts=[formatting.rupiah(v, ctx.lang) for v in values],
                 empty=_empty_text(total, ctx))


def returns_figure(monthly: pl.DataFrame, ctx: _Context) -> go.Figure:
    """Returns per month: without and with a problem stacked; months without reports left empty and marked."""
    periods = monthly["period"].to_list()
    fig = go.Figure()
    fig.add_bar(x=periods, y=monthly["without_problem"].to_list(), name=ctx.t("bp_returned_ok"),
                marker_color=charts.PALETTE[0])
    fig.add_bar(x=periods, y=monthly["with_problem"].to_list(), name=ctx.t("bp_returned_problem"),
                marker_color=charts.PALETTE[3])
    fig.update_layout(barmode="stack")
    overview.month_axis(fig, periods, ctx.lang)
    overview.mark_missing(fig, periods, [v is None for v in monthly["returns"]], ctx.labels)
    charts.style(fig, ctx.t("bp_fig_returns"), f"{ctx.area_label}, {ctx.period}", ctx.t("ov_axis_month"),
                 ctx.t("ov_axis_people"), ctx.lang, ctx.source)
    fig.update_layout(margin_t=125)
    charts.full_number_ticks(fig)
    return fig


def slide_ready(fig: go.Figure, ctx: _Context) -> go.Figure:
    """The chart at slide size with projector fonts and the pack's one source note (date of the newest upload)."""
    fig.update_layout(font_size=SLIDE_FONT, width=CANVAS[0], height=CANVAS[1])
    title = fig.layout.title.text or ""
    fig.layout.title.text = title.replace("font-size:15px", "font-size:17px")
    prefix = ctx.t("source_note").split("{date}")[0]
    for note in fig.layout.annotations:
        if note.text and note.text.startswith(prefix):
            note.update(text=ctx.source, font_size=13)
    return fig


# --- gathering the content -----------------------------------------------------------------------------

def _title_slide(ctx: _Context) -> _Slide:
    return _Slide("title", ctx.area_label)


def _kpi_slide(ctx: _Context, ov: overview.Overview) -> tuple[_Slide, pl.DataFrame]:
    """The headline cards; notes say each figure's coverage and the like-for-like basis of its change."""
    cards, sentences, rows = [], [ctx.t("bp_n_kpis_intro", area=ctx.area_label, period=ctx.period)], []
    if ov.provisional:
        sentences.append(ctx.t("filter_provisional"))
    for key in [k for row in KPI_ROWS for k in row]:
        k = ov.kpis[key]
        name = k.title
        unit = KPI_UNITS.get(key, "pl_unit_orang")
        cards.append((name, k.text, k.note or "", arrow(k) + (k.delta or ctx.t("bp_no_comparison"))))
        sentence = figure_sentence(name, k.value, unit, ctx, k.note)
        change = k.change
        now, before = (change.now, change.before) if change is not None else (None, None)
        words = card_change(k, unit, ctx) if k.value is not None else ""
        sentences.append(" ".join(p for p in (sentence, words, ctx.t("bp_coverage", coverage=k.coverage)) if p))
        delta = None if now is None or before is None else now - before
        rows.append((name, k.value, now, before, delta, k.coverage, k.note))  # numbers stay numbers
    table = pl.DataFrame(rows, schema={ctx.t("bp_col_figure"): pl.String, ctx.t("bp_col_value"): pl.Float64,
                                       ctx.t("bp_col_matched_now"): pl.Float64,
                                       ctx.t("bp_col_previous"): pl.Float64, ctx.t("bp_col_change"): pl.Float64,
                                       ctx.t("bp_col_coverage"): pl.String,
                                       ctx.t("bp_col_note"): pl.String}, orient="row")
    slide = _Slide("kpis", ctx.t("bp_title_kpis"), _lines(sentences), cards=cards,
                   footnote=ctx.t("bp_vs_like", period=ov.previous_label)
                   + (f" {ctx.t('sementara').capitalize()}." if ov.provisional else ""))
    return slide, table


def _matched(k) -> tuple[float | None, float | None]:
    """A pillar card's like-for-like pair (now, before over matched reports); (None, None) without one."""
    return (k.change.now, k.change.before) if k.change is not None else (None, None)


def _pillar_slides(ctx: _Context, page: pillars.PillarPage) -> tuple[list[_Slide], dict[str, pl.DataFrame]]:
    slides, sheets = [], {}
    month = formatting.month(ctx.end, ctx.lang)
    summary = {r["pillar"]: r for r in page.summary.iter_rows(named=True)}
    for p in pillars.PILLARS:
        view = page.pillars[p]
        name = ctx.t(f"pl_pillar_{p}")
        sentences = [ctx.t("bp_n_pillar_intro", n=p, name=name, area=ctx.area_label, period=ctx.period)]
        rows, table = [], []
        for code in view.codes:
            ind = catalogue.indicators()[code]
            k = view.kpis[code]
            unit = "rupiah" if ind.unit == "rupiah" else f"pl_unit_{ind.unit}"
            label = pillars.indicator_name(code, ctx.lang)
            rows.append((label, k.text, row_change(k)))
            if ind.unit == "ya/tidak":  # a flag counts villages
                text = said(pillars.indicator_text(k.value, ind.unit, ctx.lang, ctx.labels), k.value, ctx)
                # like for like: the change over the villages that reported in both periods
                sentence = f"{label}: {text}. " + change_sentence(*_matched(k), "bp_unit_desa", ctx.previous, ctx)
            else:
                sentence = (figure_sentence(label, k.value, unit, ctx) + " "
                            + change_sentence(*_matched(k), unit, ctx.previous, ctx))
            sentences.append(sentence.strip())
            table.append((code, label, vocabulary.name("satuan", ind.unit, ctx.lang),
                          vocabulary.name("jenis", ind.kind, ctx.lang), k.value, _matched(k)[1], view.covered[code]))
        row = summary.get(p)
        if row and row["villages"]:
            sentences.append(ctx.t("bp_n_pillar_active", active=formatting.number(row["active"], ctx.lang),
                                   villages=formatting.number(row["villages"], ctx.lang),
                                   share=formatting.percent(row["share_active"], ctx.lang),
                                   reported=formatting.number(row["reported"], ctx.lang), month=month))
            shares = [r["share_active"] for r in summary.values() if r["share_active"] is not None]
            if (page.weakest == p and row["share_active"] is not None and shares
                    and row["share_active"] < max(shares)):
                sentences.append(ctx.t("bp_n_pillar_weakest"))
        fig = overview.figure(view.trend)
        if view.kpis[view.pick].value is None:
            mark_empty(fig, ctx.t("bp_not_reported"))
        sentences.append(ctx.t("bp_n_chart", title=ctx.t("pl_fig_trend", indicator=pillars.indicator_name(
            view.pick, ctx.lang))))
        slides.append(_Slide("pillar", ctx.t("bp_title_pillar", n=p, name=name), _lines(sentences), fig,
                             rows=rows))
        sheets[ctx.t("bp_sheet_pillar", n=p)] = pl.DataFrame(table, schema={
            ctx.t("bp_col_code"): pl.String, ctx.t("bp_col_indicator"): pl.String, ctx.t("bp_col_unit"): pl.String,
            ctx.t("bp_col_kind"): pl.String, ctx.t("bp_col_value"): pl.Float64, ctx.t("bp_col_previous"): pl.Float64,
            ctx.t("pl_col_villages_reporting"): pl.Int64}, orient="row")
        sheets[ctx.t("bp_sheet_pillar_trend", n=p)] = view.trend_table
    return slides, sheets


def _months_without_reports(ov: overview.Overview, ctx: _Context) -> list[str]:
    return [formatting.month(r["period"], ctx.lang) for r in ov.monthly.iter_rows(named=True)
            if r["placements"] is None]


def _placement_slides(ctx: _Context, ov: overview.Overview, placed: pl.DataFrame) -> tuple[list[_Slide], dict]:
    lang, k = ctx.lang, ov.kpis["placements"]
    total = k.value
    women = None if total is None else float(ov.monthly["women"].sum())
    men = None if total is None else float(ov.monthly["men"].sum())
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    missing_months = _months_without_reports(ov, ctx)

    # per month, women and men
    reported = ov.monthly.filter(pl.col("placements").is_not_null())
    peak = reported.sort(["placements", "period"], descending=[True, False]).head(1) if total else reported.head(0)
    if total is None:
        sentences = [ctx.t("bp_n_placements_missing", period=ctx.period)]
    else:
        sentences = [ctx.t("bp_n_placements", period=ctx.period, n=n(total), area=ctx.area_label, women=n(women),
                           share=share_text(women, total, lang), men=n(men))]
        sentences.append(card_change(k, "pl_unit_orang", ctx))
    if peak.height:
        sentences.append(ctx.t("bp_n_peak", month=formatting.month(peak["period"][0], lang),
                               n=n(peak["placements"][0])))
    if missing_months:
        sentences.append(ctx.t("bp_n_months_missing", months=", ".join(missing_months)))
    callouts = [(k.text, ctx.t("bp_cap_placements")),
                (formatting.number(women, lang), ctx.t("bp_cap_women", share=share_text(women, total, lang))),
                (formatting.number(men, lang), ctx.t("bp_cap_men", share=share_text(men, total, lang)))]
    if peak.height:
        callouts.append((formatting.month(peak["period"][0], lang),
                         ctx.t("bp_cap_peak", n=n(peak["placements"][0]))))
    monthly_slide = _Slide("placements", ctx.t("bp_title_placements"), _lines(sentences),
                           overview.figure(ov.figures["placements"]), callouts=callouts)

    # destinations
    countries = (placed.group_by("country_iso2")
                 .agg(placements=pl.col("count").sum(), women=pl.col("count").filter(pl.col("sex") == "P").sum())
                 .sort(["placements", "country_iso2"], descending=[True, False]))
    names = [overview.country_name(c, lang) for c in countries["country_iso2"]]
    items = [ctx.t("bp_item_people", name=nm, n=n(v), share=share_text(v, total, lang))
             for nm, v in zip(names[:TOP_N], countries["placements"].to_list())]
    if total is None:
        sentences = [ctx.t("bp_n_placements_missing", period=ctx.period)]
    elif not items:
        sentences = [ctx.t("bp_n_no_placements")]
    else:
        sentences = [ctx.t("bp_n_destinations", list=", ".join(items)),
                     ctx.t("bp_n_destinations_count", n=n(countries.height))]
    callouts = [(n(countries.height) if total is not None else formatting.MISSING, ctx.t("bp_cap_countries"))]
    callouts += [(nm, ctx.t("bp_cap_people_share", n=n(v), share=share_text(v, total, lang)))
                 for nm, v in zip(names[:3], countries["placements"].to_list())]
    fig = overview.figure(ov.figures["destinations"])
    if not countries.height:
        mark_empty(fig, _empty_text(total, ctx))
    destination_slide = _Slide("destinations", ctx.t("bp_title_destinations"), _lines(sentences), fig,
                               callouts=callouts)

    # sectors
    sectors = (placed.group_by("sector")
               .agg(placements=pl.col("count").sum(), women=pl.col("count").filter(pl.col("sex") == "P").sum(),
                    men=pl.col("count").filter(pl.col("sex") == "L").sum())
               .sort(["placements", "sector"], descending=[True, False]))
    sector_names = [sector_name(s, ctx) for s in sectors["sector"]]
    items = [ctx.t("bp_item_people", name=nm, n=n(v), share=share_text(v, total, lang))
             for nm, v in zip(sector_names[:TOP_N], sectors["placements"].to_list())]
    if total is None:
        sentences = [ctx.t("bp_n_placements_missing", period=ctx.period)]
    elif not items:
        sentences = [ctx.t("bp_n_no_placements")]
    else:
        sentences = [ctx.t("bp_n_sectors", list=", ".join(items))]
    callouts = [(nm, ctx.t("bp_cap_people_share", n=n(v), share=share_text(v, total, lang)))
                for nm, v in zip(sector_names[:4], sectors["placements"].to_list())]
    sector_slide = _Slide("sectors", ctx.t("bp_title_sectors"), _lines(sentences), sectors_figure(sectors, total, ctx),
                          callouts=callouts or [(formatting.MISSING, ctx.t("bp_cap_placements"))])

    sheets = {
        ctx.t("bp_sheet_placements"): ov.monthly_table,
        ctx.t("bp_sheet_destinations"): pl.DataFrame({
            ctx.t("ov_col_country"): names, ctx.t("ov_col_placements"): countries["placements"],
            ctx.t("ov_women"): countries["women"]}).with_columns(
            _pct(pl.col(ctx.t("ov_women")), pl.col(ctx.t("ov_col_placements"))).alias(ctx.t("bp_col_share_women")),
            _pct(pl.col(ctx.t("ov_col_placements")), pl.lit(total or 0)).alias(ctx.t("bp_col_share"))),
        ctx.t("bp_sheet_sectors"): pl.DataFrame({
            ctx.t("bp_col_sector"): sector_names, ctx.t("ov_col_placements"): sectors["placements"],
            ctx.t("ov_women"): sectors["women"], ctx.t("ov_men"): sectors["men"]}).with_columns(
            _pct(pl.col(ctx.t("ov_col_placements")), pl.lit(total or 0)).alias(ctx.t("bp_col_share"))),
    }
    return [monthly_slide, destination_slide, sector_slide], sheets


def _return_slide(ctx: _Context, ov: overview.Overview, by_month: pl.DataFrame,
                  by_country: pl.DataFrame) -> tuple[_Slide, dict]:
    lang, k = ctx.lang, ov.kpis["returns"]
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    total = k.value
    monthly = (ov.monthly.select("period", "returns")
               .join(by_month.select("period", "with_problem"), on="period", how="left")
               .with_columns(with_problem=pl.when(pl.col("returns").is_not_null())
                             .then(pl.col("with_problem").fill_null(0)).cast(pl.Int64))
               .with_columns(without_problem=pl.col("returns") - pl.col("with_problem")))
    problem = None if total is None else float(monthly["with_problem"].sum())
    names = [overview.country_name(c, lang) for c in by_country["country_iso2"]]
    if total is None:
        sentences = [ctx.t("bp_n_returns_missing", period=ctx.period)]
    else:
        sentences = [ctx.t("bp_n_returns", period=ctx.period, n=n(total), area=ctx.area_label, problem=n(problem),
                           share=share_text(problem, total, lang)),
                     card_change(k, "pl_unit_orang", ctx)]
        if names:
            sentences.append(ctx.t("bp_n_return_countries", list=", ".join(
                ctx.t("bp_item_people", name=nm, n=n(v), share=share_text(v, total, lang))
                for nm, v in zip(names[:TOP_N], by_country["count"].to_list()))))
    callouts = [(k.text, ctx.t("bp_cap_returns")),
                (formatting.number(problem, lang), ctx.t("bp_cap_problem", share=share_text(problem, total, lang)))]
    if names:
        callouts.append((names[0], ctx.t("bp_cap_top_origin", n=n(by_country["count"][0]))))
    slide = _Slide("returns", ctx.t("bp_title_returns"), _lines(sentences),
                   returns_figure(monthly, ctx), callouts=callouts)
    sheets = {
        ctx.t("bp_sheet_returns"): monthly.select(
            pl.col("period").alias(ctx.t("ov_col_month")), pl.col("returns").alias(ctx.t("ov_col_returns")),
            pl.col("with_problem").alias(ctx.t("ov_col_with_problem"))),
        ctx.t("bp_sheet_return_countries"): pl.DataFrame({
            ctx.t("ov_col_country"): names, ctx.t("ov_col_returns"): by_country["count"],
            ctx.t("ov_col_with_problem"): by_country["with_problem"]}).with_columns(
            _pct(pl.col(ctx.t("ov_col_with_problem")), pl.col(ctx.t("ov_col_returns")))
            .alias(ctx.t("bp_col_share_problem"))),
    }
    return slide, sheets


def _remittance_slides(ctx: _Context, ov: overview.Overview, by_country: pl.DataFrame,
                       by_channel: pl.DataFrame) -> tuple[list[_Slide], dict]:
    lang, k = ctx.lang, ov.kpis["remittances"]
    total = k.value
    tx = None if total is None else float(by_channel["transactions"].sum())
    average = total / tx if total is not None and tx else None
    countries = [overview.country_name(c, lang) for c in by_country["country_iso2"]]
    channels = [channel_name(c, ctx) for c in by_channel["channel"]]

    def items(names: list[str], frame: pl.DataFrame, limit: int) -> list[str]:
        return [ctx.t("bp_item_money", name=nm, amount=formatting.rupiah(v, lang), share=share_text(v, total, lang))
                for nm, v in zip(names[:limit], frame["amount_idr"].to_list())]

    if total is None:
        first = [ctx.t("bp_n_remit_missing", period=ctx.period)]
    else:
        first = [ctx.t("bp_n_remit", period=ctx.period, area=ctx.area_label, amount=formatting.rupiah(total, lang),
                       tx=formatting.number(tx, lang), avg=formatting.rupiah(average, lang)),
                 card_change(k, "rupiah", ctx)]
        if countries:
            first.append(ctx.t("bp_n_remit_countries", list=", ".join(items(countries, by_country, TOP_N))))
    callouts = [(k.text, ctx.t("bp_cap_remittances")), (formatting.number(tx, lang), ctx.t("bp_cap_transactions")),
                (formatting.rupiah(average, lang), ctx.t("bp_cap_average"))]
    if countries:
        callouts.append((countries[0], ctx.t("bp_cap_money_share", amount=formatting.rupiah(
            by_country["amount_idr"][0], lang), share=share_text(by_country["amount_idr"][0], total, lang))))
    top = by_country.head(overview.TOP_DESTINATIONS)
    country_slide = _Slide("remit_countries", ctx.t("bp_title_remit_countries"), _lines(first),
                           money_bars(top, countries[:top.height], ctx.t("bp_fig_remit_countries"), total, ctx),
                           callouts=callouts)
    if total is None:
        second = [ctx.t("bp_n_remit_missing", period=ctx.period)]
    else:
        second = [ctx.t("bp_n_channels", list=", ".join(items(channels, by_channel, len(channels))))] if channels \
            else [ctx.t("bp_n_remit", period=ctx.period, area=ctx.area_label, amount=formatting.rupiah(total, lang),
                        tx=formatting.number(tx, lang), avg=formatting.rupiah(average, lang))]
    callouts = [(nm, ctx.t("bp_cap_money_share", amount=formatting.rupiah(v, lang), share=share_text(v, total, lang)))
                for nm, v in zip(channels[:4], by_channel["amount_idr"].to_list())]
    channel_slide = _Slide("remit_channels", ctx.t("bp_title_remit_channels"), _lines(second),
                           money_bars(by_channel, channels, ctx.t("bp_fig_remit_channels"), total, ctx),
                           callouts=callouts or [(formatting.MISSING, ctx.t("bp_cap_remittances"))])

    def table(names: list[str], frame: pl.DataFrame, head: str) -> pl.DataFrame:
        return pl.DataFrame({head: names, ctx.t("ov_col_transactions"): frame["transactions"],
                             ctx.t("bp_col_amount"): frame["amount_idr"]}).with_columns(
            _pct(pl.col(ctx.t("bp_col_amount")), pl.lit(total or 0)).alias(ctx.t("bp_col_share")))

    sheets = {ctx.t("bp_sheet_remit_countries"): table(countries, by_country, ctx.t("ov_col_country")),
              ctx.t("bp_sheet_remit_channels"): table(channels, by_channel, ctx.t("bp_col_channel"))}
    return [country_slide, channel_slide], sheets


def _reporting_slide(ctx: _Context, rp: reporting.Completeness) -> tuple[_Slide, dict]:
    lang, c = ctx.lang, rp.latest_counts
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    month = formatting.month(rp.latest, lang)
    due = rp.trend.filter(pl.col("joined") > 0)
    average = due["completeness"].mean() if due.height else None
    if c["joined"]:
        sentences = [ctx.t("bp_n_reporting", month=month, reported=n(c["reported"]), joined=n(c["joined"]),
                           share=formatting.percent(c["completeness"], lang), on_time=n(c["on_time"]),
                           late=n(c["late"]), missing=n(c["missing"]))]
    else:
        sentences = [ctx.t("bp_n_reporting_none", month=month)]
    sentences.append(ctx.t("bp_n_reporting_avg", period=ctx.period, share=formatting.percent(average, lang),
                           day=rp.deadline_day))
    callouts = [(formatting.percent(c["completeness"], lang),
                 ctx.t("bp_cap_completeness", month=month, reported=n(c["reported"]), joined=n(c["joined"]))),
                (n(c["on_time"]), ctx.t("rp_on_time")), (n(c["late"]), ctx.t("rp_late")),
                (n(c["missing"]), ctx.t("rp_missing")),
                (formatting.percent(average, lang), ctx.t("bp_cap_average_completeness"))]
    slide = _Slide("reporting", ctx.t("bp_title_reporting"), _lines(sentences), rp.trend_fig, callouts=callouts)
    sheets = {ctx.t("bp_sheet_reporting"): rp.trend_data, ctx.t("bp_sheet_not_reported"): rp.not_reported_data}
    return slide, sheets


def _map_slide(ctx: _Context, villages: pl.DataFrame) -> tuple[_Slide, dict]:
    lang = ctx.lang
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    located = villages.filter(pl.col("lat").is_not_null() & pl.col("lon").is_not_null())
    approx = villages.filter(~pl.col("coords_exact")).height
    silent = villages.filter((pl.col("months_joined") > 0) & (pl.col("months_reported") == 0)).height
    top = villages.filter(pl.col("placements") > 0).sort(["placements", "village_code"], descending=[True, False])
    sentences = [ctx.t("bp_n_map", located=n(located.height), total=n(villages.height))]
    if top.height:
        sentences.append(ctx.t("bp_n_map_top", name=top["village_name"][0], subdistrict=top["subdistrict"][0],
                               n=n(top["placements"][0])))
    if silent:
        sentences.append(ctx.t("bp_n_map_silent", n=n(silent)))
    if approx:
        sentences.append(ctx.t("bp_n_map_approx", n=n(approx)))
    callouts = [(n(located.height), ctx.t("bp_cap_located", n=n(villages.height))),
                (n(silent), ctx.t("bp_cap_silent")), (n(approx), ctx.t("bp_cap_approx"))]
    if top.height:
        callouts.insert(1, (top["village_name"][0], ctx.t("bp_cap_top_village", n=n(top["placements"][0]))))
    fig = static_map.figure(villages, ctx.area, ctx.t("bp_fig_map"), f"{ctx.area_label}, {ctx.period}", lang,
                            ctx.labels, ctx.source, *CANVAS)
    slide = _Slide("map", ctx.t("bp_title_map"), _lines(sentences), fig, callouts=callouts)
    yes, no = ctx.t("bp_yes"), ctx.t("bp_no")
    sheet = villages.select(
        pl.col("village_code").alias(ctx.t("bp_col_village_code")),
        pl.col("village_name").alias(ctx.t("bp_col_village")),
        pl.col("subdistrict").alias(ctx.t("bp_col_subdistrict")),
        pl.col("lat").alias(ctx.t("bp_col_lat")), pl.col("lon").alias(ctx.t("bp_col_lon")),
        pl.when(pl.col("coords_exact")).then(pl.lit(yes)).otherwise(pl.lit(no)).alias(ctx.t("bp_col_exact")),
        pl.col("months_joined").alias(ctx.t("bp_col_months_joined")),
        pl.col("months_reported").alias(ctx.t("bp_col_months_reported")),
        pl.col("completeness").alias(ctx.t("bp_col_completeness")),
        pl.col("placements").alias(ctx.t("ov_col_placements")),
    )
    return slide, {ctx.t("bp_sheet_map"): sheet}


def _notes_slide(ctx: _Context, ov: overview.Overview, page: pillars.PillarPage, rp: reporting.Completeness,
                 villages: pl.DataFrame) -> _Slide:
    lang = ctx.lang
    n = lambda v: formatting.number(v, lang)  # noqa: E731
    bullets = []
    silent = villages.filter((pl.col("months_joined") > 0) & (pl.col("months_reported") == 0))
    if silent.height:
        bullets.append(ctx.t("bp_note_silent", period=ctx.period, n=n(silent.height),
                             names=names_list(silent["village_name"].to_list(), ctx)))
    elif villages.filter(pl.col("months_joined") > 0).height:
        bullets.append(ctx.t("bp_note_all_reported", period=ctx.period))
    expected = int(villages["months_joined"].sum() or 0)
    received = int(villages["months_reported"].sum() or 0)
    if expected > received:
        bullets.append(ctx.t("bp_note_missing_reports", missing=n(expected - received), expected=n(expected)))
    if rp.not_reported.height:
        bullets.append(ctx.t("bp_note_missing_last", month=formatting.month(rp.latest, lang),
                             n=n(rp.not_reported.height),
                             names=names_list(rp.not_reported[ctx.t("rp_village")].to_list(), ctx)))
    empty = [formatting.month(r["period"], lang) for r in rp.trend.iter_rows(named=True)
             if r["joined"] and not r["reported"]]
    if empty:
        bullets.append(ctx.t("bp_note_months_empty", months=", ".join(empty)))
    unreported = [pillars.indicator_name(code, lang) for view in page.pillars.values() for code in view.codes
                  if view.kpis[code].value is None]
    if unreported:
        bullets.append(ctx.t("bp_note_indicators", names=names_list(unreported, ctx, 30)))
    approx = villages.filter(~pl.col("coords_exact")).height
    if approx:
        bullets.append(ctx.t("bp_note_approx", n=n(approx)))
    if ctx.provisional:  # the range includes a month whose deadline has not passed
        bullets.insert(0, ctx.t("bp_provisional"))
    bullets += [ctx.t("bp_note_missing_sign"), ctx.t("bp_note_rules"), ctx.t("map_basemap_attr") + "."]
    if ctx.demo:
        bullets.append(ctx.t("demo_note"))
    bullets.append(ctx.t("bp_note_source", date=ctx.as_of))
    notes = _lines([ctx.t("bp_n_notes_intro", area=ctx.area_label, period=ctx.period)] + bullets)
    return _Slide("notes", ctx.t("bp_title_notes"), notes, bullets=bullets)


# --- writing the PPTX ------------------------------------------------------------------------------------

def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def _paragraph(frame, text: str, size: float, colour: str = INK, bold: bool = False, first: bool = False,
               align=PP_ALIGN.LEFT, space_after: float = 0):
    p = frame.paragraphs[0] if first else frame.add_paragraph()
    p.alignment = align
    p.space_after = Pt(space_after)
    _run(p, text, size, colour, bold)
    return p


def _run(paragraph, text: str, size: float, colour: str, bold: bool = False):
    run = paragraph.add_run()
    run.text = text
    run.font.name, run.font.size, run.font.bold, run.font.color.rgb = FONT_NAME, Pt(size), bold, _rgb(colour)
    return run


def _textbox(slide, box, lines: list[tuple[str, float, str, bool]], align=PP_ALIGN.LEFT,
             anchor=MSO_ANCHOR.TOP, space_after: float = 0):
    """A text box of (text, size pt, colour, bold) paragraphs."""
    shape = slide.shapes.add_textbox(*box)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, (text, size, colour, bold) in enumerate(lines):
        _paragraph(frame, text, size, colour, bold, first=i == 0, align=align, space_after=space_after)
    return shape


def _set_title(slide, text: str, box=TITLE_BOX, size: float = 30) -> None:
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = box
    frame = title.text_frame
    frame.clear()
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    p = frame.paragraphs[0]
    p.alignment = PP_ALIGN.LEFT
    _run(p, text, size, INK, bold=True)


def _rectangle(slide, box, colour: str, rounded: bool = False):
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE, *box)
    shape.fill.solid()
    shape.fill.fore_color.rgb = _rgb(colour)
    shape.line.fill.background()
    style = shape._element.find(qn("p:style"))  # the theme style adds a shadow and white text
    if style is not None:
        shape._element.remove(style)
    if rounded:
        shape.adjustments[0] = 0.06
    return shape


def _footer(slide, ctx: _Context, number: int, total: int) -> None:
    left = f"{ctx.t('app_title')} · {ctx.area_label} · {ctx.period}"
    box = (Inches(0.45), FOOTER_TOP, Inches(10.5), Inches(0.35))
    shape = _textbox(slide, box, [(left, 11, MUTED, False)])
    if ctx.demo:
        _run(shape.text_frame.paragraphs[0], f"  ·  {ctx.t('bp_footer_demo')}", 11, DEMO, bold=True)
    _textbox(slide, (Inches(11.4), FOOTER_TOP, Inches(1.48), Inches(0.35)), [(f"{number} / {total}", 11, MUTED, False)],
             align=PP_ALIGN.RIGHT)


def _write_title_slide(prs, ctx: _Context) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    _rectangle(slide, (0, 0, Inches(0.3), SLIDE_H), ACCENT)
    _textbox(slide, (Inches(0.9), Inches(1.1), Inches(11.5), Inches(0.6)), [(ctx.t("bp_meeting"), 22, ACCENT, True)])
    _set_title(slide, ctx.area_label, (Inches(0.9), Inches(1.75), Inches(11.9), Inches(1.5)), size=48)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (Inches(0.9), Inches(3.3), Inches(11.5),
                                                                    Inches(1.3))
    frame = subtitle.text_frame
    frame.clear()
    frame.word_wrap = True
    _paragraph(frame, ctx.t("bp_pack_period", period=ctx.period), 26, INK, first=True)
    _paragraph(frame, ctx.t("bp_prepared", date=reporting.long_date(settings.today(), ctx.lang), as_of=ctx.as_of),
               18, MUTED)
    if ctx.demo:
        box = _rectangle(slide, (Inches(0.9), Inches(5.2), Inches(11.5), Inches(0.8)), "FBE9E1", rounded=True)
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _paragraph(frame, ctx.t("bp_demo_short"), 18, DEMO, bold=True, first=True)
    _textbox(slide, (Inches(0.9), Inches(6.6), Inches(11.5), Inches(0.4)),
             [(f"{ctx.t('app_title')} · {ctx.t('bp_title_notes')}: {ctx.t('bp_note_missing_sign')}", 12, MUTED,
               False)])


def _write_cards(slide, s: _Slide) -> None:
    gap, row_gap = Inches(0.2), Inches(0.12)
    width = int((Inches(12.43) - 3 * gap) / 4)
    height = Inches(1.75)
    top = Inches(1.3)
    for i, (label, value, note, change) in enumerate(s.cards):
        row, col = divmod(i, 4)
        box = (Inches(0.45) + col * (width + gap), top + row * (height + row_gap), width, height)
        card = _rectangle(slide, box, CARD_FILL, rounded=True)
        frame = card.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.15)
        frame.margin_top = Inches(0.08)
        _paragraph(frame, label, 13, MUTED, first=True)
        _paragraph(frame, value, 30 if len(value) <= 8 else 22, ACCENT, bold=True)
        _paragraph(frame, note or " ", 12, INK)
        _paragraph(frame, change, 12, MUTED)
    _textbox(slide, (Inches(0.45) + 2 * (width + gap), top + 2 * (height + row_gap), 2 * width + gap,
                     height), [(s.footnote, 13, MUTED, False)], anchor=MSO_ANCHOR.BOTTOM)


def _write_callouts(slide, items: list[tuple[str, str]]) -> None:
    shape = slide.shapes.add_textbox(*PANEL)
    frame = shape.text_frame
    frame.word_wrap = True
    for i, (value, caption) in enumerate(items):
        _paragraph(frame, value, 26 if len(value) <= 16 else 20, ACCENT, bold=True, first=i == 0)
        _paragraph(frame, caption, 13, MUTED, space_after=14)


def _write_rows(slide, rows: list[tuple[str, str, str]]) -> None:
    left, top, width, height = PANEL
    row_h = min(Inches(0.56), int(height / max(len(rows), 1)))
    shape = slide.shapes.add_table(len(rows), 2, left, top, width, row_h * len(rows))
    table = shape.table
    table.first_row = table.horz_banding = False
    table.columns[0].width = Inches(1.75)
    table.columns[1].width = width - Inches(1.75)
    for r, (name, value, change) in enumerate(rows):
        table.rows[r].height = row_h
        for c, lines in enumerate(([(name, 11, INK, False)],
                                   [(value, 13, ACCENT, True)] + ([(change, 10, MUTED, False)] if change else []))):
            cell = table.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = _rgb(ROW_FILL if r % 2 == 0 else "FFFFFF")
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            for i, (text, size, colour, bold) in enumerate(lines):
                _paragraph(frame, text, size, colour, bold, first=i == 0)


def _write_bullets(slide, bullets: list[str]) -> None:
    size = 16 if sum(len(b) for b in bullets) < 1400 else 13
    box = (Inches(0.45), Inches(1.3), Inches(12.43), Inches(5.5))
    shape = _textbox(slide, box, [(f"•  {b}", size, INK, False) for b in bullets], space_after=8)
    shape.text_frame.paragraphs[0].space_after = Pt(8)


def write_pptx(slides: list[_Slide], ctx: _Context) -> bytes:
    """The deck: 16:9, one picture per chart slide at PICTURE size, speaker notes on every content slide."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    props = prs.core_properties
    props.title = f"{ctx.t('bp_meeting')}: {ctx.area_label}, {ctx.period}"
    props.author = props.last_modified_by = ctx.t("app_title")
    props.subject = ctx.t("bp_pack_period", period=ctx.period)
    total = len(slides)
    for number, s in enumerate(slides, start=1):
        if s.kind == "title":
            _write_title_slide(prs, ctx)
            continue
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        _set_title(slide, s.title)
        _rectangle(slide, (Inches(0.45), Inches(1.08), Inches(1.2), Inches(0.06)), ACCENT)
        if s.png is not None:
            slide.shapes.add_picture(io.BytesIO(s.png), *PICTURE)
        if s.cards:
            _write_cards(slide, s)
        if s.rows:
            _write_rows(slide, s.rows)
        if s.callouts:
            _write_callouts(slide, s.callouts)
        if s.bullets:
            _write_bullets(slide, s.bullets)
        _footer(slide, ctx, number, total)
        slide.notes_slide.notes_text_frame.text = s.notes  # a paragraph per sentence in the presenter view
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# --- the XLSX -----------------------------------------------------------------------------------------------

def _sheet_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Months as 'YYYY-MM' text (spreadsheets show bare dates as serial numbers)."""
    return frame.with_columns(pl.col(c).dt.strftime("%Y-%m") for c, t in frame.schema.items() if t == pl.Date)


def write_xlsx(sheets: dict[str, pl.DataFrame], notes: list[str], notes_sheet: str = "Catatan") -> bytes:
    """One sheet per table behind the slides, plus the data notes (formula-safe, via exports.to_xlsx)."""
    named, used = {}, set()
    for name, frame in sheets.items():
        base = re.sub(r"[\[\]:*?/\\]", "-", name)[:31]
        unique, i = base, 2
        while unique.lower() in used:
            unique = f"{base[:28]} {i}"
            i += 1
        used.add(unique.lower())
        named[unique] = _sheet_frame(frame)
    return exports.to_xlsx(named, notes, notes_sheet)


# --- building -------------------------------------------------------------------------------------------

def build(con, area: str, start, end, lang: str = "id", labels: Mapping[str, str] | None = None,
          progress: Progress | None = None, include: set[int] | None = None) -> Pack:
    """The briefing pack of an area ('' national, else a Kemendagri code) and month range.

    progress(done, total, message) is called after every step. include: the outline's slide numbers
    to keep (None: all); the XLSX keeps every table. Raises BriefingError for an unknown area, a range
    whose start is after its end, or no slide left ('slides').
    """
    if include is not None and not set(include) & set(range(1, len(SLIDE_KINDS) + 1)):
        raise BriefingError("slides", "no slide chosen")
    began = time.perf_counter()
    ctx = _context(con, area, start, end, lang, labels)
    kept = [i for i in range(1, len(SLIDE_KINDS) + 1) if include is None or i in include]
    steps = 5 + sum(1 for i in kept if SLIDE_KINDS[i - 1] not in ("title", "kpis", "notes")) + 2
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, steps, message)

    args = (con, ctx.area, ctx.start, ctx.end)
    ov = overview.summary(*args, lang, ctx.labels)
    # Changes are the page model's (like for like, its comparison basis), so they name its period.
    ctx.provisional = bool(getattr(ov, "provisional", False))
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_overview")))
    page = pillars.page(*args, lang, ctx.labels)
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_pillars")))
    # the data-sheet breakdowns rest on the same counted village-months as every other figure
    facts = facts_mod.load(con, ctx.area, ctx.start, ctx.end)
    placed = breakdown.by(con, facts, "placements", ["period", "country_iso2", "sector", "sex"])
    returns_by_month = breakdown.by(con, facts, "returns", ["period"])
    returns_by_country = breakdown.by(con, facts, "returns", ["country_iso2"])
    remit_by_country = breakdown.by(con, facts, "remittances", ["country_iso2"])
    remit_by_channel = breakdown.by(con, facts, "remittances", ["channel"])
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_flows")))
    rp = reporting.completeness(*args, lang, ctx.labels)
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_reporting")))
    villages = maps.village_values(*args)
    step(ctx.t("bp_step_data", what=ctx.t("bp_what_map")))

    kpi_slide, kpi_table = _kpi_slide(ctx, ov)
    pillar_slides, pillar_sheets = _pillar_slides(ctx, page)
    placement_slides, placement_sheets = _placement_slides(ctx, ov, placed)
    return_slide, return_sheets = _return_slide(ctx, ov, returns_by_month, returns_by_country)
    remit_slides, remit_sheets = _remittance_slides(ctx, ov, remit_by_country, remit_by_channel)
    reporting_slide, reporting_sheets = _reporting_slide(ctx, rp)
    map_slide, map_sheets = _map_slide(ctx, villages)
    notes_slide = _notes_slide(ctx, ov, page, rp, villages)
    slides = ([_title_slide(ctx), kpi_slide] + pillar_slides + placement_slides + [return_slide] + remit_slides
              + [reporting_slide, map_slide, notes_slide])
    slides = [s for i, s in enumerate(slides, start=1) if i in kept]
    from pipelines.briefing import survey_slides  # optional survey and cohort slides, before the notes
    extra_slides, extra_sheets = survey_slides.slides(ctx, _Slide)
    slides[-1:-1] = extra_slides

    for s in slides:
        if s.figure is not None:
            fig = slide_ready(s.figure, ctx)
            s.png = exports.figure_image(fig, "png", CANVAS[0], CANVAS[1], RENDER_SCALE)
            step(ctx.t("bp_step_chart", what=s.title))

    pptx = write_pptx(slides, ctx)
    step(ctx.t("bp_step_pptx"))
    sheets = {ctx.t("bp_sheet_kpis"): kpi_table, **pillar_sheets, **placement_sheets, **return_sheets,
              **remit_sheets, **reporting_sheets, **map_sheets, **extra_sheets}
    xlsx = write_xlsx(sheets, [ctx.t("bp_title_notes") + f": {ctx.area_label}, {ctx.period}"] + notes_slide.bullets,
                      ctx.t("bp_sheet_notes"))
    step(ctx.t("bp_step_xlsx"))
    infos = [SlideInfo(i, s.kind, s.title, int(s.png is not None)) for i, s in enumerate(slides, start=1)]
    return Pack(pptx, xlsx, infos, list(sheets), time.perf_counter() - began, file_stem(ctx.area_label, ctx.start,
                                                                                          ctx.end))


# --- command line ----------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """`python -m pipelines.briefing --area 35.04 --from 2024-01 --to 2024-06 --out FILE.pptx`; exit 0, or 2."""
    parser = argparse.ArgumentParser(prog="python -m pipelines.briefing",
                                     description="Paket paparan (PPTX + XLSX) satu wilayah dan periode.")
    parser.add_argument("--area", required=True, help="kode Kemendagri (35, 35.04, ...) atau 'nasional'")
    parser.add_argument("--from", dest="start", required=True, help="bulan pertama, YYYY-MM")
    parser.add_argument("--to", dest="end", required=True, help="bulan terakhir, YYYY-MM")
    parser.add_argument("--out", required=True, help="berkas PPTX yang ditulis")
    parser.add_argument("--xlsx", help="berkas XLSX tabel (bawaan: di samping PPTX, akhiran .xlsx)")
    parser.add_argument("--db", help="gudang data (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    parser.add_argument("--lang", choices=("id", "en"), default="id")
    parser.add_argument("--skip", default="", help="nomor slide yang dilewati, mis. 4,5 (lihat urutan di halaman)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    labels = read_labels(args.lang)
    say = lambda key, **f: overview.label(labels, key, **f)  # noqa: E731
    area = "" if args.area.strip().lower() in ("", "nasional", "national") else args.area.strip()
    if not re.fullmatch(r"\d{4}-\d{2}", args.start.strip()) or not re.fullmatch(r"\d{4}-\d{2}", args.end.strip()):
        print(say("bp_cli_bad_period", error=f"{args.start} .. {args.end}"), file=sys.stderr)
        return 2
    try:
        skip = {int(n) for n in args.skip.replace(" ", "").split(",") if n}
    except ValueError:
        skip = None
    if skip is None or not skip <= set(range(1, len(SLIDE_KINDS) + 1)) or len(skip) == len(SLIDE_KINDS):
        print(say("bp_cli_bad_slides", error=args.skip, n=len(SLIDE_KINDS)), file=sys.stderr)
        return 2
    db = Path(args.db) if args.db else settings.db_path()
    if not db.exists():
        print(say("bp_cli_no_db", path=db), file=sys.stderr)
        return 2
    # warehouse.reading works while the app holds the file (it reads a private snapshot then).
    with warehouse.reading(db) as con:
        def report(done: int, total: int, message: str) -> None:
            print(f"[{done:>2}/{total}] {message}", file=sys.stderr, flush=True)
        try:
            pack = build(con, area, args.start, args.end, args.lang, labels, report,
                         set(range(1, len(SLIDE_KINDS) + 1)) - skip)
        except BriefingError as exc:
            print(say(f"bp_cli_bad_{exc.what}", area=args.area, error=exc), file=sys.stderr)
            return 2
    out = Path(args.out)
    xlsx = Path(args.xlsx) if args.xlsx else out.with_suffix(".xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pack.pptx)
    xlsx.write_bytes(pack.xlsx)
    print(say("bp_cli_done", seconds=formatting.number(pack.seconds, args.lang, 1), pptx=out, n=len(pack.slides),
              xlsx=xlsx))
    return 0


if __name__ == "__main__":
    sys.exit(main())
