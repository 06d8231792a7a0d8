"""The long table of a Satu Data package: every figure of every area (national to village) for one period."""
from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from pipelines.metrics import figures, periods
from pipelines.metrics.facts import UNIT_COLUMNS
from pipelines.metrics.measure import Measure, measure
from pipelines.targets.template import NATIONAL

LEVELS = {"national": "nasional", "province": "provinsi", "district": "kabupaten/kota", "subdistrict": "kecamatan",
          "village": "desa"}
COLUMNS = ("kode_wilayah", "nama_wilayah", "tingkat_wilayah", "periode", "nama_periode", "kode_indikator",
           "nama_indikator", "nilai", "satuan", "cakupan", "laporan_masuk", "laporan_diharapkan", "status_data")


def _rests_on_reports(key: str) -> bool:
    """Reporting figures (and ratios over them) rest on all expected reports, as Measure.total counts them."""
    f = figures.get(key)
    return f.source == "calendar" or (f.over_months == "ratio" and figures.get(f.inputs.split("/")[1]).source == "calendar")


def _national(m: Measure, keys: list[str]) -> pl.DataFrame:
    rows = []
    for key in keys:
        total = m.total(key, with_change=False)
        rows.append({"area_code": NATIONAL, "area_name": "Nasional", "level": "national", "figure": key,
                     "value": total.value, "covered": total.coverage.covered, "expected": total.coverage.expected})
    return pl.DataFrame(rows, schema={"area_code": pl.String, "area_name": pl.String, "level": pl.String,
                                      "figure": pl.String, "value": pl.Float64, "covered": pl.Int64,
                                      "expected": pl.Int64})


def _units(m: Measure, keys: list[str], level: str) -> pl.DataFrame:
    out = m.by_unit(keys, level).with_columns(pl.lit(level).alias("level"))
    # reporting figures: coverage is the unit's reports in of all its expected reports (as on the national row)
    reports = (out.filter(pl.col("figure").is_in(["reports_in", "reports_expected"]))
               .pivot(on="figure", index="area_code", values="value"))
    if {"reports_in", "reports_expected"} <= set(reports.columns):
        calendar_keys = [k for k in keys if _rests_on_reports(k)]
        out = out.join(reports, on="area_code", how="left").with_columns(
            pl.when(pl.col("figure").is_in(calendar_keys)).then(pl.col("reports_in").cast(pl.Int64))
            .otherwise(pl.col("covered")).alias("covered"),
            pl.when(pl.col("figure").is_in(calendar_keys)).then(pl.col("reports_expected").cast(pl.Int64))
            .otherwise(pl.col("expected")).alias("expected"))
    return out.select("area_code", "area_name", "level", "figure", "value", pl.col("covered").cast(pl.Int64),
                      pl.col("expected").cast(pl.Int64))


def long_table(con: duckdb.DuckDBPyConnection, period: str, *, approved_only: bool = True,
               today: date | None = None) -> tuple[pl.DataFrame, bool]:
    """(the long table, whether it is provisional) of every figure, area and level for a government period."""
    gov = periods.parse(period)
    keys = list(figures.catalogue())
    for needed in ("reports_in", "reports_expected"):
        assert needed in keys, needed  # the coverage of reporting figures rests on these two
    m = measure(con, "", gov.first, gov.last, compare=None, today=today, approved_only=approved_only)
    parts = [_national(m, keys)] + [_units(m, keys, level) for level in UNIT_COLUMNS]
    provisional = m.facts.provisional
    catalogue = figures.catalogue()
    frame = pl.concat(parts, how="vertical_relaxed")
    frame = frame.with_columns(
        pl.col("level").replace_strict(LEVELS).alias("tingkat_wilayah"),
        pl.lit(gov.code).alias("periode"), pl.lit(gov.label("id")).alias("nama_periode"),
        pl.col("figure").replace_strict({k: f.name_id for k, f in catalogue.items()}).alias("nama_indikator"),
        pl.col("figure").replace_strict({k: f.unit for k, f in catalogue.items()}).alias("satuan"),
        pl.when(pl.col("expected") > 0).then((pl.col("covered") / pl.col("expected")).round(4)).alias("cakupan"),
        pl.lit("sementara" if provisional else "final").alias("status_data"))
    order = {level: i for i, level in enumerate(LEVELS)}
    frame = frame.with_columns(pl.col("level").replace_strict(order, return_dtype=pl.Int32).alias("_level"),
                               pl.col("figure").replace_strict({k: i for i, k in enumerate(keys)},
                                                               return_dtype=pl.Int32).alias("_figure"))
    frame = frame.sort("_level", "area_code", "_figure").rename(
        {"area_code": "kode_wilayah", "area_name": "nama_wilayah", "figure": "kode_indikator", "value": "nilai",
         "covered": "laporan_masuk", "expected": "laporan_diharapkan"})
    return frame.select(COLUMNS), provisional
