"""Satu Data button model: who may build the package, and the package of a period as one zip."""
from __future__ import annotations

import duckdb

from pipelines.accounts import roles
from pipelines.accounts.roles import User
from pipelines.opendata import package


def may_build(user: User | None) -> bool:
    """Whether the role publishes targets and open data (roles.csv: publish)."""
    return roles.publishes(user)


def zip_package(con: duckdb.DuckDBPyConnection, period: str, approved_only: bool = True) -> bytes:
    """CSV, XLSX and metadata.json of the period in one zip (approved data only unless asked)."""
    return package.zipped(con, period, approved_only=approved_only)
