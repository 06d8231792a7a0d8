"""The monthly workbook template and writer: sheets, headers, values, checks, CLI."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import fastexcel
import pycountry
import pytest

from pipelines import catalogue, migrations
from pipelines.ingest import dropdowns, template

ROOT = Path(__file__).resolve().parent.parent
DATA_SHEETS = ["Identitas", "Layanan", "Usaha", "Parenting", "Koperasi",
               "Penempatan", "Kepulangan", "Remitansi"]
IDENTITY = {"kode_desa": "35.04.14.2011", "nama_desa": "Tunggangri", "periode": "2024-03",
            "nama_petugas": "Siti Aminah", "tanggal_lapor": "2024-04-05"}


def rows(path, sheet: str) -> list[tuple]:
    """All cells of one sheet as strings (None for blank), header row included."""
    frame = fastexcel.read_excel(path).load_sheet(sheet, header_row=None, dtypes="string")
    return frame.to_polars().rows()


def sheet_xml(path, sheet: str) -> str:
    """The worksheet XML part of one sheet (xlsxwriter numbers parts in sheet order)."""
    n = fastexcel.read_excel(path).sheet_names.index(sheet) + 1
    with zipfile.ZipFile(path) as zf:
        return zf.read(f"xl/worksheets/sheet{n}.xml").decode()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.ingest.template", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def bare(tmp_path) -> Path:
    path = tmp_path / "bare.xlsx"
    template.write_workbook(
        path, IDENTITY,
        {"L01": 12, "L02": None, "L03": 0, "U06": "1.234.567", "K02": 2500000.5, "K05": "ya"},
        placements=[{"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P",
                     "jumlah": 3}],
        returns=[{"negara_asal": "Malaysia", "jenis_kelamin": "L", "jumlah": 2, "bermasalah": 0}],
        remittances=[{"negara_asal": "Hong Kong", "saluran": "Bank", "jumlah_transaksi": 5,
                      "nilai_rp": "Rp 2.000.000"}],
        decorate=False,
    )
    return path


@pytest.fixture
def decorated(tmp_path) -> Path:
    path = tmp_path / "template.xlsx"
    template.write_template(path, {"village_code": "35.04.14.2011", "village_name": "Tunggangri"},
                            "2024-03")
    return path


def test_sheet_order_bare(bare):
    assert fastexcel.read_excel(bare).sheet_names == DATA_SHEETS


def test_sheet_order_decorated(decorated):
    assert fastexcel.read_excel(decorated).sheet_names == ["Petunjuk", *DATA_SHEETS, "Daftar"]


@pytest.mark.parametrize("sheet", DATA_SHEETS)
def test_header_row_is_first_row(bare, decorated, sheet):
    expected = tuple(name for name, _, _ in catalogue.layout()[sheet])
    assert rows(bare, sheet)[0] == expected
    assert rows(decorated, sheet)[0] == expected


def test_header_examples():
    assert [c for c, _, _ in catalogue.layout()["Layanan"]] == ["kode", "uraian", "satuan", "nilai"]
    assert [c for c, _, _ in catalogue.layout()["Identitas"]] == ["isian", "nilai"]


def test_layanan_codes_in_order_with_blank_nilai(decorated):
    body = rows(decorated, "Layanan")[1:]
    assert [r[0] for r in body] == [f"L0{i}" for i in range(1, 10)]
    assert [r[3] for r in body] == [None] * 9
    assert body[0][1:3] == ("Konsultasi calon PMI laki-laki", "orang")


def test_values_written_as_given(bare):
    layanan = {r[0]: r[3] for r in rows(bare, "Layanan")[1:]}
    assert (layanan["L01"], layanan["L02"], layanan["L03"], layanan["L04"]) == ("12", None, "0", None)
    assert {r[0]: r[3] for r in rows(bare, "Usaha")[1:]}["U06"] == "1.234.567"
    koperasi = {r[0]: r[3] for r in rows(bare, "Koperasi")[1:]}
    assert (koperasi["K02"], koperasi["K05"], koperasi["K01"]) == ("2500000.5", "ya", None)


def test_data_rows_in_column_order(bare):
    assert rows(bare, "Penempatan")[1:] == [("Taiwan", "Domestik", "P", "3")]
    assert rows(bare, "Kepulangan")[1:] == [("Malaysia", "L", "2", "0")]
    assert rows(bare, "Remitansi")[1:] == [("Hong Kong", "Bank", "5", "Rp 2.000.000")]


def test_identity_written_as_text(bare):
    assert rows(bare, "Identitas")[1:] == [
        ("kode_desa", "35.04.14.2011"), ("nama_desa", "Tunggangri"), ("periode", "2024-03"),
        ("nama_petugas", "Siti Aminah"), ("tanggal_lapor", "2024-04-05"),
    ]


def test_identity_native_date_and_number():
    buf = io.BytesIO()
    template.write_workbook(buf, {"kode_desa": 3504142011, "periode": dt.date(2024, 3, 1)},
                            decorate=False)
    body = dict(rows(buf.getvalue(), "Identitas")[1:])
    assert body["kode_desa"] == "3504142011"
    assert body["periode"].startswith("2024-03-01")  # a real date cell, not text
    assert body["nama_petugas"] is None


def test_template_identity_prefilled(decorated):
    assert rows(decorated, "Identitas")[1:] == [
        ("kode_desa", "35.04.14.2011"), ("nama_desa", "Tunggangri"), ("periode", "2024-03"),
        ("nama_petugas", None), ("tanggal_lapor", None),
    ]


def test_template_without_village_is_blank(tmp_path):
    path = tmp_path / "kosong.xlsx"
    template.write_template(path)
    assert [r[1] for r in rows(path, "Identitas")[1:]] == [None] * 5


def test_template_list_sheets_have_no_data_rows(decorated):
    for sheet in ("Penempatan", "Kepulangan", "Remitansi"):
        assert len(rows(decorated, sheet)) == 1


def test_validations_present_only_when_decorated(decorated, bare):
    xml = sheet_xml(decorated, "Penempatan")
    assert "<dataValidation " in xml
    assert 'sqref="A2:A201"' in xml and 'errorStyle="warning"' in xml
    assert "<formula1>Daftar!$A$2:$A$" in xml
    assert 'type="whole" operator="greaterThanOrEqual"' in xml and "<formula1>1</formula1>" in xml
    assert "<dataValidation" not in sheet_xml(bare, "Penempatan")


def test_decorated_sheets_have_frozen_header(decorated):
    assert 'state="frozen"' in sheet_xml(decorated, "Layanan")


def test_country_list_is_hidden_and_resolvable(decorated):
    assert "Lainnya" not in dropdowns.COUNTRIES
    for name in ("Malaysia", "Taiwan", "Hong Kong", "Arab Saudi", "Singapura", "Korea Selatan",
                 "Jepang", "Brunei Darussalam", "Uni Emirat Arab", "Qatar", "Kuwait", "Oman",
                 "Polandia", "Turki", "Italia", "Amerika Serikat", "Australia", "Selandia Baru",
                 "Makau"):
        assert name in dropdowns.COUNTRIES
    assert [n for n in dropdowns.COUNTRIES if not _known_country(n)] == []
    with zipfile.ZipFile(decorated) as zf:
        assert 'name="Daftar" sheetId="10" state="hidden"' in zf.read("xl/workbook.xml").decode()


def _known_country(name: str) -> bool:
    """Known to the alias table or to pycountry, as the validator's matching is."""
    if catalogue.norm(name) in {catalogue.norm(a) for a in catalogue.country_aliases()}:
        return True
    try:
        pycountry.countries.lookup(name)
    except LookupError:
        return False
    return True


