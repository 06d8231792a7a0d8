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
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from pipelines import catalogue, settings

# Rows left open (with drop-downs and checks) on the list sheets of the template.
TEMPLATE_ROWS = 200

LIST_SHEET = "Daftar"
GUIDE_SHEET = "Petunjuk"

# Destinations offered in the drop-down. Every name must be known to the validator's
# country matching (reference/countries.csv or pycountry); "Lainnya" is not a country.
COUNTRIES = (
    "Afrika Selatan", "Amerika Serikat", "Arab Saudi", "Australia", "Bahrain", "Belanda",
    "Brunei Darussalam", "Ceko", "Filipina", "Hong Kong", "Hungaria", "Inggris", "Italia",
    "Jepang", "Jerman", "Korea Selatan", "Kuwait", "Makau", "Malaysia", "Mesir", "Oman",
    "Polandia", "Prancis", "Qatar", "Rumania", "Rusia", "Selandia Baru", "Singapura",
    "Slowakia", "Spanyol", "Taiwan", "Tiongkok", "Turki", "Uni Emirat Arab", "Vietnam",
    "Yordania",
)

YA_TIDAK = ("ya", "tidak")
COUNT_UNITS = {"orang", "kegiatan", "kasus", "unit"}

# Column widths (characters) by column name; anything else gets DEFAULT_WIDTH.
WIDTHS = {
    "isian": 16, "kode": 8, "uraian": 44, "satuan": 10, "nilai": 22,
    "negara_tujuan": 22, "negara_asal": 22, "sektor": 24, "saluran": 28,
    "jenis_kelamin": 14, "nilai_rp": 20,
}
DEFAULT_WIDTH = 16

HEADER_NOTES = {  # what a data-sheet column holds, shown when the cell is selected
    "negara_tujuan": "Negara tujuan penempatan. Pilih dari daftar atau ketik nama negara.",
    "negara_asal": "Negara tempat bekerja. Pilih dari daftar atau ketik nama negara.",
    "sektor": "Sektor pekerjaan, pilih dari daftar.",
    "jenis_kelamin": "L = laki-laki, P = perempuan.",
    "jumlah": "Banyaknya orang (bilangan bulat).",
    "bermasalah": "Dari jumlah yang pulang, berapa orang yang pulang dengan masalah.",
    "saluran": "Saluran pengiriman uang, pilih dari daftar.",
    "jumlah_transaksi": "Banyaknya transaksi pengiriman (bilangan bulat).",
    "nilai_rp": "Total nilai kiriman dalam rupiah.",
}


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
            _write_guide(wb.add_worksheet(GUIDE_SHEET), fmt)
        _write_identity(wb.add_worksheet("Identitas"), identity, fmt)
        for sheet in catalogue.PILLAR_SHEETS:
            _write_pillar(wb.add_worksheet(sheet), sheet, values, fmt)
        for sheet in catalogue.DATA_SHEETS:
            _write_rows(wb.add_worksheet(sheet), sheet, rows[sheet], fmt)
        if decorate:
            _write_lists(wb.add_worksheet(LIST_SHEET), fmt)
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
                "input_message": _clip(f"{field['help']} ({wajib}). Contoh: {field['example']}", 255),
            })


def _write_pillar(ws: Worksheet, sheet: str, values: dict[str, object], fmt: _Formats) -> None:
    _header(ws, sheet, fmt)
    for row, ind in enumerate(catalogue.indicators_of(sheet), start=1):
        ws.write_string(row, 0, ind.code)
        ws.write_string(row, 1, ind.name_id)
        ws.write_string(row, 2, ind.unit)
        _put(ws, row, 3, values.get(ind.code), fmt, fmt.value_input(ind.unit))
        if fmt.decorate:
            ws.data_validation(row, 3, row, 3, _value_check(ind))


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
            check = _column_check(name, kind)
            if check:
                ws.data_validation(1, col, last, col, check)


def _write_lists(ws: Worksheet, fmt: _Formats) -> None:
    """The hidden sheet holding the drop-down lists too long to write inline."""
    for col, (title, items) in enumerate(_lists().items()):
        ws.write_string(0, col, title, fmt.header)
        for row, item in enumerate(items, start=1):
            ws.write_string(row, col, item)
        ws.set_column(col, col, 28)
    ws.hide()


def _lists() -> dict[str, list[str]]:
    return {
        "negara": sorted(COUNTRIES),
        "sektor": catalogue.choices("sektor"),
        "jenis_kelamin": catalogue.choices("jenis_kelamin"),
        "saluran": catalogue.choices("saluran"),
        "ya_tidak": list(YA_TIDAK),
    }


def _list_source(name: str) -> str:
    """An absolute reference to one list on the hidden Daftar sheet."""
    lists = _lists()
    col = xl_col_to_name(list(lists).index(name))
    return f"={LIST_SHEET}!${col}$2:${col}${len(lists[name]) + 1}"


# --------------------------------------------------------------------------- input checks


