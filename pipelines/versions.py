"""Data versions: the number every write transaction takes, recorded with when, by whom and what (data_versions)."""
from __future__ import annotations

from datetime import datetime

import polars as pl

from pipelines import settings, warehouse

# what a version's write did, as the Paket page's picker names it (labels dv_what_<what> in ui/labels.csv)
KINDS = ("awal", "unggah", "tinjauan", "mutu", "target", "survei", "seri")


def bump(cur, what: str, by: str) -> int:
    """Inside a write transaction: take the next data version, record it, and return it for stamping the rows
    the transaction makes (their data_version column). PostgreSQL holds warehouse_info's row lock from here to
    commit, so call it late in the transaction."""
    if what not in KINDS:
        raise ValueError(f"unknown kind of write {what!r}")
    [(version,)] = warehouse.execute(cur, "bump_data_version")
    warehouse.execute(cur, "data_version_insert", version=int(version), at=now(), by=by, what=what)
    return int(version)


def now() -> datetime:
    """WIB, naive, as every warehouse timestamp."""
    return datetime.now(settings.WIB).replace(tzinfo=None)


def start(cur) -> None:
    """Inside the migration's transaction: where the version history starts, once (the data version the
    warehouse has when first migrated with data_versions)."""
    warehouse.execute(cur, "data_version_start", at=now())


def listed(con) -> pl.DataFrame:
    """Every recorded data version, newest first: version, made_at, made_by, what."""
    return warehouse.query(con, "data_versions")


def current(con) -> int:
    """The warehouse's data version now (0 before any write)."""
    raw = warehouse.info(con).get("data_version", "0")
    try:
        return int(raw)
    except ValueError:
        return 0


def _recorded(con) -> bool:
    """False for a warehouse opened read-only that was made before data versions were recorded."""
    return bool(warehouse.rows(con, "data_versions_present")[0][0])


def made_at(con, version: int) -> datetime | None:
    """When data version `version` was made (WIB), None when it is not recorded."""
    if not _recorded(con):
        return None
    found = warehouse.query(con, "data_versions").filter(pl.col("version") == version)
    return found["made_at"][0] if found.height else None


def first(con) -> int | None:
    """The oldest recorded data version (where the rebuildable history starts), None when none is."""
    if not _recorded(con):
        return None
    found = warehouse.query(con, "data_versions")
    return int(found["version"].min()) if found.height else None
