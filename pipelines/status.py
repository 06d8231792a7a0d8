"""What the warehouse holds: registry size, months covered, submissions, demo flag."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines import warehouse


@dataclass
class Status:
    summary: dict
    by_month: pl.DataFrame
    by_province: pl.DataFrame
    demo: bool
    data_version: str


def status(con: duckdb.DuckDBPyConnection) -> Status:
    """The warehouse's summary row, reports per month, villages per province, and its facts."""
    facts = warehouse.info(con)
    return Status(
        summary=warehouse.query(con, "warehouse_summary").to_dicts()[0],
        by_month=warehouse.query(con, "submissions_by_month"),
        by_province=warehouse.query(con, "villages_by_province"),
        demo=facts.get("demo") == "ya",
        data_version=facts.get("data_version", "0"),
    )


def period_span(con: duckdb.DuckDBPyConnection) -> tuple:
    """First and last month with any current submission (None, None when empty)."""
    return warehouse.query(con, "period_span").row(0)
