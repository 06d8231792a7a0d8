"""The Ringkasan (overview) page model: headline figures with their change, monthly trends, destinations."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import plotly.graph_objects as go
import polars as pl

from pipelines import areas, charts, formatting, warehouse
from pipelines.ingest import countries
from pipelines.labels import page_labels
from pipelines.labels import text as labels_text
from pipelines.metrics import breakdown, calendar
from pipelines.metrics.measure import measure
from pipelines.targets import notes as target_notes
from pipelines.views.cards import Card, card
from pipelines.views.selection import Selection

# Labels (ui/labels.csv keys) the model looks up for charts, notes and table headers (a test or the pack may pass its own).
LABELS = (
    "ov_fig_placements", "ov_fig_remittances", "ov_fig_destinations", "ov_axis_month", "ov_axis_people",
    "ov_axis_rupiah", "ov_women", "ov_men", "ov_no_report", "ov_note_women", "ov_note_problem",
    "ov_note_completeness", "ov_col_country", "ov_col_placements", "ov_col_share_women", "ov_col_share",
    "ov_col_month", "ov_col_villages_reported", "ov_col_remittances", "ov_col_returns", "source_note",
    "ov_note_children_latest", "sementara", "ov_col_expected", "ov_col_status", "ov_provisional_month",
)
TOP_DESTINATIONS = 10
# Scale words for money axes (the same short scale as formatting.rupiah).
_AXIS_SCALES = {"id": [(1e12, "triliun"), (1e9, "miliar"), (1e6, "juta")],
                "en": [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")]}


# --- small helpers shared with pipelines.views.pillars ----------------------------------------------

def previous_range(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before: Jan-Jun 2024 -> Jul-Dec 2023."""
    first, last = calendar.month_start(start), calendar.month_start(end)
    n = len(calendar.months_between(first, last))
    return calendar.add_months(first, -n), calendar.add_months(first, -1)


def period_label(start: date, end: date, lang: str) -> str:
    """'Januari 2024 – Juni 2024' (one month: 'Juni 2024')."""
    if calendar.month_start(start) == calendar.month_start(end):
        return formatting.month(start, lang)
    return f"{formatting.month(start, lang)} – {formatting.month(end, lang)}"


def delta_text(value: float | None, previous: float | None, money: bool, lang: str) -> str | None:
    """'+66 (+91,7%)', '-Rp 2,5 juta (-10,0%)', '0 (0,0%)'; no % when previous is 0; None when a side is missing."""
    if value is None or previous is None:
        return None
    change = value - previous
    sign = "+" if change > 0 else "-" if change < 0 else ""
    amount = sign + formatting.value(abs(change), "rupiah" if money else "", lang)
    if previous == 0:
        return amount
    share = change / abs(previous)
    return f"{amount} ({'+' if share > 0 else ''}{formatting.percent(share, lang)})"


def label(labels: Mapping[str, str] | None, key: str, **fields) -> str:
    """A label from the page's catalogue (the key itself when absent), with {fields} filled in."""
    text = (labels or {}).get(key, key)
    return text.format(**fields) if fields else text


def money_scale(largest: float | None, lang: str) -> tuple[float, str]:
    """Divisor and word for a money axis: (1e9, 'miliar') when the largest value is in billions."""
    for size, word in _AXIS_SCALES[lang]:
        if largest is not None and abs(largest) >= size:
            return size, word
    return 1e6, _AXIS_SCALES[lang][-1][1]


def source_note(con, labels: Mapping[str, str] | None, lang: str) -> str:
    """'Sumber: laporan bulanan desa Desmigratif, data per 5 Juli 2024' (date of the last upload)."""
    last = warehouse.query(con, "warehouse_summary")["last_upload"][0]
    return label(labels, "source_note", date=formatting.day(last, lang))


def _sum_or_none(values: list[float | None]) -> float | None:
    """Sum of the reported parts; None only when no part was reported."""
    present = [v for v in values if v is not None]
    return sum(present) if present else None


# --- the page model ---------------------------------------------------------------------------

# Headline cards (ui label key -> metric-layer figure), in display order. Composites such as
# consultations (L01 + L02) are defined once, in reference/figures.csv.
CARDS = {
    "villages": "villages_joined", "reported": "reports_in", "placements": "placements",
    "returns": "returns", "remittances": "remittances", "consultations": "consultations",
    "trainees": "trainees", "children": "C02", "coop_members": "K01", "savings": "K02",
}
LABELS = LABELS + tuple(f"ov_kpi_{key}" for key in CARDS)
SERIES = ("reports_expected", "reports_in", "placements", "placements_women", "returns", "remittances")


