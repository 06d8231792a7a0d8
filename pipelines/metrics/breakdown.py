"""Breakdowns of the data-sheet flows (placements by country, sector, sex; returns; remittances) over counted village-months."""
from __future__ import annotations

import polars as pl

from pipelines import warehouse
from pipelines.metrics.facts import Facts

# which rows each flow comes from, the measures it adds up and the keys it can be broken down by
SOURCES = {
    "placements": ("placement_rows", ("count",), ("country_iso2", "sector", "sex")),
    "returns": ("return_rows", ("count", "with_problem"), ("country_iso2", "sex")),
    "remittances": ("remittance_rows", ("transactions", "amount_idr"), ("country_iso2", "channel")),
}


def rows(con, facts: Facts, source: str) -> pl.DataFrame:
    """The rows of one data sheet that belong to counted, expected village-months of the facts."""
    name, _, _ = SOURCES[source]
    frame = warehouse.query(con, name, area=facts.area, start=facts.start, end=facts.end)
    counted = facts.expected.filter(pl.col("counts")).select(
        "village_code", "period", "subdistrict_code", "district_code", "province_code")
    return frame.join(counted, on=["village_code", "period"], how="inner")


def by(con, facts: Facts, source: str, keys: list[str]) -> pl.DataFrame:
    """Totals per key (e.g. ['country_iso2'], ['period', 'sex']), largest first (months in order)."""
    _, measures, allowed = SOURCES[source]
    for key in keys:
        if key not in (*allowed, "period", "village_code", "subdistrict_code", "district_code", "province_code"):
            raise ValueError(f"{source} cannot be broken down by {key!r}")
    frame = rows(con, facts, source)
    out = frame.group_by(keys).agg(pl.col(m).sum() for m in measures)
    if "period" in keys:
        return out.sort(keys)
    return out.sort([measures[-1], *keys], descending=[True] + [False] * len(keys))
