"""Village-month facts of an area and range: calendar state, whether each counts, and every input value."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import polars as pl

from pipelines import catalogue, settings, warehouse
from pipelines.metrics import calendar

UNIT_COLUMNS = {"province": ("province_code", "province"), "district": ("district_code", "district"),
                "subdistrict": ("subdistrict_code", "subdistrict"), "village": ("village_code", "village_name")}


@dataclass(frozen=True)
class Facts:
    """One row per village-month that was expected (joined) or reported, inputs NULL unless it counts."""
    area: str
    start: date
    end: date
    today: date
    deadline_day: int
    approved_only: bool
    frame: pl.DataFrame

    @property
    def months(self) -> list[date]:
        return calendar.months_between(self.start, self.end)

    @property
    def open_months(self) -> list[date]:
        """Months of the range still open (deadline not passed): their figures are provisional."""
        return calendar.open_months(self.start, self.end, self.today, self.deadline_day)

    @property
    def provisional(self) -> bool:
        return bool(self.open_months)

    @cached_property  # read by every figure of a page: filtered once (written to __dict__, frozen or not)
    def expected(self) -> pl.DataFrame:
        """Only the expected village-months: a report for a month before joining never counts."""
        return self.frame.filter(pl.col("expected"))


def load(con, area: str, start: date | str, end: date | str, *, today: date | None = None,
         deadline_day: int | None = None, approved_only: bool = False) -> Facts:
    """The facts of an area ('' national or a code prefix) and an inclusive month range."""
    first, last = calendar.month_start(start), calendar.month_start(end)
    if first > last:
        raise ValueError(f"start {first} is after end {last}")
    today = today or settings.today()
    day = calendar.deadline_day(deadline_day)
    params = dict(area=(area or "").strip(), start=first, end=last)
    # one pre-computed row per village-month (pipelines/metrics/rollup.py): no pivot per request
    wide = warehouse.query(con, "village_months", deadline_day=day, today=today,
                           approved_only=bool(approved_only), **params)
    codes = list(catalogue.indicators())
    # flows and values of a village-month that does not count (not reported; approved-only mode) are not inputs
    wide = wide.with_columns(pl.when(pl.col("counts")).then(pl.col(c)).cast(pl.Float64).alias(c)
                             for c in (*catalogue.FLOWS, *codes))
    return Facts(params["area"], first, last, today, day, bool(approved_only), wide)
