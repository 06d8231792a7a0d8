"""Briefing pack marks: 'sementara' on every slide of a range with an open month, the data choice
(approved only) on the title slide and in the figures, XML-safe workbook text, English without
Indonesian vocabulary."""
from __future__ import annotations

import io
import zipfile
from datetime import date

import fastexcel
import pytest
from pptx import Presentation

from pipelines import exports
from pipelines.briefing import pack, text
from tests.conftest import good_identity, good_values, make_workbook
from tests.test_english import foreign_words

TUNGGANGRI, BETAK, BRINGINAN = "35.04.14.2011", "35.04.14.2016", "35.02.20.2001"
NAMES = {TUNGGANGRI: "Tunggangri", BETAK: "Betak", BRINGINAN: "Bringinan"}
DATA_ALL = "Data: semua laporan yang diterima (termasuk bulan yang belum disetujui peninjau)."
DATA_APPROVED = "Data: hanya bulan kabupaten yang sudah disetujui peninjau."


@pytest.fixture(autouse=True)
def no_browser(monkeypatch):
    """The pack draws its charts natively and its map with matplotlib: a browser render would fail here."""
    def render(*args, **kwargs):
        raise AssertionError("the briefing pack must not render through kaleido")
    monkeypatch.setattr(exports, "chart_image", render)


