"""AppTest over every page on a small fixture warehouse, plus the language switch."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations
from pipelines.accounts import users
from pipelines.ingest import load, registry
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



# A shared link with every sidebar choice (Indonesian: AppTest formats the area pickers' options
# outside the session on later runs, so a second language is checked on the first run only).
SHARED = {"area": "35.04", "from": "2024-01", "to": "2024-03", "banding": "prev", "data": "disetujui"}


def _url(app) -> dict:
    return {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}


def test_every_choice_survives_navigation(app):
    for key, value in SHARED.items():
        app.query_params[key] = value
    app.run()
    for path in ("pages/dashboard/pilar.py", "pages/data/gudang.py", "pages/dashboard/wilayah.py",
                 "pages/reporting/kelengkapan.py"):
        app.switch_page(path).run()
        assert not app.exception, [e.value for e in app.exception]
        assert _url(app) == SHARED, path
        assert {link.proto.query_string for link in app.get("page_link")} == {
            "area=35.04&from=2024-01&to=2024-03&banding=prev&data=disetujui"}
        if path != "pages/data/gudang.py":  # the one page here without the filters
            assert app.sidebar.radio(key="f_compare").value == "prev"
            assert app.sidebar.toggle(key="f_approved").value is True
            assert (app.sidebar.selectbox[0].value, app.sidebar.selectbox[1].value) == (date(2024, 1, 1), date(2024, 3, 1))
            assert app.session_state["f_area"] == "35.04"


def test_page_links_carry_the_language(app):
    app.query_params["lang"] = "en"
    app.run()
    links = app.get("page_link")
    assert links[0].proto.label == "Overview"
    assert {link.proto.query_string for link in links} == {"area=&from=2024-01&to=2024-03&lang=en"}


def test_choices_changed_on_a_page_reach_the_next(app):
    app.run()
    app.switch_page("pages/dashboard/ringkasan.py").run()
    app.sidebar.radio(key="f_compare").set_value("prev").run()
    app.sidebar.toggle(key="f_approved").set_value(True).run()
    app.switch_page("pages/dashboard/pilar.py").run()
    assert app.sidebar.radio(key="f_compare").value == "prev"
    assert app.sidebar.toggle(key="f_approved").value is True
    assert (_url(app)["banding"], _url(app)["data"]) == ("prev", "disetujui")
    app.switch_page("pages/data/gudang.py").run()   # no filters here: the URL keeps the choices all the same
    assert (_url(app)["banding"], _url(app)["data"]) == ("prev", "disetujui")
    app.switch_page("pages/dashboard/pilar.py").run()
    assert app.sidebar.radio(key="f_compare").value == "prev"
    assert app.sidebar.toggle(key="f_approved").value is True


def test_review_notice_once_per_sign_in_and_singular_for_one(app, monkeypatch):
    from pipelines.review import transitions
    from ui import auth
    monkeypatch.setattr(transitions, "waiting", lambda con, user: ["35.04 2024-02", "35.04 2024-03"])
    app.session_state[auth.SESSION_KEY] = "sign-in-1"
    app.run()
    assert [i.value for i in app.info] == ["2 bulan kabupaten/kota menunggu persetujuan Anda (halaman Tinjau)."]
    assert not app.toast  # Streamlit's toast has no accessible name
    app.switch_page("pages/data/gudang.py").run()
    assert not app.info
    reload = AppTest.from_file(APP, default_timeout=60)  # a reload: a new Streamlit session, the same sign-in
    reload.session_state[auth.SESSION_KEY] = "sign-in-1"
    reload.run()
    assert not reload.info
    monkeypatch.setattr(transitions, "waiting", lambda con, user: ["35.04 2024-03"])
    english = AppTest.from_file(APP, default_timeout=60)  # another sign-in
    english.session_state[auth.SESSION_KEY] = "sign-in-2"
    english.query_params["lang"] = "en"
    english.run()
    assert [i.value for i in english.info] == ["1 district month is waiting for your approval (Review page)."]
