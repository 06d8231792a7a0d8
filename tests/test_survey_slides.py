"""The briefing pack's optional survey and cohort slides."""
from __future__ import annotations

import io

import pytest
from pptx import Presentation

from pipelines import exports
from pipelines.briefing import pack
from pipelines.cohort import series
from pipelines.survey import store
from tests.test_cohort import planted
from tests.test_survey import survey_file


@pytest.fixture
def no_browser(monkeypatch):
    """The pack draws its charts natively and its map with matplotlib: a browser render would fail here."""
    def render(*args, **kwargs):
        raise AssertionError("the briefing pack must not render through kaleido")
    monkeypatch.setattr(exports, "chart_image", render)


def _texts(slide) -> list[str]:
    return [s.text_frame.text for s in slide.shapes if s.has_text_frame]


def test_no_survey_or_series_no_extra_slides(con, no_browser):
    built = pack.build(con, "35.04", "2024-01", "2024-03")
    assert [s.kind for s in built.slides if s.kind in ("survey", "cohort")] == []


def test_survey_and_cohort_slides_before_the_notes(con, ingest, no_browser):
    store.load(con, "Evaluasi Uji", survey_file(), "a.xlsx", "penguji")
    frame = planted()
    csv = frame.with_columns(seri=__import__("polars").lit("Uji"), nilai=frame["value"].round(2)).select(
        "seri", kode_wilayah="area_code", tahun="year", nilai="nilai", tahun_bergabung="joined_year").write_csv()
    series.import_series(con, csv.encode(), "uji.csv", "penguji")
    built = pack.build(con, "35.04", "2024-01", "2024-03")
    kinds = [s.kind for s in built.slides]
    assert kinds[-3:] == ["survey", "cohort", "notes"]
    # the notes unticked: the optional slides come last, never before the title
    assert [s.kind for s in pack.build(con, "35.04", "2024-01", "2024-03", include={1, 2}).slides] == [
        "title", "kpis", "survey", "cohort"]
    assert built.slides[-3].title == "Survei PMI purna: Evaluasi Uji"
    deck = Presentation(io.BytesIO(built.pptx))
    texts = "\n".join(_texts(deck.slides[len(kinds) - 3]))
    assert "Rp 2,0 juta" in texts and "Rp 3,2 juta" in texts  # the 7 respondents: 2.000.000 -> 3.150.000
    assert "n = 7" in texts
    # alpha per time point: the after scale on the card, the before scale under it, the items in the footnote
    assert "Alfa Cronbach sesudah\n0,50\nIK 95%: -1,91 – 0,91\nsebelum: 0,45 (IK -2,19 – 0,91)" in texts
    assert ("alfa Cronbach (pingouin) per titik waktu: sesudah (harmonis_sesudah, partisipasi_sesudah) dan sebelum "
            "(harmonis_sebelum, partisipasi_sebelum)") in texts
    assert "Survei per desa" in built.sheets and "Efek per tahun sejak bergabung" in built.sheets
    notes = deck.slides[len(kinds) - 3].notes_slide.notes_text_frame.text
    assert notes.startswith("7 responden; rerata pendapatan per bulan naik dari Rp 2,0 juta menjadi Rp 3,2 juta")
