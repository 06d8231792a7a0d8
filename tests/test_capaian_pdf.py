"""Laporan Capaian PDF: A4, read back with pdftotext (poppler-utils) with exact figures, in both languages."""
from __future__ import annotations

import subprocess
from datetime import date

import pytest
from test_targets import TODAY, world  # noqa: F401 - the fixture of the small Kalidawir world

from pipelines.targets import cli, pdf, store, template

pytestmark = pytest.mark.usefixtures("world")


def text_of(data: bytes, tmp_path, name: str = "laporan.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    return " ".join(out.split())  # words in reading order, whatever the column widths


def page_sizes(data: bytes, tmp_path) -> list[str]:
    path = tmp_path / "size.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, timeout=60, check=True).stdout
    return [line.split(":", 1)[1].strip() for line in info.splitlines() if line.startswith("Page size")]


def load(con, rows):
    assert store.load(con, template.template_bytes(rows), "target.xlsx", "admin").status == "accepted"


def test_quarter_report_reads_back_with_exact_figures(con, tmp_path):
    load(con, [("35.04", "placements", 2024, "T1", 20), ("35.04", "completeness", 2024, "T1", 0.8),
               ("35.04.14", "placements", 2024, "T1", 11)])
    data = pdf.pdf(con, "35.04", "2024-T1", today=TODAY)
    assert data.startswith(b"%PDF-")
    assert page_sizes(data, tmp_path) == ["595.276 x 841.89 pts (A4)"]
    text = text_of(data, tmp_path)
    assert "Laporan Capaian Program Desmigratif Kabupaten Tulungagung · Triwulan I 2024" in text
    assert "Dibuat 5 April 2024 · Semua laporan yang diterima" in text
    assert "Sementara: periode ini memuat bulan yang belum lewat tenggat pelaporan" in text
    assert "Indikator bertarget: 2. Tercapai: 1; Hampir tercapai: 1." in text
    # placements 22 of 20 (110,00%), 4 of 6 reports; completeness 66,7% of 80,0% (83,33%)
    assert "Penempatan PMI (placements) 20 22 (sementara) 110,00% Tercapai 4/6 laporan (66,7%)" in text
    assert "Kelengkapan (completeness) 80,0% 66,7% (sementara) 83,33% Hampir tercapai 4/6 laporan (66,7%)" in text
    assert "Wilayah di bawahnya" in text and "Kalidawir" in text and "200,00%" in text
    assert "Halaman 1 / 1" in text


def test_year_to_date_in_english(con, tmp_path):
    load(con, [("35.04", "placements", 2024, "TAHUN", 120)])
    text = text_of(pdf.pdf(con, "35.04", "2024-SD03", lang="en", today=TODAY), tmp_path)
    assert "Desmigratif Programme Achievement Report Kabupaten Tulungagung · Jan-Mar 2024" in text
    # pro-rated 120 x 3/12 = 30: 73.33%; against the annual 120: 18.33%
    assert ("Migrant worker placements (placements) 30 22 (provisional) 73.33% Not achieved 120 18.33% 4/6 reports "
            "(66.7%)") in text
    assert "Year to date: the result since January against the annual target pro-rated by month" in text


def test_no_target_and_escaped_names(con, tmp_path):
    con.execute("UPDATE villages SET district = '<b>Kab</b> & Co' WHERE district_code = '35.04'")
    text = text_of(pdf.pdf(con, "35.04", "2024-T2", today=TODAY), tmp_path)
    assert "<b>Kab</b> & Co · Triwulan II 2024" in text
    assert "Belum ada target untuk wilayah dan periode ini." in text


def test_cli_writes_the_pdf(con, store_url, tmp_path, monkeypatch):
    load(con, [("NASIONAL", "placements", 2024, "T1", 44)])
    db = str(store_url)
    con.close()
    monkeypatch.setenv("PANTAU_TODAY", date(2024, 6, 1).isoformat())
    out = tmp_path / "nasional.pdf"
    assert cli.main(["pdf", "--db", db, "--area", "NASIONAL", "--period", "2024-T1", "--out", str(out)]) == 0
    text = text_of(out.read_bytes(), tmp_path)
    assert "Nasional · Triwulan I 2024" in text
    assert "Penempatan PMI (placements) 44 22 50,00% Belum tercapai 4/12 laporan (33,3%)" in text
    assert cli.main(["pdf", "--db", db, "--area", "NASIONAL", "--period", "2024-X", "--out", str(out)]) == 2
