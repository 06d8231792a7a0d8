"""Chart PNG downloads wait a bounded time: a render that hangs, a missing Chromium or a busy server is an
outcome (exports.ImageUnavailable) and a message on the page in its language, never a wait for ever."""
from __future__ import annotations

import asyncio
import threading
import time
import types

import plotly.graph_objects as go
import pytest
from choreographer.errors import ChromeNotFoundError
from streamlit.testing.v1 import AppTest

from pipelines import exports, labels

FIG = go.Figure(go.Bar(x=["Taiwan"], y=[3]))


@pytest.fixture
def fake_kaleido(monkeypatch):
    """A kaleido whose calc_fig is the test's; a Chromium that 'exists'; a one-second wait."""
    module = types.SimpleNamespace()
    monkeypatch.setitem(__import__("sys").modules, "kaleido", module)
    monkeypatch.setattr(exports, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setenv("PANTAU_RENDER_SECONDS", "1")
    return module


def _timed(call):
    began = time.monotonic()
    try:
        call()
    except exports.ImageUnavailable as exc:
        return exc, time.monotonic() - began
    raise AssertionError("no ImageUnavailable")


def test_a_hanging_render_is_cancelled_after_the_setting(fake_kaleido):
    async def calc_fig(fig, opts):
        await asyncio.sleep(3600)
    fake_kaleido.calc_fig = calc_fig
    exc, seconds = _timed(lambda: exports.chart_image(FIG))
    assert (exc.reason, str(exc)) == ("timeout", "timeout: no image after 1 s")
    assert 0.9 < seconds < 2.5


def test_a_render_stuck_past_cancelling_holds_nobody_else(fake_kaleido):
    stuck = threading.Event()

    async def calc_fig(fig, opts):
        if opts["width"] == 10:
            return b"png"
        stuck.wait(30)  # blocks its event loop: not even the cancel gets through

    fake_kaleido.calc_fig = calc_fig
    try:
        for _ in range(3):  # more stuck renders than there are slots
            exc, seconds = _timed(lambda: exports.chart_image(FIG))
            assert (exc.reason, str(exc)) == ("timeout", "timeout: no image after 1 s")
            assert seconds < 2.5
        began = time.monotonic()
        assert exports.chart_image(FIG, "png", 10, 10) == b"png"  # the next user's render goes through
        assert time.monotonic() - began < 1
    finally:
        stuck.set()


def test_kaleido_without_chromium_is_no_browser(fake_kaleido):
    async def calc_fig(fig, opts):
        raise ChromeNotFoundError("Kaleido v1 and later requires Chrome to be installed.")
    fake_kaleido.calc_fig = calc_fig
    exc, seconds = _timed(lambda: exports.chart_image(FIG, "svg"))
    assert (exc.reason, str(exc)) == ("no_browser", "no_browser: Kaleido v1 and later requires Chrome to be installed.")
    assert seconds < 1


def test_no_chromium_found_is_said_before_any_render(monkeypatch, tmp_path):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "chromium"))
    monkeypatch.setitem(__import__("sys").modules, "kaleido", None)  # importing it would fail
    assert exports.browser() is None
    exc, seconds = _timed(lambda: exports.chart_image(FIG))
    assert (exc.reason, str(exc)) == ("no_browser", "no_browser")
    assert seconds < 1


def _page():
    import plotly.graph_objects as go
    import polars as pl

    from ui import widgets
    widgets.downloads(pl.DataFrame({"negara": ["Taiwan"], "jumlah": [3]}), "Penempatan",
                      go.Figure(go.Bar(x=["Taiwan"], y=[3])), key="g")


def test_the_page_says_why_there_is_no_png(monkeypatch):
    monkeypatch.setattr(exports, "browser", lambda: None)
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert [c.value for c in at.caption] == [labels.text("download_png_no_browser", "id")]
    assert not [b for b in at.button if b.key == "png-make-g"]


def test_a_render_that_runs_out_of_time_is_a_warning_in_the_page_language(monkeypatch):
    def stuck(*args, **kwargs):
        raise exports.ImageUnavailable("timeout", "no image after 2 s")
    monkeypatch.setattr(exports, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(exports, "chart_image", stuck)
    monkeypatch.setenv("PANTAU_RENDER_SECONDS", "2")
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.warning
    at.button(key="png-make-g").click().run()
    assert [w.value for w in at.warning] == [
        "Gambar PNG belum jadi dalam 2 detik dan dihentikan. Coba lagi sebentar lagi, atau unduh datanya "
        "sebagai CSV atau XLSX."]
    assert not at.exception


def test_a_made_png_becomes_its_download(monkeypatch):
    monkeypatch.setattr(exports, "browser", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(exports, "chart_image", lambda *a, **k: b"\x89PNG fake")
    at = AppTest.from_function(_page, default_timeout=30).run()
    at.button(key="png-make-g").click().run()
    assert not [b for b in at.button if b.key == "png-make-g"]
    assert at.session_state["png-made-g"][1] == b"\x89PNG fake"
    assert not at.warning and not at.exception
