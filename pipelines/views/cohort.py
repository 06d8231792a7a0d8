"""Kohort page model: maturity curves by joining-year cohort and, with an external series, the staggered comparison."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import plotly.graph_objects as go
import polars as pl

from pipelines import charts, formatting
from pipelines.catalogue import indicators
from pipelines.cohort import curves, series, staggered
from pipelines.labels import page_labels
from pipelines.views.selection import Selection

LABELS = ("co_cohort", "co_months", "co_villages_behind", "co_curve_subtitle", "co_mean_per_village",
          "co_event_title", "co_event_subtitle", "co_years_since", "co_effect")


@dataclass
class CohortPage:
    sizes: pl.DataFrame              # joined_year, villages
    curve: pl.DataFrame              # joined_year, months_since, villages, mean_value
    curve_chart: go.Figure | None
    series: pl.DataFrame             # the external series held
    series_name: str | None = None
    comparison: staggered.Comparison | None = None
    comparison_chart: go.Figure | None = None
    comparison_problem: str | None = None
    summary: dict | None = None      # formatted ATT, CI, pre-trend p


def indicator_name(code: str, lang: str) -> str:
    i = indicators()[code]
    return i.name_id if lang == "id" else i.name_en


def _curve_chart(frame: pl.DataFrame, code: str, lang: str, labels: dict[str, str]) -> go.Figure:
    fig = go.Figure()
    for (year,), part in frame.group_by("joined_year", maintain_order=True):
        fig.add_trace(go.Scatter(
            x=part["months_since"].to_list(), y=part["mean_value"].to_list(), mode="lines+markers",
            name=f"{labels['co_cohort']} {year}", customdata=part["villages"].to_list(),
            hovertemplate=f"{labels['co_months']} %{{x}}<br>%{{y:,.1f}}<br>"
                          f"{labels['co_villages_behind']}: %{{customdata}}<extra>{year}</extra>"))
    return charts.full_number_ticks(charts.style(
        fig, f"{code} · {indicator_name(code, lang)}", labels["co_curve_subtitle"], labels["co_months"],
        labels["co_mean_per_village"], lang))


def _event_chart(event: pl.DataFrame, lang: str, labels: dict[str, str]) -> go.Figure:
    fig = go.Figure(go.Scatter(
        x=event["relative_period"].to_list(), y=event["att"].to_list(), mode="markers",
        error_y=dict(type="data", symmetric=False,
                     array=(event["ci_high"] - event["att"]).to_list(),
                     arrayminus=(event["att"] - event["ci_low"]).to_list()),
        name="ATT"))
    fig.add_hline(y=0, line_dash="dot", line_color="#555555")
    fig.add_vline(x=-0.5, line_dash="dash", line_color="#D55E00")
    return charts.style(fig, labels["co_event_title"], labels["co_event_subtitle"], labels["co_years_since"],
                        labels["co_effect"], lang)


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id", labels: dict[str, str] | None = None, *,
          indicator: str = "K01", series_name: str | None = None) -> CohortPage:
    """Curves of one indicator in the selected area; the comparison when an external series is held."""
    labels = page_labels(LABELS, lang) if labels is None else labels
    area, code = sel.area, indicator
    frame = curves.curve(con, code, area)
    model = CohortPage(curves.sizes(con, area), frame,
                       _curve_chart(frame, code, lang, labels) if frame.height else None, series.names(con))
    if model.series.is_empty():
        return model
    names = model.series["series"].to_list()
    model.series_name = series_name if series_name in names else names[0]
    try:
        result = staggered.estimate(series.values(con, model.series_name))
    except staggered.NotEstimable as exc:
        model.comparison_problem = str(exc)
        return model
    model.comparison = result
    model.comparison_chart = _event_chart(result.event, lang, labels)
    model.summary = {"att": formatting.number(result.att, lang, 2),
                     "ci": f"{formatting.number(result.ci_low, lang, 2)} – {formatting.number(result.ci_high, lang, 2)}",
                     "pretrend_p": formatting.number(result.pretrend_p, lang, 3),
                     "areas": formatting.number(result.areas, lang),
                     "years": f"{result.years[0]}–{result.years[1]}"}
    return model
