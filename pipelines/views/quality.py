"""The data-quality desk page model: per-district summary, findings with help text, village scores, follow-up list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipelines import formatting, warehouse
from pipelines.accounts import roles
from pipelines.review import followup, quality


@dataclass
class Desk:
    summary: pl.DataFrame    # district_code, district, reports_expected, not_yet_due, reported, on_time, completeness, timeliness,
                             # on_time_share_received, villages_any, villages_every, consistently (quality.district_summary)
    findings: pl.DataFrame   # finding_id, rule, help, district_code, village_code, village_name, period, indicator, value, expected, checked, checked_by, note
    scores: pl.DataFrame     # village_code, village_name, district, due, reported, open_findings, score
    followup: pl.DataFrame   # followup.followup columns
    message: str


def scope_area(user: roles.User | None, area: str) -> str:
    """A coordinator of one district sees that district when the filter is national."""
    if user is not None and user.role == "koordinator" and not area and len(user.districts) == 1:
        return user.districts[0]
    return area


def desk(con: duckdb.DuckDBPyConnection, area: str, start: date, end: date, as_of: date, lang: str,
         approved_only: bool = False) -> Desk:
    """Everything the desk shows for an area and range; follow-up up to as_of. approved_only (the sidebar's
    &data=disetujui): figures, findings and scores over approved district-months only, as on every page;
    the follow-up list stays about reports sent."""
    names = warehouse.query(con, "upload_villages", all=True, districts=[]).select(
        "village_code", "village_name", "district_code", "district")
    dnames = names.select("district_code", "district").unique()
    help_col = "help_en" if lang == "en" else "help_id"
    helps = pl.DataFrame({"rule": list(quality.rules()),
                          "help": [getattr(r, help_col) for r in quality.rules().values()]})
    found = quality.findings(con, area, start, end, approved_only)
    shown = (found.join(helps, on="rule", how="left")
             .join(names.select("village_code", "village_name"), on="village_code", how="left")
             .join(dnames, on="district_code", how="left")
             # over-time findings are about a whole district: named by the district
             .with_columns(pl.col("village_name").fill_null(pl.col("district")).fill_null(pl.col("village_code")),
                           # 'Okt 2025' like every other month on the pages, not '2025-10'
                           pl.col("period").map_elements(lambda m: formatting.short_month(m, lang, year=True),
                                                         return_dtype=pl.String))
             .select("finding_id", "rule", "help", "district_code", "village_code", "village_name", "period",
                     "indicator", "value", "expected", "checked", "checked_by", "note"))
    summary = quality.district_summary(con, area, start, end, approved_only).join(dnames, on="district_code", how="left")
    scores = quality.village_scores(con, area, start, end, found, approved_only).join(
        names.select("village_code", "village_name", "district"), on="village_code", how="left")
    follow = followup.followup(con, area, as_of)
    return Desk(summary.select("district_code", "district", *[c for c in summary.columns
                                                             if c not in ("district_code", "district")]),
                shown,
                scores.select("village_code", "village_name", "district", "due", "reported", "open_findings",
                              "score").sort(["score", "village_code"], nulls_last=True),
                follow, followup.message(follow, as_of, lang))