@dataclass
class Summary:
    """Everything the Ringkasan page shows, display-ready."""
    area: str
    area_label: str
    period_label: str
    previous_label: str          # the comparison period
    provisional: bool            # the range includes an open month
    cards: dict[str, Card]
    # period, reports_expected, reports_in, placements, women, men, returns, remittances_idr, provisional
    monthly: pl.DataFrame
    monthly_table: pl.DataFrame  # the same with display headers (the trend charts' downloads)
    destinations: pl.DataFrame   # display table of the top destinations
    charts: dict[str, go.Figure] = field(default_factory=dict)  # built once; the page cache shares them

    @property
    def kpis(self) -> dict[str, Card]:
        return self.cards


def latest_month_note(m, code: str, key: str, lang: str, labels: Mapping[str, str] | None) -> str:
    """'Oktober 2026: 85 anak': a per-month figure in the range's newest closed month. An open month
    (deadline not passed) holds only its early reports, so it is not shown as the latest; when every
    month of the range is open, the last one is shown (its card is marked Sementara, as every card of
    a range with an open month)."""
    facts = m.facts
    closed = [month for month in facts.months if month not in facts.open_months]
    month = closed[-1] if closed else facts.end
    values = m.series([code]).filter(pl.col("period") == month)["value"]
    return label(labels, key, month=formatting.month(month, lang),
                 n=formatting.number(values[0] if len(values) else None, lang))


def model(con, sel: Selection, lang: str = "id", labels: Mapping[str, str] | None = None) -> Summary:
    """Everything the Ringkasan page shows for an area and month range, compared like for like.
    labels: the catalogue's for lang unless given."""
    labels = page_labels(LABELS, lang) if labels is None else labels
    area, start, end, compare, approved_only = (sel.area or "").strip(), sel.start, sel.end, sel.compare, sel.approved_only
    m = measure(con, area, start, end, compare=compare, approved_only=approved_only, estimates=True)
    start, end = m.facts.start, m.facts.end
    totals = {key: m.total(fig, with_estimate=fig in ("placements", "returns", "remittances"))
              for key, fig in CARDS.items()}
    women = m.total("women_share", with_change=False)
    problems = m.total("returns_with_problem", with_change=False)
    notes = {
        "placements": label(labels, "ov_note_women", share=formatting.percent(women.value, lang))
        if women.value is not None else None,
        "returns": label(labels, "ov_note_problem", n=formatting.number(problems.value, lang))
        if problems.value is not None else None,
    }
    if totals["children"].value is not None:
        notes["children"] = latest_month_note(m, "C02", "ov_note_children_latest", lang, labels)
    targets = target_notes.notes(con, area, start, end, totals, lang)  # where a target exists for the range
    cards = {key: card(total, lang, title=label(labels, f"ov_kpi_{key}"),
                       note=" · ".join(n for n in (notes.get(key), targets.get(key)) if n) or None)
             for key, total in totals.items()}

    monthly = _monthly(m)
    facts = m.facts
    destinations = _destinations(breakdown.by(con, facts, "placements", ["country_iso2", "sex"]))
    area_label = areas.label(con, area, lang)
    previous = (period_label(m.comparison.start, m.comparison.end, lang) if m.comparison else "")
    model = Summary(area, area_label, period_label(start, end, lang), previous, facts.provisional,
                    cards, monthly, monthly_table(monthly, lang, labels), destination_table(destinations, lang, labels))
    subtitle = f"{area_label}, {model.period_label}"
    if facts.provisional:
        subtitle += f" ({label(labels, 'sementara')})"
    source = source_note(con, labels, lang)
    model.charts = {
        "placements": placements_chart(monthly, subtitle, lang, labels, source),
        "remittances": remittances_chart(monthly, subtitle, lang, labels, source),
        "destinations": destinations_chart(destinations, subtitle, lang, labels, source),
    }
    return model


def _monthly(m) -> pl.DataFrame:
    """Per month of the range from the metric layer; a month with no report stays NULL (never 0)."""
    series = m.series(list(SERIES))
    wide = series.pivot(on="figure", index="period", values="value")
    covered = series.filter(pl.col("figure") == "placements").select("period", "provisional")
    frame = wide.join(covered, on="period").sort("period")
    return frame.select(
        "period",
        pl.col("reports_expected").cast(pl.Int64),
        pl.col("reports_in").cast(pl.Int64).alias("villages_reported"),
        pl.col("placements").cast(pl.Int64),
        pl.col("placements_women").cast(pl.Int64).alias("women"),
        (pl.col("placements") - pl.col("placements_women")).cast(pl.Int64).alias("men"),
        pl.col("returns").cast(pl.Int64),
        pl.col("remittances").cast(pl.Float64).alias("remittances_idr"),
        "provisional",
    )


