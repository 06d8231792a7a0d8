"""The figure catalogue (reference/figures.csv) and how each figure aggregates over villages and months."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import polars as pl

from pipelines.catalogue import rows as catalogue_rows
from pipelines.metrics.facts import Facts

METHODS = ("sum", "last", "flag", "mean", "count", "villages", "ratio")


@dataclass(frozen=True)
class Figure:
    """One figure any page, export or slide shows."""
    key: str
    source: str        # indicator | composite | flow | calendar | ratio
    inputs: str        # 'L01', 'L01+L02', 'placements', 'tepat_waktu+terlambat', 'num/den'
    over_months: str   # sum | last | flag | mean | count | villages | ratio
    unit: str
    name_id: str
    name_en: str
    help_id: str
    help_en: str
    definition_id: str = ""   # what one village reports in a month (indicators); empty: the help says it
    definition_en: str = ""

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" else self.name_id

    def definition(self, lang: str = "id") -> str:
        """What the figure counts, for the Kamus Indikator: the definition, else the help text."""
        return (self.definition_en if lang == "en" else self.definition_id) or self.help(lang)

    def help(self, lang: str = "id") -> str:
        return self.help_en if lang == "en" else self.help_id

    @property
    def money(self) -> bool:
        return self.unit == "rupiah"

    @property
    def share(self) -> bool:
        return self.unit == "persen"

    @property
    def per_village(self) -> bool:
        """Coverage counts villages (stocks, flags), not village-months."""
        return self.over_months in ("last", "flag")

    @property
    def parts(self) -> list[str]:
        return self.inputs.replace("/", "+").split("+")


@cache
def catalogue() -> dict[str, Figure]:
    """key -> Figure, in file order."""
    return {r["key"]: Figure(**r) for r in catalogue_rows("figures.csv")}


def get(key: str) -> Figure:
    figure = catalogue().get(key)
    if figure is None:
        raise ValueError(f"unknown figure {key!r}")
    return figure


def _input(figure: Figure) -> pl.Expr:
    """The figure's value in one village-month (NULL when not reported there)."""
    if figure.source == "composite":
        # strict: a composite is missing when any part is missing, so partial reports never look smaller
        return _strict_sum(figure.parts)
    return pl.col(figure.inputs).cast(pl.Float64).alias("x")


def _strict_sum(parts: list[str]) -> pl.Expr:
    present = pl.all_horizontal(pl.col(p).is_not_null() for p in parts)
    return pl.when(present).then(pl.sum_horizontal(pl.col(p) for p in parts)).alias("x")


def _empty(by: list[str]) -> pl.DataFrame:
    return pl.DataFrame(schema={**{b: pl.String for b in by}, "value": pl.Float64,
                                "covered": pl.Int64, "expected": pl.Int64})


def aggregate(frame: pl.DataFrame, figure: Figure, by: list[str]) -> pl.DataFrame:
    """One figure per group of `by` over expected village-months: *by, value, covered, expected.

    covered is how many expected reports (village-months; villages for stocks and flags) the value
    rests on, expected how many there should be. value is NULL when nothing was reported.
    """
    method = figure.over_months
    group = by or ["_all"]
    base = frame if by else frame.with_columns(pl.lit(1).alias("_all"))
    if method == "ratio":
        num, den = figure.inputs.split("/")
        a = aggregate(frame, get(num), by).rename({"value": "num"})
        b = aggregate(frame, get(den), by).select(*by, pl.col("value").alias("den")) if by else \
            aggregate(frame, get(den), by).select(pl.col("value").alias("den"))
        out = pl.concat([a, b], how="horizontal") if not by else a.join(b, on=by, how="left")
        return out.select(*by, pl.when(pl.col("den") > 0).then(pl.col("num") / pl.col("den")).alias("value"),
                          "covered", "expected")
    if method in ("count", "villages") and figure.source == "calendar":
        return _calendar(base, figure, group, by)
    x = base.with_columns(_input(figure))
    if method == "sum":
        out = x.group_by(group).agg(
            value=pl.when(pl.col("x").count() > 0).then(pl.col("x").sum()),
            covered=pl.col("x").count(), expected=pl.len())
    elif method == "mean":
        per_month = x.group_by(list(dict.fromkeys([*group, "period"]))).agg(
            total=pl.when(pl.col("x").count() > 0).then(pl.col("x").sum()),
            covered=pl.col("x").count(), expected=pl.len())
        out = per_month.group_by(group).agg(
            value=pl.col("total").mean(), covered=pl.col("covered").sum(), expected=pl.col("expected").sum())
    elif method in ("last", "flag"):
        per_village = x.sort("period").group_by(list(dict.fromkeys([*group, "village_code"]))).agg(
            latest=pl.col("x").drop_nulls().last())
        measure = pl.col("latest").sum() if method == "last" else (pl.col("latest") == 1).sum()
        out = per_village.group_by(group).agg(
            value=pl.when(pl.col("latest").count() > 0).then(measure.cast(pl.Float64)),
            covered=pl.col("latest").count(), expected=pl.len())
    else:
        raise ValueError(f"{figure.key}: unknown method {method!r}")
    out = out.with_columns(pl.col("value").cast(pl.Float64), pl.col("covered", "expected").cast(pl.Int64))
    return out.select(*by, "value", "covered", "expected") if by else out.select("value", "covered", "expected")


