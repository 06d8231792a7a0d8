"""ui/internals: every private Streamlit/glibc use in one module, behind PANTAU_FAST_PATHS, and pages the same without it."""
from __future__ import annotations

import json
import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, displayed
from tests.test_app import APP, PAGES, fixture_db  # noqa: F401 - the fixture warehouse of the page walk
from ui import internals

# What reaches into a library's private parts: Streamlit's runtime and server modules, plotly's base
# classes and its private validation switch, glibc through ctypes.
PRIVATE = re.compile(r"streamlit\.runtime|streamlit\.web|streamlit import file_util|plotly\.basedatatypes"
                     r"|_validate\b|BaseFigure|ctypes|PagesManager")
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py")),
           *sorted((ROOT / "pipelines").rglob("*.py"))]


def test_only_ui_internals_touches_private_parts():
    touching = sorted(str(p.relative_to(ROOT)) for p in SOURCES if PRIVATE.search(p.read_text(encoding="utf-8")))
    assert touching == ["ui/internals.py"]


def test_the_setting_is_declared_on_by_default_and_read_strictly(monkeypatch):
    monkeypatch.delenv("PANTAU_FAST_PATHS", raising=False)
    assert internals.enabled() is True
    monkeypatch.setenv("PANTAU_FAST_PATHS", "0")
    assert internals.enabled() is False
    monkeypatch.setenv("PANTAU_FAST_PATHS", "ya")
    with pytest.raises(ValueError, match="PANTAU_FAST_PATHS must be 1 or 0"):
        internals.enabled()


def test_off_the_server_keeps_streamlits_own_files_and_arenas(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.setenv("PANTAU_FAST_PATHS", "0")
    assert internals.middleware() == []
    assert internals.limit_arenas() is False  # never reaches glibc
    monkeypatch.setenv("PANTAU_FAST_PATHS", "1")
    assert [m.cls for m in internals.middleware()] == [internals.Bundles]


def _shown(at: AppTest) -> dict:
    """What a page shows: its texts, metrics, tables as the browser writes them, chart and map specs."""
    texts = [(kind, e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                                          "error", "success") for e in getattr(at, kind)]
    return {
        "texts": texts,
        "metrics": [(m.label, m.value, m.delta) for m in at.metric],
        "tables": [displayed(t).astype(str).values.tolist() for t in at.dataframe],
        "charts": [json.loads(c.proto.spec) for c in at.get("plotly_chart")],
        "maps": [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")],
    }


def _page(page: str) -> dict:
    st.cache_data.clear()
    st.cache_resource.clear()  # every model built again, not read from the other mode's run
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return _shown(at)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_the_same_with_the_fast_paths_off(fixture_db, monkeypatch, page):  # noqa: F811
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    monkeypatch.setenv("PANTAU_FAST_PATHS", "0")
    plain = _page(page)
    monkeypatch.setenv("PANTAU_FAST_PATHS", "1")
    fast = _page(page)
    assert fast == plain
    assert any(plain.values())  # the page showed something to compare
