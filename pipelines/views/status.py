"""What the warehouse holds: registry size, months covered, submissions, demo flag."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import plotly.express as px
import plotly.graph_objects as go
import polars as pl

from pipelines import charts, warehouse
from pipelines.labels import text
from pipelines.views.overview import month_axis
from pipelines.views.selection import Selection


@dataclass
class Status:
    summary: dict
    by_month: pl.DataFrame
    by_province: pl.DataFrame
    demo: bool
    data_version: str
    chart: go.Figure | None = None            # reports per month (None when nothing is loaded)
    by_province_shown: pl.DataFrame | None = None  # headers in lang


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id") -> Status:
    """The Gudang Data page: the warehouse's summary row, reports per month, villages per province, its facts."""
    facts = warehouse.info(con)
    out = Status(
        summary=warehouse.query(con, "warehouse_summary").to_dicts()[0],
        by_month=warehouse.query(con, "submissions_by_month"),
        by_province=warehouse.query(con, "villages_by_province"),
        demo=facts.get("demo") == "ya",
        data_version=facts.get("data_version", "0"),
    )
    if not out.by_month.is_empty():
        out.chart = reports_chart(out.by_month, text("reports_per_month", lang), text("period", lang),
                                    text("villages_reported", lang), lang)
    out.by_province_shown = out.by_province.rename({"province_code": text("map_col_code", lang),
                                                    "province": text("province", lang),
                                                    "joined_year": text("joined_year", lang),
                                                    "villages": text("villages", lang)})
    return out


def period_span(con: duckdb.DuckDBPyConnection) -> tuple:
    """First and last month with any current submission (None, None when empty)."""
    return warehouse.query(con, "period_span").row(0)


def reports_chart(by_month: pl.DataFrame, title: str, x_title: str, y_title: str, lang: str) -> go.Figure:
    """Village reports per month as bars, month ticks in words ('Jan' with the year under January) and
    whole-number counts."""
    fig = px.bar(by_month.to_pandas(), x="period", y="villages_reported")
    charts.style(fig, title, x_title=x_title, y_title=y_title, lang=lang)
    month_axis(fig, by_month["period"].to_list(), lang)
    # Whole villages only: no 0,2 ticks when few villages report.
    small = by_month.height and by_month["villages_reported"].max() < 5
    fig.update_yaxes(tickformat=",d", dtick=1 if small else None)
    return fig
