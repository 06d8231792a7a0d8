"""The Pilar page model: each pillar's KPIs, trends and area comparison, and the village x pillar scorecard."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import plotly.graph_objects as go
import polars as pl

from pipelines import areas, catalogue, charts, formatting, warehouse
from pipelines.metrics import aggregate as metrics
from pipelines.views.overview import (Kpi, delta_text, label, mark_missing, money_scale, month_axis,
                                period_label, previous_range, source_note)

PILLARS = (1, 2, 3, 4)
HEADLINE = {1: "L01", 2: "U02", 3: "C02", 4: "K01"}  # the indicator a tab's charts open with
# Robust outlier rule on a village's own history (the 12 months before the latest month):
# the modified z-score of Iglewicz and Hoaglin, |x - median| / (1.4826 * MAD) > 3.5.
HISTORY_MONTHS = 12
MIN_HISTORY = 6
MAD_SCALE = 1.4826          # makes the MAD comparable to a standard deviation for normal data
THRESHOLD = 3.5
# MAD = 0 (half or more of the history equals the median, e.g. an activity held now and then, or a
# balance that never moved): the score is undefined. The value is then an outlier only when it is off
# the median by a clear amount: more than 3.5 x 1.2533 x the mean absolute deviation (the usual
# fallback for MAD = 0), and more than 3 units and more than half the median (so a constant history
# does not turn every small change into a warning).
MEAN_AD_SCALE = 1.253314
ZERO_MAD_ABSOLUTE = 3.0     # units of the indicator (3 people, 3 sessions, ...)
ZERO_MAD_RELATIVE = 0.5
YES, NO, WARN = "✓", "–", "⚠"

LABELS = (
    "pl_pillar_1", "pl_pillar_2", "pl_pillar_3", "pl_pillar_4", "pl_short_1", "pl_short_2", "pl_short_3",
    "pl_short_4", "pl_unit_orang", "pl_unit_kegiatan", "pl_unit_kasus", "pl_unit_unit", "pl_flag_villages",
    "pl_axis_villages", "pl_axis_month", "pl_axis_rupiah", "pl_fig_trend", "pl_fig_compare",
    "pl_level_province", "pl_level_district", "pl_level_subdistrict", "pl_level_village",
    "pl_col_area", "pl_col_value", "pl_col_villages_reporting", "pl_col_pillar", "pl_col_villages",
    "pl_col_reported", "pl_col_share_reported", "pl_col_active", "pl_col_share_active", "pl_col_outliers",
    "pl_col_rank", "pl_col_code", "pl_col_village", "pl_col_subdistrict", "pl_col_outlier_codes",
    "pl_sc_reported", "pl_sc_active", "pl_sc_outlier", "pl_col_month", "pl_hover_villages", "ov_no_report",
    "source_note",
)


@dataclass
class PillarView:
    number: int
    codes: list[str]
    kpis: dict[str, Kpi]         # indicator code -> formatted total and change
    reporting: dict[str, int]    # indicator code -> villages that reported it in the range
    pick: str                    # the indicator the charts show
    trend: dict                  # figure (plotly dict; restore with overview.figure)
    trend_table: pl.DataFrame
    comparison: dict | None      # None when the area is a single village
    comparison_table: pl.DataFrame


@dataclass
class PillarPage:
    area: str
    area_label: str
    period_label: str
    previous_label: str
    latest_month: str
    child_level: str | None      # the level compared (None for a single village)
    pillars: dict[int, PillarView]
    summary: pl.DataFrame        # pillar, villages, reported, share_reported, active, share_active, outliers, rank
    summary_table: pl.DataFrame  # the same for display
    weakest: int | None
    scorecard: pl.DataFrame      # display table: village x pillar markers


# --- formatting ---------------------------------------------------------------------------------

def indicator_text(value: float | None, unit: str, lang: str, labels: Mapping[str, str] | None) -> str:
    """'130 orang', 'Rp 287,5 juta', flags as '3 desa'; missing as '–'."""
    if value is None:
        return formatting.MISSING
    if unit == "rupiah":
        return formatting.rupiah(value, lang)
    if unit == "ya/tidak":
        return label(labels, "pl_flag_villages", n=formatting.number(value, lang))
    return f"{formatting.number(value, lang)} {label(labels, f'pl_unit_{unit}')}"


def axis_title(unit: str, lang: str, labels: Mapping[str, str] | None, scale: str = "") -> str:
    """The value axis of an indicator: 'Orang', 'Rupiah (juta)', 'Desa'."""
    if unit == "rupiah":
        return label(labels, "pl_axis_rupiah", scale=scale)
    if unit == "ya/tidak":
        return label(labels, "pl_axis_villages")
    word = label(labels, f"pl_unit_{unit}")
    return word[:1].upper() + word[1:]


def indicator_name(code: str, lang: str) -> str:
    """The catalogue name in the chosen language."""
    ind = catalogue.indicators()[code]
    return ind.name_en if lang == "en" else ind.name_id


# --- the robust outlier rule ------------------------------------------------------------------------

def robust_outliers(values: pl.DataFrame, latest: date) -> pl.DataFrame:
    """Judge each village-indicator's value in `latest` against its own previous 12 months.

    values: village_code, indicator_code, period, value (reported values only).
    Returns village_code, indicator_code, value, history, median, mad, mean_ad, score, outlier where
    outlier is True/False, or None when there are fewer than 6 months of history; score is the
    modified z-score (None when MAD = 0).
    """
    keys = ["village_code", "indicator_code"]
    first = metrics.add_months(latest, -HISTORY_MONTHS)
    past = values.filter(pl.col("period").is_between(first, metrics.add_months(latest, -1)),
                         pl.col("value").is_not_null())
    centre = past.group_by(keys).agg(history=pl.len(), median=pl.col("value").median())
    deviation = (pl.col("value") - pl.col("median")).abs()
    spread = past.join(centre, on=keys).group_by(keys).agg(mad=deviation.median(), mean_ad=deviation.mean())
    now = values.filter(pl.col("period") == latest, pl.col("value").is_not_null()).select(*keys, "value")
    judged = (now.join(centre, on=keys, how="left").join(spread, on=keys, how="left")
              .with_columns(pl.col("history").fill_null(0).cast(pl.Int64),
                            distance=(pl.col("value") - pl.col("median")).abs()))
    clear = pl.max_horizontal(pl.lit(ZERO_MAD_ABSOLUTE), ZERO_MAD_RELATIVE * pl.col("median").abs(),
                              THRESHOLD * MEAN_AD_SCALE * pl.col("mean_ad"))
    return judged.with_columns(
        score=pl.when(pl.col("mad") > 0).then(pl.col("distance") / (MAD_SCALE * pl.col("mad"))),
    ).with_columns(
        outlier=pl.when(pl.col("history") < MIN_HISTORY).then(None)
        .when(pl.col("mad") > 0).then(pl.col("score") > THRESHOLD)
        .otherwise(pl.col("distance") > clear),
    ).select(*keys, "value", "history", "median", "mad", "mean_ad", "score", "outlier").sort(keys)


def is_outlier(x: float, history: list[float | None]) -> bool | None:
    """The rule for one value and its history (oldest first, up to 12 months; None = not reported)."""
    latest = date(2000, 1, 1)
    n = len(history)
    frame = pl.DataFrame({
        "village_code": "v", "indicator_code": "i",
        "period": [metrics.add_months(latest, i - n) for i in range(n)] + [latest],
        "value": [None if h is None else float(h) for h in history] + [float(x)],
    }, schema={"village_code": pl.String, "indicator_code": pl.String, "period": pl.Date, "value": pl.Float64})
    return robust_outliers(frame, latest)["outlier"][0]


# --- scorecard and pillar summary -------------------------------------------------------------------

def scorecard(villages: pl.DataFrame, values: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Per village x pillar: reported (any value in the latest month), active (any value > 0 in the
    range), outlier (True/False; None when no indicator could be judged) and outlier_codes."""
    pillar_of = pl.DataFrame({"indicator_code": list(catalogue.indicators()),
                              "pillar": [i.pillar for i in catalogue.indicators().values()]})
    values = values.join(pillar_of, on="indicator_code")
    keys = ["village_code", "pillar"]
    reported = values.filter(pl.col("period") == end).select(keys).unique().with_columns(reported=pl.lit(True))
    active = (values.filter(pl.col("period").is_between(start, end), pl.col("value") > 0)
              .select(keys).unique().with_columns(active=pl.lit(True)))
    judged = (robust_outliers(values, end).join(pillar_of, on="indicator_code")
              .filter(pl.col("outlier").is_not_null())
              .group_by(keys).agg(outlier=pl.col("outlier").any(),
                                  outlier_codes=pl.col("indicator_code").filter(pl.col("outlier")).sort()))
    grid = villages.select("village_code", "village_name", "subdistrict").join(
        pl.DataFrame({"pillar": list(PILLARS)}), how="cross")
    return (grid.join(reported, on=keys, how="left").join(active, on=keys, how="left")
            .join(judged, on=keys, how="left")
            .with_columns(pl.col("reported", "active").fill_null(False))
            .sort(keys))


