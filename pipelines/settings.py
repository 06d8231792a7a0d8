"""Deployment settings: declared once in reference/settings.csv (name, default, meaning), read from the environment."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.catalogue import rows as catalogue_rows

WIB = ZoneInfo("Asia/Jakarta")  # the programme's clock: every warehouse timestamp is Western Indonesia Time, naive

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path(__file__).resolve().parent / "reference" / "settings.csv"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """name -> {name, default, meaning}: the one declaration of every setting (the README table mirrors it)."""
    return {row["name"]: row for row in catalogue_rows("settings.csv")}


def value(name: str) -> str:
    """A setting's value: the environment's, else its declared default ('' for none)."""
    if name not in catalogue():
        raise KeyError(f"{name} is not declared in {CATALOGUE.name}")
    return os.environ.get(name) or catalogue()[name]["default"]


def db_path() -> Path:
    """The warehouse file: PANTAU_DB, else data/pantau.duckdb in the project."""
    path = Path(value("PANTAU_DB"))
    return path if path.is_absolute() or os.environ.get("PANTAU_DB") else ROOT / path


def database_url() -> str:
    """PANTAU_DATABASE_URL: a postgresql:// URL selects the shared PostgreSQL store; '' = the DuckDB file."""
    return value("PANTAU_DATABASE_URL").strip()


def store_target() -> str:
    """What the app opens: the PostgreSQL URL when PANTAU_DATABASE_URL is set, else the DuckDB file."""
    return database_url() or str(db_path())


def files_dir(db: Path | None = None) -> Path:
    """Where original workbooks are kept, content-addressed, beside the warehouse."""
    return Path(db or db_path()).resolve().parent / "files"


def report_deadline_day() -> int:
    """Day of the following month by which a monthly report is due."""
    return int(value("PANTAU_DEADLINE_DAY"))


def max_upload_mb() -> int:
    """Largest workbook accepted, in MB (PANTAU_MAX_UPLOAD_MB, default 20); also Streamlit's maxUploadSize."""
    return int(value("PANTAU_MAX_UPLOAD_MB"))
def lock_days() -> int:
    """Days after its deadline when a district-month locks itself (PANTAU_LOCK_DAYS; 0 = never)."""
    return max(int(value("PANTAU_LOCK_DAYS")), 0)


def max_upload_bytes() -> int:
    """Largest workbook accepted, compressed (default 20 MB)."""
    return max_upload_mb() * 1024 * 1024


def max_unpacked_bytes() -> int:
    """Largest total uncompressed size of a workbook's parts (zip-bomb guard)."""
    return int(value("PANTAU_MAX_UNPACKED_MB")) * 1024 * 1024


def table_rows() -> int:
    """Rows a page table shows at most (PANTAU_TABLE_ROWS, default 500); downloads hold them all."""
    return max(int(value("PANTAU_TABLE_ROWS")), 1)


def session_minutes() -> int:
    """How long a sign-in lasts."""
    return int(value("PANTAU_SESSION_MINUTES"))


def password_hash_cost() -> tuple[int, int, int]:
    """(memory KiB, passes, lanes) of new argon2id password hashes, from PANTAU_PASSWORD_HASH."""
    raw = value("PANTAU_PASSWORD_HASH")
    try:
        memory, passes, lanes = (int(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(f"PANTAU_PASSWORD_HASH must be 'memory KiB,passes,lanes', not {raw!r}") from None
    # below these an argon2id hash stops being memory-hard enough to count (OWASP's lowest pairing: 7 MiB x 5)
    if memory < 7168 or passes < 1 or not 1 <= lanes <= 8:
        raise ValueError(f"PANTAU_PASSWORD_HASH {raw!r}: at least 7168 KiB, 1 pass and 1 to 8 lanes")
    return memory, passes, lanes


def read_workers() -> int:
    """Processes that read a large batch of workbooks: PANTAU_READ_WORKERS, else the usable cores."""
    raw = value("PANTAU_READ_WORKERS").strip()
    if raw:
        return max(1, int(raw))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# A reference date pinned for one piece of work (a pack rebuilt as of an earlier data version): per thread
# and task, so one Streamlit session's rebuild never moves another session's calendar.
_PINNED: ContextVar[date | None] = ContextVar("pantau_today", default=None)


@contextmanager
def pinned_today(day: date | None) -> Iterator[None]:
    """today() is `day` inside the block (None: unchanged)."""
    token = _PINNED.set(day) if day is not None else None
    try:
        yield
    finally:
        if token is not None:
            _PINNED.reset(token)


def today() -> date:
    """Today's date in Western Indonesia Time, or PANTAU_TODAY (YYYY-MM-DD) so tests and demos see a fixed calendar
    (a date pinned by pinned_today comes first)."""
    pinned = _PINNED.get()
    if pinned is not None:
        return pinned
    fixed = value("PANTAU_TODAY")
    # WIB, not the server clock: a server in UTC would otherwise open the next day 7 hours late.
    return date.fromisoformat(fixed) if fixed else datetime.now(WIB).date()


def boundary_file() -> Path | None:
    """A deployer's boundary file (GeoJSON/GeoPackage with Kemendagri codes) for choropleths."""
    path = value("PANTAU_BOUNDARIES")
    return Path(path) if path else None


def fast_paths() -> bool:
    """PANTAU_FAST_PATHS: 1 (default) uses ui/internals.py's measured speed-ups, 0 the public APIs only."""
    raw = value("PANTAU_FAST_PATHS").strip()
    if raw not in ("0", "1"):
        raise ValueError(f"PANTAU_FAST_PATHS must be 1 or 0, not {raw!r}")
    return raw == "1"
