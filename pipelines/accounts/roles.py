"""Who may do what: the roles (reference/roles.csv), the area a user works on and the scope of upload history."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from pipelines import catalogue

HISTORY_SCOPES = ("semua", "sendiri", "tidak")  # all districts | the user's own districts | none
DESK_SCOPES = HISTORY_SCOPES  # the same three values in the desk column


@cache
def rules() -> dict[str, dict[str, str]]:
    """role -> its row of reference/roles.csv; what each column means is in reference/role_rights.csv."""
    return {r["role"]: r for r in catalogue.rows("roles.csv")}


@cache
def rights() -> dict[str, dict[str, str]]:
    """column of roles.csv -> {values, help_id, help_en} (reference/role_rights.csv)."""
    return {r["column"]: r for r in catalogue.rows("role_rights.csv")}


ROLES = tuple(rules())


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
    own = scope(user)
    if own.empty:
        return set()
    return None if own.within is None and not own.area else set(own.codes)


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


def may_see_officers(user: User | None, district_code: str) -> bool:
    """Whether the names of a district's village officers may be shown (page, chat text or export).

    Officer names are part of the upload history, so the history column decides (roles.csv):
    coordinators their own districts, admins all, ministry staff and reviewers none."""
    return may_see_village(user, district_code)


def _inside(code: str, prefix: str) -> bool:
    """Whether an area code lies within another ('' is the whole country)."""
    return not prefix or code == prefix or code.startswith(prefix + ".")


def desk_areas(user: User | None) -> set[str] | None:
    """The areas a user works on at the desks (Mutu Data, Tinjau): None every area, else area codes.

    roles.csv desk: semua = all; sendiri = the account's codes (a coordinator's districts, a reviewer's
    provinces, where a reviewer without provinces covers them all); tidak = none."""
    if user is None:
        return set()
    rule = rules()[user.role]["desk"]
    if rule == "sendiri" and user.role == "peninjau" and not user.districts:
        return None
    return _scope(user, rule)


@dataclass(frozen=True)
class Scope:
    """The part of a requested area a user may read and act on at the desks.

    area: the narrowest area code holding all of it ('' national); within: the area codes the
    reads keep inside area (None: all of area; () nothing: the request lies outside the user's areas)."""
    requested: str
    area: str
    within: tuple[str, ...] | None

    @property
    def empty(self) -> bool:
        """The requested area lies wholly outside the user's areas: nothing of it is shown."""
        return self.within == ()

    @property
    def narrowed(self) -> bool:
        """The page shows less than was asked for (only the user's own areas within it)."""
        return not self.empty and (self.within is not None or self.area != self.requested)

    @property
    def codes(self) -> tuple[str, ...]:
        """The area codes shown: within, or the area alone ('' national)."""
        return self.within if self.within is not None else (self.area,)

    def allows(self, code: str) -> bool:
        """Whether a district or village code lies within the scope."""
        return any(_inside(code, c) for c in self.codes) if not self.empty else False


def scope(user: User | None, area: str = "") -> Scope:
    """The one place that narrows a requested area (URL, sidebar; '' national) to what the user may work on.

    Every desk read (Mutu Data, Tinjau) and write (tandai dicek, submit, approve, upload) asks here."""
    own = desk_areas(user)
    if own is None or any(_inside(area, c) for c in own):
        return Scope(area, area, None)
    keep = sorted(c for c in own if _inside(c, area))
    if not keep:
        return Scope(area, "", ())
    if len(keep) == 1:
        return Scope(area, keep[0], None)
    common = []
    for parts in zip(*(c.split(".") for c in keep)):
        if len(set(parts)) > 1:
            break
        common.append(parts[0])
    return Scope(area, ".".join(common), tuple(keep))


def reviews(user: User | None) -> bool:
    """Whether the role approves, returns and unlocks months at all (roles.csv: review)."""
    return user is not None and rules()[user.role]["review"] == "ya"


def submits(user: User | None) -> bool:
    """Whether the role submits a district's month for approval at all (roles.csv: submit)."""
    return user is not None and rules()[user.role]["submit"] == "ya"


def publishes(user: User | None) -> bool:
    """Whether the role loads targets and publishes the Satu Data package (roles.csv: publish)."""
    return user is not None and rules()[user.role]["publish"] == "ya"


def opens_desk(user: User | None) -> bool:
    """Whether the role opens Mutu Data and Tinjau at all (roles.csv: desk is not tidak)."""
    return user is not None and rules()[user.role]["desk"] != "tidak"


def can_review(user: User | None, district_code: str) -> bool:
    """Whether the user approves, returns or unlocks this district's months (review, within the desk area)."""
    return reviews(user) and scope(user).allows(district_code)


def can_submit(user: User | None, district_code: str) -> bool:
    """Whether the user submits this district's month for approval (submit, within the desk area)."""
    return submits(user) and scope(user).allows(district_code)
