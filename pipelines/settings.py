"""Deployment settings read from the environment, with their defaults."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def db_path() -> Path:
    """The warehouse file: PANTAU_DB, else data/pantau.duckdb in the project."""
    return Path(os.environ.get("PANTAU_DB") or ROOT / "data" / "pantau.duckdb")


def files_dir(db: Path | None = None) -> Path:
    """Where original workbooks are kept, content-addressed, beside the warehouse."""
    return Path(db or db_path()).resolve().parent / "files"


def report_deadline_day() -> int:
    """Day of the following month by which a monthly report counts as on time."""
    return int(os.environ.get("PANTAU_DEADLINE_DAY", "10"))


def lock_days() -> int:
    """Days after its deadline when a district-month locks itself (PANTAU_LOCK_DAYS; 0 = never)."""
    return max(int(os.environ.get("PANTAU_LOCK_DAYS") or "0"), 0)


def max_upload_bytes() -> int:
    """Largest workbook accepted, compressed (default 20 MB)."""
    return int(os.environ.get("PANTAU_MAX_UPLOAD_MB", "20")) * 1024 * 1024


def max_unpacked_bytes() -> int:
    """Largest total uncompressed size of a workbook's parts (zip-bomb guard)."""
    return int(os.environ.get("PANTAU_MAX_UNPACKED_MB", "200")) * 1024 * 1024


def today() -> date:
    """Today's date, or PANTAU_TODAY (YYYY-MM-DD) so tests and demos see a fixed calendar."""
    fixed = os.environ.get("PANTAU_TODAY")
    return date.fromisoformat(fixed) if fixed else date.today()


def boundary_file() -> Path | None:
    """A deployer's boundary file (GeoJSON/GeoPackage with Kemendagri codes) for choropleths."""
    path = os.environ.get("PANTAU_BOUNDARIES")
    return Path(path) if path else None
