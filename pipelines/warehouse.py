"""The storage layer: the store (DuckDB file, or PostgreSQL with PANTAU_DATABASE_URL), transactions, named SQL files."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import polars as pl

from pipelines import postgres, settings

SQL_DIR = Path(__file__).resolve().parent / "sql"

# DuckDB only: writes from one process go through this lock: DuckDB allows one writer process, and
# inside it concurrent write transactions on the same rows would conflict. PostgreSQL serialises
# writers itself (row and advisory locks, see lock_keys).
WRITE_LOCK = threading.RLock()
# Committed write transactions of this process: its own readers (ui/cache, ui/auth) see its writes
# at once, before the notification of them comes back.
_generation = [0]


def generation() -> int | tuple[int, int, int]:
    """Moves on after every committed write transaction of this process and, on PostgreSQL, of any other
    process (a replica, the ingest CLI): every committed write there sends a NOTIFY that this process's
    listener counts (postgres.Listener). Readers re-read the data version and re-check sessions only
    when it moved; while the listener is not connected it moves every second. Compare it, never order it."""
    url = settings.database_url()
    if url:
        return (_generation[0], *postgres.changes(url))
    return _generation[0]


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse file for writing."""


def is_url(target) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def connect(path: str | Path | None = None, read_only: bool = False):
    """Open the store as it is (pipelines.migrations.connect also brings its schema up to date): a postgresql://
    URL (given, or PANTAU_DATABASE_URL when no path is given) opens PostgreSQL, else the DuckDB file."""
    target = path if path is not None else (settings.database_url() or None)
    if is_url(target):
        return postgres.Connection(target)
    return _connect_duckdb(target, read_only)


def _connect_duckdb(path: str | Path | None, read_only: bool) -> duckdb.DuckDBPyConnection:
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


def engine(con) -> str:
    """'postgres' or 'duckdb'."""
    return getattr(con, "engine", "duckdb")


@contextmanager
def transaction(con) -> Iterator:
    """A fresh cursor in one transaction (under the process's write lock on DuckDB); rolled back on any error."""
    if engine(con) == "postgres":
        with _transaction(con) as cur:
            yield cur
        return
    with WRITE_LOCK:
        with _transaction(con) as cur:
            yield cur


@contextmanager
def _transaction(con) -> Iterator:
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


def lock_keys(cur, keys) -> None:
    """Inside a transaction, wait for the per-key locks (village-month, district-month) until it ends.
    PostgreSQL: transaction-scoped advisory locks, taken in one order so two writers never deadlock;
    DuckDB: nothing to do, its one writer process holds WRITE_LOCK."""
    if engine(cur) != "postgres":
        return
    for key in sorted({"|".join(str(part) for part in k) for k in keys}):
        cur.execute("SELECT pg_advisory_xact_lock(hashtextextended($key, 0))", {"key": key})


@cache
def sql_text(name: str) -> str:
    """The text of sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query(con, name: str, **params) -> pl.DataFrame:
    """Run sql/<name>.sql on a fresh cursor with named $parameters; return a polars frame."""
    if engine(con) == "postgres":
        return con.read(sql_text(name), params).pl()
    cur = con.cursor()
    try:
        return cur.sql(sql_text(name), params=params or None).pl()
    finally:
        cur.close()


def rows(con, name: str, **params) -> list[tuple]:
    """Run sql/<name>.sql like query() and return plain tuples (no Arrow: the ingest CLI never imports pyarrow)."""
    if engine(con) == "postgres":
        return con.read(sql_text(name), params).fetchall()
    cur = con.cursor()
    try:
        return cur.sql(sql_text(name), params=params or None).fetchall()
    finally:
        cur.close()


def execute(cur, name: str, /, **params) -> list[tuple]:
    """Run sql/<name>.sql on this cursor (inside its transaction); returns the rows it gives, if any."""
    return execute_sql(cur, sql_text(name), **params)


def execute_sql(cur, text: str, /, **params) -> list[tuple]:
    """Run one DuckDB-dialect statement with named $parameters on this cursor (transpiled on PostgreSQL)."""
    return cur.execute(text, params or None).fetchall()


class _Stream:
    """A polars frame seen only through the Arrow C stream interface: DuckDB scans it without pyarrow
    (registering the frame itself goes through pyarrow, half a second of imports for a CLI run)."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema=None):
        return self.frame.__arrow_c_stream__(requested_schema)


def stage(cur, name: str, frame: pl.DataFrame) -> None:
    """The polars frame as relation `name` for this cursor's transaction, for one bulk INSERT ... SELECT
    (DuckDB: a registered view; PostgreSQL: a temporary table dropped at commit)."""
    if engine(cur) == "postgres":
        cur.stage(name, frame)
        return
    cur.register(name, _Stream(frame))


def insert_staged(cur, table: str, staged: str, columns: list[str]) -> None:
    """INSERT INTO table (columns) SELECT columns FROM staged: by name, on either engine."""
    cols = ", ".join(f'"{c}"' for c in columns)
    cur.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {staged}")


def info(con) -> dict[str, str]:
    """The warehouse_info key/value facts (demo flag, data version, ...)."""
    cur = con.cursor()
    try:
        return dict(cur.sql("SELECT key, value FROM warehouse_info").fetchall())
    finally:
        cur.close()


def is_demo(con) -> bool:
    """True when the warehouse was built by the demo generator."""
    return info(con).get("demo") == "ya"
