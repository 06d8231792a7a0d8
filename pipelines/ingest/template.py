"""The monthly workbook template and workbook writer (xlsxwriter)."""
from __future__ import annotations

import argparse
import datetime as dt
import math
import numbers
import re
import sys
from pathlib import Path

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from pipelines import catalogue, commandline, settings
from pipelines.ingest.dropdowns import LIST_SHEET, clip, column_check, value_check, write_lists
from pipelines.ingest.guide import write_guide

# Rows left open (with drop-downs and checks) on the list sheets of the template.
TEMPLATE_ROWS = 200

GUIDE_SHEET = "Petunjuk"

COUNT_UNITS = {"orang", "kegiatan", "kasus", "unit"}

# Column widths (characters) by column name; anything else gets DEFAULT_WIDTH.
WIDTHS = {
    "isian": 16, "kode": 8, "uraian": 44, "satuan": 10, "nilai": 22,
    "negara_tujuan": 22, "negara_asal": 22, "sektor": 24, "saluran": 28,
    "jenis_kelamin": 14, "nilai_rp": 20,
}
DEFAULT_WIDTH = 16


# --------------------------------------------------------------------------- writing


def write_workbook(
    target,
    identity: dict[str, object],
    values: dict[str, object] | None = None,
    placements: list[dict] | None = None,
    returns: list[dict] | None = None,
    remittances: list[dict] | None = None,
    *,
    decorate: bool = True,
) -> None:
    """Write one monthly village workbook to a path or a binary file-like object.

    decorate=True gives the downloadable template look (instructions, drop-downs,
    input checks); decorate=False writes the bare contract, fast, for bulk demo data.
    """
    values = values or {}
    rows = {"Penempatan": placements or [], "Kepulangan": returns or [],
            "Remitansi": remittances or []}
    # Checked before the workbook is opened, so a bad call leaves no half-written file.
    _check_input(values, rows)
    target = str(target) if isinstance(target, Path) else target
    wb = xlsxwriter.Workbook(target, _OPTIONS)
    try:
        fmt = _Formats(wb, decorate)
        if decorate:
            wb.set_properties({"title": "Laporan Bulanan Desmigratif",
                               "subject": "Templat laporan bulanan desa"})
            write_guide(wb.add_worksheet(GUIDE_SHEET), fmt)
        _write_identity(wb.add_worksheet("Identitas"), identity, fmt)
        for sheet in catalogue.PILLAR_SHEETS:
            _write_pillar(wb.add_worksheet(sheet), sheet, values, fmt)
        for sheet in catalogue.DATA_SHEETS:
            _write_rows(wb.add_worksheet(sheet), sheet, rows[sheet], fmt)
        if decorate:
            write_lists(wb.add_worksheet(LIST_SHEET), fmt)
    finally:
        wb.close()


def sheet_rows(
    identity: dict[str, object],
    values: dict[str, object] | None = None,
    placements: list[dict] | None = None,
    returns: list[dict] | None = None,
    remittances: list[dict] | None = None,
) -> dict[str, list[tuple]]:
    """The cells of the bare workbook as the reader returns them (text, None for blank), without the file.

    Bulk demo data goes straight to validation this way: writing and re-reading 14,000 xlsx
    files costs a minute, while the rows are the same (tests/test_demo.py compares them).
    """
    values = values or {}
    rows = {"Penempatan": placements or [], "Kepulangan": returns or [],
            "Remitansi": remittances or []}
    _check_input(values, rows)
    layout = catalogue.layout()
    out: dict[str, list[tuple]] = {
        "Identitas": [tuple(name for name, _, _ in layout["Identitas"])]
        + [(f["field"], _text(identity.get(f["field"]))) for f in catalogue.identity_fields()],
    }
    for sheet in catalogue.PILLAR_SHEETS:
        out[sheet] = [tuple(name for name, _, _ in layout[sheet])] + [
            (ind.code, ind.name_id, ind.unit, _text(values.get(ind.code)))
            for ind in catalogue.indicators_of(sheet)]
    for sheet in catalogue.DATA_SHEETS:
        columns = [name for name, _, _ in layout[sheet]]
        out[sheet] = [tuple(columns)] + [tuple(_text(r.get(c)) for c in columns) for r in rows[sheet]]
    return out


