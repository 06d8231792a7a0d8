"""Every page as every demo role with another district in the URL and in the sidebar: no other district's
officer names or findings where the role may not see them, and the writes refused and audited."""
from __future__ import annotations

import time
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from pipelines.accounts.roles import User
from pipelines.review import quality, transitions
from tests.conftest import ROOT
from tests.test_scope import P_FINDING, T_FINDING, T, report
from tests.test_upload_app import XLSX, count, db, preload  # noqa: F401 - the page warehouse fixture

pytestmark = pytest.mark.real_auth

PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").rglob("*.py"))
ADMIN = User("admin", "Admin", "admin")
MINISTRY = User("kemnaker", "Staf Kemnaker", "kementerian")
PONOROGO = User("koord.ponorogo", "Koordinator Ponorogo", "koordinator", ("35.02",))
REVIEWER = User("peninjau", "Peninjau", "peninjau")
ROLES = (ADMIN, MINISTRY, PONOROGO, REVIEWER)
OTHER_OFFICER, OWN_OFFICER = "Siti Tulungagung", "Budi Ponorogo"
OTHER_DISTRICT = "Desa ini bukan wilayah kabupaten/kota Anda; laporan desa lain tidak dapat diunggah."


@pytest.fixture
def two(db, monkeypatch):  # noqa: F811
    """Tunggangri (Tulungagung) and Bringinan (Ponorogo) report April 2024; by June both are two months behind."""
    monkeypatch.setenv("PANTAU_TODAY", "2024-07-15")
    preload({"t.xlsx": report(T, "Tunggangri", OTHER_OFFICER), "p.xlsx": report("35.02.20.2001", "Bringinan",
                                                                              OWN_OFFICER)})


def run(path: str, user: User, area: str, via: str) -> AppTest:
    """One page as the user, the area asked for in the URL (via 'url') or chosen in the sidebar ('sidebar')."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    at.session_state["auth_user"] = user
    at.session_state["auth_at"] = time.time()
    if via == "url":
        at.query_params.update({"area": area, "from": "2024-04", "to": "2024-06"})
    else:
        at.session_state["f_area"] = area
        at.session_state["f_start"], at.session_state["f_end"] = date(2024, 4, 1), date(2024, 6, 1)
    at.run()
    assert not at.exception, (path, user.role, [e.value for e in at.exception])
    return at


def shown(at: AppTest, part: str = "_tree") -> str:
    """Everything the page sent to the browser (or its main part), tables included (their Arrow bytes hold
    the texts)."""
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(getattr(at, part))
    return "\n".join(parts)


@pytest.mark.parametrize("via,area", [("url", T), ("sidebar", "35.04")])
@pytest.mark.parametrize("user", ROLES, ids=lambda u: u.role)
def test_no_page_shows_another_districts_officers_to_a_role_that_may_not_see_them(two, user, via, area):
    """Through the app's own navigation: every page the role may open, one after the other."""
    from ui import auth
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["auth_user"] = user
    at.session_state["auth_at"] = time.time()
    if via == "url":
        at.query_params.update({"area": area, "from": "2024-04", "to": "2024-06"})
    else:
        at.session_state["f_area"] = area
        at.session_state["f_start"], at.session_state["f_end"] = date(2024, 4, 1), date(2024, 6, 1)
    at.run()
    visited, seen = [], []
    for path in [p for paths in auth.pages_for(user).values() for p in paths]:
        at.switch_page(path).run()
        assert not at.exception, (path, [e.value for e in at.exception])
        assert at.session_state["f_area"] == area  # still the other district's area that was asked for
        text = shown(at)
        if user is not ADMIN:
            assert OTHER_OFFICER not in text, path
        if user is PONOROGO and path in ("pages/reporting/mutu.py", "pages/laporan/tinjau.py",
                                         "pages/laporan/riwayat.py"):
            main = shown(at, "main")  # the sidebar's area pickers name the area asked for
            # only the message that the area asked for is not theirs names it
            assert main.count("Tunggangri") == (path == "pages/reporting/mutu.py" and via == "url"), path
            assert "KS02" not in main, path
        visited.append(path)
        if OTHER_OFFICER in text:
            seen.append(path)
    assert len(visited) == {"admin": 17, "kementerian": 12, "koordinator": 16, "peninjau": 14}[user.role]
    # the walk would see the name where it is shown: the admin's pages hold it
    assert sorted(seen) == {("admin", "url"): ["pages/dashboard/desa.py", "pages/laporan/riwayat.py",
                                       "pages/reporting/mutu.py"],
                    ("admin", "sidebar"): ["pages/laporan/riwayat.py", "pages/reporting/mutu.py"]}.get(
        (user.role, via), [])