def _value_check(ind: catalogue.Indicator) -> dict:
    """The Excel input check of one indicator's nilai cell (same ceiling as the validator)."""
    top = ind.max_per_month
    if ind.unit == "ya/tidak":
        return _pick("ya_tidak", "Isi ya atau tidak.", "stop")
    if ind.unit == "rupiah":
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": top,
                "error_title": "Nilai rupiah tidak sah",
                "error_message": f"Isi angka rupiah 0 sampai {_id_number(top)}, tanpa 'Rp' dan titik."}
    return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": int(top),
            "error_title": "Harus bilangan bulat",
            "error_message": f"Isi bilangan bulat 0 sampai {_id_number(top)} ({ind.unit})."}


def _column_check(name: str, kind: str) -> dict | None:
    """The Excel input check of one data-sheet column, by its type in layout.csv."""
    note = {"input_title": name, "input_message": HEADER_NOTES.get(name, "")}
    if kind == "country":
        # A warning, not a stop: a destination missing from the list may still be typed.
        check = _pick("negara", "Negara ini tidak ada di daftar. Periksa ejaannya; "
                      "bila benar, pilih Yes/Ya untuk tetap memakainya.", "warning")
    elif kind in ("sektor", "jenis_kelamin", "saluran"):
        check = _pick(kind, f"Pilih {kind.replace('_', ' ')} dari daftar.", "stop")
    elif kind in ("count", "positive_count"):
        low = 1 if kind == "positive_count" else 0
        check = {"validate": "integer", "criteria": ">=", "value": low,
                 "error_title": "Harus bilangan bulat",
                 "error_message": f"Isi bilangan bulat {low} atau lebih."}
    elif kind == "rupiah":
        check = {"validate": "decimal", "criteria": ">=", "value": 0,
                 "error_title": "Nilai rupiah tidak sah",
                 "error_message": "Isi angka rupiah 0 atau lebih, tanpa 'Rp' dan titik."}
    else:
        return None
    return {**check, **note} if note["input_message"] else check


def _pick(list_name: str, message: str, error_type: str) -> dict:
    return {"validate": "list", "source": _list_source(list_name), "error_type": error_type,
            "error_title": "Pilihan tidak ada di daftar", "error_message": _clip(message, 255)}


def _id_number(x: float) -> str:
    """A whole number with Indonesian thousands dots: 50000000000 -> 50.000.000.000."""
    return f"{int(x):,}".replace(",", ".")


def _clip(text: str, limit: int) -> str:
    # Excel refuses validation messages longer than 255 characters.
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- instructions


