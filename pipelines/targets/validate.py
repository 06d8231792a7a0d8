"""Read a target workbook and check every row at once: area, figure, year, period, target, duplicates."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from pipelines.catalogue import norm
from pipelines.ingest import workbook
from pipelines.ingest.findings import Finding
from pipelines.ingest.numbers import parse_number
from pipelines.metrics import figures, periods
from pipelines.targets.template import COLUMNS, NATIONAL, SHEET

NIK_MESSAGE = "Ada isian yang tampak seperti NIK (16 digit). Berkas target tidak boleh memuat data pribadi."
YEARS = (2015, 2100)
SCHEMA = {"area_code": pl.String, "indicator_code": pl.String, "year": pl.Int32, "period": pl.String,
          "target": pl.Float64}


@dataclass
class Checked:
    """The targets (only when there is no error) and every finding."""
    rows: pl.DataFrame | None
    errors: list[Finding] = field(default_factory=list)


def _sheets(data: bytes) -> tuple[dict[str, list[tuple]], list[Finding]]:
    return workbook.small_workbook(data, NIK_MESSAGE)


def area_code(text: str) -> str:
    """'nasional' -> 'NASIONAL'; '3504' -> '35.04', '350414' -> '35.04.14', '3504142011' -> '35.04.14.2011';
    '35.1' (a district code typed as a number, its trailing zero lost) -> '35.10'; anything else as written."""
    if text.upper() == NATIONAL:
        return NATIONAL
    if text.isdigit() and len(text) in (2, 4, 6, 10):
        return ".".join(p for p in (text[:2], text[2:4], text[4:6], text[6:]) if p)
    if re.fullmatch(r"\d{2}\.\d", text):
        return text + "0"
    return text


def _period(text: str) -> str | None:
    """'tahun' -> 'TAHUN', 't3' -> 'T3', '9' or '9.0' -> '09'; None when not a target period."""
    value = text.upper()
    number = parse_number(text) if value[:1].isdigit() else None
    if number is not None and number == int(number):
        value = f"{int(number):02d}"
    return value if value in periods.TARGET_PERIODS else None


def _target(text: str, share: bool) -> tuple[float | None, str | None]:
    """The target value and, when it is not one, why."""
    percent = text.endswith("%")
    number = parse_number(text.rstrip("%").strip())
    if number is None:
        return None, "Target harus angka."
    if number < 0:
        return None, "Target tidak boleh negatif."
    if percent:
        if not share:
            return None, "Tanda % hanya untuk indikator bersatuan persen."
        number /= 100
    if share and number > 1:
        return None, "Indikator persen: tulis sebagai pecahan 0 sampai 1 (0,34) atau dengan tanda % (34%)."
    return number, None


def check(data: bytes, areas: set[str]) -> Checked:
    """Validate a target workbook against the registry's area codes (plus NASIONAL); nothing kept on any error."""
    sheets, errors = _sheets(data)
    if errors:
        return Checked(None, errors)
    by_key = {norm(k): k for k in sheets}
    if norm(SHEET) not in by_key:
        return Checked(None, [Finding(SHEET, None, None, None, f"Sheet {SHEET} tidak ditemukan; sheet ini wajib ada.")])
    name = by_key[norm(SHEET)]
    rows = sheets[name]
    # the header is the first of the top ten rows naming kode_wilayah (a title row above it is allowed)
    top = next((i for i, r in enumerate(rows[:10]) if "kode_wilayah" in {norm(c) for c in r if c}), 0)
    header = {norm(c): j for j, c in enumerate(rows[top] if rows else ()) if c}
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        return Checked(None, [Finding(name, top + 1, c, None, "Kolom wajib ini tidak ada.") for c in missing])
    catalogue = figures.catalogue()
    out: list[dict] = []
    seen: dict[tuple, int] = {}
    for i in range(top + 1, len(rows)):
        raw = {c: (rows[i][header[c]] or "").replace("\u00a0", " ").strip() for c in COLUMNS}
        if not any(raw.values()):
            continue
        excel_row = i + 1

        def err(column: str, message: str) -> None:
            errors.append(Finding(name, excel_row, column, raw[column], message))

        for column in COLUMNS:
            if not raw[column]:
                err(column, "Wajib diisi.")
        area = area_code(raw["kode_wilayah"])
        if area and area != NATIONAL and area not in areas:
            err("kode_wilayah", "Kode wilayah tidak dikenal: NASIONAL atau kode Kemendagri dari daftar desa "
                                "(35, 35.04, 35.04.14, 35.04.14.2011).")
        figure = catalogue.get(raw["kode_indikator"])
        if raw["kode_indikator"] and figure is None:
            err("kode_indikator", "Kode indikator tidak dikenal; lihat Kamus Indikator atau sheet Petunjuk.")
        year = parse_number(raw["tahun"]) if raw["tahun"] else None
        if raw["tahun"] and (year is None or year != int(year) or not YEARS[0] <= year <= YEARS[1]):
            err("tahun", f"Tahun harus bilangan bulat {YEARS[0]} sampai {YEARS[1]}.")
            year = None
        period = _period(raw["periode"]) if raw["periode"] else None
        if raw["periode"] and period is None:
            err("periode", "Periode harus TAHUN, S1, S2, T1 sampai T4 atau bulan 01 sampai 12.")
        target = None
        if raw["target"]:
            target, problem = _target(raw["target"], bool(figure and figure.share))
            if problem:
                err("target", problem)
        key = (area, raw["kode_indikator"], year, period)
        if all(k is not None and k != "" for k in key):
            if key in seen:
                err("kode_wilayah", f"Target yang sama (wilayah, indikator, tahun, periode) sudah ada di baris {seen[key]}.")
            seen.setdefault(key, excel_row)
        out.append({"area_code": area, "indicator_code": raw["kode_indikator"],
                    "year": int(year) if year is not None else None, "period": period, "target": target})
    if not out and not errors:
        errors.append(Finding(name, None, None, None, "Tidak ada baris target."))
    if errors:
        return Checked(None, errors)
    return Checked(pl.DataFrame(out, schema=SCHEMA), [])
