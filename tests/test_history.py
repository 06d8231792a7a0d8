"""Submission history: scope, filters, versions, side-by-side comparison, original files."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.accounts import roles
from pipelines.views import history
from tests.conftest import good_identity, good_values, make_workbook

ADMIN = roles.User("admin", "Admin", "admin")
MINISTRY = roles.User("kemnaker", "Staf Kemnaker", "kementerian")
TULUNGAGUNG = roles.User("koord.tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))
MARCH = date(2024, 3, 1)


@pytest.fixture
def loaded(ingest):
    """Tunggangri March in two versions, Tunggangri April, Bringinan (Ponorogo) March."""
    v1 = make_workbook(values=good_values() | {"L01": 5, "L03": None})
    ingest({"v1.xlsx": v1})
    ingest({"v2.xlsx": make_workbook(values=good_values() | {"L01": 9, "L03": 0}, placements=[]),
            "april.xlsx": make_workbook(identity=good_identity(periode="2024-04")),
            "bringinan.xlsx": make_workbook(identity=good_identity(kode_desa="35.02.20.2001", nama_desa="Bringinan"))})
    return v1


def test_scope_decides_what_is_listed(con, loaded):
    assert history.submissions(con, TULUNGAGUNG).select("file_name", "version", "versions", "is_current").rows() == [
        ("april.xlsx", 1, 1, True), ("v2.xlsx", 2, 2, True), ("v1.xlsx", 1, 2, False)]
    assert history.submissions(con, ADMIN).height == 4
    assert history.submissions(con, MINISTRY).height == 0
    assert history.districts(con, TULUNGAGUNG).rows() == [("35.04", "Kabupaten Tulungagung", 2)]
    assert history.districts(con, ADMIN)["district_code"].to_list() == ["35.02", "35.04", "52.03"]
    assert history.districts(con, MINISTRY).is_empty()


def test_filters(con, loaded):
    assert history.submissions(con, ADMIN, district="35.02")["file_name"].to_list() == ["bringinan.xlsx"]
    assert history.submissions(con, TULUNGAGUNG, district="35.02").is_empty()  # outside the scope stays hidden
    assert history.submissions(con, ADMIN, village="35.04.14.2011", period=MARCH)["file_name"].to_list() == [
        "v2.xlsx", "v1.xlsx"]
    assert history.submissions(con, TULUNGAGUNG, current_only=True)["file_name"].to_list() == ["april.xlsx", "v2.xlsx"]
    assert history.months(con, TULUNGAGUNG) == [date(2024, 4, 1), MARCH]


def test_versions_record_who_when_what(con, loaded):
    v = history.versions(con, "35.04.14.2011", MARCH)
    assert v.select("version", "is_current", "file_name", "uploaded_by", "officer", "warnings").rows() == [
        (1, False, "v1.xlsx", "penguji", "Siti Aminah", 0), (2, True, "v2.xlsx", "penguji", "Siti Aminah", 0)]
    assert v["file_sha256"].str.len_chars().to_list() == [64, 64]


def test_compare_lists_every_indicator_and_total_and_marks_changes(con, loaded):
    a, b = history.versions(con, "35.04.14.2011", MARCH)["submission_id"].to_list()
    table = history.compare(con, a, b)
    assert table.height == 25 + 5
    assert table.filter("changed").select("code", "a", "b").rows() == [
        ("L01", 5.0, 9.0), ("L03", None, 0.0), ("placements", 6.0, 0.0)]
    shown = history.shown(table.filter("changed"))
    assert shown.select("code", "a", "b").rows() == [("L01", "5", "9"), ("L03", "–", "0"), ("Penempatan", "6", "0")]
    money = history.shown(table.filter(table["code"].is_in(["U06", "K05"])))
    assert money.select("a", "b").rows() == [("15.000.000", "15.000.000"), ("ya", "ya")]
    english = history.shown(table.filter(table["code"].is_in(["U06", "placements"])), "en")
    assert english.select("code", "item", "a").rows() == [("U06", "Turnover of assisted businesses", "15,000,000"),
                                                          ("Penempatan", "Placements, people", "6")]


def test_original_file_only_within_scope(con, loaded):
    first = history.versions(con, "35.04.14.2011", MARCH)["submission_id"][0]
    assert history.original(con, TULUNGAGUNG, first) == ("v1.xlsx", loaded)
    bringinan = history.submissions(con, ADMIN, district="35.02")["submission_id"][0]
    assert history.original(con, TULUNGAGUNG, bringinan) is None
    assert history.original(con, MINISTRY, first) is None
    assert history.original(con, ADMIN, 999) is None


def test_table_for_reading(con, loaded):
    frame = history.submissions(con, TULUNGAGUNG)
    shown = history.table(frame, "id", {"accepted": "Diterima"})
    assert shown.columns == ["district", "village_code", "village_name", "period", "version", "is_current", "status",
                             "file_name", "uploaded_by", "uploaded_at", "officer", "warnings", "file_sha256"]
    assert shown.select("period", "is_current", "status").rows() == [
        ("April 2024", "✓", "Diterima"), ("Maret 2024", "✓", "Diterima"), ("Maret 2024", "", "Diterima")]
    assert history.village_months(frame).select("village_name", "period", "versions").rows() == [
        ("Tunggangri", date(2024, 4, 1), 1), ("Tunggangri", MARCH, 2)]
