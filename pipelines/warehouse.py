"""The DuckDB warehouse: opening it, its schema, and running the named SQL files."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines import settings

SQL_DIR = Path(__file__).resolve().parent / "sql"

# Writes from one process go through this lock: DuckDB allows one writer process, and
# inside it concurrent write transactions on the same rows would conflict.
WRITE_LOCK = threading.RLock()
# Committed write transactions of this process. The running app is the warehouse's one writer
# process, so readers (ui/cache) re-read the data version only after this changes.
_generation = [0]


def generation() -> int:
    return _generation[0]


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file for writing."""


def connect(path: str | Path | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file as it is (pipelines.migrations.connect also brings its schema up to date)."""
    db = Path(path or settings.db_path())
    if not read_only:
        db.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise WarehouseBusy(
                f"Gudang data {db} sedang dipakai proses lain (misalnya aplikasi Pantau yang "
                "sedang berjalan). Hentikan proses itu atau unggah lewat halaman Unggah Laporan, "
                "lalu coba lagi. Tidak ada data yang ditulis."
            ) from exc
        raise
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A fresh cursor in one transaction under the process's write lock; rolled back on any error."""
    with WRITE_LOCK:
        cur = con.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            yield cur
            cur.execute("COMMIT")
            _generation[0] += 1
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()

@cache
def sql_text(name: str) -> str:
    """The text of sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """Run sql/<name>.sql on a fresh cursor with named $parameters; return a polars frame."""
    cur = con.cursor()
    try:
        return cur.sql(sql_text(name), params=params or None).pl()
    finally:
        cur.close()


def rows(con: duckdb.DuckDBPyConnection, name: str, **params) -> list[tuple]:
    """Run sql/<name>.sql like query() and return plain tuples (no Arrow: the ingest CLI never imports pyarrow)."""
    cur = con.cursor()
    try:
        return cur.sql(sql_text(name), params=params or None).fetchall()
    finally:
        cur.close()


class _Stream:
    """A polars frame seen only through the Arrow C stream interface: DuckDB scans it without pyarrow
    (registering the frame itself goes through pyarrow, half a second of imports for a CLI run)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


def stage(cur: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Register a polars frame as view `name` on the cursor, for one bulk INSERT ... SELECT."""
    cur.register(name, _Stream(frame))


def info(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The warehouse_info key/value facts (demo flag, data version, ...)."""
    cur = con.cursor()
    try:
        return dict(cur.sql("SELECT key, value FROM warehouse_info").fetchall())
    finally:
        cur.close()


def is_demo(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse was built by the demo generator."""
    return info(con).get("demo") == "ya"
