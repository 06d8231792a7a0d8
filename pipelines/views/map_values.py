"""Map data: the map metrics and each programme unit's (or village's) figures with its place."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from pipelines import warehouse
from pipelines.metrics import figures
from pipelines.metrics.facts import UNIT_COLUMNS
from pipelines.metrics.measure import Measure, measure

Con = duckdb.DuckDBPyConnection


@dataclass(frozen=True)
class Metric:
    key: str
    figure: str               # the metric-layer figure it shows (reference/figures.csv)

    @property
    def unit(self) -> str:
        """count | rupiah | share, from the figure catalogue."""
        fig = figures.get(self.figure)
        return "rupiah" if fig.money else "share" if fig.share else "count"


# The map metrics: each one figure of the metric layer (composites are defined there, once).
METRICS: dict[str, Metric] = {m.key: m for m in (
    Metric("placements", "placements"),
    Metric("remittances", "remittances"),
    Metric("returns", "returns"),
    Metric("completeness", "completeness"),
    Metric("consultations", "consultations"),
    Metric("trainees", "trainees"),
    Metric("children", "C02"),
    Metric("members", "K01"),
)}
# Every column of the map data (metrics, tooltips, the briefing's static map) -> its figure.
COLUMNS = {**{m.key: m.figure for m in METRICS.values()},
           "placements_women": "placements_women", "returns_with_problem": "returns_with_problem",
           "villages": "villages_joined", "months_reported": "reports_in", "months_joined": "reports_expected"}


def _reporting(key: str) -> bool:
    """A figure about reporting itself: its coverage is the reports in of the reports expected."""
    fig = figures.get(key)
    return fig.source == "calendar" or (fig.over_months == "ratio"
                                        and figures.get(fig.inputs.split("/")[1]).source == "calendar")


def unit_values(m: Measure, level: str, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """Per programme unit of `level` (villages joined by the range end): code, name, and for each column
    its figure's value, <column>_covered and <column>_expected (NULL value = nothing reported)."""
    columns = dict(columns or COLUMNS)
    columns.setdefault("months_reported", "reports_in")
    columns.setdefault("months_joined", "reports_expected")
    long = m.by_unit(list(dict.fromkeys(columns.values())), level)
    out = long.select(pl.col("area_code").alias("code"), pl.col("area_name").alias("name")).unique("code")
    for column, key in columns.items():
        part = long.filter(pl.col("figure") == key).select(
            pl.col("area_code").alias("code"), pl.col("value").alias(column),
            pl.col("covered").alias(f"{column}_covered"), pl.col("expected").alias(f"{column}_expected"))
        out = out.join(part, on="code", how="left")
    # reporting figures rest on the reports in, of all expected (as Measure.total)
    out = out.with_columns(pl.col("months_reported", "months_joined").fill_null(0).cast(pl.Int64))
    out = out.with_columns([e for c, k in columns.items() if _reporting(k)
                            for e in (pl.col("months_reported").alias(f"{c}_covered"),
                                      pl.col("months_joined").alias(f"{c}_expected"))])
    return out.sort("code")


def places(con: Con, m: Measure) -> pl.DataFrame:
    """The programme villages of the measure with their units and coordinates."""
    units = (m.facts.expected.select("village_code", "village_name", "subdistrict_code", "subdistrict",
                                     "district_code", "district", "province_code", "province", "joined_year")
             .unique("village_code"))
    where = warehouse.query(con, "village_places", area=m.facts.area)
    return units.join(where, on="village_code", how="left").sort("village_code")


def located(m: Measure, where: pl.DataFrame, level: str, columns: dict[str, str] | None = None) -> pl.DataFrame:
    """unit_values with the unit's place: villages keep theirs (and their units), others the mean of their villages."""
    values = unit_values(m, level, columns)
    if level == "village":
        return (where.join(values.drop("name"), left_on="village_code", right_on="code", how="inner")
                .with_columns(pl.col("village_code").alias("code"), pl.col("village_name").alias("name")))
    code = UNIT_COLUMNS[level][0]
    centre = where.group_by(code).agg(pl.col("lat").mean(), pl.col("lon").mean()).rename({code: "code"})
    return values.join(centre, on="code", how="left").sort("code")


def village_values(con: Con, area: str, start: date, end: date, *, approved_only: bool = False,
                   today: date | None = None) -> pl.DataFrame:
    """Every programme village of the area with its place and each map column over the range (NULL = not reported)."""
    m = measure(con, area, start, end, compare=None, approved_only=approved_only, today=today)
    return located(m, places(con, m), "village")


def bubble_level(area_level: str) -> str | None:
    """The unit drawn as bubbles: districts down to a province, sub-districts inside a district."""
    return {"national": "district", "province": "district", "district": "subdistrict"}.get(area_level)



def geo_filter(units: pl.DataFrame, area: str) -> pl.DataFrame:
    """Units inside the area (all units for the whole country)."""
    if not area:
        return units
    return units.filter((pl.col("code") == area) | pl.col("code").str.starts_with(area + "."))
