"""Personal data (NIK) and unsafe or broken files: rejected with a clear message, nothing written."""
from __future__ import annotations

import io
import json
import re
import struct
import zipfile

import openpyxl
import pytest
from conftest import good_identity, good_values, make_workbook, scalar

from pipelines.ingest.findings import HIDDEN

NIK = "3504145607890001"


def edit(data: bytes, change) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def values(**changes) -> dict:
    out = good_values()
    out.update(changes)
    return out


def placement(**changes) -> list[dict]:
    row = {"negara_tujuan": "Taiwan", "sektor": "Domestik", "jenis_kelamin": "P", "jumlah": 1}
    row.update(changes)
    return [row]


def nothing_written(con) -> bool:
    return all(scalar(con, f"SELECT count(*) FROM {t}") == 0 for t in (
        "submissions", "submission_values", "submission_placements", "submission_returns",
        "submission_remittances"))


@pytest.fixture
def one(ingest):
    return lambda data, **kw: ingest({"laporan.xlsx": data}, **kw)[0]


# --------------------------------------------------------------------------- NIK

# (workbook, sheet and Excel row of the NIK-looking cell)
NIK_CASES = {
    "extra_sheet": (lambda: edit(make_workbook(), lambda wb: wb.create_sheet("Catatan").cell(3, 2, NIK)),
                    "Catatan", 3),
    "text_in_officer": (lambda: make_workbook(identity=good_identity(nama_petugas=f"NIK {NIK}")), "Identitas", 5),
    "rounded_number_in_extra_sheet": (
        lambda: edit(make_workbook(), lambda wb: wb.create_sheet("Catatan").cell(2, 1, 3504145607890000)),
        "Catatan", 2),
    "float_cell": (lambda: make_workbook(values=values(L01=3.50414560789e15)), "Layanan", 2),  # Excel: 15 digits
    "sci_text": (lambda: make_workbook(values=values(L01="3.50414560789E+15")), "Layanan", 2),
    "in_pillar_value": (lambda: make_workbook(values=values(L01=NIK)), "Layanan", 2),
    "as_village_code": (lambda: make_workbook(identity=good_identity(kode_desa=NIK)), "Identitas", 2),
    "as_village_name": (lambda: make_workbook(identity=good_identity(nama_desa=NIK)), "Identitas", 3),
    "as_placement_count": (lambda: make_workbook(placements=placement(jumlah=NIK)), "Penempatan", 2),
    "as_placement_country": (lambda: make_workbook(placements=placement(negara_tujuan=NIK)), "Penempatan", 2),
    "as_remittance_amount": (lambda: make_workbook(remittances=[
        {"negara_asal": "Taiwan", "saluran": "Bank", "jumlah_transaksi": 5, "nilai_rp": NIK}]), "Remitansi", 2),
    "spaced_in_pillar_value": (lambda: make_workbook(values=values(L01="3504 1456 0789 0001")), "Layanan", 2),
}

@pytest.mark.parametrize("case", NIK_CASES)
def test_nik_rejects_workbook_with_hidden_value(one, con, case):
    build, sheet, row = NIK_CASES[case]
    r = one(build())
    assert r.status == "rejected"
    nik = [f for f in r.errors if "NIK" in f.message]
    assert [(f.sheet, f.row, f.value) for f in nik] == [(sheet, row, HIDDEN)]
    assert "data pribadi" in nik[0].message
    assert nothing_written(con)


# Other rules trip over the same cell (ceiling, country, average...): none may echo the number.
@pytest.mark.parametrize("case", list(NIK_CASES))
def test_nik_digits_never_in_result(one, case):
    r = one(NIK_CASES[case][0]())
    digits = re.sub(r"[\s.\-]", "", json.dumps(r.as_json()))  # also catches 3.5041456e15, 3504 1456 ...
    assert "35041456" not in digits


def test_nik_in_extra_sheet_is_the_only_error(one):
    r = one(edit(make_workbook(), lambda wb: wb.create_sheet("Catatan").cell(3, 2, f"NIK {NIK}")))
    assert [(f.sheet, f.row, f.column, f.value) for f in r.errors] == [("Catatan", 3, None, HIDDEN)]
    assert r.warnings == []


@pytest.mark.parametrize("build", [
    lambda: make_workbook(identity=good_identity(kode_desa=3504142011)),  # 10-digit number cell
    lambda: make_workbook(identity=good_identity(kode_desa="3504142011")),
    lambda: make_workbook(values=values(K02=100_000_000_000, K04="100.000.000.000")),  # 12 digits, at ceiling
    lambda: make_workbook(values=values(U06=12_345_678_901.5)),  # 11+1 digits with decimals
    lambda: make_workbook(remittances=[{"negara_asal": "Taiwan", "saluran": "Bank",
                                        "jumlah_transaksi": 2_000, "nilai_rp": 999_999_999_999}]),
])
def test_village_code_and_large_rupiah_are_not_nik(one, build):
    r = one(build())
    assert (r.status, r.errors, r.warnings) == ("accepted", [], [])


