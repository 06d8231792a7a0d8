"""Target notes for headline cards: when the month range is a government period with a target, its capaian."""
from __future__ import annotations

from datetime import date

import duckdb

from pipelines import formatting, labels
from pipelines.metrics import periods
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
