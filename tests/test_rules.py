"""The validation rules of the monthly report contract (spec/monthly-report.md), one or more tests per rule.

Row numbers are Excel's: in a workbook from make_workbook the header is row 1 and the indicators
follow in catalogue order (Layanan L01=2 .. L09=10; Usaha U01=2 .. U07=8; Parenting C01=2 ..
C04=5; Koperasi K01=2 .. K05=6; Identitas kode_desa=2, nama_desa=3, periode=4, nama_petugas=5).
"""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from conftest import good_identity, good_values, make_workbook, scalar

from pipelines.catalogue import indicators

# --------------------------------------------------------------------------- helpers

def edit(data: bytes, change) -> bytes:
    """Apply change(openpyxl workbook) to workbook bytes and return the new bytes."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def values(**changes) -> dict:
    out = good_values()
    out.update(changes)
    return out


def where(findings) -> list[tuple]:
    return [(f.sheet, f.row, f.column) for f in findings]


def check_one(findings, sheet, row, column, phrase, value=None):
    """Exactly one finding, at this cell, whose message holds phrase (and value, when given)."""
    assert where(findings) == [(sheet, row, column)], findings
    assert phrase in findings[0].message
    if value is not None:
        assert findings[0].value == value


def stored(con) -> dict[str, float | None]:
    return dict(con.cursor().sql("SELECT indicator_code, value FROM indicator_values").fetchall())


def placements(con) -> list[tuple]:
    return con.cursor().sql(
        "SELECT country_iso2, sector, sex, count FROM placements ORDER BY ALL").fetchall()




def test_good_workbook_is_accepted_without_findings(one, con):
    r = one(make_workbook())
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert stored(con) == {code: float(v) if v != "ya" else 1.0 for code, v in good_values().items()}


# --------------------------------------------------------------------------- indicator codes

def test_unknown_code_is_error(one):
    r = one(edit(make_workbook(), lambda wb: wb["Layanan"].cell(3, 1, "L99")))
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 3, "kode", "tidak dikenal", "L99")


def test_code_on_wrong_sheet_is_error(one):
    r = one(edit(make_workbook(), lambda wb: wb["Layanan"].cell(10, 1, "U01")))  # replaces L09
    assert r.status == "rejected"
    assert set(where(r.errors)) == {("Layanan", 10, "kode")}
    assert "Kode U01 termasuk sheet Usaha, bukan sheet ini." in [f.message for f in r.errors]


def test_code_on_wrong_sheet_does_not_blame_the_right_row(one):
    r = one(edit(make_workbook(), lambda wb: wb["Layanan"].cell(2, 1, "U05")))  # replaces L01; U05 is Usaha row 6
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 2, "kode", "termasuk sheet Usaha", "U05")


def test_duplicate_code_is_error(one):
    r = one(edit(make_workbook(), lambda wb: wb["Layanan"].cell(3, 1, "L01")))  # replaces L02
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 3, "kode", "lebih dari sekali", "L01")


def test_missing_indicator_row_is_warning_and_null(one, con):
    r = one(edit(make_workbook(), lambda wb: wb["Layanan"].delete_rows(6)))  # L05
    assert r.status == "accepted" and r.errors == []
    check_one(r.warnings, "Layanan", None, "kode", "L05")
    assert "tidak dilaporkan" in r.warnings[0].message
    assert scalar(con, "SELECT count(*) FROM indicator_values WHERE indicator_code = 'L05'") == 1
    assert scalar(con, "SELECT value FROM indicator_values WHERE indicator_code = 'L05'") is None
    assert scalar(con, "SELECT status FROM submissions") == "accepted_with_warnings"


# --------------------------------------------------------------------------- nilai

def test_blank_is_null_and_zero_is_zero(one, con):
    r = one(make_workbook(values=values(L01=None, L02=0, L03="0", U06=None, K05=None)))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    got = stored(con)
    assert len(got) == len(indicators())
    assert (got["L01"], got["L02"], got["L03"], got["U06"], got["K05"]) == (None, 0.0, 0.0, None, None)
    assert scalar(con, "SELECT count(*) FROM indicator_values WHERE value IS NULL") == 3


@pytest.mark.parametrize("bad", [2.5, "2,5", "2.5"])
def test_non_whole_count_is_error(one, bad):
    r = one(make_workbook(values=values(L01=bad)))
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 2, "nilai", "bilangan bulat")


@pytest.mark.parametrize("bad", [-1, "-3", -0.5])
def test_negative_is_error(one, bad):
    r = one(make_workbook(values=values(L01=bad)))
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 2, "nilai", "negatif")


def test_negative_rupiah_is_error(one):
    r = one(make_workbook(values=values(K03=-1000)))
    check_one(r.errors, "Koperasi", 4, "nilai", "negatif")


def test_above_max_per_month_is_error(one):
    r = one(make_workbook(values=values(L03=61)))  # ceiling 60
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 4, "nilai", "batas kewajaran", "61")


def test_at_max_per_month_is_accepted(one, con):
    r = one(make_workbook(values=values(L03=60, K05=1)))
    assert (r.status, r.errors) == ("accepted", [])
    assert stored(con)["L03"] == 60.0


def test_unreadable_number_is_error(one):
    r = one(make_workbook(values=values(L04="banyak")))
    check_one(r.errors, "Layanan", 5, "nilai", "Bukan angka", "banyak")


def test_rupiah_with_decimals_accepted(one, con):
    r = one(make_workbook(values=values(U06=2500000.5, K03="2.500.000,50", K04="Rp 80.000.000,25")))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    got = stored(con)
    assert (got["U06"], got["K03"], got["K04"]) == (2500000.5, 2500000.5, 80000000.25)


@pytest.mark.parametrize("given, expected", [
    ("ya", 1.0), ("tidak", 0.0), ("1", 1.0), ("0", 0.0), ("y", 1.0), ("t", 0.0),
    ("YA", 1.0), (" Tidak\u00a0", 0.0), (1, 1.0), (0, 0.0),
])
def test_ya_tidak_accepted(one, con, given, expected):
    r = one(make_workbook(values=values(K05=given)))
    assert (r.status, r.errors) == ("accepted", [])
    assert stored(con)["K05"] == expected


@pytest.mark.parametrize("bad", ["mungkin", "2"])
def test_ya_tidak_rejects_other_answers(one, bad):
    r = one(make_workbook(values=values(K05=bad)))
    assert r.status == "rejected"
    check_one(r.errors, "Koperasi", 6, "nilai", "ya atau tidak", bad)


# --------------------------------------------------------------------------- cross-checks

def test_c02_above_c01_is_error(one):
    r = one(make_workbook(values=values(C01=10, C02=11)))
    assert r.status == "rejected"
    check_one(r.errors, "Parenting", 3, "nilai", "C02")


def test_c02_equal_c01_is_accepted(one):
    assert one(make_workbook(values=values(C01=10, C02=10))).status == "accepted"


def test_l09_above_l08_is_only_a_warning(one, con):
    r = one(make_workbook(values=values(L08=1, L09=3)))
    assert (r.status, r.errors) == ("accepted", [])
    check_one(r.warnings, "Layanan", 10, "nilai", "L09")
    assert stored(con)["L09"] == 3.0


# --------------------------------------------------------------------------- Identitas

@pytest.mark.parametrize("code", ["35.04.14.2011", "3504142011", 3504142011, " 35.04.14.2011\u00a0"])
def test_village_code_forms(one, code):
    r = one(make_workbook(identity=good_identity(kode_desa=code)))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert r.village_code == "35.04.14.2011"


def test_unknown_village_is_error(one):
    r = one(make_workbook(identity=good_identity(kode_desa="35.04.14.9999")))
    assert r.status == "rejected"
    check_one(r.errors, "Identitas", 2, "nilai", "tidak ada di daftar desa", "35.04.14.9999")


def test_malformed_village_code_is_error(one):
    r = one(make_workbook(identity=good_identity(kode_desa="35.04.14")))
    check_one(r.errors, "Identitas", 2, "nilai", "10 digit", "35.04.14")


def test_village_name_mismatch_is_warning(one):
    r = one(make_workbook(identity=good_identity(nama_desa="Tunggangrejo")))
    assert (r.status, r.errors) == ("accepted", [])
    check_one(r.warnings, "Identitas", 3, "nilai", "Tunggangri", "Tunggangrejo")


def test_village_name_case_and_spaces_ignored(one):
    r = one(make_workbook(identity=good_identity(nama_desa="  TUNGGANGRI\u00a0")))
    assert (r.status, r.warnings) == ("accepted", [])


@pytest.mark.parametrize("period", ["2024-03", dt.date(2024, 3, 1), dt.date(2024, 3, 31),
                                    dt.datetime(2024, 3, 17, 14, 30)])
def test_period_text_or_excel_date(one, con, period):
    r = one(make_workbook(identity=good_identity(periode=period)))
    assert (r.status, r.errors) == ("accepted", [])
    assert r.period == dt.date(2024, 3, 1)
    assert scalar(con, "SELECT period FROM submissions") == dt.date(2024, 3, 1)


def test_future_period_is_error(one):
    r = one(make_workbook(identity=good_identity(periode="2024-06", tanggal_lapor=None)),
            today=dt.date(2024, 5, 15))
    assert r.status == "rejected"
    check_one(r.errors, "Identitas", 4, "nilai", "masa depan", "2024-06")


def test_current_month_is_not_future(one):
    r = one(make_workbook(identity=good_identity(periode="2024-05", tanggal_lapor=None)),
            today=dt.date(2024, 5, 15))
    assert (r.status, r.errors) == ("accepted", [])


def test_unreadable_period_is_error(one):
    r = one(make_workbook(identity=good_identity(periode="bulan lalu")))
    check_one(r.errors, "Identitas", 4, "nilai", "TTTT-BB", "bulan lalu")


def test_period_before_joining_is_warning(one):
    r = one(make_workbook(identity=good_identity(periode="2016-12", tanggal_lapor=None)))  # joined 2017
    assert (r.status, r.errors) == ("accepted", [])
    check_one(r.warnings, "Identitas", 4, "nilai", "sebelum desa bergabung", "2016-12")


def test_report_date_is_optional(one, con):
    r = one(make_workbook(identity=good_identity(tanggal_lapor=None)))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert scalar(con, "SELECT reported_on FROM submissions") is None


@pytest.mark.parametrize("officer", [None, "  "])
def test_officer_missing_is_error(one, officer):
    r = one(make_workbook(identity=good_identity(nama_petugas=officer)))
    assert r.status == "rejected"
    check_one(r.errors, "Identitas", 5, "nilai", "nama_petugas")


def test_officer_row_absent_is_error(one):
    r = one(edit(make_workbook(), lambda wb: wb["Identitas"].delete_rows(5)))
    assert r.status == "rejected"
    check_one(r.errors, "Identitas", None, "nilai", "nama_petugas wajib diisi")