# --------------------------------------------------------------------------- broken or unsafe files

def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.mark.parametrize("data, phrase", [
    (b"kode_desa;nilai\n35.04.14.2011;3\n", "bukan workbook Excel"),
    (b"", "bukan workbook Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "format Excel lama (.xls)"),
    (zip_bytes({"word/document.xml": b"<w/>"}), "xl/workbook.xml tidak ada"),
])
def test_not_an_xlsx_is_rejected(one, con, data, phrase):
    r = one(data)
    assert r.status == "rejected"
    assert [(f.sheet, f.row, f.column) for f in r.errors] == [(None, None, None)]
    assert phrase in r.errors[0].message
    assert nothing_written(con)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_xlsx_is_rejected(one, con, cut):
    data = make_workbook()
    r = one(data[: int(len(data) * cut)])
    assert r.status == "rejected" and len(r.errors) == 1
    assert "rusak atau terpotong" in r.errors[0].message
    assert nothing_written(con)


def test_xlsx_with_unreadable_parts_is_rejected(one, con):
    r = one(zip_bytes({"[Content_Types].xml": b"<x", "xl/workbook.xml": b"bukan xml"}))
    assert r.status == "rejected" and len(r.errors) == 1
    assert "tidak dapat dibaca" in r.errors[0].message
    assert nothing_written(con)


def test_zip_bomb_over_default_limit_is_rejected(one, con):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            chunk = bytes(1 << 20)
            for _ in range(300):  # 300 MB of zeros, streamed
                part.write(chunk)
    assert len(buf.getvalue()) < 2 * 1024 * 1024
    r = one(buf.getvalue())
    assert r.status == "rejected" and len(r.errors) == 1
    assert "melebihi batas wajar" in r.errors[0].message
    assert nothing_written(con)


def test_zip_bomb_over_configured_limit_is_rejected(one, con, monkeypatch):
    monkeypatch.setenv("PANTAU_MAX_UNPACKED_MB", "1")
    data = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/media/zeros.bin": bytes(5 << 20)})
    r = one(data)
    assert r.status == "rejected"
    assert "melebihi batas wajar" in r.errors[0].message
    assert nothing_written(con)


def lying_sizes(data: bytes, name: str, declared: int) -> bytes:
    """The zip with the declared uncompressed size of one part rewritten (local and central headers)."""
    raw = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(name)
    struct.pack_into("<I", raw, info.header_offset + 22, declared)
    at = raw.find(b"PK\x01\x02")
    while raw[at + 46: at + 46 + struct.unpack_from("<H", raw, at + 28)[0]] != name.encode():
        at = raw.find(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", raw, at + 24, declared)
    return bytes(raw)


def test_zip_bomb_with_lying_sizes_is_rejected(one, con, monkeypatch):
    monkeypatch.setenv("PANTAU_MAX_UNPACKED_MB", "1")
    src = zipfile.ZipFile(io.BytesIO(make_workbook()))
    parts = {n: src.read(n) for n in src.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    parts[sheet] = parts[sheet].replace(b"<sheetData>", b"<sheetData>" + b" " * (5 << 20))  # 5 MB of spaces
    packed = zip_bytes(parts)
    small = zipfile.ZipFile(io.BytesIO(packed)).getinfo(sheet).compress_size * 50
    r = one(lying_sizes(packed, sheet, small))
    assert r.status == "rejected"
    # Every part is inflated before reading: the lie shows up as a size or checksum mismatch.
    assert r.errors[0].message.startswith(("Isi berkas setelah dibuka melebihi batas wajar",
                                           "Berkas xlsx rusak atau terpotong"))
    assert nothing_written(con)


def test_file_over_upload_limit_is_rejected(one, con, monkeypatch):
    monkeypatch.setenv("PANTAU_MAX_UPLOAD_MB", "0")
    r = one(make_workbook())
    assert r.status == "rejected" and len(r.errors) == 1
    assert "terlalu besar" in r.errors[0].message
    assert nothing_written(con)


def test_bad_file_does_not_block_good_file_in_same_batch(ingest, con):
    good, bad = ingest({"baik.xlsx": make_workbook(), "rusak.xlsx": b"bukan excel"})
    assert (good.status, bad.status) == ("accepted", "rejected")
    assert scalar(con, "SELECT count(*) FROM submissions") == 1
