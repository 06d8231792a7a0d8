"""The data-quality desk (after the WHO data quality review): completeness, timeliness, consistency, outliers, scores."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import duckdb
import polars as pl

from pipelines import catalogue, settings, versions, warehouse
from pipelines.accounts import audit, roles
from pipelines.metrics import calendar, discipline, outliers
from pipelines.metrics import facts as facts_mod

KINDS = ("le", "requires", "over_time", "outlier", "score")
PREVIOUS_YEARS = 3     # consistency over time compares with up to this many earlier years
FINDINGS_SCHEMA = {"finding_id": pl.String, "rule": pl.String, "district_code": pl.String,
                   "village_code": pl.String, "period": pl.Date, "indicator": pl.String,
                   "value": pl.Float64, "expected": pl.Float64}


@dataclass(frozen=True)
class Rule:
    rule: str
    kind: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    window: str
    threshold: float | None
    min_count: float | None
    help_id: str
    help_en: str


def _codes(text: str) -> tuple[str, ...]:
    if text == "flow":
        return tuple(c for c, i in catalogue.indicators().items() if i.kind == "flow")
    return tuple(c for c in text.split("+") if c)


@cache
def rules() -> dict[str, Rule]:
    """The rules of reference/quality_rules.csv, by id."""
    return {r["rule"]: Rule(r["rule"], r["kind"], _codes(r["left"]), _codes(r["right"]), r["window"],
                            float(r["threshold"]) if r["threshold"] else None,
                            float(r["min_count"]) if r["min_count"] else None, r["help_id"], r["help_en"])
            for r in catalogue.rows("quality_rules.csv")}


def _values(con, area: str, start: date, end: date) -> pl.DataFrame:
    codes = sorted({c for r in rules().values() for c in r.left + r.right})
    return warehouse.query(con, "quality_values", area=area, start=start, end=end, codes=codes)


def _sum_of(values: pl.DataFrame, codes: tuple[str, ...], keys: list[str], name: str) -> pl.DataFrame:
    """Sum of the codes per keys; only keys where at least one of them was reported."""
    return (values.filter(pl.col("indicator_code").is_in(codes))
            .group_by(keys).agg(pl.col("value").sum().alias(name)))


def _quarter(col: str = "period") -> pl.Expr:
    return pl.col(col).dt.truncate("1q")


def _le(values: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    keys = ["village_code", "district_code", "quarter"]
    v = values.with_columns(quarter=_quarter())
    joined = _sum_of(v, rule.left, keys, "value").join(_sum_of(v, rule.right, keys, "expected"), on=keys)
    return (joined.filter(pl.col("value") > pl.col("expected"))
            .rename({"quarter": "period"}).with_columns(indicator=pl.lit("+".join(rule.left))))


def _requires(values: pl.DataFrame, rule: Rule) -> pl.DataFrame:
    keys = ["village_code", "district_code", "period"]
    left = _sum_of(values, rule.left, keys, "value")
    right = _sum_of(values, rule.right, keys, "expected")
    joined = left.join(right, on=keys, how="left")
    return (joined.filter((pl.col("value") > 0) & (pl.col("expected").fill_null(0) == 0))
            .with_columns(indicator=pl.lit("+".join(rule.left))))


def _over_time(values: pl.DataFrame, rule: Rule, start: date, end: date) -> pl.DataFrame:
    """District total of the range against the mean of the same months in earlier years (those with data)."""
    months = calendar.months_between(start, end)
    frames = []
    for back in range(PREVIOUS_YEARS + 1):
        shifted = {calendar.add_months(m, -12 * back) for m in months}
        part = _sum_of(values.filter(pl.col("period").is_in(list(shifted))), rule.left, ["district_code"], "total")
        frames.append(part.with_columns(back=pl.lit(back)))
    totals = pl.concat(frames)
    now = totals.filter(pl.col("back") == 0).select("district_code", value="total")
    before = (totals.filter(pl.col("back") > 0).group_by("district_code")
              .agg(expected=pl.col("total").mean()))
    joined = now.join(before, on="district_code").filter(pl.col("expected") > 0)
    ratio = pl.col("value") / pl.col("expected")
    return (joined.filter((ratio > 1 + rule.threshold) | (ratio < 1 - rule.threshold))
            .with_columns(village_code=pl.col("district_code"), period=pl.lit(start, dtype=pl.Date),
                          indicator=pl.lit("+".join(rule.left))))


def _outliers(con, area: str, start: date, end: date, approved_only: bool) -> pl.DataFrame:
    """The metric layer's one outlier rule (pipelines/metrics/outliers.py, as on Pilar) on every month of
    the range, over the same counted village-months as every figure."""
    facts = facts_mod.load(con, area, outliers.history_start(start), end, approved_only=approved_only)
    judged = outliers.judge(outliers.values(facts), start, end).filter(pl.col("outlier"))
    return judged.select("village_code", pl.col("village_code").str.slice(0, 5).alias("district_code"), "period",
                         pl.col("indicator_code").alias("indicator"), "value", pl.col("median").alias("expected"))


def findings(con: duckdb.DuckDBPyConnection, area: str, start: date, end: date,
             approved_only: bool = False) -> pl.DataFrame:
    """Every finding of every rule in the area and range, with whether (and by whom) it was checked.
    approved_only: only district-months a reviewer approved (the sidebar's &data=disetujui).

    Columns: finding_id, rule, district_code, village_code (the district for over-time rules), period
    (the quarter's first month for quarterly rules, the range start for over-time rules), indicator,
    value, expected, checked, checked_by, checked_at, note."""
    start, end = calendar.month_start(start), calendar.month_start(end)
    q_start = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    earliest = min(q_start, calendar.add_months(start, -12 * PREVIOUS_YEARS))
    values = _values(con, area, earliest, end)
    if approved_only:  # the same counted village-months as every figure
        counted = facts_mod.load(con, area, earliest, end, approved_only=True).frame.filter(pl.col("counts"))
        values = values.join(counted.select("village_code", "period"), on=["village_code", "period"], how="semi")
    parts = []
    for rule in rules().values():
        if rule.kind == "le":
            found = _le(values.filter(pl.col("period") >= q_start), rule)
            found = found.filter(pl.col("period") <= end)
        elif rule.kind == "requires":
            found = _requires(values.filter(pl.col("period") >= start), rule)
        elif rule.kind == "over_time":
            found = _over_time(values, rule, start, end)
        elif rule.kind == "outlier":
            found = _outliers(con, area, start, end, approved_only)
        else:
            continue
        parts.append(found.with_columns(rule=pl.lit(rule.rule)).select(
            [pl.col(c).cast(t) for c, t in FINDINGS_SCHEMA.items() if c != "finding_id"]))
    frame = pl.concat(parts) if parts else pl.DataFrame(schema={k: v for k, v in FINDINGS_SCHEMA.items()
                                                                 if k != "finding_id"})
    frame = frame.with_columns(finding_id=pl.concat_str(
        "rule", "village_code", pl.col("period").dt.strftime("%Y-%m"), "indicator", separator="|"))
    checks = warehouse.query(con, "quality_checks")
    return (frame.join(checks, on="finding_id", how="left")
            .with_columns(checked=pl.col("checked_by").is_not_null())
            .select("finding_id", "rule", "district_code", "village_code", "period", "indicator", "value",
                    "expected", "checked", "checked_by", "checked_at", "note")
            .sort("district_code", "village_code", "period", "rule", "indicator"))


def open_findings(con: duckdb.DuckDBPyConnection, district: str, period: date) -> list[str]:
    """The ids of the district-month's findings not yet marked as checked (they travel with a submission)."""
    frame = findings(con, district, period, period)
    return frame.filter(~pl.col("checked"))["finding_id"].to_list()


class Refused(PermissionError):
    """The finding lies outside the user's districts (or the role works on no desk); nothing was written."""


def mark_checked(con: duckdb.DuckDBPyConnection, user: roles.User | None, finding_id: str, note: str) -> None:
    """Mark a finding as checked ('dicek') with a note; audited in the same transaction.

    Only within the user's scope (roles.scope): a finding of another district is refused, and the
    refusal audited, here in the write path whatever the page offered."""
    note = (note or "").strip()
    parts = (finding_id or "").split("|")
    place = parts[1] if len(parts) == 4 else ""
    if not place or not roles.scope(user).allows(place):
        # who tried to close which finding: the id names rule, village, month and indicator, never a person
        audit.audit(con, user.username if user else "?", "quality_check_refused",
                    f"{finding_id}: di luar wilayah akun")
        raise Refused(f"Temuan {finding_id} di luar kabupaten/kota akun ini; tidak dapat ditandai dicek.")
    if not note:
        raise ValueError("Tuliskan catatan pemeriksaan.")
    at = audit.now()
    with warehouse.transaction(con) as cur:
        cur.execute(warehouse.sql_text("quality_check_upsert"),
                    {"finding_id": finding_id, "checked_by": user.username, "checked_at": at, "note": note})
        audit.record(cur, user.username, "quality_checked", f"{finding_id}: {note}", at)
        versions.bump(cur, "mutu", user.username)  # cached desks show it checked at once


def calendar_states(con, area: str, start: date, end: date, today: date | None = None) -> pl.DataFrame:
    """village_code, district_code, period, status of every expected village-month: the metric layer's
    reporting calendar (tepat_waktu | terlambat | belum_jatuh_tempo | tidak_melapor)."""
    frame = warehouse.query(con, "village_months", deadline_day=calendar.deadline_day(),
                            today=today or settings.today(), approved_only=False, area=area,
                            start=calendar.month_start(start), end=calendar.month_start(end))
    return frame.filter(pl.col("expected")).select("village_code", "district_code", "period",
                                                   status=pl.col("state"))


def district_summary(con: duckdb.DuckDBPyConnection, area: str, start: date, end: date,
                     approved_only: bool = False) -> pl.DataFrame:
    """Per district, from the metric layer (figures.csv): district_code, reports_expected, not_yet_due, reported,
    on_time, completeness, timeliness (on time / expected), on_time_share_received (on time / received),
    villages_any, villages_every, consistently (villages with every due report in / villages reporting).
    Shares are NULL when their denominator is 0 (never shown as zero)."""
    facts = facts_mod.load(con, area, start, end, approved_only=approved_only)
    counts = discipline.counts(facts, ["district_code"])
    return (counts.join(discipline.per_village(facts, ["district_code"]), on="district_code", how="left")
            .select("district_code", pl.col("joined").alias("reports_expected"), pl.col("not_due").alias("not_yet_due"),
                    "reported", "on_time",
                    "completeness", "timeliness", "on_time_share_received", "villages_any", "villages_every",
                    "consistently")
            .sort("district_code"))


def village_scores(con: duckdb.DuckDBPyConnection, area: str, start: date, end: date,
                   found: pl.DataFrame | None = None, approved_only: bool = False) -> pl.DataFrame:
    """Per village: village_code, due, reported, open_findings, score (NULL when nothing was due);
    due and reported are the metric layer's reports_due and reports_in."""
    penalty = rules()["S01"].threshold
    facts = facts_mod.load(con, area, start, end, approved_only=approved_only)
    found = findings(con, area, start, end, approved_only) if found is None else found
    open_ = (found.filter(~pl.col("checked")).group_by("village_code").agg(open_findings=pl.len()))
    per = discipline.counts(facts, ["village_code"]).select("village_code", "due", "reported")
    return (per.join(open_, on="village_code", how="left")
            .with_columns(pl.col("open_findings").fill_null(0).cast(pl.Int64))
            .with_columns(score=pl.when(pl.col("due") > 0).then(
                (100 * pl.col("reported") / pl.col("due") - penalty * pl.col("open_findings")).clip(0, 100).round(1)))
            .sort("village_code"))
