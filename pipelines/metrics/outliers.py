"""The one outlier rule (Pilar and Mutu Data): a village's value against its own previous months, by median and MAD."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

import polars as pl

from pipelines import catalogue
from pipelines.metrics import calendar

KEYS = ["village_code", "indicator_code"]
SCHEMA = {"village_code": pl.String, "indicator_code": pl.String, "period": pl.Date, "value": pl.Float64,
          "history": pl.Int64, "median": pl.Float64, "mad": pl.Float64, "mean_ad": pl.Float64,
          "score": pl.Float64, "outlier": pl.Boolean}


@dataclass(frozen=True)
class Rule:
    """The parameters of reference/outliers.csv (each with its help text there)."""
    history_months: int
    min_history: int
    scale: float
    threshold: float
    mean_ad_scale: float
    min_distance: float
    zero_mad_relative: float
    kinds: tuple[str, ...]

    @property
    def codes(self) -> list[str]:
        """The catalogue indicators the rule judges (flows and balances; never yes/no answers)."""
        return [c for c, i in catalogue.indicators().items() if i.kind in self.kinds]


@cache
def parameters() -> dict[str, dict[str, str]]:
    return {r["name"]: r for r in catalogue.rows("outliers.csv")}


@cache
def rule() -> Rule:
    p = {k: r["value"] for k, r in parameters().items()}
    return Rule(int(p["history_months"]), int(p["min_history"]), float(p["scale"]), float(p["threshold"]),
                float(p["mean_ad_scale"]), float(p["min_distance"]), float(p["zero_mad_relative"]),
                tuple(p["kinds"].split("+")))


def history_start(start: date) -> date:
    """The first month whose values a judgement of months from `start` on needs."""
    return calendar.add_months(calendar.month_start(start), -rule().history_months)


def _index(col: str = "period") -> pl.Expr:
    return pl.col(col).dt.year().cast(pl.Int32) * 12 + pl.col(col).dt.month().cast(pl.Int32)


def judge(values: pl.DataFrame, start: date, end: date) -> pl.DataFrame:
    """Every reported value from start to end judged against the same village's own previous months.

    values: village_code, indicator_code, period, value (reported values; history from history_start(start)).
    Returns village_code, indicator_code, period, value, history (months in the window), median, mad,
    mean_ad, score (the modified z-score; NULL when MAD = 0) and outlier: True/False, NULL when the
    history is shorter than min_history. Only the rule's indicators are judged.
    """
    r = rule()
    values = values.filter(pl.col("indicator_code").is_in(r.codes), pl.col("value").is_not_null()).select(
        *KEYS, "period", pl.col("value").cast(pl.Float64)).with_columns(idx=_index())
    now = values.filter(pl.col("period").is_between(calendar.month_start(start), calendar.month_start(end)))
    if now.is_empty():
        return pl.DataFrame(schema=SCHEMA)
    past = values.select(*KEYS, pl.col("idx").alias("h_idx"), pl.col("value").alias("h"))
    # the window: the history_months before the judged month, the month itself left out
    window = (now.select(*KEYS, "period", "idx").join(past, on=KEYS)
              .filter(pl.col("h_idx").is_between(pl.col("idx") - r.history_months, pl.col("idx") - 1)))
    at = [*KEYS, "period"]
    centre = window.group_by(at).agg(history=pl.len(), median=pl.col("h").median())
    spread = (window.join(centre, on=at).with_columns(d=(pl.col("h") - pl.col("median")).abs())
              .group_by(at).agg(mad=pl.col("d").median(), mean_ad=pl.col("d").mean()))
    judged = (now.drop("idx").join(centre, on=at, how="left").join(spread, on=at, how="left")
              .with_columns(pl.col("history").fill_null(0).cast(pl.Int64),
                            distance=(pl.col("value") - pl.col("median")).abs()))
    # MAD = 0 (e.g. an activity held now and then, a balance that never moved): the mean absolute
    # deviation stands in for it (Iglewicz and Hoaglin), and the value must be off by half the median
    zero_mad = pl.max_horizontal(r.zero_mad_relative * pl.col("median").abs(),
                                 r.threshold * r.mean_ad_scale * pl.col("mean_ad"))
    return judged.with_columns(
        score=pl.when(pl.col("mad") > 0).then(r.scale * pl.col("distance") / pl.col("mad")),
    ).with_columns(
        outlier=pl.when(pl.col("history") < r.min_history).then(None)
        .when(pl.col("distance") <= r.min_distance).then(False)
        .when(pl.col("mad") > 0).then(pl.col("score") > r.threshold)
        .otherwise(pl.col("distance") > zero_mad),
    ).select(list(SCHEMA)).sort(at)


def is_outlier(x: float, history: list[float | None]) -> bool | None:
    """The rule for one value and its history (oldest first, up to history_months; None = not reported)."""
    latest = date(2000, 1, 1)
    n = len(history)
    code = rule().codes[0]
    frame = pl.DataFrame({
        "village_code": "v", "indicator_code": code,
        "period": [calendar.add_months(latest, i - n) for i in range(n)] + [latest],
        "value": [None if h is None else float(h) for h in history] + [float(x)],
    }, schema={"village_code": pl.String, "indicator_code": pl.String, "period": pl.Date, "value": pl.Float64})
    return judge(frame, latest, latest)["outlier"][0]


def values(facts) -> pl.DataFrame:
    """The reported values of the rule's indicators in the facts' counted, expected village-months
    (a report before joining, or unapproved in approved-only mode, is never judged nor history)."""
    codes = rule().codes
    rows = facts.expected.filter(pl.col("counts")).select("village_code", "period", *codes)
    return (rows.unpivot(index=["village_code", "period"], on=codes, variable_name="indicator_code")
            .filter(pl.col("value").is_not_null()).select(*KEYS, "period", "value"))
