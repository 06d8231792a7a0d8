"""The zip guard of an uploaded workbook: checked from the zip metadata before any parser sees the bytes."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from pipelines import settings

# A monthly workbook has about 30 parts; 1000 leaves room for many extra sheets, images and
# comments while a crafted file of thousands of tiny entries is refused before anything opens it.
MAX_PARTS = 1000
# Deflate cannot expand input by more than about 1032:1, so a part declaring more is lying.
MAX_DEFLATE_RATIO = 1032
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # the 30-byte local file header
_DATA_DESCRIPTOR = 0x08
_ENCRYPTED = 0x01
_UTF8 = 0x800

CORRUPT = "Berkas xlsx rusak atau terpotong; simpan ulang dari Excel lalu unggah lagi."
UNSAFE = ("Berkas xlsx ini disusun tidak wajar (bagian-bagiannya tumpang tindih atau keterangannya tidak cocok) "
          "sehingga ditolak demi keamanan; simpan ulang dari Excel sebagai .xlsx lalu unggah lagi.")


class Rejected(ValueError):
    """The bytes are not a sane xlsx package: reason is a short code for the audit log, message Indonesian."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason, self.message = reason, message


def _unpacked_message(limit: int) -> str:
    return ("Isi berkas setelah dibuka melebihi batas wajar "
            f"({limit // 1048576} MB); berkas ditolak demi keamanan.")


@dataclass
class Package:
    """A checked xlsx package: its parts and where each part's compressed bytes start."""
    data: bytes
    parts: list[zipfile.ZipInfo]
    starts: dict[str, int]

    def inflate(self, part: zipfile.ZipInfo) -> bytes:
        """The part's bytes, inflating no more than its declared size (+1 to see a lie); raises Rejected."""
        start = self.starts[part.filename]
        body = self.data[start:start + part.compress_size]
        if part.compress_type == zipfile.ZIP_STORED:
            out = body
        else:
            try:
                inflater = zlib.decompressobj(-15)
                out = inflater.decompress(body, part.file_size + 1)
            except zlib.error as exc:
                raise Rejected("corrupt", CORRUPT) from exc
        if len(out) != part.file_size:
            raise Rejected("size_mismatch", _unpacked_message(settings.max_unpacked_bytes())
                           if len(out) > part.file_size else CORRUPT)
        if zlib.crc32(out) != part.CRC:
            raise Rejected("corrupt", CORRUPT)
        return out

    def contents(self) -> Iterator[tuple[zipfile.ZipInfo, bytes]]:
        """Every part with its bytes, one at a time (bounded: the declared total was checked)."""
        for part in self.parts:
            yield part, self.inflate(part)


def open_package(data: bytes) -> Package:
    """Check size, type and zip structure from the metadata alone; raises Rejected with why."""
    limit_upload = settings.max_upload_bytes()
    if len(data) > limit_upload:
        raise Rejected("too_large", f"Berkas terlalu besar ({len(data) / 1048576:.1f} MB); "
                                    f"batasnya {limit_upload // 1048576} MB.")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise Rejected("legacy_or_encrypted", (
            "Berkas ini format Excel lama (.xls) atau workbook yang dilindungi kata sandi. Buka di Excel, "
            "hapus kata sandinya bila ada, lalu simpan sebagai Excel Workbook (.xlsx)."))
    if data[:2] != b"PK":
        raise Rejected("not_xlsx", "Berkas ini bukan workbook Excel (.xlsx); isinya tidak dikenali sebagai xlsx.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error) as exc:
        raise Rejected("corrupt", CORRUPT) from exc
    parts = zf.infolist()
    if len(parts) > MAX_PARTS:
        raise Rejected("too_many_parts", "Berkas berisi terlalu banyak bagian untuk sebuah laporan bulanan.")
    names = [p.filename for p in parts]
    if len(set(names)) != len(names):
        raise Rejected("duplicate_parts", UNSAFE)
    if "xl/workbook.xml" not in names:
        raise Rejected("not_xlsx", "Berkas ini bukan workbook Excel (.xlsx): bagian xl/workbook.xml tidak ada.")
    limit = settings.max_unpacked_bytes()
    if sum(p.file_size for p in parts) > limit:
        raise Rejected("unpacked_too_large", _unpacked_message(limit))
    end_of_data = zf.start_dir  # where the central directory begins: every part's bytes lie before it
    starts, ranges = {}, []
    for p in parts:
        if p.flag_bits & _ENCRYPTED:
            raise Rejected("encrypted", "Bagian berkas ini terenkripsi; simpan ulang tanpa kata sandi lalu unggah lagi.")
        if p.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Rejected("compression", "Berkas xlsx ini memakai kompresi yang tidak dikenal; simpan ulang dari Excel.")
        starts[p.filename] = start = _local_data_start(data, p)
        end = start + p.compress_size
        if end > end_of_data:
            raise Rejected("corrupt", CORRUPT)
        if p.compress_type == zipfile.ZIP_STORED and p.compress_size != p.file_size:
            raise Rejected("header_mismatch", UNSAFE)
        if p.file_size > p.compress_size * MAX_DEFLATE_RATIO + 1024:
            raise Rejected("header_mismatch", UNSAFE)
        ranges.append((p.header_offset, end))
    # Parts whose bytes overlap or repeat let a small file inflate many times over: a real zip
    # writer never shares bytes between entries, so any overlap is refused.
    ranges.sort()
    for (_, prev_end), (start, _) in zip(ranges, ranges[1:]):
        if start < prev_end:
            raise Rejected("overlapping_parts", UNSAFE)
    return Package(data, parts, starts)


def _local_data_start(data: bytes, p: zipfile.ZipInfo) -> int:
    """Offset of the part's compressed bytes, after checking its local header agrees with the directory."""
    at = p.header_offset
    if at < 0 or at + _LOCAL.size > len(data):
        raise Rejected("corrupt", CORRUPT)
    sig, _, _, flags, method, _, _, crc, csize, usize, name_len, extra_len = _LOCAL.unpack_from(data, at)
    if sig != b"PK\x03\x04":
        raise Rejected("corrupt", CORRUPT)
    raw_name = data[at + _LOCAL.size: at + _LOCAL.size + name_len]
    central_name = p.orig_filename.encode("utf-8" if p.flag_bits & _UTF8 else "cp437", "replace")
    if method != p.compress_type or raw_name != central_name:
        raise Rejected("header_mismatch", UNSAFE)
    if not flags & _DATA_DESCRIPTOR:
        if crc != p.CRC:
            raise Rejected("header_mismatch", UNSAFE)
        if csize != 0xFFFFFFFF and usize != 0xFFFFFFFF and (csize, usize) != (p.compress_size, p.file_size):
            raise Rejected("header_mismatch", UNSAFE)
    return at + _LOCAL.size + name_len + extra_len


def check_archive(data: bytes) -> str | None:
    """Why the bytes are not a sane xlsx package (checking every part's real inflated size), or None."""
    try:
        for _ in open_package(data).contents():
            pass
    except Rejected as exc:
        return exc.message
    return None
