"""Server-side sign-in sessions: a random id per sign-in, stored only as its SHA-256, with expiry and revocation."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import duckdb

from pipelines import warehouse
from pipelines.accounts import audit

_SECRET = "session_cookie_key"


def _key(con: duckdb.DuckDBPyConnection) -> bytes:
    # Kept in the warehouse so cookies stay valid across app restarts and every app process agrees.
    rows = warehouse.query(con, "app_secret", key=_SECRET).rows()
    if not rows:
        with warehouse.transaction(con) as cur:
            warehouse.execute(cur, "app_secret_insert", key=_SECRET, value=secrets.token_hex(32))
        rows = warehouse.query(con, "app_secret", key=_SECRET).rows()
    return bytes.fromhex(rows[0][0])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(con: duckdb.DuckDBPyConnection, username: str, minutes: int, now: datetime | None = None) -> tuple[str, str]:
    """A new session for username lasting minutes: (cookie value "id.signature", the id's hash)."""
    at = now or audit.now()
    token = secrets.token_urlsafe(32)
    with warehouse.transaction(con) as cur:
        warehouse.execute(cur, "session_insert", token=_digest(token), username=username, at=at,
                          until=at + timedelta(minutes=minutes))
    signature = hmac.new(_key(con), token.encode(), hashlib.sha256).hexdigest()
    return f"{token}.{signature}", _digest(token)


def digest_of(con: duckdb.DuckDBPyConnection, cookie_value: str | None) -> str | None:
    """The session id's hash when the cookie value carries a valid signature, else None."""
    token, _, signature = (cookie_value or "").partition(".")
    if not token or len(cookie_value) > 200:
        return None
    expected = hmac.new(_key(con), token.encode(), hashlib.sha256).hexdigest()
    return _digest(token) if hmac.compare_digest(expected, signature) else None


def live(con: duckdb.DuckDBPyConnection, digest: str | None,
         now: datetime | None = None) -> tuple[str, datetime] | None:
    """(username, expires_at) of a live session (not expired, not revoked), else None."""
    if not digest:
        return None
    rows = warehouse.query(con, "session_user", token=digest, at=now or audit.now()).rows()
    return (rows[0][0], rows[0][1]) if rows else None


def username(con: duckdb.DuckDBPyConnection, digest: str | None, now: datetime | None = None) -> str | None:
    """Whose live session that is (not expired, not revoked), else None."""
    found = live(con, digest, now)
    return found[0] if found else None


def revoke(cur: duckdb.DuckDBPyConnection, user: str, at: datetime | None = None) -> None:
    """End every live session of a user, on a cursor whose transaction the caller holds."""
    warehouse.execute(cur, "session_revoke_user", username=user, at=at or audit.now())