def test_the_quality_desk_per_role_with_another_district_asked_for(two):
    for via, area in (("url", T), ("sidebar", "35.04")):
        at = run("pages/reporting/mutu.py", PONOROGO, area, via)
        assert [i.value for i in at.info] == [
            ("Desa Tunggangri" if via == "url" else "Kabupaten Tulungagung") + " di luar wilayah kerja Anda: "
            "Mutu Data tidak menampilkan temuan, skor, maupun daftar tindak lanjutnya. Pilih wilayah Anda di "
            "filter samping."]
        assert not at.dataframe and not at.metric
        admin = shown(run("pages/reporting/mutu.py", ADMIN, area, via))
        assert OTHER_OFFICER in admin and "Tunggangri" in admin  # what the others must not see is there
        reviewer = run("pages/reporting/mutu.py", REVIEWER, area, via)
        assert "Tunggangri" in shown(reviewer) and OTHER_OFFICER not in shown(reviewer)
        assert "Nama petugas desa tidak ditampilkan untuk peran Anda." in [c.value for c in reviewer.caption]
    at = run("pages/reporting/mutu.py", PONOROGO, "", "url")
    assert "Hanya wilayah kerja Anda yang ditampilkan: Kabupaten Ponorogo." in [c.value for c in at.caption]
    assert OWN_OFFICER in shown(at) and OTHER_OFFICER not in shown(at)
    assert at.selectbox(key="mq_check_pick").options == ["Bringinan · Apr 2024 · KS02 L07"]


def test_tinjau_offers_only_the_users_districts_and_officers_by_role(two):
    at = run("pages/laporan/tinjau.py", PONOROGO, T, "url")
    assert at.selectbox(key="rv_district").options == ["Kabupaten Ponorogo"]
    at = run("pages/laporan/tinjau.py", REVIEWER, T, "url")
    at.selectbox(key="rv_district").set_value("35.04")
    at.selectbox(key="rv_month").set_value(date(2024, 4, 1)).run()
    assert list(at.dataframe[0].value.columns) == ["Kode desa", "Desa", "Kecamatan", "Melapor", "Tanggal lapor",
                                                   "Versi", "Alasan belum melapor"]
    assert "Nama petugas desa tidak ditampilkan untuk peran Anda." in [c.value for c in at.caption]
    at = run("pages/laporan/tinjau.py", ADMIN, T, "url")
    at.selectbox(key="rv_district").set_value("35.04")
    at.selectbox(key="rv_month").set_value(date(2024, 4, 1)).run()
    assert at.dataframe[0].value["Petugas"].tolist() == [OTHER_OFFICER, "–"]


def test_tinjau_writes_the_time_as_the_rest_of_the_app(two):
    from ui.state import connection
    transitions.act(connection(), ADMIN, "submit", "35.04", date(2024, 4, 1), "", {"35.04.14.2016": "tutup"})
    connection().execute("UPDATE review_states SET changed_at = TIMESTAMP '2026-12-02 07:17:33'")
    connection().execute("UPDATE review_events SET acted_at = TIMESTAMP '2026-12-02 07:17:33'")
    at = run("pages/laporan/tinjau.py", ADMIN, "", "url")
    at.selectbox(key="rv_district").set_value("35.04")
    at.selectbox(key="rv_month").set_value(date(2024, 4, 1)).run()
    assert "Terakhir diubah oleh **admin** pada 2 Desember 2026 07.17 WIB." in [m.value for m in at.markdown]
    assert at.dataframe[-1].value["Waktu"].tolist() == ["2 Desember 2026 07.17 WIB"]


def test_writes_outside_the_scope_are_refused_and_audited(two):
    from ui.state import connection
    con = connection()
    for user in (MINISTRY, PONOROGO):
        with pytest.raises(quality.Refused):
            quality.mark_checked(con, user, T_FINDING, "dicek")
    for user in (MINISTRY, PONOROGO, REVIEWER):
        with pytest.raises(transitions.Refused):
            transitions.act(con, user, "submit", "35.04", date(2024, 4, 1), "", {"35.04.14.2016": "tutup"})
    # the coordinator's own finding is still theirs to close
    quality.mark_checked(con, PONOROGO, P_FINDING, "dicek ke desa")
    assert con.sql("SELECT username, event FROM audit_log WHERE event LIKE 'quality%' OR event LIKE 'review%' "
                   "ORDER BY logged_at").fetchall() == [
        ("kemnaker", "quality_check_refused"), ("koord.ponorogo", "quality_check_refused"),
        ("kemnaker", "review_refused"), ("koord.ponorogo", "review_refused"), ("peninjau", "review_refused"),
        ("koord.ponorogo", "quality_checked")]
    assert count("SELECT count(*) FROM quality_checks WHERE finding_id = 'KS02|35.04.14.2011|2024-04|L07'") == 0
    assert count("SELECT count(*) FROM review_states") == 0


def test_an_upload_for_another_district_is_refused_on_the_page_and_audited(two):
    at = run("pages/laporan/unggah.py", PONOROGO, T, "url")
    at.file_uploader[0].set_value([("t2.xlsx", report(T, "Tunggangri", OTHER_OFFICER), XLSX)]).run()
    assert at.dataframe[1].value["Keterangan dan yang diharapkan"].tolist() == [OTHER_DISTRICT]
    assert [b for b in at.button if b.key == "up_confirm"] == []
    assert count("SELECT count(*) FROM audit_log WHERE event = 'upload_rejected' AND username = 'koord.ponorogo'") == 1
    assert count("SELECT count(*) FROM submissions") == 2