def _text(value: object) -> str | None:
    """A cell value as calamine renders it with dtypes="string"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d} 00:00:00"
    return str(value)


def write_template(target, village: dict | None = None, period: str | None = None) -> None:
    """The empty downloadable template, optionally with the village and month filled in."""
    identity: dict[str, object] = {"periode": period}
    if village:
        identity["kode_desa"] = village["village_code"]
        identity["nama_desa"] = village["village_name"]
    write_workbook(target, identity, decorate=True)


# Strings are written verbatim: the conversions xlsxwriter would otherwise try on each
# string (numbers, formulas, URLs) would change what field officers typed.
_OPTIONS = {"in_memory": True, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False}


def _check_input(values: dict[str, object], rows: dict[str, list[dict]]) -> None:
    """A value under an unknown code or column would silently vanish; fail loudly instead."""
    unknown = sorted(set(values) - set(catalogue.indicators()))
    if unknown:
        raise ValueError(f"kode indikator tidak dikenal: {', '.join(unknown)}")
    for sheet, records in rows.items():
        columns = {name for name, _, _ in catalogue.layout()[sheet]}
        extra = sorted({key for record in records for key in record} - columns)
        if extra:
            raise ValueError(f"kolom tidak dikenal di lembar {sheet}: {', '.join(extra)}")


class _Formats:
    """The cell formats of one workbook; the bare (undecorated) workbook uses almost none."""

    def __init__(self, wb: xlsxwriter.Workbook, decorate: bool):
        self.wb = wb
        self.decorate = decorate
        self._date = None
        if not decorate:
            self.header = self.text_input = None
            return
        input_fill = {"bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF"}
        self.header = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
        self.title = wb.add_format({"bold": True, "font_size": 14})
        self.section = wb.add_format({"bold": True, "font_size": 11, "font_color": "#1F4E78"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.text_input = wb.add_format({**input_fill, "num_format": "@"})
        self.count_input = wb.add_format({**input_fill, "num_format": "#,##0"})
        self.rupiah_input = wb.add_format({**input_fill, "num_format": "#,##0"})
        self.flag_input = wb.add_format(input_fill)
        self.count_col = wb.add_format({"num_format": "#,##0"})

    @property
    def date(self):
        # Created on first use so that bare workbooks without dates stay minimal.
        if self._date is None:
            self._date = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        return self._date

    def value_input(self, unit: str):
        """The format of a pillar nilai cell, by the indicator's unit."""
        if not self.decorate:
            return None
        if unit in COUNT_UNITS:
            return self.count_input
        return self.rupiah_input if unit == "rupiah" else self.flag_input


def _put(ws: Worksheet, row: int, col: int, value: object, fmt: _Formats, cell_fmt=None) -> None:
    """Write one value natively: numbers as numbers, dates as dates, the rest as text.

    None (and NaN) leave the cell blank: blank means "not reported" and must never
    turn into 0.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        if cell_fmt is not None:
            ws.write_blank(row, col, None, cell_fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, cell_fmt)
    elif isinstance(value, numbers.Real):  # also numpy/polars scalars
        ws.write_number(row, col, value, cell_fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value, fmt.date)
    else:
        ws.write_string(row, col, str(value), cell_fmt)


def _header(ws: Worksheet, sheet: str, fmt: _Formats) -> list[str]:
    """Write the header row (row 1) and, when decorating, freeze it and size columns."""
    columns = [name for name, _, _ in catalogue.layout()[sheet]]
    for col, name in enumerate(columns):
        ws.write_string(0, col, name, fmt.header)
    if fmt.decorate:
        ws.freeze_panes(1, 0)
        for col, name in enumerate(columns):
            ws.set_column(col, col, WIDTHS.get(name, DEFAULT_WIDTH))
    return columns


def _write_identity(ws: Worksheet, identity: dict[str, object], fmt: _Formats) -> None:
    _header(ws, "Identitas", fmt)
    for row, field in enumerate(catalogue.identity_fields(), start=1):
        ws.write_string(row, 0, field["field"])
        # Text format keeps Excel from turning a typed 2024-03 or 3504142011 into a
        # date or a number; the validator accepts both, but text is what we ask for.
        _put(ws, row, 1, identity.get(field["field"]), fmt, fmt.text_input)
        if fmt.decorate:
            wajib = "wajib diisi" if field["required"] == "ya" else "boleh kosong"
            ws.data_validation(row, 1, row, 1, {
                "validate": "any",
                "input_title": field["field"],
                "input_message": clip(f"{field['help']} ({wajib}). Contoh: {field['example']}", 255),
            })


def _write_pillar(ws: Worksheet, sheet: str, values: dict[str, object], fmt: _Formats) -> None:
    _header(ws, sheet, fmt)
    for row, ind in enumerate(catalogue.indicators_of(sheet), start=1):
        ws.write_string(row, 0, ind.code)
        ws.write_string(row, 1, ind.name_id)
        ws.write_string(row, 2, ind.unit)
        _put(ws, row, 3, values.get(ind.code), fmt, fmt.value_input(ind.unit))
        if fmt.decorate:
            ws.data_validation(row, 3, row, 3, value_check(ind))


def _write_rows(ws: Worksheet, sheet: str, rows: list[dict], fmt: _Formats) -> None:
    columns = _header(ws, sheet, fmt)
    for row, record in enumerate(rows, start=1):
        for col, name in enumerate(columns):
            _put(ws, row, col, record.get(name), fmt)
    if fmt.decorate:
        last = max(TEMPLATE_ROWS, len(rows))
        for col, (name, kind, _) in enumerate(catalogue.layout()[sheet]):
            # Column formats rather than styled blank cells: blank cells would make
            # readers see 200 empty data rows.
            if kind in ("count", "positive_count", "rupiah"):
                ws.set_column(col, col, WIDTHS.get(name, DEFAULT_WIDTH), fmt.count_col)
            check = column_check(name, kind)
            if check:
                ws.data_validation(1, col, last, col, check)


# --------------------------------------------------------------------------- command line

PERIOD_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class UsageError(Exception):
    """A problem with the command's input, reported in Indonesian with exit status 2."""


