"""The charts the pack makes itself (the others come from the page models); each becomes a native chart."""
from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from pipelines import charts, formatting
from pipelines.briefing.context import Context
from pipelines.briefing.text import sector_name
from pipelines.views import overview

CANVAS = (960, 540)        # the map picture's size in CSS px: 16:9, fonts sized for a projector at the placed size
RENDER_SCALE = 2           # PNG pixels per CSS px: 1920 x 1080, sharp on a full-HD projector


def subtitle(ctx: Context) -> str:
    """'Kabupaten Ponorogo, Mei 2026 – Oktober 2026' under a chart's title."""
    return f"{ctx.area_label}, {ctx.period}"


def hbar(names: list[str], series: list[tuple[str, list[float], str]], title: str, axis: str, ctx: Context,
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
    charts.style(fig, title, subtitle(ctx), axis, None, ctx.lang, ctx.source)
    fig.update_layout(margin_t=125, margin_r=110 if texts is not None else 30)
    fig.update_xaxes(rangemode="tozero")
    charts.full_number_ticks(fig, "x")
    return fig


def mark_empty(fig: go.Figure, text: str) -> go.Figure:
    """A chart without bars says so across its plot area."""
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False,
                       font=dict(size=26, color="#555555"))
    return fig


def empty_text(total: float | None, ctx: Context) -> str:
    """What an empty chart says: 'tidak dilaporkan' when nobody reported, else 0."""
    return ctx.t("bp_not_reported") if total is None else formatting.number(0, ctx.lang)


def sectors_chart(sectors: pl.DataFrame, total: float | None, ctx: Context) -> go.Figure:
    """Placements per sector, women and men stacked, largest on top."""
    names = [sector_name(s, ctx) for s in sectors["sector"]]
    return hbar(names, [(ctx.t("ov_women"), sectors["women"].to_list(), charts.PALETTE[4]),
                        (ctx.t("ov_men"), sectors["men"].to_list(), charts.PALETTE[0])],
                ctx.t("bp_fig_sectors"), ctx.t("ov_axis_people"), ctx, empty=empty_text(total, ctx))


def money_bars(frame: pl.DataFrame, names: list[str], title: str, total: float | None, ctx: Context) -> go.Figure:
    """Rupiah per row on a short-scale axis (juta/miliar), each bar labelled with its amount."""
    values = frame["amount_idr"].to_list()
    size, word = overview.money_scale(max(values, default=None), ctx.lang)
    return hbar(names, [(ctx.t("ov_col_remittances"), [v / size for v in values], charts.PALETTE[2])], title,
                ctx.t("ov_axis_rupiah", scale=word), ctx, texts=[formatting.rupiah(v, ctx.lang) for v in values],
                empty=empty_text(total, ctx))


def returns_chart(monthly: pl.DataFrame, ctx: Context) -> go.Figure:
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
    if "provisional" in monthly.columns:
        overview.mark_provisional(fig, monthly, ctx.labels)
    charts.style(fig, ctx.t("bp_fig_returns"), subtitle(ctx), ctx.t("ov_axis_month"),
                 ctx.t("ov_axis_people"), ctx.lang, ctx.source)
    fig.update_layout(margin_t=125)
    charts.full_number_ticks(fig)
    return fig
