"""The audit trail: who signed in (or failed to), uploaded, or changed an account, and when."""
from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.settings import WIB  # like every warehouse timestamp: Western Indonesia Time, naive

# Events written by this project (others may add more; the admin page lists whatever the log holds).
EVENTS = ("login", "login_failed", "locked", "logout", "upload", "upload_rejected", "user_added", "role_changed",
          "user_disabled", "user_enabled", "password_reset")


def now() -> datetime:
    """The current time in WIB, naive, to the microsecond (so entries keep their order)."""
    return datetime.now(WIB).replace(tzinfo=None)


def record(cur: duckdb.DuckDBPyConnection, username: str, event: str, detail: str,
           at: datetime | None = None) -> None:
    """Append an entry on a cursor whose write transaction the caller holds (so it commits with the change)."""
    warehouse.execute(cur, "audit_insert", logged_at=at or now(), username=username, event=event, detail=detail)


def audit(con: duckdb.DuckDBPyConnection, username: str, event: str, detail: str = "",
          at: datetime | None = None) -> None:
    """Append one entry in its own transaction, through the warehouse's write lock."""
    with warehouse.transaction(con) as cur:
        record(cur, username, event, detail, at)


def audit_log(con: duckdb.DuckDBPyConnection, limit: int = 200, event: str | None = None,
              username: str | None = None) -> pl.DataFrame:
    """The newest entries first (logged_at, username, event, detail), optionally one event and/or one user."""
    return warehouse.query(con, "audit_log", limit=int(limit), event=event, username=username)


def events(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every event kind in the log, plus the project's known ones, alphabetically."""
    return sorted(set(EVENTS) | set(warehouse.query(con, "audit_events")["event"].to_list()))