def pillar_summary(card: pl.DataFrame) -> pl.DataFrame:
    """Per pillar over the scorecard's villages, weakest first (rank 1): shares active, then reporting."""
    n = card["village_code"].n_unique()
    out = (pl.DataFrame({"pillar": list(PILLARS)})
           .join(card.group_by("pillar").agg(reported=pl.col("reported").sum(), active=pl.col("active").sum(),
                                             outliers=pl.col("outlier").fill_null(False).sum()),
                 on="pillar", how="left")
           .with_columns(pl.col("reported", "active", "outliers").fill_null(0).cast(pl.Int64),
                         villages=pl.lit(n, pl.Int64))
           .with_columns(share_reported=pl.col("reported") / pl.col("villages") if n else pl.lit(None, pl.Float64),
                         share_active=pl.col("active") / pl.col("villages") if n else pl.lit(None, pl.Float64))
           .sort(["share_active", "share_reported", "pillar"]))
    return out.with_columns(rank=pl.int_range(1, out.height + 1, dtype=pl.Int64)).select(
        "pillar", "villages", "reported", "share_reported", "active", "share_active", "outliers", "rank")


def summary_table(summary: pl.DataFrame, lang: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """The pillar summary with display headers and percentages."""
    return pl.DataFrame({
        label(labels, "pl_col_rank"): summary["rank"],
        label(labels, "pl_col_pillar"): [label(labels, f"pl_pillar_{p}") for p in summary["pillar"]],
        label(labels, "pl_col_villages"): summary["villages"],
        label(labels, "pl_col_active"): summary["active"],
        label(labels, "pl_col_share_active"): [formatting.percent(s, lang) for s in summary["share_active"]],
        label(labels, "pl_col_reported"): summary["reported"],
        label(labels, "pl_col_share_reported"): [formatting.percent(s, lang) for s in summary["share_reported"]],
        label(labels, "pl_col_outliers"): summary["outliers"],
    })


def scorecard_table(card: pl.DataFrame, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """One row per village; per pillar three marker columns (✓ yes, – no, ⚠ outlier, '' not judged)."""
    def mark(flag: pl.Expr) -> pl.Expr:
        return pl.when(flag).then(pl.lit(YES)).otherwise(pl.lit(NO))

    columns = [pl.col("village_code").alias(label(labels, "pl_col_code")),
               pl.col("village_name").alias(label(labels, "pl_col_village")),
               pl.col("subdistrict").alias(label(labels, "pl_col_subdistrict"))]
    wide = card.select("village_code", "village_name", "subdistrict").unique(maintain_order=True)
    for p in PILLARS:
        one = card.filter(pl.col("pillar") == p).select(
            "village_code",
            mark(pl.col("reported")).alias(f"r{p}"), mark(pl.col("active")).alias(f"a{p}"),
            pl.when(pl.col("outlier")).then(pl.lit(WARN)).when(pl.col("outlier").not_()).then(pl.lit(NO))
            .otherwise(pl.lit("")).alias(f"o{p}"),
            pl.col("outlier_codes").fill_null([]).alias(f"c{p}"))
        wide = wide.join(one, on="village_code", how="left")
        short = label(labels, f"pl_short_{p}")
        columns += [pl.col(f"r{p}").alias(f"{short} · {label(labels, 'pl_sc_reported')}"),
                    pl.col(f"a{p}").alias(f"{short} · {label(labels, 'pl_sc_active')}"),
                    pl.col(f"o{p}").alias(f"{short} · {label(labels, 'pl_sc_outlier')}")]
    codes = pl.concat_list([pl.col(f"c{p}") for p in PILLARS]).list.join(", ")
    return wide.select(*columns, codes.alias(label(labels, "pl_col_outlier_codes")))


# --- figures ----------------------------------------------------------------------------------------

def trend_figure(monthly: pl.DataFrame, code: str, subtitle: str, lang: str, labels: Mapping[str, str] | None,
                 source: str | None = None) -> go.Figure:
    """One indicator per month: flows and flags as bars, stocks (month-end balances) as a line."""
    ind = catalogue.indicators()[code]
    rows = monthly.filter(pl.col("indicator_code") == code).sort("period")
    periods = rows["period"].to_list()
    values = rows["value"].to_list()
    size, word = money_scale(max((v for v in values if v is not None), default=None), lang) \
        if ind.unit == "rupiah" else (1.0, "")
    shown = [v / size if v is not None else None for v in values]
    hover = [[formatting.month(p, lang), indicator_text(v, ind.unit, lang, labels),
              label(labels, "pl_hover_villages", n=n)]
             for p, v, n in zip(periods, values, rows["villages_reporting"])]
    colour = charts.PALETTE[ind.pillar - 1]
    if ind.kind == "stock":
        trace = go.Scatter(x=periods, y=shown, mode="lines+markers", line=dict(color=colour, width=3),
                           marker=dict(size=9), connectgaps=False)
    else:
        trace = go.Bar(x=periods, y=shown, marker_color=colour)
    trace.update(name=indicator_name(code, lang), customdata=hover,
                 hovertemplate="%{customdata[0]}: %{customdata[1]} (%{customdata[2]})<extra></extra>")
    fig = go.Figure(trace)
    month_axis(fig, periods, lang)
    mark_missing(fig, periods, [v is None for v in values], labels)
    title = label(labels, "pl_fig_trend", indicator=indicator_name(code, lang))
    fig = charts.style(fig, title, subtitle, label(labels, "pl_axis_month"),
                       axis_title(ind.unit, lang, labels, word), lang, source)
    charts.full_number_ticks(fig)
    return fig


def comparison_figure(by_area: pl.DataFrame, code: str, level: str, subtitle: str, lang: str,
                      labels: Mapping[str, str] | None, source: str | None = None) -> go.Figure:
    """One indicator per child unit as ranked horizontal bars, largest on top; units without reports left out."""
    ind = catalogue.indicators()[code]
    rows = (by_area.filter(pl.col("indicator_code") == code, pl.col("value").is_not_null())
            .sort(["value", "area_name"], descending=[False, True]))  # plotly draws the first bar at the bottom
    values = rows["value"].to_list()
    size, word = money_scale(max(values, default=None), lang) if ind.unit == "rupiah" else (1.0, "")
    fig = go.Figure(go.Bar(
        y=rows["area_name"].to_list(), x=[v / size for v in values], orientation="h",
        marker_color=charts.PALETTE[ind.pillar - 1],
        customdata=[[indicator_text(v, ind.unit, lang, labels), label(labels, "pl_hover_villages", n=n)]
                    for v, n in zip(values, rows["villages_reporting"])],
        hovertemplate="%{y}: %{customdata[0]} (%{customdata[1]})<extra></extra>"))
    fig.update_layout(height=max(400, 200 + 30 * rows.height), showlegend=False)
    fig.update_yaxes(type="category")
    title = label(labels, "pl_fig_compare", indicator=indicator_name(code, lang),
                  level=label(labels, f"pl_level_{level}"))
    fig = charts.style(fig, title, subtitle, axis_title(ind.unit, lang, labels, word), None, lang, source)
    fig.update_xaxes(rangemode="tozero")
    charts.full_number_ticks(fig, "x")
    return fig


def comparison_table(by_area: pl.DataFrame, code: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """The ranked units for one indicator (missing values last, shown empty, never 0)."""
    return (by_area.filter(pl.col("indicator_code") == code)
            .sort(["value", "area_name"], descending=[True, False], nulls_last=True)
            .select(pl.col("area_code").alias(label(labels, "pl_col_code")),
                    pl.col("area_name").alias(label(labels, "pl_col_area")),
                    pl.col("value").alias(label(labels, "pl_col_value")),
                    pl.col("villages_reporting").alias(label(labels, "pl_col_villages_reporting"))))


def trend_table(monthly: pl.DataFrame, code: str, labels: Mapping[str, str] | None) -> pl.DataFrame:
    """One indicator's monthly series for download."""
    return (monthly.filter(pl.col("indicator_code") == code).sort("period")
            .select(pl.col("period").alias(label(labels, "pl_col_month")),
                    pl.col("value").alias(label(labels, "pl_col_value")),
                    pl.col("villages_reporting").alias(label(labels, "pl_col_villages_reporting"))))


# --- the page model -------------------------------------------------------------------------------

def page(con, area: str, start: date, end: date, lang: str = "id", labels: Mapping[str, str] | None = None,
         picks: tuple[str, ...] | None = None) -> PillarPage:
    """Everything the Pilar page shows for an area and month range; picks = the charted indicator per pillar."""
    area = (area or "").strip()
    start, end = metrics.month_start(start), metrics.month_start(end)
    prev_start, prev_end = previous_range(start, end)
    child = areas.child_level(areas.level_of(area))
    now = metrics.indicator_totals(con, area, start, end)
    before = metrics.indicator_totals(con, area, prev_start, prev_end)
    values_now = dict(zip(now["indicator_code"], now["value"]))
    villages_now = dict(zip(now["indicator_code"], now["villages_reporting"]))
    values_before = dict(zip(before["indicator_code"], before["value"]))
    area_label = areas.label(con, area, lang)
    subtitle = f"{area_label}, {period_label(start, end, lang)}"
    source = source_note(con, labels, lang)

    views: dict[int, PillarView] = {}
    for p in PILLARS:
        inds = [i for i in catalogue.indicators().values() if i.pillar == p]
        codes = [i.code for i in inds]
        kpis = {}
        for ind in inds:
            value, previous = values_now[ind.code], values_before[ind.code]
            kpis[ind.code] = Kpi(ind.code, value, previous, indicator_text(value, ind.unit, lang, labels),
                                 delta_text(value, previous, ind.unit == "rupiah", lang))
        pick = next((c for c in picks or () if c in codes), HEADLINE[p])
        monthly = metrics.indicator_by_month(con, pick, area, start, end).with_columns(indicator_code=pl.lit(pick))
        if child is None:
            comparison, by_area = None, pl.DataFrame(schema={"indicator_code": pl.String, "area_code": pl.String,
                                                             "area_name": pl.String, "value": pl.Float64,
                                                             "villages_reporting": pl.Int64})
        else:
            by_area = (metrics.indicator_by_area(con, pick, area, start, end, child)
                       .with_columns(indicator_code=pl.lit(pick)))
            comparison = comparison_figure(by_area, pick, child, subtitle, lang, labels, source).to_dict()
        views[p] = PillarView(
            p, codes, kpis, {c: villages_now[c] for c in codes}, pick,
            trend_figure(monthly, pick, subtitle, lang, labels, source).to_dict(), trend_table(monthly, pick, labels),
            comparison, comparison_table(by_area, pick, labels))

    villages = warehouse.query(con, "pillar_villages", area=area, end=end)
    first = min(start, metrics.add_months(end, -HISTORY_MONTHS))
    values = warehouse.query(con, "pillar_village_values", area=area, start=first, end=end)
    card = scorecard(villages, values, start, end)
    summary = pillar_summary(card)
    return PillarPage(
        area=area, area_label=area_label, period_label=period_label(start, end, lang),
        previous_label=period_label(prev_start, prev_end, lang), latest_month=formatting.month(end, lang),
        child_level=child, pillars=views, summary=summary, summary_table=summary_table(summary, lang, labels),
        weakest=summary["pillar"][0] if villages.height else None, scorecard=scorecard_table(card, labels))
