"""The data-quality desk page model: per-district summary, findings with help text, village scores, follow-up list."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb
import polars as pl

from pipelines import areas, formatting, settings, warehouse
from pipelines.accounts import roles
from pipelines.labels import text
from pipelines.metrics import calendar
from pipelines.review import followup, quality
from pipelines.views import table_text
from pipelines.views.selection import Selection


@dataclass
class Desk:
    """What Mutu Data shows.

    summary: district_code, district, reports_expected, not_yet_due, reported, on_time, completeness,
    timeliness (on time / expected), on_time_share_received, villages_any, villages_every, consistently
    (quality.district_summary, from the metric layer). findings: finding_id, rule, help, district_code,
    village_code, village_name, period, indicator, value, expected, checked, checked_by, note."""
    summary: pl.DataFrame
    findings: pl.DataFrame
    scores: pl.DataFrame     # village_code, village_name, district, due, reported, open_findings, score
    followup: pl.DataFrame   # followup.followup columns; no officer column when the user may not see officer names
    message: str
    scope: roles.Scope       # what of the requested area the user works on (roles.scope)
    scope_names: list[str] = field(default_factory=list)  # the areas shown when narrowed ('Kabupaten Ponorogo')
    as_of: date | None = None  # the month the follow-up list is about
    shown: dict[str, pl.DataFrame] = field(default_factory=dict)  # the tables as read, headers in lang (shown_tables)
    open_findings: int = 0
    check_choices: dict[int, str] = field(default_factory=dict)   # open finding id -> 'village · month · rule indicator'
    rules: list[tuple[str, str]] = field(default_factory=list)    # (rule, help in lang, escaped)

    @property
    def officers_hidden(self) -> bool:
        """The user may not see the officer names of the follow-up list (roles.may_see_officers)."""
        return "officer" not in self.followup.columns


def _kept(frame: pl.DataFrame, scope: roles.Scope, column: str = "district_code") -> pl.DataFrame:
    """The rows of the scope's areas (all rows when the scope is the whole of its area)."""
    if scope.within is None:
        return frame
    if scope.empty:
        return frame.clear()
    inside = pl.any_horizontal([(pl.col(column) == c) | pl.col(column).str.starts_with(c + ".")
                                for c in scope.within])
    return frame.filter(inside)


def _without_hidden_officers(user: roles.User | None, follow: pl.DataFrame) -> pl.DataFrame:
    """Officer names only when the user may see them for every district listed (roles.may_see_officers)."""
    shown = roles.history_scope(user) is None or (
        follow.height > 0 and all(roles.may_see_officers(user, d) for d in follow["district_code"].unique()))
    return follow if shown else follow.drop("officer")


def model(con: duckdb.DuckDBPyConnection, sel: Selection, lang: str = "id", *, as_of: date | None = None) -> Desk:
    """Everything the desk shows for the user's part of an area and range (roles.scope); follow-up up to as_of
    (by default the range's end, or the newest month whose deadline passed when the range runs on).
    approved_only (the sidebar's &data=disetujui): figures, findings and scores over approved district-months
    only, as on every page; the follow-up list stays about reports sent."""
    user, area, start, end, approved_only = sel.user, sel.area, sel.start, sel.end, sel.approved_only
    as_of = as_of or min(end, calendar.latest_reportable_month(settings.today()))
    scope = roles.scope(user, area)
    # outside the user's areas: read the requested area (bounded, as for anyone else) and keep no row of it
    read = scope.requested if scope.empty else scope.area
    names = warehouse.query(con, "upload_villages", all=True, districts=[]).select(
        "village_code", "village_name", "district_code", "district")
    dnames = names.select("district_code", "district").unique()
    help_col = "help_en" if lang == "en" else "help_id"
    helps = pl.DataFrame({"rule": list(quality.rules()),
                          "help": [getattr(r, help_col) for r in quality.rules().values()]})
    found = _kept(quality.findings(con, read, start, end, approved_only), scope)
    joined = (found.join(helps, on="rule", how="left")
              .join(names.select("village_code", "village_name"), on="village_code", how="left")
              .join(dnames, on="district_code", how="left")
              # newest month first: a long list is cut on screen (settings.table_rows), the latest findings stay
              .sort(["period", "district_code", "village_code", "rule", "indicator"],
                    descending=[True, False, False, False, False], nulls_last=True))
    shown = (joined
             # over-time findings are about a whole district: named by the district
             .with_columns(pl.col("village_name").fill_null(pl.col("district")).fill_null(pl.col("village_code")),
                           # 'Okt 2025' like every other month on the pages, not '2025-10'
                           table_text.written(joined, "period", lambda m: formatting.short_month(m, lang, year=True)))
             .select("finding_id", "rule", "help", "district_code", "village_code", "village_name", "period",
                     "indicator", "value", "expected", "checked", "checked_by", "note"))
    summary = _kept(quality.district_summary(con, read, start, end, approved_only), scope).join(
        dnames, on="district_code", how="left")
    scores = _kept(quality.village_scores(con, read, start, end, found, approved_only), scope, "village_code").join(
        names.select("village_code", "village_name", "district"), on="village_code", how="left")
    follow = _without_hidden_officers(user, _kept(followup.followup(con, read, as_of), scope))
    desk = Desk(summary.select("district_code", "district", *[c for c in summary.columns
                                                             if c not in ("district_code", "district")]),
                shown,
                scores.select("village_code", "village_name", "district", "due", "reported", "open_findings",
                              "score").sort(["score", "village_code"], nulls_last=True),
                follow, followup.message(follow, as_of, lang), scope,
                [areas.label(con, c, lang) for c in scope.codes] if scope.narrowed else [], as_of)
    return shown_tables(desk, lang)


def shown_tables(d: Desk, lang: str) -> Desk:
    """The desk's tables for reading: percentages and months in words, headers in lang (mq_col_*)."""
    head = lambda frame: frame.rename(lambda c: text(f"mq_col_{c}", lang))  # noqa: E731
    findings = d.findings.with_columns(pl.col("checked").replace_strict({True: text("mq_checked_mark", lang),
                                                                        False: ""}))
    open_ = d.findings.filter(~pl.col("checked"))
    # shares stay fractions (reference/share_columns.csv): the table writes them as % and sorts by value
    d.shown = {"summary": head(d.summary),
               "findings": head(findings.drop("finding_id")),
               "open": head(findings.filter(~d.findings["checked"]).drop("finding_id")),
               "scores": head(d.scores),
               "followup": head(followup_shown(d.followup, lang))}
    d.open_findings = open_.height
    d.check_choices = {f: f"{v} · {p} · {r} {i}" for f, v, p, r, i in open_.select(
        "finding_id", "village_name", "period", "rule", "indicator").iter_rows()}
    d.rules = [(r.rule, formatting.plain(r.help_en if lang == "en" else r.help_id)) for r in quality.rules().values()]
    return d


def followup_shown(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The follow-up list for reading: months and dates in words, '–' for none (officer only when listed)."""
    out = frame.drop("district_code").with_columns(
        table_text.written(frame, "last_period", lambda m: formatting.month(m, lang)),
        table_text.written(frame, "reported_on", lambda m: formatting.day(m, lang)))
    texts = [c for c in ("last_period", "reported_on", "officer") if c in out.columns]
    return out.with_columns(pl.col(texts).fill_null(formatting.MISSING))
