"""The user's scope on the desks: Mutu Data reads and Tandai dicek, Tinjau's villages, officer names, times."""
from __future__ import annotations

from datetime import date, datetime

import polars as pl
import pytest

from pipelines import formatting
from pipelines.accounts.roles import User
from pipelines.review import followup, quality, transitions
from pipelines.views import quality as desk_view
from pipelines.views import review
from pipelines.views.selection import Selection
from tests.conftest import good_identity, good_values, make_workbook, scalar

T, B, P = "35.04.14.2011", "35.04.14.2016", "35.02.20.2001"
T_FINDING, P_FINDING = f"KS02|{T}|2024-04|L07", f"KS02|{P}|2024-04|L07"
ADMIN = User("admin", "Admin", "admin")
MINISTRY = User("kemnaker", "Staf Kemnaker", "kementerian")
TULUNGAGUNG = User("koord.tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))
PONOROGO = User("koord.ponorogo", "Koordinator Ponorogo", "koordinator", ("35.02",))
REVIEWER = User("peninjau", "Peninjau", "peninjau")
REVIEWER_NTB = User("peninjau.ntb", "Peninjau NTB", "peninjau", ("52",))
APRIL, JULY = date(2024, 4, 1), date(2024, 7, 1)


def report(code: str, name: str, officer: str) -> bytes:
    """April 2024 with L07 2 > L06 1: one KS02 finding; nothing after, so three months behind by July."""
    return make_workbook(identity=good_identity(kode_desa=code, nama_desa=name, periode="2024-04",
                                                tanggal_lapor="2024-05-05", nama_petugas=officer),
                         values=good_values() | {"L06": 1, "L07": 2})


@pytest.fixture
def two(con, ingest):
    """Tunggangri (Tulungagung, officer Siti Tulungagung) and Bringinan (Ponorogo, Budi Ponorogo) report April."""
    results = ingest({"t.xlsx": report(T, "Tunggangri", "Siti Tulungagung"),
                      "p.xlsx": report(P, "Bringinan", "Budi Ponorogo")}, today=date(2026, 12, 1))
    assert [r.status for r in results] == ["accepted", "accepted"]
    return con


def desk(con, user, area):
    return desk_view.model(con, Selection(area, APRIL, JULY, user=user), "id", as_of=JULY)


def test_a_coordinator_sees_only_their_district_whatever_the_area(two):
    d = desk(two, PONOROGO, "")
    assert d.summary["district_code"].to_list() == ["35.02"]
    assert d.findings["finding_id"].to_list() == [P_FINDING]
    assert d.scores["village_code"].to_list() == [P]
    assert d.followup.select("village_code", "months_behind", "officer").rows() == [(P, 3, "Budi Ponorogo")]
    assert d.message == (
        "Tindak lanjut laporan bulanan Desmigratif (s.d. Juli 2024): 1 desa terlambat atau belum melapor.\n"
        "- Bringinan (Jambon): 3 bulan; laporan terakhir April 2024 tgl 5 Mei 2024, petugas Budi Ponorogo")
    assert d.scope_names == ["Kabupaten Ponorogo"]
    province = desk(two, PONOROGO, "35")  # Jawa Timur: its other districts' officers stay out of list, text, XLSX
    assert province.findings["finding_id"].to_list() == [P_FINDING]
    assert province.followup["officer"].to_list() == ["Budi Ponorogo"]
    assert "Siti" not in province.message
    assert pl.read_excel(followup.workbook(province.followup), engine="calamine")[
        "petugas_laporan_terakhir"].to_list() == ["Budi Ponorogo"]


def test_another_district_in_the_request_shows_nothing_of_it(two):
    d = desk(two, PONOROGO, "35.04")
    assert d.scope.empty
    assert [d.summary.height, d.findings.height, d.scores.height, d.followup.height] == [0, 0, 0, 0]
    assert d.message == ("Tindak lanjut laporan bulanan Desmigratif (s.d. Juli 2024): 0 desa terlambat atau "
                         "belum melapor.")
    assert "Siti" not in pl.read_excel(followup.workbook(d.followup), engine="calamine").write_csv()
    assert desk(two, PONOROGO, T).findings.height == 0


def test_a_reviewer_sees_findings_but_no_officer_names(two):
    d = desk(two, REVIEWER, "35.04")
    assert d.findings["finding_id"].to_list() == [T_FINDING]
    assert d.officers_hidden
    assert d.followup.columns == ["village_code", "village_name", "subdistrict", "district_code", "district",
                                  "months_behind", "last_period", "reported_on"]
    assert d.message == (
        "Tindak lanjut laporan bulanan Desmigratif (s.d. Juli 2024): 2 desa terlambat atau belum melapor.\n"
        "- Betak (Kalidawir): 36 bulan; laporan terakhir belum pernah tgl –\n"
        "- Tunggangri (Kalidawir): 3 bulan; laporan terakhir April 2024 tgl 5 Mei 2024")
    back = pl.read_excel(followup.workbook(d.followup), engine="calamine")
    assert back.columns == ["kode_desa", "nama_desa", "kecamatan", "kabupaten_kota", "bulan_terlambat_atau_kosong",
                            "laporan_terakhir_bulan", "tanggal_laporan_terakhir"]
    assert desk_view.followup_shown(d.followup, "id").row(1) == (
        T, "Tunggangri", "Kalidawir", "Kabupaten Tulungagung", 3, "April 2024", "5 Mei 2024")


def test_admin_sees_every_district_and_officer(two):
    d = desk(two, ADMIN, "35")
    assert d.findings["finding_id"].to_list() == [P_FINDING, T_FINDING]
    assert d.followup.filter(pl.col("officer").is_not_null())["officer"].to_list() == [
        "Budi Ponorogo", "Siti Tulungagung"]
    assert d.scope_names == [] and not d.officers_hidden


@pytest.mark.parametrize("user", [PONOROGO, MINISTRY, REVIEWER_NTB, None])
def test_marking_another_districts_finding_is_refused_and_audited(two, user):
    with pytest.raises(quality.Refused):
        quality.mark_checked(two, user, T_FINDING, "sudah dicek")
    assert scalar(two, "SELECT count(*) FROM quality_checks") == 0
    assert two.sql("SELECT username, event, detail FROM audit_log WHERE event LIKE 'quality%'").fetchall() == [
        (user.username if user else "?", "quality_check_refused", f"{T_FINDING}: di luar wilayah akun")]
    assert T_FINDING in quality.open_findings(two, "35.04", APRIL)


def test_marking_within_the_scope_still_works(two):
    quality.mark_checked(two, PONOROGO, P_FINDING, "sudah dicek ke desa")
    quality.mark_checked(two, REVIEWER, T_FINDING, "dicek peninjau")
    with pytest.raises(quality.Refused):
        quality.mark_checked(two, PONOROGO, "tanpa-bentuk", "x")
    assert two.sql("SELECT finding_id, checked_by FROM quality_checks ORDER BY 1").fetchall() == [
        (P_FINDING, "koord.ponorogo"), (T_FINDING, "peninjau")]


def test_tinjau_villages_carry_officer_names_only_for_those_who_may_see_them(two):
    assert review.district_month(two, TULUNGAGUNG, "35.04", APRIL).villages["officer"].to_list() == [
        "Siti Tulungagung", None]
    m = review.district_month(two, REVIEWER, "35.04", APRIL)
    assert m.officers_hidden
    assert review.village_rows(m.villages, {}, "id", "ya", "tidak").rows() == [
        (T, "Tunggangri", "Kalidawir", "ya", "5 Mei 2024", "1", ""),
        (B, "Betak", "Kalidawir", "tidak", "–", "–", "")]
    with pytest.raises(PermissionError):
        review.district_month(two, PONOROGO, "35.04", APRIL)
    with pytest.raises(PermissionError):
        review.district_month(two, MINISTRY, "35.04", APRIL)


def test_submitting_another_districts_month_is_refused_and_audited(two):
    with pytest.raises(transitions.Refused):
        transitions.act(two, PONOROGO, "submit", "35.04", APRIL, "", {B: "tutup"}, today=date(2024, 7, 15))
    assert two.sql("SELECT username, event FROM audit_log WHERE event LIKE 'review%'").fetchall() == [
        ("koord.ponorogo", "review_refused")]
    assert scalar(two, "SELECT count(*) FROM review_states") == 0


def test_times_are_written_as_the_rest_of_the_app_writes_dates():
    at = datetime(2026, 12, 2, 7, 17, 33)
    assert formatting.moment(at) == "2 Desember 2026 07.17 WIB"
    assert formatting.moment(at, "en") == "2 December 2026 07:17 WIB"
    assert formatting.moment(None) == "–"
    assert transitions.at_text(at) == "2 Desember 2026 07.17 WIB"
    assert transitions.at_text(None) == ""


def test_tinjau_history_times_in_words(two):
    transitions.act(two, TULUNGAGUNG, "submit", "35.04", APRIL, "", {B: "tutup"}, today=date(2024, 7, 15))
    two.execute("UPDATE review_events SET acted_at = TIMESTAMP '2026-12-02 07:17:33'")
    m = review.district_month(two, TULUNGAGUNG, "35.04", APRIL)
    rows = review.event_rows(m.events, "id", {"submit": "Ajukan"}, {"diajukan": "Diajukan"})
    assert rows.select("action", "state", "username", "acted_at").rows() == [
        ("Ajukan", "Diajukan", "koord.tulungagung", "2 Desember 2026 07.17 WIB")]


@pytest.mark.parametrize("user", [MINISTRY, REVIEWER, None])
def test_an_upload_by_a_role_without_upload_is_refused_and_audited(con, user):
    from pipelines.views import upload
    with pytest.raises(upload.NotAllowed):
        upload.confirm(con, [("t.xlsx", report(T, "Tunggangri", "Siti Tulungagung"))], user)
    assert con.sql("SELECT username, event, detail FROM audit_log").fetchall() == [
        (user.username if user else "?", "upload_rejected",
         '{"reason": "role", "role": ' + (f'"{user.role}"' if user else "null") + "}")]
    assert scalar(con, "SELECT count(*) FROM submissions") == 0
