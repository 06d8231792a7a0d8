"""Who may do what: the roles, the district scope of a coordinator and the province scope of a reviewer."""
from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "kementerian", "koordinator", "peninjau")


@dataclass(frozen=True)
class User:
    """A signed-in person: username, display name, role and their area codes.

    districts holds a coordinator's district codes (35.04) or a reviewer's province codes (35;
    empty = every province)."""
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
    if user is None or user.role in ("kementerian", "peninjau"):
        return set()
    if user.role == "admin":
        return None
    return set(user.districts)


def may_see_village(user: User | None, village_code: str) -> bool:
    """Whether a user may upload for, or see the upload history of, a village."""
    scope = upload_scope(user)
    return scope is None or village_code[:5] in scope


def can_review(user: User | None, district_code: str) -> bool:
    """Admins approve anywhere; a reviewer (peninjau) in every province or in the provinces listed."""
    if user is None:
        return False
    if user.role == "admin":
        return True
    return user.role == "peninjau" and (not user.districts or district_code[:2] in user.districts)


def can_submit(user: User | None, district_code: str) -> bool:
    """Admins and the district's own coordinator submit a district's month for review."""
    if user is None:
        return False
    return user.role == "admin" or (user.role == "koordinator" and district_code in user.districts)
