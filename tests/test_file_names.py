"""Everyday file names and notes pass; every way people write a NIK is refused, in the name and in the package."""
from __future__ import annotations

import pytest
from conftest import make_workbook, scalar
from openpyxl.comments import Comment
from test_safety import edit, nothing_written

from pipelines.ingest import nik

# Names coordinators really give a village's monthly workbook: the village code (10 digits or dotted)
# followed by a year, month, date or version. None of them is a NIK, although several hold sixteen
# digits that would read as a plausible NIK if the grouping were ignored.
EVERYDAY_NAMES = [
    "3502202001-2026-01-v1.xlsx",
    "3504142011-2024-03.xlsx",
    "laporan 3504142011 2024 03.xlsx",
    "3504142011-202403.xlsx",
    "3504142011.2024.03.xlsx",
    "3504142011-03-2024 revisi.xlsx",
    "3504142011_2024_03.xlsx",
    "3504142011 2024-03 v2.xlsx",
    "3504142011-2024-03 (1).xlsx",
    "3504142011-2024-03-v3.xlsx",
    "3504142011 Maret 2024.xlsx",
    "Laporan Desa 3504142011 Bulan Agustus 2024.xlsx",
    "3504142011 - Tunggangri - Desember 2024.xlsx",
    "3504142011 05-04-2024.xlsx",
    "3504142011 2024-04-05.xlsx",
    "3504142011_05-04-2024_revisi.xlsx",
    "3504142011-20240405.xlsx",
    "3504142011.20240331.xlsx",
    "35.04.14.2011-2024-03.xlsx",
    "35.04.14.2011.2024.03.xlsx",
    "35.04.14.2011 2024 03.xlsx",
    "35.04.14.2011_2024-03_revisi 2.xlsx",
    "laporan-35.04.14.2011-2024-03.xlsx",
    "35.04.14.2011 Maret 2024 (2).xlsx",
    "Tunggangri 35.04.14.2011 31-03-2024.xlsx",
    "3504142011 Januari 2025 v10.xlsx",
    "3504142011-11-2024.xlsx",
    "laporan bulanan 3502202001 - 2026 - 01.xlsx",
    "3502202001 2026 01 final.xlsx",
    "Salinan 3502202001-2026-01.xlsx",
    "3502202001 202601 (1).xlsx",
    "5203012001-2021-12-revisi-v2.xlsx",
    "laporan Oktober 2026_3504142011.xlsx",
    "3504142011 - 2024.03.xlsx",
]

# A NIK (here a woman of Kab. Tulungagung born 16-07-1989) written bare or grouped as people write it.
NIK_NAMES = [
    "3504145607890001.xlsx",
    "laporan 3504145607890001.xlsx",
    "NIK 3504145607890001 Maret 2024.xlsx",
    "3504 1456 0789 0001.xlsx",
    "3504-1456-0789-0001 laporan.xlsx",
    "3504.1456.0789.0001.xlsx",
    "350414 560789 0001.xlsx",
    "350414-560789-0001.xlsx",
    "35.04.14.560789.0001.xlsx",
    "35 04 14 560789 0001.xlsx",
    "laporan_3504145607890001_2024-03.xlsx",
    "3504142011-2024-03 NIK 3504 1456 0789 0001.xlsx",
    "9471012902000001 (1).xlsx",
]


def test_the_tables_are_as_large_as_promised():
    assert len(EVERYDAY_NAMES) >= 30 and len(set(EVERYDAY_NAMES)) == len(EVERYDAY_NAMES)
    assert len(NIK_NAMES) >= 10


@pytest.mark.parametrize("name", EVERYDAY_NAMES)
def test_everyday_name_is_no_nik(name):
    assert not nik.found(name)
    assert nik.hide(name) == name


@pytest.mark.parametrize("name", NIK_NAMES)
def test_nik_in_name_is_found_and_hidden(name):
    assert nik.found(name)
    hidden = nik.hide(name)
    assert "5607890001" not in hidden.replace(" ", "").replace("-", "").replace(".", "")
    assert "2902000001" not in hidden


@pytest.mark.parametrize("name", EVERYDAY_NAMES)
def test_everyday_name_is_accepted_and_kept(ingest, con, name):
    [r] = ingest({name: make_workbook()})
    assert (r.status, r.file, r.errors) == ("accepted", name, [])
    assert scalar(con, "SELECT file_name FROM submissions") == name


@pytest.mark.parametrize("name", NIK_NAMES)
def test_nik_in_name_is_refused_and_never_kept(ingest, con, name):
    [r] = ingest({name: make_workbook()})
    assert (r.status, r.file, r.reason) == ("rejected", "(nama berkas disembunyikan)", "nik_file_name")
    assert nothing_written(con)
    assert scalar(con, "SELECT count(*) FROM audit_log WHERE detail LIKE '%5607890001%'") == 0


NOTE = "kode desa 3504142011, laporan 2024-03"


def _note_in_comment(wb):
    wb["Layanan"]["D2"].comment = Comment(NOTE, "petugas")


def _note_in_title(wb):
    wb.properties.title = f"Laporan {NOTE}"


def _note_in_sheet(wb):
    wb.create_sheet("Catatan").cell(2, 1, f"{NOTE} (revisi 2, dikirim 05-04-2024)")


@pytest.mark.parametrize("change", [_note_in_comment, _note_in_title, _note_in_sheet])
def test_village_code_and_period_in_notes_pass(ingest, change):
    [r] = ingest({"3504142011-2024-03.xlsx": edit(make_workbook(), change)})
    assert (r.status, [f.message for f in r.errors]) == ("accepted", [])


@pytest.mark.parametrize("text", ["NIK 3504 1456 0789 0001", "350414-560789-0001", "35.04.14.560789.0001"])
def test_grouped_nik_in_a_comment_is_still_refused(ingest, con, text):
    def comment(wb):
        wb["Layanan"]["D2"].comment = Comment(f"{NOTE}; pelapor {text}", "petugas")

    [r] = ingest({"3504142011-2024-03.xlsx": edit(make_workbook(), comment)})
    assert (r.status, r.reason) == ("rejected", "nik")
    assert nothing_written(con)
