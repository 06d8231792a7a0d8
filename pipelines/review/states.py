"""The review state of a district-month: diterima (no row), diajukan, disetujui, dikembalikan."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from pipelines import warehouse

STATES = ("diterima", "diajukan", "disetujui", "dikembalikan")
RECEIVED = "diterima"


@dataclass(frozen=True)
class State:
    """Where a district-month stands; changed_by/changed_at/reason are None while only loaded."""
    state: str = RECEIVED
    changed_by: str | None = None
    changed_at: datetime | None = None
    reason: str | None = None


def state_of(con: duckdb.DuckDBPyConnection, district: str, period: date) -> State:
    """The stored state, or 'diterima' when the district-month has no review row."""
    rows = warehouse.query(con, "review_state", district=district, period=period).rows()
    return State(*rows[0]) if rows else State()
