"""Review actions on a district-month: submit, approve, return and unlock, each checked by role, district and state."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import duckdb

from pipelines import formatting, settings, versions, warehouse
from pipelines.accounts import audit, roles
from pipelines.review import lock, states

ACTIONS = ("submit", "approve", "return", "unlock")
# Which state each action needs first; unlock also opens a month that locked itself.
NEEDS = {"submit": ("diterima", "dikembalikan"), "approve": ("diajukan",), "return": ("diajukan",),
         "unlock": ("disetujui",)}
LEADS_TO = {"submit": "diajukan", "approve": "disetujui", "return": "dikembalikan", "unlock": "diterima"}
STATE_TEXT = {"diterima": "diterima (belum diajukan)", "diajukan": "diajukan (menunggu persetujuan)",
              "disetujui": "disetujui (terkunci)", "dikembalikan": "dikembalikan ke koordinator"}


class Refused(PermissionError):
    """The action is not allowed (wrong role, district or state, or a reason missing); nothing was written."""


@dataclass(frozen=True)
class Done:
    """The outcome of an allowed action."""
    action: str
    district: str
    period: date
    state: str
    message: str


def _refuse(con: duckdb.DuckDBPyConnection, user: roles.User | None, action: str, district: str,
            period: date, why: str):
    # Refusals are audited too: who tried what, and why it was refused.
    audit.audit(con, user.username if user else "?", "review_refused",
                f"{action} {district} {period:%Y-%m}: {why}")
    raise Refused(why)


def _district_name(con: duckdb.DuckDBPyConnection, district: str) -> str | None:
    found = warehouse.query(con, "review_districts").filter(district_code=district)
    return found["district"][0] if found.height else None


def act(con: duckdb.DuckDBPyConnection, user: roles.User | None, action: str, district: str, period: date,
        reason: str = "", missing: dict[str, str] | None = None, today: date | None = None) -> Done:
    """Carry out one review action, or raise Refused with an Indonesian message (audited either way)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    today = today or settings.today()
    period = date(period.year, period.month, 1)
    reason = (reason or "").strip()
    month = formatting.month(period)
    name = _district_name(con, district)
    if name is None:
        _refuse(con, user, action, district, period, f"Kabupaten/kota {district} tidak ada di daftar desa.")
    if user is None:
        _refuse(con, user, action, district, period, "Masuk dulu untuk meninjau laporan.")
    allowed = roles.can_submit(user, district) if action == "submit" else roles.can_review(user, district)
    if not allowed:
        who = ("koordinator kabupaten/kota itu atau admin" if action == "submit"
               else "peninjau wilayah itu atau admin")
        _refuse(con, user, action, district, period,
                f"Akun {user.username} ({user.role}) tidak boleh {_verb(action)} bulan {month} {name}: "
                f"hanya {who}.")
    current = states.state_of(con, district, period)
    auto_locked = action == "unlock" and current.state not in lock.UNDER_REVIEW and \
        lock.is_locked(con, district, period, today) is not None
    if current.state not in NEEDS[action] and not auto_locked:
        _refuse(con, user, action, district, period,
                f"Bulan {month} {name} berstatus {STATE_TEXT[current.state]}; {_verb(action)} hanya bisa "
                f"dari status {' atau '.join(NEEDS[action])}.")
    if action in ("return", "unlock") and not reason:
        _refuse(con, user, action, district, period, f"Tuliskan alasan untuk {_verb(action)} bulan {month} {name}.")
    detail: dict = {}
    if action == "submit":
        if period >= date(today.year, today.month, 1):
            _refuse(con, user, action, district, period,
                    f"Bulan {month} belum selesai; ajukan setelah bulan itu berakhir.")
        detail = _submission_detail(con, user, district, period, missing or {})
    return _write(con, user, action, district, period, reason, detail, name, month, current.state)


def _verb(action: str) -> str:
    return {"submit": "mengajukan", "approve": "menyetujui", "return": "mengembalikan",
            "unlock": "membuka kunci"}[action]


