"""Target notes for headline cards: when the month range is a government period with a target, its capaian."""
from __future__ import annotations

from datetime import date

import duckdb

from pipelines import formatting, labels
from pipelines.metrics import figures, periods
from pipelines.metrics.measure import Total, format_value
from pipelines.targets import report, store


def notes(con: duckdb.DuckDBPyConnection, area: str, start: date, end: date, totals: dict[str, Total],
          lang: str = "id") -> dict[str, str]:
    """card key -> 'Target Triwulan III 2026: 800 · capaian 113,75%' for the cards whose figure has a target
    for the range taken as a government period (the most specific one with a target); realisasi is the card's own total."""
    candidates = periods.matching(start, end)
    if not candidates:
        return {}
    current = store.current(con, area=report.area_code(area), year=candidates[0].year)
    out: dict[str, str] = {}
    for gov in candidates:
        wanted = current.filter(current["period"] == gov.target_period)
        targets = dict(zip(wanted["indicator_code"], wanted["target"]))
        for key, total in totals.items():
            if key in out or total.figure.key not in targets:
                continue
            row = report.row(total, float(targets[total.figure.key]), gov, lang)
            out[key] = labels.text("cp_card_note", lang, period=gov.label(lang),
                                   target=format_value(total.figure, row["target"], lang),
                                   capaian=formatting.percent(row["capaian"], lang, 2))
    return out


def ranking_capaian(con: duckdb.DuckDBPyConnection, values: dict[str, float | None], key: str, start: date,
                    end: date) -> tuple[str, dict[str, float | None]] | None:
    """(period code, area code -> capaian) of one figure for child areas with a target for the range taken as a
    government period (the most specific period any of them has); None when none has one."""
    figure = figures.get(key)
    for gov in periods.matching(start, end):
        current = store.current(con, year=gov.year)
        wanted = current.filter((current["period"] == gov.target_period) & (current["indicator_code"] == key)
                                & current["area_code"].is_in(list(values)))
        if wanted.height:
            targets = dict(zip(wanted["area_code"], wanted["target"]))
            out = {}
            for code, value in values.items():
                target = report.to_date_target(figure, float(targets[code]), gov) if code in targets else None
                out[code] = value / target if value is not None and target else None
            return gov.code, out
    return None