def normalise_village_code(code: str) -> str:
    """3504142011 or 35.04.14.2011 -> 35.04.14.2011 (2.2.2.4 digits)."""
    digits = re.sub(r"[.\s]", "", code)
    if not re.fullmatch(r"\d{10}", digits):
        raise UsageError(f"Kode desa '{code}' tidak sah: harus 10 angka, "
                         "misalnya 35.04.14.2011 atau 3504142011.")
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}.{digits[6:]}"


def lookup_village(code: str, db: str | Path | None = None) -> dict:
    """The village's code and name from the warehouse, or UsageError."""
    # Imported here: only the CLI needs the warehouse, not bulk workbook writing.
    import duckdb

    from pipelines import migrations, warehouse

    target = db or settings.database_url() or None
    path = str(target) if warehouse.is_url(str(target)) else Path(target or settings.db_path())
    if isinstance(path, Path) and not path.exists():
        raise UsageError(f"Gudang data {path} tidak ditemukan. Isi dulu gudang data "
                         "atau sebutkan berkasnya dengan --db.")
    code = normalise_village_code(code)
    try:
        con = migrations.connect(path, read_only=True)
        try:
            found = warehouse.rows(con, "village_name", code=code)
        finally:
            con.close()
    except (warehouse.WarehouseBusy, duckdb.Error) as exc:
        raise UsageError(f"Gudang data {path} tidak dapat dibaca: {exc}") from exc
    if not found:
        raise UsageError(f"Desa dengan kode {code} tidak ada dalam daftar desa Desmigratif.")
    return {"village_code": code, "village_name": found[0][0]}


def _parser() -> argparse.ArgumentParser:
    p = commandline.Parser(
        prog="python -m pipelines.ingest.template",
        description="Membuat templat laporan bulanan Desmigratif (berkas .xlsx).")
    p.add_argument("--out", required=True, metavar="BERKAS", help="berkas .xlsx yang dibuat")
    p.add_argument("--village", metavar="KODE",
                   help="kode desa (dengan atau tanpa titik) untuk mengisi lembar Identitas")
    p.add_argument("--period", metavar="TTTT-BB", help="bulan laporan, misalnya 2024-03")
    p.add_argument("--db", metavar="BERKAS",
                   help="berkas gudang data DuckDB (bawaan: PANTAU_DB atau data/pantau.duckdb)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.period is not None and not PERIOD_RE.match(args.period):
            raise UsageError(f"Periode '{args.period}' tidak sah: gunakan format TTTT-BB, "
                             "misalnya 2024-03.")
        village = lookup_village(args.village, args.db) if args.village else None
    except UsageError as exc:
        print(f"galat: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_template(out, village, args.period)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
