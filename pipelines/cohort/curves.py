"""Programme maturity curves: an indicator by months since joining, per joining-year cohort."""
from __future__ import annotations

import duckdb
import polars as pl

from pipelines import warehouse


def curve(con: duckdb.DuckDBPyConnection, code: str, area: str = "") -> pl.DataFrame:
    """joined_year, months_since, villages (behind the point), mean_value; only reported values count."""
    return warehouse.query(con, "cohort_curve", code=code, area=area)


def sizes(con: duckdb.DuckDBPyConnection, area: str = "") -> pl.DataFrame:
    """joined_year, villages."""
    return warehouse.query(con, "cohort_sizes", area=area)
