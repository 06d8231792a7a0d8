"""The metric layer's one entry point: figures of an area and range with coverage, change and estimate."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines import formatting
from pipelines.metrics import calendar
from pipelines.metrics import facts as facts_mod
from pipelines.metrics.compare import Change, change
from pipelines.metrics.coverage import Coverage
from pipelines.metrics.estimate import Estimate, estimate
from pipelines.metrics.facts import UNIT_COLUMNS, Facts
from pipelines.metrics.figures import Figure, get, table

BASES = ("yoy", "prev")


@dataclass(frozen=True)
class Total:
    """One figure of an area and range, ready to show: value, text, coverage, change, estimate."""
    figure: Figure
    value: float | None
    coverage: Coverage
    change: Change | None = None
    estimate: Estimate | None = None

    @property
    def provisional(self) -> bool:
        return self.coverage.provisional

    def text(self, lang: str = "id") -> str:
        """'11.589', 'Rp 48,5 juta', '87,3%'; '–' when nothing was reported."""
        return format_value(self.figure, self.value, lang)

    def change_text(self, lang: str = "id") -> str | None:
        if self.change is None:
            return None
        return self.change.text(lang, money=self.figure.money, share=self.figure.share)


def format_value(figure: Figure, value: float | None, lang: str = "id") -> str:
    """A figure's value as text by its kind (share, money or count): formatting.value."""
    return formatting.value(value, "share" if figure.share else "rupiah" if figure.money else "", lang)


@dataclass(frozen=True)
class Measure:
    """Figures of one area and range (and the period it is compared with)."""
    facts: Facts
    comparison: Facts | None
    basis: str | None
    history: Facts | None

    def coverage(self, key: str, frame: pl.DataFrame | None = None, covered: int | None = None,
                 expected: int | None = None, months: list[date] | None = None) -> Coverage:
        figure = get(key)
        rows = self.facts.expected if frame is None else frame
        months = self.facts.months if months is None else months
        open_months = tuple(m for m in self.facts.open_months if m in months)
        not_due = int(rows.filter(pl.col("state") == calendar.NOT_DUE).height) if open_months else 0
        return Coverage(int(covered or 0), int(expected or 0), figure.per_village, open_months, not_due)

    def total(self, key: str, *, with_change: bool = True, with_estimate: bool = False) -> Total:
        figure = get(key)
        row = table(self.facts, [key]).row(0, named=True)
        covered, expected = row["covered"], row["expected"]
        if figure.source == "calendar" or (figure.over_months == "ratio"
                                           and get(figure.inputs.split("/")[1]).source == "calendar"):
            # reporting figures rest on the reports that are in, of all expected
            rows = self.facts.expected
            covered, expected = int(rows["counts"].sum()), rows.height
        cov = self.coverage(key, covered=covered, expected=expected)
        chg = change(self.facts, self.comparison, key, self.basis) if with_change and self.comparison else None
        est = estimate(self.history, self.facts, key) if with_estimate and self.history else None
        return Total(figure, row["value"], cov, chg, est)

    def totals(self, keys: list[str], **kwargs) -> dict[str, Total]:
        return {k: self.total(k, **kwargs) for k in keys}

    def series(self, keys: list[str], level: str | None = None) -> pl.DataFrame:
        """Per month (and unit): period, [area_code, area_name,] figure, value, covered, expected, provisional.

        Every month of the range appears for every figure, NULL where nothing was reported.
        """
        by = ["period"] + ([UNIT_COLUMNS[level][0]] if level else [])
        out = table(self.facts, keys, by)
        months = pl.DataFrame({"period": self.facts.months}, schema={"period": pl.Date})
        grid = months.join(pl.DataFrame({"figure": keys}), how="cross")
        if level:
            units = self._units(level)
            grid = grid.join(units.select("area_code"), how="cross")
            out = out.rename({UNIT_COLUMNS[level][0]: "area_code"})
            grid = grid.join(out, on=["period", "figure", "area_code"], how="left").join(units, on="area_code")
        else:
            grid = grid.join(out, on=["period", "figure"], how="left")
        opened = self.facts.open_months
        return grid.with_columns(pl.col("covered", "expected").fill_null(0),
                                 pl.col("period").is_in(opened).alias("provisional")).sort(
            [c for c in ("figure", "area_code", "period") if c in grid.columns])

    def by_unit(self, keys: list[str], level: str) -> pl.DataFrame:
        """Per unit of `level` inside the area: area_code, area_name, figure, value, covered, expected."""
        code, _ = UNIT_COLUMNS[level]
        out = table(self.facts, keys, [code]).rename({code: "area_code"})
        return out.join(self._units(level), on="area_code", how="left").sort("area_code", "figure")

    def wide(self, keys: list[str], level: str) -> pl.DataFrame:
        """by_unit as one row per unit and a column per figure (and <figure>_covered)."""
        long = self.by_unit(keys, level)
        units = self._units(level)
        if long.is_empty():
            return units.with_columns([pl.lit(None, pl.Float64).alias(k) for k in keys])
        values = long.pivot(on="figure", index="area_code", values="value")
        covered = long.pivot(on="figure", index="area_code", values="covered")
        covered = covered.rename({k: f"{k}_covered" for k in keys if k in covered.columns})
        expected = long.filter(pl.col("figure") == keys[0]).select("area_code", pl.col("expected").alias("expected"))
        return units.join(values, on="area_code", how="left").join(covered, on="area_code", how="left").join(
            expected, on="area_code", how="left")

    def _units(self, level: str) -> pl.DataFrame:
        code, name = UNIT_COLUMNS[level]
        return (self.facts.expected.select(pl.col(code).alias("area_code"), pl.col(name).alias("area_name"))
                .unique("area_code").sort("area_code"))


def measure(con, area: str, start: date | str, end: date | str, *, compare: str | None = "yoy",
            today: date | None = None, approved_only: bool = False, estimates: bool = False,
            deadline_day: int | None = None) -> Measure:
    """Load the facts of the range (and of the comparison period, and history for estimates)."""
    kw = dict(today=today, approved_only=approved_only, deadline_day=deadline_day)
    now = facts_mod.load(con, area, start, end, **kw)
    before = None
    if compare:
        if compare not in BASES:
            raise ValueError(f"compare must be one of {BASES}; got {compare!r}")
        first, last = calendar.comparison_range(now.start, now.end, compare)
        before = facts_mod.load(con, area, first, last, **kw)
    history = None
    if estimates:
        first = calendar.add_months(now.start, -24)
        history = facts_mod.load(con, area, first, calendar.add_months(now.start, -1), **kw)
    return Measure(now, before, compare, history)
