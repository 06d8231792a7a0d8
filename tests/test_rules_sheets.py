"""The validation rules of the monthly report contract for the data sheets (Penempatan, Kepulangan, Remitansi),
sheet names and headers; the pillar sheets and Identitas are in test_rules.py. Row numbers are Excel's."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from conftest import good_identity, good_values, make_workbook, scalar
from test_rules import check_one, edit, placements, stored, values, where

from pipelines.catalogue import indicators

# --------------------------------------------------------------------------- Penempatan

def placement(country="Taiwan", sector="Domestik", sex="P", count=1) -> dict:
    return {"negara_tujuan": country, "sektor": sector, "jenis_kelamin": sex, "jumlah": count}


def test_countries_by_indonesian_english_name_or_iso(one, con):
    r = one(make_workbook(placements=[
        placement("Arab Saudi", "Domestik", "P", 1),
        placement("Saudi Arabia", "Manufaktur", "P", 2),
        placement("SA", "Konstruksi", "L", 3),
        placement("Hong Kong", "Domestik", "P", 4),
        placement("Taiwan", "Perawat/Caregiver", "Perempuan", 5),
        placement("Korea Selatan", "Manufaktur", "Laki-laki", 6),
    ]))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert placements(con) == [
        ("HK", "Domestik", "P", 4), ("KR", "Manufaktur", "L", 6), ("SA", "Domestik", "P", 1),
        ("SA", "Konstruksi", "L", 3), ("SA", "Manufaktur", "P", 2), ("TW", "Perawat/Caregiver", "P", 5),
    ]


@pytest.mark.parametrize("country, iso", [
    ("Taiwan", "TW"), ("Hong Kong", "HK"), ("Hongkong", "HK"), ("hong-kong", "HK"), ("Arab Saudi", "SA"),
    ("Saudi Arabia", "SA"), ("SA", "SA"), ("sa", "SA"), ("Korea Selatan", "KR"), ("South Korea", "KR"),
    ("Malaysia", "MY"), ("MY", "MY"), ("Singapura", "SG"), ("Singapore", "SG"), ("Jepang", "JP"),
    ("Japan", "JP"), ("Brunei Darussalam", "BN"), ("Uni Emirat Arab", "AE"), ("United Arab Emirates", "AE"),
    ("Polandia", "PL"), ("Poland", "PL"), ("POL", "PL"),
])
def test_country_names_resolve_to_iso2(one, con, country, iso):
    r = one(make_workbook(placements=[placement(country)]))
    assert (r.status, r.errors) == ("accepted", [])
    assert placements(con) == [(iso, "Domestik", "P", 1)]


@pytest.mark.parametrize("sector", ["Domestik", "Perawat/Caregiver", "Manufaktur", "Perkebunan/Pertanian",
                                    "Perikanan/ABK", "Konstruksi", "Jasa/Hospitality", "Lainnya"])
def test_every_sector_accepted(one, con, sector):
    r = one(make_workbook(placements=[placement(sector=sector.upper())]))
    assert (r.status, r.errors) == ("accepted", [])
    assert placements(con) == [("TW", sector, "P", 1)]


@pytest.mark.parametrize("country", ["Atlantis", "Lainnya"])
def test_unknown_country_is_error(one, country):
    r = one(make_workbook(placements=[placement(), placement(country, "Manufaktur")]))
    assert r.status == "rejected"
    check_one(r.errors, "Penempatan", 3, "negara_tujuan", "Negara tidak dikenali", country)


def test_unknown_sector_is_error(one):
    r = one(make_workbook(placements=[placement(sector="Pertambangan")]))
    check_one(r.errors, "Penempatan", 2, "sektor", "Sektor tidak dikenali", "Pertambangan")


def test_unknown_sex_is_error(one):
    r = one(make_workbook(placements=[placement(sex="X")]))
    check_one(r.errors, "Penempatan", 2, "jenis_kelamin", "L atau P", "X")


def test_placement_count_zero_is_error(one):
    r = one(make_workbook(placements=[placement(count=0)]))
    check_one(r.errors, "Penempatan", 2, "jumlah", "lebih dari 0", "0")


def test_placement_count_blank_is_error(one):
    r = one(make_workbook(placements=[placement(count=None)]))
    check_one(r.errors, "Penempatan", 2, "jumlah", "Wajib diisi")


def test_duplicate_placement_is_error(one):
    r = one(make_workbook(placements=[placement("Taiwan", "Domestik", "P", 4),
                                      placement("Malaysia", "Domestik", "P", 1),
                                      placement("TW", "Domestik", "Perempuan", 2)]))
    assert r.status == "rejected"
    check_one(r.errors, "Penempatan", 4, "negara_tujuan", "sudah ada di baris lain")


def test_placement_sheet_without_rows_is_accepted(one, con):
    r = one(make_workbook(placements=[]))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert placements(con) == []
    assert scalar(con, "SELECT count(*) FROM submissions") == 1


# --------------------------------------------------------------------------- Kepulangan, Remitansi

def test_returns_with_problem_above_count_is_error(one):
    r = one(make_workbook(returns=[{"negara_asal": "Malaysia", "jenis_kelamin": "L", "jumlah": 3,
                                    "bermasalah": 4}]))
    assert r.status == "rejected"
    check_one(r.errors, "Kepulangan", 2, "bermasalah", "melebihi", "4")


def test_returns_stored(one, con):
    r = one(make_workbook(returns=[{"negara_asal": "Hongkong", "jenis_kelamin": "Wanita", "jumlah": 3,
                                    "bermasalah": 3}]))
    assert r.status == "accepted"
    assert con.cursor().sql("SELECT country_iso2, sex, count, with_problem FROM returns").fetchall() == [
        ("HK", "P", 3, 3)]


def remittance(transactions, amount, channel="Bank") -> list[dict]:
    return [{"negara_asal": "Taiwan", "saluran": channel, "jumlah_transaksi": transactions, "nilai_rp": amount}]


@pytest.mark.parametrize("transactions, amount", [(5, 100_000), (1, 600_000_000), (2, 1_000_000_001)])
def test_remittance_odd_average_is_warning(one, con, transactions, amount):
    r = one(make_workbook(remittances=remittance(transactions, amount)))
    assert (r.status, r.errors) == ("accepted", [])
    check_one(r.warnings, "Remitansi", 2, "nilai_rp", "Rata-rata per transaksi")
    assert scalar(con, "SELECT amount_idr FROM remittances") == amount


@pytest.mark.parametrize("transactions, amount", [(1, 50_000), (1, 500_000_000), (4, 200_000)])
def test_remittance_average_at_bounds_is_clean(one, transactions, amount):
    r = one(make_workbook(remittances=remittance(transactions, amount)))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])


@pytest.mark.parametrize("channel", ["Bank", "Kantor Pos", "Perusahaan Pengiriman Uang", "Dompet Digital",
                                     "Lainnya"])
def test_every_channel_accepted(one, con, channel):
    r = one(make_workbook(remittances=remittance(2, 1_000_000, f" {channel.lower()} ")))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert scalar(con, "SELECT channel FROM remittances") == channel


def test_all_data_sheets_may_be_empty(one, con):
    r = one(make_workbook(placements=[], returns=[], remittances=[]))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert [scalar(con, f"SELECT count(*) FROM {t}") for t in ("placements", "returns", "remittances")] == [0, 0, 0]


def test_unknown_channel_is_error(one):
    r = one(make_workbook(remittances=remittance(1, 100_000, "Titip teman")))
    check_one(r.errors, "Remitansi", 2, "saluran", "Saluran tidak dikenali", "Titip teman")


def test_remittance_stored(one, con):
    r = one(make_workbook(remittances=remittance(3, "Rp 1.500.000,50", "PPU")))
    assert r.status == "accepted"
    assert con.cursor().sql("SELECT country_iso2, channel, transactions, amount_idr FROM remittances"
                            ).fetchall() == [("TW", "Perusahaan Pengiriman Uang", 3, 1500000.5)]


# --------------------------------------------------------------------------- sheets and headers

@pytest.mark.parametrize("sheet", ["Identitas", "Koperasi", "Penempatan", "Kepulangan", "Remitansi"])
def test_missing_required_sheet_is_error(one, sheet, con):
    r = one(edit(make_workbook(), lambda wb: wb.remove(wb[sheet])))
    assert r.status == "rejected"
    assert where(r.errors) == [(sheet, None, None)]
    assert sheet in r.errors[0].message and "wajib" in r.errors[0].message
    assert scalar(con, "SELECT count(*) FROM submissions") == 0


def test_sheet_names_case_spaces_order_and_extra_sheets(one, con):
    def change(wb):
        wb["Layanan"].title = "  layanan "
        wb["Identitas"].title = "tmp"  # openpyxl would make "IDENTITAS1" of a direct rename
        wb["tmp"].title = "IDENTITAS"
        wb.move_sheet("Remitansi", offset=-7)  # first
        extra = wb.create_sheet("Catatan")
        extra["A1"], extra["B1"] = "kode", "nilai"
        extra["A2"], extra["B2"] = "Z99", "tulisan bebas"
    data = edit(make_workbook(), change)
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == [
        "Remitansi", "IDENTITAS", "  layanan ", "Usaha", "Parenting", "Koperasi", "Penempatan", "Kepulangan",
        "Catatan"]
    r = one(data)
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert stored(con)["L01"] == 2.0


def test_template_with_instructions_and_list_sheets_is_accepted(one):
    r = one(make_workbook(decorate=True))  # adds the Petunjuk and hidden Daftar sheets
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])


def test_header_below_merged_title_rows(one):
    def change(wb):
        ws = wb["Layanan"]
        ws.insert_rows(1, 2)
        ws["A1"] = "LAPORAN BULANAN DESMIGRATIF"
        ws.merge_cells("A1:D1")
        ws.cell(6, 4, -1)  # L03, Excel row 6 (header is row 3)
    r = one(edit(make_workbook(), change))
    assert r.status == "rejected"
    check_one(r.errors, "Layanan", 6, "nilai", "negatif")


def test_header_below_empty_rows_on_data_sheet(one):
    def change(wb):
        wb["Penempatan"].insert_rows(1, 2)  # header now row 3, first data row 4
    data = edit(make_workbook(placements=[placement(), placement("Mars", "Manufaktur")]), change)
    r = one(data)
    check_one(r.errors, "Penempatan", 5, "negara_tujuan", "Negara tidak dikenali", "Mars")


def test_header_in_row_ten_is_found(one):
    def change(wb):
        wb["Koperasi"].insert_rows(1, 9)  # header row 10, K05 row 15
        wb["Koperasi"].cell(15, 4, "mungkin")
    r = one(edit(make_workbook(), change))
    check_one(r.errors, "Koperasi", 15, "nilai", "ya atau tidak")


def test_header_below_row_ten_is_error(one):
    r = one(edit(make_workbook(), lambda wb: wb["Koperasi"].insert_rows(1, 10)))
    assert r.status == "rejected"
    check_one(r.errors, "Koperasi", None, None, "10 baris pertama")


def test_header_missing_required_column_is_error(one):
    r = one(edit(make_workbook(), lambda wb: wb["Usaha"].cell(1, 4, "angka")))
    assert r.status == "rejected"
    check_one(r.errors, "Usaha", 1, "nilai", "Kolom wajib tidak ada")
    assert "nilai" in r.errors[0].message


def test_header_missing_on_data_sheet_names_column(one):
    r = one(edit(make_workbook(), lambda wb: wb["Remitansi"].cell(1, 4, "rupiah")))
    check_one(r.errors, "Remitansi", 1, "nilai_rp", "nilai_rp")


def test_blank_rows_in_the_middle_are_skipped(one, con):
    def change(wb):
        wb["Layanan"].insert_rows(6, 2)  # two blank rows before L05
        wb["Penempatan"].insert_rows(3)  # a blank row between the two placements
    r = one(edit(make_workbook(), change))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert (stored(con)["L05"], stored(con)["L09"]) == (2.0, 2.0)
    assert placements(con) == [("MY", "Perkebunan/Pertanian", "L", 2), ("TW", "Domestik", "P", 4)]


def test_row_numbers_count_blank_rows(one):
    def change(wb):
        wb["Layanan"].insert_rows(6, 2)  # L09 moves from row 10 to row 12
        wb["Layanan"].cell(12, 4, -1)
        wb["Penempatan"].insert_rows(3)  # the second placement moves to row 4
        wb["Penempatan"].cell(4, 4, 0)
    r = one(edit(make_workbook(), change))
    assert where(r.errors) == [("Layanan", 12, "nilai"), ("Penempatan", 4, "jumlah")]


def test_nbsp_and_stray_spaces_in_headers_and_values(one, con):
    def change(wb):
        lay = wb["Layanan"]
        lay["A1"], lay["D1"] = "\u00a0Kode ", " NILAI\u00a0"
        lay["A2"], lay["D2"] = " l01\u00a0", "\u00a012 "
        pen = wb["Penempatan"]
        pen["A1"] = "negara_tujuan\u00a0"
        pen["A2"], pen["B2"], pen["C2"] = "\u00a0Hong  Kong ", " Domestik\u00a0", " p "
        ident = wb["Identitas"]
        ident["A2"], ident["B2"] = " kode_desa\u00a0", "\u00a035.04.14.2011 "
    r = one(edit(make_workbook(), change))
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    assert stored(con)["L01"] == 12.0
    assert ("HK", "Domestik", "P", 4) in placements(con)


def test_every_error_reported_at_once(one, con):
    data = make_workbook(identity=good_identity(kode_desa="99.99.99.9999"),
                         values=values(L01=-1),
                         placements=[placement(sector="Pertambangan")])
    r = one(data)
    assert r.status == "rejected"
    assert where(r.errors) == [("Identitas", 2, "nilai"), ("Layanan", 2, "nilai"), ("Penempatan", 2, "sektor")]
    assert scalar(con, "SELECT count(*) FROM submissions") == 0
    assert scalar(con, "SELECT count(*) FROM submission_values") == 0


def test_findings_carry_value_and_indonesian_message(one):
    r = one(make_workbook(values=values(L01="1.2.3")))
    f = r.errors[0]
    assert (f.sheet, f.row, f.column, f.value) == ("Layanan", 2, "nilai", "1.2.3")
    assert f.describe() == ("sheet Layanan, baris 2, kolom nilai: " + f.message + " (isi: '1.2.3')")


# --------------------------------------------------------------------------- other spreadsheet software

def openpyxl_workbook() -> bytes:
    """A report written from scratch by openpyxl, every number typed as Indonesian-format text."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    ident = wb.create_sheet("Identitas")
    ident.append(["isian", "nilai"])
    for row in (["kode_desa", 3504142011], ["nama_desa", "Tunggangri"], ["periode", "2024-03"],
                ["nama_petugas", "Siti Aminah"]):
        ident.append(row)
    text = {code: "2" for code in indicators()}
    text.update({"L04": "1.234", "U06": "Rp 15.000.000", "K01": "1,200", "K02": "250.000.000",
                 "K03": "2.500.000,50", "K04": "Rp. 80.000.000,-", "K05": "Ya", "C01": "40", "C02": "30"})
    for sheet in ("Layanan", "Usaha", "Parenting", "Koperasi"):
        ws = wb.create_sheet(sheet)
        ws.append(["kode", "uraian", "satuan", "nilai"])
        for ind in indicators().values():
            if ind.sheet == sheet:
                ws.append([ind.code, ind.name_id, ind.unit, text[ind.code]])
    wb.create_sheet("Penempatan").append(["negara_tujuan", "sektor", "jenis_kelamin", "jumlah"])
    wb["Penempatan"].append(["Malaysia", "Perkebunan", "L", "1.200"])
    wb.create_sheet("Kepulangan").append(["negara_asal", "jenis_kelamin", "jumlah", "bermasalah"])
    wb.create_sheet("Remitansi").append(["negara_asal", "saluran", "jumlah_transaksi", "nilai_rp"])
    wb["Remitansi"].append(["Hong Kong", "Bank", "5", "Rp 12.500.000"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_openpyxl_workbook_with_text_numbers(one, con):
    r = one(openpyxl_workbook())
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])
    got = stored(con)
    assert (got["L04"], got["U06"], got["K01"], got["K02"], got["K03"], got["K04"], got["K05"]) == (
        1234.0, 15_000_000.0, 1200.0, 250_000_000.0, 2_500_000.5, 80_000_000.0, 1.0)
    assert placements(con) == [("MY", "Perkebunan/Pertanian", "L", 1200)]
    assert con.cursor().sql("SELECT country_iso2, channel, transactions, amount_idr FROM remittances"
                            ).fetchall() == [("HK", "Bank", 5, 12_500_000.0)]
    assert scalar(con, "SELECT village_code FROM submissions") == "35.04.14.2011"


