"""Personal data (NIK) and unsafe or broken files: rejected with a clear message, nothing written."""
from __future__ import annotations

import hashlib
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


# --------------------------------------------------------------------------- NIK outside the cells (issue 9)

def with_part(data: bytes, name: str, change) -> bytes:
    """The zip with one part's bytes changed (or added when change gets None)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {n: src.read(n) for n in src.namelist()}
    parts[name] = change(parts.get(name))
    return zip_bytes(parts)


def nik_nowhere(con, tmp_path, caplog) -> None:
    """The NIK's digits are in no warehouse table, no stored original and no log line."""
    cur = con.cursor()
    for (table,) in cur.sql("SELECT table_name FROM duckdb_tables()").fetchall():
        text = re.sub(r"[\s.\-]", "", str(cur.sql(f'SELECT * FROM "{table}"').fetchall()))
        assert "35041456" not in text, table
    for path in (tmp_path / "files").rglob("*") if (tmp_path / "files").exists() else []:
        with zipfile.ZipFile(path) as pack:
            for entry in pack.namelist():
                inner = zipfile.ZipFile(io.BytesIO(pack.read(entry)))
                assert all(b"35041456" not in inner.read(n) for n in inner.namelist())
    assert "35041456" not in re.sub(r"[\s.\-]", "", caplog.text)


def add_comment(wb):
    from openpyxl.comments import Comment
    wb["Layanan"]["D2"].comment = Comment(f"NIK pelapor {NIK}", "petugas")


def add_header(wb):
    wb["Layanan"].oddHeader.center.text = f"Petugas NIK {NIK}"


def add_name(wb):
    from openpyxl.workbook.defined_name import DefinedName
    wb.defined_names["NIK_" + NIK] = DefinedName("NIK_" + NIK, attr_text="Layanan!$A$1")


def add_title(wb):
    wb.properties.title = f"Laporan {NIK}"


def hidden_sheet(wb):
    ws = wb.create_sheet("Rahasia")
    ws.sheet_state = "hidden"
    ws.cell(2, 1, NIK)


def unused_string(data: bytes) -> bytes:
    # A rich-text string no cell uses, the NIK split over two runs with their own formatting.
    return with_part(data, "xl/sharedStrings.xml", lambda x: x.replace(
        b"</sst>", b"<si><r><t>NIK 3504</t></r><r><rPr><b/><sz val=\"11\"/></rPr><t>145607890001</t></r></si></sst>"))


def cdata_string(data: bytes) -> bytes:
    # A CDATA section is text to an XML reader even though it looks like markup.
    return with_part(data, "xl/sharedStrings.xml", lambda x: x.replace(
        b"</sst>", b"<si><t><![CDATA[NIK 3504145607890001]]></t></si></sst>"))


def entity_property(data: bytes) -> bytes:
    # Digits written as XML character references are still digits to every reader.
    return with_part(data, "docProps/core.xml", lambda x: x.replace(
        b"</cp:coreProperties>", b"<dc:subject>&#51;&#53;04145607890001</dc:subject></cp:coreProperties>"))


# (hostile workbook, the NIK finding it must give: sheet, row, column, message start)
ELSEWHERE = {
    "comment": (lambda: edit(make_workbook(), add_comment), ("Layanan", 2, "D"), "di komentar/catatan sel"),
    "header_footer": (lambda: edit(make_workbook(), add_header), ("Layanan", None, None), "di header/footer"),
    "defined_name": (lambda: edit(make_workbook(), add_name), (None, None, None), "di nama sheet atau nama terdefinisi"),
    "doc_property": (lambda: edit(make_workbook(), add_title), (None, None, None), "di properti dokumen"),
    "doc_property_entities": (lambda: entity_property(make_workbook()), (None, None, None), "di properti dokumen"),
    "unused_shared_string": (lambda: unused_string(make_workbook()), (None, None, None), "di teks yang tersimpan"),
    "cdata_shared_string": (lambda: cdata_string(make_workbook()), (None, None, None), "di teks yang tersimpan"),
    "hidden_sheet": (lambda: edit(make_workbook(), hidden_sheet), ("Rahasia", 2, None), "(16 digit). Laporan"),
}


@pytest.mark.parametrize("case", ELSEWHERE)
def test_nik_outside_cells_rejects_and_is_never_kept(one, con, tmp_path, caplog, case):
    caplog.set_level("DEBUG")
    build, where, phrase = ELSEWHERE[case]
    r = one(build())
    assert (r.status, r.reason) == ("rejected", "nik")
    [found] = [f for f in r.errors if "NIK" in f.message]
    assert ((found.sheet, found.row, found.column), found.value) == (where, HIDDEN)
    assert phrase in found.message and "data pribadi" in found.message
    assert nothing_written(con)
    nik_nowhere(con, tmp_path, caplog)


def test_nik_in_comment_next_to_good_file_keeps_only_the_good_original(ingest, con, tmp_path, caplog):
    good, bad = ingest({"baik.xlsx": make_workbook(), "catatan.xlsx": edit(
        make_workbook(identity=good_identity(kode_desa="35.04.14.2016")), add_comment)})
    assert (good.status, bad.status) == ("accepted", "rejected")
    assert scalar(con, "SELECT count(*) FROM originals") == 1
    nik_nowhere(con, tmp_path, caplog)


