"""The tables behind the slides (one XLSX sheet each): numbers stay numbers, shares are fractions 0..1."""
from __future__ import annotations

import polars as pl


def share(part: pl.Expr, whole: pl.Expr) -> pl.Expr:
    """A share as a fraction 0..1 (as on every page; the XLSX shows it with a percent format)."""
    return pl.when(whole > 0).then(part / whole).otherwise(None)


def ranked(names: tuple[str, list[str]], columns: dict[str, pl.Series], total: float | None = None,
           of: str | None = None, share_name: str | None = None,
           within: tuple[str, str, str] | None = None) -> pl.DataFrame:
    """A ranked breakdown (countries, sectors, channels): the name column, its figures, the share of `of`
    in the area's total (missing without a total; no column without `of`); `within` = (share name, part, whole) adds a share
    inside the row (e.g. women among the row's placements)."""
    frame = pl.DataFrame({names[0]: names[1], **columns})
    extra = [share(pl.col(within[1]), pl.col(within[2])).alias(within[0])] if within else []
    if of is not None:
        extra.append(share(pl.col(of), pl.lit(total or 0)).alias(share_name))
    return frame.with_columns(*extra)


def figures(rows: list[tuple], schema: dict[str, type]) -> pl.DataFrame:
    """A table of one row per figure (key figures, a pillar's indicators) with the given typed columns."""
    return pl.DataFrame(rows, schema=schema, orient="row")
