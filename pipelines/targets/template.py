"""The empty target workbook (xlsxwriter): sheet Target with drop-downs and checks, and the Petunjuk guide."""
from __future__ import annotations

import io

import xlsxwriter

from pipelines.metrics import figures, periods

SHEET = "Target"
LISTS = "Daftar"
COLUMNS = ("kode_wilayah", "kode_indikator", "tahun", "periode", "target")
NATIONAL = "NASIONAL"
ROWS = 2000  # rows that carry drop-downs and checks
HELP = {
    "kode_wilayah": "NASIONAL, provinsi (35), kabupaten/kota (35.04), kecamatan (35.04.14) atau desa (35.04.14.2011).",
    "kode_indikator": "Kode angka dari Kamus Indikator (misalnya placements, consultations, L01, completeness).",
    "tahun": "Tahun target, misalnya 2026.",
    "periode": "TAHUN, S1, S2 (semester), T1 sampai T4 (triwulan) atau bulan 01 sampai 12.",
    "target": "Angka target, 0 atau lebih. Angka bersatuan persen ditulis sebagai pecahan (0,34) atau dengan % (34%).",
}
GUIDE = [
    "PETUNJUK PENGISIAN TARGET DESMIGRATIF",
    "",
    "1. Satu baris per wilayah x indikator x tahun x periode di sheet Target, mulai baris 2. Jangan ubah judul kolom.",
    "2. Target tahunan (TAHUN) dipakai juga untuk capaian s.d. bulan: dibandingkan dengan target tahunan dan",
    "   dengan target tahunan yang diprorata per bulan (hanya untuk angka yang dijumlahkan antarbulan).",
    "3. Target saldo (misalnya U05, K01) dan persentase berlaku untuk posisi akhir periode, tidak diprorata.",
    "4. Satu baris yang salah membuat seluruh berkas ditolak; semua kesalahan disebut dengan baris dan kolomnya.",
    "5. Memuat ulang target yang sama menggantikan target lama; riwayat setiap muatan tetap tersimpan.",
    "",
    "Kolom:",
]


def write(out, rows: list[tuple] = ()) -> None:
    """Write the template (optionally with target rows) to a path or a binary file object."""
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    bold = wb.add_format({"bold": True})
    text = wb.add_format({"num_format": "@"})
    wb.set_properties({"title": "Target Desmigratif", "subject": "Templat target per wilayah, indikator dan periode"})
    guide = wb.add_worksheet("Petunjuk")
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 110)
    for i, line in enumerate(GUIDE):
        guide.write_string(i, 0, line, bold if i == 0 else None)
    for i, name in enumerate(COLUMNS, start=len(GUIDE)):
        guide.write_string(i, 0, name, bold)
        guide.write_string(i, 1, HELP[name])
    start = len(GUIDE) + len(COLUMNS) + 1
    guide.write_string(start, 0, "kode_indikator", bold)
    for i, figure in enumerate(figures.catalogue().values(), start=start + 1):
        guide.write_string(i, 0, figure.key)
        guide.write_string(i, 1, f"{figure.name_id} ({figure.unit})")
    sheet = wb.add_worksheet(SHEET)
    sheet.freeze_panes(1, 0)
    for j, name in enumerate(COLUMNS):
        sheet.write_string(0, j, name, head)
        sheet.write_comment(0, j, HELP[name])
        sheet.set_column(j, j, 18, text if name in ("kode_wilayah", "kode_indikator", "periode") else None)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)
    keys = list(figures.catalogue())
    lists = wb.add_worksheet(LISTS)
    for col, (title, items) in enumerate({"kode_indikator": keys, "periode": list(periods.TARGET_PERIODS)}.items()):
        lists.write_string(0, col, title, head)
        for row, item in enumerate(items, start=1):
            lists.write_string(row, col, item)
    lists.hide()
    sheet.data_validation(1, 1, ROWS, 1, {"validate": "list", "source": f"={LISTS}!$A$2:$A${len(keys) + 1}",
                                          "error_message": "Pilih kode indikator dari daftar."})
    sheet.data_validation(1, 2, ROWS, 2, {"validate": "integer", "criteria": "between", "minimum": 2015,
                                          "maximum": 2100, "error_message": "Tahun 2015 sampai 2100."})
    sheet.data_validation(1, 3, ROWS, 3, {"validate": "list",
                                          "source": f"={LISTS}!$B$2:$B${len(periods.TARGET_PERIODS) + 1}",
                                          "error_message": "Pilih TAHUN, S1, S2, T1-T4 atau bulan 01-12."})
    sheet.data_validation(1, 4, ROWS, 4, {"validate": "decimal", "criteria": ">=", "value": 0,
                                          "error_message": "Target berupa angka 0 atau lebih."})
    wb.close()


def template_bytes(rows: list[tuple] = ()) -> bytes:
    """The template as bytes, optionally with rows (tuples in COLUMNS order; text, numbers or None)."""
    buf = io.BytesIO()
    write(buf, rows)
    return buf.getvalue()
