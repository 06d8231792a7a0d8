"""Roles: what admins, ministry staff and coordinators may do."""
import pytest

from pipelines.accounts.roles import User, can_manage_users, can_upload, may_see_village, upload_scope

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