def _destinations(placed: pl.DataFrame) -> pl.DataFrame:
    """placed: country_iso2, sex, count over the counted village-months."""
    """Countries by placements in the range: country_iso2, placements, women, share_women, share."""
    total = placed["count"].sum()
    return (placed.group_by("country_iso2")
            .agg(placements=pl.col("count").sum(),
                 women=pl.col("count").filter(pl.col("sex") == "P").sum())
            .with_columns(share_women=pl.col("women") / pl.col("placements"),
                          share=pl.col("placements") / total if total else pl.lit(None, pl.Float64))
            .sort(["placements", "country_iso2"], descending=[True, False])
            .head(TOP_DESTINATIONS))


def destination_table(destinations: pl.DataFrame, lang: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """The top destinations with display headers and formatted shares (numbers stay numbers)."""
    return pl.DataFrame({
        label(labels, "ov_col_country"): [countries.name(c, lang) for c in destinations["country_iso2"]],
        label(labels, "ov_col_placements"): destinations["placements"].cast(pl.Int64),
        label(labels, "ov_col_share_women"): [formatting.percent(s, lang) for s in destinations["share_women"]],
        label(labels, "ov_col_share"): [formatting.percent(s, lang) for s in destinations["share"]],
    }, schema_overrides={label(labels, "ov_col_placements"): pl.Int64})


def monthly_table(monthly: pl.DataFrame, lang: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """The monthly series with display headers and coverage, for the chart downloads."""
    return monthly.select(
        pl.col("period").alias(label(labels, "ov_col_month")),
        pl.col("reports_expected").alias(label(labels, "ov_col_expected")),
        pl.col("villages_reported").alias(label(labels, "ov_col_villages_reported")),
        pl.col("placements").alias(label(labels, "ov_col_placements")),
        pl.col("women").alias(label(labels, "ov_women")),
        pl.col("men").alias(label(labels, "ov_men")),
        pl.col("returns").alias(label(labels, "ov_col_returns")),
        pl.col("remittances_idr").alias(label(labels, "ov_col_remittances")),
        pl.when(pl.col("provisional")).then(pl.lit(label(labels, "sementara"))).otherwise(pl.lit(""))
        .alias(label(labels, "ov_col_status")),
    )


# --- figures ------------------------------------------------------------------------------------

def month_axis(fig: go.Figure, periods: list[date], lang: str) -> None:
    """A month x axis in the chosen language: 'Nov' with the year under the first tick and each January;
    at most about 12 ticks (every 2nd or 3rd month on longer ranges), written horizontally."""
    step = max(1, -(-len(periods) // 12))
    values, texts, year = [], [], None
    for i, period in enumerate(periods):
        if i % step:
            continue
        text = formatting.short_month(period, lang)
        if period.year != year:
            text += f"<br>{period.year}"
            year = period.year
        values.append(period)
        texts.append(text)
    if step == 1 and len(texts) > 1 and "<br>" in texts[1]:
        # 'Des 2025' beside 'Jan 2026': two years on neighbouring ticks run together ('20252026')
        texts[0] = texts[0].split("<br>")[0]
    fig.update_xaxes(type="date", tickvals=values, ticktext=texts, tickangle=0)


def mark_missing(fig: go.Figure, periods: list[date], missing: list[bool], labels: Mapping[str, str] | None) -> None:
    """A small '–' where a month has no report, so a gap is not read as zero."""
    for period, gone in zip(periods, missing):
        if gone:
            fig.add_annotation(x=period, y=0, text="–", showarrow=False, yshift=10,
                               hovertext=label(labels, "ov_no_report"), font=dict(size=18, color="#555555"))


def _hover(periods: list[date], texts: list[str], lang: str, monthly: pl.DataFrame | None = None,
           labels: Mapping[str, str] | None = None) -> list[list[str]]:
    """[month, value, coverage] per month: the hover says how many expected reports a bar rests on."""
    if monthly is None or "reports_expected" not in monthly.columns:
        return [[formatting.month(p, lang), text, ""] for p, text in zip(periods, texts)]
    out = []
    for p, text, row in zip(periods, texts, monthly.iter_rows(named=True)):
        cov = labels_text("cov_reports", lang, expected=formatting.number(row["reports_expected"], lang),
                          covered=formatting.number(row["villages_reported"], lang),
                          share=formatting.percent(row["villages_reported"] / row["reports_expected"]
                                                   if row["reports_expected"] else None, lang))
        if row.get("provisional"):
            cov += f" ({label(labels, 'sementara')})"
        out.append([formatting.month(p, lang), text, cov])
    return out


def mark_provisional(fig: go.Figure, monthly: pl.DataFrame, labels: Mapping[str, str] | None) -> None:
    """'sementara' above each open month's bar: its reports are not all due yet."""
    if "provisional" not in monthly.columns:
        return
    for period, open_ in zip(monthly["period"], monthly["provisional"]):
        if open_:
            fig.add_annotation(x=period, y=1, yref="paper", text=label(labels, "sementara"), showarrow=False,
                               font=dict(size=12, color="#7a4b00"))


def placements_chart(monthly: pl.DataFrame, subtitle: str, lang: str, labels: Mapping[str, str] | None,
                     source: str | None = None) -> go.Figure:
    """Monthly placements stacked women/men; months without reports left empty and marked."""
    periods = monthly["period"].to_list()
    fig = go.Figure()
    for column, colour in (("women", charts.PALETTE[4]), ("men", charts.PALETTE[0])):
        values = monthly[column].to_list()
        fig.add_bar(x=periods, y=values, name=label(labels, f"ov_{column}"), marker_color=colour,
                    customdata=_hover(periods, [formatting.number(v, lang) for v in values], lang, monthly, labels),
                    hovertemplate="%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="stack")
    month_axis(fig, periods, lang)
    mark_missing(fig, periods, [v is None for v in monthly["placements"]], labels)
    mark_provisional(fig, monthly, labels)
    fig = charts.style(fig, label(labels, "ov_fig_placements"), subtitle, label(labels, "ov_axis_month"),
                       label(labels, "ov_axis_people"), lang, source)
    fig.update_layout(margin_t=125)  # the legend sits under the two-line title, not across the subtitle
    charts.full_number_ticks(fig)
    return fig


def remittances_chart(monthly: pl.DataFrame, subtitle: str, lang: str, labels: Mapping[str, str] | None,
                      source: str | None = None) -> go.Figure:
    """Monthly remittances in rupiah on a short-scale axis (juta/miliar/triliun)."""
    periods = monthly["period"].to_list()
    values = monthly["remittances_idr"].to_list()
    size, word = money_scale(max((v for v in values if v is not None), default=None), lang)
    fig = go.Figure(go.Bar(
        x=periods, y=[v / size if v is not None else None for v in values], marker_color=charts.PALETTE[2],
        name=label(labels, "ov_col_remittances"),
        customdata=_hover(periods, [formatting.rupiah(v, lang) for v in values], lang, monthly, labels),
        hovertemplate="%{customdata[0]}: %{customdata[1]}<br>%{customdata[2]}<extra></extra>"))
    month_axis(fig, periods, lang)
    mark_missing(fig, periods, [v is None for v in values], labels)
    mark_provisional(fig, monthly, labels)
    fig = charts.style(fig, label(labels, "ov_fig_remittances"), subtitle, label(labels, "ov_axis_month"),
                       label(labels, "ov_axis_rupiah", scale=word), lang, source)
    charts.full_number_ticks(fig)
    return fig


def destinations_chart(destinations: pl.DataFrame, subtitle: str, lang: str,
                       labels: Mapping[str, str] | None, source: str | None = None) -> go.Figure:
    """Top destination countries as horizontal bars (largest on top), women and men stacked."""
    ranked = destinations.reverse()  # plotly draws the first category at the bottom
    names = [countries.name(c, lang) for c in ranked["country_iso2"]]
    fig = go.Figure()
    for column, colour in (("women", charts.PALETTE[4]), ("men", charts.PALETTE[0])):
        values = (ranked["women"] if column == "women" else ranked["placements"] - ranked["women"]).to_list()
        fig.add_bar(y=names, x=values, orientation="h", name=label(labels, f"ov_{column}"), marker_color=colour,
                    customdata=[formatting.number(v, lang) for v in values],
                    hovertemplate="%{y}: %{customdata}<extra>%{fullData.name}</extra>")
    fig.update_layout(barmode="stack", height=max(400, 200 + 34 * destinations.height))
    fig.update_yaxes(type="category")
    fig = charts.style(fig, label(labels, "ov_fig_destinations"), subtitle, label(labels, "ov_axis_people"),
                       None, lang, source)
    fig.update_layout(margin_t=125)
    fig.update_xaxes(rangemode="tozero")
    charts.full_number_ticks(fig, "x")
    return fig