def test_headers_and_fields_with_spaces_instead_of_underscores(one, con):
    def spaced(wb):
        wb["Penempatan"].cell(1, 1, "Negara Tujuan")
        wb["Penempatan"].cell(1, 3, "Jenis-Kelamin")
        wb["Identitas"].cell(2, 1, "Kode Desa")
    r = one(edit(make_workbook(), spaced))
    assert (r.status, r.village_code, r.errors) == ("accepted", "35.04.14.2011", [])
    assert scalar(con, "SELECT sum(count) FROM placements") == 6


def test_gathering_in_parts_then_judging_once_equals_validating_the_whole_batch(con):
    """What reader processes send back (gathering.gather of their files, by position, with no registry)
    put together and judged once gives the verdicts and rows of one validate() call over the batch."""
    import polars as pl

    from pipelines.ingest import gathering, registry, workbook
    from pipelines.ingest import validate as v

    datas = [make_workbook(identity=good_identity(periode=f"2024-{m:02d}")) for m in range(1, 4)]
    datas.insert(1, make_workbook(values=good_values() | {"L02": "banyak", "C02": 99}))
    lookup, today = registry.lookup(con), dt.date(2026, 12, 1)
    whole = v.validate([workbook.read(d) for d in datas], lookup, today)
    books = [workbook.read(d) for d in datas]
    parts = [gathering.gather([books[3], books[0]], positions=[3, 0]), gathering.gather(books[1:3], positions=[1, 2])]
    judged = v.judge(gathering.merge(parts), lookup, today)
    assert [(c.errors, c.warnings, c.village_code, c.period) for c in judged.checked] == [
        (c.errors, c.warnings, c.village_code, c.period) for c in whole.checked]
    assert [c.accepted for c in judged.checked] == [True, False, True, True]
    assert [f.column for f in judged.checked[1].errors] == ["nilai", "nilai"]  # L02 not a number, C02 > C01
    for name in ("values", "placements", "returns", "remittances"):
        assert getattr(judged, name).sort(pl.all()).equals(getattr(whole, name).sort(pl.all())), name