def test_guide_mentions_the_essentials(decorated):
    text = " ".join(r[0] or "" for r in rows(decorated, "Petunjuk"))
    for phrase in ("tanggal 10 bulan berikutnya", "KOSONG", "NIK", "Perikanan/ABK",
                   "Dompet Digital", "L (laki-laki)", "Hong Kong"):
        assert phrase in text


def test_unknown_code_or_column_is_refused_before_writing(tmp_path):
    path = tmp_path / "salah.xlsx"
    with pytest.raises(ValueError, match="X99"):
        template.write_workbook(path, IDENTITY, {"X99": 1}, decorate=False)
    with pytest.raises(ValueError, match="negara"):
        template.write_workbook(path, IDENTITY, placements=[{"negara": "Taiwan"}], decorate=False)
    assert not path.exists()


def test_normalise_village_code():
    assert template.normalise_village_code("3504142011") == "35.04.14.2011"
    assert template.normalise_village_code(" 35.04.14.2011 ") == "35.04.14.2011"
    with pytest.raises(template.UsageError):
        template.normalise_village_code("35.04.14")


def test_cli_bad_period_exits_2(tmp_path):
    out = tmp_path / "t.xlsx"
    result = run_cli("--out", str(out), "--period", "2024-3")
    assert result.returncode == 2
    assert "TTTT-BB" in result.stderr
    assert not out.exists()


def test_cli_missing_warehouse_exits_2(tmp_path):
    result = run_cli("--out", str(tmp_path / "t.xlsx"), "--village", "3504142011",
                     "--db", str(tmp_path / "tidak-ada.duckdb"))
    assert result.returncode == 2
    assert "tidak ditemukan" in result.stderr


@pytest.fixture
def small_warehouse(tmp_path) -> Path:
    db = tmp_path / "pantau.duckdb"
    con = migrations.connect(db)
    con.execute("INSERT INTO villages (village_code, village_name, subdistrict_code, subdistrict, "
                "district_code, district, province_code, province, joined_year) VALUES "
                "('35.04.14.2011', 'Tunggangri', '35.04.14', 'Kalidawir', '35.04', "
                "'Tulungagung', '35', 'Jawa Timur', 2017)")
    con.close()
    return db


def test_cli_prefills_village_from_warehouse(tmp_path, small_warehouse):
    out = tmp_path / "keluar" / "t.xlsx"
    result = run_cli("--out", str(out), "--village", "3504142011", "--period", "2024-03",
                     "--db", str(small_warehouse))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(out)
    assert rows(out, "Identitas")[1:4] == [
        ("kode_desa", "35.04.14.2011"), ("nama_desa", "Tunggangri"), ("periode", "2024-03")]


def test_cli_unknown_village_exits_2(tmp_path, small_warehouse):
    result = run_cli("--out", str(tmp_path / "t.xlsx"), "--village", "35.04.14.9999",
                     "--db", str(small_warehouse))
    assert result.returncode == 2
    assert "35.04.14.9999" in result.stderr