def test_nik_in_file_name_rejects_without_keeping_the_name(ingest, con, tmp_path, caplog):
    data = make_workbook()
    [r] = ingest({f"laporan-{NIK}.xlsx": data})
    assert (r.status, r.file, r.reason) == ("rejected", "(nama berkas disembunyikan)", "nik_file_name")
    assert r.errors[0].message.startswith("Nama berkas memuat angka yang tampak seperti NIK")
    assert nothing_written(con)
    [(user, event, detail)] = con.cursor().sql("SELECT username, event, detail FROM audit_log").fetchall()
    assert (user, event) == ("penguji", "upload_rejected")
    assert json.loads(detail) == {"file": None, "sha256": hashlib.sha256(data).hexdigest(),
                                  "reason": "nik_file_name", "errors": 1, "dry_run": False}
    nik_nowhere(con, tmp_path, caplog)


# --------------------------------------------------------------------------- the archive guard (issue 9)

_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


def repointed(data: bytes, target: str, names: list[str], declared: int) -> bytes:
    """The zip's local parts as they are, but a central directory of `names` all pointing at one part."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(target)
    start = zipfile.ZipFile(io.BytesIO(data)).start_dir
    others = [i for i in zipfile.ZipFile(io.BytesIO(data)).infolist() if i.filename != target]
    central = b""
    entries = [(i.filename, i) for i in others] + [(n, info) for n in names]
    for name, i in entries:
        size = declared if i is info else i.file_size
        central += _CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, 0, i.compress_type, 0, 0, i.CRC,
                                 i.compress_size, size, len(name), 0, 0, 0, 0, 0, i.header_offset) + name.encode()
    return data[:start] + central + _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0)


def test_many_entries_sharing_one_compressed_part_are_rejected_unread(one, con):
    # Issue 9 item 3: 60 worksheet entries all pointing at one part of spaces, small declared sizes.
    spaces = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (8 << 20)})
    bomb = repointed(spaces, "xl/worksheets/sheet1.xml",
                     [f"xl/worksheets/sheet{i}.xml" for i in range(1, 61)], 4096)
    r = one(bomb)
    assert (r.status, r.reason) == ("rejected", "header_mismatch")
    assert r.errors[0].message.startswith("Berkas xlsx ini disusun tidak wajar")
    assert nothing_written(con)
    [(detail,)] = con.cursor().sql("SELECT detail FROM audit_log WHERE event = 'upload_rejected'").fetchall()
    assert json.loads(detail)["reason"] == "header_mismatch"
    assert json.loads(detail)["sha256"] == hashlib.sha256(bomb).hexdigest()


def test_entries_with_the_same_local_part_are_rejected(one, con):
    spaces = zip_bytes({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * 100_000})
    bomb = repointed(spaces, "xl/worksheets/sheet1.xml", ["xl/worksheets/sheet1.xml"] * 2, 100_000)
    r = one(bomb)
    assert (r.status, r.reason) == ("rejected", "duplicate_parts")
    assert nothing_written(con)


def test_part_whose_data_overlaps_the_next_is_rejected(one, con):
    data = bytearray(zipfile_stored({"xl/workbook.xml": b"<workbook/>", "xl/a.xml": b"a" * 100, "xl/b.xml": b"b"}))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    a = zf.getinfo("xl/a.xml")
    longer = a.compress_size + 20  # reaches into the local header of b
    struct.pack_into("<II", data, a.header_offset + 18, longer, longer)
    at = zf.start_dir + sum(46 + len(i.filename) for i in zf.infolist() if i.header_offset < a.header_offset)
    struct.pack_into("<II", data, at + 20, longer, longer)
    r = one(bytes(data))
    assert (r.status, r.reason) == ("rejected", "overlapping_parts")
    assert r.errors[0].message.startswith("Berkas xlsx ini disusun tidak wajar")


def zipfile_stored(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_local_header_disagreeing_with_directory_is_rejected(one, con):
    data = bytearray(make_workbook())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/workbook.xml")
    struct.pack_into("<I", data, info.header_offset + 14, info.CRC ^ 1)  # local CRC only
    r = one(bytes(data))
    assert (r.status, r.reason) == ("rejected", "header_mismatch")
    assert nothing_written(con)


def test_too_many_parts_is_rejected(one, con):
    r = one(zip_bytes({"xl/workbook.xml": b"<workbook/>", **{f"xl/x/{i}.xml": b"" for i in range(1001)}}))
    assert (r.status, r.reason) == ("rejected", "too_many_parts")
    assert r.errors[0].message == "Berkas berisi terlalu banyak bagian untuk sebuah laporan bulanan."


def test_every_rejection_is_audited_and_accepted_ones_are_not(ingest, con):
    wb = make_workbook()
    ingest({"baik.xlsx": wb, "rusak.xlsx": b"bukan excel",
            "lain.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001"))},
           allowed_districts={"35.04"}, dry_run=True)
    rows = con.cursor().sql("SELECT username, event, detail FROM audit_log ORDER BY rowid").fetchall()
    assert [(u, e, json.loads(d)["file"], json.loads(d)["reason"], json.loads(d)["dry_run"]) for u, e, d in rows] == [
        ("penguji", "upload_rejected", "rusak.xlsx", "not_xlsx", True),
        ("penguji", "upload_rejected", "lain.xlsx", "out_of_scope", True)]
