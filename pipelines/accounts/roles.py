"""Who may do what: the three roles and the district scope of a coordinator."""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "kementerian", "koordinator")


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
    """Admins and coordinators upload; ministry staff only view."""
    return user is not None and user.role in ("admin", "koordinator")


def can_manage_users(user: User | None) -> bool:
    """Only admins manage accounts and read the audit log."""
    return user is not None and user.role == "admin"


def upload_scope(user: User | None) -> set[str] | None:
    """District codes a user may load reports for: None means every district (admin)."""
    if user is None or user.role == "kementerian":
        return set()
    if user.role == "admin":
        return None
    return set(user.districts)


def may_see_village(user: User | None, village_code: str) -> bool:
    """Whether a user may upload for, or see the upload history of, a village."""
    scope = upload_scope(user)
    return scope is None or village_code[:5] in scope
