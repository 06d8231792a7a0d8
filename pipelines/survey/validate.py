"""Read a survey workbook (fastexcel via the ingest reader's checks) and validate every row at once."""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from pipelines.catalogue import norm
from pipelines.ingest import workbook
from pipelines.ingest.findings import Finding
from pipelines.ingest.identity import village_code
from pipelines.ingest.numbers import parse_number
from pipelines.survey.columns import SHEET, columns

NIK_MESSAGE = ("Ada isian yang tampak seperti NIK (16 digit). Survei hanya boleh memakai kode responden, "
               "tanpa data pribadi; hapus isian ini lalu unggah lagi.")
SCHEMA = {"village_code": pl.String, "respondent_id": pl.String, "sex": pl.String, "age_group": pl.String,
          "years_abroad": pl.Float64, "income_before": pl.Float64, "income_after": pl.Float64,
          "harmony_before": pl.Float64, "harmony_after": pl.Float64, "participation_before": pl.Float64,
          "participation_after": pl.Float64, "credit_access": pl.Boolean, "skills_improved": pl.Boolean}
FIELD = dict(zip(columns(), SCHEMA))  # sheet column -> stored column


@dataclass
class Checked:
    """The respondents (only when there is no error) and every finding."""
    rows: pl.DataFrame | None
    errors: list[Finding] = field(default_factory=list)


def _sheets(data: bytes) -> tuple[dict[str, list[tuple]], list[Finding]]:
    return workbook.small_workbook(data, NIK_MESSAGE)


def check(data: bytes, villages: set[str]) -> Checked:
    """Validate a survey workbook against the registry's village codes; nothing is kept when any error."""
    sheets, errors = _sheets(data)
    if errors:
        return Checked(None, errors)  # a NIK rejects the file; its other cells are not looked at
    by_key = {norm(k): k for k in sheets}
    if norm(SHEET) not in by_key:
        return Checked(None, [Finding(SHEET, None, None, None, f"Sheet {SHEET} tidak ditemukan; sheet ini wajib ada.")])
    name = by_key[norm(SHEET)]
    rows = sheets[name]
    header_at = next((i for i, r in enumerate(rows[:10]) if "kode_desa" in {norm(c) for c in r if c}), None)
    if header_at is None:
        return Checked(None, [Finding(name, None, None, None,
                                      "Baris judul kolom (kode_desa, id_responden, ...) tidak ditemukan.")])
    header = {norm(c): j for j, c in enumerate(rows[header_at]) if c}
    missing = [c for c in columns() if c not in header]
    if missing:
        return Checked(None, [Finding(name, header_at + 1, c, None, "Kolom wajib ini tidak ada.") for c in missing])
    out: list[dict] = []
    seen: dict[str, int] = {}  # respondent codes are unique within a survey
    for i in range(header_at + 1, len(rows)):
        raw = {c: (rows[i][header[c]] or "").replace("\u00a0", " ").strip() for c in columns()}
        if not any(raw.values()):
            continue
        excel_row = i + 1
        record: dict = {}
        for col in columns().values():
            value = raw[col.name]
            def err(message: str) -> None:
                errors.append(Finding(name, excel_row, col.name, value, message))
            if not value:
                err("Wajib diisi.")
                continue
            if col.kind == "village":
                code = village_code(value)
                if code is None or code not in villages:
                    err("Kode desa tidak dikenal di daftar desa (contoh: 35.02.20.2001).")
                record[FIELD[col.name]] = code
            elif col.kind == "code":
                record[FIELD[col.name]] = value
            elif col.kind == "choice":
                match = {c.lower(): c for c in col.choices}.get(value.lower())
                if match is None:
                    err("Isian harus salah satu dari: " + ", ".join(col.choices) + ".")
                record[FIELD[col.name]] = match == "ya" if col.choices == ("ya", "tidak") else match
            else:
                number = parse_number(value)
                if number is None or not col.low <= number <= col.high:
                    err(f"Harus angka {col.low:g} sampai {col.high:g}.")
                elif col.kind == "likert" and number != int(number):
                    err("Skor harus bilangan bulat 1 sampai 5.")
                record[FIELD[col.name]] = number
        key = raw["id_responden"]
        if raw["id_responden"] and key in seen:
            errors.append(Finding(name, excel_row, "id_responden", raw["id_responden"],
                                  f"Responden yang sama sudah ada di baris {seen[key]}."))
        seen.setdefault(key, excel_row)
        out.append(record)
    if not out and not errors:
        errors.append(Finding(name, None, None, None, "Tidak ada baris responden."))
    if errors:
        return Checked(None, errors)
    return Checked(pl.DataFrame(out, schema=SCHEMA), [])
