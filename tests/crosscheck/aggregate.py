"""The first aggregation module, kept only as an independent cross-check of the metric layer in tests.

Its queries live beside it in tests/crosscheck/sql/: no page, export or slide can reach them.

Every function takes an open warehouse connection first. Areas are '' (national) or a
Kemendagri code prefix ('35', '35.04', '35.04.14', '35.04.14.2011'); periods are months,
given as dates (any day) or 'YYYY-MM' text, and ranges include both ends.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines import catalogue, settings, warehouse

SQL_DIR = Path(__file__).resolve().parent / "sql"

LEVELS = ("province", "district", "subdistrict", "village")
PLACEMENT_KEYS = ("country_iso2", "sector", "sex", "period")
RETURN_KEYS = ("country_iso2", "sex", "period")
REMITTANCE_KEYS = ("country_iso2", "channel", "period")
STATUSES = ("tepat_waktu", "terlambat", "tidak_lapor")

Con = duckdb.DuckDBPyConnection
Month = date | datetime | str


def _query(con: Con, name: str, **params) -> pl.DataFrame:
    """Run sql/<name>.sql (beside this module) on a fresh cursor, like warehouse.query."""
    cur = con.cursor()
    try:
        return cur.sql((SQL_DIR / f"{name}.sql").read_text(encoding="utf-8"), params=params or None).pl()
    finally:
        cur.close()


# --- months -------------------------------------------------------------------------------

# Months and the default range live in the reporting calendar; kept here for the older callers.
from pipelines.metrics.calendar import add_months, month_start, months_between  # noqa: E402,F401


def latest_complete_month(today: date) -> date:
    """The month before today's month: the newest month a report can be for."""
    return add_months(month_start(today), -1)


def default_range(today: date, months: int = 12) -> tuple[date, date]:
    """The last `months` closed months (deadline passed), from the reporting calendar."""
    from pipelines.metrics import calendar
    return calendar.default_range(today, months)


# --- validation (code, level and key names may end up in SQL or column names) ---------------

def _kind(code: str) -> str:
    """The kind (flow|stock|flag) of a catalogue indicator; ValueError for unknown codes."""
    indicator = catalogue.indicators().get(code)
    if indicator is None:
        raise ValueError(f"unknown indicator code {code!r}")
    return indicator.kind


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    """The value itself when allowed; ValueError otherwise."""
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _range(area: str | None, start: Month, end: Month) -> dict:
    """The shared $area/$start/$end parameters, checked and normalised."""
    first, last = month_start(start), month_start(end)
    if first > last:
        raise ValueError(f"start {first} is after end {last}")
    return {"area": (area or "").strip(), "start": first, "end": last}


# --- indicators ---------------------------------------------------------------------------

def indicator_total(con: Con, code: str, area: str, start: Month, end: Month) -> float | None:
    """One indicator over an area and range by its kind's rule; None when nothing was reported."""
    kind = _kind(code)
    frame = _query(con, "indicator_totals", codes=[code], kinds=[kind],
                            **_range(area, start, end))
    return frame["value"][0]


def indicator_totals(con: Con, area: str, start: Month, end: Month) -> pl.DataFrame:
    """Every catalogue indicator in one query: indicator_code, kind, value, villages_reporting."""
    defs = list(catalogue.indicators().values())
    return _query(con, "indicator_totals", codes=[i.code for i in defs],
                           kinds=[i.kind for i in defs], **_range(area, start, end))


def indicator_by_month(con: Con, code: str, area: str, start: Month, end: Month) -> pl.DataFrame:
    """Per month of the range: period, value (sum; flags: count of 1s), villages_reporting."""
    kind = _kind(code)
    return _query(con, "indicator_by_month", code=code, kind=kind,
                           **_range(area, start, end))


def indicator_by_area(con: Con, code: str, area: str, start: Month, end: Month,
                      level: str) -> pl.DataFrame:
    """Per unit of `level` inside the area: area_code, area_name, value, villages_reporting."""
    kind = _kind(code)
    level = _choice(level, LEVELS, "level")
    return _query(con, "indicator_by_area", code=code, kind=kind, level=level,
                           **_range(area, start, end))