def _submission_detail(con, user, district: str, period: date, missing: dict[str, str]) -> dict:
    """Every village still missing needs a reason; open quality findings travel with the submission."""
    from pipelines.review import quality  # quality reads the calendar; imported only when submitting
    villages = warehouse.query(con, "review_district_month", district=district, period=period)
    if not villages["reported"].any():
        _refuse(con, user, "submit", district, period,
                f"Belum ada desa yang melapor bulan {formatting.month(period)}; tidak ada yang dapat diajukan.")
    absent = villages.filter(~villages["reported"])
    reasons = {code: (missing.get(code) or "").strip() for code in absent["village_code"].to_list()}
    without = [f"{n} ({c})" for c, n in absent.select("village_code", "village_name").iter_rows() if not reasons[c]]
    if without:
        _refuse(con, user, "submit", district, period,
                f"{len(without)} desa belum melapor bulan {formatting.month(period)} dan belum diberi alasan: "
                + ", ".join(without) + ".")
    findings = quality.open_findings(con, district, period)
    return {"missing": reasons, "open_findings": findings}


def _write(con, user: roles.User, action: str, district: str, period: date, reason: str, detail: dict,
           name: str, month: str, before: str) -> Done:
    state = LEADS_TO[action]
    at = audit.now()
    with warehouse.transaction(con) as cur:
        # The district-month's lock (the one uploads of its villages take too), then the state checked
        # again: another process may have acted on the month since it was read.
        warehouse.lock_keys(cur, [("kabupaten", district, period)])
        if states.state_of(cur, district, period).state != before:
            raise Refused(f"Status bulan {month} {name} baru saja diubah oleh pengguna lain; muat ulang halaman.")
        if state == states.RECEIVED:
            warehouse.execute(cur, "review_state_delete", district=district, period=period)
        else:
            warehouse.execute(cur, "review_state_upsert", district=district, period=period, state=state,
                              changed_by=user.username, changed_at=at, reason=reason)
        if action == "submit":
            warehouse.execute(cur, "review_missing_delete", district=district, period=period)
            for village, why in detail["missing"].items():
                warehouse.execute(cur, "review_missing_insert", district=district, period=period, village=village,
                                  reason=why)
        # approved-only figures change with the state; the event carries the version (pipelines.snapshot)
        version = versions.bump(cur, "tinjauan", user.username)
        warehouse.execute(cur, "review_event_insert", district=district, period=period, action=action, state=state,
                          username=user.username, at=at, reason=reason,
                          detail=json.dumps(detail, ensure_ascii=False, default=str), version=version)
        audit.record(cur, user.username, f"review_{action}",
                     f"{district} {period:%Y-%m} -> {state}" + (f"; alasan: {reason}" if reason else ""), at)
    texts = {"submit": f"Bulan {month} {name} diajukan untuk disetujui.",
             "approve": f"Bulan {month} {name} disetujui dan dikunci.",
             "return": f"Bulan {month} {name} dikembalikan ke koordinator dengan alasan.",
             "unlock": f"Kunci bulan {month} {name} dibuka; versi baru dapat diunggah lagi."}
    return Done(action, district, period, state, texts[action])


def waiting(con: duckdb.DuckDBPyConnection, user: roles.User | None) -> list[tuple[str, str, date]]:
    """District-months waiting for this reviewer's approval: (district_code, district, period), oldest first."""
    if not roles.reviews(user):
        return []
    frame = warehouse.query(con, "review_states_in", area="", start=date(1900, 1, 1), end=date(2999, 12, 1))
    return [(d, n, p) for d, n, p, s in frame.select("district_code", "district", "period", "state").iter_rows()
            if s == "diajukan" and roles.can_review(user, d)]


def returned(con: duckdb.DuckDBPyConnection, user: roles.User | None) -> list[dict]:
    """Months returned to this coordinator's districts (all for admins).

    Each a dict: district_code, district, period, changed_by, changed_at, reason."""
    if user is None:
        return []
    frame = warehouse.query(con, "review_states_in", area="", start=date(1900, 1, 1), end=date(2999, 12, 1))
    scope = roles.upload_scope(user)
    return [r for r in frame.filter(state="dikembalikan").to_dicts()
            if scope is None or r["district_code"] in scope]


def at_text(at: datetime | None, lang: str = "id") -> str:
    """'2 Desember 2026 07.17 WIB', as the app writes every time (formatting.moment); '' for none."""
    return formatting.moment(at, lang) if at else ""
