"""Who may do what: the roles (reference/roles.csv) and the district scope of uploads and upload history."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_CSV = Path(__file__).resolve().parent.parent / "reference" / "roles.csv"
HISTORY_SCOPES = ("semua", "sendiri", "tidak")  # all districts | the user's own districts | none


@cache
def rules() -> dict[str, dict[str, str]]:
    """role -> its row of reference/roles.csv (upload, manage_users: ya/tidak; history: semua/sendiri/tidak)."""
    with _CSV.open(encoding="utf-8") as fh:
        return {r["role"]: r for r in csv.DictReader(fh)}


ROLES = tuple(rules())


@dataclass(frozen=True)
class User:
    """A signed-in person: username, display name, role and (for coordinators) their districts."""
    username: str
    full_name: str
    role: str
    districts: tuple[str, ...] = ()

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; one of {', '.join(ROLES)}")


def can_upload(user: User | None) -> bool:
    """Whether the role uploads reports (roles.csv: upload)."""
    return user is not None and rules()[user.role]["upload"] == "ya"


def can_manage_users(user: User | None) -> bool:
    """Whether the role manages accounts and reads the audit log (roles.csv: manage_users)."""
    return user is not None and rules()[user.role]["manage_users"] == "ya"


def _scope(user: User | None, rule: str) -> set[str] | None:
    if rule == "semua":
        return None
    if rule == "sendiri":
        return set(user.districts)
    return set()


def upload_scope(user: User | None) -> set[str] | None:
    """District codes a user may load reports for: None means every district, an empty set none."""
    if not can_upload(user):
        return set()
    return None if user.role == "admin" else set(user.districts)


def history_scope(user: User | None) -> set[str] | None:
    """District codes whose upload history and original files the user may see (None: all; empty: none).

    The one rule for every page and export that shows file names, officers, uploaders or originals:
    coordinators their own districts, admins all, other roles as roles.csv says (ministry: none)."""
    if user is None:
        return set()
    return _scope(user, rules()[user.role]["history"])


def can_see_history(user: User | None) -> bool:
    """Whether the user sees any upload history at all (Riwayat in the menu)."""
    scope = history_scope(user)
    return scope is None or bool(scope)


def may_see_village(user: User | None, village_code: str) -> bool:
    """Whether a user may see the upload history and originals of a village."""
    scope = history_scope(user)
    return scope is None or village_code[:5] in scope
