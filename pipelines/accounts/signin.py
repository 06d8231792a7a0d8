"""Signing in and out: password sign-in with lockout, sign-in vouched for by OIDC, sign-out of every session; all audited."""
from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from pipelines import warehouse
from pipelines.accounts import audit, sessions
from pipelines.accounts.passwords import check_rehash, dummy_hash, verify
from pipelines.accounts.roles import User
from pipelines.accounts.users import account_row, normalise, run_sql, user_of

MAX_FAILURES = 5
LOCK = timedelta(minutes=15)

# audit_log details of failed sign-ins (the lockout of names without an account counts the second).
WRONG_PASSWORD = "kata sandi salah"
UNKNOWN_USER = "nama pengguna tidak dikenal"
STILL_LOCKED = "akun masih terkunci"
DISABLED = "akun dinonaktifkan"


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str,
                 now: datetime | None = None) -> tuple[User | None, str]:
    """(user, 'ok') or (None, 'invalid' | 'locked' | 'disabled'); every outcome is audited.

    MAX_FAILURES wrong passwords in a row lock the name for LOCK. An unknown name answers exactly
    like a wrong password, lockout included, so the answers never tell which names exist; 'disabled'
    is only said to someone who knows the password."""
    at, name = now or audit.now(), normalise(username)
    row = account_row(con, name)
    if row is None:
        return _unknown(con, name, password, at)
    if row["locked_until"] and row["locked_until"] > at:
        audit.audit(con, name, "login_failed", STILL_LOCKED, at)
        return None, "locked"
    if not verify(row["password_hash"], password):
        with warehouse.transaction(con) as cur:
            [(failures,)] = run_sql(cur, "user_login_failed", username=name)
            if failures >= MAX_FAILURES:
                run_sql(cur, "user_lock", username=name, until=at + LOCK)
                audit.record(cur, name, "locked", _lock_detail(at), at)
            else:
                audit.record(cur, name, "login_failed", WRONG_PASSWORD, at)
        return None, "locked" if failures >= MAX_FAILURES else "invalid"
    if not row["active"]:
        audit.audit(con, name, "login_failed", DISABLED, at)
        return None, "disabled"
    fresh = check_rehash(row["password_hash"], password)
    with warehouse.transaction(con) as cur:
        run_sql(cur, "user_login_ok", username=name)
        if fresh:
            run_sql(cur, "user_rehash", username=name, password_hash=fresh)
        audit.record(cur, name, "login", "kata sandi", at)
    return user_of(row), "ok"


def _lock_detail(at: datetime) -> str:
    return f"{MAX_FAILURES} kali gagal; terkunci sampai {at + LOCK:%Y-%m-%d %H:%M} WIB"


def _unknown(con, name: str, password: str, at: datetime) -> tuple[None, str]:
    verify(dummy_hash(), password)  # same cost as a real check
    locked_at, failures = warehouse.query(con, "audit_unknown_failures", username=name, detail=UNKNOWN_USER).row(0)
    if locked_at and locked_at + LOCK > at:
        audit.audit(con, name, "login_failed", STILL_LOCKED, at)
        return None, "locked"
    if failures + 1 >= MAX_FAILURES:
        audit.audit(con, name, "locked", _lock_detail(at), at)
        return None, "locked"
    audit.audit(con, name, "login_failed", UNKNOWN_USER, at)
    return None, "invalid"


def external_login(con: duckdb.DuckDBPyConnection, email: str, now: datetime | None = None) -> tuple[User | None, str]:
    """Sign in someone an OIDC provider vouched for: their e-mail must be a username here. Audited."""
    at, name = now or audit.now(), normalise(email)
    row = account_row(con, name)
    if row is None or not row["active"]:
        audit.audit(con, name, "login_failed", "OIDC: " + (UNKNOWN_USER if row is None else DISABLED), at)
        return None, "invalid" if row is None else "disabled"
    audit.audit(con, name, "login", "OIDC", at)
    return user_of(row), "ok"


def sign_out(con: duckdb.DuckDBPyConnection, username: str, detail: str = "") -> None:
    """End every session of the user (all browsers and tabs) and record it (or that it expired)."""
    with warehouse.transaction(con) as cur:
        sessions.revoke(cur, normalise(username))
        audit.record(cur, normalise(username), "logout", detail)


def locked_until(con: duckdb.DuckDBPyConnection, username: str, now: datetime | None = None) -> datetime | None:
    """Until when sign-ins under this name are refused (also for names without an account), else None."""
    at, name = now or audit.now(), normalise(username)
    row = account_row(con, name)
    if row is not None:
        until = row["locked_until"]
    else:
        locked_at, _ = warehouse.query(con, "audit_unknown_failures", username=name, detail=UNKNOWN_USER).row(0)
        until = locked_at + LOCK if locked_at else None
    return until if until and until > at else None
