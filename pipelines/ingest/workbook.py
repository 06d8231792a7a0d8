"""Open an uploaded workbook safely and read its sheets as raw text cells (fastexcel)."""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import fastexcel

from pipelines import settings
from pipelines.catalogue import REQUIRED_SHEETS, norm
from pipelines.ingest.findings import HIDDEN, Finding

# A NIK is 16 digits; Excel may hand it over as a float rendered in full or as 3.5e15 text.
# One pattern over a whole sheet's text (cells joined by newlines) keeps the common case to a
# single regex pass: a bare 16-digit run, digits grouped by spaces/dots/dashes, or 3.5e15.
NIK_PATTERN = re.compile(
    r"(?<!\d)\d{16}(?!\d)"
    r"|^(?=(?:[ .\-]*\d){16}[ .\-]*$)[\d .\-]+$"
    r"|^\s*[1-9](?:\.\d+)?[eE]\+?15\s*$",
    re.MULTILINE,
)
_SHEET_BY_KEY = {norm(s): s for s in REQUIRED_SHEETS}
_MAX_PARTS = 10_000
_MAX_DEFLATE_RATIO = 1032  # deflate cannot expand input by more than about 1032:1


@dataclass
class RawWorkbook:
    """Rows of each known sheet as tuples of text (row i is Excel row i + 1)."""
    sheets: dict[str, list[tuple]] = field(default_factory=dict)
    errors: list[Finding] = field(default_factory=list)


def looks_like_nik(cell: str) -> bool:
    """True when a cell's text could be a 16-digit national ID number (NIK)."""
    return bool(NIK_PATTERN.search(cell.replace("\n", " ")))


def _file_error(message: str) -> RawWorkbook:
    return RawWorkbook(errors=[Finding(None, None, None, None, message)])


def check_archive(data: bytes) -> str | None:
    """Why the bytes are not a sane xlsx package, or None when they are."""
    if len(data) > settings.max_upload_bytes():
        limit = settings.max_upload_bytes() // (1024 * 1024)
        return f"Berkas terlalu besar ({len(data) / 1048576:.1f} MB); batasnya {limit} MB."
    if data[:4] == b"\xd0\xcf\x11\xe0":
        return ("Berkas ini format Excel lama (.xls) atau workbook yang dilindungi kata sandi. Buka di Excel, "
                "hapus kata sandinya bila ada, lalu simpan sebagai Excel Workbook (.xlsx).")
    if data[:2] != b"PK":
        return "Berkas ini bukan workbook Excel (.xlsx); isinya tidak dikenali sebagai xlsx."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = zf.infolist()
            names = {p.filename for p in parts}
            if "xl/workbook.xml" not in names:
                return "Berkas ini bukan workbook Excel (.xlsx): bagian xl/workbook.xml tidak ada."
            if len(parts) > _MAX_PARTS:
                return "Berkas berisi terlalu banyak bagian untuk sebuah laporan bulanan."
            limit = settings.max_unpacked_bytes()
            if sum(p.file_size for p in parts) > limit:
                return ("Isi berkas setelah dibuka melebihi batas wajar "
                        f"({limit // 1048576} MB); berkas ditolak demi keamanan.")
            # Declared sizes can lie, so the parts are inflated (in 1 MB steps, never held in
            # memory) and counted against the limit before the reader sees the file -- unless the
            # file is too small to reach the limit at deflate's maximum ratio, whatever it declares.
            if len(data) * _MAX_DEFLATE_RATIO <= limit:
                return None
            total = 0
            for part in parts:
                total += _inflated_size(data, part, limit - total)
                if total > limit:
                    return "Isi berkas setelah dibuka melebihi batas wajar; berkas ditolak demi keamanan."
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError):
        return "Berkas xlsx rusak atau terpotong; simpan ulang dari Excel lalu unggah lagi."
    return None


def _inflated_size(data: bytes, part: zipfile.ZipInfo, budget: int) -> int:
    """Bytes the part really inflates to, counting no further than budget + 1.

    Works on the raw bytes with zlib: zipfile's per-part reader costs as much as reading the
    whole workbook with calamine.
    """
    start = part.header_offset
    if data[start:start + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("local header missing")
    name_len, extra_len = struct.unpack_from("<HH", data, start + 26)
    body = data[start + 30 + name_len + extra_len: start + 30 + name_len + extra_len + part.compress_size]
    if part.compress_type == zipfile.ZIP_STORED:
        return len(body)
    if part.compress_type != zipfile.ZIP_DEFLATED:
        raise NotImplementedError("compression method")
    inflater = zlib.decompressobj(-15)
    total = 0
    while body and total <= budget:
        total += len(inflater.decompress(body, 1 << 20))
        body = inflater.unconsumed_tail
    return total


def read(data: bytes) -> RawWorkbook:
    """Check the package, then read every sheet as text; file-level problems become errors."""
    problem = check_archive(data)
    if problem:
        return _file_error(problem)
    try:
        return _read_sheets(data)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: BLE001 - a Rust panic in the reader arrives as BaseException
        return _file_error("Berkas xlsx tidak dapat dibaca (rusak atau dibuat tidak standar); "
                           "buka di Excel, simpan ulang sebagai .xlsx, lalu unggah lagi.")


def _nik_findings(sheet: str, rows: list[tuple]) -> list[Finding]:
    """One finding per row holding a NIK-like cell; the value itself is never repeated."""
    return [
        Finding(sheet, i + 1, None, HIDDEN,
                "Ada angka yang tampak seperti NIK (16 digit). Laporan hanya boleh berisi angka agregat, "
                "tanpa data pribadi; hapus isian ini lalu unggah lagi.")
        for i, row in enumerate(rows)
        if any(c is not None and looks_like_nik(c) for c in row)
    ]


def _read_sheets(data: bytes) -> RawWorkbook:
    book = RawWorkbook()
    reader = fastexcel.read_excel(data)
    for name in reader.sheet_names:
        # skip_rows=0 keeps leading empty rows so that row numbers match Excel's.
        rows = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string").to_polars().rows()
        shown = name.strip()
        if NIK_PATTERN.search("\n".join(c.replace("\n", " ") for row in rows for c in row if c is not None)):
            book.errors += _nik_findings(shown, rows)
        canonical = _SHEET_BY_KEY.get(norm(name))
        if canonical is None:
            continue  # instructions and any other extra sheet are ignored
        if canonical in book.sheets:
            book.errors.append(Finding(shown, None, None, None,
                                       f"Ada lebih dari satu sheet bernama {canonical}."))
            continue
        book.sheets[canonical] = rows
    for sheet in REQUIRED_SHEETS:
        if sheet not in book.sheets:
            book.errors.append(Finding(sheet, None, None, None,
                                       f"Sheet {sheet} tidak ditemukan; sheet ini wajib ada."))
    return book
