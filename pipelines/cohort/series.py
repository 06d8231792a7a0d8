"""Import an external yearly series per village or district from CSV (one write, audited).

Header: ``seri,kode_wilayah,tahun,nilai`` and optionally ``tahun_bergabung``. ``kode_wilayah`` is a
village (35.02.20.2001) or district (35.02) code; ``nilai`` blank = not known (kept missing).
``tahun_bergabung`` is the year the area joined the programme; when blank, a registered village's
own joining year is used, and any other area counts as never joined (outside the programme).
"""
from __future__ import annotations

import io
import re

import duckdb
import polars as pl

from pipelines import versions, warehouse
from pipelines.accounts import audit
from pipelines.ingest import workbook
from pipelines.ingest.findings import HIDDEN, Finding
from pipelines.ingest.numbers import parse_number

HEADER = ("seri", "kode_wilayah", "tahun", "nilai")
OPTIONAL = ("tahun_bergabung",)
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
SHEET = "CSV"


class SeriesError(ValueError):
    """The CSV was rejected; .errors holds every finding."""

    def __init__(self, errors: list[Finding]):
        super().__init__("\n".join(e.describe() for e in errors))
        self.errors = errors


def _year(text: str | None) -> int | None:
    return int(text) if text and re.fullmatch(r"(19|20)\d\d", text) else None


def parse(data: bytes, joined: dict[str, int]) -> pl.DataFrame:
    """Validate the whole CSV (every error at once); returns series, area_code, year, joined_year, value."""
    try:
        raw = pl.read_csv(io.BytesIO(data), infer_schema=False, encoding="utf8-lossy")
    except Exception as exc:  # noqa: BLE001 - any parse failure is the uploader's to fix
        raise SeriesError([Finding(SHEET, None, None, None, f"CSV tidak dapat dibaca: {type(exc).__name__}.")])
    raw = raw.rename({c: c.strip().lower() for c in raw.columns})
    missing = [c for c in HEADER if c not in raw.columns]
    if missing:
        raise SeriesError([Finding(SHEET, 1, c, None, "Kolom wajib ini tidak ada di baris judul.") for c in missing])
    errors: list[Finding] = []
    out, seen = [], {}
    for i, row in enumerate(raw.iter_rows(named=True), start=2):
        cells = {k: (v or "").strip() for k, v in row.items()}
        if any(workbook.looks_like_nik(v) for v in cells.values() if v):
            errors.append(Finding(SHEET, i, None, HIDDEN, "Ada isian yang tampak seperti NIK (16 digit); "
                                                         "data deret hanya boleh berisi angka agregat."))
            continue
        code, year, value = cells["kode_wilayah"], _year(cells["tahun"]), cells["nilai"]
        if not cells["seri"]:
            errors.append(Finding(SHEET, i, "seri", None, "Nama seri wajib diisi."))
        if not _CODE.match(code):
            errors.append(Finding(SHEET, i, "kode_wilayah", code, "Kode wilayah Kemendagri, misalnya 35.02 atau 35.02.20.2001."))
        if year is None:
            errors.append(Finding(SHEET, i, "tahun", cells["tahun"], "Tahun empat angka, misalnya 2019."))
        number = parse_number(value) if value else None
        if value and number is None:
            errors.append(Finding(SHEET, i, "nilai", value, "Harus angka (boleh kosong bila tidak diketahui)."))
        joined_text = cells.get("tahun_bergabung", "")
        join_year = _year(joined_text) if joined_text else joined.get(code)
        if joined_text and join_year is None:
            errors.append(Finding(SHEET, i, "tahun_bergabung", joined_text, "Tahun empat angka, atau kosong."))
        key = (cells["seri"], code, year)
        if key in seen:
            errors.append(Finding(SHEET, i, "tahun", cells["tahun"],
                                  f"Wilayah dan tahun yang sama sudah ada di baris {seen[key]}."))
        seen.setdefault(key, i)
        out.append({"series": cells["seri"], "area_code": code, "year": year, "joined_year": join_year, "value": number})
    if not out and not errors:
        errors.append(Finding(SHEET, None, None, None, "CSV tidak berisi baris data."))
    if errors:
        raise SeriesError(errors)
    return pl.DataFrame(out, schema={"series": pl.String, "area_code": pl.String, "year": pl.Int32,
                                     "joined_year": pl.Int32, "value": pl.Float64})


def import_series(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, user: str) -> dict[str, int]:
    """Replace each series in the CSV with its rows, in one transaction; returns rows per series."""
    joined = dict(warehouse.query(con, "registry_joined").iter_rows())
    try:
        frame = parse(data, joined)
    except SeriesError as exc:
        audit.audit(con, user, "series_rejected", f"{file_name} · {len(exc.errors)} galat")
        raise
    counts = dict(frame.group_by("series").len().sort("series").iter_rows())
    with warehouse.transaction(con) as cur:
        version = versions.bump(cur, "seri", user)
        stamped = frame.with_columns(pl.lit(version, pl.Int64).alias("data_version"))
        warehouse.stage(cur, "staged_series", stamped)
        # the replaced rows are kept with the version that replaced them: a pack rebuilds as of before it
        warehouse.execute(cur, "external_series_replace", version=version)
        warehouse.execute_sql(cur, "DELETE FROM external_series WHERE series IN (SELECT DISTINCT series FROM staged_series)")
        warehouse.insert_staged(cur, "external_series", "staged_series", stamped.columns)
        audit.record(cur, user, "series_import",
                     f"{file_name} · " + ", ".join(f"{s}: {n} baris" for s, n in counts.items()))
    return counts


def names(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """series, areas, first_year, last_year, never_joined."""
    return warehouse.query(con, "external_series_names")


def values(con: duckdb.DuckDBPyConnection, series: str) -> pl.DataFrame:
    """area_code, year, joined_year, value (reported values only)."""
    return warehouse.query(con, "external_series_values", series=series)
