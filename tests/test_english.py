"""Every page in English shows no Indonesian vocabulary word (sectors, channels, sex, kinds, statuses), and the reverse."""
from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import vocabulary
from tests.test_app import APP, PAGES, fixture_db  # noqa: F401 - the small fixture warehouse

# Words of one language that the other never uses (names equal in both, such as 'Bank', are not checked).
WORDS = {lang: sorted({n[lang] for n in vocabulary.names().values() if n["id"] != n["en"]}, key=len, reverse=True)
         for lang in ("id", "en")}
# The warehouse's codes for kinds and statuses are English words: an Indonesian page shows their names.
WORDS["en"] += [v for (kind, v) in vocabulary.names() if kind in ("jenis", "status")]


def rendered_text(at: AppTest) -> str:
    """Everything a page put on screen: texts, labels, options, table headers and cells, chart JSON."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error",
                 "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for e in at.metric:
        parts += [e.label, str(e.value)]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "checkbox", "button", "toggle"):
        for e in getattr(at, kind):
            parts.append(str(getattr(e, "label", "")))
            parts += [str(o) for o in getattr(e, "options", [])]
    for e in at.dataframe:
        frame = e.value
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for e in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(e.proto.spec), ensure_ascii=False))
    return "\n".join(parts)


def foreign_words(text: str, lang: str) -> list[str]:
    other = "en" if lang == "id" else "id"
    return [w for w in WORDS[other] if re.search(rf"(?<![\w/]){re.escape(w)}(?![\w/])", text)]


def test_foreign_words_are_whole_words_of_the_other_language():
    assert foreign_words("Sector: Domestik, Kantor Pos", "en") == ["Kantor Pos", "Domestik"]
    assert foreign_words("Sektor: Domestic work; jenis flow", "id") == ["Domestic work", "flow"]
    assert foreign_words("Perawat/Caregiver", "id") == []


@pytest.fixture
def app(fixture_db, monkeypatch):  # noqa: F811
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    return AppTest.from_file(APP, default_timeout=90)


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("page", PAGES)
def test_page_uses_only_its_languages_vocabulary(app, page, lang):
    app.query_params["lang"] = lang  # as a shared link ?lang=en opens it
    app.switch_page(page).run()  # one run: AppTest formats widget values outside the session (in Indonesian)
    assert not app.exception, [e.value for e in app.exception]
    assert foreign_words(rendered_text(app), lang) == []


def test_comparison_and_estimate_notes_take_the_english_singular():
    from datetime import date

    from pipelines.metrics.compare import Change
    from pipelines.metrics.estimate import Estimate

    one = Change("yoy", date(2024, 1, 1), date(2024, 1, 1), 5, 4, 1, False, True)
    assert one.basis_text("en") == "compared with January 2024 over 1 village-month that reported in both periods"
    assert Change("yoy", date(2024, 1, 1), date(2024, 1, 1), 5, 4, 2, True, True).basis_text("en") == (
        "compared with January 2024 over 2 villages that reported in both periods")
    assert one.basis_text("id") == "dibandingkan dengan Januari 2024 pada 1 desa-bulan yang melapor di kedua periode"
    assert Estimate(30, 40, 1, 0, True).text("en") == (
        "estimate 40 (25.0% estimated; 1 village with no report in the range carries its last value, at most 3 months old)")
