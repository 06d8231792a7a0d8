"""The template's Petunjuk sheet: how to fill the monthly workbook, written from the catalogues."""
from __future__ import annotations

from typing import TYPE_CHECKING

from xlsxwriter.worksheet import Worksheet

from pipelines import catalogue, settings

if TYPE_CHECKING:  # only for annotations: the writer passes its formats in
    from pipelines.ingest.template import _Formats


def guide_lines() -> list[tuple[str, str]]:
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


def write_guide(ws: Worksheet, fmt: _Formats) -> None:
    ws.set_column(0, 0, 110, fmt.wrap)
    styles = {"title": fmt.title, "section": fmt.section, "text": fmt.wrap}
    for row, (style, line) in enumerate(guide_lines()):
        if line:
            ws.write_string(row, 0, line, styles[style])
    ws.hide_gridlines(2)
