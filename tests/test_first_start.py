"""The first start on a machine with no warehouse: the demo build's progress text, then the sign-in form by itself."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.demo import build as demo
from tests.conftest import ROOT
from ui.state import progress_step

pytestmark = pytest.mark.real_auth  # nobody is signed in on a first start


def test_progress_step_says_what_the_build_is_doing_in_both_languages():
    assert progress_step(0, 1, 0.4, "id") == (0.02, "Menyiapkan daftar desa dan rencana laporan… (0 detik)")
    assert progress_step(0, 14326, 2.2, "en") == (0.02, "Preparing the village list and the report plan… (2 s)")
    assert progress_step(7000, 14326, 12.6, "id") == (
        0.4653, "Memvalidasi dan memuat laporan demo: 7.000 dari 14.326 (13 detik)")
    assert progress_step(7000, 14326, 12.6, "en") == (
        0.4653, "Validating and loading demo reports: 7,000 of 14,326 (13 s)")
    assert progress_step(14326, 14326, 21.0, "id") == (
        0.95, "Menyelesaikan: status tinjauan, survei demo, penyimpanan… (21 detik)")
    assert progress_step(14326, 14326, 21.0, "en") == (0.95, "Finishing: review states, demo survey, saving… (21 s)")


def test_first_start_builds_the_demo_and_shows_the_sign_in_form(tmp_path, monkeypatch):
    db = tmp_path / "data" / "pantau.duckdb"
    monkeypatch.setenv("PANTAU_DB", str(db))
    monkeypatch.setenv("PANTAU_TODAY", "2026-12-01")
    real = demo.build
    seen = []

    def small(path, **kwargs):  # the real build on 6 villages and 2 months, in this process
        seen.append(path.name)
        return real(path, **{**kwargs, "months": 2, "villages": 6, "workers": 0})

    monkeypatch.setattr(demo, "build", small)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    assert seen == ["pantau.duckdb.building"]  # built under a temporary name, then renamed
    assert db.exists() and not db.with_name("pantau.duckdb.building").exists()
    assert [t.value for t in at.title] == ["Masuk"]  # the sign-in form, in the same run
    assert at.warning[0].value.startswith("DATA DEMO:")
    assert not at.info  # the build's note is gone
    assert [s.value for s in at.success] == ["Gudang data demo siap."]
