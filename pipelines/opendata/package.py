"""Write a Satu Data package: data CSV (UTF-8), its XLSX twin and metadata.json (statistical metadata)."""
from __future__ import annotations

import io
import json
import tempfile
import zipfile
from datetime import date
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines import catalogue, exports, kamus, settings, warehouse
from pipelines.metrics import figures, periods
from pipelines.opendata.table import COLUMNS, LEVELS, long_table

FREQUENCY = {"month": "Bulanan", "quarter": "Triwulanan", "semester": "Semesteran", "year": "Tahunan",
             "to_date": "Kumulatif tahun berjalan (s.d. bulan)"}
COLUMN_HELP = {
    "kode_wilayah": "Kode wilayah Kemendagri (NASIONAL untuk seluruh Indonesia)",
    "nama_wilayah": "Nama wilayah menurut daftar desa program",
    "tingkat_wilayah": "Tingkat penyajian: " + ", ".join(LEVELS.values()),
    "periode": "Kode periode (2026, 2026-S1, 2026-T3, 2026-09, 2026-SD09)",
    "nama_periode": "Nama periode",
    "kode_indikator": "Kode angka (lihat variabel di bawah dan Kamus Indikator)",
    "nama_indikator": "Nama angka",
    "nilai": "Nilai angka; kosong bila tidak ada desa yang melapor (tidak pernah diisi 0); persen sebagai pecahan 0..1",
    "satuan": "Satuan nilai",
    "cakupan": "Laporan masuk / laporan diharapkan (pecahan 0..1); untuk saldo: desa melapor / desa program",
    "laporan_masuk": "Banyaknya laporan desa-bulan (saldo: desa) yang menjadi dasar nilai",
    "laporan_diharapkan": "Banyaknya laporan desa-bulan (saldo: desa) yang diharapkan",
    "status_data": "sementara (periode memuat bulan yang belum lewat tenggat) atau final",
}


@cache
def facts() -> dict[str, str]:
    """The producer's facts for the metadata (reference/satudata.csv)."""
    return {r["key"]: r["value"] for r in catalogue.rows("satudata.csv")}


def metadata(period: periods.Period, frame: pl.DataFrame, provisional: bool, approved_only: bool,
             demo: bool, names: dict[str, str]) -> dict:
    """The dataset and each variable described after Satu Data Indonesia's statistical metadata."""
    f = facts()
    words = kamus.dictionary("id")
    cols = dict(zip(kamus.COLUMNS, words.columns))
    by_key = {r[cols["kamus_col_code"]]: r for r in words.iter_rows(named=True)}
    variables = []
    for key, fig in figures.catalogue().items():
        row = by_key[key]
        variables.append({
            "kode": key, "nama": fig.name_id, "nama_en": fig.name_en, "definisi": fig.help_id,
            "definisi_en": fig.help_en, "satuan": fig.unit, "rumus": row[cols["kamus_col_formula"]],
            "agregasi_desa": row[cols["kamus_col_villages"]], "agregasi_bulan": row[cols["kamus_col_months"]],
            "sumber": row[cols["kamus_col_source"]], "aturan_cakupan": row[cols["kamus_col_coverage"]],
            "tipe_data": "desimal" if fig.share or fig.money else "bilangan"})
    return {
        "standar_metadata": "Metadata statistik Satu Data Indonesia (Perpres 39/2019): metadata dataset dan variabel",
        "judul": f"{f['judul']}, {period.label('id')}", "judul_en": f"{f['judul_en']}, {period.label('en')}",
        "deskripsi": f["deskripsi"], "produsen_data": f["produsen"], "kontak": f["kontak"],
        "periode": {"kode": period.code, "nama": period.label("id"), "bulan_awal": period.first.strftime("%Y-%m"),
                    "bulan_akhir": period.last.strftime("%Y-%m")},
        "frekuensi_pengumpulan": f["frekuensi_pengumpulan"], "frekuensi_penyajian": FREQUENCY[period.kind],
        "tingkat_penyajian": list(LEVELS.values()),
        "kode_referensi": {"wilayah": f["referensi_wilayah"], "negara": f["referensi_negara"]},
        "status_data": "sementara" if provisional else "final",
        "data": "hanya bulan-kabupaten yang disetujui peninjau" if approved_only
                else "semua laporan yang diterima (termasuk yang belum disetujui)",
        "data_demo": demo, "data_pribadi": "tidak ada (angka gabungan per wilayah; tanpa nama atau NIK)",
        "lisensi": f["lisensi"], "dibuat": settings.today().isoformat(),
        "berkas": names, "baris": frame.height,
        "kolom": [{"nama": c, "keterangan": COLUMN_HELP[c]} for c in COLUMNS],
        "variabel": variables,
    }


def build(con: duckdb.DuckDBPyConnection, period: str, out: str | Path, *, approved_only: bool = True,
          today: date | None = None) -> dict[str, Path]:
    """Write the three files into folder `out`; returns their paths by kind (csv, xlsx, metadata)."""
    gov = periods.parse(period)
    frame, provisional = long_table(con, period, approved_only=approved_only, today=today)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"desmigratif-{gov.code.lower()}"
    paths = {"csv": folder / f"{stem}.csv", "xlsx": folder / f"{stem}.xlsx", "metadata": folder / "metadata.json"}
    names = {k: p.name for k, p in paths.items()}
    meta = metadata(gov, frame, provisional, approved_only, warehouse.is_demo(con), names)
    paths["csv"].write_bytes(exports.to_csv(frame))
    notes = [f"{meta['judul']}", f"Produsen data: {meta['produsen_data']}", f"Status data: {meta['status_data']}",
             f"Data: {meta['data']}", f"Kode wilayah: {meta['kode_referensi']['wilayah']}", ""] + [
        f"{c['nama']}: {c['keterangan']}" for c in meta["kolom"]]
    variables = pl.DataFrame(meta["variabel"])
    paths["xlsx"].write_bytes(exports.to_xlsx({"Data": frame, "Variabel": variables}, notes, "Metadata"))
    paths["metadata"].write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return paths


def zipped(con: duckdb.DuckDBPyConnection, period: str, *, approved_only: bool = True,
           today: date | None = None) -> bytes:
    """The package as one zip (for the page's download button)."""
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="pantau-satudata-") as folder:
        paths = build(con, period, folder, approved_only=approved_only, today=today)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in paths.values():
                zf.write(path, path.name)
    return buf.getvalue()