def _guide_lines() -> list[tuple[str, str]]:
    """The Petunjuk text as (style, line) pairs; style is title, section or text."""
    day = settings.report_deadline_day()
    stocks = [f"{i.code} ({i.name_id})" for i in catalogue.indicators().values() if i.kind == "stock"]
    sektor = ", ".join(catalogue.choices("sektor"))
    saluran = ", ".join(catalogue.choices("saluran"))
    ident = [
        ("text", f"• {f['field']}: {f['help']}, contoh {f['example']}"
                 f" ({'wajib' if f['required'] == 'ya' else 'boleh kosong'}).")
        for f in catalogue.identity_fields()
    ]
    checks = [("text", f"• {c['message']}.") for c in catalogue.cross_checks()
              if c["severity"] == "error"]
    return [
        ("title", "PETUNJUK PENGISIAN LAPORAN BULANAN DESMIGRATIF"),
        ("text", ""),
        ("section", "1. Siapa mengisi dan kapan"),
        ("text", "• Laporan diisi oleh petugas Desmigratif di desa, lalu dikumpulkan oleh "
                 "koordinator di Dinas Tenaga Kerja kabupaten/kota yang mengunggahnya ke "
                 "sistem Pantau Desmigratif."),
        ("text", "• Satu berkas untuk satu desa dan satu bulan. Jangan menggabungkan beberapa "
                 "desa atau beberapa bulan dalam satu berkas."),
        ("text", f"• Batas waktu: paling lambat tanggal {day} bulan berikutnya (laporan Maret "
                 f"diserahkan paling lambat {day} April)."),
        ("text", "• Perbaikan: unggah ulang berkas lengkap untuk desa dan bulan yang sama. "
                 "Versi baru menggantikan versi lama; riwayatnya tetap tersimpan."),
        ("text", "• Jangan mengganti nama lembar atau judul kolom, jangan menghapus atau menambah "
                 "baris indikator, dan jangan mengubah kolom kode. Sel kuning adalah sel isian."),
        ("text", ""),
        ("section", "2. Kosong tidak sama dengan nol"),
        ("text", "• Sel nilai yang dibiarkan KOSONG berarti \"tidak dilaporkan\"."),
        ("text", "• Isi 0 (nol) bila memang tidak ada kegiatan atau kejadian bulan ini. Jangan "
                 "mengisi 0 untuk data yang tidak diketahui."),
        ("text", ""),
        ("section", "3. Cara menulis angka"),
        ("text", "• Sebaiknya ketik angka polos tanpa \"Rp\" dan tanpa titik, misalnya 2500000."),
        ("text", "• Juga diterima: 2.500.000 ; Rp 2.500.000 ; 2.500.000,50 ; 2,500,000. "
                 "Tulisan seperti 1.234 dibaca seribu dua ratus tiga puluh empat (titik = "
                 "pemisah ribuan)."),
        ("text", "• Satuan orang, kegiatan, kasus dan unit: bilangan bulat 0 atau lebih."),
        ("text", "• Satuan rupiah: 0 atau lebih, boleh dengan sen (koma desimal)."),
        ("text", "• Satuan ya/tidak: isi ya atau tidak (juga diterima 1/0 atau y/t)."),
        ("text", "• Indikator saldo diisi keadaan pada akhir bulan, bukan tambahan bulan ini: "
                 + "; ".join(stocks) + "."),
        ("text", ""),
        ("section", "4. Data pribadi DILARANG"),
        ("text", "• Laporan hanya berisi angka gabungan. Jangan menulis NIK, nama PMI, nomor "
                 "paspor, nomor telepon atau alamat di lembar mana pun."),
        ("text", "• Berkas yang memuat angka mirip NIK (16 digit) ditolak seluruhnya."),
        ("text", ""),
        ("section", "5. Lembar Identitas"),
        *ident,
        ("text", ""),
        ("section", "6. Lembar Layanan, Usaha, Parenting, Koperasi (empat pilar)"),
        ("text", "• Kolom kode, uraian dan satuan sudah terisi; isi hanya kolom nilai."),
        ("text", "• Layanan = pilar 1 (layanan migrasi), Usaha = pilar 2 (usaha produktif), "
                 "Parenting = pilar 3 (community parenting), Koperasi = pilar 4 (koperasi)."),
        *checks,
        ("text", ""),
        ("section", "7. Lembar Penempatan, Kepulangan, Remitansi"),
        ("text", "• Satu baris per kombinasi; bila tidak ada kejadian bulan ini, biarkan lembar "
                 "tanpa baris data (lembar dan judul kolom tetap ada)."),
        ("text", "• Penempatan: PMI yang berangkat bulan ini menurut negara_tujuan, sektor dan "
                 "jenis_kelamin; jumlah minimal 1. Kombinasi yang sama tidak boleh ditulis dua kali."),
        ("text", "• Kepulangan: PMI yang pulang bulan ini menurut negara_asal (negara tempat "
                 "bekerja) dan jenis_kelamin; bermasalah = yang pulang dengan masalah (kasus, "
                 "gaji tidak dibayar, dideportasi), tidak boleh melebihi jumlah."),
        ("text", "• Remitansi: uang kiriman bulan ini menurut negara_asal dan saluran; "
                 "jumlah_transaksi dan nilai_rp (total rupiah)."),
        ("text", ""),
        ("section", "8. Daftar pilihan"),
        ("text", f"• sektor: {sektor}."),
        ("text", f"• saluran: {saluran}."),
        ("text", "• jenis_kelamin: L (laki-laki) atau P (perempuan)."),
        ("text", ""),
        ("section", "9. Menulis nama negara"),
        ("text", "• Pilih dari daftar pada sel, atau ketik nama negara dalam bahasa Indonesia "
                 "atau Inggris, atau kode ISO dua huruf (Arab Saudi, Saudi Arabia atau SA)."),
        ("text", "• Hong Kong dan Taiwan ditulis sebagai negara tersendiri. Negara yang tidak ada "
                 "di daftar boleh diketik. Jangan menulis \"Lainnya\": tulis nama negaranya."),
    ]


def _write_guide(ws: Worksheet, fmt: _Formats) -> None:
    ws.set_column(0, 0, 110, fmt.wrap)
    styles = {"title": fmt.title, "section": fmt.section, "text": fmt.wrap}
    for row, (style, line) in enumerate(_guide_lines()):
        if line:
            ws.write_string(row, 0, line, styles[style])
    ws.hide_gridlines(2)


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

    path = Path(db or settings.db_path())
    if not path.exists():
        raise UsageError(f"Gudang data {path} tidak ditemukan. Isi dulu gudang data "
                         "atau sebutkan berkasnya dengan --db.")
    code = normalise_village_code(code)
    try:
        con = migrations.connect(path, read_only=True)
        try:
            # fetchall, not fetchone: DuckDB 2 relations have no fetchone.
            found = con.cursor().sql("SELECT village_name FROM villages WHERE village_code = $c",
                                     params={"c": code}).fetchall()
        finally:
            con.close()
    except (warehouse.WarehouseBusy, duckdb.Error) as exc:
        raise UsageError(f"Gudang data {path} tidak dapat dibaca: {exc}") from exc
    if not found:
        raise UsageError(f"Desa dengan kode {code} tidak ada dalam daftar desa Desmigratif.")
    return {"village_code": code, "village_name": found[0][0]}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
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
