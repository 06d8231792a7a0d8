"""AppTest over every page on a small fixture warehouse, plus the language switch."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.ingest import load, registry
from pipelines.accounts import users
from pipelines import migrations
from tests.conftest import REGISTRY_CSV, ROOT, good_identity, make_workbook

APP = str(ROOT / "app.py")
BROWSER_PASSWORD = "uji-pantau-2026"  # the fixture's admin account, for the real-browser tests
# Every page file but the sign-in form (which a signed-in user does not get).
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*/*.py") if p.name != "masuk.py")


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    """A closed warehouse file with the 4-village registry and three months of Tunggangri."""
    folder = tmp_path_factory.mktemp("app")
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    files = [load.Source(f"t-{m}.xlsx", make_workbook(identity=good_identity(periode=m))) for m in
             ("2024-01", "2024-02", "2024-03")]
    assert all(r.status == "accepted" for r in load.load_files(con, files, "penguji"))
    users.add_user(con, "penguji", "Penguji", "admin", [], BROWSER_PASSWORD)
    con.close()
    return db


@pytest.fixture
def app(fixture_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(fixture_db))
    return AppTest.from_file(APP, default_timeout=60)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(app, page):
    app.run()
    app.switch_page(page)
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def test_warehouse_page_shows_exact_counts(app):
    app.run()
    app.switch_page("pages/data/gudang.py").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Desa program"] == "4"
    assert metrics["Kabupaten/kota"] == "3"
    assert metrics["Laporan desa-bulan (versi terkini)"] == "3"
    assert metrics["Bulan tercakup"] == "3"
    assert "Bulan tercakup: Januari 2024 – Maret 2024" in app.caption[0].value
    assert not app.warning  # not a demo warehouse: no demo banner


def test_language_switch_to_english(app):
    app.run()
    app.switch_page("pages/data/gudang.py").run()
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    assert app.title[0].value == "Data Warehouse"
    assert {m.label for m in app.metric} >= {"Programme villages", "Districts"}
