"""Like-for-like change: a figure over the village-months (or villages) that reported in both periods."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from pipelines import formatting, labels
from pipelines.metrics import calendar
from pipelines.metrics.facts import Facts
from pipelines.metrics.figures import Figure, _input, aggregate, get


@dataclass(frozen=True)
class Change:
    basis: str          # yoy (same months a year earlier) | prev (previous period of the same length)
    start: date         # the comparison period
    end: date
    now: float | None   # the figure over the matched reports, this period
    before: float | None  # the same, comparison period
    matched: int        # matched village-months (villages for stocks and flags)
    per_village: bool
    like_for_like: bool  # False for reporting figures, compared as they are
    withheld: bool = False  # a reporting figure of a range with open months: not compared at all

    @property
    def delta(self) -> float | None:
        if self.now is None or self.before is None:
            return None
        return self.now - self.before

    @property
    def ratio(self) -> float | None:
        if self.delta is None or not self.before:
            return None
        return self.delta / abs(self.before)

    def text(self, lang: str = "id", money: bool = False, share: bool = False) -> str | None:
        """'+66 (+91,7%)', '-Rp 2,5 juta (-10,0%)', '+1,5 poin' for shares; None when a side is missing."""
        if self.delta is None:
            return None
        sign = "+" if self.delta > 0 else "-" if self.delta < 0 else ""
        if share:
            return labels.text("cmp_points", lang, n=sign + formatting.number(abs(self.delta) * 100, lang, 1))
        amount = sign + (formatting.rupiah(abs(self.delta), lang) if money else formatting.number(abs(self.delta), lang))
        if self.ratio is None:
            return amount
        return f"{amount} ({'+' if self.ratio > 0 else ''}{formatting.percent(self.ratio, lang)})"

    def basis_text(self, lang: str = "id") -> str:
        """'dibandingkan pada 3.910 desa-bulan yang melapor di kedua periode (November 2024 – Oktober 2025)'."""
        period = _period(self.start, self.end, lang)
        if self.withheld:
            return labels.text("cmp_withheld", lang)
        if not self.like_for_like:
            return labels.text("cmp_basis_all", lang, period=period)
        key = labels.plural_key("cmp_basis_villages" if self.per_village else "cmp_basis_months", self.matched, lang)
        return labels.text(key, lang, n=formatting.number(self.matched, lang), period=period)


def _period(start: date, end: date, lang: str) -> str:
    if start == end:
        return formatting.month(start, lang)
    return f"{formatting.month(start, lang)} – {formatting.month(end, lang)}"


def _matched_figure(figure: Figure) -> Figure:
    """The figure whose reports decide the matching (a ratio matches on its denominator)."""
    if figure.over_months == "ratio":
        return get(figure.inputs.split("/")[1])
    return figure


def change(now: Facts, before: Facts, key: str, basis: str) -> Change:
    """The change of one figure from `before` to `now`, like for like, with its basis."""
    figure = get(key)
    if figure.source == "calendar" or (figure.over_months == "ratio" and get(figure.inputs.split("/")[1]).source == "calendar"):
        # reporting itself is what these measure: compared over all expected reports, but never
        # while a month of the range is still open (its not-yet-due reports would read as a fall)
        if now.provisional:
            return Change(basis, before.start, before.end, None, None, 0, False, False, True)
        a = aggregate(now.expected, figure, [])["value"]
        b = aggregate(before.expected, figure, [])["value"]
        return Change(basis, before.start, before.end, a[0] if len(a) else None, b[0] if len(b) else None,
                      0, False, False)
    match = _matched_figure(figure)
    shift = len(calendar.months_between(before.start, now.start)) - 1  # months from `before` to `now`
    x_now = now.expected.with_columns(_input(match)).filter(pl.col("x").is_not_null())
    x_before = (before.expected.with_columns(_input(match)).filter(pl.col("x").is_not_null())
                .with_columns(pl.col("period").dt.offset_by(f"{shift}mo").alias("period")))
    if match.per_village:
        keys = x_now.select("village_code").unique().join(x_before.select("village_code").unique(), on="village_code")
        matched = keys.height
        a = now.expected.join(keys, on="village_code", how="semi")
        b = before.expected.join(keys, on="village_code", how="semi")
    else:
        keys = x_now.select("village_code", "period").join(x_before.select("village_code", "period"),
                                                           on=["village_code", "period"])
        matched = keys.height
        a = now.expected.join(keys, on=["village_code", "period"], how="semi")
        b_keys = keys.with_columns(pl.col("period").dt.offset_by(f"-{shift}mo"))
        b = before.expected.join(b_keys, on=["village_code", "period"], how="semi")
    va = aggregate(a, figure, [])["value"] if a.height else pl.Series([None])
    vb = aggregate(b, figure, [])["value"] if b.height else pl.Series([None])
    return Change(basis, before.start, before.end, va[0] if matched else None, vb[0] if matched else None,
                  matched, match.per_village, True)
