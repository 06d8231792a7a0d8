"""The reporting calendar: months, deadlines, open months and the state of each village-month."""
from __future__ import annotations

import calendar as _cal
from datetime import date, datetime

from pipelines import settings

Month = date | datetime | str

# The state of an expected village-month (spec: monthly-report.md, "The reporting calendar").
ON_TIME, LATE, NOT_DUE, MISSING = "tepat_waktu", "terlambat", "belum_jatuh_tempo", "tidak_melapor"
STATES = (ON_TIME, LATE, NOT_DUE, MISSING)
# A village-month before the village joined: never expected, never counted in completeness.
NOT_EXPECTED = "tidak_diharapkan"


def month_start(value: Month) -> date:
    """The first day of the month of a date, datetime or 'YYYY-MM[-DD]' text."""
    if isinstance(value, str):
        year, month = value.strip()[:7].split("-")
        return date(int(year), int(month), 1)
    return date(value.year, value.month, 1)


def add_months(month: date, n: int) -> date:
    """The first day of the month n months after (or before, n < 0) the given month."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def months_between(start: Month, end: Month) -> list[date]:
    """Every month from start to end inclusive, as first-of-month dates."""
    first, last = month_start(start), month_start(end)
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(max(count, 0))]


def deadline_day(day: int | None = None) -> int:
    """The deadline day to use: the given one, else PANTAU_DEADLINE_DAY."""
    day = settings.report_deadline_day() if day is None else int(day)
    if not 1 <= day <= 31:
        raise ValueError(f"deadline_day must be between 1 and 31; got {day}")
    return day


def deadline(month: Month, day: int | None = None) -> date:
    """Day `day` of the month after `month`, capped at that month's last day (31 -> 28 February)."""
    nxt = add_months(month_start(month), 1)
    last = _cal.monthrange(nxt.year, nxt.month)[1]
    return nxt.replace(day=min(deadline_day(day), last))


def is_open(month: Month, today: date | None = None, day: int | None = None) -> bool:
    """A month is open until its deadline has passed: on the deadline day itself it is still open."""
    return (today or settings.today()) <= deadline(month, day)


def latest_closed_month(today: date | None = None, day: int | None = None) -> date:
    """The newest month whose deadline has passed (2026-12-01 -> October 2026; 2026-12-11 -> November)."""
    today = today or settings.today()
    month = add_months(month_start(today), -1)
    while is_open(month, today, day):
        month = add_months(month, -1)
    return month


def latest_reportable_month(today: date | None = None) -> date:
    """The newest month a report can be for: last month (the current month is not over yet)."""
    return add_months(month_start(today or settings.today()), -1)


def default_range(today: date | None = None, months: int = 12, day: int | None = None) -> tuple[date, date]:
    """The last `months` closed months: on 2026-12-01, November 2025 - October 2026."""
    end = latest_closed_month(today, day)
    return add_months(end, 1 - months), end


def open_months(start: Month, end: Month, today: date | None = None, day: int | None = None) -> list[date]:
    """The months of a range that are still open: figures that include them are provisional."""
    return [m for m in months_between(start, end) if is_open(m, today, day)]


def comparison_range(start: Month, end: Month, basis: str) -> tuple[date, date]:
    """The period compared with: 'yoy' the same months a year earlier, 'prev' the same length just before."""
    first, last = month_start(start), month_start(end)
    if basis == "yoy":
        return add_months(first, -12), add_months(last, -12)
    if basis == "prev":
        n = len(months_between(first, last))
        return add_months(first, -n), add_months(first, -1)
    raise ValueError(f"basis must be 'yoy' or 'prev'; got {basis!r}")
