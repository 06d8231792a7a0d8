"""Roles: what admins, ministry staff and coordinators may do."""
import pytest

from pipelines.accounts.roles import (
    DESK_SCOPES,
    HISTORY_SCOPES,
    Scope,
    User,
    can_manage_users,
    can_review,
    can_submit,
    can_upload,
    may_see_officers,
    may_see_village,
    opens_desk,
    publishes,
    reviews,
    rights,
    rules,
    scope,
    submits,
    upload_scope,
)

ADMIN = User("admin", "Admin", "admin")
MINISTRY = User("kemnaker", "Staf Kemnaker", "kementerian")
TULUNGAGUNG = User("tulungagung", "Koordinator Tulungagung", "koordinator", ("35.04",))


def test_upload_rights():
    assert [can_upload(u) for u in (ADMIN, MINISTRY, TULUNGAGUNG, None)] == [True, False, True, False]


def test_user_management_is_admin_only():
    assert [can_manage_users(u) for u in (ADMIN, MINISTRY, TULUNGAGUNG, None)] == [True, False, False, False]


def test_scopes():
    assert upload_scope(ADMIN) is None
    assert upload_scope(MINISTRY) == set()
    assert upload_scope(TULUNGAGUNG) == {"35.04"}
    assert may_see_village(TULUNGAGUNG, "35.04.14.2011") is True
    assert may_see_village(TULUNGAGUNG, "35.02.20.2001") is False
    assert may_see_village(ADMIN, "35.02.20.2001") is True
    assert may_see_village(MINISTRY, "35.04.14.2011") is False


def test_unknown_role_is_refused():
    with pytest.raises(ValueError):
        User("x", "X", "bupati")


PONOROGO = User("koord.ponorogo", "Koordinator Ponorogo", "koordinator", ("35.02",))
TWO = User("koord.dua", "Koordinator dua kabupaten", "koordinator", ("35.04", "35.02"))
ACROSS = User("koord.lintas", "Koordinator lintas provinsi", "koordinator", ("35.04", "52.03"))
REVIEWER = User("peninjau", "Peninjau", "peninjau")
REVIEWER_JATIM = User("peninjau.jatim", "Peninjau Jawa Timur", "peninjau", ("35",))


def test_scope_of_a_coordinator_narrows_every_request_to_their_district():
    assert scope(PONOROGO, "") == Scope("", "35.02", None)
    assert scope(PONOROGO, "35") == Scope("35", "35.02", None)
    assert scope(PONOROGO, "35.02") == Scope("35.02", "35.02", None)
    assert scope(PONOROGO, "35.02.20.2001") == Scope("35.02.20.2001", "35.02.20.2001", None)
    # another district, its village, another province: nothing
    assert [scope(PONOROGO, a) for a in ("35.04", "35.04.14.2011", "52")] == [
        Scope("35.04", "", ()), Scope("35.04.14.2011", "", ()), Scope("52", "", ())]
    assert [scope(PONOROGO, a).empty for a in ("35.04", "")] == [True, False]
    assert [scope(PONOROGO, a).narrowed for a in ("", "35", "35.02", "35.02.20", "35.04")] == [
        True, True, False, False, False]


def test_scope_of_several_districts_keeps_each_within_the_request():
    assert scope(TWO, "") == Scope("", "35", ("35.02", "35.04"))
    assert scope(TWO, "35") == Scope("35", "35", ("35.02", "35.04"))
    assert scope(TWO, "35.04") == Scope("35.04", "35.04", None)
    assert scope(ACROSS, "") == Scope("", "", ("35.04", "52.03"))
    assert scope(ACROSS, "35") == Scope("35", "35.04", None)
    assert [scope(TWO, "").allows(c) for c in ("35.02", "35.04.14.2011", "35.01", "52.03.01.2001")] == [
        True, True, False, False]


def test_scope_of_admins_reviewers_and_ministry():
    assert scope(ADMIN, "35.04") == Scope("35.04", "35.04", None)
    assert scope(ADMIN, "") == Scope("", "", None)
    assert scope(REVIEWER, "35.04") == Scope("35.04", "35.04", None)
    assert scope(REVIEWER_JATIM, "") == Scope("", "35", None)
    assert scope(REVIEWER_JATIM, "35.04") == Scope("35.04", "35.04", None)
    assert scope(REVIEWER_JATIM, "52.03") == Scope("52.03", "", ())
    assert scope(MINISTRY, "") == Scope("", "", ())
    assert scope(None, "35.04") == Scope("35.04", "", ())
    assert [scope(u).allows("35.04") for u in (ADMIN, REVIEWER, REVIEWER_JATIM, MINISTRY, None)] == [
        True, True, True, False, False]


def test_submit_review_and_upload_follow_the_scope():
    assert [can_submit(u, "35.04") for u in (ADMIN, TULUNGAGUNG, PONOROGO, TWO, REVIEWER, MINISTRY)] == [
        True, True, False, True, False, False]
    assert [can_review(u, "52.03") for u in (ADMIN, REVIEWER, REVIEWER_JATIM, TULUNGAGUNG)] == [
        True, True, False, False]
    assert upload_scope(TWO) == {"35.02", "35.04"}
    assert upload_scope(ACROSS) == {"35.04", "52.03"}
    assert upload_scope(REVIEWER) == set()
    assert upload_scope(User("koord.kosong", "Koordinator tanpa kabupaten", "koordinator")) == set()


def test_officer_names_follow_the_history_column():
    assert [rules()[r]["history"] for r in ("admin", "kementerian", "koordinator", "peninjau")] == [
        "semua", "tidak", "sendiri", "tidak"]
    assert [may_see_officers(u, "35.04") for u in (ADMIN, TULUNGAGUNG, PONOROGO, REVIEWER, MINISTRY, None)] == [
        True, True, False, False, False, False]


def test_every_role_row_has_known_values_and_help():
    assert list(rules()) == ["admin", "kementerian", "koordinator", "peninjau"]
    for row in rules().values():
        assert row["upload"] in ("ya", "tidak") and row["manage_users"] in ("ya", "tidak")
        assert row["history"] in HISTORY_SCOPES and row["desk"] in DESK_SCOPES
        assert len(row["help"]) > 40
    assert [rules()[r]["desk"] for r in ("admin", "kementerian", "koordinator", "peninjau")] == [
        "semua", "tidak", "sendiri", "sendiri"]


def test_every_column_of_roles_csv_is_described_and_its_values_allowed():
    columns = [c for c in next(iter(rules().values())) if c not in ("role", "help")]
    assert columns == ["upload", "manage_users", "history", "desk", "submit", "review", "publish"]
    assert list(rights()) == columns
    for column, right in rights().items():
        assert len(right["help_id"]) > 40 and len(right["help_en"]) > 40
        assert {row[column] for row in rules().values()} <= set(right["values"].split("|"))


def test_submit_and_review_rights_are_the_columns():
    people = (ADMIN, MINISTRY, TULUNGAGUNG, REVIEWER)
    assert [submits(u) for u in people] == [True, False, True, False]
    assert [reviews(u) for u in people] == [True, False, False, True]
    assert [publishes(u) for u in people] == [True, False, False, False]
    assert [opens_desk(u) for u in (*people, None)] == [True, False, True, True, False]
