"""AppTest flows of signing in (errors, lockout, demo accounts), the admin's Pengguna page, and page access."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from pipelines import migrations, warehouse
from pipelines.accounts import audit, signin, users
from pipelines.accounts.roles import User
from pipelines.ingest import registry
from tests.conftest import REGISTRY_CSV, ROOT
from ui.auth import pages_for

LOGIN = str(ROOT / "pages" / "akun" / "masuk.py")
USERS = str(ROOT / "pages" / "akun" / "pengguna.py")
ADMIN = User("admin", "Admin (demo)", "admin")
MINISTRY = User("kemnaker", "Staf Kemnaker (demo)", "kementerian")

pytestmark = pytest.mark.real_auth

# Until app.py routes through ui.auth, a stand-in app that wires it the way app.py is meant to.
HARNESS = '''
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
import streamlit as st
from ui import auth
from ui.i18n import t

ROOT = Path({root!r})
user = auth.current_user()
with st.sidebar:
    auth.account_box()
st.navigation({{t(section): [st.Page(ROOT / p) for p in paths if (ROOT / p).exists()]
               for section, paths in auth.pages_for(user).items()}}).run()
'''


def app_file(folder: Path) -> str:
    """app.py once it routes by ui.auth.pages_for, else the stand-in above."""
    if "pages_for" in (ROOT / "app.py").read_text(encoding="utf-8"):
        return str(ROOT / "app.py")
    path = folder / "harness_app.py"
    path.write_text(HARNESS.format(root=str(ROOT)), encoding="utf-8")
    return str(path)


def make_db(folder: Path, demo: bool) -> Path:
    """A closed warehouse with the 4-village registry and the demo accounts; flagged demo or not."""
    (folder / "desa.csv").write_text(REGISTRY_CSV, encoding="utf-8")
    db = folder / "pantau.duckdb"
    con = migrations.connect(db)
    registry.load_registry(con, folder / "desa.csv")
    users.ensure_demo_accounts(con)
    if demo:
        con.execute("INSERT OR REPLACE INTO warehouse_info VALUES ('demo', 'ya')")
    con.close()
    return db


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    (tmp_path / "plain").mkdir()
    path = make_db(tmp_path / "plain", demo=False)
    monkeypatch.setenv("PANTAU_DB", str(path))
    return path


@pytest.fixture
def demo_db(tmp_path, monkeypatch) -> Path:
    (tmp_path / "demo").mkdir()
    path = make_db(tmp_path / "demo", demo=True)
    monkeypatch.setenv("PANTAU_DB", str(path))
    return path


def page(path: str, user: User | None = None, signed_in_at: float | None = None) -> AppTest:
    at = AppTest.from_file(path, default_timeout=60)
    if user is not None:
        at.session_state["auth_user"] = user
        at.session_state["auth_at"] = signed_in_at or time.time()
    return at.run()


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="au_username").input(username)
    at.text_input(key="au_password").input(password)
    return at.button(key="au_submit").click().run()


def texts(at: AppTest) -> str:
    return "\n".join(e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.error, at.success)
                     for e in kind)


def test_pages_for_each_role():
    dashboard = ["pages/dashboard/ringkasan.py", "pages/dashboard/pilar.py", "pages/dashboard/peta.py",
                 "pages/dashboard/wilayah.py", "pages/dashboard/desa.py", "pages/dashboard/capaian.py"]
    common = {"section_dashboard": dashboard, "section_reporting": ["pages/reporting/kelengkapan.py"],
              "section_analysis": ["pages/analisis/survei.py", "pages/analisis/kohort.py"],
              "section_presenting": ["pages/presentasi/paket.py"], "section_data": ["pages/data/gudang.py",
                                                                                         "pages/data/kamus.py"]}
    upload = {"section_reports": ["pages/laporan/unggah.py", "pages/laporan/riwayat.py", "pages/laporan/tinjau.py"]}
    quality = {"section_reporting": ["pages/reporting/kelengkapan.py", "pages/reporting/mutu.py"]}
    assert pages_for(None) == {"section_account": ["pages/akun/masuk.py"]}
    assert pages_for(MINISTRY) == common
    assert pages_for(User("k", "K", "koordinator", ("35.04",))) == common | quality | upload
    assert pages_for(User("p", "P", "peninjau")) == common | quality | {"section_reports": ["pages/laporan/tinjau.py"]}
    assert pages_for(ADMIN) == common | quality | upload | {"section_account": ["pages/akun/pengguna.py"]}
    assert list(pages_for(ADMIN)) == ["section_dashboard", "section_reporting", "section_reports",
                                      "section_analysis", "section_presenting", "section_data", "section_account"]
    listed = {p for u in (None, ADMIN) for paths in pages_for(u).values() for p in paths}
    assert all((ROOT / p).exists() for p in listed)


def test_login_wrong_password_shows_error(db):
    at = sign_in(page(LOGIN), "koord.tulungagung", "bukan-kata-sandinya")
    assert not at.exception
    assert [e.value for e in at.error] == ["Nama pengguna atau kata sandi salah"]
    assert "auth_user" not in at.session_state
    at = sign_in(page(LOGIN), "tidak.ada", "bukan-kata-sandinya")  # unknown name: the same message
    assert [e.value for e in at.error] == ["Nama pengguna atau kata sandi salah"]


def test_login_lockout_message(db):
    at = page(LOGIN)
    for _ in range(4):
        sign_in(at, "koord.ponorogo", "bukan-kata-sandinya")
    assert [e.value for e in at.error] == ["Nama pengguna atau kata sandi salah"]
    sign_in(at, "koord.ponorogo", "bukan-kata-sandinya")
    con = migrations.connect(db)
    until = signin.locked_until(con, "koord.ponorogo")
    assert [e.value for e in at.error] == [
        f"Akun terkunci sampai {until:%H:%M} WIB karena terlalu banyak percobaan"]
    sign_in(at, "koord.ponorogo", users.DEMO_PASSWORD)  # even the right password waits
    assert [e.value for e in at.error] == [f"Akun terkunci sampai {until:%H:%M} WIB karena terlalu banyak percobaan"]
    assert audit.audit_log(con, 10, username="koord.ponorogo")["event"].to_list() == [
        "login_failed", "locked", "login_failed", "login_failed", "login_failed", "login_failed"]


def test_login_success_and_disabled_account(db):
    at = sign_in(page(LOGIN), "Koord.Tulungagung", users.DEMO_PASSWORD)
    assert not at.error
    assert at.session_state["auth_user"] == User("koord.tulungagung", "Koordinator Kabupaten Tulungagung (demo)",
                                                  "koordinator", ("35.04",))
    con = migrations.connect(db)
    users.disable(con, "cli", "koord.ponorogo")
    at = sign_in(page(LOGIN), "koord.ponorogo", users.DEMO_PASSWORD)
    assert [e.value for e in at.error] == ["Akun dinonaktifkan"]


def test_demo_accounts_listed_only_in_demo_mode(db, demo_db, monkeypatch):
    monkeypatch.setenv("PANTAU_DB", str(db))  # same accounts, warehouse not flagged demo
    plain = page(LOGIN)
    assert not plain.dataframe
    assert users.DEMO_PASSWORD not in texts(plain)
    monkeypatch.setenv("PANTAU_DB", str(demo_db))
    demo = page(LOGIN)
    assert not demo.exception
    assert "kata sandi semua akun demo: `desmigratif-demo`" in texts(demo)
    shown = demo.dataframe[0].value
    assert list(shown["Nama pengguna"]) == ["admin", "kemnaker", "koord.lomboktimur", "koord.ponorogo",
                                            "koord.tulungagung", "peninjau"]
    assert list(shown["Kabupaten/kota"]) == ["", "", "52.03", "35.02", "35.04", ""]


def test_users_page_refuses_ministry_and_anonymous(db):
    ministry = page(USERS, MINISTRY)
    assert not ministry.exception
    assert [e.value for e in ministry.error] == ["Halaman ini hanya untuk peran: Admin."]
    assert not ministry.dataframe and not ministry.button
    nobody = page(USERS)
    assert [w.value for w in nobody.warning] == ["Silakan masuk terlebih dahulu."]
    assert not nobody.dataframe


def test_admin_changes_a_role_audited(db):
    at = page(USERS, ADMIN)
    assert not at.exception
    assert list(at.dataframe[0].value["Nama pengguna"]) == ["admin", "kemnaker", "koord.lomboktimur",
                                                            "koord.ponorogo", "koord.tulungagung", "peninjau"]
    at.selectbox(key="au_role_user").set_value("koord.ponorogo").run()
    at.multiselect(key="au_role_districts_koord.ponorogo").set_value(["35.02", "35.04"])
    at.button(key="au_role_submit").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Peran koord.ponorogo disimpan."]
    con = migrations.connect(db)
    assert users.get_user(con, "koord.ponorogo").districts == ("35.02", "35.04")
    assert audit.audit_log(con, 1, event="role_changed").select("username", "detail").rows() == [
        ("admin", "pengguna koord.ponorogo: koordinator [35.02] -> koordinator [35.02, 35.04]")]
    # The change shows in the (unfiltered) audit table of the page.
    assert "Peran diubah" in list(at.dataframe[1].value["Kejadian"])


def test_admin_adds_a_user_and_sees_refusals(db):
    at = page(USERS, ADMIN)
    at.text_input(key="au_add_username").input("siti")
    at.text_input(key="au_add_name").input("Siti Aminah")
    at.multiselect(key="au_add_districts").set_value(["35.04"])
    at.text_input(key="au_add_password").input("pendek")
    at.text_input(key="au_add_password2").input("pendek")
    at.button(key="au_add_submit").click().run()
    assert [e.value for e in at.error] == ["Kata sandi minimal 10 karakter."]
    at.text_input(key="au_add_password").input("cukup-panjang-sekali")
    at.text_input(key="au_add_password2").input("cukup-panjang-sekali")
    at.button(key="au_add_submit").click().run()
    assert [s.value for s in at.success] == ["Pengguna siti ditambahkan."]
    assert at.text_input(key="au_add_password").value == ""  # typed passwords are not kept
    con = migrations.connect(db)
    assert signin.authenticate(con, "siti", "cukup-panjang-sekali")[0] == User("siti", "Siti Aminah", "koordinator",
                                                                              ("35.04",))
    assert audit.audit_log(con, 1, event="user_added", username="admin")["detail"].to_list() == [
        "pengguna siti: Siti Aminah; peran koordinator; kabupaten/kota 35.04"]


def test_session_expires_and_disabling_signs_out(db, monkeypatch):
    monkeypatch.setenv("PANTAU_SESSION_MINUTES", "1")
    expired = page(USERS, ADMIN, signed_in_at=time.time() - 61)
    assert [w.value for w in expired.warning] == ["Silakan masuk terlebih dahulu."]
    assert "auth_user" not in expired.session_state
    con = migrations.connect(db)
    assert audit.audit_log(con, 1).select("username", "event", "detail").rows() == [
        ("admin", "logout", "sesi kedaluwarsa")]
    users.add_user(con, "pusat", "Admin Pusat", "admin", [], "admin-pusat-rahasia")
    users.disable(con, "cli", "admin")
    disabled = page(USERS, ADMIN)
    assert [w.value for w in disabled.warning] == ["Silakan masuk terlebih dahulu."]


def test_app_signs_in_to_the_dashboard_and_out_again(demo_db, tmp_path):
    at = AppTest.from_file(app_file(tmp_path), default_timeout=60).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Masuk"]
    sign_in(at, "kemnaker", users.DEMO_PASSWORD)
    assert not at.exception
    assert at.title[0].value == "Ringkasan"
    at.button(key="au_logout").click().run()
    assert [t.value for t in at.title] == ["Masuk"]
    assert "auth_user" not in at.session_state


def test_a_signed_in_session_is_checked_again_after_any_write(db):
    # The check is kept between runs and read again after a write: disabling the account (a write)
    # ends the session on its next click.
    at = sign_in(page(LOGIN), "koord.tulungagung", users.DEMO_PASSWORD)
    assert at.session_state["auth_user"].username == "koord.tulungagung"
    digest, generation, _ = at.session_state["auth_checked"]
    assert digest == at.session_state["auth_session"] and generation == warehouse.generation()
    at.run()
    assert at.session_state["auth_user"].username == "koord.tulungagung"
    con = migrations.connect(db)
    users.disable(con, "cli", "koord.tulungagung")
    at.run()
    assert "auth_user" not in at.session_state
