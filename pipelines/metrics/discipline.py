"""Reporting discipline from the figure catalogue: reports expected, in, on time, late, missing, not yet due, shares."""
from __future__ import annotations

import polars as pl

from pipelines.metrics.facts import Facts
from pipelines.metrics.figures import table

# column -> figure key (reference/figures.csv): every reporting count and share a page shows
COUNTS = {"joined": "reports_expected", "reported": "reports_in", "on_time": "on_time", "late": "late",
          "missing": "not_reported", "not_due": "not_yet_due", "due": "reports_due",
          "unapproved": "reports_unapproved"}
SHARES = {"completeness": "completeness", "timeliness": "timeliness",
          "on_time_share_received": "on_time_share_received"}


def counts(facts: Facts, by: list[str]) -> pl.DataFrame:
    """Per group of expected village-months: the COUNTS columns (Int64) and SHARES (NULL where nothing
    was expected, or for on_time_share_received nothing received). Groups without rows are absent."""
    keys = {**COUNTS, **SHARES}
    long = table(facts, list(keys.values()), by)
    if long.is_empty():
        return pl.DataFrame(schema={**{b: facts.frame.schema.get(b, pl.String) for b in by},
                                    **{c: pl.Int64 for c in COUNTS}, **{s: pl.Float64 for s in SHARES}})
    wide = long.pivot(on="figure", index=by, values="value")
    return wide.select(*by, *[pl.col(k).fill_null(0).cast(pl.Int64).alias(c) for c, k in COUNTS.items()],
                       *[pl.col(k).alias(c) for c, k in SHARES.items()])


def per_village(facts: Facts, by: list[str]) -> pl.DataFrame:
    """Per group: villages_any (villages_reporting: at least one report in), villages_every (every
    report due is in; villages with nothing due yet are left out) and consistently (every / any)."""
    villages = counts(facts, [*by, "village_code"])
    out = villages.group_by(by).agg(
        villages_any=(pl.col("reported") > 0).sum().cast(pl.Int64),
        villages_every=((pl.col("due") > 0) & (pl.col("reported") >= pl.col("due"))).sum().cast(pl.Int64))
    return out.with_columns(consistently=pl.when(pl.col("villages_any") > 0)
                            .then(pl.col("villages_every") / pl.col("villages_any")))
