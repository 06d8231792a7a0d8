"""Estimated totals, kept apart from reported ones: overdue missing village-months filled from history."""
from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from pipelines import formatting, labels
from pipelines.metrics import calendar
from pipelines.metrics.facts import Facts
from pipelines.metrics.figures import _input, aggregate, get

HISTORY_MONTHS = 12     # a village's own mean over its last 12 reported months ...
MIN_HISTORY = 3         # ... when it has at least 3 of them; else the district median that month
CARRY_MONTHS = 3        # stocks are carried forward from the last report for at most 3 months


@dataclass(frozen=True)
class Estimate:
    reported: float | None   # the figure as reported
    value: float | None      # reported plus the estimated village-months (or villages)
    filled: int              # village-months (villages for stocks) estimated
    missing: int             # overdue village-months (villages) that could not be estimated
    per_village: bool

    @property
    def share(self) -> float | None:
        """The part of the estimated total that is estimated, not reported."""
        if not self.value:
            return None
        return (self.value - (self.reported or 0)) / self.value

    def text(self, lang: str = "id", money: bool = False) -> str:
        """'perkiraan 1.234 (12,0% diperkirakan dari 40 desa-bulan; riwayat desa sendiri ...)'."""
        shown = formatting.rupiah(self.value, lang) if money else formatting.number(self.value, lang)
        key = labels.plural_key("est_text_villages" if self.per_village else "est_text", self.filled or 0, lang)
        return labels.text(key, lang, value=shown, share=formatting.percent(self.share, lang),
                           n=formatting.number(self.filled, lang))


def estimate(history: Facts, facts: Facts, key: str) -> Estimate | None:
    """Fill the overdue missing village-months of `facts` for one figure; `history` spans the months before.

    None for figures that are not estimated (reporting figures and ratios).
    """
    figure = get(key)
    if figure.source in ("calendar", "ratio") or figure.over_months not in ("sum", "mean", "last", "flag"):
        return None
    rows = facts.expected.with_columns(_input(figure))
    past = history.expected.with_columns(_input(figure)).select("village_code", "period", "x")
    reported = aggregate(facts.expected, figure, [])["value"][0] if facts.expected.height else None
    if figure.per_village:
        return _carry_forward(rows, past, figure, facts, reported)
    known = pl.concat([past, rows.select("village_code", "period", "x")]).filter(pl.col("x").is_not_null())
    own = (known.filter(pl.col("period") <= facts.end).sort("period")
           .group_by("village_code").agg(pl.col("x").tail(HISTORY_MONTHS).alias("h"))
           .with_columns(own=pl.when(pl.col("h").list.len() >= MIN_HISTORY).then(pl.col("h").list.mean()))
           .select("village_code", "own"))
    district = (rows.filter(pl.col("x").is_not_null()).group_by("district_code", "period")
                .agg(median=pl.col("x").median()))
    gaps = rows.filter(pl.col("state") == calendar.MISSING)
    filled = (gaps.join(own, on="village_code", how="left").join(district, on=["district_code", "period"], how="left")
              .with_columns(pl.coalesce("own", "median").alias("fill")))
    out = rows.join(filled.select("village_code", "period", "fill"), on=["village_code", "period"], how="left")
    out = out.with_columns(pl.coalesce("x", "fill").alias("x"))
    synthetic = replace(figure, source="flow", inputs="x")
    value = aggregate(out, synthetic, [])["value"][0] if out.height else None
    n_filled = filled["fill"].count()
    return Estimate(reported, value, n_filled, filled.height - n_filled, False)


def _carry_forward(rows: pl.DataFrame, past: pl.DataFrame, figure, facts: Facts, reported) -> Estimate:
    """Stocks and flags: a village with no value in the range keeps its last one if at most 3 months old."""
    have = rows.filter(pl.col("x").is_not_null()).select("village_code").unique()
    joined_at_end = rows.filter(pl.col("period") == facts.end).select("village_code").unique()
    lacking = joined_at_end.join(have, on="village_code", how="anti")
    oldest = calendar.add_months(facts.end, -CARRY_MONTHS)
    last = (past.filter(pl.col("x").is_not_null() & (pl.col("period") >= oldest)).sort("period")
            .group_by("village_code").agg(pl.col("x").last(), pl.col("period").last()))
    carried = lacking.join(last, on="village_code", how="inner")
    synthetic = replace(figure, source="flow", inputs="x")
    extra = rows.filter(pl.col("x").is_not_null()).select("village_code", "period", "x")
    frame = pl.concat([extra, carried.select("village_code", "period", "x")])
    value = aggregate(frame, synthetic, [])["value"][0] if frame.height else None
    return Estimate(reported, value, carried.height, lacking.height - carried.height, True)
