"""Aggregation semantics (pipelines.metrics) against a small hand-made warehouse."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from pipelines import migrations
from tests.crosscheck import aggregate as metrics

DEC, JAN, FEB, MAR = date(2023, 12, 1), date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)
A, B, C, D = "35.04.14.2011", "35.04.15.2002", "33.01.01.2001", "33.01.02.2003"

# village, name, subdistrict code/name, district code/name, province code/name, joined
VILLAGES = [
    (A, "Tunggangri", "35.04.14", "Kalidawir", "35.04", "Tulungagung", "35", "Jawa Timur", 2019),
    (B, "Sumberdadi", "35.04.15", "Sumbergempol", "35.04", "Tulungagung", "35", "Jawa Timur", 2019),
    (C, "Bolang", "33.01.01", "Dayeuhluhur", "33.01", "Cilacap", "33", "Jawa Tengah", 2019),
    # joined in 2024: not expected to report for December 2023
    (D, "Madura", "33.01.02", "Wanareja", "33.01", "Cilacap", "33", "Jawa Tengah", 2024),
]

# id, village, period, version, current, reported_on, uploaded_at
SUBMISSIONS = [
    (1, A, DEC, 1, True, date(2024, 1, 10), datetime(2024, 1, 15, 9)),   # on time: day 10
    (2, A, JAN, 1, True, None, datetime(2024, 2, 11, 8)),                # late: upload day 11
    (3, A, FEB, 1, False, date(2024, 3, 5), datetime(2024, 3, 5, 9)),    # replaced, but sets timeliness
    (4, A, FEB, 2, True, date(2024, 3, 20), datetime(2024, 3, 20, 9)),
    (5, B, DEC, 1, True, date(2024, 1, 3), datetime(2024, 1, 3, 9)),
    (6, B, FEB, 1, True, date(2024, 3, 12), datetime(2024, 3, 12, 9)),   # late
    (7, C, JAN, 1, True, None, datetime(2024, 2, 10, 23, 59)),           # on time by upload date
    (8, D, DEC, 1, True, date(2024, 1, 5), datetime(2024, 1, 5, 9)),     # before D joined
    (9, D, FEB, 1, True, date(2024, 3, 10), datetime(2024, 3, 10, 9)),
]

# submission -> {indicator: value}; None = blank cell (not reported)
VALUES = {
    1: {"L01": 5, "L02": None, "U05": 10, "K05": 1},
    2: {"L01": 3, "U05": 12, "K05": 0},
    3: {"L01": 100, "U05": 99},
    4: {"L01": 4, "U05": None},
    5: {"L01": None, "U05": 7, "K05": 0},
    6: {"L01": 2, "U05": 8, "K05": 1},
    7: {"L01": 10, "L02": None, "U05": 20, "K05": 1},
    9: {"K05": None},
}

PLACEMENTS = [  # submission, country, sector, sex, count
    (1, "TW", "Domestik", "P", 3), (1, "HK", "Domestik", "P", 2),
    (3, "MY", "Manufaktur", "L", 50), (4, "MY", "Manufaktur", "L", 4),
    (7, "TW", "Manufaktur", "L", 2),
]
RETURNS = [(2, "SA", "L", 2, 1), (3, "SA", "L", 9, 9), (6, "MY", "P", 3, 0)]
REMITTANCES = [
    (1, "TW", "Bank", 2, 5_000_000.0), (3, "MY", "Bank", 100, 1e9),
    (6, "MY", "Bank", 3, 6_000_000.0), (7, "TW", "Dompet Digital", 1, 2_000_000.0),
]


@pytest.fixture
def con(tmp_path, monkeypatch):
    """A fresh warehouse holding the hand-made data set above."""
    monkeypatch.delenv("PANTAU_DEADLINE_DAY", raising=False)
    db = migrations.connect(tmp_path / "w.duckdb")
    db.executemany("INSERT INTO villages (village_code, village_name, subdistrict_code, subdistrict,"
                   " district_code, district, province_code, province, joined_year)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", VILLAGES)
    db.executemany("INSERT INTO submissions (submission_id, village_code, period, version, is_current, status,"
                   " file_name, file_sha256, uploaded_by, uploaded_at, reported_on, officer, warnings)"
                   " VALUES (?, ?, ?, ?, ?, 'accepted', 'f.xlsx', 'x',"
                   " 'koordinator', ?, ?, 'Siti', '[]')",
                   [(i, v, p, ver, cur, up, rep) for i, v, p, ver, cur, rep, up in SUBMISSIONS])
    db.executemany("INSERT INTO submission_values VALUES (?, ?, ?)",
                   [(sid, code, val) for sid, vals in VALUES.items() for code, val in vals.items()])
    db.executemany("INSERT INTO submission_placements VALUES (?, ?, ?, ?, ?)", PLACEMENTS)
    db.executemany("INSERT INTO submission_returns VALUES (?, ?, ?, ?, ?)", RETURNS)
    db.executemany("INSERT INTO submission_remittances VALUES (?, ?, ?, ?, ?)", REMITTANCES)
    migrations.rebuild_current(db)  # rows went in by hand, not through the write path
    yield db
    db.close()


def rows(frame):
    """A frame as a list of tuples, for exact comparison."""
    return frame.rows()


# --- indicator totals -----------------------------------------------------------------------

def test_flow_is_summed_over_months_and_villages_ignoring_old_versions(con):
    # 5 + 3 + 4 (current Feb, not the replaced 100) + 2 + 10; B's blank December adds nothing
    assert metrics.indicator_total(con, "L01", "", DEC, FEB) == 24
    assert metrics.indicator_total(con, "L01", "", JAN, JAN) == 13
    assert metrics.indicator_total(con, "L01", A, DEC, FEB) == 12


def test_area_prefix_matches_whole_code_parts_only(con):
    assert metrics.indicator_total(con, "L01", "35", DEC, FEB) == 14
    assert metrics.indicator_total(con, "L01", "35.04", DEC, FEB) == 14
    assert metrics.indicator_total(con, "L01", "33", DEC, FEB) == 10
    assert metrics.indicator_total(con, "L01", "35.0", DEC, FEB) is None
    assert metrics.indicator_total(con, "L01", "35.04.1", DEC, FEB) is None


def test_only_nulls_give_none_not_zero(con):
    assert metrics.indicator_total(con, "L02", "", DEC, FEB) is None
    assert metrics.indicator_total(con, "L01", "", MAR, MAR) is None


def test_stock_takes_each_villages_latest_reported_month(con):
    # A: Feb blank, so January's 12; B: February's 8; C: 20. Never 10+12+7+8+20.
    assert metrics.indicator_total(con, "U05", "", DEC, FEB) == 40
    assert metrics.indicator_total(con, "U05", "", DEC, DEC) == 17


def test_flag_counts_villages_whose_latest_flag_is_one(con):
    # A 1 then 0 -> 0; B 0 then 1 -> 1; C 1; D only blank -> not reporting
    frame = metrics.indicator_totals(con, "", DEC, FEB)
    assert frame.filter(indicator_code="K05").row(0) == ("K05", "flag", 2.0, 3)


def test_indicator_totals_covers_the_catalogue_in_one_frame(con):
    frame = metrics.indicator_totals(con, "", DEC, FEB)
    assert frame.columns == ["indicator_code", "kind", "value", "villages_reporting"]
    assert frame.height == 25 and frame["indicator_code"][0] == "L01"
    picked = {r[0]: r[1:] for r in frame.rows()}
    assert picked["L01"] == ("flow", 24.0, 3)
    assert picked["L02"] == ("flow", None, 0)
    assert picked["U05"] == ("stock", 40.0, 3)
    assert picked["C01"] == ("stock", None, 0)


def test_unknown_code_level_or_key_is_refused(con):
    with pytest.raises(ValueError):
        metrics.indicator_total(con, "X99", "", DEC, FEB)
    with pytest.raises(ValueError):
        metrics.indicator_by_area(con, "L01", "", DEC, FEB, "desa")
    with pytest.raises(ValueError):
        metrics.remittances_by(con, "", DEC, FEB, "sector")
    with pytest.raises(ValueError):
        metrics.indicator_total(con, "L01", "", FEB, DEC)


# --- by month and by area -------------------------------------------------------------------

def test_by_month_sums_villages_each_month_and_keeps_empty_months(con):
    assert rows(metrics.indicator_by_month(con, "L01", "", DEC, MAR)) == [
        (DEC, 5.0, 1), (JAN, 13.0, 2), (FEB, 6.0, 2), (MAR, None, 0)]
    assert rows(metrics.indicator_by_month(con, "U05", "", DEC, FEB)) == [
        (DEC, 17.0, 2), (JAN, 32.0, 2), (FEB, 8.0, 1)]
    assert rows(metrics.indicator_by_month(con, "K05", "", DEC, FEB)) == [
        (DEC, 1.0, 2), (JAN, 1.0, 2), (FEB, 1.0, 1)]


def test_by_area_groups_child_units_with_the_same_semantics(con):
    assert rows(metrics.indicator_by_area(con, "U05", "", DEC, FEB, "district")) == [
        ("33.01", "Cilacap", 20.0, 1), ("35.04", "Tulungagung", 20.0, 2)]
    assert rows(metrics.indicator_by_area(con, "L01", "33", DEC, FEB, "village")) == [
        (C, "Bolang", 10.0, 1), (D, "Madura", None, 0)]
    assert rows(metrics.indicator_by_area(con, "K05", "", DEC, FEB, "province")) == [
        ("33", "Jawa Tengah", 1.0, 1), ("35", "Jawa Timur", 1.0, 2)]


# --- completeness, timeliness, silence ------------------------------------------------------

def test_completeness_counts_joined_villages_only(con):
    # D reported December 2023 but joined in 2024: counted neither as joined nor as reported
    assert rows(metrics.completeness_by_month(con, "", DEC, FEB)) == [
        (DEC, 3, 2, 2 / 3), (JAN, 4, 2, 0.5), (FEB, 4, 3, 0.75)]
    assert rows(metrics.completeness_by_month(con, "35.0", DEC, JAN)) == [
        (DEC, 0, 0, None), (JAN, 0, 0, None)]


def test_timeliness_uses_first_version_and_deadline_boundary(con):
    # Dec: A day 10, B on time, C missing. Jan: A day 11 late, C on time, B & D missing.
    # Feb: A's first version (5 March) on time, B day 12 late, D day 10 on time, C missing.
    assert rows(metrics.timeliness_by_month(con, "", DEC, FEB)) == [
        (DEC, 2, 0, 1), (JAN, 1, 1, 2), (FEB, 2, 1, 1)]
    assert rows(metrics.timeliness_by_month(con, "", DEC, FEB, deadline_day=12)) == [
        (DEC, 2, 0, 1), (JAN, 2, 0, 2), (FEB, 3, 0, 1)]


def test_reporting_status_lists_every_joined_village_month(con):
    status = {(v, p): s for v, p, s in rows(metrics.reporting_status(con, "", DEC, FEB))}
    assert len(status) == 11 and (D, DEC) not in status
    assert status[(A, DEC)] == "tepat_waktu" and status[(A, JAN)] == "terlambat"
    assert status[(A, FEB)] == "tepat_waktu" and status[(B, FEB)] == "terlambat"
    assert status[(C, JAN)] == "tepat_waktu" and status[(B, JAN)] == "tidak_lapor"


def test_silent_villages(con):
    con.execute("INSERT INTO villages (village_code, village_name, subdistrict_code, subdistrict,"
                " district_code, district, province_code, province, joined_year) VALUES"
                " ('33.01.02.2004', 'Sunyi', '33.01.02', 'Wanareja', '33.01', 'Cilacap', '33',"
                " 'Jawa Tengah', 2024)")
    assert rows(metrics.silent_villages(con, "", MAR, 2)) == [
        ("33.01.02.2004", "Sunyi", "Cilacap", None, 3), (C, "Bolang", "Cilacap", JAN, 2)]
    assert rows(metrics.silent_villages(con, "35", MAR, 2)) == []
    assert rows(metrics.silent_villages(con, "33.01.01", FEB, 1)) == [
        (C, "Bolang", "Cilacap", JAN, 1)]


# --- placements, returns, remittances -------------------------------------------------------

def test_placements_by_each_key(con):
    assert rows(metrics.placements_by(con, "", DEC, FEB, "country_iso2")) == [
        ("TW", 5), ("MY", 4), ("HK", 2)]
    assert rows(metrics.placements_by(con, "", DEC, FEB, "sex")) == [("L", 6), ("P", 5)]
    assert rows(metrics.placements_by(con, "", DEC, FEB, "sector")) == [
        ("Manufaktur", 6), ("Domestik", 5)]
    assert rows(metrics.placements_by(con, "", DEC, FEB, "period")) == [
        (DEC, 5), (JAN, 2), (FEB, 4)]
    assert rows(metrics.placements_by(con, "33", DEC, FEB, "country_iso2")) == [("TW", 2)]
    assert metrics.placements_by(con, "", MAR, MAR, "sex").columns == ["sex", "count"]


def test_returns_and_remittances(con):
    assert rows(metrics.returns_by(con, "", DEC, FEB, "country_iso2")) == [
        ("MY", 3, 0), ("SA", 2, 1)]
    assert rows(metrics.remittances_by(con, "", DEC, FEB, "channel")) == [
        ("Bank", 5, 11_000_000.0), ("Dompet Digital", 1, 2_000_000.0)]
    assert rows(metrics.remittances_by(con, "", DEC, FEB, "country_iso2")) == [
        ("TW", 3, 7_000_000.0), ("MY", 3, 6_000_000.0)]


# --- default range --------------------------------------------------------------------------

def test_latest_complete_month_and_default_range():
    assert metrics.latest_complete_month(date(2024, 3, 15)) == FEB
    assert metrics.latest_complete_month(date(2024, 1, 1)) == DEC
    assert metrics.default_range(date(2024, 3, 15)) == (date(2023, 3, 1), FEB)
    assert metrics.default_range(date(2024, 3, 15), months=3) == (DEC, FEB)
