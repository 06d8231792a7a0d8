"""Content-addressed store of original workbooks: on DuckDB one zip pack per load batch, indexed in the
warehouse; on PostgreSQL the bytes themselves (bytea), written in the load's transaction."""
from __future__ import annotations

import os
import uuid
import zipfile
from pathlib import Path

import polars as pl

from pipelines import settings, warehouse

# One pack per batch rather than one file per workbook: creating a file costs ~1 ms on this
# kind of disk, more than reading and validating the workbook itself.


def folder(con) -> Path | None:
    """files/ beside the warehouse file; None for an in-memory warehouse or PostgreSQL."""
    if warehouse.engine(con) == "postgres":
        return None
    cur = con.cursor()
    try:
        rows = cur.sql("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    finally:
        cur.close()
    return settings.files_dir(Path(rows[0][0])) if rows and rows[0][0] else None


def write_pack(con, files: dict[str, bytes]) -> str | None:
    """Write {sha256: bytes} as a new pack (atomically renamed into place); returns its name."""
    target_dir = folder(con)
    if target_dir is None or not files:
        return None
    target_dir.mkdir(parents=True, exist_ok=True)
    name = f"pack-{uuid.uuid4().hex}.zip"
    tmp = target_dir / f".{name}.part"
    # Stored, not deflated: an xlsx is already a zip and would not shrink.
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        for sha, data in files.items():
            zf.writestr(f"{sha}.xlsx", data)
    os.replace(tmp, target_dir / name)
    return name


def store(cur, files: dict[str, bytes]) -> None:
    """PostgreSQL: keep {sha256: bytes} in original_files inside the caller's transaction."""
    warehouse.stage(cur, "staged_original_files", pl.DataFrame(
        {"file_sha256": list(files), "content": list(files.values())}, schema={"file_sha256": pl.String,
                                                                              "content": pl.Binary}))
    warehouse.execute(cur, "original_files_insert")


def read(con, sha256: str) -> bytes | None:
    """The original bytes of a stored workbook, or None when not kept."""
    if warehouse.engine(con) == "postgres":
        found = warehouse.rows(con, "original_file", sha=sha256)
        return bytes(found[0][0]) if found else None
    rows = warehouse.query(con, "original_pack", sha=sha256).rows()
    base = folder(con)
    if not rows or base is None or not (base / rows[0][0]).exists():
        return None
    with zipfile.ZipFile(base / rows[0][0]) as zf:
        return zf.read(f"{sha256}.xlsx")