def _calendar(base: pl.DataFrame, figure: Figure, group: list[str], by: list[str]) -> pl.DataFrame:
    """Counts of village-months by calendar state, or of villages (joined, reporting)."""
    if figure.inputs == "desa_program":
        # villages joined by the last month of each group's range
        last = base.group_by(group).agg(pl.col("period").max().alias("_last"))
        out = (base.join(last, on=group).filter(pl.col("period") == pl.col("_last"))
               .group_by(group).agg(value=pl.col("village_code").n_unique()))
        out = out.with_columns(covered=pl.col("value"), expected=pl.col("value"))
    elif figure.inputs == "reported":
        out = base.group_by(group).agg(
            value=pl.col("village_code").filter(pl.col("counts")).n_unique(),
            expected=pl.col("village_code").n_unique())
        out = out.with_columns(covered=pl.col("value"))
    elif figure.inputs == "expected":
        out = base.group_by(group).agg(value=pl.len(), covered=pl.len(), expected=pl.len())
    elif figure.inputs == "unapproved":
        # approved-only mode: in, but its district-month not approved, so it counts for no figure
        out = base.group_by(group).agg(value=(pl.col("reported") & ~pl.col("counts")).sum(),
                                       covered=pl.len(), expected=pl.len())
    elif figure.inputs == "due":
        # deadline passed or report in: approved or not (approval says nothing about being due)
        out = base.group_by(group).agg(value=(pl.col("state") != "belum_jatuh_tempo").sum(),
                                       covered=pl.len(), expected=pl.len())
    else:
        states = figure.inputs.split("+")
        # approved-only mode: an unapproved report is in but does not count for figures
        hit = pl.col("state").is_in(states)
        if {"tepat_waktu", "terlambat"} & set(states):
            hit = hit & pl.col("counts")
        out = base.group_by(group).agg(value=hit.sum(), covered=pl.len(), expected=pl.len())
    out = out.with_columns(pl.col("value").cast(pl.Float64), pl.col("covered", "expected").cast(pl.Int64))
    return out.select(*by, "value", "covered", "expected") if by else out.select("value", "covered", "expected")


def villages(facts: Facts, key: str) -> int:
    """Distinct villages with at least one counted value of the figure in the range ('Desa melapor' of a
    figure): a village that reported three months counts once, unlike the figure's covered reports."""
    figure = get(key)
    if figure.source in ("calendar", "ratio"):
        raise ValueError(f"{key}: villages reporting is for indicator, composite and flow figures")
    x = facts.expected.with_columns(_input(figure))
    return int(x.filter(pl.col("x").is_not_null())["village_code"].n_unique())


def table(facts: Facts, keys: list[str], by: list[str] | None = None) -> pl.DataFrame:
    """Several figures per group: *by, figure, value, covered, expected (long)."""
    by = list(by or [])
    frame = facts.expected
    parts = []
    for key in keys:
        out = aggregate(frame, get(key), by) if not frame.is_empty() else _empty(by)
        if not by and out.is_empty():
            out = pl.DataFrame({"value": [None], "covered": [0], "expected": [0]},
                               schema={"value": pl.Float64, "covered": pl.Int64, "expected": pl.Int64})
        parts.append(out.with_columns(pl.lit(key).alias("figure")).select(*by, "figure", "value", "covered", "expected"))
    return pl.concat(parts, how="vertical_relaxed") if parts else _empty(by)
