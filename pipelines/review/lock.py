"""The month lock: approved district-months, and months past PANTAU_LOCK_DAYS after their deadline, take no new versions."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import duckdb

from pipelines import formatting, settings, warehouse
from pipelines.metrics import calendar

UNDER_REVIEW = ("diajukan", "dikembalikan")


def deadline(period: date) -> date:
    """The report deadline of the period: the reporting calendar's, so the lock and the figures agree."""
    return calendar.deadline(period)


def auto_lock_day(period: date, lock_days: int | None = None) -> date | None:
    """The first day on which the month is locked by itself (deadline + lock days); None when the setting is 0."""
    days = settings.lock_days() if lock_days is None else lock_days
    return deadline(period) + timedelta(days=days) if days > 0 else None


def refusals(con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[str, date]],
             today: date) -> dict[tuple[str, date], str]:
    """For (village_code, period) pairs: the Indonesian refusal message of each locked one."""
    keys = {(v, p) for v, p in keys if v and p}
    if not keys:
        return {}
    districts = {(v[:5], p) for v, p in keys}
    found = warehouse.rows(con, "review_locks", districts=[d for d, _ in districts],
                           periods=[p for _, p in districts])
    messages: dict[tuple[str, date], str] = {}
    for district, name, period, state, by, at, unlocked in found:
        text = message(name, period, state, by, at, unlocked, today)
        if text:
            messages[(district, period)] = text
    return {(v, p): messages[(v[:5], p)] for v, p in keys if (v[:5], p) in messages}


def message(district_name: str, period: date, state: str | None, by: str | None, at, unlocked: bool,
            today: date) -> str | None:
    """Why a new version of this district-month is refused, or None when it is open."""
    if state == "disetujui":
        return (f"Bulan {formatting.month(period)} {district_name} sudah disetujui oleh {by} pada "
                f"{formatting.moment(at)} dan dikunci: versi baru ditolak. Minta peninjau atau admin "
                "membuka kuncinya (dengan alasan) bila laporan perlu diperbaiki.")
    day = auto_lock_day(period)
    if day and today >= day and state not in UNDER_REVIEW and not unlocked:
        return (f"Bulan {formatting.month(period)} {district_name} terkunci otomatis sejak "
                f"{formatting.day(day)} ({settings.lock_days()} hari setelah batas lapor "
                f"{formatting.day(deadline(period))}): versi baru ditolak. Minta peninjau atau admin "
                "membuka kuncinya (dengan alasan) bila laporan perlu diperbaiki.")
    return None


def is_locked(con: duckdb.DuckDBPyConnection, district: str, period: date, today: date) -> str | None:
    """The refusal message when the district-month is locked (approved or past its lock day), else None."""
    [(_, name, p, state, by, at, unlocked)] = warehouse.query(
        con, "review_locks", districts=[district], periods=[period]).rows()
    return message(name, p, state, by, at, unlocked, today)
