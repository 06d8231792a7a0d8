"""The write path keeps village_month_facts equal to a full recompute (load, re-upload, NIK rejection, review, registry)."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from conftest import REGISTRY_CSV, good_identity, good_values, make_workbook, scalar

from pipelines import catalogue, migrations
from pipelines.accounts.roles import User
from pipelines.ingest import registry
from pipelines.metrics import facts, rollup
from pipelines.review import transitions

ADMIN = User("adm", "Admin", "admin")
MARCH = date(2024, 3, 1)
TODAY = date(2024, 6, 1)


def stored(con) -> pl.DataFrame:
    return con.cursor().sql(f"SELECT * FROM {rollup.TABLE} ORDER BY village_code, period").pl()


def recomputed(con) -> pl.DataFrame:
    return con.cursor().sql(f"SELECT * FROM ({rollup._sql('village_month_facts', 'submissions')}) AS f "
                            "ORDER BY village_code, period").pl().select(rollup.columns())


def assert_fresh(con) -> None:
    assert stored(con).equals(recomputed(con))


def workbook(village="35.04.14.2011", name="Tunggangri", period="2024-03", **values):
    vals = good_values()
    vals.update(values)
    return make_workbook(good_identity(kode_desa=village, nama_desa=name, periode=period), vals)


def test_a_load_fills_the_village_month_row(con, ingest):
    ingest({"a.xlsx": workbook(), "b.xlsx": workbook("35.04.14.2016", "Betak", L01=7)})
    assert_fresh(con)
    rows = stored(con)
    assert rows.height == 2
    row = rows.row(0, named=True)
    assert (row["village_code"], row["period"], row["reported"], row["report_date"]) == (
        "35.04.14.2011", MARCH, True, date(2024, 4, 5))
    # the default workbook: placements 4 women + 2 men, 3 returns (1 with a problem), one remittance line
    assert [row[k] for k in catalogue.FLOWS] == [6.0, 4.0, 3.0, 1.0, 12_500_000.0, 5.0]
    assert (row["L01"], row["C01"], row["K05"]) == (2.0, 40.0, 1.0)
    assert rows.row(1, named=True)["L01"] == 7.0


def test_a_re_upload_replaces_the_row_and_keeps_the_first_report_date(con, ingest):
    ingest({"a.xlsx": workbook(L01=2)})
    later = good_identity(tanggal_lapor="2024-04-20")
    vals = good_values()
    vals.update(L01=9, L02=None)
    [result] = ingest({"a2.xlsx": make_workbook(later, vals, placements=[])})
    assert result.version == 2
    assert_fresh(con)
    [row] = stored(con).to_dicts()
    assert (row["L01"], row["L02"], row["placements"], row["placements_women"]) == (9.0, None, 0.0, 0.0)
    assert row["report_date"] == date(2024, 4, 5)  # timeliness stays with the first version


def test_a_nik_rejection_writes_nothing(con, ingest):
    ingest({"a.xlsx": workbook()})
    before = stored(con)
    identity = good_identity(nama_petugas="Siti 3504145607890001")
    [result] = ingest({"nik.xlsx": make_workbook(identity, good_values())})
    assert result.status == "rejected"
    assert stored(con).equals(before)
    assert_fresh(con)


def test_review_and_registry_changes_keep_the_table_equal_to_a_recompute(con, ingest, tmp_path):
    ingest({"a.xlsx": workbook(), "b.xlsx": workbook("35.04.14.2016", "Betak")})
    for action in ("submit", "approve"):
        assert transitions.act(con, ADMIN, action, "35.04", MARCH, "", {}, today=TODAY).action == action
    assert_fresh(con)
    approved = facts.load(con, "35.04", MARCH, MARCH, today=TODAY, approved_only=True).expected
    assert approved["placements"].to_list() == [6.0, 6.0]
    for action in ("unlock", "submit", "return"):
        assert transitions.act(con, ADMIN, action, "35.04", MARCH, "alasan", {}, today=TODAY).action == action
    assert_fresh(con)
    returned = facts.load(con, "35.04", MARCH, MARCH, today=TODAY, approved_only=True).expected
    assert returned["placements"].to_list() == [None, None]  # in, but not approved: not an input
    csv = tmp_path / "desa2.csv"
    csv.write_text(REGISTRY_CSV.replace("Tunggangri,Kalidawir", "Tunggangri Baru,Kalidawir"), encoding="utf-8")
    registry.load_registry(con, csv)
    assert_fresh(con)
    frame = facts.load(con, "35.04", MARCH, MARCH, today=TODAY).expected
    assert frame["village_name"].to_list() == ["Tunggangri Baru", "Betak"]
    assert frame["L01"].to_list() == [2.0, 2.0]


@pytest.mark.duckdb_file
def test_an_existing_warehouse_gets_the_table_on_opening(con, ingest, tmp_path):
    ingest({"a.xlsx": workbook()})
    expected = stored(con)
    con.execute(f"DROP TABLE {rollup.TABLE}")
    con.close()
    again = migrations.connect(tmp_path / "pantau.duckdb")
    try:
        assert stored(again).equals(expected)
    finally:
        again.close()


@pytest.mark.duckdb_file
def test_reading_an_old_warehouse_reads_a_copy_that_has_the_table(con, ingest, tmp_path):
    ingest({"a.xlsx": workbook()})
    con.execute(f"DROP TABLE {rollup.TABLE}")
    con.close()
    with migrations.reading(tmp_path / "pantau.duckdb") as ro:
        assert scalar(ro, f"SELECT count(*) FROM {rollup.TABLE}") == 1
        assert scalar(ro, f"SELECT placements FROM {rollup.TABLE}") == 6.0


def test_indicator_codes_must_be_fit_for_column_names(monkeypatch):
    from pipelines import catalogue
    monkeypatch.setattr(catalogue, "indicators", lambda: {"L01": None, 'X"; DROP': None})
    with pytest.raises(ValueError):
        rollup.columns()