# --- reporting discipline -------------------------------------------------------------------

def completeness_by_month(con: Con, area: str, start: Month, end: Month) -> pl.DataFrame:
    """Per month: period, villages_joined, villages_reported, completeness (NULL when none joined)."""
    return _query(con, "completeness_by_month", **_range(area, start, end))


def _deadline_day(deadline_day: int | None) -> int:
    """The deadline day to use: the given one, else the deployment setting."""
    day = settings.report_deadline_day() if deadline_day is None else int(deadline_day)
    if not 1 <= day <= 31:
        raise ValueError(f"deadline_day must be between 1 and 31; got {day}")
    return day


def reporting_status(con: Con, area: str, start: Month, end: Month,
                     deadline_day: int | None = None) -> pl.DataFrame:
    """Every joined village x month: village_code, period, status (tepat_waktu|terlambat|tidak_lapor)."""
    return _query(con, "reporting_status", deadline_day=_deadline_day(deadline_day),
                           **_range(area, start, end))


def timeliness_by_month(con: Con, area: str, start: Month, end: Month,
                        deadline_day: int | None = None) -> pl.DataFrame:
    """Per month: period, on_time, late, missing (counts of joined villages)."""
    params = _range(area, start, end)
    status = reporting_status(con, params["area"], params["start"], params["end"], deadline_day)
    counts = status.group_by("period").agg(
        on_time=(pl.col("status") == "tepat_waktu").sum(),
        late=(pl.col("status") == "terlambat").sum(),
        missing=(pl.col("status") == "tidak_lapor").sum(),
    )
    # every month appears, also one in which no village had joined yet
    months = pl.DataFrame({"period": months_between(params["start"], params["end"])},
                          schema={"period": pl.Date})
    return (months.join(counts, on="period", how="left")
            .with_columns(pl.col("on_time", "late", "missing").fill_null(0).cast(pl.Int64))
            .sort("period"))


def silent_villages(con: Con, area: str, as_of: Month, min_months: int = 2) -> pl.DataFrame:
    """Joined villages with no current report for >= min_months months up to as_of (inclusive)."""
    return warehouse.query(con, "silent_villages", area=(area or "").strip(),
                           as_of=month_start(as_of), min_months=int(min_months))


# --- placements, returns, remittances (flows: summed) -----------------------------------------

def _roll_up(frame: pl.DataFrame, by: str, measures: list[str], largest: str) -> pl.DataFrame:
    """Sum measures per `by`, largest `largest` first; months stay in calendar order (a series)."""
    out = frame.group_by(by).agg(pl.col(m).sum() for m in measures)
    if by == "period":
        return out.sort("period")
    return out.sort([largest, by], descending=[True, False])


def placements_by(con: Con, area: str, start: Month, end: Month, by: str) -> pl.DataFrame:
    """Placements per `by` (country_iso2|sector|sex|period): <by>, count."""
    by = _choice(by, PLACEMENT_KEYS, "by")
    frame = _query(con, "placements_summary", **_range(area, start, end))
    return _roll_up(frame, by, ["count"], "count")


def returns_by(con: Con, area: str, start: Month, end: Month, by: str) -> pl.DataFrame:
    """Returns per `by` (country_iso2|sex|period): <by>, count, with_problem."""
    by = _choice(by, RETURN_KEYS, "by")
    frame = _query(con, "returns_summary", **_range(area, start, end))
    return _roll_up(frame, by, ["count", "with_problem"], "count")


def remittances_by(con: Con, area: str, start: Month, end: Month, by: str) -> pl.DataFrame:
    """Remittances per `by` (country_iso2|channel|period): <by>, transactions, amount_idr."""
    by = _choice(by, REMITTANCE_KEYS, "by")
    frame = _query(con, "remittances_summary", **_range(area, start, end))
    return _roll_up(frame, by, ["transactions", "amount_idr"], "amount_idr")