def _report(ingest, village: str, period: str) -> None:
    year, month = map(int, period.split("-"))
    identity = good_identity(kode_desa=village, nama_desa=NAMES[village], periode=period,
                             tanggal_lapor=date(year + month // 12, month % 12 + 1, 5).isoformat())
    [result] = ingest({f"{village}-{period}.xlsx": make_workbook(identity=identity, values=good_values())})
    assert result.status != "rejected"


@pytest.fixture
def loaded(con, ingest, monkeypatch):
    """Tunggangri and Bringinan report March and April 2024 (6 placements each a month); Betak never."""
    monkeypatch.setenv("PANTAU_TODAY", "2024-05-06")  # April's deadline (10 May) has not passed
    for village in (TUNGGANGRI, BRINGINAN):
        for period in ("2024-03", "2024-04"):
            _report(ingest, village, period)
    return con


def _slide_texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def _all_text(built: pack.Pack) -> str:
    deck = Presentation(io.BytesIO(built.pptx))
    parts = []
    for slide in deck.slides:
        parts += _slide_texts(slide)
        parts += [c.text for s in slide.shapes if s.has_table for r in s.table.rows for c in r.cells]
        parts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(parts)


def test_every_slide_of_a_range_with_an_open_month_is_marked_sementara(loaded):
    built = pack.build(loaded, "35.04", "2024-03", "2024-04")
    deck = Presentation(io.BytesIO(built.pptx))
    marked = [i for i, s in enumerate(deck.slides, start=1) if "SEMENTARA" in _slide_texts(s)]
    assert marked == list(range(2, 16))  # every slide after the title, pillars, flows and map included
    title = _slide_texts(deck.slides[0])
    assert any("Sementara: periode ini memuat bulan yang belum lewat tenggat pelaporan" in t for t in title)
    assert deck.slides[6].notes_slide.notes_text_frame.text.splitlines()[0].startswith("Sementara: periode ini")
    # completeness headlines the last month past its deadline; the open month's not-yet-due reports are not missing
    assert deck.slides[12].notes_slide.notes_text_frame.text.splitlines()[1:4] == [
        "Untuk Maret 2024, 1 dari 2 desa yang sudah bergabung melapor (50,0%): 1 tepat waktu, 0 terlambat, dan 1 "
        "tidak melapor.",
        "April 2024 belum lewat tenggat: 1 dari 2 desa sudah melapor, 1 laporan belum jatuh tempo (bukan tidak "
        "melapor).",
        "Rata-rata kelengkapan bulanan selama Maret 2024 – April 2024 (bulan yang sudah lewat tenggat): 50,0%. "
        "Laporan dihitung tepat waktu bila dibuat paling lambat tanggal 10 bulan berikutnya."]

    closed = pack.build(loaded, "35.04", "2024-03", "2024-03")
    deck = Presentation(io.BytesIO(closed.pptx))
    assert [i for i, s in enumerate(deck.slides, start=1) if "SEMENTARA" in _slide_texts(s)] == []
    assert "Sementara" not in _all_text(closed)


def test_every_figure_note_states_its_coverage(loaded, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-06-01")
    deck = Presentation(io.BytesIO(pack.build(loaded, "35.04", "2024-03", "2024-04").pptx))
    notes = {i: s.notes_slide.notes_text_frame.text for i, s in enumerate(deck.slides, start=1)}
    # two joined villages x two months expected, Tunggangri's two in
    for number in (7, 8, 9, 10, 11, 12, 14):
        assert "Cakupan: dari 4 laporan yang diharapkan, 2 masuk (50,0%)." in notes[number].splitlines()
    assert "Penempatan PMI: 12 orang (66,7% perempuan)." in notes[2]
    [line] = [x for x in notes[3].splitlines() if x.startswith("Konsultasi calon PMI laki-laki: 4 orang.")]
    assert line.endswith(" Cakupan: dari 4 laporan yang diharapkan, 2 masuk (50,0%).")


def test_approved_only_title_and_figures(loaded, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-06-01")
    loaded.sql("INSERT INTO review_states VALUES ('35.04', DATE '2024-03-01', 'disetujui', 'peninjau', now(), NULL)")
    every = pack.build(loaded, "", "2024-03", "2024-03", include={1, 2, 7})
    approved = pack.build(loaded, "", "2024-03", "2024-03", include={1, 2, 7}, approved_only=True)
    assert (every.approved_only, approved.approved_only) == (False, True)
    titles = [_slide_texts(Presentation(io.BytesIO(p.pptx)).slides[0]) for p in (every, approved)]
    assert DATA_ALL in titles[0][1].splitlines() and DATA_APPROVED not in titles[0][1]
    assert DATA_APPROVED in titles[1][1].splitlines()
    figures = [dict(zip(*fastexcel.read_excel(p.xlsx).load_sheet("Angka utama").to_polars()
                        .select("Angka", "Nilai").to_dict(as_series=False).values())) for p in (every, approved)]
    assert figures[0]["Penempatan PMI"] == 12 and figures[1]["Penempatan PMI"] == 6  # Ponorogo's March: not approved
    assert figures[0]["Laporan masuk"] == 2 and figures[1]["Laporan masuk"] == 1
    notes = Presentation(io.BytesIO(approved.pptx)).slides[2].notes_slide.notes_text_frame.text
    assert notes.startswith("Selama Maret 2024, 6 PMI dari desa program di Nasional berangkat")


def test_control_characters_never_reach_the_files(loaded, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-06-01")
    assert text.clean("Betak\x0bBaru\x00\x1f\ttab\nline") == "Betak Baru  \ttab\nline"
    loaded.sql("UPDATE villages SET village_name = 'Betak\x0bBaru', subdistrict = 'Kali\x01dawir' "
               f"WHERE village_code = '{BETAK}'")
    built = pack.build(loaded, "35.04", "2024-03", "2024-04")
    deck = Presentation(io.BytesIO(built.pptx))  # opens: every part is well-formed XML
    notes = deck.slides[14].notes_slide.notes_text_frame.text
    assert "Desa tanpa laporan sama sekali selama Maret 2024 – April 2024 (1): Betak Baru." in notes.splitlines()
    with zipfile.ZipFile(io.BytesIO(built.pptx)) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert b"\x0b" not in xml and b"_x000B_" not in xml and b"Betak Baru" in xml
    villages = fastexcel.read_excel(built.xlsx).load_sheet("Desa di peta").to_polars()
    assert sorted(villages["Desa"].to_list()) == ["Betak Baru", "Tunggangri"]
    assert villages["Kecamatan"].to_list().count("Kali dawir") == 1
    with zipfile.ZipFile(io.BytesIO(built.xlsx)) as z:
        assert not any(b"\x0b" in z.read(n) or b"\x01" in z.read(n) for n in z.namelist())


def test_english_pack_has_no_indonesian_vocabulary(loaded, monkeypatch):
    monkeypatch.setenv("PANTAU_TODAY", "2024-06-01")
    built = pack.build(loaded, "", "2024-03", "2024-04", "en")
    words = _all_text(built)
    assert "Domestic work" in words and "Plantations and farming" in words
    assert foreign_words(words, "en") == []
    for sheet in fastexcel.read_excel(built.xlsx).sheet_names:
        frame = fastexcel.read_excel(built.xlsx).load_sheet(sheet).to_polars()
        cells = " | ".join(frame.columns + [str(v) for col in frame.iter_columns() for v in col.to_list()])
        assert foreign_words(cells, "en") == [], sheet
    indonesian = pack.build(loaded, "", "2024-03", "2024-04", "id")
    assert foreign_words(_all_text(indonesian), "id") == []


def test_every_label_the_pack_names_is_in_both_languages():
    import re
    from pathlib import Path
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(pack.__file__).parent.glob("*.py"))
    keys = set(re.findall(r"""(?:ctx\.t|\bt)\(\s*["']([a-z0-9_]+)["']""", source))
    keys |= set(re.findall(r"""\bt\[["']([a-z0-9_]+)["']\]""", source))
    keys |= set(re.findall(r"""["'](bp_[a-z0-9_]+)["']""", source))  # also keys chosen in an expression
    labels = {lang: pack.read_labels(lang) for lang in ("id", "en")}
    assert len(keys) > 150
    assert sorted(k for k in keys if not (labels["id"].get(k) and labels["en"].get(k))) == []
    assert {"bp_data_all", "bp_data_approved", "bp_no_approved", "bp_n_reporting_open", "bp_unchanged"} <= keys
