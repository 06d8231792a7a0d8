"""Cohort views: maturity curves with villages behind each point, series import, staggered DiD."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from conftest import good_identity, good_values, make_workbook, scalar

from pipelines.cohort import __main__ as cli
from pipelines.cohort import curves, series, staggered

EFFECT = 40.0


def planted(seed: int = 7) -> pl.DataFrame:
    """60 areas joining in 2018, 2019, 2020 or never; +EFFECT from the joining year on, common trend."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(60):
        joined = (2018, 2019, 2020, None)[i % 4]
        level = rng.normal(500, 50)
        for year in range(2015, 2024):
            effect = EFFECT if joined is not None and year >= joined else 0.0
            rows.append((f"35.{i:02d}", year, joined, level + 12 * (year - 2015) + effect + rng.normal(0, 5)))
    return pl.DataFrame(rows, schema={"area_code": pl.String, "year": pl.Int32, "joined_year": pl.Int32,
                                      "value": pl.Float64}, orient="row")


def test_staggered_comparison_recovers_the_planted_effect():
    result = staggered.estimate(planted())
    assert result.ci_low < EFFECT < result.ci_high
    assert result.ci_high - result.ci_low < 10
    assert result.areas == 60 and result.years == (2015, 2023)
    assert result.cohorts.to_dicts() == [{"joined_year": 2018, "areas": 15}, {"joined_year": 2019, "areas": 15},
                                         {"joined_year": 2020, "areas": 15}, {"joined_year": None, "areas": 15}]
    pre = result.event.filter(pl.col("relative_period") < 0)
    # parallel trends hold in the planted data
    assert pre["relative_period"].to_list() == [-4, -3, -2, -1] and result.pretrend_p > 0.05
    post = result.event.filter(pl.col("relative_period") == 0).row(0, named=True)
    assert post["ci_low"] < EFFECT < post["ci_high"]


def test_pretrend_check_flags_diverging_trends():
    frame = planted().with_columns(
        value=pl.col("value") + pl.when(pl.col("joined_year") == 2020).then(8.0 * (pl.col("year") - 2015)).otherwise(0.0))
    assert staggered.estimate(frame).pretrend_p < 0.01


def test_too_little_data_is_not_estimable():
    with pytest.raises(staggered.NotEstimable):
        staggered.estimate(planted().filter(pl.col("year") < 2017))


def test_maturity_curve_counts_villages_behind_each_point(con, ingest):
    v = good_values()
    ingest({"a": make_workbook(good_identity(periode="2017-01"), dict(v, U05=10)),
            "b": make_workbook(good_identity(periode="2017-02"), dict(v, U05=None)),
            "c": make_workbook(good_identity(kode_desa="35.04.14.2016", nama_desa="Betak", periode="2017-01"),
                               dict(v, U05=20)),
            "d": make_workbook(good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan", periode="2018-03"),
                               dict(v, U05=0))})
    frame = curves.curve(con, "U05")
    assert frame.to_dicts() == [
        {"joined_year": 2017, "months_since": 0, "villages": 2, "mean_value": 15.0},
        {"joined_year": 2018, "months_since": 2, "villages": 1, "mean_value": 0.0}]  # 2017-02 not reported: no point
    assert curves.curve(con, "U05", "35.02")["villages"].to_list() == [1]
    assert curves.sizes(con).to_dicts() == [{"joined_year": 2017, "villages": 2}, {"joined_year": 2018, "villages": 1},
                                            {"joined_year": 2021, "villages": 1}]


CSV = """seri,kode_wilayah,tahun,nilai,tahun_bergabung
Penempatan BP2MI,35.04.14.2011,2016,12,
Penempatan BP2MI,35.04.14.2011,2017,"1.234",
Penempatan BP2MI,35.99,2017,,
Penempatan BP2MI,35.02.20.2001,2017,5,2019
"""


def test_series_import_replaces_and_is_audited(con):
    counts = series.import_series(con, CSV.encode(), "seri.csv", "penguji")
    assert counts == {"Penempatan BP2MI": 4}
    assert con.execute("SELECT area_code, year, joined_year, value FROM external_series ORDER BY area_code, year"
                       ).fetchall() == [("35.02.20.2001", 2017, 2019, 5.0), ("35.04.14.2011", 2016, 2017, 12.0),
                                        ("35.04.14.2011", 2017, 2017, 1234.0), ("35.99", 2017, None, None)]
    series.import_series(con, CSV.encode(), "seri.csv", "penguji")
    assert scalar(con, "SELECT count(*) FROM external_series") == 4
    assert series.names(con).row(0) == ("Penempatan BP2MI", 3, 2016, 2017, 1)
    assert scalar(con, "SELECT detail FROM audit_log WHERE event = 'series_import' LIMIT 1") == \
        "seri.csv · Penempatan BP2MI: 4 baris"


def test_series_rejects_every_error_and_a_nik(con):
    bad = "seri,kode_wilayah,tahun,nilai\nA,3504,20x,abc\nA,35.04,2019,3504145607890001\n"
    with pytest.raises(series.SeriesError) as exc:
        series.import_series(con, bad.encode(), "buruk.csv", "penguji")
    assert [(e.row, e.column, e.value) for e in exc.value.errors] == [
        (2, "kode_wilayah", "3504"), (2, "tahun", "20x"), (2, "nilai", "abc"), (3, None, "(disembunyikan)")]
    assert scalar(con, "SELECT count(*) FROM external_series") == 0
    assert scalar(con, "SELECT detail FROM audit_log WHERE event = 'series_rejected'") == "buruk.csv · 4 galat"


def test_cli_import_and_compare(tmp_path, capsys):
    path = tmp_path / "seri.csv"
    planted().with_columns(seri=pl.lit("Uji"), tahun=pl.col("year"), kode_wilayah=pl.col("area_code"),
                           nilai=pl.col("value").round(2), tahun_bergabung=pl.col("joined_year")).select(
        "seri", "kode_wilayah", "tahun", "nilai", "tahun_bergabung").write_csv(path)
    db = str(tmp_path / "w.duckdb")
    assert cli.main(["import-series", "--db", db, str(path)]) == 0
    capsys.readouterr()
    assert cli.main(["compare", "--db", db, "--series", "Uji", "--json"]) == 0
    import json
    doc = json.loads(capsys.readouterr().out)
    assert doc["ci_low"] < EFFECT < doc["ci_high"] and doc["areas"] == 60
    assert cli.main(["import-series", "--db", db, str(tmp_path / "none.csv")]) == 2
