"""Passwords: argon2id hashes (cost from PANTAU_PASSWORD_HASH), checks against them, and what a new password must meet."""
from __future__ import annotations

import threading
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pipelines import settings

_MEMORY, _PASSES, _LANES = settings.password_hash_cost()
HASHER = PasswordHasher(memory_cost=_MEMORY, time_cost=_PASSES, parallelism=_LANES)  # argon2id
# Each argon2 run holds its memory cost while it works: a crowd signing in at once (a Rakor) would
# add that per sign-in to the server's memory. Two at a time keeps both cores busy and the peak
# bounded; the others wait their turn (no CPU is lost).
_HASHING = threading.BoundedSemaphore(2)
MIN_PASSWORD = 10
MAX_PASSWORD = 1000
DEMO_PASSWORD = "desmigratif-demo"


def hash_password(password: str) -> str:
    """The argon2id hash stored instead of the password."""
    with _HASHING:
        return HASHER.hash(password)


def verify(password_hash: str, password: str) -> bool:
    """Whether password matches the stored hash."""
    try:
        with _HASHING:
            return HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_rehash(password_hash: str, password: str) -> str | None:
    """A fresh hash of a just-verified password when the stored one used older parameters, else None."""
    return hash_password(password) if HASHER.check_needs_rehash(password_hash) else None


@cache
def dummy_hash() -> str:
    # Verified against when the name is unknown, so that costs as much time as a wrong password.
    return hash_password("tidak-ada-akun-dengan-nama-ini")


def password_problem(password: str, username: str = "", demo: bool = False) -> str | None:
    """Why a new password is refused (Indonesian), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD:
        return f"Kata sandi minimal {MIN_PASSWORD} karakter."
    if len(password) > MAX_PASSWORD:
        return f"Kata sandi paling banyak {MAX_PASSWORD} karakter."
    if password.strip().lower() == username.strip().lower():
        return "Kata sandi tidak boleh sama dengan nama pengguna."
    if password == DEMO_PASSWORD and not demo:
        return "Kata sandi demo tidak boleh dipakai untuk akun biasa."
    return None
