"""One-time sign-in tickets in the store: issued by the script run that signed someone in, redeemed once by any app process."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from pipelines import warehouse
from pipelines.accounts import audit

TICKET_SECONDS = 60


def _seal(data: bytes, raw: str) -> bytes:
    # XOR with a one-time key, SHAKE-256 of the random ticket (never stored), as long as the data;
    # the same call opens what it sealed.
    key = hashlib.shake_256(b"pantau-ticket|" + raw.encode()).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, key))


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(con, cookie_value: str, max_age: int, now: datetime | None = None) -> str:
    """A ticket the cookie route exchanges once, within TICKET_SECONDS, for Set-Cookie: cookie_value."""
    at = now or audit.now()
    raw = secrets.token_urlsafe(32)
    with warehouse.transaction(con) as cur:
        warehouse.execute(cur, "ticket_expire", now=at)
        warehouse.execute(cur, "ticket_insert", ticket=_digest(raw), sealed=_seal(cookie_value.encode(), raw).hex(),
                          max_age=max_age, until=at + timedelta(seconds=TICKET_SECONDS))
    return raw


def redeem(con, raw: str, now: datetime | None = None) -> tuple[str, int] | None:
    """The cookie value and max age the ticket stands for (once), or None when unknown or expired."""
    at = now or audit.now()
    with warehouse.transaction(con) as cur:
        rows = warehouse.execute(cur, "ticket_redeem", ticket=_digest(raw))
    if not rows or rows[0][2] < at:
        return None
    sealed, max_age, _ = rows[0]
    return _seal(bytes.fromhex(sealed), raw).decode(), int(max_age)
