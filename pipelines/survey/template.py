"""The empty survey workbook (xlsxwriter): instructions, the Responden sheet, drop-downs and checks."""
from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from pipelines.survey.columns import SHEET, columns

ROWS = 1000  # rows that carry drop-downs and checks

INSTRUCTIONS = [
    "PETUNJUK PENGISIAN SURVEI PMI PURNA DESMIGRATIF",
    "",
    "1. Isi satu baris per responden di sheet Responden, mulai baris 2. Jangan ubah judul kolom.",
    "2. id_responden adalah kode survei (misalnya R001). JANGAN menulis NIK atau data pribadi lain:",
    "   berkas yang memuat angka mirip NIK (16 digit) di sel mana pun akan ditolak seluruhnya.",
    "3. Pendapatan ditulis dalam rupiah per bulan (misalnya 2100000 atau 2.100.000).",
    "4. Skor harmonis dan partisipasi memakai skala 1 sampai 5 (1 = sangat rendah, 5 = sangat tinggi).",
    "5. Pilihan ya/tidak, L/P dan kelompok umur tersedia sebagai daftar pilihan (drop-down).",
    "6. Sel kosong berarti tidak dijawab; sel kosong pada kolom wajib membuat baris itu ditolak.",
    "",
    "Kolom:",
]


def write(out, rows: Iterable[dict] = ()) -> None:
    """Write the template (optionally with respondent rows) to a path or binary file object."""
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold = wb.add_format({"bold": True})
    text = wb.add_format({"num_format": "@"})
    guide = wb.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 32)
    guide.set_column(1, 1, 90)
    for i, line in enumerate(INSTRUCTIONS):
        guide.write(i, 0, line, bold if i == 0 else None)
    for i, col in enumerate(columns().values(), start=len(INSTRUCTIONS)):
        guide.write(i, 0, col.name, bold)
        guide.write(i, 1, col.help_id)
    sheet = wb.add_worksheet(SHEET)
    sheet.freeze_panes(1, 0)
    for j, col in enumerate(columns().values()):
        sheet.write(0, j, col.name, head)
        sheet.set_column(j, j, max(14, len(col.name) + 2), text if col.kind in ("village", "code") else None)
        sheet.write_comment(0, j, col.help_id)
        if col.kind == "choice":
            sheet.data_validation(1, j, ROWS, j, {"validate": "list", "source": list(col.choices),
                                                  "error_message": "Pilih salah satu: " + ", ".join(col.choices)})
        elif col.kind == "likert":
            sheet.data_validation(1, j, ROWS, j, {"validate": "integer", "criteria": "between", "minimum": 1,
                                                  "maximum": 5, "error_message": "Skor 1 sampai 5."})
        elif col.kind == "number":
            sheet.data_validation(1, j, ROWS, j, {"validate": "decimal", "criteria": "between",
                                                  "minimum": col.low, "maximum": col.high,
                                                  "error_message": f"Angka {col.low:g} sampai {col.high:g}."})
    for i, row in enumerate(rows, start=1):
        for j, name in enumerate(columns()):
            value = row.get(name)
            if value is not None:
                sheet.write(i, j, value)
    wb.close()


def template_bytes(rows: Iterable[dict] = ()) -> bytes:
    buf = io.BytesIO()
    write(buf, rows)
    return buf.getvalue()
